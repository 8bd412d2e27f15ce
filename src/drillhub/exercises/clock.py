"""A run's clock, in both kinds of play: the time spent on the current scene (pauses excluded, extensions
added) worked out from the record, the injects that have fallen due, whether the time limit has run out,
and when the next of these comes (the run's due_at). No database here: exercises/ticker.py does the work.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from drillhub.exercises.record import released_injects
from drillhub.exercises.tables import Run, RunEvent
from drillhub.scenarios import engine
from drillhub.scenarios.model import clock_seconds

if TYPE_CHECKING:
    from drillhub.exercises.service import Played


@dataclass(frozen=True)
class Clock:
    running_seconds: int  # time spent on the current node, pauses excluded
    limit_seconds: int | None  # the decision's time limit plus extensions
    paused: bool
    started_at: datetime  # when the scene would have begun had it never been paused: a running clock's zero

    @property
    def ends_at(self) -> datetime | None:
        """When a running clock's time limit runs out (the same however often it is asked)."""
        if self.limit_seconds is None or self.paused:
            return None
        return self.started_at + timedelta(seconds=self.limit_seconds)

    @property
    def left(self) -> int | None:
        return None if self.limit_seconds is None else max(0, self.limit_seconds - self.running_seconds)

    @property
    def expired(self) -> bool:
        return self.limit_seconds is not None and self.running_seconds >= self.limit_seconds


def clock(played: "Played", now: datetime) -> Clock:
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
    return Clock(int(running.total_seconds()), limit, paused_at is not None, played.node_started_at + paused_total)


def undelivered_due(played: "Played", now: datetime) -> list:
    """Scheduled injects of the current node that have fallen due but are not yet recorded."""
    if played.node is None:
        return []
    done = released_injects(played.events, played.step)
    return [inject for inject in engine.injects_due(played.compiled, played.state, clock(played, now).running_seconds)
            if inject.id not in done]


def expired(played: "Played", now: datetime) -> bool:
    """A decision whose time limit has run out."""
    return clock(played, now).expired and engine.current_decision(played.compiled, played.state) is not None


def injects_to_deliver(played: "Played", now: datetime) -> list:
    """Delivered as they fall due in a facilitated run; a player alone is given a scene's injects as it
    begins (engine.self_paced_injects), so nothing is delivered later."""
    return undelivered_due(played, now) if played.run.mode == Run.Mode.facilitated else []


def due_at(played: "Played", now: datetime) -> datetime | None:
    """When the run next has timed work (an inject falling due, a time limit running out), for the
    ticker to find it; None when there is none (paused, in the lobby, ended, or nothing timed)."""
    if played.run.status != Run.Status.running or played.node is None:
        return None
    running = clock(played, now)
    waits = []
    if played.run.mode == Run.Mode.facilitated:
        done = released_injects(played.events, played.step)
        waits += [clock_seconds(i.at) - running.running_seconds
                  for i in engine.scheduled_injects(played.compiled, played.state) if i.id not in done]
    if running.limit_seconds is not None and played.node.decision is not None:
        waits.append(running.limit_seconds - running.running_seconds)
    return now + timedelta(seconds=max(0, min(waits))) if waits else None
