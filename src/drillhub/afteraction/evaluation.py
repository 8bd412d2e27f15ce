"""The Exercise Evaluation Guide of one exercise: capability targets with their critical tasks,
evaluators' time-stamped observations, and P/S/M/U ratings reconciled by the lead evaluator."""

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from drillhub import db, parse
from drillhub.afteraction.service import report_is_final, runs_of
from drillhub.afteraction.tables import CapabilityTarget, Observation, Rating
from drillhub.audit.service import Actor, record_event
from drillhub.errors import Conflict, Invalid, NotFound
from drillhub.exercises import record
from drillhub.exercises.tables import RunEvent
from drillhub.reference import core_capabilities
from drillhub.scenarios.service import compiled_version, get_current
from drillhub.scheduling.tables import Course, Session

RATING_MEANINGS = {
    "P": "Performed without challenges", "S": "Performed with some challenges",
    "M": "Performed with major challenges", "U": "Unable to be performed",
}
MAX_TASKS = 20
LONG = 4000
TASK_LENGTH = 500  # one critical task


async def _open(session_id: int) -> None:
    """Inside a transaction: refuse changes once the AAR is final."""
    if await report_is_final(session_id):
        raise Conflict("The After-Action Report is final, so the evaluation can no longer change.")


# Capability targets ------------------------------------------------------------------------------

@dataclass(frozen=True)
class TargetInput:
    objective: str = ""
    capability: str = ""
    target: str = ""
    critical_tasks: str = ""  # one per line


async def list_targets(session_id: int) -> list[dict]:
    return await CapabilityTarget.select().where(CapabilityTarget.session == session_id).order_by(
        CapabilityTarget.position).order_by(CapabilityTarget.id).output(load_json=True)


async def get_target(session_id: int, target_id: int) -> dict:
    row = await CapabilityTarget.select().where((CapabilityTarget.id == target_id)
                                                & (CapabilityTarget.session == session_id)).output(load_json=True).first()
    if row is None:
        raise NotFound("No such capability target in this exercise.")
    return row


def _checked_target(data: TargetInput) -> dict:
    errors = parse.too_long({"objective": (data.objective, LONG), "target": (data.target, LONG),
                             **{"critical_tasks": (line, TASK_LENGTH) for line in data.critical_tasks.splitlines()
                                if len(line.strip()) > TASK_LENGTH}})
    if data.capability not in core_capabilities().by_name:
        errors["capability"] = "Choose a core capability."
    if not data.target.strip():
        errors["target"] = "Describe the capability target: what should be achieved, by when."
    tasks = [line.strip() for line in data.critical_tasks.splitlines() if line.strip()]
    if len(tasks) > MAX_TASKS:
        errors["critical_tasks"] = f"At most {MAX_TASKS} critical tasks per target."
    if errors:
        raise Invalid(errors)
    return {"objective": data.objective.strip(), "capability": data.capability,
            "target": data.target.strip(), "critical_tasks": tasks}


async def save_target(session_id: int, target_id: int | None, data: TargetInput) -> int:
    values = _checked_target(data)
    async with db.transaction():
        await _open(session_id)
        if target_id is None:
            count = await CapabilityTarget.count().where(CapabilityTarget.session == session_id)
            target = CapabilityTarget(session=session_id, position=count, **values)
            await target.save()
            return target.id
        await get_target(session_id, target_id)
        await CapabilityTarget.update({getattr(CapabilityTarget, key): value for key, value in values.items()}).where(
            CapabilityTarget.id == target_id)
    return target_id


async def delete_target(session_id: int, target_id: int) -> None:
    """Its ratings go with it; observations stay, no longer tied to a target."""
    async with db.transaction():
        await _open(session_id)
        await get_target(session_id, target_id)
        await CapabilityTarget.delete().where(CapabilityTarget.id == target_id)


