"""Live updates: the streams a process holds are told of their run's changes, whichever process or server
made them (PostgreSQL's NOTIFY; on SQLite each process reads the followed runs' last_seq), and a stream
that reconnects is told at once of what it missed."""

import asyncio
import html
import os
import re
import sqlite3
import subprocess
import sys
import uuid
from urllib.parse import parse_qsl
from pathlib import Path

import asyncpg
import httpx
import pytest

from drillhub import db, live
from drillhub.demo import DEMO_PASSWORD, DEMO_SIGN_INS
from tests.conftest import _admin_execute, database_url_for
from tests.support import free_port, serve, token_in

DRILLHUB = str(Path(sys.executable).parent / "drillhub")


async def test_a_stream_is_woken_by_a_change_once_per_batch_and_hears_a_heartbeat(monkeypatch):
    monkeypatch.setattr(live, "HEARTBEAT_SECONDS", 0.05)
    stream = live.changes(7, seen=3, seconds=60)
    first = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0)
    assert live.streams_held() == 1
    live.changed(7, 4)
    live.changed(7, 5)  # two changes before the stream looked: told once, with the last
    assert await first == 5
    live.changed(7, 5)  # nothing new
    assert await anext(stream) is None  # quiet: a heartbeat
    live.changed(8, 9)  # another run, followed by nobody here: not kept
    await stream.aclose()
    assert live.streams_held() == 0 and 8 not in live._latest and 7 not in live._latest


async def test_a_stream_opened_by_a_newer_page_tells_those_already_here():
    """A page drawn after a change this process has not heard of yet (its stream names the newer seq):
    the streams already following the run are told too, not left waiting for a change that came."""
    older = live.changes(7, seen=5, seconds=60)
    told = asyncio.ensure_future(anext(older))
    await asyncio.sleep(0)
    newer = live.changes(7, seen=6, seconds=60)
    waiting = asyncio.ensure_future(anext(newer))
    assert await asyncio.wait_for(told, 1) == 6
    waiting.cancel()
    await asyncio.gather(waiting, return_exceptions=True)
    await older.aclose()
    await newer.aclose()
    assert live.streams_held() == 0


async def test_the_writing_process_hears_a_change_when_it_commits_and_not_if_it_rolls_back(app, monkeypatch):
    """SQLite wakes the writing process's streams at commit; PostgreSQL's NOTIFY reaches every listening
    process at commit. Neither tells of a change before its transaction commits, nor of one rolled back."""
    monkeypatch.setattr(live, "WATCH_SECONDS", 60)  # SQLite's watcher must not be what tells
    listening = asyncio.ensure_future(live.listen_forever())
    stream = live.changes(7, seen=3, seconds=60)
    told = asyncio.ensure_future(anext(stream))
    await asyncio.sleep(0.2)  # PostgreSQL: the listening connection is up
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await live.announce(7, 4)
            raise RuntimeError("rolled back")
    async with db.transaction():
        await live.announce(7, 5)
        await asyncio.sleep(0.2)
        assert not told.done()  # not before the commit
    assert await asyncio.wait_for(told, 5) == 5
    await stream.aclose()
    listening.cancel()
    await asyncio.gather(listening, return_exceptions=True)


