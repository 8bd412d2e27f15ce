"""Facilitated runs: a lobby with a join code, roles handed out, and a facilitator driving the clock.

Everything is an event in the run's record (exercises.tables.RunEvent), written under the run's row
lock, so any worker process can serve any participant or the console, and a restart loses nothing.
Time is worked out from the record (exercises/clock.py).
"""

import secrets
from datetime import UTC, datetime

from drillhub import db, permissions
from drillhub.accounts.tables import Person
from drillhub.audit.service import Actor, record_event
from drillhub.errors import Conflict, Forbidden, Invalid, NotFound
from drillhub.exercises.record import BY_FACILITATOR, BY_STAND_IN, released_injects
from drillhub.exercises.service import Played, RunRecord, load, stand_ins_decide, team_stand_in_choice
from drillhub.exercises.tables import Run, RunEvent, RunParticipant
from drillhub.scenarios import engine
from drillhub.scenarios.engine import EngineError
from drillhub.scenarios.service import get_current
from drillhub.scheduling.tables import Session

JOIN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread on a projector
JOIN_CODE_LENGTH = 6
MAX_EXTENSION_SECONDS = 3600


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


async def open_run(session_id: int, slug: str, actor: Actor) -> Run:
    session = await Session.objects().where(Session.id == session_id).first()
    if session is None:
        raise NotFound("No such session.")
    if session.status not in (Session.Status.published, Session.Status.completed):
        raise Conflict("Exercises run in published sessions.")
    version = await get_current(slug)
    now = datetime.now(UTC)
    async with db.transaction():
        run = Run(scenario=version.id, session=session_id, mode=Run.Mode.facilitated, status=Run.Status.lobby,
                  facilitator=actor.person_id, join_code=new_join_code(), created_at=now, updated_at=now)
        await run.save()
        await record_event("run.open", actor, target=f"run {run.id} session {session_id} {slug}")
    return run


async def join(code: str, person_id: int) -> Run:
    """An enrolled person (or the session's staff) joins the lobby or the running exercise."""
    run = await Run.objects().where(Run.join_code == code.strip().upper()).first()
    if run is None or run.status == Run.Status.ended:
        raise NotFound("No open exercise has this code. Check it with your facilitator.")
    if not await permissions.may_join_run(run, person_id):
        raise Forbidden("Only people enrolled in this session can join its exercise.")
    async with db.transaction():
        await db.lock_row(Run, run.id)  # the join is numbered in the run's record
        if not await RunParticipant.exists().where((RunParticipant.run == run.id) & (RunParticipant.person == person_id)):
            person = await Person.select(Person.agency).where(Person.id == person_id).first()
            await RunParticipant.insert(RunParticipant(run=run.id, person=person_id, agency=person["agency"], role=None,
                                                       joined_at=datetime.now(UTC)))
            record = RunRecord(await load(run.id))
            await record.add(RunEvent.Kind.join, person=person_id)
            await record.close()
    return run


async def _facilitated(run_id: int, actor: Actor, member: int | None = None) -> Played:
    """The run, locked, for its facilitator (or a coordinator, checked by the caller's guard), or for
    `member`, who must have joined it (checked before anything else is said of the run)."""
    await db.lock_row(Run, run_id)
    played = await load(run_id)
    if member is not None and member not in played.roles_of:
        raise Forbidden("You are not taking part in this exercise.")
    if played.run.mode != Run.Mode.facilitated:
        raise Conflict("This exercise has no facilitator.")
    return played


async def assign(run_id: int, person_id: int, role: str, actor: Actor) -> None:
    """Give a participant a role ('' to take it away). Several people may share a role."""
    async with db.transaction():
        played = await _facilitated(run_id, actor)
        if role and role not in played.compiled.role_ids:
            raise Invalid({"role": "Choose one of the scenario's roles."})
        updated = await RunParticipant.update({RunParticipant.role: role or None}).where(
            (RunParticipant.run == run_id) & (RunParticipant.person == person_id)).returning(RunParticipant.id)
        if not updated:
            raise NotFound("This person has not joined the exercise.")
        record = RunRecord(played)
        await record.add(RunEvent.Kind.assign, person=actor.person_id, role=role, data={"participant": person_id})
        await record.close()


