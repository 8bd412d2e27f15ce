"""Live exercises under load: simulated participants polling and deciding, facilitators advancing.

    python bench/play.py [--seconds 300] [--runs 20] [--players 200] [--workers 1] [--database-url URL]

Seeds `--runs` facilitated runs of the school scenario (started, everyone with a role), then drives
them with an asyncio client: each participant polls its run every 2 s, loads the page when the scene
changes, and decides after a few seconds' thought; each run's facilitator lets stand-ins decide and
advances every 5 s. The same client pattern against the bare Litestar app gives the yardstick.
"""

import argparse
import asyncio
import os
import random
import re
import shutil
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from harness import BIN, DEMO_PASSWORD, ROOT, engine_label, environment, free_port, start, stop

POLL_SECONDS, FACILITATE_SECONDS = 2, 5


async def seed(database_url: str, runs: int, players: int) -> list[tuple[int, list[str]]]:
    """Sessions, people, enrolments and started runs; returns each run with its players' e-mails."""
    os.environ["DRILLHUB_DATABASE_URL"] = database_url
    from drillhub import db
    from drillhub.accounts.tables import Person
    from drillhub.agencies.tables import Agency
    from drillhub.audit.service import Actor
    from drillhub.auth.passwords import hash_password, use_low_cost_hashing
    from drillhub.enrolment.tables import Enrollment
    from drillhub.exercises.tables import RunParticipant
    from drillhub.facilitation.service import open_run, start as start_run
    from drillhub.scheduling.tables import Course, Session, Venue

    use_low_cost_hashing()
    engine = db.make_engine(database_url)
    db.use_engine(engine)
    await db.open_database(engine)
    try:
        agencies = [row["id"] for row in await Agency.select(Agency.id)]
        course = (await Course.select(Course.id).first())["id"]
        venue = (await Venue.select(Venue.id).first())["id"]
        coordinator = (await Person.select(Person.id).where(Person.email == "coordinator@demo.drillhub.test").first())["id"]
        password = await hash_password(DEMO_PASSWORD)
        people = [Person(name=f"Bench Player {n}", email=f"player{n}@bench.drillhub.test", agency=agencies[n % len(agencies)],
                         title="Officer", badge_number="", roles=["officer"], password_hash=password)
                  for n in range(players)]
        await Person.insert(*people)
        ids = {row["email"]: row["id"] for row in await Person.select(Person.id, Person.email).where(
            Person.email.like("%@bench.drillhub.test"))}
        roles = ["patrol", "dispatch", "fire", "ems", "pio"]
        starts = datetime.now(UTC) + timedelta(days=1)
        result = []
        for r in range(runs):
            session = Session(uid=f"bench-{r}@drillhub", course=course, venue=venue, meeting_url="", starts_at=starts,
                              ends_at=starts + timedelta(hours=4), time_zone="America/Chicago", capacity=players,
                              status="published", sequence=0, notes="", coordinator_notes="", cancel_reason="",
                              venue_override_reason="")
            await session.save()
            emails = [f"player{n}@bench.drillhub.test" for n in range(r, players, runs)]
            await Enrollment.insert(*(Enrollment(session=session.id, person=ids[e], status="enrolled",
                                                 requested_at=starts, changed_at=starts) for e in emails))
            actor = Actor(person_id=coordinator, label="bench")
            run = await open_run(session.id, "school-active-threat", actor)
            await RunParticipant.insert(*(RunParticipant(run=run.id, person=ids[e], role=roles[k % len(roles)],
                                                         joined_at=starts) for k, e in enumerate(emails)))
            await start_run(run.id, actor)
            result.append((run.id, emails))
        return result
    finally:
        await db.close_database(engine)


class Timings:
    def __init__(self) -> None:
        self.by_kind: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.samples: list[str] = []  # a few failed requests, to say what went wrong

    async def timed(self, kind: str, request) -> httpx.Response | None:
        started = time.perf_counter()
        try:
            response = await request
        except httpx.HTTPError as failure:
            self.errors[kind] = self.errors.get(kind, 0) + 1
            self.samples.append(f"{kind} {type(failure).__name__} after {time.perf_counter() - started:.1f} s: {failure}")
            return None
        self.by_kind.setdefault(kind, []).append((time.perf_counter() - started) * 1000)
        if response.status_code >= 400:
            self.errors[kind] = self.errors.get(kind, 0) + 1
            self.samples.append(f"{kind} {response.status_code} {response.request.url.path}: {response.text[:120]}")
        return response


# uvicorn closes a keep-alive connection after 5 s idle; a client that reuses it at that moment gets a
# reset (a ReadError, not an answer from drillhub). Browsers retry those; httpx does not, so drop idle
# connections first.
LIMITS = httpx.Limits(keepalive_expiry=3)


async def signed_in(base: str, email: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base, timeout=30, limits=LIMITS)
    await client.get("/sign-in")
    token = client.cookies["drillhub-csrf"]
    await client.post("/sign-in", data={"email": email, "password": DEMO_PASSWORD, "_csrf_token": token})
    client.token = token
    return client


