from io import BytesIO

from pypdf import PdfReader

from drillhub.afteraction.pdf import render_aar
from drillhub.afteraction.report import finalize_report, open_report, report_data
from tests.afteraction.conftest import actor

SECTIONS = ["Contents", "Executive summary", "Exercise overview", "Participating organisations", "Scenario summary",
            "Analysis of core capabilities", "Decisions", "Decision timeline", "Participant feedback (hot wash)",
            "Appendix A: Improvement Plan", "Appendix B: Participants"]


def pages_of(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(pdf)).pages]


async def test_the_aar_pdf_has_every_section_the_marking_on_every_page_and_the_numbers(played):
    report = await open_report(played.session.id, actor(played.lead_evaluator))
    final = await finalize_report(played.session.id, report.version, actor(played.lead_evaluator))
    pdf = render_aar(final.snapshot, {**final.to_dict(), "handling": "LAW ENFORCEMENT SENSITIVE"})
    pages = pages_of(pdf)
    everything = " ".join(pages)
    assert all(page.count("LAW ENFORCEMENT SENSITIVE") >= 2 for page in pages)  # top and bottom of every page
    assert all(f"Page {n} of {len(pages)}" in page for n, page in enumerate(pages, start=1))
    for section in SECTIONS:
        assert section in everything, section
    assert "5 decisions were recorded; 67% were the expected action" in everything
    assert "Mass Search and Rescue Operations – rating: S" in everything
    assert "Dispatch held the call for two minutes." in everything
    assert "2 Participant Feedback Forms were returned" in everything
    assert "The exercise was well structured and organised. 2 4.5 0 0 0 1 1" in everything
    assert "radio (3)" in everything
    assert "Push the crowd back from the bank (expected)" in everything  # the chart marks expected actions
    assert "Ending: Everyone out of the water" in everything
    assert played.players["dispatch"].name in pages[-1] and "DRAFT" not in everything


async def test_a_draft_says_so_on_every_page(played):
    report = await open_report(played.session.id, actor(played.lead_evaluator))
    pdf = render_aar(await report_data(played.session.id), report.to_dict())
    assert all("DRAFT" in page for page in pages_of(pdf))
