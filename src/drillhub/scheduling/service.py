"""Courses, venues and sessions, with the conflict checks a coordinator sees while editing."""

import uuid
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from piccolo.query.functions.aggregate import Count

from drillhub import db, parse
from drillhub.accounts.tables import Person
from drillhub.agencies.tables import Agency
from drillhub.audit.service import Actor, record_event
from drillhub.enrolment import messages
from drillhub.enrolment import service as enrolment
from drillhub.errors import Conflict, Invalid, NotFound
from drillhub.afteraction.feedback import offer_feedback
from drillhub.reference import core_capabilities
from drillhub.scenarios.model import EXERCISE_TYPE_LABELS
from drillhub.scenarios.tables import ScenarioVersion
from drillhub.scheduling.tables import Course, SeatReservation, Session, SessionStaff, Venue
from drillhub.scheduling.when import describe_when

SENSIBLE_HOURS = (time(6, 0), time(22, 0))
MAX_SESSION_DAYS = 14
CANCEL_REASON_LENGTH = 2000


# Courses -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CourseInput:
    title: str = ""
    description: str = ""
    exercise_type: str = "tabletop"
    objectives: str = ""  # one per line
    core_capabilities: tuple[str, ...] = ()
    credit_hours: str = ""
    credit_category: str = ""
    default_capacity: str = "20"
    validity_months: str = ""
    scenarios: tuple[str, ...] = ()
    requires_exercise: str = ""  # "yes": a certificate also needs a finished exercise of the session
    requires_approval: str = ""  # "yes": an officer's own request waits for a supervisor of their agency


async def _course_values(data: CourseInput) -> dict:
    errors = {}
    title = data.title.strip()
    if not title or len(title) > 200:
        errors["title"] = "Enter the course title (at most 200 characters)."
    if data.exercise_type not in EXERCISE_TYPE_LABELS:
        errors["exercise_type"] = "Choose the HSEEP exercise type."
    unknown = [name for name in data.core_capabilities if name not in core_capabilities().by_name]
    if unknown:
        errors["core_capabilities"] = f"Not a core capability: {', '.join(unknown)}."
    try:
        hours = Decimal(data.credit_hours.strip())
        if not Decimal("0") < hours <= Decimal("999") or hours != hours.quantize(Decimal("0.01")):
            raise InvalidOperation
    except InvalidOperation:
        errors["credit_hours"] = "Enter the credit hours, e.g. 4 or 7.5."
        hours = Decimal(0)
    capacity = parse.whole_number(data.default_capacity, 1, 1000)
    if capacity is None:
        errors["default_capacity"] = "Enter a number of seats from 1 to 1000."
    validity = parse.whole_number(data.validity_months, 1, 240) if data.validity_months.strip() else None
    if data.validity_months.strip() and validity is None:
        errors["validity_months"] = "Enter months from 1 to 240, or leave it empty."
    known = {row["slug"] for row in await ScenarioVersion.select(ScenarioVersion.slug).where(
        ScenarioVersion.published_at.is_not_null())}  # a draft is not in the library yet
    if any(slug not in known for slug in data.scenarios):
        errors["scenarios"] = "Choose scenarios from the library."
    if len(data.credit_category) > 40:
        errors["credit_category"] = "Use at most 40 characters."
    if errors:
        raise Invalid(errors)
    return {
        "title": title, "description": data.description.strip(), "exercise_type": data.exercise_type,
        "objectives": [line.strip() for line in data.objectives.splitlines() if line.strip()],
        "core_capabilities": sorted(set(data.core_capabilities)), "credit_hours": hours,
        "credit_category": data.credit_category.strip(), "default_capacity": capacity,
        "validity_months": validity, "scenarios": sorted(set(data.scenarios)),
        "requires_exercise": data.requires_exercise == "yes", "requires_approval": data.requires_approval == "yes",
    }


async def get_course(course_id: int) -> Course:
    course = await Course.objects().where(Course.id == course_id).output(load_json=True).first()
    if course is None:
        raise NotFound("No such course.")
    return course


async def list_courses(include_inactive: bool = False) -> list[dict]:
    query = Course.select().order_by(Course.title).output(load_json=True)
    return await (query if include_inactive else query.where(Course.active.eq(True)))


