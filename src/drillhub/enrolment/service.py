"""Enrolment: seats, the waitlist, withdrawals, replies and attendance.

Every change locks the session row first (SQLite: the IMMEDIATE transaction), so capacity and quotas
hold however many requests arrive at once; the e-mail it causes is queued in the same transaction.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from drillhub import db, parse, permissions
from drillhub.accounts.tables import Person
from drillhub.audit.service import Actor, record_event
from drillhub.certificates.service import issue_for_session
from drillhub.enrolment import messages
from drillhub.enrolment.clashes import clashes_of
from drillhub.enrolment.seats import Reservation, Seats, promotions
from drillhub.enrolment.tables import Enrollment
from drillhub.errors import Conflict, Forbidden, Invalid, NotFound
from drillhub.scheduling.tables import Course, SeatReservation, Session

OPEN_FOR_ENROLMENT = (Session.Status.draft, Session.Status.published)
HOLDS_SEAT = (Enrollment.Status.enrolled, Enrollment.Status.requested)  # a request waiting for approval holds one
CLASH_REASON_LENGTH = 500  # why people busy then are enrolled anyway
REFUSAL_REASON_LENGTH = 500  # why a request for a seat is not approved


@dataclass(frozen=True)
class Outcome:
    person_id: int
    name: str
    status: str  # enrolled, waitlisted, already enrolled, already waitlisted, refused
    message: str = ""


async def seats_of(session_id: int, now: datetime | None = None) -> Seats:
    session = await Session.select(Session.capacity).where(Session.id == session_id).first()
    reservations = await SeatReservation.select(SeatReservation.agency, SeatReservation.seats,
                                                SeatReservation.release_at).where(SeatReservation.session == session_id)
    counts = await Enrollment.select(Enrollment.person.agency.as_alias("agency")).where(
        (Enrollment.session == session_id) & Enrollment.status.is_in(list(HOLDS_SEAT)))
    enrolled: dict[int, int] = {}
    for row in counts:
        enrolled[row["agency"]] = enrolled.get(row["agency"], 0) + 1
    return Seats(session["capacity"], tuple(Reservation(r["agency"], r["seats"], r["release_at"]) for r in reservations),
                 enrolled, now or datetime.now(UTC))


async def _locked_session(session_id: int) -> Session:
    await db.lock_row(Session, session_id)
    session = await Session.objects().where(Session.id == session_id).first()
    if session is None:
        raise NotFound("No such session.")
    return session


async def _enrol_one(session: Session, person: dict, actor: Actor, now: datetime, busy: list[str],
                     reason: str = "", needs_approval: bool = False) -> Outcome:
    existing = await Enrollment.objects().where(
        (Enrollment.session == session.id) & (Enrollment.person == person["id"])).first()
    if existing is not None and existing.status != Enrollment.Status.withdrawn:
        return Outcome(person["id"], person["name"], f"already {existing.status}")
    seats = await seats_of(session.id, now)
    status = Enrollment.Status.waitlisted
    if seats.can_take(person["agency"]):
        status = Enrollment.Status.requested if needs_approval else Enrollment.Status.enrolled
    values = {Enrollment.status: status, Enrollment.reply: Enrollment.Reply.needs_action, Enrollment.attendance: None,
              Enrollment.requested_at: now, Enrollment.changed_at: now, Enrollment.changed_by: actor.person_id,
              Enrollment.needs_approval: needs_approval}
    if existing is None:
        await Enrollment.insert(Enrollment(session=session.id, person=person["id"],
                                           **{column._meta.name: value for column, value in values.items()}))
    else:
        await Enrollment.update(values).where(Enrollment.id == existing.id)
    await record_event("enrolment.add", actor, target=f"session {session.id} person {person['id']}",
                       detail={"status": status, **({"busy": busy, "reason": reason} if busy else {})})
    if session.status == Session.Status.published:
        await messages.tell(session.id, person["id"], {Enrollment.Status.enrolled: "invitation",
                                                       Enrollment.Status.requested: "requested"}.get(status, "waitlisted"))
        if status == Enrollment.Status.requested:
            await messages.ask_supervisors(session.id, person["id"])
    return Outcome(person["id"], person["name"], status, "; ".join(busy))


async def enrol_people(session_id: int, person_ids: list[int], actor: Actor, reason: str = "") -> list[Outcome]:
    """A coordinator enrols people from any agency; whoever finds no seat goes on the waitlist. People
    busy at that time (clashes_of) are enrolled only with a reason, which the audit log keeps."""
    people = await Person.select(Person.id, Person.name, Person.agency, Person.active).where(
        Person.id.is_in(person_ids or [0])).order_by(Person.name)
    busy = await clashes_of(session_id, [p["id"] for p in people if p["active"]])
    if errors := parse.too_long({"reason": (reason, CLASH_REASON_LENGTH)}):
        raise Invalid(errors)
    if busy and not reason.strip():
        raise Invalid({"reason": "Some of the people ticked are busy at that time. Untick them, or give a reason "
                                 "to enrol them anyway."})
    outcomes = [Outcome(p["id"], p["name"], "refused", "inactive account") for p in people if not p["active"]]
    now = datetime.now(UTC)
    async with db.transaction():
        session = await _locked_session(session_id)
        if session.status not in OPEN_FOR_ENROLMENT or session.ends_at <= now:
            raise Conflict("This session is not open for enrolment.")
        for person in people:
            if person["active"]:
                outcomes.append(await _enrol_one(session, person, actor, now, busy.get(person["id"], []),
                                                 reason.strip()))
    return outcomes


async def request_seat(session_id: int, person_id: int, actor: Actor) -> Outcome:
    """An officer asks for a seat for themselves, in a published session that has not started. Being
    busy at that time does not stop them; the outcome's message says with what. On a course that requires
    approval, the seat is held (requested) until a supervisor of their agency approves or refuses."""
    if actor.person_id != person_id:
        raise Forbidden("You can only ask for a seat for yourself.")
    person = await Person.select(Person.id, Person.name, Person.agency).where(Person.id == person_id).first()
    busy = (await clashes_of(session_id, [person_id], drafts=False)).get(person_id, [])
    now = datetime.now(UTC)
    async with db.transaction():
        session = await _locked_session(session_id)
        if session.status != Session.Status.published or session.starts_at <= now:
            raise Conflict("Seats can be requested only in published sessions that have not started.")
        approval = await Course.select(Course.requires_approval).where(Course.id == session.course).first()
        return await _enrol_one(session, person, actor, now, busy, needs_approval=approval["requires_approval"])


async def promote_waitlist(session_id: int, actor: Actor) -> list[str]:
    """Give free seats to the waitlist, first come first served; the names of who got one. Runs in the
    caller's transaction (which holds the session lock) or in its own."""
    async with db.transaction():
        session = await _locked_session(session_id)
        if session.status not in OPEN_FOR_ENROLMENT or session.starts_at <= datetime.now(UTC):
            return []  # a seat that frees once the session has begun goes to nobody
        waiting = await Enrollment.select(Enrollment.id, Enrollment.person, Enrollment.person.name.as_alias("name"),
                                          Enrollment.person.agency.as_alias("agency"), Enrollment.needs_approval).where(
            (Enrollment.session == session_id) & (Enrollment.status == Enrollment.Status.waitlisted)
        ).order_by(Enrollment.requested_at).order_by(Enrollment.id)
        chosen = promotions(await seats_of(session_id), [(row["id"], row["agency"]) for row in waiting])
        now = datetime.now(UTC)
        promoted = [row for row in waiting if row["id"] in chosen]
        for row in promoted:  # a request that needs approval gets the seat held, and waits for it
            status = Enrollment.Status.requested if row["needs_approval"] else Enrollment.Status.enrolled
            await Enrollment.update({Enrollment.status: status, Enrollment.changed_at: now,
                                     Enrollment.changed_by: actor.person_id}).where(Enrollment.id == row["id"])
            await record_event("enrolment.promote", actor, target=f"session {session_id} person {row['person']}",
                               detail={"status": status})
            if session.status == Session.Status.published:
                await messages.tell(session_id, row["person"], "requested" if row["needs_approval"] else "promotion")
                if row["needs_approval"]:
                    await messages.ask_supervisors(session_id, row["person"])
    return [row["name"] for row in promoted]


