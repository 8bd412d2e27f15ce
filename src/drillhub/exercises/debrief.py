"""The debrief a player reads when a run ends: each decision against what was expected of that role and
why, the player's own rate beside every player's, and each objective scored from the points earned."""

from dataclasses import dataclass

from drillhub import permissions
from drillhub.accounts.tables import Person
from drillhub.agencies.tables import Agency
from drillhub.errors import Conflict, Forbidden
from drillhub.exercises.record import MADE_BY, Decided, as_read, decisions, offered
from drillhub.exercises.service import load
from drillhub.exercises.tables import Run
from drillhub.scenarios.engine import Compiled
from drillhub.scenarios.model import Choice

ENDED_EARLY = "The facilitator ended the exercise before it reached one of the scenario's endings."
# An objective is met when its decisions earned at least this share of the points they could have,
# partially met from the lower share; docs/scenario-format.md says so to authors.
MET_SHARE, PARTIALLY_MET_SHARE = 0.8, 0.4


@dataclass(frozen=True)
class DebriefLine:
    node_title: str
    role_title: str
    person: str  # who decided ("" for a default, a stand-in or a team's choice nobody made by hand)
    agency: str  # their agency's code
    choice_label: str
    expected: bool | None  # None where the scene has no expected action for this role
    expected_labels: tuple[str, ...]  # what was expected of this role here
    rationale: str
    seconds: int | None
    made_by: str  # MADE_BY: player, default on time-out, stand-in, facilitator
    mine: bool  # one of this person's roles (or their team's choice)
    debrief: tuple[str, ...]  # why: the chosen choice's explanation, then the expected action's if it was not


@dataclass(frozen=True)
class ObjectiveResult:
    description: str
    points: int  # earned by the decisions taken
    possible: int  # the most those decisions could have earned
    outcome: str  # met, partially met, not met; or the ending's word where no decision scored it


@dataclass(frozen=True)
class Debrief:
    title: str
    ending_title: str
    ending_summary: str
    objectives: tuple[ObjectiveResult, ...]
    path: tuple[str, ...]  # node titles in order
    lines: tuple[DebriefLine, ...]
    facilitated: bool  # lines name the person and agency
    played: bool  # the reader held a role (a facilitator reads the players' decisions)
    expected_rate: float | None  # share of this person's own decisions that were the expected action
    team_rate: float | None  # the same over every player's own decisions in the run
    not_own: int  # decisions made for a role: defaults on time-out, stand-ins, the facilitator


def _judged(compiled: Compiled, d: Decided, offered: dict[int, tuple[str, ...]]) -> tuple[Choice, list[Choice]]:
    """The choice made, and the expected actions among those open to the role (or team) at the time: an
    expected action a `when` kept closed is not held against anyone."""
    decision = compiled.nodes[d.node].decision
    chosen = next(c for c in decision.choices if c.id == d.choice)
    return chosen, [c for c in decision.choices if c.expected and c.id in offered[d.seq]]


def _rate(compiled: Compiled, decided: list[Decided], offered: dict[int, tuple[str, ...]]) -> float | None:
    """The share of these decisions that took the expected action, over those that had one to take."""
    judged = [chosen.expected for chosen, expected in (_judged(compiled, d, offered) for d in decided) if expected]
    return sum(judged) / len(judged) if judged else None