async def _save_row(table, row_id: int | None, values: dict, actor: Actor, label: str) -> int:
    """Insert or update one course or venue, and audit it."""
    async with db.transaction():
        if row_id is None:
            row = table(**values)
            await row.save()
            row_id = row.id
        else:
            await table.update(values).where(table.id == row_id)
        name = table._meta.tablename
        await record_event(f"{name}.save", actor, target=f"{name} {row_id} {label}")
    return row_id


async def save_course(course_id: int | None, data: CourseInput, actor: Actor) -> Course:
    if course_id is not None:
        await get_course(course_id)
    values = await _course_values(data)
    return await get_course(await _save_row(Course, course_id, values, actor, values["title"]))


# Venues --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class VenueInput:
    name: str = ""
    agency: str = ""
    address: str = ""
    time_zone: str = "America/Chicago"
    capacity: str = ""
    notes: str = ""


async def _venue_values(data: VenueInput) -> dict:
    errors = {}
    if not data.name.strip() or len(data.name) > 200:
        errors["name"] = "Enter the venue's name (at most 200 characters)."
    agency_id = parse.record_id(data.agency)
    if agency_id is None or not await Agency.exists().where(Agency.id == agency_id):
        errors["agency"] = "Choose the agency that owns the venue."
    if not data.address.strip():
        errors["address"] = "Enter the address."
    if parse.time_zone(data.time_zone) is None:
        errors["time_zone"] = "Choose a time zone."
    capacity = parse.whole_number(data.capacity, 1, 10_000)
    if capacity is None:
        errors["capacity"] = "Enter how many people fit, from 1 to 10,000."
    if errors:
        raise Invalid(errors)
    return {"name": data.name.strip(), "agency": agency_id, "address": data.address.strip(),
            "time_zone": data.time_zone.strip(), "capacity": capacity, "notes": data.notes.strip()}


async def get_venue(venue_id: int) -> Venue:
    venue = await Venue.objects().where(Venue.id == venue_id).first()
    if venue is None:
        raise NotFound("No such venue.")
    return venue


async def list_venues(include_inactive: bool = False) -> list[dict]:
    query = Venue.select(*Venue.all_columns(), Venue.agency.name.as_alias("agency_name")).order_by(Venue.name)
    return await (query if include_inactive else query.where(Venue.active.eq(True)))


async def save_venue(venue_id: int | None, data: VenueInput, actor: Actor) -> Venue:
    if venue_id is not None:
        await get_venue(venue_id)
    values = await _venue_values(data)
    return await get_venue(await _save_row(Venue, venue_id, values, actor, values["name"]))


# Sessions ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SessionInput:
    course: str = ""
    venue: str = ""  # empty: online
    meeting_url: str = ""
    starts_at: str = ""  # local date and time, as an <input type="datetime-local"> sends it
    ends_at: str = ""
    starts_at_fold: str = ""  # of a time that happens twice (the clocks go back): first or second
    ends_at_fold: str = ""
    time_zone: str = ""  # empty: the venue's
    capacity: str = ""
    facilitators: tuple[str, ...] = ()
    evaluators: tuple[str, ...] = ()
    lead_evaluator: str = ""  # one of the evaluators; empty with one evaluator: that one
    reserve_agency: tuple[str, ...] = ()  # three parallel lists, one row per agency on the form
    reserve_seats: tuple[str, ...] = ()
    reserve_until: tuple[str, ...] = ()  # local date after which unused seats open to everyone
    notes: str = ""
    coordinator_notes: str = ""
    override_reason: str = ""


@dataclass(frozen=True)
class SessionPlan:
    course: int
    venue: int | None
    meeting_url: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    capacity: int
    facilitators: tuple[int, ...]
    evaluators: tuple[int, ...]
    lead_evaluator: int | None
    reservations: tuple[tuple[int, int, datetime], ...]  # agency, seats, release_at
    notes: str
    coordinator_notes: str
    override_reason: str


@dataclass(frozen=True)
class Clash:
    kind: str  # venue, staff, capacity, hours
    blocking: bool
    message: str


async def _people_with_role(ids: tuple[str, ...], role: str) -> tuple[int, ...] | None:
    wanted = parse.record_ids(ids)
    if not wanted:
        return ()
    found = await Person.select(Person.id).where(Person.id.is_in(wanted) & Person.roles.any(role)
                                                 & Person.active.eq(True))
    return tuple(wanted) if len(found) == len(wanted) else None


