from pypdf import PdfReader

from drillhub.audit.service import ANONYMOUS
from drillhub.enrolment.service import enrol_people
from drillhub.scheduling.tables import SessionStaff


async def test_the_sign_in_sheet_lists_everyone_enrolled_on_every_page(signed_in_client, make_session, make_person,
                                                                        tmp_path):
    session = await make_session(capacity=40)
    people = [await make_person(name=f"Trainee {n:02}", badge_number=f"B-{n}") for n in range(30)]
    await enrol_people(session.id, [p.id for p in people], ANONYMOUS)
    coordinator = await signed_in_client("coordinator")
    response = await coordinator.get(f"/sessions/{session.id}/sign-in-sheet.pdf")
    assert response.headers["content-type"] == "application/pdf"
    path = tmp_path / "sheet.pdf"
    path.write_bytes(response.content)
    reader = PdfReader(path)
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) == 2 and "Page 2" in text
    assert all(f"Trainee {n:02}" in text for n in range(30)) and "B-29" in text
    assert "Sign-in sheet: Active threat TTX" in text and "credit hours" in text
    assert text.count("Signature") == 2  # the header row repeats on each page


async def test_only_coordinators_and_the_sessions_staff_print_it(signed_in_client, make_session):
    session = await make_session()
    facilitator = await signed_in_client("facilitator")
    assert (await facilitator.get(f"/sessions/{session.id}/sign-in-sheet.pdf")).status_code == 403
    await SessionStaff.insert(SessionStaff(session=session.id, person=facilitator.person.id, role="facilitator"))
    assert (await facilitator.get(f"/sessions/{session.id}/sign-in-sheet.pdf")).status_code == 200

