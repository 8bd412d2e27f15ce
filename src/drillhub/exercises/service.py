"""Playing exercises: runs whose state is their append-only record replayed through the engine.

Every change locks the run row, rebuilds the state from the record, checks the request against it
(right node, a role this person holds, a choice offered to that role) and appends events. Nothing is
updated in place, so a browser refresh, a phone waking up or a server restart finds the run exactly
where the record says it is.
"""

from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from drillhub import db, live, parse, permissions
from drillhub.exercises import clock
from drillhub.accounts.tables import Person
from drillhub.audit.service import Actor, record_event
from drillhub.certificates.service import issue_at_run_end
from drillhub.errors import Conflict, Forbidden, Invalid, NotFound
from drillhub.exercises.record import BY_PLAYER, BY_STAND_IN, BY_TIMEOUT, COLUMNS, replay
from drillhub.exercises.tables import Assignment, DecisionDraft, Run, RunEvent, RunParticipant
from drillhub.scenarios import engine
from drillhub.scenarios.engine import Compiled, EngineError, RunState
from drillhub.scenarios.service import compiled_text, compiled_version, get_current
from drillhub.xapi import service as xapi
from drillhub.xapi.runs import of_event as xapi_of_event


@dataclass
class Played:
    """A run as its record says it is now."""

    run: Run
    compiled: Compiled
    state: RunState
    step: int  # nodes moved through so far; a form names the step it was shown at
    node_started_at: datetime
    last_seq: int
    roles_of: dict[int, list[str]] = field(default_factory=dict)  # person -> the roles they hold
    agency_of: dict[int, int | None] = field(default_factory=dict)  # person -> their agency when they joined
    events: list[dict] = field(default_factory=list)  # the whole record, in order

    @property
    def node(self):
        return self.compiled.nodes.get(self.state.node)

    def holder_of(self, role: str) -> tuple[int | None, int | None]:
        """Who plays `role` and for which agency: the person when one does, the agency when all who
        do are of one agency."""
        people = [person for person, roles in self.roles_of.items() if role in roles]
        agencies = {self.agency_of.get(person) for person in people}
        return (people[0] if len(people) == 1 else None), (agencies.pop() if len(agencies) == 1 else None)


# Each process keeps the runs it has rebuilt, so that the next load (a poll, every two seconds from
# every participant) reads only the events recorded since and replays them on top. The database stays
# the truth: the run row is read every time, and the events after the last one seen whenever the row's
# last_seq (written in the same transaction as the events) says there are any. Kept only from outside
# transactions, so it never holds an event that might yet be rolled back.
_REBUILT: OrderedDict[int, Played] = OrderedDict()
REBUILT_RUNS_KEPT = 500
RATIONALE_LENGTH = 4000  # a player's reason for a decision
ASSIGNMENT_NOTE_LENGTH = 500
PARTICIPANT_KINDS = (RunEvent.Kind.start, RunEvent.Kind.join, RunEvent.Kind.assign)  # events that change roles


async def load(run_id: int) -> Played:
    run = await Run.objects().where(Run.id == run_id).first()
    if run is None:
        raise NotFound("No such exercise run.")
    known = _REBUILT.get(run_id)
    if known and known.run.created_at != run.created_at:
        known = None  # a run of the same number in another database (tests make many)
    new = [] if known and run.last_seq == known.last_seq else await RunEvent.select(*COLUMNS).where(
        (RunEvent.run == run_id) & (RunEvent.seq > (known.last_seq if known else 0))).order_by(
        RunEvent.seq).output(load_json=True)
    if known is None:
        compiled = await compiled_version(run.scenario)
        state, step, started = replay(compiled, new, engine.start(compiled))
        started = started or run.created_at
    else:
        compiled = known.compiled
        state, step, started = replay(compiled, new, known.state, known.step, known.node_started_at)
    if known is None or any(event["kind"] in PARTICIPANT_KINDS for event in new):
        roles_of, agency_of = await _participants(run_id)
    else:
        roles_of, agency_of = known.roles_of, known.agency_of
    events = [*known.events, *new] if known else new
    played = Played(run, compiled, state, step, started, events[-1]["seq"] if events else 0, roles_of, agency_of,
                    events)
    if db.current_engine().current_transaction.get() is None:
        _REBUILT[run_id] = replace(played)  # a copy: callers move their own Played on
        _REBUILT.move_to_end(run_id)
        if len(_REBUILT) > REBUILT_RUNS_KEPT:
            _REBUILT.popitem(last=False)
    return played