async def plan_session(data: SessionInput) -> SessionPlan:
    """Check the fields of a session form; raise Invalid with every problem."""
    errors = {}
    course_id = parse.record_id(data.course)
    if course_id is None or not await Course.exists().where(Course.id == course_id):
        errors["course"] = "Choose the course."
    venue_id = parse.record_id(data.venue)
    venue = await Venue.objects().where(Venue.id == venue_id).first() if venue_id else None
    if data.venue and venue is None:
        errors["venue"] = "Choose a venue, or online."
    meeting_url = data.meeting_url.strip()
    if venue is None and not meeting_url.startswith(("https://", "http://")):
        errors["meeting_url"] = "An online session needs its meeting link (https://...)."
    elif len(meeting_url) > 500:
        errors["meeting_url"] = "Use a meeting link of at most 500 characters."
    zone = parse.time_zone(data.time_zone) or (parse.time_zone(venue.time_zone) if venue else None)
    if zone is None:
        errors["time_zone"] = "Choose the time zone the times are in."
        zone = ZoneInfo("UTC")
    starts_at = _wall_clock(data.starts_at, data.starts_at_fold, zone, "starts_at", "start", errors)
    ends_at = _wall_clock(data.ends_at, data.ends_at_fold, zone, "ends_at", "end", errors)
    if starts_at is not None and ends_at is not None and ends_at <= starts_at:
        errors["ends_at"] = "The session must end after it starts."
    elif starts_at is not None and ends_at is not None and ends_at - starts_at > timedelta(days=MAX_SESSION_DAYS):
        errors["ends_at"] = f"A session lasts at most {MAX_SESSION_DAYS} days."
    capacity = parse.whole_number(data.capacity, 1, 10_000)
    if capacity is None:
        errors["capacity"] = "Enter the number of seats."
    facilitators = await _people_with_role(data.facilitators, "facilitator")
    if facilitators is None:
        errors["facilitators"] = "Choose active people who hold the facilitator role."
    evaluators = await _people_with_role(data.evaluators, "evaluator")
    if evaluators is None:
        errors["evaluators"] = "Choose active people who hold the evaluator role."
    lead_evaluator = _lead_evaluator(data.lead_evaluator, evaluators or ())
    if data.lead_evaluator and lead_evaluator is None:
        errors["lead_evaluator"] = "The lead evaluator must be one of the evaluators."
    reservations = []
    for agency, seats, until in zip(data.reserve_agency, data.reserve_seats, data.reserve_until, strict=False):
        if not seats.strip() or seats.strip() == "0":
            continue
        count, agency_id = parse.whole_number(seats, 1, 10_000), parse.record_id(agency)
        release = parse.local_datetime(f"{until.strip()}T00:00", zone) if until.strip() else starts_at
        if count is None or agency_id is None or release is None:
            errors["reservations"] = "Each reservation needs a number of seats and, if given, a valid date."
            continue
        if starts_at is not None and release > starts_at:
            errors["reservations"] = "Reserved seats must be released by the start of the session."
        reservations.append((agency_id, count, release))
    if capacity and sum(seats for _, seats, _ in reservations) > capacity:
        errors["reservations"] = "More seats are reserved than the session has."
    if len({agency for agency, _, _ in reservations}) != len(reservations):
        errors["reservations"] = "Reserve seats for each agency once."
    if errors:
        raise Invalid(errors)
    return SessionPlan(
        course=course_id, venue=venue.id if venue else None, meeting_url=meeting_url, starts_at=starts_at,
        ends_at=ends_at, time_zone=str(zone), capacity=capacity, facilitators=facilitators,
        evaluators=evaluators, lead_evaluator=lead_evaluator, reservations=tuple(reservations), notes=data.notes.strip(),
        coordinator_notes=data.coordinator_notes.strip(), override_reason=data.override_reason.strip(),
    )


FOLDS = {"first": 0, "second": 1}  # of a time that happens twice, as the form's choice names them


