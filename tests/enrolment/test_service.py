import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from drillhub.audit.service import Actor
from drillhub.audit.tables import AuditEvent
from drillhub.enrolment.service import (
    decline,
    enrol_people,
    mark_attendance,
    promote_waitlist,
    release_due_seats,
    reply,
    request_seat,
    roster,
    seats_of,
    withdraw,
)
from drillhub.enrolment.clashes import clashes_of
from drillhub.enrolment.tables import Enrollment
from drillhub.errors import Conflict, Forbidden, Invalid, NotFound
from drillhub.ical.service import invitation
from drillhub.mail.tables import OutboxMessage

COORDINATOR = Actor(person_id=None, label="coordinator@test.example", client="127.0.0.1")


def me(person) -> Actor:
    return Actor(person_id=person.id, label=person.email, client="127.0.0.1")


async def statuses(session_id: int) -> dict[int, str]:
    return {row["person"]: row["status"] for row in await roster(session_id)}


async def test_enrol_up_to_capacity_then_the_waitlist_first_come_first_served(make_session, make_person):
    session = await make_session(capacity=2)
    people = [await make_person() for _ in range(4)]
    outcomes = await enrol_people(session.id, [p.id for p in people], COORDINATOR)
    assert sorted(o.status for o in outcomes) == ["enrolled", "enrolled", "waitlisted", "waitlisted"]
    kinds = sorted(row["kind"] for row in await OutboxMessage.select(OutboxMessage.kind))
    assert kinds == ["invitation", "invitation", "waitlisted", "waitlisted"]
    waitlist = [row["person"] for row in await roster(session.id) if row["status"] == "waitlisted"]
    enrolled = [row["person"] for row in await roster(session.id) if row["status"] == "enrolled"]
    await withdraw(session.id, enrolled[0], COORDINATOR)
    after = await statuses(session.id)
    assert after[enrolled[0]] == "withdrawn" and after[waitlist[0]] == "enrolled" and after[waitlist[1]] == "waitlisted"
    assert await OutboxMessage.count().where(OutboxMessage.kind == "promotion") == 1
    withdrawal = await OutboxMessage.select().where(OutboxMessage.kind == "withdrawal").first()
    assert "METHOD:CANCEL" in withdrawal["calendar"]


async def test_enrolling_twice_changes_nothing_and_withdrawn_people_can_come_back(make_session, make_person):
    session = await make_session(capacity=5)
    person = await make_person()
    await enrol_people(session.id, [person.id], COORDINATOR)
    [again] = await enrol_people(session.id, [person.id], COORDINATOR)
    assert again.status == "already enrolled" and await Enrollment.count() == 1
    await withdraw(session.id, person.id, COORDINATOR)
    [back] = await enrol_people(session.id, [person.id], COORDINATOR)
    assert back.status == "enrolled" and await Enrollment.count() == 1
    with pytest.raises(NotFound):
        await withdraw(session.id, 999999, COORDINATOR)


async def test_reserved_seats_are_kept_for_their_agency_until_released(make_session, make_person, make_agency):
    rpd, hcso = await make_agency(), await make_agency()
    session = await make_session(capacity=4, reservations=[(rpd, 2, datetime.now(UTC) + timedelta(days=3))])
    deputies = [await make_person(agency=hcso) for _ in range(3)]
    outcomes = await enrol_people(session.id, [p.id for p in deputies], COORDINATOR)
    assert sorted(o.status for o in outcomes) == ["enrolled", "enrolled", "waitlisted"]
    officer = await make_person(agency=rpd)
    [taken] = await enrol_people(session.id, [officer.id], COORDINATOR)
    assert taken.status == "enrolled"  # a reserved seat, although the deputy asked first
    assert await release_due_seats(COORDINATOR) == 0
    from drillhub.scheduling.tables import SeatReservation

    await SeatReservation.update({SeatReservation.release_at: datetime.now(UTC) - timedelta(minutes=1)}, force=True)
    assert await release_due_seats(COORDINATOR) == 1  # the unused reserved seat opens to the waiting deputy
    assert list((await statuses(session.id)).values()).count("enrolled") == 4