async def _participants(run_id: int) -> tuple[dict[int, list[str]], dict[int, int | None]]:
    """Person -> the roles they hold (someone who joined without a role yet holds none), and person ->
    their agency."""
    roles_of: dict[int, list[str]] = {}
    agency_of: dict[int, int | None] = {}
    for row in await RunParticipant.select(RunParticipant.person, RunParticipant.role, RunParticipant.agency).where(
            RunParticipant.run == run_id):
        roles_of.setdefault(row["person"], [])
        agency_of[row["person"]] = row["agency"]
        if row["role"]:
            roles_of[row["person"]].append(row["role"])
    return roles_of, agency_of


class RunRecord:
    """Appends events to one run inside the caller's transaction, numbering them in order."""

    def __init__(self, played: Played) -> None:
        self.played = played
        self.seq = played.last_seq
        self.now = datetime.now(UTC)
        self.added: list[dict] = []  # as the record's reader sees events, for the clock at close()

    async def add(self, kind: str, **values) -> None:
        """The event, and the xAPI statements of it, in the caller's transaction."""
        fields = self._noted(kind, values)
        await RunEvent.insert(RunEvent(run=self.played.run.id, seq=self.seq, step=self.played.step, kind=kind,
                                       at=self.now, **fields))
        await xapi.queue(await xapi_of_event(self.played, kind, self.added[-1], self.now))

    def _noted(self, kind: str, values: dict) -> dict:
        """The event's fields, numbered and kept as the record's reader sees it."""
        self.seq += 1
        fields = {"role": "", "node": self.played.state.node, "choice": "", "rationale": "", "data": {}, **values}
        self.added.append({"person": None, "agency": None, "shown_at": None, "expected": None, **fields,
                           "seq": self.seq, "step": self.played.step, "kind": kind, "at": self.now})
        return fields

    async def advance(self, timed_out: bool = False) -> None:
        """Move on, recording the variable changes it made; end the run at an ending. When the time ran
        out, the default is first recorded as the decision of each role still to decide (or as the team's
        choice), like any decision, marked as made by the time-out."""
        if timed_out:
            await self._defaults()
        state = self.played.state
        after = (engine.time_out if timed_out else engine.advance)(self.played.compiled, state)
        await self.add(RunEvent.Kind.timeout if timed_out else RunEvent.Kind.advance, data={"to": after.node})
        await self._changes(after.changes)
        self.played.state, self.played.step, self.played.node_started_at = after, self.played.step + 1, self.now
        if after.ended:
            await self.end(data={"ending": after.node})

    async def start(self, **values) -> None:
        """The run begins at its first scene: recorded with the changes that scene's entry effects made."""
        await self.add(RunEvent.Kind.start, node=self.played.compiled.scenario.start, **values)
        await self._changes(self.played.state.changes)

    async def delivered(self, inject, how: str, person: int | None = None, repeat: bool = False) -> None:
        """An inject sent out ("scheduled" or "by hand"): its message as the players read it is kept when it
        shows variables' values ({name}), so that the after-action timeline says what they read."""
        message = engine.filled(inject.message, self.played.state.variables)
        await self.add(RunEvent.Kind.inject, person=person, data={
            "inject": inject.id, "how": how, **({"repeat": True} if repeat else {}),
            **({"message": message} if message != inject.message else {})})

    async def _changes(self, changes) -> None:
        for change in changes:
            await self.add(RunEvent.Kind.change, choice=change.choice, data={
                "variable": change.variable, "before": change.before, "after": change.after, "wanted": change.wanted})

    async def _defaults(self) -> None:
        played = self.played
        decision = engine.current_decision(played.compiled, played.state)
        default = next((c for c in decision.choices if c.id == decision.default_choice), None)
        if default is None:
            return  # engine.time_out refuses it
        drafts = await self._typed()
        if decision.mode == "team":
            if played.state.confirmed is None:  # what the team's players had typed goes with the team's choice
                titles = {role.id: role.title for role in played.compiled.scenario.roles}
                typed = [(titles[role], text) for role, text in drafts.items() if text]
                rationale = typed[0][1] if len(typed) == 1 else " / ".join(f"{who}: {text}" for who, text in typed)
                await self.add(RunEvent.Kind.confirm, role=decision.lead or "", choice=default.id, rationale=rationale,
                               expected=default.expected, shown_at=played.node_started_at, data={"by": BY_TIMEOUT})
                played.state = engine.confirm(played.compiled, played.state, default.id)
            return
        for role in engine.waiting_on(played.compiled, played.state):
            try:
                after = engine.decide(played.compiled, played.state, role, default.id)
            except EngineError:
                continue  # the default is not open to this role now: engine.time_out still gives it
            person, agency = played.holder_of(role)
            await self.add(RunEvent.Kind.decision, role=role, choice=default.id, person=person, agency=agency,
                           rationale=drafts.get(role, ""), expected=default.expected,
                           shown_at=played.node_started_at, data={"by": BY_TIMEOUT})
            played.state = after

    async def _typed(self) -> dict[str, str]:
        """Role -> what its players had typed as their reason at this step and not sent."""
        return {row["role"]: row["rationale"] for row in await DecisionDraft.select(
            DecisionDraft.role, DecisionDraft.rationale).where(
            (DecisionDraft.run == self.played.run.id) & (DecisionDraft.step == self.played.step)).order_by(
            DecisionDraft.updated_at)}

    async def end(self, **values) -> None:
        """At an ending, or when the facilitator ends it early."""
        await self.add(RunEvent.Kind.end, **values)
        await self.set_status(Run.Status.ended)
        await issue_at_run_end(self.played.run.id, self.played.run.session)

    async def set_status(self, status: str) -> None:
        await Run.update({Run.status: status}).where(Run.id == self.played.run.id)
        self.played.run.status = status

    async def close(self) -> None:
        """Number the run's record up to here, and say when its next timed work falls due."""
        self.played.last_seq = self.seq
        due = clock.due_at(replace(self.played, events=[*self.played.events, *self.added]), self.now)
        await Run.update({Run.updated_at: self.now, Run.last_seq: self.seq, Run.due_at: due}).where(
            Run.id == self.played.run.id)
        await live.announce(self.played.run.id, self.seq)


