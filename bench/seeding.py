"""Recorded runs written straight into the database, for benchmarks that need many decisions: a run of
a generated scenario (bench/scenario_checker.py) where every member decides at every scene, with an
inject before and an advance after each."""

import contextlib
import os
from datetime import datetime, timedelta

from scenario_checker import generated_scenario

ROLES = ["patrol", "dispatch", "fire", "ems"]


@contextlib.asynccontextmanager
async def bench_database(database_url: str):
    """drillhub's database opened in this process, for seeding, and closed after."""
    os.environ["DRILLHUB_DATABASE_URL"] = database_url
    from drillhub import db
    from drillhub.settings import load_settings, use_settings

    use_settings(load_settings())  # what services read (a run's xAPI statements name the public URL), as the CLI does
    engine = db.make_engine(database_url)
    db.use_engine(engine)
    await db.open_database(engine)
    try:
        yield
    finally:
        await db.close_database(engine)


async def generated_course(points: int, capacity: int, objectives: list[str]):
    """A generated scenario of `points` decision scenes in the library, and a functional-exercise course
    that plays it: (the scenario version, the course)."""
    from drillhub.audit.service import Actor
    from drillhub.scenarios.service import add_upload
    from drillhub.scheduling.tables import Course

    version = await add_upload("generated.yaml", generated_scenario(points), Actor(person_id=None, label="bench"))
    course = Course(title="Generated functional exercise", description="", exercise_type="functional",
                    objectives=objectives, core_capabilities=["Operational Coordination"], credit_hours=8,
                    credit_category="EM", default_capacity=capacity, validity_months=None, scenarios=[version.slug])
    await course.save()
    return version, course


async def seed_people(count: int) -> tuple[list[int], dict[int, int]]:
    """`count` officers spread over the demo's agencies: their ids, and each one's agency."""
    from drillhub.accounts.tables import Person
    from drillhub.agencies.tables import Agency

    agencies = [row["id"] for row in await Agency.select(Agency.id)]
    people = [Person(name=f"Participant {n:03d}", email=f"p{n}@bench.example", agency=agencies[n % len(agencies)],
                     title="Officer", badge_number="", roles=["officer"], password_hash="x") for n in range(count)]
    for chunk in range(0, count, 250):
        await Person.insert(*people[chunk:chunk + 250])
    rows = await Person.select(Person.id, Person.agency).where(Person.email.like("%@bench.example")).order_by(Person.id)
    return [row["id"] for row in rows], {row["id"]: row["agency"] for row in rows}


def bench_session(course_id: int, starts_at: datetime, capacity: int, uid: str):
    """A completed eight-hour session of the course, online."""
    from drillhub.scheduling.tables import Session

    return Session(uid=uid, course=course_id, venue=None, meeting_url="https://example.org/x", starts_at=starts_at,
                   ends_at=starts_at + timedelta(hours=8), time_zone="America/Chicago", capacity=capacity,
                   status="completed", sequence=0, notes="", coordinator_notes="", cancel_reason="",
                   venue_override_reason="")


async def seed_run(version_id: int, session_id: int | None, members: list[int], agency_of: dict[int, int],
                   points: int, start_at: datetime, rng, pool: tuple[str, ...] = ("fast", "fast", "slow"),
                   owner: int | None = None) -> None:
    """One ended run: each member picks from `pool` at each scene ('fast' is the expected action)."""
    from drillhub.exercises.tables import Run, RunEvent, RunParticipant

    run = Run(scenario=version_id, session=session_id, mode="facilitated" if session_id else "self_paced",
              status="ended", owner=owner, facilitator=None, created_at=start_at, updated_at=start_at, last_seq=0)
    await run.save()
    await RunParticipant.insert(*(RunParticipant(run=run.id, person=p, agency=agency_of[p], role=ROLES[k % 4],
                                                 joined_at=start_at) for k, p in enumerate(members)))
    events, at = [RunEvent(run=run.id, seq=1, step=0, kind="start", at=start_at, role="", node="n0", choice="",
                           rationale="", data={})], start_at
    for point in range(points):
        node = f"n{point}"
        events.append(RunEvent(run=run.id, seq=0, step=point, kind="inject", at=at, role="", node=node,
                               choice="", rationale="", data={"inject": f"i{point}", "how": "scheduled"}))
        for k, person in enumerate(members):
            choice = rng.choice(pool)
            events.append(RunEvent(run=run.id, seq=0, step=point, kind="decision", at=at + timedelta(seconds=20 + k),
                                   person=person, agency=agency_of[person], role=ROLES[k % 4], node=node,
                                   choice=choice, rationale="Because the scene called for it.",
                                   shown_at=at, expected=choice == "fast", data={}))
        at += timedelta(minutes=3)
        events.append(RunEvent(run=run.id, seq=0, step=point, kind="advance", at=at, role="", node=node,
                               choice="", rationale="", data={"to": f"n{point + 1}"}))
    for seq, event in enumerate(events, start=1):
        event.seq = seq
    for chunk in range(0, len(events), 500):
        await RunEvent.insert(*events[chunk:chunk + 500])
