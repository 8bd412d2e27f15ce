"""A supervisor's people: each officer of their agencies with the year's training hours, certificates
by status and overdue assignments, the way into each one's transcript."""

from collections import Counter
from datetime import date

from drillhub.accounts.tables import Person
from drillhub.certificates.records import EXPIRY_NOTICE_DAYS, counted_certificates, hours_of
from drillhub.certificates.service import status_of
from drillhub.exercises.service import assignments_of


def certificate_standing(certificate: dict, today: date) -> str:
    """valid, expiring (within EXPIRY_NOTICE_DAYS) or expired."""
    status = status_of(certificate["revoked_at"], certificate["expires_on"], today)
    if status == "valid" and certificate["expires_on"] and (certificate["expires_on"] - today).days <= EXPIRY_NOTICE_DAYS:
        return "expiring"
    return status


async def people_records(agency_ids: list[int], today: date) -> list[dict]:
    """The active people of these agencies, by name, each with `hours` (this year), `certificates`
    (standing -> count) and `overdue` (assignments past their date)."""
    people = await Person.select(Person.id, Person.name, Person.badge_number, Person.agency.name.as_alias("agency_name")
                                 ).where(Person.agency.is_in(agency_ids or [0]) & Person.active.eq(True)).order_by(
        Person.name)
    certificates = await counted_certificates(agency_ids=agency_ids)
    overdue = Counter(row["person"] for row in await assignments_of([p["id"] for p in people]) if row["overdue"])
    for person in people:
        theirs = [c for c in certificates if c["person"] == person["id"]]
        person["hours"] = hours_of([c for c in theirs if c["ends_on"].year == today.year])
        person["certificates"] = Counter(certificate_standing(c, today) for c in theirs)
        person["overdue"] = overdue[person["id"]]
    return people