def _wall_clock(raw: str, fold: str, zone: ZoneInfo, field: str, what: str, errors: dict) -> datetime | None:
    """The form's local time as UTC; a time the clocks skip is refused, and of one that happens twice
    (the clocks go back) the form must say which."""
    change = parse.clock_change(raw, zone)
    if change == "gap":
        errors[field] = (f"{parse.wall_clock(raw):%H:%M on %d %B %Y} does not happen in {zone}: the clocks go "
                         f"forward then. Choose another {what} time.")
        return None
    if change == "fold" and fold not in FOLDS:
        errors[f"{field}_fold"] = (f"{parse.wall_clock(raw):%H:%M on %d %B %Y} happens twice in {zone}, as the "
                                   f"clocks go back: choose which one.")
        return None
    moment = parse.local_datetime(raw, zone, FOLDS.get(fold, 0))
    if moment is None:
        errors[field] = f"Enter the {what} date and time."
    return moment


def _lead_evaluator(chosen: str, evaluators: tuple[int, ...]) -> int | None:
    """The evaluator who reconciles the ratings: the one chosen, or the only evaluator."""
    if chosen:
        return lead if (lead := parse.record_id(chosen)) in evaluators else None
    return evaluators[0] if len(evaluators) == 1 else None


def _overlapping(starts_at: datetime, ends_at: datetime, session_id: int | None):
    condition = (Session.starts_at < ends_at) & (Session.ends_at > starts_at) & (
        Session.status != Session.Status.cancelled)
    return condition & (Session.id != session_id) if session_id else condition


async def find_clashes(plan: SessionPlan, session_id: int | None = None) -> list[Clash]:
    """What clashes with this plan: the venue booked, staff booked elsewhere, too many seats for the
    room, odd hours. Only a venue double booking blocks saving (unless a reason is given)."""
    clashes = []
    overlapping = _overlapping(plan.starts_at, plan.ends_at, session_id)
    if plan.venue is not None:
        venue = await get_venue(plan.venue)
        booked = await Session.select(Session.course.title.as_alias("title"), Session.starts_at, Session.ends_at,
                                      Session.time_zone).where(overlapping & (Session.venue == plan.venue))
        for other in booked:
            clashes.append(Clash("venue", True, f"{venue.name} is booked for {other['title']}, {describe_when(other)}."))
        if plan.capacity > venue.capacity:
            clashes.append(Clash("capacity", True, f"{plan.capacity} seats, but {venue.name} holds {venue.capacity}."))
    staff = (*plan.facilitators, *plan.evaluators)
    if staff:
        busy = await SessionStaff.select(
            SessionStaff.person.name.as_alias("name"), SessionStaff.session.course.title.as_alias("title"),
            SessionStaff.session.starts_at.as_alias("starts_at"), SessionStaff.session.ends_at.as_alias("ends_at"),
            SessionStaff.session.time_zone.as_alias("time_zone"),
        ).where(SessionStaff.person.is_in(list(staff)) & SessionStaff.session.is_in(
            Session.select(Session.id).where(overlapping)))
        for row in busy:
            clashes.append(Clash("staff", False, f"{row['name']} is on the staff of {row['title']}, "
                                                 f"{describe_when(row)}."))
    zone = ZoneInfo(plan.time_zone)
    first, last = plan.starts_at.astimezone(zone).time(), plan.ends_at.astimezone(zone).time()
    if first < SENSIBLE_HOURS[0] or last > SENSIBLE_HOURS[1] or (last == time(0) and plan.ends_at > plan.starts_at):
        clashes.append(Clash("hours", False, "The session starts before 06:00 or ends after 22:00 local time."))
    return clashes


# What the live conflict panel needs before it can look: the rest of the form may still be unfinished.
WHEN_AND_WHERE = ("course", "venue", "meeting_url", "starts_at", "ends_at", "starts_at_fold", "ends_at_fold",
                  "time_zone")


async def clashes_as_typed(data: SessionInput, session_id: int | None) -> tuple[list[Clash], dict[str, str]]:
    """For the live conflict panel: the clashes of the form as typed once its course, time and place are
    valid, whatever else is still missing or wrong (that waits for saving); or, until then, the problems
    with those fields."""
    try:
        return await find_clashes(await plan_session(data), session_id), {}
    except Invalid as invalid:
        if any(field in invalid.errors for field in WHEN_AND_WHERE):
            return [], invalid.errors
        errors = invalid.errors
    unfinished = replace(
        data, capacity="1" if "capacity" in errors else data.capacity,
        facilitators=() if "facilitators" in errors else data.facilitators,
        evaluators=() if "evaluators" in errors or "lead_evaluator" in errors else data.evaluators,
        lead_evaluator="" if "evaluators" in errors or "lead_evaluator" in errors else data.lead_evaluator,
        reserve_agency=(), reserve_seats=(), reserve_until=())
    return await find_clashes(await plan_session(unfinished), session_id), {}


