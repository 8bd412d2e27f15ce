"""Certificates: issuing a session's worth, PDFs per second on 2 cores, and a whole session's ZIP while
live exercises are played.

    python bench/certificates.py [--certificates 500] [--seconds 30] [--play-seconds 60] [--rounds 3] [--database-url URL]

Seeds the demo data, a past session with `--certificates` people marked attended, and the live tables
of bench/play.py (20 runs, 200 participants). Then:
1. issues the session's certificates in one call (timed in this process);
2. renders certificates in this process on one core (the PDF alone, no server);
3. with `drillhub serve --workers 2` on both cores, wrk (one thread, 8 connections, on the same cores)
   downloads `GET /certificates/{id}/pdf` as the coordinator, a different certificate each request,
   beside the bare Litestar app's `GET /` with two workers on the same cores;
4. after 20 s of warming up, plays the live tables for `--play-seconds` (the control), then as long again
   while the coordinator downloads the session's ZIP of every certificate (with curl), one after another,
   and so on for `--rounds` rounds.
Needs Debian's wrk and curl.
"""

import argparse
import asyncio
import os
import platform
import shutil
import time
from datetime import UTC, datetime, timedelta
from zipfile import ZipFile

from harness import BIN, baseline, demo_database, engine_label, signed_in, start, stop, wrk
from play import Timings, drive, percentile, seed as seed_play

WARM_UP_SECONDS = 20
PLAY_MODE = "poll"  # as its figures in docs/performance.md were measured: play polling beside the ZIPs


async def seed(database_url: str, count: int) -> tuple[int, list[int], float]:
    """The session, its certificates' ids, and the seconds issuing them took."""
    os.environ["DRILLHUB_DATABASE_URL"] = database_url
    from drillhub import db
    from drillhub.accounts.tables import Person
    from drillhub.agencies.tables import Agency
    from drillhub.audit.service import Actor
    from drillhub.certificates.service import issue_for_session
    from drillhub.enrolment.tables import Enrollment
    from drillhub.scheduling.tables import Course, Session

    from drillhub.settings import load_settings, use_settings

    use_settings(load_settings())  # issuing e-mails each holder a link, as the app's settings say (like the CLI)
    engine = db.make_engine(database_url)
    db.use_engine(engine)
    await db.open_database(engine)
    try:
        course = Course(title="Joint Active Threat Integrated Response", description="", exercise_type="functional",
                        objectives=[], core_capabilities=["Operational Coordination", "On-scene Security, Protection, "
                                                          "and Law Enforcement", "Mass Care Services"],
                        credit_hours=8, credit_category="POST-LE", default_capacity=count, validity_months=24,
                        scenarios=[])
        await course.save()
        start_at = datetime.now(UTC) - timedelta(days=2)
        coordinator = (await Person.select(Person.id).where(Person.email == "coordinator@demo.drillhub.test").first())["id"]
        session = Session(uid="bench-certificates@drillhub", course=course.id, venue=None, meeting_url="https://example.org/x",
                          starts_at=start_at, ends_at=start_at + timedelta(hours=8), time_zone="America/Chicago",
                          capacity=count, status="completed", sequence=0, notes="", coordinator_notes="",
                          cancel_reason="", venue_override_reason="", created_by=coordinator)
        await session.save()
        agencies = [row["id"] for row in await Agency.select(Agency.id)]
        people = [Person(name=f"Certified Officer {n:03d}", email=f"c{n}@bench.example", agency=agencies[n % len(agencies)],
                         title="Officer", badge_number="", roles=["officer"], password_hash="x") for n in range(count)]
        for chunk in range(0, count, 250):
            await Person.insert(*people[chunk:chunk + 250])
        ids = [row["id"] for row in await Person.select(Person.id).where(Person.email.like("%@bench.example"))]
        for chunk in range(0, count, 250):
            await Enrollment.insert(*(Enrollment(session=session.id, person=p, status="enrolled", attendance="attended",
                                                 requested_at=start_at, changed_at=start_at) for p in ids[chunk:chunk + 250]))
        began = time.perf_counter()
        issued = await issue_for_session(session.id, Actor(person_id=coordinator, label="bench"))
        return session.id, [c.id for c in issued], time.perf_counter() - began
    finally:
        await db.close_database(engine)


def render_rate(count: int) -> float:
    """Certificates per second rendered by this process, on one core."""
    from drillhub.certificates.pdf import CertificateFacts, render_certificates

    facts = [CertificateFacts(serial=f"DH-2026-{n:06d}", holder=f"Certified Officer {n:03d}", agency="Riverton Police",
                              course="Joint Active Threat Integrated Response", exercise_type="Functional Exercise (FE)",
                              core_capabilities=("Operational Coordination", "Mass Care Services"),
                              starts_on=datetime(2026, 11, 19).date(), ends_on=datetime(2026, 11, 19).date(), hours="8",
                              category="POST-LE", issuer="Riverton Police", coordinator="Dana Coordinator",
                              issued_on=datetime(2026, 11, 21).date(), expires_on=None,
                              verify_url=f"http://127.0.0.1:8000/verify/{os.urandom(16).hex()[:22]}") for n in range(count)]
    render_certificates(facts[:1])  # fonts registered, as in a warm server
    began = time.process_time()
    for one in facts:
        render_certificates([one])
    return count / (time.process_time() - began)


def pdf_rate(base: str, cookie: str, ids: list[int], seconds: int, workdir) -> dict:
    script = workdir / "certificates.lua"
    script.write_text("ids = {" + ",".join(map(str, ids)) + "}\ncounter = 0\n"
                      "request = function()\n  counter = counter + 1\n"
                      '  return wrk.format("GET", "/certificates/" .. ids[counter % #ids + 1] .. "/pdf")\nend\n')
    return wrk(f"{base}/", seconds, 8, cookie, str(script), cores="0,1")


