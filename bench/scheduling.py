"""Scheduling under load: the month view and a calendar feed over 5,000 sessions, and seat requests.

    python bench/scheduling.py [--seconds 10] [--sessions 5000] [--database-url URL] [--workers 1]

Seeds the demo data plus `--sessions` published sessions over two years (about 200 a month), all with
seats reserved for the Riverton PD, so that agency's feed carries every one of them. Then, against
one server (workers on core 0, wrk on core 1): the coordinator's month view of the busiest month, the
agency feed, and officers' POSTs asking for a seat in random sessions (a Lua script for wrk).
"""

import argparse
import asyncio
import os
import shutil
import uuid
from datetime import UTC, datetime, timedelta

import httpx
from harness import BIN, baseline, demo_database, engine_label, report, signed_in, start, stop, wrk

LUA = """
local first, last = {first}, {last}
math.randomseed(os.time())
request = function()
  local id = math.random(first, last)
  return wrk.format("POST", "/sessions/" .. id .. "/request", {{
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "{cookie}",
  }}, "_csrf_token={token}")
end
"""


async def seed(database_url: str, count: int) -> tuple[int, int, str, str]:
    """Insert `count` sessions; return the first and last id, the busiest month, and an RPD feed token."""
    os.environ["DRILLHUB_DATABASE_URL"] = database_url
    from drillhub import db
    from drillhub.agencies.tables import Agency
    from drillhub.audit.service import Actor
    from drillhub.ical.service import create_feed
    from drillhub.scheduling.tables import Course, SeatReservation, Session, Venue

    engine = db.make_engine(database_url)
    db.use_engine(engine)
    await db.open_database(engine)
    try:
        courses = [row["id"] for row in await Course.select(Course.id)]
        venues = [row["id"] for row in await Venue.select(Venue.id)]
        rpd = (await Agency.select(Agency.id).where(Agency.code == "RPD").first())["id"]
        start = (datetime.now(UTC) + timedelta(days=2)).replace(hour=14, minute=0, second=0, microsecond=0)
        sessions = [Session(uid=f"{uuid.uuid4()}@drillhub", course=courses[n % len(courses)],
                            venue=venues[n % len(venues)], meeting_url="",
                            starts_at=start + timedelta(hours=2 * (n % 4), days=n // 7),
                            ends_at=start + timedelta(hours=2 * (n % 4) + 2, days=n // 7),
                            time_zone="America/Chicago", capacity=30, status="published", sequence=0, notes="",
                            coordinator_notes="", cancel_reason="", venue_override_reason="")
                    for n in range(count)]
        for chunk in range(0, count, 500):
            await Session.insert(*sessions[chunk:chunk + 500])
        new = sorted(row["id"] for row in await Session.select(Session.id))[-count:]
        reservations = [SeatReservation(session=session_id, agency=rpd, seats=4, release_at=start, notes="")
                        for session_id in new]
        for chunk in range(0, count, 500):
            await SeatReservation.insert(*reservations[chunk:chunk + 500])
        token = await create_feed(Actor(person_id=None, label="bench"), agency_id=rpd)
        busiest = (start + timedelta(days=40)).date().isoformat()
        return new[0], new[-1], busiest, token
    finally:
        await db.close_database(engine)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--sessions", type=int, default=5000)
    parser.add_argument("--database-url")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    workdir, database_url, port, env = demo_database(args.database_url)
    first, last, busiest, token = asyncio.run(seed(database_url, args.sessions))
    bare = baseline(args.seconds, 16, env)
    server_cores = "0" if args.workers == 1 else "0,1"
    server = start([BIN / "drillhub", "serve", "--workers", args.workers], env, port, cores=server_cores)
    base = f"http://127.0.0.1:{port}"
    try:
        coordinator, _ = signed_in(base, "coordinator@demo.drillhub.test")
        officer, csrf = signed_in(base, "officer@demo.drillhub.test")
        script = workdir / "request.lua"
        script.write_text(LUA.format(first=first, last=last, cookie=officer, token=csrf))
        httpx.get(f"{base}/feeds/{token}.ics", timeout=60)  # the first render is timed apart, below
        rows = [
            (f"`GET /sessions` month view, {busiest[:7]} (about 200 sessions), coordinator",
             wrk(f"{base}/sessions?view=month&on={busiest}", args.seconds, 8, coordinator)),
            (f"`GET /feeds/…` agency feed of {args.sessions} sessions, 2 connections",
             wrk(f"{base}/feeds/{token}.ics", args.seconds, 2)),
            ("`POST /sessions/{id}/request` seat requests, random sessions",
             wrk(f"{base}/", args.seconds, 16, script=str(script))),
        ]
    finally:
        stop(server)
        shutil.rmtree(workdir, ignore_errors=True)
    engine = engine_label(database_url)
    report(rows, bare, f"{engine}; {args.workers} uvicorn worker(s), wrk on core 1, {args.seconds} s each; "
                       f"{args.sessions} sessions seeded")


if __name__ == "__main__":
    main()