async def test_officers_ask_only_for_themselves_and_only_in_open_published_sessions(make_session, make_person):
    officer, other = await make_person(), await make_person()
    published, draft = await make_session(), await make_session(status="draft")
    with pytest.raises(Forbidden):
        await request_seat(published.id, other.id, me(officer))
    with pytest.raises(Conflict):
        await request_seat(draft.id, officer.id, me(officer))
    started = await make_session(starts_at=datetime.now(UTC) - timedelta(hours=1),
                                 ends_at=datetime.now(UTC) + timedelta(hours=2))
    with pytest.raises(Conflict):
        await request_seat(started.id, officer.id, me(officer))
    outcome = await request_seat(published.id, officer.id, me(officer))
    assert outcome.status == "enrolled"


async def test_cancelled_or_past_sessions_take_no_enrolments(make_session, make_person):
    person = await make_person()
    cancelled = await make_session(status="cancelled")
    past = await make_session(starts_at=datetime.now(UTC) - timedelta(days=2), ends_at=datetime.now(UTC) - timedelta(days=1))
    for session in (cancelled, past):
        with pytest.raises(Conflict):
            await enrol_people(session.id, [person.id], COORDINATOR)


async def test_inactive_people_are_refused_with_a_reason(make_session, make_person):
    session = await make_session()
    person = await make_person(active=False)
    [outcome] = await enrol_people(session.id, [person.id], COORDINATOR)
    assert (outcome.status, outcome.message) == ("refused", "inactive account")


async def test_a_reply_in_drillhub_shows_in_the_invitation(make_session, make_person):
    session = await make_session()
    person = await make_person()
    await enrol_people(session.id, [person.id], COORDINATOR)
    await reply(session.id, person.id, "ACCEPTED")
    calendar = await invitation(session.id, "https://drillhub.example", "drillhub@example.org")
    assert b"PARTSTAT=ACCEPTED" in calendar and person.email.encode() in calendar
    with pytest.raises(Invalid):
        await reply(session.id, person.id, "MAYBE")
    with pytest.raises(Invalid):
        await reply(session.id, person.id, "DECLINED")  # declining gives up the seat: decline()
    stranger = await make_person()
    with pytest.raises(NotFound):
        await reply(session.id, stranger.id, "TENTATIVE")


async def test_declining_frees_the_seat_for_the_first_waiting_and_tells_both(make_session, make_person):
    session = await make_session(capacity=1)
    holder, first, second = [await make_person() for _ in range(3)]
    for person in (holder, first, second):
        await enrol_people(session.id, [person.id], COORDINATOR)
    assert [(row["person"], row.get("position")) for row in await roster(session.id)] == [
        (holder.id, None), (first.id, 1), (second.id, 2)]
    with pytest.raises(NotFound):
        await decline(session.id, first.id, me(first))  # only a seat held can be declined
    assert await decline(session.id, holder.id, me(holder)) == [first.name]
    rows = {row["person"]: row for row in await roster(session.id)}
    assert (rows[holder.id]["status"], rows[holder.id]["reply"]) == ("withdrawn", "DECLINED")
    assert rows[first.id]["status"] == "enrolled" and (rows[second.id]["status"], rows[second.id]["position"]) == (
        "waitlisted", 1)
    told = await OutboxMessage.select().where(OutboxMessage.kind.is_in(["declined", "promotion"])).order_by(
        OutboxMessage.id)
    assert [(m["kind"], m["recipient"]) for m in told] == [("declined", holder.id), ("promotion", first.id)]
    assert "METHOD:CANCEL" in told[0]["calendar"] and "PARTSTAT=DECLINED" in told[0]["calendar"]
    assert await AuditEvent.count().where(AuditEvent.action == "enrolment.decline") == 1
    with pytest.raises(NotFound):
        await decline(session.id, holder.id, me(holder))  # once