class RehearsalRecord(RunRecord):
    """A record kept in memory: a coordinator's preview of a scenario version plays exactly as a
    self-paced run does, and writes nothing (no run, no events, no certificate)."""

    async def add(self, kind: str, **values) -> None:
        self._noted(kind, values)

    async def _typed(self) -> dict[str, str]:
        return {}

    async def end(self, **values) -> None:
        await self.add(RunEvent.Kind.end, **values)
        self.played.run.status = Run.Status.ended

    async def close(self) -> None:
        self.played.last_seq, self.played.events = self.seq, [*self.played.events, *self.added]
        self.added = []


def roles_to_play(compiled: Compiled, role: str) -> list[str]:
    """The roles one person plays alone: one of the scenario's, or "all" of them."""
    if role == "all":
        return list(compiled.role_ids)
    if role not in compiled.role_ids:
        raise NotFound(f"This scenario has no role {role!r}.")
    return [role]


async def start_self_paced(slug: str, person_id: int, role: str, actor: Actor) -> Run:
    """One person plays a scenario alone: one role (the others take the expected action), or all."""
    version = await get_current(slug)
    compiled = compiled_text(version.source_text)
    roles = roles_to_play(compiled, role)
    person = await Person.select(Person.agency).where(Person.id == person_id).first()
    now = datetime.now(UTC)
    async with db.transaction():
        run = Run(scenario=version.id, mode=Run.Mode.self_paced, status=Run.Status.running, owner=person_id,
                  created_at=now, updated_at=now)
        await run.save()
        await RunParticipant.insert(*(RunParticipant(run=run.id, person=person_id, agency=person["agency"], role=held,
                                                     joined_at=now) for held in roles))
        record = RunRecord(await load(run.id))
        await record.start(person=person_id, data={"roles": roles, "scenario": version.slug, "sha256": version.sha256})
        await record_event("run.start", actor, target=f"run {run.id} {version.slug}", detail={"roles": roles})
        await record.close()  # numbers the record and times the first scene
    return run


