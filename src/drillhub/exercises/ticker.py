"""The timed work of running exercises: injects that fall due and time limits that run out. Each worker
runs a ticker that finds the runs whose due_at has come and does their work; a page that shows a run does
the same for it. The run's row lock and a second look under it make the work happen once, whichever
process gets there first; every change moves the run's due_at on (exercises.service.RunRecord.close).
"""

import asyncio
import logging
from datetime import UTC, datetime

from drillhub import db
from drillhub.exercises.clock import expired, injects_to_deliver
from drillhub.exercises.service import Played, RunRecord, load, time_runs_out
from drillhub.exercises.tables import Run

log = logging.getLogger(__name__)
TICK_SECONDS = 1
RUNS_PER_TICK = 200


async def tick(played: Played) -> Played:
    """For the run as just loaded (by the ticker, or by a page that has checked its reader's right to see
    it): in a facilitated run, deliver injects that fell due; in either mode, when the time limit has run
    out, apply the default choices and move on. Idempotent. Returns the run as it stands afterwards."""
    run_id = played.run.id
    if played.run.status != Run.Status.running:
        return played
    now = datetime.now(UTC)
    if not (expired(played, now) or injects_to_deliver(played, now)):
        return played
    async with db.transaction():
        await db.lock_row(Run, run_id)
        played = await load(run_id)
        if played.run.status != Run.Status.running:
            return played
        record = RunRecord(played)
        for inject in injects_to_deliver(played, now):
            await record.delivered(inject, "scheduled")
        if expired(played, now):
            await time_runs_out(played, record)
        await record.close()
    return await load(run_id)


async def tick_due_runs() -> int:
    """Do the work of every running exercise whose due_at has come; returns how many were looked at."""
    due = await Run.select(Run.id).where((Run.status == Run.Status.running) & (Run.due_at <= datetime.now(UTC))).order_by(
        Run.due_at).limit(RUNS_PER_TICK)
    for row in due:
        await tick(await load(row["id"]))
    return len(due)


async def run_ticker() -> None:
    while True:
        try:
            await tick_due_runs()
        except Exception:  # a busy database must not end the loop
            log.exception("the exercise ticker failed; trying again in %s s", TICK_SECONDS)
        await asyncio.sleep(TICK_SECONDS)
