from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from drillhub import parse


@pytest.mark.parametrize(("raw", "expected"), [
    ("42", 42), (" 7 ", 7), ("0", 0), ("2147483647", 2147483647),
    ("2147483648", None), (str(2**63), None), ("9" * 5000, None), ("-1", None), ("+1", None), ("1.5", None),
    ("1e3", None), ("0x10", None), ("²", None), ("١٢٣", None), ("", None), ("1\u00a0", 1), ("4\n2", None),
])
def test_whole_number_is_ascii_digits_within_bounds(raw, expected):
    assert parse.whole_number(raw) == expected


def test_whole_number_takes_a_sign_only_where_the_range_allows_it():
    assert parse.whole_number("-3", minimum=-10, maximum=10) == -3
    assert parse.whole_number("11", minimum=-10, maximum=10) is None


def test_record_ids_start_at_one_and_fit_an_integer_column():
    assert parse.record_id("1") == 1 and parse.record_id("0") is None and parse.record_id(str(2**31)) is None
    assert parse.record_ids(["3", "x", "1", "3", "99999999999999999999"]) == [1, 3]


@pytest.mark.parametrize(("raw", "expected"), [
    ("2026-11-30", date(2026, 11, 30)), (" 2026-02-28 ", date(2026, 2, 28)), ("2026-02-30", None),
    ("9999-12-31", None), ("0001-01-01", None), ("1899-12-31", None), ("20261130", None), ("2026-1-3", None),
    ("２０２６-11-30", None), ("", None),
])
def test_day(raw, expected):
    assert parse.day(raw) == expected


def test_local_datetime_is_read_in_its_zone_and_returned_in_utc():
    chicago = ZoneInfo("America/Chicago")
    assert parse.local_datetime("2026-11-29T18:30", chicago) == datetime(2026, 11, 30, 0, 30, tzinfo=UTC)
    assert parse.local_datetime("2026-07-01 09:00:15", chicago) == datetime(2026, 7, 1, 14, 0, 15, tzinfo=UTC)


def test_a_time_the_clocks_skip_is_refused_and_one_they_repeat_is_read_as_asked():
    chicago = ZoneInfo("America/Chicago")  # 2027: forward at 02:00 on 14 March, back at 02:00 on 7 November
    assert parse.clock_change("2027-03-14T02:30", chicago) == "gap"
    assert parse.local_datetime("2027-03-14T02:30", chicago) is None  # never saved as 03:30
    assert parse.clock_change("2027-11-07T01:30", chicago) == "fold"
    assert parse.local_datetime("2027-11-07T01:30", chicago) == datetime(2027, 11, 7, 6, 30, tzinfo=UTC)  # CDT
    assert parse.local_datetime("2027-11-07T01:30", chicago, fold=1) == datetime(2027, 11, 7, 7, 30, tzinfo=UTC)  # CST
    assert parse.clock_change("2027-11-07T02:30", chicago) is None and parse.clock_change("nonsense", chicago) is None


@pytest.mark.parametrize("raw", ["9999-12-31T23:59", "0001-01-01T00:00", "2026-13-45T25:61", "2026-11-30",
                                 "2026-11-30T10:00+05:00", "2026-11-30T10:00Z", ""])
def test_local_datetime_refuses_what_a_datetime_input_never_sends(raw):
    assert parse.local_datetime(raw, ZoneInfo("Asia/Tokyo")) is None


@pytest.mark.parametrize("raw", ["America/Chicago\x00", "Mars/Olympus_Mons", "UTC" + "x" * 300, "../../etc/passwd",
                                 "", "america/chicago"])
def test_time_zone_opens_only_listed_names(raw):
    assert parse.time_zone(raw) is None


def test_time_zone_by_name():
    assert parse.time_zone(" America/Chicago ") == ZoneInfo("America/Chicago")


def test_text_drops_control_characters_but_keeps_tabs_and_line_breaks():
    assert parse.text("a\x00b\x1bc\td\r\ne\x7f") == "abc\td\r\ne"


def test_search_text_is_one_short_line():
    assert parse.search_text("  fire\r\nERROR\x00  ") == "fire  ERROR"
    assert len(parse.search_text("%_" * 30_000)) == parse.SEARCH_LENGTH


def test_too_long_names_each_field_over_its_limit():
    assert parse.too_long({"a": ("x" * 10, 10), "b": (" y " * 1, 1), "c": ("z" * 11, 10)}) == {
        "c": "Use at most 10 characters; this has 11."}
    assert parse.too_long({"a": ("x" * 4_001, 4_000)})["a"] == "Use at most 4,000 characters; this has 4,001."
