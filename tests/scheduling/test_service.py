from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from icalendar import Calendar

from drillhub.audit.service import Actor
from drillhub.audit.tables import AuditEvent
from drillhub.enrolment.service import enrol_people
from drillhub.enrolment.tables import Enrollment
from drillhub.errors import Conflict, Invalid
from drillhub.mail.tables import OutboxMessage
from drillhub.scheduling.service import (
    CourseInput,
    SessionInput,
    VenueInput,
    cancel_session,
    complete_session,
    copy_session,
    create_session,
    find_clashes,
    plan_session,
    publish_session,
    save_course,
    save_venue,
    update_session,
)
from drillhub.scheduling.service import session_input as service_session_input
from drillhub.scheduling.tables import SeatReservation, Session, SessionStaff
from drillhub.scheduling.when import describe_when

COORDINATOR = Actor(person_id=None, label="coordinator@test.example", client="127.0.0.1")
DAY = (datetime.now(UTC) + timedelta(days=14)).date().isoformat()


def session_input(course, venue=None, **values) -> SessionInput:
    return SessionInput(**{"course": str(course.id), "venue": str(venue.id) if venue else "",
                           "starts_at": f"{DAY}T09:00", "ends_at": f"{DAY}T13:00", "capacity": "12", **values})


async def test_course_rules(app):
    with pytest.raises(Invalid) as invalid:
        await save_course(None, CourseInput(title="", exercise_type="party", credit_hours="four",
                                            core_capabilities=("Planing",), default_capacity="0",
                                            validity_months="x", scenarios=("nope",)), COORDINATOR)
    assert set(invalid.value.errors) == {"title", "exercise_type", "credit_hours", "core_capabilities",
                                         "default_capacity", "validity_months", "scenarios"}
    course = await save_course(None, CourseInput(title="Unified command", credit_hours="7.5",
                                                 objectives="Set up a command post\n\nBrief the team\n",
                                                 core_capabilities=("Operational Coordination",),
                                                 validity_months="24"), COORDINATOR)
    assert course.credit_hours == Decimal("7.5") and course.objectives == ["Set up a command post", "Brief the team"]
    assert course.validity_months == 24


async def test_venue_rules(make_agency):
    with pytest.raises(Invalid) as invalid:
        await save_venue(None, VenueInput(name="", agency="999", time_zone="Mars/Olympus", capacity="-1"), COORDINATOR)
    assert set(invalid.value.errors) == {"name", "agency", "address", "time_zone", "capacity"}
    agency = await make_agency()
    venue = await save_venue(None, VenueInput(name="Range", agency=str(agency.id), address="Route 9",
                                              time_zone="America/Denver", capacity="30"), COORDINATOR)
    assert venue.time_zone == "America/Denver"


async def test_session_form_rules(make_course, make_venue, make_agency):
    course, venue, agency = await make_course(), await make_venue(), await make_agency()
    with pytest.raises(Invalid) as invalid:
        await plan_session(SessionInput(course="0", starts_at="yesterday", ends_at="", capacity="many"))
    assert {"course", "meeting_url", "time_zone", "starts_at", "ends_at", "capacity"} <= set(invalid.value.errors)
    with pytest.raises(Invalid) as invalid:
        await plan_session(session_input(course, venue, ends_at=f"{DAY}T08:00"))
    assert invalid.value.errors == {"ends_at": "The session must end after it starts."}
    with pytest.raises(Invalid) as invalid:
        await plan_session(session_input(course, venue, reserve_agency=(str(agency.id),), reserve_seats=("20",),
                                         reserve_until=(DAY,)))
    assert "More seats are reserved" in invalid.value.errors["reservations"]
    late = (datetime.fromisoformat(DAY) + timedelta(days=1)).date().isoformat()
    with pytest.raises(Invalid) as invalid:
        await plan_session(session_input(course, venue, reserve_agency=(str(agency.id),), reserve_seats=("2",),
                                         reserve_until=(late,)))
    assert "released by the start" in invalid.value.errors["reservations"]
    plan = await plan_session(session_input(course, venue))
    assert plan.starts_at.hour in (15, 14) and plan.time_zone == "America/Chicago"  # the venue's zone
    online = await plan_session(session_input(course, meeting_url="https://meet.example/x", time_zone="UTC"))
    assert online.venue is None and online.starts_at.hour == 9