async def _checked(run_id: int, person_id: int, step: int | None) -> Played:
    """The run, locked, when this person may act in it at `step` (the step their page was shown at)."""
    await db.lock_row(Run, run_id)
    played = await load(run_id)
    if not permissions.takes_part_in_run(played, person_id):
        raise Forbidden("You are not taking part in this exercise.")
    if played.run.status != Run.Status.running:
        raise Conflict(f"This exercise is {played.run.status}.")
    if step != played.step:
        raise Conflict("The exercise has moved on since this page was shown; here is where it is now.")
    return played


def stand_in_choice(played: Played, role: str) -> engine.Choice | None:
    """What a role nobody plays chooses: the expected action, else the default, else the first offered."""
    offered = engine.available_choices(played.compiled, played.state, role)
    decision = engine.current_decision(played.compiled, played.state)
    return (next((c for c in offered if c.expected), None)
            or next((c for c in offered if decision and c.id == decision.default_choice), None)
            or (offered[0] if offered else None))


async def decide(run_id: int, step: int | None, role: str, choice_id: str, rationale: str, person_id: int,
                 actor: Actor) -> None:
    """Record one role's decision; in self-paced play also the roles nobody plays, then move on."""
    if errors := parse.too_long({"rationale": (rationale, RATIONALE_LENGTH)}):
        raise Invalid(errors)
    async with db.transaction():
        played = await _checked(run_id, person_id, step)
        record = RunRecord(played)
        await player_decides(played, record, role, choice_id, rationale, person_id)
        await DecisionDraft.delete().where((DecisionDraft.run == run_id) & (DecisionDraft.person == person_id)
                                           & (DecisionDraft.role == role))
        await record.close()


async def player_decides(played: Played, record: RunRecord, role: str, choice_id: str, rationale: str,
                         person_id: int) -> None:
    """A player's decision for a role of theirs; playing alone, the stand-ins then do their part and the
    run moves on."""
    if role not in played.roles_of.get(person_id, []):
        raise Forbidden("You do not hold this role in the exercise.")
    decision = engine.current_decision(played.compiled, played.state)
    try:
        after = engine.decide(played.compiled, played.state, role, choice_id)
    except EngineError as refused:
        raise Conflict(str(refused)) from None
    choice = next(c for c in decision.choices if c.id == choice_id)
    await record.add(RunEvent.Kind.decision, person=person_id, agency=played.agency_of[person_id], role=role,
                     choice=choice_id, rationale=rationale.strip(), shown_at=played.node_started_at,
                     expected=choice.expected)
    played.state = after
    if played.run.mode == Run.Mode.self_paced:
        if decision.mode == "team":  # playing alone, your vote is the team's choice
            await record.add(RunEvent.Kind.confirm, choice=choice_id, person=person_id, data={"by": BY_PLAYER})
            played.state = engine.confirm(played.compiled, played.state, choice_id)
        await _stand_ins_then_advance(played, record)


