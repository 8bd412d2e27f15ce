"""The xAPI statements of a run's recorded events: every decision (a player's, a default on time-out, a
stand-in's, a facilitator's), every scene reached by each player, and the exercise completed (or ended
early) with its points per objective. Called by exercises.service.RunRecord for each event it records,
in the same transaction."""

from datetime import datetime

from drillhub.exercises.record import BY_PLAYER, BY_TIMEOUT, MADE_BY, made_by
from drillhub.exercises.tables import Run, RunEvent
from drillhub.scenarios.tables import ScenarioVersion
from drillhub.settings import settings_in_use
from drillhub.xapi import statements
from drillhub.xapi.service import pending
from drillhub.xapi.tables import XapiStatement

async def _where(played) -> statements.Where:
    scenario = played.compiled.scenario
    row = await ScenarioVersion.select(ScenarioVersion.sha256).where(ScenarioVersion.id == played.run.scenario).first()
    return statements.Where(settings_in_use().public_url, played.run.id, played.run.session, scenario.id,
                            scenario.title, row["sha256"])


async def of_event(played, kind: str, event: dict, at: datetime) -> list[XapiStatement]:
    """`event` as RunRecord keeps it (role, node, choice, rationale, data, person, agency, shown_at, ...)."""
    compiled = played.compiled
    if kind in (RunEvent.Kind.decision, RunEvent.Kind.confirm):
        by = made_by(event)
        if kind == RunEvent.Kind.confirm and by == BY_PLAYER and played.run.mode == Run.Mode.self_paced:
            return []  # alone, a player's vote is the team's choice: its answered statement says so already
        decision = compiled.nodes[event["node"]].decision
        made = statements.decided(
            await _where(played), at, event["person"], event["role"], event["agency"], event["node"], decision.prompt,
            [(choice.id, choice.label, choice.expected) for choice in decision.choices], event["choice"],
            MADE_BY[by], "" if by == BY_TIMEOUT else event["rationale"],  # what was typed, never sent, stays here
            event["shown_at"], team=kind == RunEvent.Kind.confirm)
        return [pending(made, "answered", event["person"])]
    if kind == RunEvent.Kind.assign:
        return await _joined_mid_scene(played, event, at)
    players = [(person, roles) for person, roles in played.roles_of.items() if roles]
    if kind in (RunEvent.Kind.start, RunEvent.Kind.advance, RunEvent.Kind.timeout):
        node = (event["data"] or {}).get("to") or event["node"]
        title = (compiled.nodes.get(node) or compiled.endings[node]).title
        where = await _where(played)
        return [pending(statements.reached(where, at, person, ", ".join(roles), played.agency_of.get(person), node,
                                           title), "experienced", person) for person, roles in players]
    if kind == RunEvent.Kind.end:
        started_at = next((e["at"] for e in played.events if e["kind"] == RunEvent.Kind.start), None)
        if started_at is None:
            return []  # ended in the lobby: nobody played
        ending = (event["data"] or {}).get("ending", "")
        outcomes = {objective: str(outcome) for objective, outcome in compiled.endings[ending].objectives.items()} \
            if ending else {}
        where = await _where(played)
        return [pending(statements.finished(where, at, person, ", ".join(roles), played.agency_of.get(person), ending,
                                            dict(played.state.scores), outcomes, started_at),
                        "completed" if ending else "terminated", person) for person, roles in players]
    return []


async def _joined_mid_scene(played, event: dict, at: datetime) -> list[XapiStatement]:
    """A person given their first role while the run is under way reaches the scene it is in (the others
    reached it when it began)."""
    person = (event["data"] or {}).get("participant")
    if not event["role"] or played.roles_of.get(person) or played.state.ended or \
            played.run.status not in (Run.Status.running, Run.Status.paused):
        return []
    node = played.state.node
    made = statements.reached(await _where(played), at, person, event["role"], played.agency_of.get(person), node,
                              played.compiled.nodes[node].title)
    return [pending(made, "experienced", person)]
