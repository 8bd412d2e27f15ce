"""Decision analytics over a scenario played many times, and the AAR of its latest exercise.

    python bench/analytics.py [--exercises 20] [--players 50] [--self-paced 100] [--points 40]
                              [--downloads 5] [--database-url URL]

Seeds the demo data, then a generated scenario of `--points` decision scenes played in `--exercises`
weekly sessions (`--players` participants each, in runs of 25; every participant decides at every
scene, the expected action more often each week) and in `--self-paced` runs by one player over the last
five months; a corrective action from the first session verified by the last, whose draft report is
open. Then, against one server worker on core 0, the coordinator requests each page or PDF
`--downloads` times in a row. Reported: the median and slowest time of each and the server process's
peak memory, beside the bare Litestar app's GET /.
"""

import argparse
import asyncio
import os
import platform
import random
import shutil
import time
from datetime import UTC, datetime, timedelta

import httpx
from aar import memory_mb
from harness import BIN, baseline, demo_database, engine_label, signed_in, start, stop
from seeding import bench_database, bench_session, generated_course, seed_people, seed_run

RUN_SIZE = 25


async def seed(database_url: str, exercises: int, players: int, self_paced: int, points: int) -> tuple[str, int]:
    """The scenario's slug and the last exercise's session id."""
    async with bench_database(database_url):
        from drillhub.afteraction import evaluation, improvement, report
        from drillhub.afteraction.tables import CorrectiveAction
        from drillhub.audit.service import Actor

        rng = random.Random(11)
        actor = Actor(person_id=None, label="bench")
        version, course = await generated_course(points, players, ["Act fast"])
        ids, agency_of = await seed_people(max(players * 4, self_paced))
        now = datetime.now(UTC)
        sessions = []
        for week in range(exercises):
            begins = now - timedelta(weeks=exercises - week)
            session = bench_session(course.id, begins, players, f"bench-analytics-{week}@drillhub")
            await session.save()
            sessions.append(session.id)
            members = rng.sample(ids, players)
            pool = ("fast",) * (1 + week) + ("slow",) * exercises  # the expected action more often each week
            for first in range(0, players, RUN_SIZE):
                await seed_run(version.id, session.id, members[first:first + RUN_SIZE], agency_of, points, begins,
                               rng, pool)
        for n in range(self_paced):
            player = ids[n % len(ids)]
            await seed_run(version.id, None, [player], agency_of, points, now - timedelta(days=rng.randint(1, 150)),
                           rng, owner=player)
        await evaluation.seed_targets(sessions[0])
        capability = (await evaluation.list_targets(sessions[0]))[0]["capability"]
        action_id = await improvement.add_action(sessions[0], improvement.ActionInput(
            capability=capability, issue="Slow to act", action="Drill the first decisions", element="training",
            agency=str(agency_of[ids[0]]), contact="Training officer", start_on=now.date().isoformat(),
            due_on=(now + timedelta(days=90)).date().isoformat()), [capability], actor)
        await CorrectiveAction.update({CorrectiveAction.follow_up: sessions[-1]}).where(CorrectiveAction.id == action_id)
        await report.open_report(sessions[-1], actor)
        return version.slug, sessions[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--exercises", type=int, default=20)
    parser.add_argument("--players", type=int, default=50)
    parser.add_argument("--self-paced", type=int, default=100)
    parser.add_argument("--points", type=int, default=40)
    parser.add_argument("--downloads", type=int, default=5)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    workdir, database_url, port, env = demo_database(args.database_url)
    slug, last = asyncio.run(seed(database_url, args.exercises, args.players, args.self_paced, args.points))
    bare = baseline(5, 1, env)
    server = start([BIN / "drillhub", "serve", "--workers", 1], env, port)
    base = f"http://127.0.0.1:{port}"
    requests = {"analytics index `GET /analytics/`": "/analytics/",
                "analytics page `GET /analytics/{slug}`": f"/analytics/{slug}",
                "analytics PDF `GET /analytics/{slug}/pdf`": f"/analytics/{slug}/pdf",
                "last exercise's AAR page (draft)": f"/sessions/{last}/report/",
                "last exercise's AAR PDF (draft)": f"/sessions/{last}/report/1/pdf"}
    results = {}
    try:
        cookie, _ = signed_in(base, "coordinator@demo.drillhub.test")
        before = memory_mb(server.pid, "VmHWM")
        with httpx.Client(base_url=base, headers={"Cookie": cookie}, timeout=120) as client:
            for label, url in requests.items():
                timings = []
                for _ in range(args.downloads):
                    began = time.perf_counter()
                    client.get(url).raise_for_status()
                    timings.append(time.perf_counter() - began)
                results[label] = sorted(timings)
        after = memory_mb(server.pid, "VmHWM")
    finally:
        stop(server)
        shutil.rmtree(workdir, ignore_errors=True)
    decisions = (args.exercises * args.players + args.self_paced) * args.points
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores; Python {platform.python_version()}; "
          f"{engine_label(database_url)}; 1 uvicorn worker on core 0\n")
    print(f"Scenario of {args.points} decision points played in {args.exercises} exercises of {args.players} "
          f"participants and {args.self_paced} self-paced runs: {decisions} decisions\n")
    print(f"Server peak memory: {before:.0f} MB before the requests, {after:.0f} MB after\n")
    print("| request | median s | slowest s | median / bare p50 |")
    print("|---|---:|---:|---:|")
    print(f"| bare Litestar `GET /` (yardstick) | {bare['p50'] / 1000:.4f} | {bare['p99'] / 1000:.4f} | 1x |")
    for label, timings in results.items():
        middle = timings[len(timings) // 2]
        print(f"| {label} | {middle:.2f} | {timings[-1]:.2f} | {middle * 1000 / bare['p50']:,.0f}x |")


if __name__ == "__main__":
    main()
