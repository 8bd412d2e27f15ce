"""The xAPI statements of a run's recorded events: every decision (a player's, a default on time-out, a
stand-in's), every scene reached by each player, and the exercise completed with its points per objective.
Called by exercises.service.RunRecord for each event it records, in the same transaction."""

from datetime import datetime

from drillhub.exercises.record import MADE_BY, made_by
from drillhub.exercises.tables import RunEvent
from drillhub.scenarios.tables import ScenarioVersion
from drillhub.settings import settings_in_use
from drillhub.xapi import statements
from drillhub.xapi.service import pending
from drillhub.xapi.tables import XapiStatement

_SHA256: dict[int, str] = {}  # scenario version -> its SHA-256: a version never changes


async def _where(played) -> statements.Where:
    version_id, scenario = played.run.scenario, played.compiled.scenario
    if version_id not in _SHA256:
        row = await ScenarioVersion.select(ScenarioVersion.sha256).where(ScenarioVersion.id == version_id).first()
        _SHA256[version_id] = row["sha256"]
    return statements.Where(settings_in_use().public_url, played.run.id, played.run.session, scenario.id,
                            scenario.title, _SHA256[version_id])


async def of_event(played, kind: str, event: dict, at: datetime) -> list[XapiStatement]:
    """`event` as RunRecord keeps it (role, node, choice, rationale, data, person, agency, shown_at, ...)."""
    compiled = played.compiled
    if kind in (RunEvent.Kind.decision, RunEvent.Kind.confirm):
        decision = compiled.nodes[event["node"]].decision
        how = MADE_BY[made_by(event)]
        made = statements.decided(
            await _where(played), at, event["person"], event["role"], event["agency"], event["node"], decision.prompt,
            [(choice.id, choice.label, choice.expected) for choice in decision.choices], event["choice"], how,
            event["rationale"], event["shown_at"], team=kind == RunEvent.Kind.confirm)
        return [pending(made, "answered", event["person"])]
    players = [(person, roles) for person, roles in played.roles_of.items() if roles]
    if kind in (RunEvent.Kind.start, RunEvent.Kind.advance, RunEvent.Kind.timeout):
        node = (event["data"] or {}).get("to") or event["node"]
        title = (compiled.nodes.get(node) or compiled.endings[node]).title
        where = await _where(played)
        return [pending(statements.reached(where, at, person, ", ".join(roles), played.agency_of.get(person), node,
                                           title), "experienced", person) for person, roles in players]
    if kind == RunEvent.Kind.end:
        ending = (event["data"] or {}).get("ending", "")
        outcomes = {objective: str(outcome) for objective, outcome in compiled.endings[ending].objectives.items()} \
            if ending else {}
        where = await _where(played)
        return [pending(statements.finished(where, at, person, ", ".join(roles), played.agency_of.get(person), ending,
                                            dict(played.state.scores), outcomes, played.run.created_at),
                        "completed", person) for person, roles in players]
    return []
