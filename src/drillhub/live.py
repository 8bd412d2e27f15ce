"""Live updates: a page showing a running exercise holds one server-sent events stream, and each process
tells the streams it holds when their run changes, whichever process or server made the change.

A change is a run's new last_seq, written with its events. On PostgreSQL the writer's transaction sends
NOTIFY (delivered at commit) and every process listens on one connection of its own; on SQLite (one
server) the writing process wakes its own streams at commit, and every process looks at the last_seq of
the runs its streams follow twice a second, one query for all of them. Nothing here is needed by another process: it only knows the streams this one holds.
"""

import asyncio
import logging
from collections.abc import AsyncIterator

import asyncpg
from piccolo.engine.postgres import PostgresEngine

from drillhub import db
from drillhub.exercises.tables import Run

log = logging.getLogger(__name__)
CHANNEL = "drillhub_runs"
WATCH_SECONDS = 0.5  # SQLite: how often the followed runs' last_seq is read
HEARTBEAT_SECONDS = 15  # a comment on an idle stream, so proxies keep it and a closed one is noticed
RECONNECT_SECONDS = 2

_latest: dict[int, int] = {}  # run -> the last seq this process has heard of, for runs its streams follow
_waiting: dict[int, set[asyncio.Event]] = {}  # run -> one event per stream following it


def changed(run_id: int, seq: int) -> None:
    """A run's record has grown to `seq`: wake the streams that follow it."""
    if run_id in _waiting and seq > _latest.get(run_id, 0):
        _latest[run_id] = seq
        for wake in _waiting[run_id]:
            wake.set()


async def changes(run_id: int, seen: int, seconds: float) -> AsyncIterator[int | None]:
    """For one stream, for `seconds`: the run's last seq each time it has moved past what the stream has
    seen (changes that come together are told once), or None after HEARTBEAT_SECONDS of quiet."""
    until = asyncio.get_running_loop().time() + seconds
    wake = asyncio.Event()
    _waiting.setdefault(run_id, set()).add(wake)
    _latest.setdefault(run_id, seen)
    changed(run_id, seen)  # this stream's page may be newer than what the others here have been told
    try:
        while True:
            if _latest[run_id] > seen:
                seen = _latest[run_id]
                yield seen
                continue
            left = until - asyncio.get_running_loop().time()
            if left <= 0:
                return
            wake.clear()
            try:
                await asyncio.wait_for(wake.wait(), min(HEARTBEAT_SECONDS, left))
            except TimeoutError:
                yield None
    finally:
        _waiting[run_id].discard(wake)
        if not _waiting[run_id]:
            del _waiting[run_id], _latest[run_id]


def streams_held() -> int:
    return sum(len(waiting) for waiting in _waiting.values())


async def announce(run_id: int, seq: int) -> None:
    """Inside the transaction that wrote the run's events: on PostgreSQL, NOTIFY every process when it
    commits; on SQLite, wake this process's streams when it commits (the other processes' watchers find
    the new last_seq themselves)."""
    if isinstance(db.current_engine(), PostgresEngine):
        await Run.raw("SELECT pg_notify({}, {})", CHANNEL, f"{run_id}:{seq}")
    else:
        db.after_commit(lambda: changed(run_id, seq))


async def _catch_up() -> None:
    """Read the last_seq of every run a stream here follows (SQLite's way, and PostgreSQL's after its
    listening connection was lost and notifications may have been missed)."""
    if _waiting:
        for row in await Run.select(Run.id, Run.last_seq).where(Run.id.is_in(list(_waiting))):
            changed(row["id"], row["last_seq"])


def _heard(connection, pid, channel, payload: str) -> None:
    run_id, seq = payload.split(":")
    changed(int(run_id), int(seq))


async def listen_forever() -> None:
    """Each process: keep the streams it holds told of changes, for as long as it runs."""
    engine = db.current_engine()
    while True:
        try:
            if isinstance(engine, PostgresEngine):
                connection = await asyncpg.connect(engine.config["dsn"])
                try:
                    await connection.add_listener(CHANNEL, _heard)
                    await _catch_up()  # what changed while nobody listened
                    while not connection.is_closed():
                        await asyncio.sleep(RECONNECT_SECONDS)
                finally:
                    await connection.close()
            else:
                await _catch_up()
                await asyncio.sleep(WATCH_SECONDS)
        except asyncio.CancelledError:
            raise
        except Exception:  # a lost connection or a busy database must not end live updates
            log.exception("live updates: listening failed; trying again in %s s", RECONNECT_SECONDS)
            await asyncio.sleep(RECONNECT_SECONDS)
