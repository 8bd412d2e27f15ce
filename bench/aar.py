"""The AAR/IP PDF of a big exercise: 500 participants in 20 runs of a 40-decision scenario.

    python bench/aar.py [--participants 500] [--points 40] [--downloads 5] [--database-url URL]

Seeds the demo data, then one session with `--participants` people from the demo agencies playing
a generated scenario of `--points` decision scenes in runs of 25 (every participant decides at every
scene: 20,000 decisions for the defaults), a feedback form from each, an EEG with observations and
ratings, ten corrective actions and a draft report. Then, against one server worker on core 0, the
coordinator downloads the PDF `--downloads` times, one after another. Reported: each download's time
and the server process's peak memory (VmHWM) before and after, beside the bare Litestar app's GET /.
"""

import argparse
import asyncio
import os
import platform
import random
import shutil
import time
from datetime import UTC, datetime, timedelta
from io import BytesIO
from pathlib import Path

import httpx
from harness import BIN, baseline, demo_database, engine_label, signed_in, start, stop
from pypdf import PdfReader
from scenario_checker import generated_scenario

RUN_SIZE = 25


async def seed(database_url: str, participants: int, points: int) -> int:
    """The exercise; returns its session id."""
    os.environ["DRILLHUB_DATABASE_URL"] = database_url
    from drillhub import db
    from drillhub.accounts.tables import Person
    from drillhub.afteraction import evaluation, improvement, report
    from drillhub.afteraction.tables import Feedback
    from drillhub.agencies.tables import Agency
    from drillhub.audit.service import Actor
    from drillhub.exercises.tables import Run, RunEvent, RunParticipant
    from drillhub.scenarios.service import add_upload
    from drillhub.scheduling.tables import Course, Session, SessionStaff

    engine = db.make_engine(database_url)
    db.use_engine(engine)
    await db.open_database(engine)
    rng = random.Random(7)
    try:
        actor = Actor(person_id=None, label="bench")
        version = await add_upload("generated.yaml", generated_scenario(points), actor)
        course = Course(title="Generated functional exercise", description="", exercise_type="functional",
                        objectives=["Act fast", "Care well"], core_capabilities=["Operational Coordination"],
                        credit_hours=8, credit_category="EM", default_capacity=participants, validity_months=None,
                        scenarios=[version.slug])
        await course.save()
        now = datetime.now(UTC)
        start_at = now - timedelta(days=2)
        session = Session(uid="bench-aar@drillhub", course=course.id, venue=None, meeting_url="https://example.org/x",
                          starts_at=start_at, ends_at=start_at + timedelta(hours=8), time_zone="America/Chicago",
                          capacity=participants, status="completed", sequence=0, notes="", coordinator_notes="",
                          cancel_reason="", venue_override_reason="")
        await session.save()
        agencies = [row["id"] for row in await Agency.select(Agency.id)]
        people = [Person(name=f"Participant {n:03d}", email=f"p{n}@bench.example", agency=agencies[n % len(agencies)],
                         title="Officer", badge_number="", roles=["officer"], password_hash="x")
                  for n in range(participants)]
        for chunk in range(0, participants, 250):
            await Person.insert(*people[chunk:chunk + 250])
        ids = [row["id"] for row in await Person.select(Person.id, Person.agency).where(Person.email.like("%@bench.example"))
               .order_by(Person.id)]
        agency_of = {row["id"]: row["agency"] for row in await Person.select(Person.id, Person.agency).where(
            Person.id.is_in(ids))}
        evaluator = (await Person.select(Person.id).where(Person.email == "evaluator@demo.drillhub.test").first())["id"]
        await SessionStaff.insert(SessionStaff(session=session.id, person=evaluator, role="evaluator", lead=True))
        roles = ["patrol", "dispatch", "fire", "ems"]
        for first in range(0, participants, RUN_SIZE):
            members = ids[first:first + RUN_SIZE]
            run = Run(scenario=version.id, session=session.id, mode="facilitated", status="ended", owner=None,
                      facilitator=None, created_at=start_at, updated_at=start_at, last_seq=0)
            await run.save()
            await RunParticipant.insert(*(RunParticipant(run=run.id, person=p, agency=agency_of[p], role=roles[k % 4],
                                                         joined_at=start_at) for k, p in enumerate(members)))
            events, at = [RunEvent(run=run.id, seq=1, step=0, kind="start", at=start_at, role="", node="n0", choice="",
                                   rationale="", data={})], start_at
            for point in range(points):
                node = f"n{point}"
                events.append(RunEvent(run=run.id, seq=0, step=point, kind="inject", at=at, role="", node=node,
                                       choice="", rationale="", data={"inject": f"i{point}", "how": "scheduled"}))
                for k, person in enumerate(members):
                    choice = rng.choice(["fast", "fast", "slow"])
                    events.append(RunEvent(run=run.id, seq=0, step=point, kind="decision", at=at + timedelta(seconds=20 + k),
                                           person=person, agency=agency_of[person], role=roles[k % 4], node=node,
                                           choice=choice, rationale="Because the scene called for it.",
                                           shown_at=at, expected=choice == "fast", data={}))
                at += timedelta(minutes=3)
                events.append(RunEvent(run=run.id, seq=0, step=point, kind="advance", at=at, role="", node=node,
                                       choice="", rationale="", data={"to": f"n{point + 1}"}))
            for seq, event in enumerate(events, start=1):
                event.seq = seq
            for chunk in range(0, len(events), 500):
                await RunEvent.insert(*events[chunk:chunk + 500])
        await Feedback.insert(*(Feedback(
            session=session.id, person=p, agency=agency_of[p], anonymous=n % 5 == 0, title="Officer",
            exercise_role="player", strengths=["Radio discipline", "Fast staging"], improvements=["Unified command late"],
            missed="", corrective_actions=[{"action": "Joint radio drill", "priority": "high", "owner": "911"}],
            to_review="", ratings={"structured": 1 + n % 5, "realistic": 1 + (n * 3) % 5, "prepared": 4},
            comments="Radio traffic was heavy at the start." if n % 3 else "", submitted_at=now, updated_at=now)
            for n, p in enumerate(ids)))
        await evaluation.seed_targets(session.id)
        for target in await evaluation.list_targets(session.id):
            for n in range(10):
                await evaluation.record_observation(session.id, evaluator, evaluation.ObservationInput(
                    concerns=str(target["id"]), note=f"Observation {n} on {target['capability']}.",
                    kind=("strength", "improvement", "note")[n % 3]), "America/Chicago")
            await evaluation.rate(session.id, evaluator, evaluation.RatingInput(
                capability=target["capability"], target=str(target["id"]), value="S", reconciled="yes"), True, actor)
        capabilities = [t["capability"] for t in await evaluation.list_targets(session.id)]
        for n in range(10):
            await improvement.add_action(session.id, improvement.ActionInput(
                capability=capabilities[n % len(capabilities)], issue=f"Issue {n}", action=f"Action {n}",
                element="training", agency=str(agencies[n % len(agencies)]), contact="Training officer",
                start_on=now.date().isoformat(), due_on=(now + timedelta(days=90)).date().isoformat()), capabilities, actor)
        await report.open_report(session.id, actor)
        return session.id
    finally:
        await db.close_database(engine)


