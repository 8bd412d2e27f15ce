from datetime import UTC, datetime, timedelta

from drillhub.enrolment.tables import Enrollment
from drillhub.scheduling.tables import SeatReservation, Session
from tests.support import post_form, post_htmx

DAY = (datetime.now(UTC) + timedelta(days=21)).date().isoformat()


def form(course, venue, **values) -> dict:
    return {"course": str(course.id), "venue": str(venue.id), "starts_at": f"{DAY}T09:00",
            "ends_at": f"{DAY}T13:00", "capacity": "10", **values}


async def test_coordinator_schedules_a_session_and_sees_it_in_the_calendar(signed_in_client, make_course, make_venue):
    coordinator = await signed_in_client("coordinator")
    course, venue = await make_course(title="Unified command"), await make_venue()
    response = await post_form(coordinator, "/sessions/", {**form(course, venue), "publish": "yes"})
    assert response.status_code == 303
    session = await Session.objects().first()
    assert session.status == "published" and response.headers["location"].endswith(f"/sessions/{session.id}")
    month = await coordinator.get(f"/sessions/?on={DAY}")
    assert "Unified command" in month.text
    listing = await coordinator.get(f"/sessions/?view=list&on={DAY}&course={course.id}", headers={"HX-Request": "true"})
    assert listing.text.lstrip().startswith('<section id="calendar"') and "Unified command" in listing.text


async def test_the_live_conflict_panel_and_the_form_keeping_input(signed_in_client, make_course, make_venue, make_session):
    coordinator = await signed_in_client("coordinator")
    course, venue = await make_course(), await make_venue(capacity=8)
    check = await post_htmx(coordinator, "/sessions/check", form(course, venue))
    assert check.text.lstrip().startswith('<section id="session-conflicts"') and "holds 8" in check.text
    await post_form(coordinator, "/sessions/", form(course, venue, capacity="8"))
    clash = await post_htmx(coordinator, "/sessions/check", form(course, venue, capacity="8"))
    assert "is booked for Active threat TTX, " in clash.text and "(America/Chicago)" in clash.text  # its time, not a number
    unfinished = await post_htmx(coordinator, "/sessions/check", form(course, venue, capacity="", facilitators="x"))
    assert "is booked for" in unfinished.text  # course, time and place are enough to look
    no_place = await post_htmx(coordinator, "/sessions/check", {**form(course, venue), "venue": "", "capacity": ""})
    assert "is booked for" not in no_place.text and "once the course, time and place are filled in" in no_place.text
    refused = await post_form(coordinator, "/sessions/", form(course, venue, capacity="8", notes="keep me"))
    assert refused.status_code == 422 and "give a reason to book it anyway" in refused.text
    assert "keep me" in refused.text and "is booked for" in refused.text
    backwards = await post_htmx(coordinator, "/sessions/check", form(course, venue, ends_at=f"{DAY}T08:00"))
    assert "The session must end after it starts." in backwards.text  # shown while editing, before saving
    partial = await post_htmx(coordinator, "/sessions/", form(course, venue, ends_at=f"{DAY}T08:00"))
    assert partial.status_code == 422 and partial.text.lstrip().startswith('<section id="session-form">')


async def test_edit_form_round_trips_the_stored_session(signed_in_client, make_session, make_agency):
    coordinator = await signed_in_client("coordinator")
    agency = await make_agency(name="Bexley Sheriff")
    session = await make_session(reservations=[(agency, 3, datetime.now(UTC) + timedelta(days=2))])
    page = await coordinator.get(f"/sessions/{session.id}/edit")
    assert page.status_code == 200 and 'value="3"' in page.text and "Bexley Sheriff" in page.text


