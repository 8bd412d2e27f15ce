"""Live updates: the streams a process holds are told of their run's changes, whichever process or server
made them (PostgreSQL's NOTIFY; on SQLite each process reads the followed runs' last_seq), and a stream
that reconnects is told at once of what it missed."""

import asyncio
import os
import subprocess
import sys
import uuid
from pathlib import Path

import httpx
import pytest

from drillhub import live
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
    """The next event of a stream (comments skipped), as its fields."""
    fields: dict[str, str] = {}
    async for line in lines:
        if not line:
            if fields:
                return fields
            continue
        if not line.startswith(":"):
            name, _, value = line.partition(":")
            fields[name] = value.strip()
    raise AssertionError("the stream ended")


async def test_a_change_on_one_server_reaches_a_stream_on_the_other(two_servers):
    server_a, server_b = two_servers
    on_a = await signed_in(server_a, "officer")
    page = (await on_a.get("/exercises")).text
    started = await on_a.post("/exercises/start", data={"scenario": "school-active-threat", "role": "patrol",
                                                        "_csrf_token": token_in(page)})
    run_url = started.headers["location"]
    on_b = httpx.AsyncClient(base_url=server_b, cookies=on_a.cookies, timeout=httpx.Timeout(10, read=30))
    page = (await on_a.get(run_url)).text
    assert f"{run_url}/stream?view=player&amp;seen=" in page  # the page holds a stream
    async with on_b.stream("GET", f"{run_url}/stream") as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.aiter_lines()
        decided = await on_a.post(f"{run_url}/decide", data={"step": "0", "role": "patrol", "choice": "enter-now",
                                                             "_csrf_token": token_in(page)})
        assert decided.status_code == 303
        event = await asyncio.wait_for(next_event(lines), timeout=5)
    assert event["event"] == "run" and int(event["id"]) > 1

    # a browser reconnecting names the last event it had: it is told at once that the run moved since
    async with on_b.stream("GET", f"{run_url}/stream", headers={"Last-Event-ID": "1"}) as stream:
        caught_up = await asyncio.wait_for(next_event(stream.aiter_lines()), timeout=5)
    assert caught_up["id"] == event["id"]
    stranger = await signed_in(server_b, "evaluator")
    assert (await stranger.get(f"{run_url}/stream")).status_code == 403
    for client in (on_a, on_b, stranger):
        await client.aclose()
