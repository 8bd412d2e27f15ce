"""iCalendar files: invitations (METHOD:REQUEST), cancellations (METHOD:CANCEL) and feeds.

Pure: data in, bytes out. One UID per session for its whole life; SEQUENCE rises with every change of
time or place, so calendar clients replace the old entry instead of adding a second one. Times are
written in the session's time zone with a VTIMEZONE covering just the dates used.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, vCalAddress

PRODUCT_ID = "-//drillhub//joint training and exercises//EN"
REMINDER_BEFORE = timedelta(days=1)


@dataclass(frozen=True)
class Attendee:
    email: str
    name: str
    reply: str = "NEEDS-ACTION"  # iCalendar PARTSTAT
    role: str = "REQ-PARTICIPANT"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    sequence: int
    title: str
    description: str
    location: str
    url: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    stamp: datetime
    cancelled: bool = False
    organizer_email: str = ""
    organizer_name: str = ""
    attendees: tuple[Attendee, ...] = ()


def _address(email: str, name: str, **parameters) -> vCalAddress:
    return vCalAddress.new(f"mailto:{email}", cn=name or None, **parameters)


def _event(item: CalendarEvent, with_people: bool) -> Event:
    zone = ZoneInfo(item.time_zone)
    event = Event.new(
        uid=item.uid,
        sequence=item.sequence,
        summary=item.title,
        description=item.description or None,
        location=item.location or None,
        url=item.url or None,
        start=item.starts_at.astimezone(zone),
        end=item.ends_at.astimezone(zone),
        stamp=item.stamp,
        status="CANCELLED" if item.cancelled else "CONFIRMED",
    )
    if with_people:
        if item.organizer_email:
            event.add("organizer", _address(item.organizer_email, item.organizer_name))
        for person in item.attendees:
            event.add("attendee", _address(person.email, person.name, role=person.role,
                                           partstat=person.reply, rsvp=person.reply == "NEEDS-ACTION"))
    if not item.cancelled:
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Tomorrow: {item.title}")
        alarm.add("trigger", -REMINDER_BEFORE)
        event.add_component(alarm)
    return event


def render(items: list[CalendarEvent], method: str | None = None, name: str = "drillhub") -> bytes:
    """A calendar of `items`. method REQUEST (an invitation), CANCEL, or None for a feed or download."""
    calendar = Calendar.new(prodid=PRODUCT_ID, method=method, name=name)
    for item in items:
        calendar.add_component(_event(item, with_people=method is not None))
    if items:
        first = min(item.starts_at for item in items).date() - timedelta(days=1)
        last = max(item.ends_at for item in items).date() + timedelta(days=1)
        calendar.add_missing_timezones(first_date=first, last_date=last)
    return calendar.to_ical()
