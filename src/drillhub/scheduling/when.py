"""A session's time in words, in its own time zone, for e-mails, printouts and warnings."""

from zoneinfo import ZoneInfo


def describe_when(row: dict) -> str:
    """'Monday 07 December 2026, 13:00 to 19:00 (America/Chicago)', for e-mails and printouts."""
    zone = ZoneInfo(row["time_zone"])
    start, end = row["starts_at"].astimezone(zone), row["ends_at"].astimezone(zone)
    same_day = start.date() == end.date()
    return (f"{start:%A %d %B %Y, %H:%M} to {end:%H:%M} ({row['time_zone']})" if same_day
            else f"{start:%A %d %B %Y %H:%M} to {end:%A %d %B %Y %H:%M} ({row['time_zone']})")