async def withdraw(session_id: int, person_id: int, actor: Actor) -> list[str]:
    """Leave a session (or its waitlist); the seat goes to the waitlist. The names of who got a seat."""
    return await _give_up(session_id, person_id, actor, "withdrawal")


async def decline(session_id: int, person_id: int, actor: Actor) -> list[str]:
    """The attendee declines the invitation: they give up their seat, which goes to the waitlist, and
    their answer stays DECLINED. The names of who got a seat."""
    return await _give_up(session_id, person_id, actor, "declined")


async def approve_request(session_id: int, person_id: int, user, actor: Actor) -> None:
    """A supervisor of the officer's agency (or a coordinator) approves their request: the held seat is
    theirs, and the invitation goes out."""
    async with db.transaction():
        entry = await _requested(await _locked_session(session_id), person_id, user)
        await Enrollment.update({Enrollment.status: Enrollment.Status.enrolled, Enrollment.changed_at: datetime.now(UTC),
                                 Enrollment.changed_by: actor.person_id}).where(Enrollment.id == entry["id"])
        await record_event("enrolment.approve", actor, target=f"session {session_id} person {person_id}")
        await messages.tell(session_id, person_id, "approved")


async def refuse_request(session_id: int, person_id: int, reason: str, user, actor: Actor) -> list[str]:
    """The request is not approved, with the reason the officer is told; the held seat goes to the
    waitlist. The names of who got a seat."""
    errors = parse.too_long({"reason": (reason, REFUSAL_REASON_LENGTH)})
    if not reason.strip():
        errors["reason"] = "Say why; the officer is told."
    if errors:
        raise Invalid(errors)
    async with db.transaction():
        await _requested(await _locked_session(session_id), person_id, user)
        return await _give_up(session_id, person_id, actor, "refused", reason.strip())


