"""Sessions as calendar entries: invitations, downloads and private subscription feeds."""

import asyncio
import hashlib
import secrets
from datetime import UTC, datetime

import anyio.to_thread

from drillhub.accounts.tables import Person
from drillhub.audit.service import Actor, record_event
from drillhub.enrolment.tables import Enrollment
from drillhub.errors import NotFound
from drillhub.ical.ics import Attendee, CalendarEvent, render
from drillhub.ical.tables import CalendarFeed
from drillhub.scheduling.tables import SeatReservation, Session, SessionStaff

SESSION_COLUMNS = (
    Session.id, Session.uid, Session.sequence, Session.status, Session.starts_at, Session.ends_at,
    Session.time_zone, Session.meeting_url, Session.notes, Session.course.title.as_alias("title"),
    Session.course.description.as_alias("description"), Session.venue.name.as_alias("venue_name"),
    Session.venue.address.as_alias("venue_address"), Session.created_by.email.as_alias("organizer_email"),
    Session.created_by.name.as_alias("organizer_name"),
)


def event_for(row: dict, public_url: str, attendees: tuple[Attendee, ...] = (), fallback_organizer: str = "") -> CalendarEvent:
    location = f"{row['venue_name']}, {row['venue_address']}" if row["venue_name"] else f"Online: {row['meeting_url']}"
    description = "\n\n".join(part for part in (row["description"], row["notes"]) if part)
    return CalendarEvent(
        uid=row["uid"], sequence=row["sequence"], title=row["title"], description=description, location=location,
        url=f"{public_url}/sessions/{row['id']}", starts_at=row["starts_at"], ends_at=row["ends_at"],
        time_zone=row["time_zone"], stamp=datetime.now(UTC), cancelled=row["status"] == Session.Status.cancelled,
        organizer_email=row["organizer_email"] or fallback_organizer, organizer_name=row["organizer_name"] or "drillhub",
        attendees=attendees,
    )


async def session_row(session_id: int) -> dict:
    row = await Session.select(*SESSION_COLUMNS).where(Session.id == session_id).first()
    if row is None:
        raise NotFound("No such session.")
    return row


async def attendees_of(session_id: int, person_id: int | None = None) -> tuple[Attendee, ...]:
    """Everyone enrolled (or just `person_id`), with their answers."""
    query = Enrollment.select(Enrollment.person.email.as_alias("email"), Enrollment.person.name.as_alias("name"),
                              Enrollment.reply).where(
        (Enrollment.session == session_id) & (Enrollment.status == Enrollment.Status.enrolled))
    if person_id is not None:
        query = query.where(Enrollment.person == person_id)
    return tuple(Attendee(row["email"], row["name"], row["reply"]) for row in await query.order_by(Enrollment.id))


async def invitation(session_id: int, public_url: str, sender: str, person_id: int | None = None) -> bytes:
    """METHOD:REQUEST with the organizer and the attendees (everyone, or one person)."""
    row = await session_row(session_id)
    method = "CANCEL" if row["status"] == Session.Status.cancelled else "REQUEST"
    attendees = await attendees_of(session_id, person_id)
    return render([event_for(row, public_url, attendees, sender)], method=method)


# Feeds ---------------------------------------------------------------------------------------------

def feed_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_feed(actor: Actor, person_id: int | None = None, agency_id: int | None = None) -> str:
    """A new private feed URL token, shown once (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    await CalendarFeed.insert(CalendarFeed(token_hash=feed_token_hash(token), person=person_id, agency=agency_id,
                                           created_by=actor.person_id, created_at=datetime.now(UTC)))
    await record_event("feed.create", actor, target=f"person {person_id}" if person_id else f"agency {agency_id}")
    return token


async def list_feeds(person_id: int | None = None, agency_ids: list[int] | None = None) -> list[dict]:
    query = CalendarFeed.select(CalendarFeed.id, CalendarFeed.person, CalendarFeed.agency,
                                CalendarFeed.agency.name.as_alias("agency_name"), CalendarFeed.created_at,
                                CalendarFeed.revoked_at).order_by(CalendarFeed.id, ascending=False)
    if person_id is not None:
        query = query.where(CalendarFeed.person == person_id)
    if agency_ids is not None:
        query = query.where(CalendarFeed.agency.is_in(agency_ids or [0]))
    return await query


async def get_feed(feed_id: int) -> CalendarFeed:
    feed = await CalendarFeed.objects().where(CalendarFeed.id == feed_id).first()
    if feed is None:
        raise NotFound("No such feed.")
    return feed


async def revoke_feed(feed_id: int, actor: Actor) -> None:
    await CalendarFeed.update({CalendarFeed.revoked_at: datetime.now(UTC)}).where(
        (CalendarFeed.id == feed_id) & CalendarFeed.revoked_at.is_null())
    await record_event("feed.revoke", actor, target=f"feed {feed_id}")


async def feed_calendar(token: str, public_url: str) -> tuple[bytes, str]:
    """The calendar behind a feed token and its ETag; NotFound for unknown or revoked tokens alike."""
    feed = await CalendarFeed.objects().where(
        (CalendarFeed.token_hash == feed_token_hash(token)) & CalendarFeed.revoked_at.is_null()).first()
    if feed is None:
        raise NotFound("No such feed.")
    visible = Session.status.is_in([Session.Status.published, Session.Status.completed, Session.Status.cancelled])
    if feed.person is not None:
        enrolled = Enrollment.select(Enrollment.session).where(
            (Enrollment.person == feed.person) & (Enrollment.status == Enrollment.Status.enrolled))
        staffed = SessionStaff.select(SessionStaff.session).where(SessionStaff.person == feed.person)
        person = await Person.select(Person.name).where(Person.id == feed.person).first()
        name = f"{person['name']}: trainings" if person else "Trainings"
        sessions = Session.select(*SESSION_COLUMNS).where(visible & (Session.id.is_in(enrolled) | Session.id.is_in(staffed)))
    else:
        members = Person.select(Person.id).where(Person.agency == feed.agency)
        enrolled = Enrollment.select(Enrollment.session).where(
            Enrollment.person.is_in(members) & (Enrollment.status == Enrollment.Status.enrolled))
        reserved = SeatReservation.select(SeatReservation.session).where(SeatReservation.agency == feed.agency)
        name = "Agency trainings"
        sessions = Session.select(*SESSION_COLUMNS).where(visible & (Session.id.is_in(enrolled) | Session.id.is_in(reserved)))
    rows = await sessions.order_by(Session.starts_at)
    fingerprint = hashlib.sha256(repr([name, public_url, *(tuple(row.values()) for row in rows)]).encode()).hexdigest()
    async with _RENDERING.setdefault(fingerprint, asyncio.Lock()):  # concurrent misses wait for one render
        if fingerprint not in _RENDERED_FEEDS:
            data = await anyio.to_thread.run_sync(lambda: render([event_for(row, public_url) for row in rows], name=name))
            if len(_RENDERED_FEEDS) >= FEED_CACHE_SIZE:
                _RENDERED_FEEDS.pop(next(iter(_RENDERED_FEEDS)))
            _RENDERED_FEEDS[fingerprint] = data
    _RENDERING.pop(fingerprint, None)
    return _RENDERED_FEEDS[fingerprint], fingerprint[:32]


# Rendering thousands of entries takes seconds, and the same rows always render alike: the result is
# kept per process by a fingerprint of the rows (a cache that cannot go stale, not shared state).
FEED_CACHE_SIZE = 32
_RENDERED_FEEDS: dict[str, bytes] = {}
_RENDERING: dict[str, asyncio.Lock] = {}