async def test_clashes_venue_staff_capacity_and_hours(make_course, make_venue, make_person, make_session):
    course, venue = await make_course(), await make_venue(capacity=10)
    facilitator = await make_person(roles=("facilitator",))
    plan = await plan_session(session_input(course, venue, facilitators=(str(facilitator.id),)))
    other = await make_session(venue=venue, starts_at=plan.starts_at + timedelta(hours=1),
                               ends_at=plan.ends_at + timedelta(hours=1))
    elsewhere = await make_session(starts_at=plan.starts_at, ends_at=plan.ends_at)
    await SessionStaff.insert(SessionStaff(session=elsewhere.id, person=facilitator.id, role="facilitator"))
    clashes = await find_clashes(plan)
    kinds = {clash.kind: clash for clash in clashes}
    when = describe_when({"starts_at": other.starts_at, "ends_at": other.ends_at, "time_zone": other.time_zone})
    assert kinds["venue"].blocking and kinds["venue"].message == f"{venue.name} is booked for {course.title}, {when}."
    assert not kinds["staff"].blocking and kinds["staff"].message.startswith(
        f"{facilitator.name} is on the staff of {course.title}, ")  # the other session's time, never its number
    assert kinds["capacity"].blocking and "holds 10" in kinds["capacity"].message
    assert "hours" not in kinds
    await Session.update({Session.status: "cancelled"}).where(Session.id == other.id)
    night = await plan_session(session_input(course, venue, starts_at=f"{DAY}T05:00", capacity="5"))
    assert [clash.kind for clash in await find_clashes(night)] == ["hours"]


async def test_a_double_booked_venue_needs_a_reason_and_the_override_is_audited(make_course, make_venue, make_session):
    course, venue = await make_course(), await make_venue()
    plan = await plan_session(session_input(course, venue))
    await make_session(venue=venue, starts_at=plan.starts_at, ends_at=plan.ends_at)
    with pytest.raises(Invalid) as invalid:
        await create_session(session_input(course, venue), COORDINATOR)
    assert "already booked" in invalid.value.errors["override_reason"]
    session = await create_session(session_input(course, venue, override_reason="Room is split in two"), COORDINATOR)
    assert session.venue_override_reason == "Room is split in two" and session.status == "draft"
    event = await AuditEvent.select().where(AuditEvent.action == "session.venue_override").output(load_json=True).first()
    assert event["detail"]["reason"] == "Room is split in two"


async def test_moving_a_session_raises_the_sequence_and_tells_everyone_enrolled(make_course, make_venue, make_person):
    course, venue = await make_course(), await make_venue()
    session = await create_session(session_input(course, venue), COORDINATOR, publish=True)
    person = await make_person()
    await enrol_people(session.id, [person.id], COORDINATOR)
    await update_session(session.id, session_input(course, venue, notes="Bring a radio"), COORDINATOR)
    assert (await Session.objects().get(Session.id == session.id)).sequence == 0  # notes only
    await update_session(session.id, session_input(course, venue, starts_at=f"{DAY}T10:00", ends_at=f"{DAY}T14:00"),
                         COORDINATOR)
    moved = await Session.objects().get(Session.id == session.id)
    assert moved.sequence == 1
    kinds = [row["kind"] for row in await OutboxMessage.select(OutboxMessage.kind).order_by(OutboxMessage.id)]
    assert kinds == ["invitation", "update"]
    update = await OutboxMessage.select().where(OutboxMessage.kind == "update").first()
    invitation = await OutboxMessage.select().where(OutboxMessage.kind == "invitation").first()
    first, second = (Calendar.from_ical(row["calendar"]).walk("VEVENT")[0] for row in (invitation, update))
    assert first["UID"] == second["UID"] == moved.uid  # the same entry, replaced in the attendee's calendar
    assert (first["SEQUENCE"], second["SEQUENCE"]) == (0, 1) and "METHOD:REQUEST" in update["calendar"]
    assert second.decoded("DTSTART").hour == 10


async def test_more_capacity_promotes_the_waitlist(make_course, make_venue, make_person):
    course, venue = await make_course(), await make_venue()
    session = await create_session(session_input(course, venue, capacity="1"), COORDINATOR, publish=True)
    first, second = await make_person(), await make_person()
    await enrol_people(session.id, [first.id, second.id], COORDINATOR)
    await update_session(session.id, session_input(course, venue, capacity="2"), COORDINATOR)
    statuses = {row["person"]: row["status"] for row in await Enrollment.select(Enrollment.person, Enrollment.status)}
    assert statuses == {first.id: "enrolled", second.id: "enrolled"}


async def test_copy_is_a_draft_a_week_later_with_staff_and_reservations(make_session, make_person, make_agency):
    agency, evaluator = await make_agency(), await make_person(roles=("evaluator",))
    source = await make_session(reservations=[(agency, 3, datetime.now(UTC) + timedelta(days=2))])
    await SessionStaff.insert(SessionStaff(session=source.id, person=evaluator.id, role="evaluator"))
    copy = await copy_session(source.id, COORDINATOR)
    assert copy.status == "draft" and copy.uid != source.uid
    assert copy.starts_at - source.starts_at == timedelta(days=7)
    assert await SessionStaff.count().where(SessionStaff.session == copy.id) == 1
    reservation = await SeatReservation.select().where(SeatReservation.session == copy.id).first()
    assert reservation["seats"] == 3