async def save_draft(run_id: int, step: int | None, role: str, rationale: str, person_id: int) -> None:
    """Keep what a player has typed as the reason for a decision of theirs not yet sent (DecisionDraft).
    A page behind the run (another step), or a role they do not hold, saves nothing."""
    played = await load(run_id)
    if not permissions.takes_part_in_run(played, person_id):
        raise Forbidden("You are not taking part in this exercise.")
    if step != played.step or role not in played.roles_of.get(person_id, []) or played.run.status == Run.Status.ended:
        return
    if len(rationale.strip()) > RATIONALE_LENGTH:
        return  # the tab keeps what was typed; the decision itself is refused with a message (decide)
    async with db.transaction():
        await DecisionDraft.delete().where((DecisionDraft.run == run_id) & (DecisionDraft.person == person_id)
                                           & (DecisionDraft.role == role))
        await DecisionDraft.insert(DecisionDraft(run=run_id, person=person_id, role=role, step=step,
                                                 rationale=rationale.strip(), updated_at=datetime.now(UTC)))


async def list_drafts(run_id: int, person_id: int, step: int) -> dict[str, str]:
    """Role -> what this person has typed for it at this step and not yet sent."""
    rows = await DecisionDraft.select(DecisionDraft.role, DecisionDraft.rationale).where(
        (DecisionDraft.run == run_id) & (DecisionDraft.person == person_id) & (DecisionDraft.step == step))
    return {row["role"]: row["rationale"] for row in rows}


def plays_in_decision(played: Played, person_id: int) -> bool:
    """Whether one of this person's roles decides (or, in a team decision, votes) in the current scene."""
    decision = engine.current_decision(played.compiled, played.state)
    deciders = engine.deciding_roles(decision, played.compiled.role_ids) if decision else ()
    return bool(set(played.roles_of.get(person_id, [])) & set(deciders))


def team_stand_in_choice(played: Played, decision) -> engine.Choice:
    """What a team nobody plays settles on: the stand-in choice of the first of its roles that has one."""
    deciders = engine.deciding_roles(decision, played.compiled.role_ids)
    return next(choice for choice in (stand_in_choice(played, role) for role in deciders) if choice)


async def stand_ins_decide(played: Played, record: RunRecord) -> None:
    """The roles nobody holds take their stand-in choice. A team decision none of whose roles is held is
    settled the same way (alone, the player's vote settles a team they are part of; the facilitator's
    console has its own rule for a team whose lead nobody holds)."""
    compiled, held = played.compiled, {role for roles in played.roles_of.values() for role in roles}
    decision = engine.current_decision(compiled, played.state)
    if decision is None:
        return
    deciders = engine.deciding_roles(decision, compiled.role_ids)
    if decision.mode == "team":
        if played.state.confirmed is None and not held & set(deciders):
            stand_in = team_stand_in_choice(played, decision)
            await record.add(RunEvent.Kind.confirm, role=decision.lead or "", choice=stand_in.id,
                             expected=stand_in.expected, shown_at=played.node_started_at, data={"by": BY_STAND_IN})
            played.state = engine.confirm(compiled, played.state, stand_in.id)
        return
    for role in engine.waiting_on(compiled, played.state):
        if role not in held:
            stand_in = stand_in_choice(played, role)
            await record.add(RunEvent.Kind.decision, role=role, choice=stand_in.id, expected=stand_in.expected,
                             shown_at=played.node_started_at, data={"by": BY_STAND_IN})
            played.state = engine.decide(compiled, played.state, role, stand_in.id)


