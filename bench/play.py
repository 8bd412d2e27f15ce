"""Live exercises under load: simulated participants polling and deciding, facilitators advancing.

    python bench/play.py [--seconds 300] [--runs 20] [--players 200] [--workers 1] [--database-url URL]

Seeds `--runs` tables (a session, its players, a started run of the school scenario with everyone in
a role), then drives them with an asyncio client: each participant holds its page's event stream, which
brings the status as the run changes (`--mode stream`, as browsers do; `--mode poll`: the fallback, asking
every 2 s), loads the page when the stream says the scene changed, decides after a few seconds' thought
(and, holding a team decision's lead role, confirms); each facilitator lets stand-ins decide and advances
every 5 s, loading the console after each click as the browser does (and polling it with --mode poll), and
when the run ends opens the next one: the players join by its code within 10 s, the facilitator hands out
roles a click every half second, and starts it. So every table plays for the whole time. The same polling
pattern against the bare Litestar app gives the yardstick.

Before driving (stream mode), every participant's stream is held idle for a few seconds to measure the
server's resident memory per held stream; while driving, /healthz tells how many streams each server
process holds.
"""

import argparse
import asyncio
import contextlib
import html
import os
import random
import re
import shutil
import time
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit
from datetime import UTC, datetime, timedelta

import httpx
from harness import (BIN, DEMO_PASSWORD, ROOT, cpu_seconds, cpu_seconds_of, csrf_token_in, demo_database, engine_label,
                     free_port, resident_kib, start, stop)

POLL_SECONDS, FACILITATE_SECONDS = 2, 5
JOIN_SECONDS, CLICK_SECONDS = 10, 0.5  # between runs: people join within 10 s; the facilitator clicks
SCENARIO = "school-active-threat"


async def seed(database_url: str, runs: int, players: int) -> list["Table"]:
    """Sessions, people, enrolments and started runs."""
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

    from drillhub.settings import load_settings, use_settings

    use_low_cost_hashing()
    use_settings(load_settings())  # what services read (a run's xAPI statements name the public URL), as the CLI does
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
        tables = []
        for r in range(runs):
            session = Session(uid=f"bench-{r}@drillhub", course=course, venue=venue, meeting_url="", starts_at=starts,
                              ends_at=starts + timedelta(hours=4), time_zone="America/Chicago", capacity=players,
                              status="published", sequence=0, notes="", coordinator_notes="", cancel_reason="",
                              venue_override_reason="")
            await session.save()
            seats = [(f"player{n}@bench.drillhub.test", roles[k % len(roles)]) for k, n in enumerate(range(r, players, runs))]
            await Enrollment.insert(*(Enrollment(session=session.id, person=ids[e], status="enrolled",
                                                 requested_at=starts, changed_at=starts) for e, _ in seats))
            actor = Actor(person_id=coordinator, label="bench")
            run = await open_run(session.id, SCENARIO, actor)
            await RunParticipant.insert(*(RunParticipant(run=run.id, person=ids[e], role=role, joined_at=starts)
                                          for e, role in seats))
            await start_run(run.id, actor)
            tables.append(Table(session.id, run.id, [(e, ids[e], role) for e, role in seats]))
        return tables
    finally:
        await db.close_database(engine)


@dataclass
class Table:
    """A session's exercise: the run being played now, and its players (e-mail, person id, role)."""

    session_id: int
    run_id: int
    seats: list[tuple[str, int, str]]
    advanced_at: float = 0.0  # when the facilitator last clicked Advance (time.monotonic())


class Timings:
    def __init__(self) -> None:
        self.streams = 0  # streams held now
        self.most_streams = 0
        self.pushed = 0  # status events received
        self.held_by_process: dict[int, int] = {}  # server process -> the most streams it held at once
        self.per_stream_kib = 0.0
        self.client_busy = 0.0  # the share of a core this client used while driving
        self.database_busy = 0.0  # and PostgreSQL's processes, when it runs on this machine
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
    token = csrf_token_in((await client.get("/sign-in")).text)
    await client.post("/sign-in", data={"email": email, "password": DEMO_PASSWORD, "_csrf_token": token})
    client.token = csrf_token_in((await client.get("/")).text)  # bound to the new session
    return client


def poll_url(text: str, fallback: str) -> str:
    """The pulse URL a page (or the last pulse) tells the browser to poll, as htmx reads hx-get."""
    found = re.search(r'id="run-status"[^>]*hx-get="([^"]+)"', text)
    return html.unescape(found.group(1)) if found else fallback


