"""The audit log: who did what to which record, from where, and whether it was allowed."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from drillhub import parse
from drillhub.audit.tables import AuditEvent
from drillhub.db import insert_all
from drillhub.paging import Page, fetch_page


@dataclass(frozen=True)
class Actor:
    """Who is acting, as the audit log records them."""

    person_id: int | None
    label: str
    client: str = ""


ANONYMOUS = Actor(person_id=None, label="anonymous")


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    actor: str = ""
    target: str = ""
    outcome: str = ""


async def record_event(
    action: str,
    actor: Actor,
    target: str = "",
    outcome: AuditEvent.Outcome = AuditEvent.Outcome.success,
    detail: dict[str, Any] | None = None,
) -> None:
    await record_events(action, actor, [(target, detail or {})], outcome)


async def record_events(action: str, actor: Actor, entries: list[tuple[str, dict[str, Any]]],
                        outcome: AuditEvent.Outcome = AuditEvent.Outcome.success) -> None:
    """One event per (target, detail), written together (a whole session's certificates, say)."""
    at = datetime.now(UTC)
    await insert_all(AuditEvent, [
        AuditEvent(at=at, actor=actor.person_id, actor_label=actor.label[:254], action=action, target=target[:300],
                   outcome=outcome, client=actor.client[:64], detail=detail)
        for target, detail in entries])


async def list_events(filters: AuditFilter, number: int) -> Page:
    select = AuditEvent.select().order_by(AuditEvent.id, ascending=False)
    count = AuditEvent.count()
    conditions = []
    for column, search in ((AuditEvent.action, filters.action), (AuditEvent.actor_label, filters.actor),
                           (AuditEvent.target, filters.target)):
        if search := parse.search_text(search):
            conditions.append(column.ilike(f"%{search}%"))
    if filters.outcome in AuditEvent.Outcome.__members__:
        conditions.append(AuditEvent.outcome == filters.outcome)
    if conditions:
        select = select.where(*conditions)
        count = count.where(*conditions)
    return await fetch_page(select, count, number)
