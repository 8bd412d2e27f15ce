from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from drillhub.ical.ics import Attendee, CalendarEvent, render

EVENT = CalendarEvent(
    uid="session-7f3a@drillhub", sequence=2, title="Active threat TTX", description="Bring your radio.",
    location="Training Room A, 100 Main St, Riverton", url="https://drillhub.example/sessions/7",
    starts_at=datetime(2026, 12, 3, 15, 0, tzinfo=UTC), ends_at=datetime(2026, 12, 3, 19, 0, tzinfo=UTC),
    time_zone="America/Chicago", stamp=datetime(2026, 11, 21, 12, 0, tzinfo=UTC),
    organizer_email="coordinator@demo.drillhub.test", organizer_name="Marcus Bell",
    attendees=(Attendee("officer@demo.drillhub.test", "Jamie Chen"),
               Attendee("avery.abbott@demo.drillhub.test", "Avery Abbott", reply="ACCEPTED")),
)


def parsed(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


def test_an_invitation_parses_back_with_everything_a_client_needs():
    calendar = parsed(render([EVENT], method="REQUEST"))
    assert calendar["METHOD"] == "REQUEST" and "drillhub" in calendar["PRODID"]
    [event] = calendar.walk("VEVENT")
    assert event["UID"] == "session-7f3a@drillhub" and event["SEQUENCE"] == 2
    start = event.decoded("DTSTART")
    assert start.tzinfo is not None and start.hour == 9 and event["DTSTART"].params["TZID"] == "America/Chicago"
    assert event.decoded("DTSTART").astimezone(UTC) == EVENT.starts_at
    assert str(event["ORGANIZER"]) == "mailto:coordinator@demo.drillhub.test"
    attendees = {str(a): a.params for a in event["ATTENDEE"]}
    assert attendees["mailto:officer@demo.drillhub.test"]["PARTSTAT"] == "NEEDS-ACTION"
    assert attendees["mailto:officer@demo.drillhub.test"]["RSVP"] == "TRUE"
    assert attendees["mailto:avery.abbott@demo.drillhub.test"]["PARTSTAT"] == "ACCEPTED"
    assert all(params["ROLE"] == "REQ-PARTICIPANT" for params in attendees.values())
    [alarm] = event.walk("VALARM")
    assert alarm["ACTION"] == "DISPLAY" and alarm.decoded("TRIGGER").total_seconds() == -86400
    [zone] = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "America/Chicago"
    assert len(render([EVENT], method="REQUEST")) < 2500  # the time zone is bounded to the dates used


def test_a_cancellation_keeps_the_uid_and_is_marked_cancelled():
    from dataclasses import replace

    calendar = parsed(render([replace(EVENT, sequence=3, cancelled=True)], method="CANCEL"))
    [event] = calendar.walk("VEVENT")
    assert calendar["METHOD"] == "CANCEL" and event["STATUS"] == "CANCELLED"
    assert event["UID"] == EVENT.uid and event["SEQUENCE"] == 3 and not event.walk("VALARM")


def test_a_feed_has_no_method_and_no_attendees():
    calendar = parsed(render([EVENT, EVENT], name="Jamie Chen's trainings"))
    assert "METHOD" not in calendar and len(calendar.walk("VEVENT")) == 2
    assert all("ATTENDEE" not in event for event in calendar.walk("VEVENT"))


@pytest.mark.parametrize("zone", ["America/New_York", "Europe/Berlin", "UTC"])
def test_other_time_zones(zone):
    from dataclasses import replace

    [event] = parsed(render([replace(EVENT, time_zone=zone)], method="REQUEST")).walk("VEVENT")
    assert event.decoded("DTSTART").astimezone(UTC) == EVENT.starts_at