async def participant(client, table: Table, timings: Timings, deadline: float) -> None:
    run_id, page_due = table.run_id, True
    poll = f"/runs/{run_id}/pulse"
    await asyncio.sleep(random.random() * POLL_SECONDS)
    while time.monotonic() < deadline:
        if run_id != table.run_id:  # the facilitator opened the next run, and we joined it
            run_id, page_due = table.run_id, True
            poll = f"/runs/{run_id}/pulse"
        if page_due:
            page = await timings.timed("page", client.get(f"/runs/{run_id}"))
            page_due = False
            if page is not None and page.status_code == 200:
                poll = poll_url(page.text, poll)
                await play_scene(client, run_id, page.text, timings)
        pulse = await timings.timed("poll", client.get(poll))
        if pulse is not None:
            page_due = bool(pulse.headers.get("hx-refresh"))
            poll = poll_url(pulse.text, poll)
        await asyncio.sleep(POLL_SECONDS)


def server_sent(line: str, event: dict[str, str]) -> bool:
    """Read one line of a stream into `event`; True at the blank line that ends an event."""
    if line:
        name, _, value = line.partition(": ")
        if name in ("id", "event"):
            event[name] = value
        elif name == "data":
            event["data"] = f"{event['data']}\n{value}" if "data" in event else value
        return False
    return bool(event)


async def streaming_participant(client, table: Table, timings: Timings, deadline: float) -> None:
    """As a browser does with streams: load the page, hold its event stream (the status and each next scene
    arrive in it), load the page again when the stream says so. 'scene change' is the time from the
    facilitator's click on Advance to this stream's event that brought the next scene."""
    await asyncio.sleep(random.random() * POLL_SECONDS)
    while time.monotonic() < deadline:
        run_id = table.run_id
        page = await timings.timed("page", client.get(f"/runs/{run_id}"))
        if page is None or page.status_code != 200:
            await asyncio.sleep(POLL_SECONDS)
            continue
        stream_url = stream_url_in(page.text)
        if stream_url is None:  # an ended run's page asks nothing more: the person joins the next run
            while run_id == table.run_id and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
            continue
        drawn = dict(parse_qsl(urlsplit(stream_url).query, keep_blank_values=True))
        deciding = asyncio.ensure_future(play_scene(client, run_id, page.text, timings))  # while the page listens
        try:
            async with client.stream("GET", stream_url, timeout=httpx.Timeout(30, read=None)) as stream:
                timings.streams += 1
                timings.most_streams = max(timings.most_streams, timings.streams)
                try:
                    event: dict[str, str] = {}
                    async for line in stream.aiter_lines():
                        if time.monotonic() > deadline or run_id != table.run_id:
                            break
                        if not server_sent(line, event):
                            continue
                        if event.get("event") == "status":
                            timings.pushed += 1
                        elif event.get("event") == "scene":  # the page's content anew: the next scene
                            shows = dict(parse_qsl(event["id"], keep_blank_values=True))
                            if shows["step"] != drawn["step"] and shows["status"] == "running" and table.advanced_at:
                                timings.by_kind.setdefault("scene change", []).append(
                                    (time.monotonic() - table.advanced_at) * 1000)
                            drawn = shows
                            if not deciding.done():
                                deciding.cancel()  # the form being filled in is gone: the next one
                            deciding = asyncio.ensure_future(play_scene(client, run_id, event["data"], timings))
                        elif event.get("event") == "reload":
                            break  # the page is drawn again
                        event = {}
                finally:
                    timings.streams -= 1
        except httpx.HTTPError as failure:
            timings.errors["stream"] = timings.errors.get("stream", 0) + 1
            timings.samples.append(f"stream {type(failure).__name__}: {failure}")
            await asyncio.sleep(1)
        await deciding  # a decision already on its way is sent before the page reloads


def stream_url_in(page: str) -> str | None:
    found = re.search(r'sse-connect="([^"]+)"', page)
    return html.unescape(found.group(1)) if found else None