async def _requested(session: Session, person_id: int, user) -> dict:
    """The request waiting for approval, when this user may answer it: a supervisor of the officer's
    agency other than the officer, or a coordinator; while the session is published and has not started.
    Who may answer is checked before whether there is a request, so nobody learns who asked for what."""
    person = await Person.select(Person.agency).where(Person.id == person_id).first()
    may_answer = permissions.coordinates(user) or (
        person is not None and permissions.supervises(user, person["agency"]) and user.person_id != person_id)
    if not may_answer:
        raise Forbidden("Only a supervisor of the officer's agency (not the officer), or a coordinator, answers "
                        "this request.")
    entry = await Enrollment.select(Enrollment.id, Enrollment.status).where(
        (Enrollment.session == session.id) & (Enrollment.person == person_id)).first()
    if entry is None or entry["status"] != Enrollment.Status.requested:
        raise NotFound("There is no request waiting for approval: it may have been answered already.")
    if session.status != Session.Status.published or session.starts_at <= datetime.now(UTC):
        raise Conflict("The session is no longer open: the request can no longer be answered.")
    return entry


async def _give_up(session_id: int, person_id: int, actor: Actor, kind: str, reason: str = "") -> list[str]:
    """Withdrawal, declined or refused: the place is let go and its seat goes to the waitlist."""
    async with db.transaction():
        session = await _locked_session(session_id)
        entry = await Enrollment.objects().where(
            (Enrollment.session == session_id) & (Enrollment.person == person_id)).first()
        if entry is None or entry.status == Enrollment.Status.withdrawn:
            raise NotFound("There is no enrolment to withdraw.")
        if kind == "declined" and entry.status != Enrollment.Status.enrolled:
            raise NotFound("You are not enrolled in this session.")
        if actor.person_id == person_id and session.starts_at <= datetime.now(UTC):
            raise Conflict("The session has begun: your place can no longer be given up. Tell the coordinator.")
        was = entry.status
        values = {Enrollment.status: Enrollment.Status.withdrawn, Enrollment.changed_at: datetime.now(UTC),
                  Enrollment.changed_by: actor.person_id}
        if kind == "declined":
            values[Enrollment.reply] = Enrollment.Reply.declined
        await Enrollment.update(values).where(Enrollment.id == entry.id)
        action = {"declined": "enrolment.decline", "refused": "enrolment.refuse"}.get(kind, "enrolment.withdraw")
        await record_event(action, actor, target=f"session {session_id} person {person_id}",
                           detail={"was": was, **({"reason": reason} if reason else {})})
        if session.status == Session.Status.published and (was == Enrollment.Status.enrolled or kind == "refused"):
            await messages.tell(session_id, person_id, kind, reason)
        return await promote_waitlist(session_id, actor)


async def reply(session_id: int, person_id: int, answer: str) -> None:
    """The attendee's answer to the invitation, given in drillhub (shown as PARTSTAT from then on).
    Declining gives the seat up: decline()."""
    if answer not in (Enrollment.Reply.accepted, Enrollment.Reply.tentative):
        raise Invalid({"answer": "Answer accept or tentative (or decline, which gives up your seat)."})
    updated = await Enrollment.update({Enrollment.reply: answer, Enrollment.changed_at: datetime.now(UTC)}).where(
        (Enrollment.session == session_id) & (Enrollment.person == person_id)
        & (Enrollment.status == Enrollment.Status.enrolled)).returning(Enrollment.id)
    if not updated:
        raise NotFound("You are not enrolled in this session.")


