"""The one reader of a run's record. A run's events (RunEvent rows as dicts, in order) say what happened;
this module turns them into what the engine, the debrief, the EEG and the AAR need: the engine state
(replay), the decisions with how each was made, and the timeline of scenes, injects and team choices.
A new kind of event is taught here once. Callers read the events (COLUMNS, in order of seq); no database
and no web here.
"""

from dataclasses import dataclass
from datetime import datetime

from drillhub.exercises.tables import RunEvent
from drillhub.scenarios import engine
from drillhub.scenarios.engine import Compiled, RunState

COLUMNS = (RunEvent.seq, RunEvent.step, RunEvent.kind, RunEvent.at, RunEvent.person, RunEvent.agency, RunEvent.role,
           RunEvent.node, RunEvent.choice, RunEvent.rationale, RunEvent.shown_at, RunEvent.expected, RunEvent.data)

# How a decision was made. A player's own; the decision's default, when the time ran out; a stand-in's,
# for a role nobody plays (the expected action); the facilitator's, settling a team's choice.
BY_PLAYER, BY_TIMEOUT, BY_STAND_IN, BY_FACILITATOR = "player", "timeout", "stand_in", "facilitator"
MADE_BY = {BY_PLAYER: "player", BY_TIMEOUT: "default on time-out", BY_STAND_IN: "stand-in",
           BY_FACILITATOR: "facilitator"}


def made_by(event: dict) -> str:
    data = event["data"] or {}
    return BY_STAND_IN if data.get("stand_in") else data.get("by", BY_PLAYER)


def replay(compiled: Compiled, events: list[dict], state: RunState, step: int = 0,
           started: datetime | None = None) -> tuple[RunState, int, datetime | None]:
    """The engine state after the recorded steps, starting from `state`: the state, how many advances
    there were, and when the current node began (None before the run starts)."""
    for event in events:
        kind = event["kind"]
        if kind == RunEvent.Kind.start:
            started = event["at"]
        if kind == RunEvent.Kind.decision:
            state = engine.decide(compiled, state, event["role"], event["choice"])
        elif kind == RunEvent.Kind.confirm:
            state = engine.confirm(compiled, state, event["choice"])
        elif kind in (RunEvent.Kind.advance, RunEvent.Kind.timeout):
            state = (engine.advance if kind == RunEvent.Kind.advance else engine.time_out)(compiled, state)
            step, started = step + 1, event["at"]
    return state, step, started


@dataclass(frozen=True)
class Decided:
    """One decision as the record keeps it: a role's choice (a vote, in a team decision) or a team's
    confirmed choice (`team`), with who, role, agency, what, why, when and how it was made."""

    seq: int
    step: int
    node: str
    role: str  # for a team's choice, the lead role ("" when the team has none)
    choice: str
    by: str  # BY_PLAYER, BY_TIMEOUT, BY_STAND_IN or BY_FACILITATOR
    team: bool
    person: int | None
    agency: int | None
    rationale: str
    at: datetime
    shown_at: datetime | None
    expected: bool | None

    @property
    def own(self) -> bool:
        """A player's own decision, not one made for them."""
        return self.by == BY_PLAYER

    @property
    def seconds(self) -> int | None:
        return int((self.at - self.shown_at).total_seconds()) if self.shown_at else None


def decisions(events: list[dict]) -> list[Decided]:
    return [Decided(seq=e["seq"], step=e["step"], node=e["node"], role=e["role"], choice=e["choice"], by=made_by(e),
                    team=e["kind"] == RunEvent.Kind.confirm, person=e.get("person"), agency=e.get("agency"),
                    rationale=e.get("rationale") or "", at=e["at"], shown_at=e.get("shown_at"),
                    expected=e.get("expected"))
            for e in events if e["kind"] in (RunEvent.Kind.decision, RunEvent.Kind.confirm)]


def as_read(decided: list[Decided], self_paced: bool) -> list[Decided]:
    """The decisions as people read them: a vote changed before the team's choice was confirmed is read
    as its last version (the record keeps each); playing alone, the player's vote is the team's choice,
    so the team's line that repeats it is left out."""
    last_vote = {(d.step, d.role): d.seq for d in decided if not d.team}  # only team votes repeat a role
    return [d for d in decided if (d.team or last_vote[(d.step, d.role)] == d.seq)
            and not (self_paced and d.team and d.own)]


def offered(compiled: Compiled, events: list[dict]) -> dict[int, tuple[str, ...]]:
    """Each recorded decision (by seq): the choices open to its role, or to the team, when it was made,
    the `when` conditions read on the variables of that moment."""
    state, step, started = engine.start(compiled), 0, None
    open_then: dict[int, tuple[str, ...]] = {}
    for event in events:
        kind = event["kind"]
        if kind in (RunEvent.Kind.decision, RunEvent.Kind.confirm):
            decision = engine.current_decision(compiled, state)
            roles = engine.deciding_roles(decision, compiled.role_ids) if kind == RunEvent.Kind.confirm else (
                event["role"],)
            open_then[event["seq"]] = tuple(dict.fromkeys(
                choice.id for role in roles for choice in engine.available_choices(compiled, state, role)))
        state, step, started = replay(compiled, [event], state, step, started)
    return open_then


@dataclass(frozen=True)
class Moment:
    """A line of the run's timeline: a scene entered (or the ending), an inject delivered, a team's choice."""

    seq: int
    step: int
    at: datetime
    kind: str  # "scene", "inject" or "team decision"
    node: str  # the scene entered, or the scene where it happened
    what: str  # the inject's id, the team's choice
    timed_out: bool = False  # a scene entered because the time ran out
    repeat: bool = False  # an inject the facilitator released again on purpose
    how: str = ""  # an inject: "scheduled" or "by hand"; a team's choice: who settled it
    message: str = ""  # an inject whose message shows variables' values: as the players read it


def timeline(events: list[dict]) -> list[Moment]:
    moments = []
    for e in events:
        kind, data = e["kind"], e["data"] or {}
        if kind in (RunEvent.Kind.start, RunEvent.Kind.advance, RunEvent.Kind.timeout):
            moments.append(Moment(e["seq"], e["step"], e["at"], "scene", data.get("to") or e["node"], "",
                                  timed_out=kind == RunEvent.Kind.timeout))
        elif kind == RunEvent.Kind.inject:
            moments.append(Moment(e["seq"], e["step"], e["at"], "inject", e["node"], data.get("inject", ""),
                                  repeat=bool(data.get("repeat")), how=data.get("how", ""),
                                  message=data.get("message", "")))
        elif kind == RunEvent.Kind.confirm:
            moments.append(Moment(e["seq"], e["step"], e["at"], "team decision", e["node"], e["choice"],
                                  how=made_by(e)))
    return moments


def released_injects(events: list[dict], step: int) -> dict[str, list[datetime]]:
    """The current scene's injects delivered so far (at `step`): inject id -> when, each time."""
    released: dict[str, list[datetime]] = {}
    for e in events:
        if e["kind"] == RunEvent.Kind.inject and e["step"] == step:
            released.setdefault((e["data"] or {}).get("inject", ""), []).append(e["at"])
    return released
