"""Enrolment: seats, the waitlist, withdrawals, replies and attendance.

Every change locks the session row first (SQLite: the IMMEDIATE transaction), so capacity and quotas
hold however many requests arrive at once; the e-mail it causes is queued in the same transaction.
"""

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from drillhub import db
from drillhub.accounts.tables import Person
from drillhub.audit.service import Actor, record_event
from drillhub.certificates.service import issue_for_session
from drillhub.enrolment.clashes import clashes_of
from drillhub.enrolment.seats import Reservation, Seats, promotions
from drillhub.enrolment.tables import Enrollment
from drillhub.errors import Conflict, Forbidden, Invalid, NotFound
from drillhub.ical import service as ical
from drillhub.ical.ics import Attendee, render
from drillhub.mail.service import queue_message
from drillhub.scheduling.tables import SeatReservation, Session
from drillhub.scheduling.when import describe_when
from drillhub.settings import settings_in_use

OPEN_FOR_ENROLMENT = (Session.Status.draft, Session.Status.published)


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
        (Enrollment.session == session_id) & (Enrollment.status == Enrollment.Status.enrolled))
    enrolled: dict[int, int] = {}
    for row in counts:
        enrolled[row["agency"]] = enrolled.get(row["agency"], 0) + 1
    return Seats(session["capacity"], tuple(Reservation(r["agency"], r["seats"], r["release_at"]) for r in reservations),
                 enrolled, now or datetime.now(UTC))


async def _tell(session_id: int, person_id: int, kind: str) -> None:
    """Queue the message for one person: invitation, update, promotion (with the invitation attached),
    withdrawal, declined or cancellation (with a CANCEL), waitlisted (text only)."""
    settings = settings_in_use()
    row = await ical.session_row(session_id)
    person = await Person.select(Person.email, Person.name).where(Person.id == person_id).first()
    place = f"{row['venue_name']}, {row['venue_address']}" if row["venue_name"] else f"online: {row['meeting_url']}"
    link = f"{settings.public_url}/sessions/{session_id}"
    subjects = {
        "invitation": f"Invitation: {row['title']}", "update": f"Changed: {row['title']}",
        "promotion": f"A seat is yours: {row['title']}", "waitlisted": f"Waitlist: {row['title']}",
        "withdrawal": f"Withdrawn: {row['title']}", "cancellation": f"Cancelled: {row['title']}",
        "declined": f"Declined: {row['title']}",
    }
    openings = {
        "invitation": "You are enrolled in this training.", "update": "The time or place of this training changed.",
        "promotion": "A seat opened and you are now enrolled.",
        "waitlisted": "The training is full; you are on the waitlist and will be told if a seat opens.",
        "withdrawal": "You are no longer enrolled in this training.",
        "cancellation": "This training is cancelled.",
        "declined": "You declined this training and gave up your seat; it goes to the next person waiting.",
    }
    body = f"{person['name']},\n\n{openings[kind]}\n\n{row['title']}\n{describe_when(row)}\n{place}\n\n" \
           f"Details, and to accept or decline: {link}\n"
    calendar, method = b"", ""
    if kind in ("invitation", "update", "promotion"):
        attendees = await ical.attendees_of(session_id, person_id)
        calendar, method = render([ical.event_for(row, settings.public_url, attendees, settings.mail_from)],
                                  method="REQUEST"), "REQUEST"
    elif kind in ("withdrawal", "declined", "cancellation"):
        attendee = (Attendee(person["email"], person["name"], "NEEDS-ACTION" if kind == "cancellation" else "DECLINED"),)
        event = replace(ical.event_for(row, settings.public_url, attendee, settings.mail_from), cancelled=True)
        calendar, method = render([event], method="CANCEL"), "CANCEL"
    await queue_message(person["email"], subjects[kind], body, kind, recipient_id=person_id,
                        calendar=calendar, calendar_method=method)


async def notify_everyone(session_id: int, kind: str) -> None:
    """Inside the caller's transaction: an invitation, update or cancellation to everyone enrolled
    (a cancellation reaches the waitlist too)."""
    statuses = [Enrollment.Status.enrolled] + ([Enrollment.Status.waitlisted] if kind == "cancellation" else [])
    rows = await Enrollment.select(Enrollment.person).where(
        (Enrollment.session == session_id) & Enrollment.status.is_in(statuses))
    for row in rows:
        await _tell(session_id, row["person"], kind)


async def _locked_session(session_id: int) -> Session:
    await db.lock_row(Session, session_id)
    session = await Session.objects().where(Session.id == session_id).first()
    if session is None:
        raise NotFound("No such session.")
    return session