async def test_people_busy_at_that_time_are_enrolled_only_with_a_reason(make_session, make_person, make_course):
    session = await make_session(capacity=5)
    same_time = await make_session(course=await make_course(title="Swiftwater rescue"), starts_at=session.starts_at,
                                   ends_at=session.ends_at)
    cancelled_same_time = await make_session(starts_at=session.starts_at, ends_at=session.ends_at, status="cancelled")
    later = await make_session(starts_at=session.ends_at, ends_at=session.ends_at + timedelta(hours=2))
    enrolled_elsewhere, staff, waiting_elsewhere, free = [await make_person() for _ in range(4)]
    for other, person, status in ((same_time, enrolled_elsewhere, "enrolled"), (same_time, waiting_elsewhere, "waitlisted"),
                                  (cancelled_same_time, free, "enrolled"), (later, free, "enrolled")):
        await Enrollment.insert(Enrollment(session=other.id, person=person.id, status=status,
                                           requested_at=datetime.now(UTC), changed_at=datetime.now(UTC)))
    from drillhub.scheduling.tables import SessionStaff
    await SessionStaff.insert(SessionStaff(session=session.id, person=staff.id, role="facilitator"))

    busy = await clashes_of(session.id, [enrolled_elsewhere.id, staff.id, waiting_elsewhere.id, free.id])
    assert set(busy) == {enrolled_elsewhere.id, staff.id, waiting_elsewhere.id}
    assert busy[enrolled_elsewhere.id][0].startswith("enrolled in Swiftwater rescue, ")
    assert "(America/Chicago)" in busy[enrolled_elsewhere.id][0]  # its time, in words
    assert busy[waiting_elsewhere.id][0].startswith("on the waitlist of Swiftwater rescue")
    assert busy[staff.id] == ["facilitator of this session"]

    everyone = [enrolled_elsewhere.id, staff.id, free.id]
    with pytest.raises(Invalid) as refused:
        await enrol_people(session.id, everyone, COORDINATOR)
    assert "reason" in refused.value.errors and await Enrollment.count().where(Enrollment.session == session.id) == 0
    with pytest.raises(Invalid):
        await enrol_people(session.id, everyone, COORDINATOR, reason="   ")
    [free_outcome] = await enrol_people(session.id, [free.id], COORDINATOR)  # nobody busy: no reason needed
    assert free_outcome.status == "enrolled"
    outcomes = await enrol_people(session.id, everyone, COORDINATOR, reason="Sergeant's orders")
    assert sorted(o.status for o in outcomes) == ["already enrolled", "enrolled", "enrolled"]
    audited = await AuditEvent.select(AuditEvent.detail).where(
        (AuditEvent.action == "enrolment.add") & (AuditEvent.target == f"session {session.id} person {staff.id}")
    ).output(load_json=True).first()
    assert audited["detail"]["reason"] == "Sergeant's orders" and audited["detail"]["busy"] == busy[staff.id]


async def test_an_officer_busy_then_gets_the_seat_and_is_told_with_what(make_session, make_person, make_course):
    session = await make_session()
    other = await make_session(course=await make_course(title="Mass casualty triage"),
                               starts_at=session.starts_at + timedelta(hours=1), ends_at=session.ends_at + timedelta(hours=1))
    officer = await make_person()
    await request_seat(other.id, officer.id, me(officer))
    outcome = await request_seat(session.id, officer.id, me(officer))
    assert outcome.status == "enrolled" and outcome.message.startswith("enrolled in Mass casualty triage, ")
    secret = await make_session(course=await make_course(title="Unannounced raid drill"), status="draft",
                                starts_at=session.starts_at, ends_at=session.ends_at)
    await enrol_people(secret.id, [officer.id], COORDINATOR, reason="planned")
    later = await make_session(starts_at=session.starts_at, ends_at=session.ends_at)
    told = await request_seat(later.id, officer.id, me(officer))
    assert "Unannounced raid drill" not in told.message  # an officer is never told of a draft session