def refusal(clashes: list[Clash], override_reason: str) -> dict[str, str]:
    """The form errors the blocking clashes amount to."""
    errors = {}
    if any(clash.kind == "capacity" for clash in clashes):
        errors["capacity"] = next(clash.message for clash in clashes if clash.kind == "capacity")
    if any(clash.kind == "venue" for clash in clashes) and not override_reason:
        errors["override_reason"] = "The venue is already booked then. Choose another time or venue, or give " \
                                    "a reason to book it anyway."
    return errors


async def get_session(session_id: int) -> Session:
    session = await Session.objects().where(Session.id == session_id).first()
    if session is None:
        raise NotFound("No such session.")
    return session


async def session_title(session: Session) -> str:
    """The course and the local start date: how people name a session."""
    course = await Course.select(Course.title).where(Course.id == session.course).first()
    return f"{course['title']}, {session.starts_at.astimezone(ZoneInfo(session.time_zone)):%d %B %Y}"


async def _store_plan(session_id: int, plan: SessionPlan) -> None:
    await SessionStaff.delete().where(SessionStaff.session == session_id)
    staff = [SessionStaff(session=session_id, person=person, role=SessionStaff.Role.facilitator)
             for person in plan.facilitators]
    staff += [SessionStaff(session=session_id, person=person, role=SessionStaff.Role.evaluator,
                           lead=person == plan.lead_evaluator) for person in plan.evaluators]
    if staff:
        await SessionStaff.insert(*staff)
    await SeatReservation.delete().where(SeatReservation.session == session_id)
    if plan.reservations:
        await SeatReservation.insert(*(SeatReservation(session=session_id, agency=agency, seats=seats,
                                                       release_at=release, notes="")
                                       for agency, seats, release in plan.reservations))


def _columns(plan: SessionPlan) -> dict:
    return {"course": plan.course, "venue": plan.venue, "meeting_url": plan.meeting_url,
            "starts_at": plan.starts_at, "ends_at": plan.ends_at, "time_zone": plan.time_zone,
            "capacity": plan.capacity, "notes": plan.notes, "coordinator_notes": plan.coordinator_notes}


async def _checked(data: SessionInput, session_id: int | None) -> tuple[SessionPlan, list[Clash]]:
    plan = await plan_session(data)
    clashes = await find_clashes(plan, session_id)
    errors = refusal(clashes, plan.override_reason)
    if errors:
        raise Invalid(errors)
    return plan, clashes


async def create_session(data: SessionInput, actor: Actor, publish: bool = False) -> Session:
    plan, clashes = await _checked(data, None)
    async with db.transaction():
        session = Session(uid=f"{uuid.uuid4()}@drillhub", **_columns(plan),
                          status=Session.Status.published if publish else Session.Status.draft,
                          sequence=0, cancel_reason="", created_by=actor.person_id,
                          venue_override_reason=plan.override_reason if _venue_clash(clashes) else "")
        await session.save()
        await _store_plan(session.id, plan)
        await _audit_override(session.id, clashes, plan, actor)
        await record_event("session.create", actor, target=f"session {session.id}",
                           detail={"status": session.status})
    return session


def _venue_clash(clashes: list[Clash]) -> bool:
    return any(clash.kind == "venue" for clash in clashes)


async def _audit_override(session_id: int, clashes: list[Clash], plan: SessionPlan, actor: Actor) -> None:
    if _venue_clash(clashes):
        await record_event("session.venue_override", actor, target=f"session {session_id}",
                           detail={"reason": plan.override_reason,
                                   "clashes": [clash.message for clash in clashes if clash.kind == "venue"]})


