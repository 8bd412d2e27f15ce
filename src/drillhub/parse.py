"""The one strict reading of what people type or put in an address: record ids, whole numbers, dates,
local date-times, time zones, search text and plain text. Each function returns None (or a cleaned
string) instead of raising, so the caller says what is wrong in its own words; nothing malformed
reaches the database, the date arithmetic or the time zone files."""

import re
from datetime import UTC, date, datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

MAX_ID = 2**31 - 1  # the largest value of an integer (serial) column on PostgreSQL
FIRST_YEAR, LAST_YEAR = 1900, 2999  # far inside datetime's limits, so any zone can localise them
SEARCH_LENGTH = 100

_DIGITS = re.compile(r"-?[0-9]{1,18}")  # ASCII digits only: "²".isdigit() and "١٢٣".isdigit() are True
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_LOCAL_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # C0 controls and DEL, but tab and line ends
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def whole_number(raw: str, minimum: int = 0, maximum: int = MAX_ID) -> int | None:
    text = raw.strip()
    if not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


def record_id(raw: str) -> int | None:
    """A row's id as typed in a form or a query string."""
    return whole_number(raw, 1, MAX_ID)


def record_ids(values: tuple[str, ...] | list[str]) -> list[int]:
    """The valid ids among several (a multiple choice), each once, in order."""
    return sorted({found for found in map(record_id, values) if found is not None})


def is_record_id(value: int) -> bool:
    return 1 <= value <= MAX_ID


def day(raw: str) -> date | None:
    """A date written YYYY-MM-DD (as date inputs send it) between FIRST_YEAR and LAST_YEAR."""
    text = raw.strip()
    if not _DAY.fullmatch(text):
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        return None
    return value if FIRST_YEAR <= value.year <= LAST_YEAR else None


def wall_clock(raw: str) -> datetime | None:
    """A wall-clock time as datetime-local inputs send it (YYYY-MM-DDTHH:MM), without a zone."""
    text = raw.strip()
    if not _LOCAL_TIME.fullmatch(text):
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    return value if FIRST_YEAR <= value.year <= LAST_YEAR else None


def clock_change(raw: str, zone: ZoneInfo) -> str | None:
    """"gap" when that wall-clock time never happens in `zone` (the clocks go forward over it), "fold"
    when it happens twice (the clocks go back), else None."""
    value = wall_clock(raw)
    if value is None:
        return None
    first, second = value.replace(tzinfo=zone, fold=0), value.replace(tzinfo=zone, fold=1)
    if first.utcoffset() == second.utcoffset():
        return None
    return "gap" if first.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != value else "fold"


def local_datetime(raw: str, zone: ZoneInfo, fold: int = 0) -> datetime | None:
    """A wall-clock time in `zone` as UTC; None for one that never happens there. Of a time that happens
    twice, `fold` 0 is the first, 1 the second."""
    value = wall_clock(raw)
    if value is None or clock_change(raw, zone) == "gap":
        return None
    return value.replace(tzinfo=zone, fold=fold).astimezone(UTC)


# The zones forms offer (a venue's, a session's, an agency's); time_zone() reads any the system knows.
TIME_ZONES = ["America/New_York", "America/Chicago", "America/Denver", "America/Phoenix", "America/Los_Angeles",
              "America/Anchorage", "Pacific/Honolulu", "UTC"]


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def time_zone(raw: str) -> ZoneInfo | None:
    """An IANA time zone by its name; only names the system's zone database lists are opened."""
    name = raw.strip()
    return ZoneInfo(name) if name in _zone_names() else None


def text(raw: str) -> str:
    """Typed text without the control characters no form sends (NUL and the like); tabs and line
    ends stay."""
    return _CONTROL.sub("", raw)


def too_long(typed: dict[str, tuple[str, int]]) -> dict[str, str]:
    """Field -> what is wrong, for each text (stripped) longer than its limit: `typed` maps a field to
    (text, limit). Text is refused, never cut short."""
    return {field: f"Use at most {limit:,} characters; this has {len(value.strip()):,}."
            for field, (value, limit) in typed.items() if len(value.strip()) > limit}


def has_control(raw: str) -> bool:
    """Any control character at all (line ends included): nothing a path or a one-line value has."""
    return bool(_ANY_CONTROL.search(raw))


def search_text(raw: str) -> str:
    """What to look for in a search box: one line, trimmed, at most SEARCH_LENGTH characters."""
    return _ANY_CONTROL.sub(" ", raw).strip()[:SEARCH_LENGTH]