async def start(run_id: int, actor: Actor) -> None:
    async with db.transaction():
        played = await _facilitated(run_id, actor)
        if played.run.status != Run.Status.lobby:
            raise Conflict("The exercise has already started.")
        if not any(played.roles_of.values()):  # someone must hold a role
            raise Conflict("Give at least one participant a role first.")
        record = RunRecord(played)
        await record.start(person=actor.person_id)
        played.node_started_at = record.now  # the first scene's clock starts now
        await record.set_status(Run.Status.running)
        await record.close()


def blocker(played: Played) -> str:
    """What the current decision waits for before the run can move on, in words ('' when nothing). A
    role nobody plays is named as such: a stand-in or the time-out decides for it, not a person."""
    compiled, state = played.compiled, played.state
    decision = engine.current_decision(compiled, state)
    if decision is None:
        return ""
    titles = {role.id: role.title for role in compiled.scenario.roles}
    held = {role for roles in played.roles_of.values() for role in roles}
    if decision.mode == "team":
        if state.confirmed is not None:
            return ""
        lead = decision.lead if decision.lead in held else None
        who = f"{titles[lead]} or the facilitator" if lead else "the facilitator (or a stand-in)"
        missing = [role for role in engine.not_voted(compiled, state) if role in held]
        votes_missing = f"; no vote yet from {_listed([titles[r] for r in missing])}" if missing else ""
        return f"the team's choice is not confirmed yet ({who} confirms it){votes_missing}"
    missing = engine.waiting_on(compiled, state)
    players = [titles[r] for r in missing if r in held]
    nobody = [titles[r] for r in missing if r not in held]
    parts = [f"{_listed(players)} {'has' if len(players) == 1 else 'have'} not decided yet"] if players else []
    if nobody:
        parts.append(f"nobody plays {_listed(nobody)}: the stand-ins decide"
                     + (", or the time-out" if decision.time_limit else ""))
    return "; ".join(parts)


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


async def facilitator_action(run_id: int, action: str, actor: Actor, step: int | None = None,
                             seconds: int = 0, inject_id: str = "", choice: str = "", released: int | None = None,
                             repeat: bool = False, confirmed: bool = False) -> None:
    """pause, resume, extend (seconds), release (an inject), confirm (a team choice), stand_in (roles
    nobody holds decide), advance, end (only `confirmed`: ending early cannot be undone). A release names
    how many times the page showed the inject released (`released`), so a second click is refused; an
    inject already out is sent again only on purpose (`repeat`), and the record says it was a repeat."""
    if action == "end" and not confirmed:
        raise Invalid({"confirm": "Confirm that you want to end the exercise now; it cannot be resumed."})
    async with db.transaction():
        played = await _facilitated(run_id, actor)
        status = played.run.status
        if status == Run.Status.ended or (status == Run.Status.lobby and action != "end"):
            raise Conflict("The exercise is not running.")
        if step is not None and step != played.step:
            raise Conflict("The exercise has moved on since this page was shown.")
        record = RunRecord(played)
        if action == "pause" and status == Run.Status.running:
            await record.add(RunEvent.Kind.pause, person=actor.person_id)
            await record.set_status(Run.Status.paused)
        elif action == "resume" and status == Run.Status.paused:
            await record.add(RunEvent.Kind.resume, person=actor.person_id)
            await record.set_status(Run.Status.running)
        elif action == "extend" and 0 < seconds <= MAX_EXTENSION_SECONDS:
            await record.add(RunEvent.Kind.extend, person=actor.person_id, data={"seconds": seconds})
        elif action == "release":
            await _release(played, record, actor, inject_id, released, repeat)
        elif action == "confirm":
            try:
                played.state = engine.confirm(played.compiled, played.state, choice)
            except EngineError as refused:
                raise Conflict(str(refused)) from None
            await record.add(RunEvent.Kind.confirm, person=actor.person_id, choice=choice, data={"by": BY_FACILITATOR})
        elif action == "stand_in":
            await _stand_ins_decide(played, record)
        elif action == "advance":
            if not engine.can_advance(played.compiled, played.state):
                raise Conflict(f"Cannot move on: {blocker(played)}. Wait, let stand-ins decide for roles "
                               "without players, extend the time, or let it run out.")
            await record.advance()
        elif action == "end":
            await record.end(person=actor.person_id, data={"by": "facilitator"})
        else:
            raise Invalid({"action": "This action cannot be taken now."})
        await record.close()
        await record_event(f"run.{action}", actor, target=f"run {run_id}")