async def update_session(session_id: int, data: SessionInput, actor: Actor) -> Session:
    """Save changes. A change of time or place raises the iCalendar SEQUENCE and sends everyone
    enrolled an update; a change of capacity or reservations may promote people from the waitlist."""
    session = await get_session(session_id)
    if session.status in (Session.Status.cancelled, Session.Status.completed):
        raise Conflict(f"A {session.status} session cannot be changed.")
    plan, clashes = await _checked(data, session_id)
    moved = (plan.starts_at, plan.ends_at, plan.venue, plan.meeting_url) != (
        session.starts_at, session.ends_at, session.venue, session.meeting_url)
    async with db.transaction():
        await db.lock_row(Session, session_id)
        columns = _columns(plan)
        if moved:
            columns["sequence"] = session.sequence + 1
        if _venue_clash(clashes):
            columns["venue_override_reason"] = plan.override_reason
        await Session.update(columns).where(Session.id == session_id)
        await _store_plan(session_id, plan)
        await _audit_override(session_id, clashes, plan, actor)
        await record_event("session.update", actor, target=f"session {session_id}", detail={"moved": moved})
        if moved and session.status == Session.Status.published:
            await messages.notify_everyone(session_id, "update")
        await enrolment.promote_waitlist(session_id, actor)
    return await get_session(session_id)


async def copy_session(session_id: int, actor: Actor) -> Session:
    """A draft copy one week later, with the same course, place, staff and reservations."""
    source = await get_session(session_id)
    week = timedelta(days=7)
    async with db.transaction():
        copy = Session(**{
            **{key: getattr(source, key) for key in ("course", "venue", "meeting_url", "time_zone", "capacity",
                                                     "notes", "coordinator_notes")},
            "uid": f"{uuid.uuid4()}@drillhub", "starts_at": source.starts_at + week, "ends_at": source.ends_at + week,
            "status": Session.Status.draft, "sequence": 0, "cancel_reason": "", "venue_override_reason": "",
            "created_by": actor.person_id,
        })
        await copy.save()
        staff = await SessionStaff.select(SessionStaff.person, SessionStaff.role, SessionStaff.lead).where(
            SessionStaff.session == session_id)
        if staff:
            await SessionStaff.insert(*(SessionStaff(session=copy.id, **row) for row in staff))
        seats = await SeatReservation.select(SeatReservation.agency, SeatReservation.seats, SeatReservation.release_at,
                                             SeatReservation.notes).where(SeatReservation.session == session_id)
        if seats:
            await SeatReservation.insert(*(SeatReservation(session=copy.id, **{**row, "release_at": row["release_at"] + week})
                                           for row in seats))
        await record_event("session.copy", actor, target=f"session {copy.id}", detail={"from": session_id})
    return copy


async def publish_session(session_id: int, actor: Actor) -> Session:
    session = await get_session(session_id)
    if session.status != Session.Status.draft:
        raise Conflict("Only a draft can be published.")
    async with db.transaction():
        await Session.update({Session.status: Session.Status.published}).where(Session.id == session_id)
        await record_event("session.publish", actor, target=f"session {session_id}")
        await messages.notify_everyone(session_id, "invitation")
    return await get_session(session_id)


async def cancel_session(session_id: int, reason: str, actor: Actor) -> Session:
    session = await get_session(session_id)
    if session.status in (Session.Status.cancelled, Session.Status.completed):
        raise Conflict(f"The session is already {session.status}.")
    if not reason.strip():
        raise Invalid({"reason": "Say why the session is cancelled; everyone enrolled is told."})
    if errors := parse.too_long({"reason": (reason, CANCEL_REASON_LENGTH)}):
        raise Invalid(errors)
    async with db.transaction():
        await db.lock_row(Session, session_id)
        await Session.update({Session.status: Session.Status.cancelled, Session.cancel_reason: reason.strip(),
                              Session.sequence: session.sequence + 1}).where(Session.id == session_id)
        await record_event("session.cancel", actor, target=f"session {session_id}", detail={"reason": reason.strip()})
        await messages.notify_everyone(session_id, "cancellation")
    return await get_session(session_id)


async def complete_session(session_id: int, actor: Actor) -> Session:
    session = await get_session(session_id)
    if session.status != Session.Status.published or session.starts_at > datetime.now(UTC):
        raise Conflict("Only a published session that has started can be marked completed.")
    title = await session_title(session)
    async with db.transaction():
        await Session.update({Session.status: Session.Status.completed}).where(Session.id == session_id)
        await offer_feedback(session_id, title)
        await record_event("session.complete", actor, target=f"session {session_id}")
    return await get_session(session_id)


