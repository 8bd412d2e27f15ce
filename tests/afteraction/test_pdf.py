import json
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader

from drillhub.afteraction import reportdata
from drillhub.afteraction.pdf import render_aar
from drillhub.afteraction.report import finalize_report, open_report, report_data
from tests.afteraction.conftest import RESCUE, actor
from tests.test_pdftext import LONG_WORD, MARKUP_PAYLOADS, assert_printed

SECTIONS = ["Contents", "Executive summary", "Summary of core capability performance", "Exercise overview",
            "Participating organisations", "Scenario summary",
            "Analysis of core capabilities", "Decisions", "Decision timeline", "Participant feedback (hot wash)",
            "Appendix A: Improvement Plan", "Appendix B: Participants", "Appendix C: Acronyms"]


def pages_of(pdf: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(pdf)).pages]


async def test_the_aar_pdf_has_every_section_the_marking_on_every_page_and_the_numbers(played):
    report = await open_report(played.session.id, actor(played.lead_evaluator))
    final = await finalize_report(played.session.id, report.version, actor(played.lead_evaluator))
    pdf = render_aar(reportdata.read(final.snapshot), {**final.to_dict(), "handling": "LAW ENFORCEMENT SENSITIVE"})
    pages = pages_of(pdf)
    everything = " ".join(pages)
    assert all(page.count("LAW ENFORCEMENT SENSITIVE") >= 2 for page in pages)  # top and bottom of every page
    assert all(f"Page {n} of {len(pages)}" in page for n, page in enumerate(pages, start=1))
    for section in SECTIONS:
        assert section in everything, section
    assert "5 decisions were recorded; 67% of the players' own were the expected action" in everything
    assert "Mass Search and Rescue Operations – rating: S" in everything
    assert "Dispatch held the call for two minutes." in everything
    assert "2 Participant Feedback Forms were returned" in everything
    assert "The exercise was well structured and organised. 2 4.5 0 0 0 1 1" in everything
    assert "radio (3)" in everything
    assert "Push the crowd back from the bank (expected)" in everything  # the chart marks expected actions
    assert "Ending: Everyone out of the water" in everything
    assert played.players["dispatch"].name in pages[-1] and "DRAFT" not in everything
    assert "When (America/Chicago)" in everything and "Times are on the exercise's clock (America/Chicago)" in everything
    assert "UTC" not in everything
    assert "Median time to decide" in everything and "(m:ss)" not in everything
    assert "Mass Search and Rescue Operations S: Performed with some challenges" in everything  # the summary table
    assert "EMS Emergency Medical Services" in everything and "AAR After-Action Report" in everything  # acronyms used
    assert "ICS Incident Command System" not in everything  # only those the report uses
    assert f"Lead evaluator: {played.lead_evaluator.name}" in everything and "Not given" not in everything
    blank = render_aar(reportdata.read(final.snapshot), {**final.to_dict(), "points_of_contact": ""})  # a report that names none
    assert f"Lead evaluator: {played.lead_evaluator.name}" in " ".join(pages_of(blank))


async def test_a_draft_says_so_on_every_page(played):
    report = await open_report(played.session.id, actor(played.lead_evaluator))
    pdf = render_aar(await report_data(played.session.id), report.to_dict())
    assert all("DRAFT" in page for page in pages_of(pdf))


# Typed text ------------------------------------------------------------------------------------------

AAR_FIELDS = (
    "title", "venue", "sponsor", "course objective", "scenario", "summary", "threat or hazard", "scenario objective",
    "organisation", "capability", "target", "critical task", "evaluator", "observed task", "observation",
    "decision point", "prompt", "choice", "scene", "inject", "strength", "improvement", "recommended action",
    "comment", "theme", "issue", "corrective action", "contact", "participant", "participant title", "handling",
    "points of contact", "executive summary", "strengths written", "improvements written", "analysis written",
)


def typed_report(typed) -> tuple[reportdata.ReportData, dict]:
    """An AAR's data and version in which every text a person typed, or a scenario's author wrote, is
    typed(field) for a field of AAR_FIELDS."""
    agency = typed("organisation")
    observation = {"at": "2026-03-01T15:10:00+00:00", "by": typed("evaluator"), "task": typed("observed task"),
                   "note": typed("observation")}
    point = {"key": "bridge/collapse", "scenario": typed("scenario"), "title": typed("decision point"),
             "prompt": typed("prompt"), "choices": [{"id": "wait", "label": typed("choice"), "expected": True}],
             "agencies": [agency], "distribution": {"wait": {agency: 1}}, "count": 1, "expected_rate": 1.0,
             "times": {"count": 1, "median": 42, "mean": 42, "max": 42}}
    data = {
        "title": typed("title"), "exercise_type": "Tabletop exercise", "starts": "01 March 2026 09:00",
        "ends": "01 March 2026 13:00", "time_zone": "America/Chicago", "venue": typed("venue"),
        "sponsor": typed("sponsor"), "course_objectives": [typed("course objective")],
        "scenarios": [{"title": typed("scenario"), "summary": typed("summary"), "threat_hazard": typed("threat or hazard"),
                       "mission_areas": ["response"], "objectives": [typed("scenario objective")]}],
        "mission_areas": ["response"], "core_capabilities": [typed("capability")],
        "agencies": [{"name": agency, "count": 1}],
        "participants": [{"name": typed("participant"), "agency": agency, "role": "player",
                          "title": typed("participant title")}],
        "capabilities": [{"capability": typed("capability"), "rating": "S", "targets": [
            {"target": typed("target"), "objective": "", "tasks": [typed("critical task")], "rating": "M",
             "observations": [observation]}]}],
        "timeline": [{"run": 1, "at": "2026-03-01T15:00:00+00:00", "kind": "scene", "text": typed("scene")},
                     {"run": 1, "at": "2026-03-01T15:01:00+00:00", "kind": "inject", "text": typed("inject")}],
        "decision_points": [point], "decision_count": 1, "expected_rate": 1.0, "expected_by_agency": {agency: 1.0},
        "times": {"count": 1, "median": 42, "mean": 42, "max": 42},
        "feedback": {"count": 1, "statements": [{"key": "structured", "text": "The exercise was well structured.",
                                                 "answered": 1, "average": 4.0, "distribution": [0, 0, 0, 1, 0]}],
                     "strengths": [(typed("strength"), 1)], "improvements": [(typed("improvement"), 1)],
                     "recommended": [(typed("recommended action"), 1)], "comments": [(typed("comment"), 1)],
                     "themes": [(typed("theme"), 2)]},
        "actions": [{"capability": typed("capability"), "issue": typed("issue"), "action": typed("corrective action"),
                     "element": "training", "agency": agency, "contact": typed("contact"), "start_on": "2026-03-02",
                     "due_on": "2026-06-01", "status": "in_progress"}],
    }
    report = {"version": 1, "status": "draft", "handling": typed("handling"),
              "points_of_contact": typed("points of contact"), "executive_summary": typed("executive summary"),
              "analysis": [{"capability": typed("capability"), "strengths": typed("strengths written"),
                            "improvements": typed("improvements written"), "analysis": typed("analysis written")}]}
    return reportdata.read(data), report