async def mark_attendance(session_id: int, marks: dict[int, str], actor: Actor) -> None:
    """attended or no_show for people enrolled, once the session has started."""
    session = await Session.objects().where(Session.id == session_id).first()
    if session is None:
        raise NotFound("No such session.")
    if session.starts_at > datetime.now(UTC) or session.status == Session.Status.cancelled:
        raise Conflict("Attendance can be marked once the session has started, and not for a cancelled one.")
    if any(mark not in Enrollment.Attendance.__members__ for mark in marks.values()):
        raise Invalid({"attendance": "Mark each person attended or no-show."})
    async with db.transaction():
        for person_id, mark in marks.items():
            await Enrollment.update({Enrollment.attendance: mark, Enrollment.changed_at: datetime.now(UTC),
                                     Enrollment.changed_by: actor.person_id}).where(
                (Enrollment.session == session_id) & (Enrollment.person == person_id)
                & (Enrollment.status == Enrollment.Status.enrolled))
        await record_event("attendance.mark", actor, target=f"session {session_id}",
                           detail={str(person): mark for person, mark in marks.items()})
    attended = [person for person, mark in marks.items() if mark == Enrollment.Attendance.attended]
    if attended:
        await issue_for_session(session_id, actor, attended)  # those who are eligible get their certificate now


async def roster(session_id: int) -> list[dict]:
    """Everyone who asked, in the order they asked; a waitlisted row has its place in the queue
    (`position`, from 1)."""
    rows = await Enrollment.select(
        Enrollment.id, Enrollment.person, Enrollment.status, Enrollment.reply, Enrollment.attendance,
        Enrollment.requested_at, Enrollment.person.name.as_alias("name"), Enrollment.person.title.as_alias("title"),
        Enrollment.person.badge_number.as_alias("badge_number"), Enrollment.person.agency.as_alias("agency"),
        Enrollment.person.agency.code.as_alias("agency_code"), Enrollment.person.agency.name.as_alias("agency_name"),
    ).where(Enrollment.session == session_id).order_by(Enrollment.requested_at).order_by(Enrollment.id)
    waiting = [row for row in rows if row["status"] == Enrollment.Status.waitlisted]
    for position, row in enumerate(waiting, start=1):
        row["position"] = position
    return rows


async def requests_to_answer(user) -> list[dict]:
    """Requests for a seat this user may answer (coordinators: all; a supervisor: their agencies' people but
    themselves), in published sessions that have not started, oldest first."""
    condition = (Enrollment.status == Enrollment.Status.requested) & (
        Enrollment.session.status == Session.Status.published) & (Enrollment.session.starts_at > datetime.now(UTC))
    if not permissions.coordinates(user):
        condition &= Enrollment.person.agency.is_in(permissions.supervised_agencies(user) or [0]) & (
            Enrollment.person != user.person_id)
    return await Enrollment.select(
        Enrollment.session, Enrollment.person.name.as_alias("name"), Enrollment.requested_at,
        Enrollment.session.course.title.as_alias("title"), Enrollment.session.starts_at.as_alias("starts_at"),
    ).where(condition).order_by(Enrollment.requested_at)


async def release_due_seats(actor: Actor) -> int:
    """For the background worker: reservations whose release date has passed free their unused seats."""
    now = datetime.now(UTC)
    sessions = await Session.select(Session.id).where(
        Session.status.is_in(list(OPEN_FOR_ENROLMENT)) & (Session.starts_at > now)
        & Session.id.is_in(Enrollment.select(Enrollment.session).where(Enrollment.status == Enrollment.Status.waitlisted))
        & Session.id.is_in(SeatReservation.select(SeatReservation.session).where(SeatReservation.release_at <= now)))
    promoted = 0
    for row in sessions:
        promoted += len(await promote_waitlist(row["id"], actor))
    return promoted


async def my_trainings(person_id: int) -> list[dict]:
    """A person's enrolments (not withdrawn) in sessions they can see (never a draft), soonest first,
    with the session's details."""
    rows = await Enrollment.select(
        Enrollment.session, Enrollment.status, Enrollment.reply, Enrollment.attendance,
        Enrollment.session.starts_at.as_alias("starts_at"), Enrollment.session.ends_at.as_alias("ends_at"),
        Enrollment.session.time_zone.as_alias("time_zone"), Enrollment.session.status.as_alias("session_status"),
        Enrollment.session.course.title.as_alias("title"), Enrollment.session.venue.name.as_alias("venue_name"),
    ).where((Enrollment.person == person_id) & (Enrollment.status != Enrollment.Status.withdrawn)
            & (Enrollment.session.status != Session.Status.draft)).order_by(Enrollment.session.starts_at)
    for row in rows:
        row["local_start"] = row["starts_at"].astimezone(ZoneInfo(row["time_zone"]))
    return rows