async def play_scene(client, run_id: int, page: str, timings: Timings) -> None:
    """Decide (after a few seconds' thought) when the page offers a decision; confirm as the lead."""
    found = re.search(r'name="step" value="(\d+)"><input type="hidden" name="role" value="(\w+)"', page)
    choice = re.search(r'name="choice" value="([\w-]+)"', page)
    if not (found and choice):
        return
    await asyncio.sleep(1 + random.random() * 4)
    step = found.group(1)
    await timings.timed("decide", client.post(f"/runs/{run_id}/decide", data={
        "step": step, "role": found.group(2), "choice": choice.group(1), "rationale": "bench",
        "_csrf_token": client.token}))
    lead = re.search(r'id="lead-[\w-]+" name="choice" value="([\w-]+)"', page)
    if lead:
        await asyncio.sleep(1 + random.random() * 2)
        await timings.timed("decide", client.post(f"/runs/{run_id}/confirm", data={
            "step": step, "choice": lead.group(1), "_csrf_token": client.token}))


async def facilitator(client, table: Table, players: list, timings: Timings, deadline: float, polls: bool) -> None:
    """Every 5 s: let stand-ins decide and advance, then load the console the browser is sent back to (and,
    with --mode poll, poll it every 2 s meanwhile); when the run has ended, open the next one."""
    await asyncio.sleep(random.random() * FACILITATE_SECONDS)
    while time.monotonic() < deadline:
        for action in ("stand_in", "advance"):
            if action == "advance":
                table.advanced_at = time.monotonic()  # the click, for the time until the pages hear of it
            await timings.timed("facilitate", client.post(f"/runs/{table.run_id}/console/{action}",
                                                          data={"_csrf_token": client.token}))
        console = await timings.timed("page", client.get(f"/runs/{table.run_id}/console"))
        ended = console is not None and 'class="badge badge--ended"' in console.text
        for _ in range(FACILITATE_SECONDS // POLL_SECONDS):
            if ended:
                break
            await asyncio.sleep(POLL_SECONDS)
            if polls:
                pulse = await timings.timed("poll", client.get(f"/runs/{table.run_id}/pulse?view=console"))
                ended = pulse is not None and "The exercise has ended" in pulse.text
        if ended and time.monotonic() < deadline:
            await next_run(client, table, players, timings)


async def next_run(client, table: Table, players: list, timings: Timings) -> None:
    """Open the next run of the table's session; its players join by code, get their roles; start."""
    form = {"_csrf_token": client.token}
    opened = await timings.timed("facilitate", client.post(f"/sessions/{table.session_id}/runs",
                                                           data={**form, "scenario": SCENARIO}))
    if opened is None or opened.status_code != 303:
        return  # counted as an error by timed(); the table tries again at its next turn
    run_id = int(re.search(r"/runs/(\d+)/console", opened.headers["location"]).group(1))
    console = await timings.timed("page", client.get(f"/runs/{run_id}/console"))
    code = re.search(r'class="join-code">(\w+)<', console.text).group(1)

    async def join(player) -> None:  # reading the code off the projector takes people a while
        await asyncio.sleep(random.random() * JOIN_SECONDS)
        await timings.timed("facilitate", player.post("/join", data={"code": code, "_csrf_token": player.token}))

    await asyncio.gather(*(join(player) for player in players))
    for _, person_id, role in table.seats:  # one role after another, as the facilitator clicks
        await asyncio.sleep(CLICK_SECONDS)
        await timings.timed("facilitate", client.post(f"/runs/{run_id}/assign",
                                                      data={**form, "person": person_id, "role": role}))
    await timings.timed("facilitate", client.post(f"/runs/{run_id}/start", data=form))
    table.run_id = run_id


async def held_per_process(base: str, timings: Timings, deadline: float) -> None:
    """Every second, ask /healthz on fresh connections (so that each worker answers some) how many streams
    the answering process holds; keep the most for each."""
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=httpx.Limits(max_keepalive_connections=0)) as client:
        while time.monotonic() < deadline:
            for answer in await asyncio.gather(*(client.get("/healthz") for _ in range(6)), return_exceptions=True):
                if isinstance(answer, httpx.Response) and answer.status_code == 200:
                    held = answer.json()
                    timings.held_by_process[held["process"]] = max(held["streams"],
                                                                   timings.held_by_process.get(held["process"], 0))
            await asyncio.sleep(1)


