"""What the exercise's runs recorded, as the After-Action Report and the analysts' exports read it:
every role's decision, the decision points, and each run's timeline. Read through exercises.record,
like the debrief."""

from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from drillhub.accounts.tables import Person
from drillhub.afteraction.service import runs_of
from drillhub.agencies.tables import Agency
from drillhub.exercises import record
from drillhub.exercises.tables import RunEvent
from drillhub.scenarios.service import compiled_version

TIMELINE_KINDS = ["start", "decision", "confirm", "advance", "timeout", "inject", "end"]
DECISION_KINDS = ["decision", "confirm"]


def iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


@dataclass(frozen=True)
class _Labels:
    """What a scenario calls its roles, scenes, choices and endings."""

    slug: str
    title: str
    roles: dict
    nodes: dict
    endings: dict
    choices: dict  # node id -> choice id -> label
    judged: set  # nodes with an expected action: elsewhere a decision is neither right nor wrong
    injects: dict

    @classmethod
    def of(cls, scenario) -> "_Labels":
        return cls(
            scenario.id, scenario.title, {role.id: role.title for role in scenario.roles}, {node.id: node for node in scenario.nodes},
            {ending.id: ending.title for ending in scenario.endings},
            {node.id: {c.id: c.label for c in node.decision.choices} for node in scenario.nodes if node.decision},
            {node.id for node in scenario.nodes if node.decision and any(c.expected for c in node.decision.choices)},
            {i.id: i for node in scenario.nodes for i in node.injects})


async def recorded_events(session_id: int) -> tuple[list[dict], list[dict], list[dict]]:
    """Every role's decision in the exercise's runs (votes in team decisions included), each marked how
    it was made (a player's own, a default on time-out, a stand-in); the decision points with their
    choices; and the timeline of scenes, injects and team decisions per run. Read through
    exercises.record, like the debrief."""
    return await events_of_runs(await runs_of(session_id))


async def events_of_runs(runs: list[dict], timeline: bool = True) -> tuple[list[dict], list[dict], list[dict]]:
    """recorded_events for any runs (rows with "id" and "scenario", the version played); without the
    timeline (empty) when not asked for, reading only the decisions."""
    labels_of = {version: _Labels.of((await compiled_version(version)).scenario)
                 for version in {run["scenario"] for run in runs}}
    version_of = {run["id"]: run["scenario"] for run in runs}
    events = await RunEvent.select(RunEvent.run, *record.COLUMNS).where(
        RunEvent.run.is_in(list(version_of) or [0]) & RunEvent.kind.is_in(TIMELINE_KINDS if timeline else DECISION_KINDS)
    ).order_by(RunEvent.run).order_by(RunEvent.seq).output(load_json=True)
    people = {row["id"]: row["name"] for row in await Person.select(Person.id, Person.name).where(
        Person.id.is_in(list({e["person"] for e in events if e["person"]}) or [0]))}
    agencies = {row["id"]: row["name"] for row in await Agency.select(Agency.id, Agency.name)}
    decisions, points, moments = [], {}, []
    for run, run_events in groupby(events, key=lambda event: event["run"]):
        run_events = list(run_events)
        labels = labels_of[version_of[run]]
        for d in record.decisions(run_events):
            if d.team:
                continue  # a team's choice is in the timeline; its members' votes are decisions here
            node = labels.nodes[d.node]
            key = f"{labels.title}/{d.node}"
            if key not in points:
                points[key] = {"key": key, "scenario": labels.title, "title": node.title, "prompt": node.decision.prompt,
                               "choices": [{"id": c.id, "label": c.label, "expected": c.expected}
                                           for c in node.decision.choices]}
            decisions.append({
                "point": key, "slug": labels.slug, "node": d.node, "run": run, "at": iso(d.at), "scene": node.title,
                "role": labels.roles.get(d.role, d.role), "agency": agencies.get(d.agency, "No agency"),
                "agency_id": d.agency,
                "person": people.get(d.person, ""), "choice": d.choice,
                "choice_label": labels.choices[d.node].get(d.choice, d.choice),
                "expected": d.expected if d.node in labels.judged else None, "rationale": d.rationale,
                "seconds": d.seconds, "made_by": record.MADE_BY[d.by], "own": d.own,
            })
        if timeline:
            moments += [{"run": run, "at": iso(moment.at), "kind": moment.kind, "text": _moment_text(labels, moment)}
                        for moment in record.timeline(run_events)]
    return decisions, list(points.values()), moments


def _moment_text(labels: _Labels, moment: record.Moment) -> str:
    if moment.kind == "scene":
        what = f"Ending: {labels.endings[moment.node]}" if moment.node in labels.endings else \
            labels.nodes[moment.node].title if moment.node in labels.nodes else moment.node
        return f"{'Time ran out; ' if moment.timed_out else ''}{what}"
    if moment.kind == "inject":
        inject = labels.injects.get(moment.what)
        text = f"{inject.method.replace('_', ' ')} from {inject.from_}: {moment.message or inject.message}" \
            if inject else moment.what
        return f"{text} (released again)" if moment.repeat else text
    node = labels.nodes.get(moment.node)
    chosen = labels.choices.get(moment.node, {}).get(moment.what, moment.what)
    made = "" if moment.how == record.BY_PLAYER else f" ({record.MADE_BY.get(moment.how, moment.how)})"
    return f"{node.title if node else ''}: {chosen}{made}"