@pytest.fixture(params=["sqlite", "postgres"])
def shared_database(request, tmp_path):
    """A database with the demo data, for servers to share."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'live.sqlite3'}"
        return
    admin = request.getfixturevalue("postgres_server")
    name = f"drillhub_live_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin_execute(admin, f'CREATE DATABASE "{name}"'))
    yield database_url_for(admin, name)
    asyncio.run(_admin_execute(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def two_servers(shared_database):
    """Two drillhub servers on two ports, one database."""
    env = {**os.environ, "DRILLHUB_ENV": "test", "DRILLHUB_DATABASE_URL": shared_database}
    for command in (["migrate"], ["demo"]):
        subprocess.run([DRILLHUB, *command], env=env, check=True, capture_output=True)
    servers, urls = [], []
    for _ in range(2):
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        servers.append(serve({**env, "DRILLHUB_PORT": str(port), "DRILLHUB_PUBLIC_URL": url}, url))
        urls.append(url)
    yield urls
    for server in servers:
        server.terminate()
        server.wait(timeout=10)


async def signed_in(base_url: str, who: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(base_url=base_url, timeout=httpx.Timeout(10, read=30))
    page = (await client.get("/sign-in")).text
    response = await client.post("/sign-in", data={"email": DEMO_SIGN_INS[who], "password": DEMO_PASSWORD,
                                                   "_csrf_token": token_in(page)})
    assert response.status_code == 303
    return client


async def next_event(lines) -> dict[str, str]:
    """The next event of a stream (comments skipped), as its fields (data lines joined)."""
    fields: dict[str, str] = {}
    async for line in lines:
        if not line:
            if fields:
                return fields
            continue
        if not line.startswith(":"):
            name, _, value = line.partition(": ")
            fields[name] = f"{fields[name]}\n{value}" if name in fields else value
    raise AssertionError("the stream ended")


def a_session_the_officer_is_enrolled_in(database_url: str) -> int:
    query = ("SELECT s.id FROM session s JOIN enrollment e ON e.session = s.id JOIN person p ON p.id = e.person "
             f"WHERE p.email = '{DEMO_SIGN_INS['officer']}' AND e.status = 'enrolled' ORDER BY s.id LIMIT 1")
    if database_url.startswith("sqlite"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as db:
            return db.execute(query).fetchone()[0]

    async def ask() -> int:
        connection = await asyncpg.connect(database_url)
        try:
            return await connection.fetchval(query)
        finally:
            await connection.close()
    return asyncio.run(ask())


def seq_of(event: dict[str, str]) -> int:
    return int(dict(parse_qsl(event["id"]))["seq"])


def stream_url(page: str) -> str:
    return html.unescape(re.search(r'sse-connect="([^"]+)"', page).group(1))


async def test_a_facilitator_on_one_server_and_a_player_on_the_other_follow_one_run(two_servers, shared_database):
    server_a, server_b = two_servers
    session_id = await asyncio.to_thread(a_session_the_officer_is_enrolled_in, shared_database)
    facilitator, player = await signed_in(server_a, "coordinator"), await signed_in(server_b, "officer")
    form = {"_csrf_token": token_in((await facilitator.get("/")).text)}
    opened = await facilitator.post(f"/sessions/{session_id}/runs", data={**form, "scenario": "school-active-threat"})
    console_url = opened.headers["location"]
    run_url = console_url.removesuffix("/console")
    code = re.search(r'class="join-code">(\w+)<', (await facilitator.get(console_url)).text).group(1)
    joined = await player.post("/join", data={"code": code, "_csrf_token": token_in((await player.get("/")).text)})
    assert joined.status_code == 303
    person = re.search(r'name="person" value="(\d+)"', (await facilitator.get(console_url)).text).group(1)
    await facilitator.post(f"{run_url}/assign", data={**form, "person": person, "role": "patrol"})
    await facilitator.post(f"{run_url}/start", data=form)

    page = (await player.get(run_url)).text
    console = (await facilitator.get(console_url)).text
    assert "has not decided yet" in console  # the player
    async with player.stream("GET", stream_url(page)) as on_b, facilitator.stream("GET", stream_url(console)) as on_a:
        assert on_b.headers["content-type"].startswith("text/event-stream")
        player_events, console_events = on_b.aiter_lines(), on_a.aiter_lines()
        decided = await player.post(f"{run_url}/decide", data={"step": "0", "role": "patrol", "choice": "enter-now",
                                                               "_csrf_token": token_in(page)})
        assert decided.status_code == 303
        on_the_console = await asyncio.wait_for(next_event(console_events), timeout=5)  # decided on B, seen on A
        assert on_the_console["event"] == "status" and "has not decided yet" not in on_the_console["data"]
        mine = await asyncio.wait_for(next_event(player_events), timeout=5)
        assert mine["event"] == "status" and seq_of(mine) == seq_of(on_the_console)
        assert (await player.get("/healthz")).json()["streams"] == 1  # B's one process holds the player's
    # the player's stream is cut here; meanwhile the facilitator on A moves the run on
    for action in ("stand_in", "advance"):
        await facilitator.post(f"{run_url}/console/{action}", data={**form, "step": "0"})
    async with player.stream("GET", stream_url(page), headers={"Last-Event-ID": mine["id"]}) as resumed:
        caught_up = await asyncio.wait_for(next_event(resumed.aiter_lines()), timeout=5)
    assert caught_up["event"] == "scene" and seq_of(caught_up) > seq_of(mine)  # the new scene, pushed
    assert "Contact team inside" in caught_up["data"]  # where entering at once leads

    async with player.stream("GET", stream_url(page), headers={"Last-Event-ID": caught_up["id"]}) as on_b:
        events = on_b.aiter_lines()
        await facilitator.post(f"{run_url}/console/end", data={**form, "confirm": "yes"})
        ended = await asyncio.wait_for(next_event(events), timeout=5)  # the facilitator on A ends it
    assert ended["event"] == "reload"  # the page is drawn again, with the debrief
    stranger = await signed_in(server_b, "evaluator")
    assert (await stranger.get(f"{run_url}/stream")).status_code == 403
    for client in (facilitator, player, stranger):
        await client.aclose()