async def _release(played: Played, record: RunRecord, actor: Actor, inject_id: str, released: int | None,
                   repeat: bool) -> None:
    inject = next((inject for inject in (played.node.injects if played.node else []) if inject.id == inject_id), None)
    if inject is None:
        raise Invalid({"inject": "Choose an inject of the current scene."})
    times = released_injects(played.events, played.step).get(inject_id, [])
    if released is not None and released != len(times):
        raise Conflict("This inject was released since the page was shown; nothing more was sent.")
    if times and not repeat:
        raise Conflict("This inject is already out; to send it again, choose Release again.")
    await record.delivered(inject, "by hand", person=actor.person_id, repeat=bool(times))


async def _stand_ins_decide(played: Played, record: RunRecord) -> None:
    """Roles nobody holds take their stand-in choice (as in self-paced play). In a team decision whose
    lead nobody holds, the lead's stand-in settles on the team's leading vote, or on its own choice when
    nobody has voted."""
    decision = engine.current_decision(played.compiled, played.state)
    if decision is None:
        raise Conflict("There is no decision to make here.")
    if decision.mode != "team":
        await stand_ins_decide(played, record)
        return
    held = {role for roles in played.roles_of.values() for role in roles}
    if played.state.confirmed is None and decision.lead not in held:
        tally = votes(played)
        choice = max(tally, key=lambda c: len(tally[c])) if tally else team_stand_in_choice(played, decision).id
        await record.add(RunEvent.Kind.confirm, choice=choice, role=decision.lead or "",
                         data={"by": BY_STAND_IN, "votes": tally})
        played.state = engine.confirm(played.compiled, played.state, choice)


async def confirm_as_lead(run_id: int, step: int | None, choice: str, person_id: int, actor: Actor) -> None:
    """In a team decision the lead role's holder (or the facilitator) settles the team's choice."""
    async with db.transaction():
        played = await _facilitated(run_id, actor, member=person_id)
        if step != played.step or played.run.status != Run.Status.running:
            raise Conflict("The exercise has moved on since this page was shown.")
        decision = engine.current_decision(played.compiled, played.state)
        if decision is None or decision.mode != "team" or decision.lead not in played.roles_of.get(person_id, []):
            raise Forbidden("Only the lead role confirms the team's choice.")
        try:
            played.state = engine.confirm(played.compiled, played.state, choice)
        except EngineError as refused:
            raise Conflict(str(refused)) from None
        record = RunRecord(played)
        await record.add(RunEvent.Kind.confirm, person=person_id, role=decision.lead, choice=choice)
        await record.close()


def votes(played: Played) -> dict[str, list[str]]:
    """Team decisions: the roles that voted for each choice so far."""
    tally: dict[str, list[str]] = {}
    for role, choice in played.state.choices.items():
        tally.setdefault(choice, []).append(role)
    return tally


async def participants(run_id: int) -> list[dict]:
    return await RunParticipant.select(
        RunParticipant.person, RunParticipant.role, RunParticipant.person.name.as_alias("name"),
        RunParticipant.agency.code.as_alias("agency_code")).where(RunParticipant.run == run_id).order_by(
        RunParticipant.joined_at)


async def runs_of_session(session_id: int) -> list[dict]:
    return await Run.select(Run.id, Run.status, Run.join_code, Run.created_at, Run.scenario.title.as_alias("title")).where(
        Run.session == session_id).order_by(Run.id, ascending=False)

