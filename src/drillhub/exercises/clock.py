"""A run's clock and the timed work it drives, in both kinds of play: the time spent on the current scene
(pauses excluded, extensions added) worked out from the record, injects that fall due, and the default
decisions when a time limit runs out. Any process may do it; the run's row lock makes it happen once.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from drillhub import db
from drillhub.exercises.record import released_injects
from drillhub.exercises.service import Played, RunRecord, load, stand_ins_decide
from drillhub.exercises.tables import Run, RunEvent
from drillhub.scenarios import engine
from drillhub.scenarios.model import clock_seconds


@dataclass(frozen=True)
class Clock:
    running_seconds: int  # time spent on the current node, pauses excluded
    limit_seconds: int | None  # the decision's time limit plus extensions
    paused: bool

    @property
    def left(self) -> int | None:
        return None if self.limit_seconds is None else max(0, self.limit_seconds - self.running_seconds)

    @property
    def expired(self) -> bool:
        return self.limit_seconds is not None and self.running_seconds >= self.limit_seconds


def clock(played: Played, now: datetime) -> Clock:
    """Worked out from the record since the current node began."""
    since = [e for e in played.events if e["step"] == played.step and e["at"] >= played.node_started_at]
    paused_at, paused_total, extension = None, timedelta(), 0
    for event in since:
        if event["kind"] == RunEvent.Kind.pause:
            paused_at = event["at"]
        elif event["kind"] == RunEvent.Kind.resume and paused_at is not None:
            paused_total += event["at"] - paused_at
            paused_at = None
        elif event["kind"] == RunEvent.Kind.extend:
            extension += event["data"].get("seconds", 0)
    running = (paused_at or now) - played.node_started_at - paused_total
    decision = played.node.decision if played.node else None
    limit = clock_seconds(decision.time_limit) + extension if decision and decision.time_limit else None
    return Clock(int(running.total_seconds()), limit, paused_at is not None)


def undelivered_due(played: Played, now: datetime) -> list:
    """Scheduled injects of the current node that have fallen due but are not yet recorded."""
    if played.node is None:
        return []
    done = released_injects(played.events, played.step)
    return [inject for inject in engine.injects_due(played.node, clock(played, now).running_seconds)
            if inject.id not in done]


async def tick(played: Played) -> Played:
    """Called by every page that shows a running exercise, with the run as just loaded (and its caller's
    right to see it checked): in a facilitated run, deliver injects that fell due; in either mode, when
    the time limit has run out, apply the default choices and move on. Idempotent. Returns the run as it
    stands afterwards."""
    run_id = played.run.id
    if played.run.status != Run.Status.running:
        return played
    now = datetime.now(UTC)
    if not (_expired(played, now) or _undelivered(played, now)):
        return played
    async with db.transaction():
        await db.lock_row(Run, run_id)
        played = await load(run_id)
        if played.run.status != Run.Status.running:
            return played
        record = RunRecord(played)
        for inject in _undelivered(played, now):
            await record.add(RunEvent.Kind.inject, data={"inject": inject.id, "how": "scheduled"})
        if _expired(played, now):
            if played.run.mode == Run.Mode.self_paced:
                await stand_ins_decide(played, record)  # the roles nobody plays choose as they would have
            await record.advance(timed_out=not engine.can_advance(played.compiled, played.state))
        await record.close()
    return await load(run_id)


def _expired(played: Played, now: datetime) -> bool:
    return clock(played, now).expired and engine.current_decision(played.compiled, played.state) is not None


def _undelivered(played: Played, now: datetime) -> list:
    """Delivered as they fall due in a facilitated run; a player alone is given a scene's injects as it
    begins (engine.self_paced_injects), so nothing is delivered later."""
    return undelivered_due(played, now) if played.run.mode == Run.Mode.facilitated else []
