"""The Improvement Plan: corrective actions from the AAR, tracked to closure by the responsible agency."""

from drillhub.afteraction.tables import CorrectiveAction


async def plan_rows(session_id: int) -> list[dict]:
    """The Improvement Plan matrix of an exercise, as the report prints it."""
    rows = await CorrectiveAction.select(
        CorrectiveAction.capability, CorrectiveAction.issue, CorrectiveAction.action, CorrectiveAction.element,
        CorrectiveAction.agency.name.as_alias("agency"), CorrectiveAction.contact, CorrectiveAction.start_on,
        CorrectiveAction.due_on, CorrectiveAction.status,
    ).where(CorrectiveAction.session == session_id).order_by(CorrectiveAction.capability).order_by(CorrectiveAction.id)
    return [{**row, "start_on": row["start_on"].isoformat(), "due_on": row["due_on"].isoformat()} for row in rows]