async def seed_targets(session_id: int) -> int:
    """A first EEG from the scenarios of the session's course: one target per objective and core
    capability, its critical tasks the expected actions of the injects that test the objective."""
    session = await Session.objects().where(Session.id == session_id).first()
    if session is None:
        raise NotFound("No such session.")
    course = await Course.objects().where(Course.id == session.course).output(load_json=True).first()
    rows = []
    for slug in course.scenarios:
        try:
            scenario = (await compiled_version((await get_current(slug)).id)).scenario
        except NotFound:
            continue  # a scenario taken out of the library since
        injects = [inject for node in scenario.nodes for inject in node.injects]
        for objective in scenario.objectives:
            tasks = [i.expected_action for i in injects if i.objective == objective.id and i.expected_action]
            for capability in objective.core_capabilities:
                if capability in core_capabilities().by_name:
                    rows.append({"objective": objective.description, "capability": capability,
                                 "target": objective.description, "critical_tasks": tasks[:MAX_TASKS]})
    async with db.transaction():
        await _open(session_id)
        if await CapabilityTarget.exists().where(CapabilityTarget.session == session_id):
            raise Conflict("This exercise already has capability targets.")
        if rows:
            await CapabilityTarget.insert(*(CapabilityTarget(session=session_id, position=n, **row)
                                            for n, row in enumerate(rows)))
    return len(rows)


# Observations ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ObservationInput:
    concerns: str = ""  # "target id", or "target id:critical task", or empty
    link: str = ""  # "run:seq" of an inject or decision, or empty
    observed_at: str = ""  # local time, as an <input type="datetime-local"> sends it; empty: now
    note: str = ""
    kind: str = ""  # strength, improvement or note (Observation.Kind)


async def linkable_events(session_id: int) -> list[tuple[str, str]]:
    """The injects and decisions of the exercise's runs, newest first, as (value, label) choices."""
    choices = []
    zone = ZoneInfo((await Session.select(Session.time_zone).where(Session.id == session_id).first())["time_zone"])
    for run in await runs_of(session_id):
        scenario = (await compiled_version(run["scenario"])).scenario
        roles = {role.id: role.title for role in scenario.roles}
        choice_labels = {c.id: c.label for node in scenario.nodes if node.decision for c in node.decision.choices}
        inject_labels = {i.id: f"{i.method.replace('_', ' ')} from {i.from_}" for node in scenario.nodes for i in node.injects}
        events = await RunEvent.select(RunEvent.seq, RunEvent.kind, RunEvent.role, RunEvent.choice, RunEvent.at,
                                       RunEvent.data).where(
            (RunEvent.run == run["id"]) & RunEvent.kind.is_in([RunEvent.Kind.inject, RunEvent.Kind.decision])
        ).order_by(RunEvent.seq, ascending=False).output(load_json=True)
        for event in events:
            how = record.made_by(event)
            what = (f"inject: {inject_labels.get(event['data'].get('inject'), event['data'].get('inject'))}"
                    if event["kind"] == RunEvent.Kind.inject
                    else f"{roles.get(event['role'], event['role'])} chose {choice_labels.get(event['choice'], event['choice'])}"
                    + ("" if how == record.BY_PLAYER else f" ({record.MADE_BY[how]})"))
            choices.append((f"{run['id']}:{event['seq']}", f"Run {run['id']}, {event['at'].astimezone(zone):%H:%M}, {what}"))
    return choices


async def record_observation(session_id: int, evaluator_id: int, data: ObservationInput, zone: str) -> Observation:
    errors = {}
    target = None
    target_part, _, task = data.concerns.partition(":")
    if target_part:
        try:
            target = await get_target(session_id, parse.record_id(target_part) or 0)
        except NotFound:
            errors["concerns"] = "Choose a capability target of this exercise."
        else:
            if task and task not in target["critical_tasks"]:
                errors["concerns"] = "Choose one of the target's critical tasks."
    run_id = seq = None
    if data.link:
        if data.link not in {value for value, _ in await linkable_events(session_id)}:
            errors["link"] = "Choose an inject or decision of this exercise's runs."
        else:
            run_id, seq = (int(part) for part in data.link.split(":"))
    now = datetime.now(UTC)
    observed_at = parse.local_datetime(data.observed_at, ZoneInfo(zone)) if data.observed_at.strip() else now
    if observed_at is None:
        errors["observed_at"] = "Enter the date and time observed, or leave it for now."
    elif observed_at > now:
        errors["observed_at"] = "The time observed cannot be in the future."
    if not data.note.strip():
        errors["note"] = "Write what you observed."
    errors |= parse.too_long({"note": (data.note, LONG)})
    if data.kind not in Observation.Kind.__members__:
        errors["kind"] = "Say what it shows: a strength, an area for improvement, or neither."
    if errors:
        raise Invalid(errors)
    observation = Observation(session=session_id, evaluator=evaluator_id, target=target["id"] if target else None,
                              task=task, run=run_id, event_seq=seq, observed_at=observed_at,
                              note=data.note.strip(), kind=data.kind, created_at=now)
    async with db.transaction():
        await _open(session_id)
        await observation.save()
    return observation