def test_typed_report_fills_every_field():
    asked = set()
    typed_report(lambda field: asked.add(field) or field)
    assert asked == set(AAR_FIELDS)


@pytest.mark.parametrize("payload", MARKUP_PAYLOADS)
def test_markup_typed_in_every_field_prints_as_typed(payload):
    assert_printed(render_aar(*typed_report(lambda field: payload)), payload, len(AAR_FIELDS))


@pytest.mark.parametrize("field", AAR_FIELDS)
def test_a_5000_letter_word_in_any_field_prints_whole(field):
    pdf = render_aar(*typed_report(lambda name: LONG_WORD if name == field else f"Typed {name}"))
    assert_printed(pdf, LONG_WORD, 1)


async def test_the_improvement_plan_has_hseeps_columns_and_breaks_no_word_or_date(played):
    from drillhub.afteraction.improvement import ActionInput, add_action

    await add_action(played.session.id, ActionInput(
        capability=RESCUE, issue="Dispatch held the call", action="Interoperability drill for call-takers",
        element="organization", agency=str(played.players["dispatch"].agency), contact="Lieutenant Commander Okonkwo",
        start_on="2026-12-01", due_on="2027-03-15"), [RESCUE], actor(played.lead_evaluator))
    report = await open_report(played.session.id, actor(played.lead_evaluator))
    final = await finalize_report(played.session.id, report.version, actor(played.lead_evaluator))
    pdf = render_aar(reportdata.read(final.snapshot), final.to_dict())
    wide = [n for n, page in enumerate(PdfReader(BytesIO(pdf)).pages) if page.mediabox.width > page.mediabox.height]
    assert len(wide) == 1  # the matrix on a landscape page of its own
    plan = pages_of(pdf)[wide[0]]
    assert "Appendix A: Improvement Plan" in plan and "Appendix B" not in plan
    for header in ("Objective", "Core capability", "Issue / area for improvement", "Corrective action",
                   "Capability element", "Primary responsible organisation", "Point of contact", "Start", "Completion"):
        assert header in plan, header
    for word in ("2026-12-01", "2027-03-15", "Interoperability", "Okonkwo", "organization", "Commander"):
        assert word in plan, word  # whole, never "2026-12 -01" or "Capabilit y"
    objective = final.snapshot["actions"][0]["objective"]
    assert objective and objective.split()[0] in plan  # the objective its capability's targets serve


SNAPSHOTS = Path(__file__).parent / "snapshots"


@pytest.mark.parametrize("name", ["final-report-version-1.json", "final-report-version-2.json"])
def test_a_final_report_stored_by_an_earlier_drillhub_still_renders(name):
    """A final AAR is kept as the data it had; the renderer reads every stored version (issue 17)."""
    stored = json.loads((SNAPSHOTS / name).read_text())
    everything = " ".join(pages_of(render_aar(reportdata.read(stored["snapshot"]), stored["report"])))
    for section in SECTIONS:
        assert section in everything, section
    assert stored["snapshot"]["title"] in everything


def test_a_version_1_report_says_what_it_did_not_keep():
    stored = json.loads((SNAPSHOTS / "final-report-version-1.json").read_text())
    everything = " ".join(pages_of(render_aar(reportdata.read(stored["snapshot"]), stored["report"])))
    assert "Active threat response" in everything and "Not recorded in this version of the report." in everything


def test_a_version_2_report_prints_its_decisions_contacts_trend_and_verified_action():
    stored = json.loads((SNAPSHOTS / "final-report-version-2.json").read_text())
    everything = " ".join(" ".join(pages_of(render_aar(reportdata.read(stored["snapshot"]), stored["report"]))).split())
    assert "3 decisions were recorded; 100% of the players' own were the expected action" in everything
    assert "Push the crowd back from the bank (expected)" in everything
    assert f"Lead evaluator: {stored['snapshot']['contacts'][0]['name']}" in everything
    assert "Decisions across exercises" in everything and "(this exercise)" in everything
    assert "Corrective actions verified" in everything and "Tone out the rescue task force at once" in everything
    assert "+33 points" in everything and "Dispatch toned out the task force within a minute." in everything
    assert "No corrective action was recorded." in everything  # not a matrix of headers alone
