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



async def test_what_people_type_prints_as_typed_on_the_sign_in_sheet(signed_in_client, make_session, make_person,
                                                                     make_agency, make_venue, make_course):
    from drillhub.accounts.tables import Person
    from drillhub.agencies.tables import Agency
    from drillhub.scheduling.tables import Course, Venue
    from tests.test_pdftext import STORABLE_PAYLOADS, assert_printed

    venue, course = await make_venue(), await make_course()
    session = await make_session(course=course, venue=venue)
    trainee, instructor = await make_person(agency=await make_agency()), await make_person()
    await enrol_people(session.id, [trainee.id], ANONYMOUS)
    await SessionStaff.insert(SessionStaff(session=session.id, person=instructor.id, role="facilitator"))
    coordinator = await signed_in_client("coordinator")
    for payload in STORABLE_PAYLOADS:
        code, badge = payload[:12], payload[:40]  # what an agency code and a badge number hold
        await Course.update({Course.title: payload, Course.credit_category: badge}).where(Course.id == course.id)
        await Venue.update({Venue.name: payload, Venue.address: payload}).where(Venue.id == venue.id)
        await Person.update({Person.name: payload, Person.badge_number: badge}).where(
            Person.id.is_in([trainee.id, instructor.id]))
        await Agency.update({Agency.code: code}).where(Agency.id == trainee.agency)
        response = await coordinator.get(f"/sessions/{session.id}/sign-in-sheet.pdf")
        assert response.status_code == 200, payload
        assert_printed(response.content, payload, 5)  # title, venue name and address, staff, trainee
        assert_printed(response.content, badge, 5 + 2)  # and the badge and credit category
        assert_printed(response.content, code, 5 + 2 + 1)  # and the agency code
