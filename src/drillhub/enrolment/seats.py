"""Who may take a seat: capacity, seats reserved per agency until their release date, and the waitlist.

Pure arithmetic, no database: enrolment/service.py reads the numbers under a lock and asks here.

A reserved seat is held for its agency until `release_at`; after that the reservation no longer holds
anything, so its unused seats are open to everyone. An agency that fills its reservation may still take
open seats. Open seats = capacity - (for each agency with a live reservation, the larger of its
reservation and its enrolments) - (everyone else's enrolments).
"""

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Reservation:
    agency_id: int
    seats: int
    release_at: datetime


@dataclass(frozen=True)
class Seats:
    capacity: int
    reservations: tuple[Reservation, ...]
    enrolled: dict[int, int] = field(default_factory=dict)  # agency id -> people enrolled
    now: datetime | None = None

    def live(self, agency_id: int) -> Reservation | None:
        """The agency's reservation, while it still holds seats."""
        for reservation in self.reservations:
            if reservation.agency_id == agency_id and (self.now is None or self.now < reservation.release_at):
                return reservation
        return None

    @property
    def taken(self) -> int:
        return sum(self.enrolled.values())

    @property
    def held(self) -> int:
        """Seats spoken for: live reservations in full, and every enrolment beyond them."""
        live = {reservation.agency_id: reservation.seats for reservation in self.reservations
                if self.live(reservation.agency_id) is reservation}
        agencies = set(live) | set(self.enrolled)
        return sum(max(live.get(agency, 0), self.enrolled.get(agency, 0)) for agency in agencies)

    @property
    def open(self) -> int:
        """Seats that anyone may take."""
        return max(0, self.capacity - self.held)

    def reserved_free(self, agency_id: int) -> int:
        reservation = self.live(agency_id)
        return max(0, reservation.seats - self.enrolled.get(agency_id, 0)) if reservation else 0

    def use_of(self, agency_id: int) -> tuple[int, int]:
        """(reserved seats used, open seats taken) by an agency with a reservation: its people beyond the
        reservation sit in open seats."""
        reserved = next((r.seats for r in self.reservations if r.agency_id == agency_id), 0)
        enrolled = self.enrolled.get(agency_id, 0)
        return min(enrolled, reserved), max(0, enrolled - reserved)

    def can_take(self, agency_id: int) -> bool:
        if self.taken >= self.capacity:
            return False
        return self.reserved_free(agency_id) > 0 or self.open > 0

    def with_one_more(self, agency_id: int) -> "Seats":
        return Seats(self.capacity, self.reservations,
                     {**self.enrolled, agency_id: self.enrolled.get(agency_id, 0) + 1}, self.now)


def promotions(seats: Seats, waitlist: list[tuple[int, int]]) -> list[int]:
    """Which waitlisted entries get a seat now, first come first served. `waitlist` is (entry id,
    agency id) in the order people asked; someone whose agency has a free reserved seat may move ahead
    of an earlier person for whom no seat is open."""
    promoted = []
    for entry_id, agency_id in waitlist:
        if seats.can_take(agency_id):
            promoted.append(entry_id)
            seats = seats.with_one_more(agency_id)
    return promoted