async def test_cancelling_needs_a_reason_and_sends_cancellations(make_session, make_person):
    session = await make_session(capacity=1)
    enrolled, waiting = await make_person(), await make_person()
    await enrol_people(session.id, [enrolled.id, waiting.id], COORDINATOR)
    with pytest.raises(Invalid):
        await cancel_session(session.id, "  ", COORDINATOR)
    cancelled = await cancel_session(session.id, "Instructor ill", COORDINATOR)
    assert cancelled.status == "cancelled" and cancelled.sequence == 1
    cancellations = await OutboxMessage.select().where(OutboxMessage.kind == "cancellation")
    assert {row["recipient"] for row in cancellations} == {enrolled.id, waiting.id}
    assert all("METHOD:CANCEL" in row["calendar"] and "STATUS:CANCELLED" in row["calendar"] for row in cancellations)
    with pytest.raises(Conflict):
        await update_session(session.id, SessionInput(), COORDINATOR)


async def test_publishing_invites_people_enrolled_in_the_draft(make_session, make_person):
    session = await make_session(status="draft")
    person = await make_person()
    await enrol_people(session.id, [person.id], COORDINATOR)
    assert await OutboxMessage.count() == 0
    await publish_session(session.id, COORDINATOR)
    assert [row["kind"] for row in await OutboxMessage.select(OutboxMessage.kind)] == ["invitation"]
    with pytest.raises(Conflict):
        await publish_session(session.id, COORDINATOR)


async def test_complete_only_after_the_start(make_session):
    future = await make_session()
    with pytest.raises(Conflict):
        await complete_session(future.id, COORDINATOR)
    past = await make_session(starts_at=datetime.now(UTC) - timedelta(hours=3),
                              ends_at=datetime.now(UTC) - timedelta(hours=1))
    assert (await complete_session(past.id, COORDINATOR)).status == "completed"


async def test_the_lead_evaluator_is_one_of_the_evaluators(make_course, make_venue, make_person):
    course, venue = await make_course(), await make_venue()
    first, second = await make_person(roles=("evaluator",)), await make_person(roles=("evaluator",))
    with pytest.raises(Invalid) as invalid:
        await plan_session(session_input(course, venue, evaluators=(str(first.id),), lead_evaluator=str(second.id)))
    assert set(invalid.value.errors) == {"lead_evaluator"}
    only = await plan_session(session_input(course, venue, evaluators=(str(first.id),)))
    assert only.lead_evaluator == first.id
    unsaid = await plan_session(session_input(course, venue, evaluators=(str(first.id), str(second.id))))
    assert unsaid.lead_evaluator is None
    session = await create_session(session_input(course, venue, evaluators=(str(first.id), str(second.id)),
                                                 lead_evaluator=str(second.id)), COORDINATOR)
    staff = await SessionStaff.select(SessionStaff.person, SessionStaff.lead).where(SessionStaff.session == session.id)
    assert {row["person"]: row["lead"] for row in staff} == {first.id: False, second.id: True}
    copy = await copy_session(session.id, COORDINATOR)
    assert await SessionStaff.count().where((SessionStaff.session == copy.id) & SessionStaff.lead.eq(True)) == 1


async def test_a_course_can_require_a_finished_exercise_for_its_certificate(app):
    course = await save_course(None, CourseInput(title="Unified command", credit_hours="4", requires_exercise="yes"),
                               COORDINATOR)
    assert course.requires_exercise is True
    plain = await save_course(None, CourseInput(title="Rifle", credit_hours="4"), COORDINATOR)
    assert plain.requires_exercise is False


async def test_a_session_at_a_time_the_clocks_skip_or_repeat(make_course, make_venue, make_session):
    course, venue = await make_course(), await make_venue(time_zone="America/Chicago")
    with pytest.raises(Invalid) as skipped:
        await plan_session(session_input(course, venue, starts_at="2027-03-14T02:30", ends_at="2027-03-14T05:00"))
    assert skipped.value.errors == {
        "starts_at": "02:30 on 14 March 2027 does not happen in America/Chicago: the clocks go forward then. "
                     "Choose another start time."}
    twice = session_input(course, venue, starts_at="2027-11-07T01:30", ends_at="2027-11-07T04:00")
    with pytest.raises(Invalid) as which:
        await plan_session(twice)
    assert which.value.errors == {"starts_at_fold": "01:30 on 07 November 2027 happens twice in America/Chicago, as "
                                                    "the clocks go back: choose which one."}
    second = await plan_session(replace(twice, starts_at_fold="second"))
    assert second.starts_at == datetime(2027, 11, 7, 7, 30, tzinfo=UTC)
    assert (await plan_session(replace(twice, starts_at_fold="first"))).starts_at == datetime(2027, 11, 7, 6, 30, tzinfo=UTC)
    stored = await make_session(venue=venue, starts_at=second.starts_at, ends_at=second.ends_at)
    shown = service_session_input(stored, [], [])
    assert (shown.starts_at, shown.starts_at_fold, shown.ends_at_fold) == ("2027-11-07T01:30", "second", "")