async def test_officers_see_published_sessions_not_drafts_and_not_other_agencies_notes(
        signed_in_client, make_session, make_agency, make_person):
    mine, theirs = await make_agency(), await make_agency()
    officer = await signed_in_client("officer", agency=mine)
    session = await make_session(reservations=[(theirs, 2, datetime.now(UTC) + timedelta(days=2))],
                                 coordinator_notes="Chief is sensitive about numbers")
    await SeatReservation.update({SeatReservation.notes: "Their private note"}, force=True)
    page = await officer.get(f"/sessions/{session.id}")
    assert page.status_code == 200
    assert "Their private note" not in page.text and "Chief is sensitive" not in page.text
    supervisor = await signed_in_client("supervisor", supervised=[theirs])
    assert "Their private note" in (await supervisor.get(f"/sessions/{session.id}")).text
    draft = await make_session(status="draft")
    assert (await officer.get(f"/sessions/{draft.id}")).status_code == 403


async def test_an_officer_cannot_enrol_or_withdraw_someone_else(signed_in_client, make_session, make_person):
    officer = await signed_in_client("officer")
    other = await make_person()
    session = await make_session()
    assert (await post_form(officer, f"/sessions/{session.id}/enrol", {"person": str(other.id)})).status_code == 403
    await post_form(officer, f"/sessions/{session.id}/request")
    entries = {row["person"]: row["status"] for row in await Enrollment.select(Enrollment.person, Enrollment.status)}
    assert entries == {officer.person.id: "enrolled"}
    coordinator = await signed_in_client("coordinator")
    await post_form(coordinator, f"/sessions/{session.id}/enrol", {"person": str(other.id)})
    refused = await post_form(officer, f"/sessions/{session.id}/withdraw", {"person": str(other.id)})
    assert refused.status_code == 403
    ok = await post_form(officer, f"/sessions/{session.id}/withdraw", follow_redirects=True)
    assert "Withdrawn" in ok.text


async def test_roster_is_scoped_to_what_each_role_may_see(signed_in_client, make_session, make_person, make_agency):
    rpd, hcso = await make_agency(), await make_agency()
    session = await make_session()
    deputy, officer_x = await make_person(agency=hcso, name="Deputy Dawn"), await make_person(agency=rpd, name="Officer Xu")
    coordinator = await signed_in_client("coordinator")
    await post_form(coordinator, f"/sessions/{session.id}/enrol", {"person": [str(deputy.id), str(officer_x.id)]})
    supervisor = await signed_in_client("supervisor", supervised=[hcso])
    text = (await supervisor.get(f"/sessions/{session.id}")).text
    assert "Deputy Dawn" in text and "Officer Xu" not in text
    officer = await signed_in_client("officer", agency=rpd)
    text = (await officer.get(f"/sessions/{session.id}")).text
    assert "Deputy Dawn" not in text and "Officer Xu" not in text
    assert "Deputy Dawn" in (await coordinator.get(f"/sessions/{session.id}")).text


async def test_enrol_by_agency_and_attendance(signed_in_client, make_session, make_person, make_agency):
    agency = await make_agency()
    people = [await make_person(agency=agency) for _ in range(3)]
    coordinator = await signed_in_client("coordinator")
    session = await make_session(capacity=2)
    picker = await coordinator.get(f"/sessions/{session.id}/enrol?agency={agency.id}", headers={"HX-Request": "true"})
    assert picker.text.lstrip().startswith('<section id="people-picker"') and picker.text.count('checked') == 0
    everyone = await coordinator.get(f"/sessions/{session.id}/enrol?agency={agency.id}&tick=all",
                                     headers={"HX-Request": "true"})
    assert everyone.text.count('checked') == 3
    done = await post_form(coordinator, f"/sessions/{session.id}/enrol", {"person": [str(p.id) for p in people]},
                           follow_redirects=True)
    assert "2 enrolled, 1 on the waitlist." in done.text
    await Session.update({Session.starts_at: datetime.now(UTC) - timedelta(hours=2)}).where(Session.id == session.id)
    marks = {f"attendance-{p.id}": "attended" for p in people[:2]}
    saved = await post_form(coordinator, f"/sessions/{session.id}/attendance", marks, follow_redirects=True)
    assert "Attendance saved for 2 people." in saved.text
    officer = await signed_in_client("officer")
    assert (await post_form(officer, f"/sessions/{session.id}/attendance", marks)).status_code == 403