async def _enrol_one(session: Session, person: dict, actor: Actor, now: datetime, busy: list[str],
                     reason: str = "") -> Outcome:
    existing = await Enrollment.objects().where(
        (Enrollment.session == session.id) & (Enrollment.person == person["id"])).first()
    if existing is not None and existing.status != Enrollment.Status.withdrawn:
        return Outcome(person["id"], person["name"], f"already {existing.status}")
    seats = await seats_of(session.id, now)
    status = Enrollment.Status.enrolled if seats.can_take(person["agency"]) else Enrollment.Status.waitlisted
    values = {Enrollment.status: status, Enrollment.reply: Enrollment.Reply.needs_action, Enrollment.attendance: None,
              Enrollment.requested_at: now, Enrollment.changed_at: now, Enrollment.changed_by: actor.person_id}
    if existing is None:
        await Enrollment.insert(Enrollment(session=session.id, person=person["id"],
                                           **{column._meta.name: value for column, value in values.items()}))
    else:
        await Enrollment.update(values).where(Enrollment.id == existing.id)
    await record_event("enrolment.add", actor, target=f"session {session.id} person {person['id']}",
                       detail={"status": status, **({"busy": busy, "reason": reason} if busy else {})})
    if session.status == Session.Status.published:
        await _tell(session.id, person["id"], "invitation" if status == Enrollment.Status.enrolled else "waitlisted")
    return Outcome(person["id"], person["name"], status, "; ".join(busy))


async def enrol_people(session_id: int, person_ids: list[int], actor: Actor, reason: str = "") -> list[Outcome]:
    """A coordinator enrols people from any agency; whoever finds no seat goes on the waitlist. People
    busy at that time (clashes_of) are enrolled only with a reason, which the audit log keeps."""
    people = await Person.select(Person.id, Person.name, Person.agency, Person.active).where(
        Person.id.is_in(person_ids or [0])).order_by(Person.name)
    busy = await clashes_of(session_id, [p["id"] for p in people if p["active"]])
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
    busy at that time does not stop them; the outcome's message says with what."""
    if actor.person_id != person_id:
        raise Forbidden("You can only ask for a seat for yourself.")
    person = await Person.select(Person.id, Person.name, Person.agency).where(Person.id == person_id).first()
    busy = (await clashes_of(session_id, [person_id])).get(person_id, [])
    now = datetime.now(UTC)
    async with db.transaction():
        session = await _locked_session(session_id)
        if session.status != Session.Status.published or session.starts_at <= now:
            raise Conflict("Seats can be requested only in published sessions that have not started.")
        return await _enrol_one(session, person, actor, now, busy)


async def promote_waitlist(session_id: int, actor: Actor) -> list[str]:
    """Give free seats to the waitlist, first come first served; the names of who got one. Runs in the
    caller's transaction (which holds the session lock) or in its own."""
    async with db.transaction():
        session = await _locked_session(session_id)
        if session.status not in OPEN_FOR_ENROLMENT:
            return []
        waiting = await Enrollment.select(Enrollment.id, Enrollment.person, Enrollment.person.name.as_alias("name"),
                                          Enrollment.person.agency.as_alias("agency")).where(
            (Enrollment.session == session_id) & (Enrollment.status == Enrollment.Status.waitlisted)
        ).order_by(Enrollment.requested_at).order_by(Enrollment.id)
        chosen = promotions(await seats_of(session_id), [(row["id"], row["agency"]) for row in waiting])
        now = datetime.now(UTC)
        promoted = [row for row in waiting if row["id"] in chosen]
        for row in promoted:
            await Enrollment.update({Enrollment.status: Enrollment.Status.enrolled, Enrollment.changed_at: now,
                                     Enrollment.changed_by: actor.person_id}).where(Enrollment.id == row["id"])
            await record_event("enrolment.promote", actor, target=f"session {session_id} person {row['person']}")
            if session.status == Session.Status.published:
                await _tell(session_id, row["person"], "promotion")
    return [row["name"] for row in promoted]


async def withdraw(session_id: int, person_id: int, actor: Actor) -> list[str]:
    """Leave a session (or its waitlist); the seat goes to the waitlist. The names of who got a seat."""
    return await _give_up(session_id, person_id, actor, "withdrawal")


async def decline(session_id: int, person_id: int, actor: Actor) -> list[str]:
    """The attendee declines the invitation: they give up their seat, which goes to the waitlist, and
    their answer stays DECLINED. The names of who got a seat."""
    return await _give_up(session_id, person_id, actor, "declined")


async def _give_up(session_id: int, person_id: int, actor: Actor, kind: str) -> list[str]:
    async with db.transaction():
        session = await _locked_session(session_id)
        entry = await Enrollment.objects().where(
            (Enrollment.session == session_id) & (Enrollment.person == person_id)).first()
        if entry is None or entry.status == Enrollment.Status.withdrawn:
            raise NotFound("There is no enrolment to withdraw.")
        if kind == "declined" and entry.status != Enrollment.Status.enrolled:
            raise NotFound("You are not enrolled in this session.")
        was = entry.status
        values = {Enrollment.status: Enrollment.Status.withdrawn, Enrollment.changed_at: datetime.now(UTC),
                  Enrollment.changed_by: actor.person_id}
        if kind == "declined":
            values[Enrollment.reply] = Enrollment.Reply.declined
        await Enrollment.update(values).where(Enrollment.id == entry.id)
        await record_event("enrolment.decline" if kind == "declined" else "enrolment.withdraw", actor,
                           target=f"session {session_id} person {person_id}", detail={"was": was})
        if was == Enrollment.Status.enrolled and session.status == Session.Status.published:
            await _tell(session_id, person_id, kind)
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
