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


async def transcript(person_id: int, today: date) -> Transcript:
    person = await Person.select(Person.name, Person.agency.name.as_alias("agency")).where(Person.id == person_id).first()
    if person is None:
        raise NotFound("No such person.")
    certificates = await Certificate.objects().where(
        (Certificate.person == person_id) & Certificate.revoked_at.is_null()).order_by(Certificate.ends_on, ascending=False)
    totals: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    rows = []
    for c in certificates:
        totals[(c.ends_on.year, c.credit_category or "uncategorised")] += c.credit_hours
        rows.append({"id": c.id, "serial": c.serial, "course": c.course_title, "exercise_type": c.exercise_type,
                     "ends_on": c.ends_on, "hours": c.credit_hours, "category": c.credit_category,
                     "expires_on": c.expires_on, "status": status_of(c, today)})
    return Transcript(person["name"], person["agency"], rows, dict(sorted(totals.items(), reverse=True)),
                      sum(totals.values(), Decimal(0)))


async def agency_hours_csv(agency_id: int, year: int) -> str:
    """One row per certificate of the agency's people completed in `year`: who, what, when, hours, category."""
    if not 1900 <= year <= 2999:
        raise Invalid({"year": "Choose a year such as 2026."})
    certificates = await Certificate.select(
        Certificate.person.badge_number.as_alias("badge"), Certificate.holder_name, Certificate.course_title,
        Certificate.ends_on, Certificate.credit_hours, Certificate.credit_category, Certificate.serial,
    ).where((Certificate.person.agency == agency_id) & Certificate.revoked_at.is_null()
            & (Certificate.ends_on >= date(year, 1, 1)) & (Certificate.ends_on <= date(year, 12, 31))).order_by(
        Certificate.holder_name).order_by(Certificate.ends_on)
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