async def test_attendance_once_the_session_has_started(make_session, make_person):
    person = await make_person()
    future = await make_session()
    await enrol_people(future.id, [person.id], COORDINATOR)
    with pytest.raises(Conflict):
        await mark_attendance(future.id, {person.id: "attended"}, COORDINATOR)
    running = await make_session(starts_at=datetime.now(UTC) - timedelta(hours=1), ends_at=datetime.now(UTC) + timedelta(hours=1))
    await Enrollment.insert(Enrollment(session=running.id, person=person.id, status="enrolled",
                                       requested_at=datetime.now(UTC), changed_at=datetime.now(UTC)))
    with pytest.raises(Invalid):
        await mark_attendance(running.id, {person.id: "late"}, COORDINATOR)
    await mark_attendance(running.id, {person.id: "no_show"}, COORDINATOR)
    assert (await roster(running.id))[0]["attendance"] == "no_show"


async def test_fifty_simultaneous_requests_for_ten_seats_enrol_exactly_ten(make_session, make_person, make_agency):
    agency = await make_agency()
    session = await make_session(capacity=10)
    people = [await make_person(agency=agency) for _ in range(50)]
    outcomes = await asyncio.gather(*(request_seat(session.id, p.id, me(p)) for p in people))
    assert sorted(o.status for o in outcomes).count("enrolled") == 10
    counts = await statuses(session.id)
    assert list(counts.values()).count("enrolled") == 10 and list(counts.values()).count("waitlisted") == 40
    assert await promote_waitlist(session.id, COORDINATOR) == []  # nothing left to give


async def test_a_request_on_a_course_that_needs_approval_holds_a_seat_until_a_supervisor_answers(
        make_session, make_person, make_agency, make_course):
    from drillhub.auth.service import SignedInUser
    from drillhub.enrolment.service import approve_request, refuse_request

    def signed_in(person, *roles, supervised=()):
        return SignedInUser(session_id=0, person_id=person.id, name=person.name, email=person.email,
                            agency_id=person.agency, agency_name="", roles=frozenset(roles),
                            supervised_agency_ids=frozenset(supervised))

    rpd, hcso = await make_agency(), await make_agency()
    session = await make_session(capacity=1, course=await make_course(requires_approval=True))
    officer, second, deputy = await make_person(agency=rpd), await make_person(agency=rpd), await make_person(agency=hcso)
    sergeant = await make_person(roles=("supervisor",), agency=rpd, supervised=[rpd])
    other_sergeant = await make_person(roles=("supervisor",), agency=hcso, supervised=[hcso])
    asked = await request_seat(session.id, officer.id, me(officer))
    assert asked.status == "requested"  # the one seat is held for it
    assert (await request_seat(session.id, second.id, me(second))).status == "waitlisted"
    mail = {(m["kind"], m["recipient"]) for m in await OutboxMessage.select(OutboxMessage.kind, OutboxMessage.recipient)}
    assert ("requested", officer.id) in mail and ("approval", sergeant.id) in mail
    assert ("approval", other_sergeant.id) not in mail  # only the officer's own agency's supervisors are asked
    with pytest.raises(Forbidden):
        await approve_request(session.id, officer.id, signed_in(other_sergeant, "supervisor", supervised=[hcso.id]),
                              me(other_sergeant))
    with pytest.raises(Invalid):
        await refuse_request(session.id, officer.id, " ", signed_in(sergeant, "supervisor", supervised=[rpd.id]),
                             me(sergeant))
    promoted = await refuse_request(session.id, officer.id, "Minimum staffing that week",
                                    signed_in(sergeant, "supervisor", supervised=[rpd.id]), me(sergeant))
    assert promoted == [second.name]
    assert (await statuses(session.id))[second.id] == "requested"  # their own request: it waits for approval too
    refused = await OutboxMessage.select().where((OutboxMessage.kind == "refused")
                                                 & (OutboxMessage.recipient == officer.id)).first()
    assert "Minimum staffing that week" in refused["body"]
    await approve_request(session.id, second.id, signed_in(sergeant, "supervisor", supervised=[rpd.id]), me(sergeant))
    assert (await statuses(session.id))[second.id] == "enrolled"
    approved = await OutboxMessage.select().where((OutboxMessage.kind == "approved")
                                                  & (OutboxMessage.recipient == second.id)).first()
    assert "METHOD:REQUEST" in approved["calendar"]
    actions = [row["action"] for row in await AuditEvent.select(AuditEvent.action).where(
        AuditEvent.action.is_in(["enrolment.approve", "enrolment.refuse"])).order_by(AuditEvent.id)]
    assert actions == ["enrolment.refuse", "enrolment.approve"]
    [enrolled] = await enrol_people(session.id, [deputy.id], COORDINATOR)  # a coordinator's enrolment needs none
    assert enrolled.status == "waitlisted" and (await seats_of(session.id)).taken == 1