async def test_cancel_from_the_page_needs_a_reason(signed_in_client, make_session):
    coordinator = await signed_in_client("coordinator")
    session = await make_session()
    no_reason = await post_form(coordinator, f"/sessions/{session.id}/cancel", {"reason": ""}, follow_redirects=True)
    assert "Say why the session is cancelled" in no_reason.text
    done = await post_form(coordinator, f"/sessions/{session.id}/cancel", {"reason": "Snow"}, follow_redirects=True)
    assert "Cancelled: Snow" in done.text
    again = await post_form(coordinator, f"/sessions/{session.id}/publish")
    assert again.status_code == 409


async def test_course_and_venue_forms(signed_in_client, make_agency):
    coordinator = await signed_in_client("coordinator")
    bad = await post_form(coordinator, "/courses/", {"title": "X", "credit_hours": "lots"})
    assert bad.status_code == 422 and "Enter the credit hours" in bad.text and 'value="X"' in bad.text
    ok = await post_form(coordinator, "/courses/", {"title": "Range day", "exercise_type": "drill", "credit_hours": "4",
                                                    "default_capacity": "12",
                                                    "core_capabilities": ["Operational Coordination"]})
    assert ok.status_code == 303
    agency = await make_agency()
    venue = await post_form(coordinator, "/venues/", {"name": "Range", "agency": str(agency.id), "address": "Rt 9",
                                                      "time_zone": "America/Chicago", "capacity": "16"})
    assert venue.status_code == 303
    assert "Range" in (await coordinator.get("/venues/")).text and "Range day" in (await coordinator.get("/courses/")).text


async def test_the_form_asks_which_of_a_time_that_happens_twice_and_refuses_one_that_never_does(
        signed_in_client, make_course, make_venue):
    coordinator = await signed_in_client("coordinator")
    course, venue = await make_course(), await make_venue(time_zone="America/Chicago")
    skipped = await post_htmx(coordinator, "/sessions/check", form(course, venue, starts_at="2027-03-14T02:30",
                                                                    ends_at="2027-03-14T05:00"))
    assert "02:30 on 14 March 2027 does not happen in America/Chicago" in skipped.text
    twice = form(course, venue, starts_at="2027-11-07T01:30", ends_at="2027-11-07T04:00")
    asked = await post_form(coordinator, "/sessions/", twice)
    assert asked.status_code == 422 and "happens twice in America/Chicago" in asked.text
    assert 'name="starts_at_fold"' in asked.text and "The second one, after the clocks go back" in asked.text
    saved = await post_form(coordinator, "/sessions/", {**twice, "starts_at_fold": "second"})
    assert saved.status_code == 303
    session = await Session.objects().first()
    assert session.starts_at == datetime(2027, 11, 7, 7, 30, tzinfo=UTC)
    edit = await coordinator.get(f"/sessions/{session.id}/edit")
    assert '<option value="second" selected>' in edit.text


async def test_the_calendar_marks_today_where_the_persons_agency_is(signed_in_client, make_agency):
    import re
    from zoneinfo import ZoneInfo

    for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago"):  # UTC+14 and UTC-11: never the same date
        person = await signed_in_client("coordinator", agency=await make_agency(time_zone=zone))
        page = (await person.get("/sessions/?view=month")).text
        marked = re.search(r'<td class="[^"]*today[^"]*">\s*<span class="day-number"><span class="day-name">\w+ </span>(\d+)<',
                           page)
        assert int(marked.group(1)) == datetime.now(ZoneInfo(zone)).day


async def test_a_cancellation_refused_keeps_its_reason_and_says_the_limit(signed_in_client, make_session):
    coordinator = await signed_in_client("coordinator")
    session = await make_session()
    page = await coordinator.get(f"/sessions/{session.id}")
    assert "Up to 2,000 characters." in page.text
    typed = "Snow " * 401  # 2,005 characters
    refused = await post_form(coordinator, f"/sessions/{session.id}/cancel", {"reason": typed})
    assert refused.status_code == 422 and "Use at most 2,000 characters; this has 2,004." in refused.text
    assert typed.strip() in refused.text and '<details class="danger-zone" open>' in refused.text
    assert (await Session.select(Session.status).where(Session.id == session.id).first())["status"] == "published"