def memory_mb(pid: int, field: str) -> float:
    """VmRSS (resident now) or VmHWM (the peak so far) of a process."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=500)
    parser.add_argument("--points", type=int, default=40)
    parser.add_argument("--downloads", type=int, default=5)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    workdir, database_url, port, env = demo_database(args.database_url)
    session_id = asyncio.run(seed(database_url, args.participants, args.points))
    bare = baseline(5, 1, env)
    server = start([BIN / "drillhub", "serve", "--workers", 1], env, port)
    base = f"http://127.0.0.1:{port}"
    try:
        cookie, _ = signed_in(base, "coordinator@demo.drillhub.test")
        resident, before = memory_mb(server.pid, "VmRSS"), memory_mb(server.pid, "VmHWM")
        timings, pages = [], 0
        with httpx.Client(base_url=base, headers={"Cookie": cookie}, timeout=120) as client:
            for _ in range(args.downloads):
                began = time.perf_counter()
                response = client.get(f"/sessions/{session_id}/report/1/pdf")
                timings.append(time.perf_counter() - began)
                response.raise_for_status()
            pages = len(PdfReader(BytesIO(response.content)).pages)
            size = len(response.content)
        after = memory_mb(server.pid, "VmHWM")
    finally:
        stop(server)
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores; Python {platform.python_version()}; "
          f"{engine_label(database_url)}; 1 uvicorn worker on core 0\n")
    print(f"Exercise: {args.participants} participants in {args.participants // RUN_SIZE} runs, {args.points} decision "
          f"points, {args.participants * args.points} decisions, {args.participants} feedback forms; "
          f"PDF of {pages} pages, {size / 1e6:.1f} MB\n")
    print(f"Server memory before the downloads: {resident:.0f} MB resident, peak so far {before:.0f} MB (signing in: "
          f"argon2id takes 64 MiB)\n")
    print("| request | first s | median s | slowest s | server peak memory MB (before -> after) |")
    print("|---|---:|---:|---:|---:|")
    print(f"| bare Litestar `GET /` (yardstick) | | {bare['p50'] / 1000:.4f} | {bare['p99'] / 1000:.4f} | |")
    ordered = sorted(timings)
    print(f"| `GET /sessions/{{id}}/report/1/pdf` | {timings[0]:.2f} | {ordered[len(ordered) // 2]:.2f} | "
          f"{ordered[-1]:.2f} | {before:.0f} -> {after:.0f} |")
    print(f"\nMedian PDF time / bare p50: {ordered[len(ordered) // 2] * 1000 / bare['p50']:.0f}x")


if __name__ == "__main__":
    main()
