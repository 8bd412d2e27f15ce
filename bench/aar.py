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
from seeding import bench_database, bench_session, generated_course, seed_people, seed_run

RUN_SIZE = 25


async def seed(database_url: str, participants: int, points: int) -> int:
    """The exercise; returns its session id."""
    async with bench_database(database_url):
        from drillhub.accounts.tables import Person
        from drillhub.afteraction import evaluation, improvement, report
        from drillhub.afteraction.tables import Feedback
        from drillhub.audit.service import Actor
        from drillhub.scheduling.tables import SessionStaff

        rng = random.Random(7)
        actor = Actor(person_id=None, label="bench")
        version, course = await generated_course(points, participants, ["Act fast", "Care well"])
        now = datetime.now(UTC)
        start_at = now - timedelta(days=2)
        session = bench_session(course.id, start_at, participants, "bench-aar@drillhub")
        await session.save()
        ids, agency_of = await seed_people(participants)
        agencies = sorted(set(agency_of.values()))
        evaluator = (await Person.select(Person.id).where(Person.email == "evaluator@demo.drillhub.test").first())["id"]
        await SessionStaff.insert(SessionStaff(session=session.id, person=evaluator, role="evaluator", lead=True))
        for first in range(0, participants, RUN_SIZE):
            await seed_run(version.id, session.id, ids[first:first + RUN_SIZE], agency_of, points, start_at, rng)
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
