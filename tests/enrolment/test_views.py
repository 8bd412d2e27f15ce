from pypdf import PdfReader

from drillhub.audit.service import ANONYMOUS
from drillhub.enrolment.service import enrol_people
from drillhub.enrolment.tables import Enrollment
from drillhub.scheduling.tables import SessionStaff
from tests.support import post_form


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


async def test_declining_asks_first_then_frees_the_seat_and_says_so(signed_in_client, make_session, make_person):
    session = await make_session(capacity=1)
    officer = await signed_in_client("officer")
    waiting = await make_person(name="Next Inline")
    await enrol_people(session.id, [officer.person.id], ANONYMOUS)
    await enrol_people(session.id, [waiting.id], ANONYMOUS)
    page = (await officer.get(f"/sessions/{session.id}")).text
    confirm = page[page.index("<summary>Decline or withdraw</summary>"):page.index("</details>", page.index("Decline or withdraw"))]
    assert "gives up your seat" in confirm and 'name="answer" value="decline"' in confirm  # inside the disclosure
    declined = await post_form(officer, f"/sessions/{session.id}/reply", {"answer": "decline"}, follow_redirects=True)
    assert "You declined and gave up your seat. The seat went to the next person on the waitlist." in declined.text
    assert "Next Inline" not in declined.text  # an officer is not told who: another agency's roster
    coordinator = await signed_in_client("coordinator")
    roster = (await coordinator.get(f"/sessions/{session.id}")).text
    assert '<td data-label="Status">withdrawn</td><td data-label="Answer">declined</td>' in roster


async def test_a_coordinators_withdrawal_names_who_got_the_seat_and_the_waitlist_shows_places(
        signed_in_client, make_session, make_person):
    session = await make_session(capacity=1)
    holder, first, second = (await make_person(name="Holder"), await make_person(name="First Waiting"),
                             await make_person(name="Second Waiting"))
    for person in (holder, first, second):
        await enrol_people(session.id, [person.id], ANONYMOUS)
    coordinator = await signed_in_client("coordinator")
    page = (await coordinator.get(f"/sessions/{session.id}")).text
    assert '<td data-label="Status">waitlisted (no. 1)</td>' in page and '<td data-label="Status">waitlisted (no. 2)</td>' in page
    done = await post_form(coordinator, f"/sessions/{session.id}/withdraw", {"person": str(holder.id)},
                           follow_redirects=True)
    assert "Withdrawn. The seat went to First Waiting from the waitlist." in done.text
    assert '<td data-label="Status">waitlisted (no. 1)</td>' in done.text and "(no. 2)" not in done.text


async def test_the_enrol_page_ticks_nobody_until_asked_and_asks_a_reason_for_busy_people(
        signed_in_client, make_session, make_person, make_agency, make_course):
    agency = await make_agency()
    session = await make_session()
    elsewhere = await make_session(course=await make_course(title="Hazmat awareness"), starts_at=session.starts_at,
                                   ends_at=session.ends_at)
    busy, free = await make_person(agency=agency, name="Busy Bee"), await make_person(agency=agency, name="Free Bird")
    await enrol_people(elsewhere.id, [busy.id], ANONYMOUS)
    coordinator = await signed_in_client("coordinator")
    page = (await coordinator.get(f"/sessions/{session.id}/enrol?agency={agency.id}")).text
    assert f'value="{busy.id}">' in page and " checked" not in page
    assert "Busy then: enrolled in Hazmat awareness, " in page
    everyone = (await coordinator.get(f"/sessions/{session.id}/enrol?agency={agency.id}&tick=all")).text
    assert everyone.count(" checked") == 2
    refused = await post_form(coordinator, f"/sessions/{session.id}/enrol",
                              {"person": [str(busy.id), str(free.id)], "agency": str(agency.id)})
    assert refused.status_code == 422
    assert "give a reason to enrol them anyway" in refused.text and refused.text.count(" checked") == 2
    assert await Enrollment.count().where(Enrollment.session == session.id) == 0
    done = await post_form(coordinator, f"/sessions/{session.id}/enrol", {
        "person": [str(busy.id), str(free.id)], "agency": str(agency.id), "reason": "Relieved from Hazmat"},
        follow_redirects=True)
    assert "2 enrolled, 0 on the waitlist." in done.text


async def test_the_seats_card_counts_people_beyond_a_reservation_as_open_seats_taken(
        signed_in_client, make_session, make_person, make_agency):
    from datetime import UTC, datetime, timedelta

    rpd = await make_agency(name="Riverton PD")
    session = await make_session(capacity=10, reservations=[(rpd, 2, datetime.now(UTC) + timedelta(days=3))])
    await enrol_people(session.id, [(await make_person(agency=rpd)).id for _ in range(3)], ANONYMOUS)
    page = (await (await signed_in_client("coordinator")).get(f"/sessions/{session.id}")).text
    assert "Riverton PD: 2 of 2 reserved seats used, and 1 open seat taken" in page and "3 of 2" not in page


async def test_an_officers_request_is_answered_by_their_agencys_supervisor_from_the_pages(
        signed_in_client, make_session, make_agency, make_course):
    agency = await make_agency()
    session = await make_session(course=await make_course(title="Tactical medicine", requires_approval=True))
    officer = await signed_in_client("officer", agency=agency, name="Ola Officer")
    asked = await post_form(officer, f"/sessions/{session.id}/request", follow_redirects=True)
    assert "Your seat is held until a supervisor of your agency approves the request" in asked.text
    assert "Withdraw my request" in asked.text
    supervisor = await signed_in_client("supervisor", supervised=[agency])
    dashboard = (await supervisor.get("/")).text
    assert "Seat requests waiting for your approval" in dashboard and "Ola Officer: Tactical medicine" in dashboard
    page = (await supervisor.get(f"/sessions/{session.id}")).text
    assert "Answer Ola Officer's request" in page
    stranger = await signed_in_client("supervisor", supervised=[await make_agency()])
    assert (await post_form(stranger, f"/sessions/{session.id}/approve", {"person": str(officer.person.id)})
            ).status_code == 403
    unexplained = await post_form(supervisor, f"/sessions/{session.id}/refuse", {"person": str(officer.person.id),
                                                                                "reason": " "}, follow_redirects=True)
    assert "Not refused: Say why; the officer is told." in unexplained.text
    assert (await post_form(supervisor, f"/sessions/{session.id}/approve", {"person": "nobody"})).status_code == 404
    done = await post_form(supervisor, f"/sessions/{session.id}/approve", {"person": str(officer.person.id)},
                           follow_redirects=True)
    assert "Approved: the seat is theirs" in done.text
    assert "You are <strong>enrolled</strong>" in (await officer.get(f"/sessions/{session.id}")).text