async def test_a_supervisor_never_answers_their_own_request_nor_one_in_a_closed_session(
        make_session, make_person, make_agency, make_course):
    from drillhub.auth.service import SignedInUser
    from drillhub.enrolment.service import approve_request, requests_to_answer
    from drillhub.scheduling.tables import Session

    rpd = await make_agency()
    session = await make_session(course=await make_course(requires_approval=True))
    sergeant = await make_person(roles=("supervisor", "officer"), agency=rpd, supervised=[rpd])
    lieutenant = await make_person(roles=("supervisor",), agency=rpd, supervised=[rpd])
    as_user = {person.id: SignedInUser(session_id=0, person_id=person.id, name=person.name, email=person.email,
                                       agency_id=rpd.id, agency_name="", roles=frozenset(("supervisor",)),
                                       supervised_agency_ids=frozenset((rpd.id,))) for person in (sergeant, lieutenant)}
    await request_seat(session.id, sergeant.id, me(sergeant))
    asked = [row["recipient"] for row in await OutboxMessage.select(OutboxMessage.recipient).where(
        OutboxMessage.kind == "approval")]
    assert asked == [lieutenant.id]  # never the one who asked
    assert await requests_to_answer(as_user[sergeant.id]) == [] and len(await requests_to_answer(as_user[lieutenant.id])) == 1
    with pytest.raises(Forbidden):
        await approve_request(session.id, sergeant.id, as_user[sergeant.id], me(sergeant))
    with pytest.raises(Forbidden):  # who may answer is checked before whether there is anything to answer
        await approve_request(session.id, (await make_person()).id, as_user[sergeant.id], me(sergeant))
    await Session.update({Session.status: "cancelled"}).where(Session.id == session.id)
    with pytest.raises(Conflict):
        await approve_request(session.id, sergeant.id, as_user[lieutenant.id], me(lieutenant))
    assert await requests_to_answer(as_user[lieutenant.id]) == []


async def test_once_a_session_has_begun_nobody_gives_up_their_own_place_and_no_seat_is_handed_out(
        make_session, make_person):
    from datetime import UTC, datetime, timedelta

    from drillhub.scheduling.tables import Session

    session = await make_session(capacity=1)
    holder, waiting = await make_person(), await make_person()
    await enrol_people(session.id, [holder.id], COORDINATOR)
    await enrol_people(session.id, [waiting.id], COORDINATOR)
    await Session.update({Session.starts_at: datetime.now(UTC) - timedelta(minutes=5)}).where(Session.id == session.id)
    with pytest.raises(Conflict):
        await decline(session.id, holder.id, me(holder))
    with pytest.raises(Conflict):
        await withdraw(session.id, holder.id, me(holder))
    assert await withdraw(session.id, holder.id, COORDINATOR) == []  # a coordinator may; the seat stays empty
    assert (await statuses(session.id))[waiting.id] == "waitlisted"