async def download_zips(base: str, cookie: str, session_id: int, deadline: float, workdir) -> list[tuple[float, int]]:
    """Each ZIP's seconds and bytes, one after another until the deadline. curl downloads them, so that
    receiving 22 MB does not hold up the play client's own event loop (and its timings)."""
    done = []
    while time.monotonic() < deadline:
        curl = await asyncio.create_subprocess_exec(
            "curl", "-sf", "-H", f"Cookie: {cookie}", "-o", str(workdir / "certificates.zip"), "-w",
            "%{time_total} %{size_download}", f"{base}/sessions/{session_id}/certificates.zip",
            stdout=asyncio.subprocess.PIPE)
        out, _ = await curl.communicate()
        if curl.returncode:
            raise SystemExit(f"the ZIP download failed: curl exit {curl.returncode}")
        seconds, size = out.split()
        done.append((float(seconds), int(size)))
    return done


async def play_with_zips(base: str, server_pid: int, tables, seconds: int, cookie: str, session_id: int, workdir):
    deadline = time.monotonic() + seconds
    (timings, busy), zips = await asyncio.gather(drive(base, server_pid, tables, seconds, PLAY_MODE),
                                                 download_zips(base, cookie, session_id, deadline, workdir))
    return timings, busy, zips


def merge(into: Timings, timings: Timings) -> None:
    for kind, values in timings.by_kind.items():
        into.by_kind.setdefault(kind, []).extend(values)
    for kind, count in timings.errors.items():
        into.errors[kind] = into.errors.get(kind, 0) + count
    into.samples += timings.samples


def play_rows(label: str, timings: Timings) -> list[str]:
    return [f"| {label} | {kind} | {len(timings.by_kind.get(kind, []))} | {percentile(timings.by_kind.get(kind, []), 0.5):.1f} "
            f"| {percentile(timings.by_kind.get(kind, []), 0.99):.1f} | {timings.errors.get(kind, 0)} |"
            for kind in ("poll", "decide", "page", "facilitate")]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--certificates", type=int, default=500)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--play-seconds", type=int, default=60)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    workdir, database_url, port, env = demo_database(args.database_url, DRILLHUB_ENV="test")  # cheap hashing
    session_id, ids, issuing = asyncio.run(seed(database_url, args.certificates))
    tables = asyncio.run(seed_play(database_url, 20, 200))
    rendered = render_rate(200)
    bare = baseline(args.seconds, 8, env, workers=2, cores="0,1", client_cores="0,1")
    server = start([BIN / "drillhub", "serve", "--workers", 2], env, port, cores="0,1")
    base = f"http://127.0.0.1:{port}"
    try:
        cookie, _ = signed_in(base, "coordinator@demo.drillhub.test")
        rate = pdf_rate(base, cookie, ids, args.seconds, workdir)
        asyncio.run(drive(base, server.pid, tables, WARM_UP_SECONDS, PLAY_MODE))  # every worker has loaded its runs
        control, loaded, zips, busy = Timings(), Timings(), [], {"alone": [], "with ZIPs": []}
        for _ in range(args.rounds):  # taking turns, so that the machine's drift touches both alike
            timings, used = asyncio.run(drive(base, server.pid, tables, args.play_seconds, PLAY_MODE))
            merge(control, timings)
            busy["alone"].append(used)
            timings, used, done = asyncio.run(play_with_zips(base, server.pid, tables, args.play_seconds, cookie,
                                                             session_id, workdir))
            merge(loaded, timings)
            busy["with ZIPs"].append(used)
            zips += done
        files = len(ZipFile(workdir / "certificates.zip").namelist())
    finally:
        stop(server)
        shutil.rmtree(workdir, ignore_errors=True)
    for sample in (control.samples + loaded.samples)[:5]:
        print("failed:", sample)
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores; Python {platform.python_version()}; "
          f"{engine_label(database_url)}; 2 uvicorn workers and the client on cores 0 and 1\n")
    print(f"Issuing {len(ids)} certificates for one session (one call, in this process): {issuing:.2f} s\n")
    print(f"Rendering alone, one core, no server: {rendered:.0f} certificates/s\n")
    print("| request | req/s | ratio to bare | p50 ms | p99 ms | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, result in [("bare Litestar `GET /`, 2 workers (yardstick)", bare),
                          ("`GET /certificates/{id}/pdf`, a different one each time", rate)]:
        print(f"| {label} | {result['rps']:.1f} | {result['rps'] / bare['rps']:.4f} | {result['p50']:.1f} | "
              f"{result['p99']:.1f} | {result['errors']} |")
    times = sorted(seconds for seconds, _ in zips)
    print(f"\nLive play: {args.rounds} rounds of {args.play_seconds} s alone, then {args.play_seconds} s while "
          f"ZIPs of {files} certificates ({zips[0][1] / 1e6:.1f} MB) are downloaded one after another ({len(zips)} in "
          f"all: median {times[len(times) // 2]:.1f} s, slowest {times[-1]:.1f} s). The server used "
          f"{sum(busy['alone']) / args.rounds:.0%} of a core alone and {sum(busy['with ZIPs']) / args.rounds:.0%} "
          f"with the ZIPs (their process included)\n")
    print("| play | request | count | p50 ms | p99 ms | errors |")
    print("|---|---|---:|---:|---:|---:|")
    print("\n".join(play_rows("alone", control) + play_rows("with ZIPs", loaded)))


if __name__ == "__main__":
    main()