def objective_results(compiled: Compiled, decided: list[Decided], offered: dict[int, tuple[str, ...]],
                      ending_outcomes: dict[str, str]) -> list[ObjectiveResult]:
    """Each objective: the points its decisions earned out of the most the choices open to those roles
    (or teams) at the time offered, and the outcome that share gives; a vote scores nothing, a team's
    confirmed choice does. An objective no decision could score keeps the ending's word for it, or is
    'not scored'."""
    earned = dict.fromkeys(compiled.objective_ids, 0)
    possible = dict.fromkeys(compiled.objective_ids, 0)
    for d in decided:
        decision = compiled.nodes[d.node].decision
        if decision.mode == "team" and not d.team:
            continue
        choices = {c.id: c for c in decision.choices}
        for objective in earned:
            earned[objective] += choices[d.choice].points.get(objective, 0)
            possible[objective] += max([0, *(choices[c].points.get(objective, 0) for c in offered[d.seq])])
    results = []
    for objective in compiled.scenario.objectives:
        points, most = earned[objective.id], possible[objective.id]
        if most > 0:
            share = points / most
            outcome = "met" if share >= MET_SHARE else "partially met" if share >= PARTIALLY_MET_SHARE else "not met"
        else:
            outcome = ending_outcomes.get(objective.id, "not scored").replace("_", " ")
        results.append(ObjectiveResult(objective.description, points, most, outcome))
    return results


async def _names(decided: list[Decided]) -> tuple[dict[int, str], dict[int, str]]:
    people = {d.person for d in decided if d.person}
    agencies = {d.agency for d in decided if d.agency}
    names = {row["id"]: row["name"] for row in await Person.select(Person.id, Person.name).where(
        Person.id.is_in(list(people) or [0]))}
    codes = {row["id"]: row["code"] for row in await Agency.select(Agency.id, Agency.code).where(
        Agency.id.is_in(list(agencies) or [0]))}
    return names, codes


async def debrief(run_id: int, person_id: int) -> Debrief:
    played = await load(run_id)
    if not permissions.takes_part_in_run(played, person_id):
        raise Forbidden("You are not taking part in this exercise.")
    if played.run.status != Run.Status.ended:
        raise Conflict("The debrief is ready when the exercise ends.")
    compiled = played.compiled
    scenario = compiled.scenario
    titles = {node.id: node.title for node in scenario.nodes} | {e.id: e.title for e in scenario.endings}
    roles = {role.id: role.title for role in scenario.roles}
    mine = set(played.roles_of.get(person_id, []))
    decided = decisions(played.events)
    offered_then = offered(compiled, played.events)
    read = as_read(decided, played.run.mode == Run.Mode.self_paced)
    names, codes = await _names(decided)
    lines = []
    for d in read:
        chosen, expected_here = _judged(compiled, d, offered_then)
        team_mode = compiled.nodes[d.node].decision.mode == "team"
        role_title = "The team" if d.team else roles.get(d.role, d.role) + (" (vote)" if team_mode else "")
        why = [chosen.debrief, *(c.debrief for c in expected_here if not chosen.expected)]
        lines.append(DebriefLine(
            node_title=titles[d.node], role_title=role_title, person=names.get(d.person, ""),
            agency=codes.get(d.agency, ""), choice_label=chosen.label,
            expected=chosen.expected if expected_here else None,
            expected_labels=tuple(c.label for c in expected_here), rationale=d.rationale,
            seconds=d.seconds if d.own else None,  # a default or a stand-in took no time to think
            made_by=MADE_BY[d.by], mine=d.role in mine or d.person == person_id,
            debrief=tuple(text for text in why if text),
        ))
    own = [d for d in read if d.own and not d.team]
    ending = compiled.endings.get(played.state.node)
    if ending is None:  # the facilitator ended the exercise before it reached an ending
        ending_title, ending_summary, ending_outcomes = f"Ended at “{titles[played.state.node]}”", ENDED_EARLY, {}
    else:
        ending_title, ending_summary, ending_outcomes = ending.title, ending.summary, ending.objectives
    return Debrief(
        title=scenario.title, ending_title=ending_title, ending_summary=ending_summary,
        objectives=tuple(objective_results(compiled, decided, offered_then, ending_outcomes)),
        path=tuple(titles[node] for node in played.state.path), lines=tuple(lines),
        facilitated=played.run.mode == Run.Mode.facilitated, played=bool(mine),
        expected_rate=_rate(compiled, [d for d in own if d.role in mine or d.person == person_id], offered_then),
        team_rate=_rate(compiled, own, offered_then),
        not_own=sum(1 for d in decided if not d.own),
    )
