"""Training records from the certificates: an officer's transcript and an agency's hours for the
state's training-credit reporting. A revoked certificate counts for nothing."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from drillhub.accounts.tables import Person
from drillhub.certificates.service import status_of
from drillhub.certificates.tables import Certificate
from drillhub.csvfile import csv_text
from drillhub.errors import Invalid, NotFound

EXPIRY_NOTICE_DAYS = 60


@dataclass(frozen=True)
class Transcript:
    name: str
    agency: str
    rows: list[dict]  # each completed training, newest first, with its status
    totals: dict[tuple[int, str], Decimal]  # (year, category) -> hours
    total: Decimal


async def counted_certificates(*, person_id: int | None = None, agency_ids: list[int] | None = None,
                               year: int | None = None) -> list[dict]:
    """The certificates that count as training hours, the one source of hours for the transcript, an
    agency's CSV and the dashboard: of one person, or of the people now in some agencies; completed in
    `year` when given; never a revoked one (a re-issued certificate revokes the one it replaces, so a
    training counts once). Newest first."""
    condition = Certificate.revoked_at.is_null()
    if person_id is not None:
        condition &= Certificate.person == person_id
    if agency_ids is not None:
        condition &= Certificate.person.agency.is_in(agency_ids or [0])
    if year is not None:
        condition &= (Certificate.ends_on >= date(year, 1, 1)) & (Certificate.ends_on <= date(year, 12, 31))
    return await Certificate.select(
        Certificate.id, Certificate.serial, Certificate.person, Certificate.person.agency.as_alias("agency"),
        Certificate.person.badge_number.as_alias("badge"), Certificate.holder_name, Certificate.course_title,
        Certificate.exercise_type, Certificate.ends_on, Certificate.expires_on, Certificate.revoked_at,
        Certificate.credit_hours, Certificate.credit_category,
    ).where(condition).order_by(Certificate.ends_on, ascending=False).order_by(Certificate.id, ascending=False)


def hours_of(certificates: list[dict]) -> Decimal:
    return sum((row["credit_hours"] for row in certificates), Decimal(0))


async def transcript(person_id: int, today: date) -> Transcript:
    person = await Person.select(Person.name, Person.agency.name.as_alias("agency")).where(Person.id == person_id).first()
    if person is None:
        raise NotFound("No such person.")
    certificates = await counted_certificates(person_id=person_id)
    by_year: dict[tuple[int, str], list[dict]] = defaultdict(list)
    for c in certificates:
        by_year[(c["ends_on"].year, c["credit_category"] or "uncategorised")].append(c)
    rows = [{"id": c["id"], "serial": c["serial"], "course": c["course_title"], "exercise_type": c["exercise_type"],
             "ends_on": c["ends_on"], "hours": c["credit_hours"], "category": c["credit_category"],
             "expires_on": c["expires_on"], "status": status_of(c["revoked_at"], c["expires_on"], today)} for c in certificates]
    return Transcript(person["name"], person["agency"], rows,
                      {key: hours_of(group) for key, group in sorted(by_year.items(), reverse=True)},
                      hours_of(certificates))


async def agency_hours(agency_ids: list[int], year: int) -> dict[int, Decimal]:
    """Agency -> the training hours of its people in `year`."""
    totals: dict[int, Decimal] = {agency: Decimal(0) for agency in agency_ids}
    for c in await counted_certificates(agency_ids=agency_ids, year=year):
        totals[c["agency"]] = totals.get(c["agency"], Decimal(0)) + c["credit_hours"]
    return totals


async def agency_hours_csv(agency_id: int, year: int) -> str:
    """One row per certificate of the agency's people completed in `year`: who, what, when, hours, category."""
    if not 1900 <= year <= 2999:
        raise Invalid({"year": "Choose a year such as 2026."})
    certificates = sorted(await counted_certificates(agency_ids=[agency_id], year=year),
                          key=lambda row: (row["holder_name"], row["ends_on"], row["id"]))
    return csv_text(["badge", "name", "course", "completed", "hours", "category", "certificate"], (
        [row["badge"], row["holder_name"], row["course_title"], row["ends_on"].isoformat(),
         f"{row['credit_hours'].normalize():f}", row["credit_category"], row["serial"]] for row in certificates))


async def expiring_soon(agency_ids: list[int], today: date) -> list[dict]:
    """Valid certificates of the agencies' people that expire within EXPIRY_NOTICE_DAYS, soonest first."""
    return await Certificate.select(
        Certificate.id, Certificate.holder_name, Certificate.course_title, Certificate.expires_on,
    ).where(Certificate.person.agency.is_in(agency_ids or [0]) & Certificate.revoked_at.is_null()
            & (Certificate.expires_on >= today) & (Certificate.expires_on <= today + timedelta(days=EXPIRY_NOTICE_DAYS))
            ).order_by(Certificate.expires_on)