async def memory_per_stream(server_pid: int, tables: list[Table], players: dict) -> float:
    """Resident memory (KiB) the server adds for each stream held: every participant's page loaded first,
    then every page's stream opened and held, idle, for a few seconds."""
    pages = [(client, (await client.get(f"/runs/{table.run_id}")).text)
             for table in tables for client in players[table.session_id]]
    await asyncio.sleep(2)
    before = resident_kib(server_pid)
    async with contextlib.AsyncExitStack() as held:
        for client, page in pages:
            await held.enter_async_context(client.stream("GET", stream_url_in(page), timeout=httpx.Timeout(30, read=None)))
        await asyncio.sleep(5)
        return (resident_kib(server_pid) - before) / len(pages)


async def drive(base: str, server_pid: int, tables: list[Table], seconds: int, mode: str) -> tuple[Timings, float]:
    """The timings, and the share of a core the server used meanwhile."""
    timings = Timings()
    players = {table.session_id: [await signed_in(base, email) for email, _, _ in table.seats] for table in tables}
    coordinator = await signed_in(base, "coordinator@demo.drillhub.test")
    if mode == "stream":
        timings.per_stream_kib = await memory_per_stream(server_pid, tables, players)
    deadline, used, client_used = time.monotonic() + seconds, cpu_seconds(server_pid), time.process_time()
    database_used = cpu_seconds_of("postgres")
    playing = streaming_participant if mode == "stream" else participant
    await asyncio.gather(*(playing(client, table, timings, deadline)
                           for table in tables for client in players[table.session_id]),
                         *(facilitator(coordinator, table, players[table.session_id], timings, deadline,
                                       polls=mode == "poll") for table in tables),
                         held_per_process(base, timings, deadline))
    busy = (cpu_seconds(server_pid) - used) / seconds
    timings.client_busy = (time.process_time() - client_used) / seconds
    timings.database_busy = (cpu_seconds_of("postgres") - database_used) / seconds
    for client in (coordinator, *(client for clients in players.values() for client in clients)):
        await client.aclose()
    return timings, busy


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
    parser.add_argument("--mode", choices=("stream", "poll"), default="stream",
                        help="participants hold the pages' event streams (as browsers do now) or poll every 2 s")
    args = parser.parse_args()
    workdir, database_url, port, env = demo_database(args.database_url, DRILLHUB_ENV="test")  # cheap hashing
    tables = asyncio.run(seed(database_url, args.runs, args.players))
    if args.workers == 1:
        os.sched_setaffinity(0, {1})  # the client on the other core, for the yardstick and drillhub alike
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
        timings, busy = asyncio.run(drive(f"http://127.0.0.1:{port}", server.pid, tables, args.seconds, args.mode))
    finally:
        stop(server)
        shutil.rmtree(workdir, ignore_errors=True)
    for sample in timings.samples[:5]:
        print("failed:", sample)
    engine = engine_label(database_url)
    bare_p99 = percentile(base_line.by_kind["poll"], 0.99)
    print(f"{engine}; {args.workers} worker(s); {args.players} participants ({args.mode}) in {args.runs} runs for {args.seconds} s; "
          f"client on {'the other core' if args.workers == 1 else 'the same cores'}; the server used {busy:.0%} of a core while driven, the client {timings.client_busy:.0%}"
          f"{f', PostgreSQL {timings.database_busy:.0%}' if timings.database_busy else ''}\n")
    print("| request | count | p50 ms | p99 ms | p99 / bare p99 | errors |")
    print("|---|---:|---:|---:|---:|---:|")
    print(f"| bare Litestar `GET /`, same polling pattern (yardstick) | {len(base_line.by_kind['poll'])} | "
          f"{percentile(base_line.by_kind['poll'], 0.5):.1f} | {bare_p99:.1f} | 1.0 | {sum(base_line.errors.values())} |")
    for kind in ("poll", "decide", "page", "facilitate", "scene change"):
        values = timings.by_kind.get(kind, [])
        print(f"| {kind} | {len(values)} | {percentile(values, 0.5):.1f} | {percentile(values, 0.99):.1f} | "
              f"{percentile(values, 0.99) / bare_p99:.1f} | {timings.errors.get(kind, 0)} |")
    if args.mode == "stream":
        print(f"\nstreams failed: {timings.errors.get('stream', 0)}; most held at once: {timings.most_streams}; "
              f"status events received: {timings.pushed}")
        print(f"most streams one server process held at once: {max(timings.held_by_process.values(), default=0)} "
              f"(by process: {sorted(timings.held_by_process.values(), reverse=True)})")
        print(f"resident memory per held stream: {timings.per_stream_kib:.1f} KiB")


if __name__ == "__main__":
    main()
