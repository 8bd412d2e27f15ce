"""People's training records at a glance: a supervisor's officers (the year's hours, certificates by
standing, overdue assignments, the way into each transcript), and each person's own on their dashboard."""

from collections import Counter, defaultdict
from datetime import date, datetime

from drillhub.accounts.tables import Person
from drillhub.certificates.records import EXPIRY_NOTICE_DAYS, counted_certificates, hours_of
from drillhub.certificates.service import status_of
from drillhub.enrolment.service import my_trainings
from drillhub.exercises.service import assignments_of
from drillhub.scenarios.tables import ScenarioVersion

NEXT_TRAININGS_SHOWN = 3


def certificate_standing(certificate: dict, today: date) -> str:
    """valid, expiring (within EXPIRY_NOTICE_DAYS) or expired."""
    status = status_of(certificate["revoked_at"], certificate["expires_on"], today)
    if status == "valid" and certificate["expires_on"] and (certificate["expires_on"] - today).days <= EXPIRY_NOTICE_DAYS:
        return "expiring"
    return status


def standings(certificates: list[dict], today: date) -> Counter:
    """A person's certificates by standing; an expired one that a later certificate of the same course
    renewed does not count as expired."""
    latest: dict[str, date] = {}
    for certificate in certificates:
        latest[certificate["course_title"]] = max(latest.get(certificate["course_title"], date.min),
                                                  certificate["ends_on"])
    found = Counter()
    for certificate in certificates:
        standing = certificate_standing(certificate, today)
        if not (standing == "expired" and latest[certificate["course_title"]] > certificate["ends_on"]):
            found[standing] += 1
    return found


async def people_records(agency_ids: list[int], today: date) -> list[dict]:
    """The active people of these agencies, by name, each with `hours` (this year), `certificates`
    (standing -> count) and `overdue` (assignments past their date)."""
    people = await Person.select(Person.id, Person.name, Person.badge_number, Person.agency.name.as_alias("agency_name")
                                 ).where(Person.agency.is_in(agency_ids or [0]) & Person.active.eq(True)).order_by(
        Person.name)
    certificates: dict[int, list[dict]] = defaultdict(list)
    for certificate in await counted_certificates(agency_ids=agency_ids):
        certificates[certificate["person"]].append(certificate)
    overdue = Counter(row["person"] for row in await assignments_of([p["id"] for p in people]) if row["overdue"])
    for person in people:
        theirs = certificates[person["id"]]
        person["hours"] = hours_of([c for c in theirs if c["ends_on"].year == today.year])
        person["certificates"] = standings(theirs, today)
        person["overdue"] = overdue[person["id"]]
    return people


async def own_record(person_id: int, now: datetime, today: date) -> dict:
    """What a person's dashboard shows of their own training: the next trainings, the assignments still
    open (soonest due first, with the scenario's title), and their certificates by standing."""
    upcoming = [t for t in await my_trainings(person_id) if t["ends_at"] > now and t["session_status"] != "cancelled"]
    open_assignments = [a for a in await assignments_of([person_id]) if not a["done"]]
    titles = {row["slug"]: row["title"] for row in await ScenarioVersion.select(
        ScenarioVersion.slug, ScenarioVersion.title).where(
        ScenarioVersion.slug.is_in([a["scenario"] for a in open_assignments] or [""])
        & ScenarioVersion.published_at.is_not_null()).order_by(ScenarioVersion.published_at)}  # the last wins
    for assignment in open_assignments:
        assignment["title"] = titles.get(assignment["scenario"], assignment["scenario"])
    certificates = await counted_certificates(person_id=person_id)
    return {"next": upcoming[:NEXT_TRAININGS_SHOWN], "more": max(0, len(upcoming) - NEXT_TRAININGS_SHOWN),
            "assignments": open_assignments, "certificates": standings(certificates, today),
            "hours": hours_of([c for c in certificates if c["ends_on"].year == today.year])}