def session_input(session: Session, staff: list[dict], reservations: list[dict]) -> SessionInput:
    """A stored session as its form shows it (times in the session's zone)."""
    zone = ZoneInfo(session.time_zone)
    local = lambda moment: moment.astimezone(zone).strftime("%Y-%m-%dT%H:%M")  # noqa: E731
    fold = lambda moment: ("second" if moment.astimezone(zone).fold else "first") if parse.clock_change(  # noqa: E731
        local(moment), zone) == "fold" else ""
    return SessionInput(
        course=str(session.course), venue=str(session.venue or ""), meeting_url=session.meeting_url,
        starts_at=local(session.starts_at), ends_at=local(session.ends_at), time_zone=session.time_zone,
        starts_at_fold=fold(session.starts_at), ends_at_fold=fold(session.ends_at),
        capacity=str(session.capacity),
        facilitators=tuple(str(row["person"]) for row in staff if row["role"] == "facilitator"),
        evaluators=tuple(str(row["person"]) for row in staff if row["role"] == "evaluator"),
        lead_evaluator=next((str(row["person"]) for row in staff if row["lead"]), ""),
        reserve_agency=tuple(str(row["agency"]) for row in reservations),
        reserve_seats=tuple(str(row["seats"]) for row in reservations),
        reserve_until=tuple(row["release_at"].astimezone(zone).date().isoformat() for row in reservations),
        notes=session.notes, coordinator_notes=session.coordinator_notes,
        override_reason=session.venue_override_reason,
    )


# Calendar and visibility -------------------------------------------------------------------------

@dataclass(frozen=True)
class SessionFilter:
    agency: str = ""
    course: str = ""
    venue: str = ""
    status: str = ""


async def staff_of(session_id: int) -> list[dict]:
    return await SessionStaff.select(SessionStaff.person, SessionStaff.role, SessionStaff.lead,
                                     SessionStaff.person.name.as_alias("name")).where(
        SessionStaff.session == session_id).order_by(SessionStaff.role)


async def sessions_between(start: datetime, end: datetime, filters: SessionFilter, drafts: bool) -> list[dict]:
    """Sessions overlapping [start, end), with their enrolment counts."""
    from drillhub.enrolment.tables import Enrollment

    conditions = (Session.starts_at < end) & (Session.ends_at > start)
    if not drafts:
        conditions &= Session.status != Session.Status.draft
    if filters.status in Session.Status.__members__:
        conditions &= Session.status == filters.status
    if course := parse.record_id(filters.course):
        conditions &= Session.course == course
    if filters.venue == "online":
        conditions &= Session.venue.is_null()
    elif venue := parse.record_id(filters.venue):
        conditions &= Session.venue == venue
    if agency := parse.record_id(filters.agency):
        members = Person.select(Person.id).where(Person.agency == agency)
        conditions &= Session.id.is_in(SeatReservation.select(SeatReservation.session).where(
            SeatReservation.agency == agency)) | Session.id.is_in(Enrollment.select(Enrollment.session).where(
                Enrollment.person.is_in(members) & (Enrollment.status == Enrollment.Status.enrolled)))
    rows = await Session.select(
        Session.id, Session.starts_at, Session.ends_at, Session.time_zone, Session.status, Session.capacity,
        Session.course.title.as_alias("title"), Session.venue.name.as_alias("venue_name"),
    ).where(conditions).order_by(Session.starts_at)
    if rows:
        enrolled = await Enrollment.select(Enrollment.session, Count()).where(
            Enrollment.session.is_in([row["id"] for row in rows]) & Enrollment.status.is_in(list(enrolment.HOLDS_SEAT))
        ).group_by(Enrollment.session)
        counts = {entry["session"]: entry["count"] for entry in enrolled}
        for row in rows:
            row["enrolled"] = counts.get(row["id"], 0)
            row["local_start"] = row["starts_at"].astimezone(ZoneInfo(row["time_zone"]))
            row["local_end"] = row["ends_at"].astimezone(ZoneInfo(row["time_zone"]))
    return rows
