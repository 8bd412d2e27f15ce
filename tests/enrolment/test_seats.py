from datetime import UTC, datetime, timedelta

from drillhub.enrolment.seats import Reservation, Seats, promotions

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=7)
EARLIER = NOW - timedelta(days=1)
RPD, HCSO, RFD = 1, 2, 3


def seats(capacity=10, reservations=(), **enrolled) -> Seats:
    ids = {"rpd": RPD, "hcso": HCSO, "rfd": RFD}
    return Seats(capacity, tuple(reservations), {ids[name]: count for name, count in enrolled.items()}, NOW)


def test_no_reservations_first_come_up_to_capacity():
    assert seats(10, rpd=9).can_take(HCSO)
    assert not seats(10, rpd=10).can_take(HCSO)
    assert seats(10, rpd=4).open == 6


def test_reserved_seats_are_held_for_their_agency_until_release():
    held = [Reservation(RPD, 4, LATER)]
    picture = seats(10, held, hcso=6)
    assert picture.open == 0 and not picture.can_take(HCSO) and not picture.can_take(RFD)
    assert picture.can_take(RPD) and picture.reserved_free(RPD) == 4


def test_after_the_release_date_unused_reserved_seats_open_to_everyone():
    released = [Reservation(RPD, 4, EARLIER)]
    picture = seats(10, released, hcso=6)
    assert picture.live(RPD) is None and picture.open == 4 and picture.can_take(HCSO)


def test_an_agency_past_its_reservation_takes_open_seats_like_anyone():
    picture = seats(10, [Reservation(RPD, 2, LATER), Reservation(HCSO, 3, LATER)], rpd=2)
    assert picture.open == 5 and picture.reserved_free(RPD) == 0 and picture.can_take(RPD)
    full_open = seats(10, [Reservation(RPD, 2, LATER), Reservation(HCSO, 3, LATER)], rpd=7)
    assert full_open.open == 0 and not full_open.can_take(RPD) and full_open.can_take(HCSO)


def test_capacity_is_never_exceeded_even_with_reservations():
    picture = seats(5, [Reservation(RPD, 5, LATER)], rpd=5)
    assert not picture.can_take(RPD) and picture.taken == 5


def test_waitlist_is_first_come_first_served_within_what_each_may_take():
    picture = seats(10, [Reservation(RPD, 2, LATER)], rpd=1, hcso=8)  # one RPD seat free, nothing open
    waitlist = [(101, HCSO), (102, RFD), (103, RPD), (104, RPD)]
    assert promotions(picture, waitlist) == [103]  # only the first RPD entry has a seat
    released = seats(10, [Reservation(RPD, 2, EARLIER)], rpd=1, hcso=8)
    assert promotions(released, waitlist) == [101]  # the freed seat goes to whoever asked first


def test_people_beyond_their_agencys_reservation_sit_in_open_seats():
    picture = seats(10, [Reservation(RPD, 2, LATER)], rpd=3, hcso=1)
    assert picture.use_of(RPD) == (2, 1)  # "2 of 2 reserved seats used, and 1 open seat taken", never "3 of 2"
    assert picture.use_of(HCSO) == (0, 1) and seats(10, [Reservation(RPD, 4, LATER)], rpd=1).use_of(RPD) == (1, 0)
    assert picture.open == 10 - 3 - 1
