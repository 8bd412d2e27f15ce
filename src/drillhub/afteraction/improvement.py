"""The Improvement Plan: corrective actions from the AAR, tracked to closure by the responsible agency."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime

from drillhub import db, parse, permissions
from drillhub.agencies.tables import Agency
from drillhub.afteraction.tables import ActionNote, CapabilityTarget, CorrectiveAction
from drillhub.audit.service import Actor, record_event
from drillhub.errors import Forbidden, Invalid, NotFound
from drillhub.scheduling.service import copy_session

OPEN_STATUSES = (CorrectiveAction.Status.open, CorrectiveAction.Status.in_progress)
LONG = 4000


async def plan_rows(session_id: int) -> list[dict]:
    """The Improvement Plan matrix of an exercise, as the report prints it."""
    rows = await CorrectiveAction.select(
        CorrectiveAction.capability, CorrectiveAction.issue, CorrectiveAction.action, CorrectiveAction.element,
        CorrectiveAction.agency.name.as_alias("agency"), CorrectiveAction.contact, CorrectiveAction.start_on,
        CorrectiveAction.due_on, CorrectiveAction.status,
    ).where(CorrectiveAction.session == session_id).order_by(CorrectiveAction.capability).order_by(CorrectiveAction.id)
    objectives: dict[str, list[str]] = {}  # capability -> the objectives its targets serve in this exercise
    for target in await CapabilityTarget.select(CapabilityTarget.capability, CapabilityTarget.objective).where(
            CapabilityTarget.session == session_id).order_by(CapabilityTarget.position):
        if target["objective"] and target["objective"] not in objectives.setdefault(target["capability"], []):
            objectives[target["capability"]].append(target["objective"])
    return [{**row, "objective": "; ".join(objectives.get(row["capability"], [])),
             "start_on": row["start_on"].isoformat(), "due_on": row["due_on"].isoformat()} for row in rows]


@dataclass(frozen=True)
class ActionInput:
    capability: str = ""
    issue: str = ""
    action: str = ""
    element: str = ""
    agency: str = ""
    contact: str = ""
    start_on: str = ""
    due_on: str = ""


async def add_action(session_id: int, data: ActionInput, capabilities: list[str], actor: Actor) -> int:
    """A row of the exercise's Improvement Plan; `capabilities` are those the exercise evaluated."""
    errors = parse.too_long({"issue": (data.issue, LONG), "action": (data.action, LONG), "contact": (data.contact, 200)})
    if data.capability not in capabilities:
        errors["capability"] = "Choose a core capability of this exercise."
    for field, label in (("issue", "the issue or area for improvement"), ("action", "the corrective action")):
        if not getattr(data, field).strip():
            errors[field] = f"Describe {label}."
    if data.element not in CorrectiveAction.Element.__members__:
        errors["element"] = "Choose the capability element: planning, organization, equipment, training or exercise."
    agency = parse.record_id(data.agency)
    if agency is None or not await Agency.exists().where((Agency.id == agency) & Agency.active.eq(True)):
        errors["agency"] = "Choose the primary responsible organisation."
    start_on, due_on = parse.day(data.start_on), parse.day(data.due_on)
    if start_on is None:
        errors["start_on"] = "Enter the start date."
    if due_on is None:
        errors["due_on"] = "Enter the completion date."
    elif start_on and due_on < start_on:
        errors["due_on"] = "The completion date cannot be before the start date."
    if errors:
        raise Invalid(errors)
    now = datetime.now(UTC)
    async with db.transaction():
        row = CorrectiveAction(session=session_id, capability=data.capability, issue=data.issue.strip(),
                               action=data.action.strip(), element=data.element, agency=agency,
                               contact=data.contact.strip(), start_on=start_on, due_on=due_on, created_at=now,
                               updated_at=now, updated_by=actor.person_id)
        await row.save()
        await record_event("ip.add", actor, target=f"corrective action {row.id}", detail={"session": session_id})
    return row.id


async def get_action(action_id: int) -> dict:
    row = await CorrectiveAction.select().where(CorrectiveAction.id == action_id).first()
    if row is None:
        raise NotFound("No such corrective action.")
    return row


async def track_action(action_id: int, status: str, note: str, user, actor: Actor) -> None:
    """A new status and/or note, added to the action's history (nothing said before is overwritten)."""
    row = await get_action(action_id)
    if not permissions.may_see_agency_records(user, row["agency"]):
        raise Forbidden("Only the responsible agency's supervisors and coordinators update this action.")
    errors = parse.too_long({"notes": (note, LONG)})
    if status not in CorrectiveAction.Status.__members__:
        errors["status"] = "Choose open, in progress, completed or cancelled."
    if not note.strip() and status == row["status"]:
        errors["notes"] = "Write a note, or change the status."
    if errors:
        raise Invalid(errors)
    now = datetime.now(UTC)
    async with db.transaction():
        await ActionNote.insert(ActionNote(action=action_id, at=now, author=actor.person_id, author_name=user.name,
                                           status=status, text=note.strip()))
        await CorrectiveAction.update({CorrectiveAction.status: status, CorrectiveAction.updated_at: now,
                                       CorrectiveAction.updated_by: actor.person_id}).where(CorrectiveAction.id == action_id)
        await record_event("ip.update", actor, target=f"corrective action {action_id}", detail={"status": status})


async def actions_verified_by(session_id: int) -> list[dict]:
    """The corrective actions this session was proposed to verify, with the exercise each came from."""
    return await CorrectiveAction.select(
        CorrectiveAction.id, CorrectiveAction.session, CorrectiveAction.capability, CorrectiveAction.issue,
        CorrectiveAction.action, CorrectiveAction.status, CorrectiveAction.agency.name.as_alias("agency"),
        CorrectiveAction.session.course.title.as_alias("exercise"),
        CorrectiveAction.session.starts_at.as_alias("starts_at"), CorrectiveAction.session.time_zone.as_alias("time_zone"),
    ).where(CorrectiveAction.follow_up == session_id).order_by(CorrectiveAction.id)


async def propose_follow_up(action_id: int, actor: Actor) -> int:
    """A draft session of the same course (and so the same scenario) to verify the fix; its id."""
    row = await get_action(action_id)
    copy = await copy_session(row["session"], actor)
    await CorrectiveAction.update({CorrectiveAction.follow_up: copy.id}).where(CorrectiveAction.id == action_id)
    return copy.id


async def list_actions(user, today: date | None = None) -> list[dict]:
    """The actions this person tracks, overdue ones first, each marked overdue or not."""
    today = today or datetime.now(UTC).date()
    query = CorrectiveAction.select(
        *CorrectiveAction.all_columns(), CorrectiveAction.agency.name.as_alias("agency_name"),
        CorrectiveAction.session.course.title.as_alias("exercise"),
    ).order_by(CorrectiveAction.due_on)
    if not permissions.coordinates(user):
        query = query.where(CorrectiveAction.agency.is_in(permissions.supervised_agencies(user) or [0]))
    rows = await query
    history: dict[int, list[dict]] = defaultdict(list)  # action -> its notes, newest first
    for note in await ActionNote.select().where(ActionNote.action.is_in([row["id"] for row in rows] or [0])).order_by(
            ActionNote.at, ascending=False).order_by(ActionNote.id, ascending=False):
        history[note["action"]].append(note)
    for row in rows:
        row["overdue"] = row["status"] in OPEN_STATUSES and row["due_on"] < today
        row["history"] = history[row["id"]]
    return sorted(rows, key=lambda row: (not row["overdue"], row["status"] not in OPEN_STATUSES, row["due_on"]))