async def list_observations(session_id: int) -> list[dict]:
    return await Observation.select(
        *Observation.all_columns(), Observation.evaluator.name.as_alias("evaluator_name"),
        Observation.target.capability.as_alias("capability"), Observation.target.target.as_alias("target_text"),
    ).where(Observation.session == session_id).order_by(Observation.observed_at, ascending=False)


# Ratings -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RatingInput:
    capability: str = ""
    target: str = ""  # a target id; empty rates the capability as a whole
    value: str = ""
    note: str = ""
    reconciled: str = ""  # "yes": the lead evaluator's rating for the report


async def rate(session_id: int, evaluator_id: int, data: RatingInput, may_reconcile: bool, actor: Actor) -> None:
    """An evaluator's rating, replacing their earlier one of the same target or capability."""
    targets = {row["id"]: row for row in await list_targets(session_id)}
    target_id = parse.record_id(data.target)
    errors = parse.too_long({"note": (data.note, LONG)})
    if data.target and target_id not in targets:
        errors["target"] = "Choose a capability target of this exercise."
    elif target_id is not None and targets[target_id]["capability"] != data.capability:
        errors["capability"] = "The target belongs to another capability."
    elif not any(row["capability"] == data.capability for row in targets.values()):
        errors["capability"] = "Rate a capability this exercise evaluates."
    if data.value not in RATING_MEANINGS:
        errors["value"] = "Choose P, S, M or U."
    reconciled = data.reconciled == "yes"
    if reconciled and not may_reconcile:
        errors["reconciled"] = "Only the lead evaluator reconciles the ratings."
    if errors:
        raise Invalid(errors)
    same = ((Rating.session == session_id) & (Rating.capability == data.capability) & (Rating.reconciled == reconciled)
            & ((Rating.target == target_id) if target_id else Rating.target.is_null()))
    async with db.transaction():
        await _open(session_id)
        await Rating.delete().where(same if reconciled else same & (Rating.evaluator == evaluator_id))
        await Rating.insert(Rating(session=session_id, evaluator=evaluator_id, capability=data.capability,
                                   target=target_id, value=data.value, reconciled=reconciled,
                                   note=data.note.strip(), rated_at=datetime.now(UTC)))
        if reconciled:
            await record_event("eeg.reconcile", actor, target=f"session {session_id}",
                               detail={"capability": data.capability, "target": target_id, "rating": data.value})


@dataclass(frozen=True)
class RatingLine:
    capability: str
    target: dict | None  # None: the capability as a whole
    by_evaluator: dict[str, tuple[str, str]]  # evaluator name -> (rating, their reason)
    reconciled: str  # the lead evaluator's rating, or "": never a default
    reconciled_note: str = ""


async def rating_board(session_id: int) -> list[RatingLine]:
    """Per capability, in EEG order: each target's ratings and then the capability's own."""
    targets = await list_targets(session_id)
    ratings = await Rating.select(*Rating.all_columns(), Rating.evaluator.name.as_alias("evaluator_name")).where(
        Rating.session == session_id)
    lines = []
    for capability in dict.fromkeys(row["capability"] for row in targets):
        for target in [*(row for row in targets if row["capability"] == capability), None]:
            mine = [r for r in ratings if r["capability"] == capability
                    and r["target"] == (target["id"] if target else None)]
            final = next((r for r in mine if r["reconciled"]), None)
            lines.append(RatingLine(
                capability, target,
                {r["evaluator_name"] or "former evaluator": (r["value"], r["note"]) for r in mine if not r["reconciled"]},
                final["value"] if final else "", final["note"] if final else ""))
    return lines