async def participant(client, run_id: int, timings: Timings, deadline: float) -> None:
    step, status, page_due = "0", "running", True
    await asyncio.sleep(random.random() * POLL_SECONDS)
    while time.monotonic() < deadline:
        if page_due:
            page = await timings.timed("page", client.get(f"/runs/{run_id}"))
            page_due = False
            if page is not None and page.status_code == 200:
                found = re.search(r'name="step" value="(\d+)"><input type="hidden" name="role" value="(\w+)"', page.text)
                status = "ended" if "See the debrief" in page.text else status
                choice = re.search(r'name="choice" value="([\w-]+)"', page.text)
                if found and choice:
                    step = found.group(1)
                    await asyncio.sleep(1 + random.random() * 4)  # thinking
                    await timings.timed("decide", client.post(f"/runs/{run_id}/decide", data={
                        "step": step, "role": found.group(2), "choice": choice.group(1), "rationale": "bench",
                        "_csrf_token": client.token}))
        pulse = await timings.timed("poll", client.get(f"/runs/{run_id}/pulse?step={step}&status={status}"))
        if pulse is not None and pulse.headers.get("hx-refresh"):
            page_due = True
            status = re.search(r"status=(\w+)", pulse.text).group(1) if "status=" in pulse.text else status
            step = re.search(r"step=(\d+)", pulse.text).group(1) if "step=" in pulse.text else step
        await asyncio.sleep(POLL_SECONDS)


async def facilitator(client, run_id: int, timings: Timings, deadline: float) -> None:
    await asyncio.sleep(random.random() * FACILITATE_SECONDS)
    while time.monotonic() < deadline:
        for action in ("stand_in", "advance"):
            await timings.timed("facilitate", client.post(f"/runs/{run_id}/console/{action}",
                                                          data={"_csrf_token": client.token}))
        await asyncio.sleep(FACILITATE_SECONDS)


async def drive(base: str, runs: list[tuple[int, list[str]]], seconds: int) -> Timings:
    timings = Timings()
    players = [(run_id, await signed_in(base, email)) for run_id, emails in runs for email in emails]
    coordinator = await signed_in(base, "coordinator@demo.drillhub.test")
    deadline = time.monotonic() + seconds
    await asyncio.gather(*(participant(client, run_id, timings, deadline) for run_id, client in players),
                         *(facilitator(coordinator, run_id, timings, deadline) for run_id, _ in runs))
    for _, client in players:
        await client.aclose()
    await coordinator.aclose()
    return timings


async def yardstick(base: str, players: int, seconds: int) -> Timings:
    """The same polling pattern against the bare app."""
    timings = Timings()
    deadline = time.monotonic() + seconds

    async def poll(client: httpx.AsyncClient) -> None:
        await asyncio.sleep(random.random() * POLL_SECONDS)
        while time.monotonic() < deadline:
            await timings.timed("poll", client.get("/"))
            await asyncio.sleep(POLL_SECONDS)

    clients = [httpx.AsyncClient(base_url=base, limits=LIMITS) for _ in range(players)]
    await asyncio.gather(*(poll(client) for client in clients))
    for client in clients:
        await client.aclose()
    return timings


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p))] if ordered else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=300)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--players", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="drillhub-bench-"))
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    port = free_port()
    env = {**environment(database_url, port), "DRILLHUB_ENV": "test"}
    for command in ("migrate", "demo"):
        subprocess.run([BIN / "drillhub", command], env=env, check=True, capture_output=True)
    runs = asyncio.run(seed(database_url, args.runs, args.players))
    bare_port = free_port()
    bare = start([BIN / "uvicorn", "--app-dir", ROOT / "bench", "bare_app:app", "--port", bare_port,
                  "--no-access-log", "--log-level", "warning"], env, bare_port)
    try:
        base_line = asyncio.run(yardstick(f"http://127.0.0.1:{bare_port}", args.players, min(args.seconds, 60)))
    finally:
        stop(bare)
    server = start([BIN / "drillhub", "serve", "--workers", args.workers], env, port,
                   cores="0" if args.workers == 1 else "0,1")
    try:
        timings = asyncio.run(drive(f"http://127.0.0.1:{port}", runs, args.seconds))
    finally:
        stop(server)
        shutil.rmtree(workdir, ignore_errors=True)
    for sample in timings.samples[:5]:
        print("failed:", sample)
    engine = engine_label(database_url)
    bare_p99 = percentile(base_line.by_kind["poll"], 0.99)
    print(f"{engine}; {args.workers} worker(s); {args.players} participants in {args.runs} runs for {args.seconds} s; "
          f"client on the same machine\n")
    print("| request | count | p50 ms | p99 ms | p99 / bare p99 | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| bare Litestar `GET /`, same polling pattern (yardstick) | {len(base_line.by_kind['poll'])} | "
          f"{percentile(base_line.by_kind['poll'], 0.5):.1f} | {bare_p99:.1f} | 1.0 | {sum(base_line.errors.values())} |")
    for kind in ("poll", "decide", "page", "facilitate"):
        values = timings.by_kind.get(kind, [])
        print(f"| {kind} | {len(values)} | {percentile(values, 0.5):.1f} | {percentile(values, 0.99):.1f} | "
              f"{percentile(values, 0.99) / bare_p99:.1f} | {timings.errors.get(kind, 0)} |")


if __name__ == "__main__":
    main()