async def _stand_ins_then_advance(played: Played, record: RunRecord) -> None:
    """Self-paced: once the player has done their part in a scene, the stand-ins do theirs and the run
    moves to the next scene, which the player reads in turn: no scene on the path is skipped."""
    await stand_ins_decide(played, record)
    if engine.waiting_on(played.compiled, played.state):
        return  # another of the player's roles has yet to decide
    await record.advance()


async def time_runs_out(played: Played, record: RunRecord) -> None:
    """The decision's time limit has run out: playing alone, the roles nobody plays choose as they would
    have; every role still to decide takes the default, and the run moves on."""
    if played.run.mode == Run.Mode.self_paced:
        await stand_ins_decide(played, record)
    await record.advance(timed_out=not engine.can_advance(played.compiled, played.state))


async def continue_run(run_id: int, step: int | None, person_id: int) -> None:
    """Self-paced: move on from a scene the player has read and where none of their roles decides."""
    async with db.transaction():
        played = await _checked(run_id, person_id, step)
        if played.run.mode != Run.Mode.self_paced:
            raise Conflict("The facilitator moves the exercise on.")
        record = RunRecord(played)
        await player_continues(played, record, person_id)
        await record.close()


async def player_continues(played: Played, record: RunRecord, person_id: int) -> None:
    """Playing alone, past a scene the player has read and where none of their roles decides."""
    if plays_in_decision(played, person_id):
        raise Conflict("This scene needs a decision before moving on.")
    await _stand_ins_then_advance(played, record)


async def my_runs(person_id: int) -> list[dict]:
    return await Run.select(Run.id, Run.mode, Run.status, Run.created_at, Run.updated_at,
                            Run.scenario.title.as_alias("title"), Run.scenario.slug.as_alias("slug")).where(
        Run.owner == person_id).order_by(Run.updated_at, ascending=False)


async def assign_scenario(slug: str, person_ids: list[int], due_on: str, note: str, actor: Actor) -> int:
    """Ask people to play a scenario alone by a date; returns how many were asked."""
    await get_current(slug)
    due = parse.day(due_on)
    errors = parse.too_long({"note": (note, ASSIGNMENT_NOTE_LENGTH)})
    if due is None:
        errors["due_on"] = "Enter the date it is due."
    elif due < datetime.now(UTC).date():
        errors["due_on"] = "The due date has passed."
    people = [row["id"] for row in await Person.select(Person.id).where(
        Person.id.is_in(person_ids or [0]) & Person.active.eq(True))]
    if not people:
        errors["people"] = "Choose who should play it."
    if errors:
        raise Invalid(errors)
    now = datetime.now(UTC)
    async with db.transaction():
        await Assignment.insert(*(Assignment(scenario=slug, person=person, due_on=due, note=note.strip(),
                                             assigned_by=actor.person_id, assigned_at=now) for person in people))
        await record_event("scenario.assign", actor, target=f"scenario {slug}",
                           detail={"people": people, "due_on": due.isoformat()})
    return len(people)


async def my_assignments(person_id: int) -> list[dict]:
    return await assignments_of([person_id])


async def assignments_of(person_ids: list[int]) -> list[dict]:
    """The people's assignments, soonest due first, each with whether it is done (a finished self-paced
    run of the scenario since it was assigned) and whether it is overdue."""
    rows = await Assignment.select().where(Assignment.person.is_in(person_ids or [0])).order_by(Assignment.due_on)
    finished = await Run.select(Run.owner, Run.scenario.slug.as_alias("slug"), Run.updated_at).where(
        Run.owner.is_in(person_ids or [0]) & (Run.status == Run.Status.ended) & (Run.mode == Run.Mode.self_paced))
    today = datetime.now(UTC).date()
    for row in rows:
        row["done"] = any(run["owner"] == row["person"] and run["slug"] == row["scenario"]
                          and run["updated_at"] >= row["assigned_at"] for run in finished)
        row["overdue"] = not row["done"] and row["due_on"] < today
    return rows
