"""Playing a scenario: a pure state machine, no web or database code.

A run is a RunState. Each step returns a new state, so the same choices always give the same run,
and a run can be rebuilt by replaying its recorded steps. Only checked scenarios are played.

    state = start(compiled)
    state = decide(compiled, state, "patrol", "hold_perimeter")   # each role, the lead, or team votes
    state = confirm(compiled, state, "evacuate")                    # team decisions only
    state = advance(compiled, state)                                # or time_out() when the clock ran out
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from drillhub.scenarios import expressions
from drillhub.scenarios.model import Choice, Decision, Ending, Inject, Node, Scenario, Variable, clock_seconds

Value = int | bool | str


class EngineError(Exception):
    """A step that the rules do not allow, e.g. a choice not offered to this role."""


@dataclass(frozen=True)
class Compiled:
    """A checked scenario with its lookups built and its conditions parsed once."""

    scenario: Scenario
    nodes: dict[str, Node]
    endings: dict[str, Ending]
    variables: dict[str, Variable]
    role_ids: tuple[str, ...]
    evaluators: dict[str, Callable[[dict], Value]] = field(default_factory=dict)

    def value_of(self, text: str, values: dict[str, Value]) -> Value:
        """A condition or computed effect, read on `values` (each text is compiled once)."""
        if text not in self.evaluators:
            self.evaluators[text] = expressions.compiled(expressions.parse(text))
        return self.evaluators[text](values)

    @cached_property
    def objective_ids(self) -> tuple[str, ...]:
        return tuple(objective.id for objective in self.scenario.objectives)


def compile_scenario(scenario: Scenario) -> Compiled:
    return Compiled(
        scenario=scenario,
        nodes={node.id: node for node in scenario.nodes},
        endings={ending.id: ending for ending in scenario.endings},
        variables={variable.id: variable for variable in scenario.variables},
        role_ids=tuple(role.id for role in scenario.roles),
    )


@dataclass(frozen=True)
class Change:
    """One variable change made by a step. `wanted` differs from `after` when a bound clamped it."""

    variable: str
    before: Value
    after: Value
    wanted: Value
    choice: str


@dataclass(frozen=True)
class RunState:
    node: str  # the current node, or the ending once ended
    variables: dict[str, Value]
    scores: dict[str, int]
    path: tuple[str, ...]
    choices: dict[str, str] = field(default_factory=dict)  # role -> choice (or vote) at this node
    confirmed: str | None = None  # a team decision's final choice
    ended: bool = False
    changes: tuple[Change, ...] = ()  # what the step into this node changed


PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]{0,63})\}")


def filled(text: str, variables: dict[str, Value]) -> str:
    """A scene's text with `{variable}` written as the variable's value now ("{victims} people in the
    water" -> "8 people in the water"; true/false as yes/no); any other braces as they are."""
    def value(match: re.Match) -> str:
        name = match.group(1)
        if name not in variables:
            return match.group(0)
        found = variables[name]
        return ("yes" if found else "no") if isinstance(found, bool) else str(found)
    return PLACEHOLDER.sub(value, text)


def _with(state: RunState, **changes) -> RunState:
    """The state with some fields changed (dataclasses.replace, without its cost per call: the simulator
    makes hundreds of thousands)."""
    return RunState(**{**state.__dict__, **changes})


def start(compiled: Compiled) -> RunState:
    """The first scene, its entry effects applied to the variables' initial values."""
    scenario = compiled.scenario
    changes: list[Change] = []
    variables = _entered(compiled, scenario.start, {v.id: v.initial for v in scenario.variables}, changes)
    return RunState(node=scenario.start, variables=variables,
                    scores={objective_id: 0 for objective_id in compiled.objective_ids}, path=(scenario.start,),
                    changes=tuple(changes))


def deciding_roles(decision: Decision, role_ids: tuple[str, ...]) -> tuple[str, ...]:
    """Who chooses: the lead alone, the roles the decision names, or else every role."""
    if decision.mode == "lead":
        return (decision.lead,)
    return tuple(decision.roles) or role_ids


def current_decision(compiled: Compiled, state: RunState) -> Decision | None:
    return None if state.ended else compiled.nodes[state.node].decision


def _offered(compiled: Compiled, state: RunState, choice: Choice, role: str) -> bool:
    if choice.roles and role not in choice.roles:
        return False
    return choice.when is None or bool(compiled.value_of(choice.when, state.variables))


def available_choices(compiled: Compiled, state: RunState, role: str) -> list[Choice]:
    decision = current_decision(compiled, state)
    if decision is None or role not in deciding_roles(decision, compiled.role_ids):
        return []
    return [choice for choice in decision.choices if _offered(compiled, state, choice, role)]


def _require_decision(compiled: Compiled, state: RunState) -> Decision:
    decision = current_decision(compiled, state)
    if decision is None:
        raise EngineError("There is no decision to make here.")
    return decision


def decide(compiled: Compiled, state: RunState, role: str, choice_id: str) -> RunState:
    """One role's choice (each and lead modes) or vote (team mode). Each role decides once per
    decision; in team mode a vote may change until the team's choice is confirmed."""
    decision = _require_decision(compiled, state)
    if role not in deciding_roles(decision, compiled.role_ids):
        raise EngineError(f"The {role} role does not take part in this decision.")
    if role in state.choices and decision.mode != "team":
        raise EngineError(f"The {role} role has already decided.")
    if state.confirmed is not None:
        raise EngineError("The team's choice is already confirmed.")
    choice = _choice(decision, choice_id)
    if choice is None or not _offered(compiled, state, choice, role):
        raise EngineError(f"That choice is not offered to the {role} role here.")
    return _with(state, choices={**state.choices, role: choice_id})


def _choice(decision: Decision, choice_id: str) -> Choice | None:
    return next((choice for choice in decision.choices if choice.id == choice_id), None)


def confirm(compiled: Compiled, state: RunState, choice_id: str) -> RunState:
    """The lead or facilitator settles a team decision."""
    decision = _require_decision(compiled, state)
    if decision.mode != "team":
        raise EngineError("Only team decisions are confirmed.")
    choice = _choice(decision, choice_id)
    if choice is None or not any(_offered(compiled, state, choice, role)
                                 for role in deciding_roles(decision, compiled.role_ids)):
        raise EngineError("That choice is not offered to the team here.")
    return _with(state, confirmed=choice_id)


def not_voted(compiled: Compiled, state: RunState) -> tuple[str, ...]:
    """A team decision not yet confirmed: the roles of the team that have not voted."""
    decision = current_decision(compiled, state)
    if decision is None or decision.mode != "team" or state.confirmed is not None:
        return ()
    return tuple(role for role in deciding_roles(decision, compiled.role_ids) if role not in state.choices)


def waiting_on(compiled: Compiled, state: RunState) -> tuple[str, ...]:
    """The roles still to decide (a team decision waits for its confirmation too: 'team')."""
    decision = current_decision(compiled, state)
    if decision is None:
        return ()
    if decision.mode == "team":
        return () if state.confirmed else ("team",)
    return tuple(role for role in deciding_roles(decision, compiled.role_ids) if role not in state.choices)


def scheduled_injects(compiled: Compiled, state: RunState) -> list[Inject]:
    """The current scene's scheduled (not contingency) injects whose `when`, if they have one, holds on
    the variables as the scene began."""
    node = compiled.nodes.get(state.node)
    return [inject for inject in (node.injects if node and not state.ended else [])
            if not inject.contingency and (inject.when is None or bool(compiled.value_of(inject.when, state.variables)))]


def injects_due(compiled: Compiled, state: RunState, elapsed_seconds: int) -> list[Inject]:
    """The scene's scheduled injects due this many seconds after it began."""
    return [inject for inject in scheduled_injects(compiled, state) if clock_seconds(inject.at) <= elapsed_seconds]


def texts_that_hold(compiled: Compiled, state: RunState) -> list:
    """The current scene's conditional texts whose `when` holds on the variables as the scene began."""
    node = compiled.nodes.get(state.node)
    return [text for text in (node.conditional_text if node and not state.ended else [])
            if compiled.value_of(text.when, state.variables)]


def stand_in_releases(compiled: Compiled, state: RunState) -> list[Inject]:
    """The current node's contingency injects that a stand-in facilitator releases (self-paced play): those
    whose release_when holds on the variables as the node began. One without release_when is left to a
    facilitator's judgement and never released by a stand-in."""
    node = compiled.nodes.get(state.node)
    return [inject for inject in (node.injects if node and not state.ended else [])
            if inject.contingency and inject.release_when is not None
            and bool(compiled.value_of(inject.release_when, state.variables))]


def self_paced_injects(compiled: Compiled, state: RunState) -> list[Inject]:
    """What a player alone is given at the current node: its scheduled injects and those a stand-in
    facilitator releases, in order of their time."""
    return sorted([*scheduled_injects(compiled, state), *stand_in_releases(compiled, state)],
                  key=lambda inject: clock_seconds(inject.at))


def _chosen(compiled: Compiled, state: RunState, decision: Decision) -> list[Choice]:
    by_id = {choice.id: choice for choice in decision.choices}
    if decision.mode == "team":
        return [by_id[state.confirmed]]
    return [by_id[state.choices[role]] for role in deciding_roles(decision, compiled.role_ids)]


def effect_value(compiled: Compiled, variable: Variable, value: Value, variables: dict[str, Value]) -> Value:
    """What an effect sets: a literal; for numbers and true/false a string is a condition to compute;
    for a choice variable a string is the value itself."""
    if isinstance(value, str) and variable.type != "choice":
        return compiled.value_of(value, variables)
    return value


def bounds_said(variable: Variable) -> str:
    """'0..20', '...' where a bound is open."""
    return f"{'...' if variable.min is None else variable.min}..{'...' if variable.max is None else variable.max}"


def clamp(variable: Variable, value: Value) -> Value:
    if variable.type != "integer":
        return value
    if variable.min is not None and value < variable.min:
        return variable.min
    if variable.max is not None and value > variable.max:
        return variable.max
    return value


def _set(compiled: Compiled, effects: dict, variables: dict, changes: list, source: str) -> None:
    """Apply `effects` to `variables` in order, clamped to their bounds, noting each change."""
    for name, value in effects.items():
        variable = compiled.variables[name]
        wanted = effect_value(compiled, variable, value, variables)
        changes.append(Change(name, variables[name], clamp(variable, wanted), wanted, source))
        variables[name] = changes[-1].after


def _effects_of(compiled: Compiled, part, variables: dict, changes: list, source: str) -> None:
    """A choice's or a scene's effects, then those of its conditional effects whose `when` holds."""
    _set(compiled, part.effects, variables, changes, source)
    for conditional in part.conditional_effects:
        if compiled.value_of(conditional.when, variables):
            _set(compiled, conditional.effects, variables, changes, source)


def _entered(compiled: Compiled, target: str, variables: dict, changes: list) -> dict:
    """The variables after a scene's entry effects: a new dict when it has some (an ending has none),
    else the same one, so a plain step copies nothing."""
    node = compiled.nodes.get(target)
    if node is None or not (node.effects or node.conditional_effects):
        return variables
    variables = dict(variables)
    _effects_of(compiled, node, variables, changes, "")
    return variables


def _apply(compiled: Compiled, state: RunState, choices: list[Choice]) -> tuple[dict, dict, tuple]:
    variables, scores, changes = dict(state.variables), dict(state.scores), []
    for choice in choices:
        _effects_of(compiled, choice, variables, changes, choice.id)
        for objective_id, points in choice.points.items():
            scores[objective_id] += points
    return variables, scores, tuple(changes)


def decided_choices(compiled: Compiled, state: RunState, decision: Decision) -> dict[str, str]:
    """What `choices.<role>` reads in the decision's rules: each deciding role's own choice; in a team
    decision the team's confirmed choice, for every role of the team (a vote is not a decision)."""
    deciders = deciding_roles(decision, compiled.role_ids)
    if decision.mode == "team":
        return {f"choices.{role}": state.confirmed or "" for role in deciders}
    return {f"choices.{role}": state.choices.get(role, "") for role in deciders}


def _next_target(compiled: Compiled, state: RunState, decision: Decision, chosen: list[Choice],
                 variables: dict[str, Value]) -> str:
    if decision.next:
        values = {**variables, **decided_choices(compiled, state, decision)}
        for rule in decision.next:
            if rule.when is None or compiled.value_of(rule.when, values):
                return rule.goto
        raise EngineError("No branch matched after this decision.")  # the checker requires a last rule without when
    return chosen[0].next


def can_advance(compiled: Compiled, state: RunState) -> bool:
    return not state.ended and not waiting_on(compiled, state)


def advance(compiled: Compiled, state: RunState) -> RunState:
    """Apply the decision's effects and points, and move to the next node or ending."""
    if state.ended:
        raise EngineError("The run has ended.")
    node = compiled.nodes[state.node]
    if node.decision is None:
        return _enter(compiled, state, node.next, state.variables, state.scores, ())
    if waiting_on(compiled, state):
        raise EngineError("Not every role has decided yet.")
    chosen = _chosen(compiled, state, node.decision)
    variables, scores, changes = _apply(compiled, state, chosen)
    target = _next_target(compiled, state, node.decision, chosen, variables)
    return _enter(compiled, state, target, variables, scores, changes)


def _enter(compiled: Compiled, state: RunState, target: str, variables: dict, scores: dict,
           changes: tuple[Change, ...]) -> RunState:
    """Into the next scene (or an ending), applying the scene's entry effects after what led there."""
    entered: list[Change] = []
    variables = _entered(compiled, target, variables, entered)
    return RunState(node=target, variables=variables, scores=scores, path=(*state.path, target),
                    ended=target in compiled.endings, changes=(*changes, *entered))


def time_out(compiled: Compiled, state: RunState) -> RunState:
    """The time limit passed: every role that has not decided takes the default choice, then advance."""
    decision = _require_decision(compiled, state)
    default = decision.default_choice
    if default is None:
        raise EngineError("This decision has no default choice.")
    if decision.mode == "team":
        state = state if state.confirmed else _with(state, confirmed=default)
    else:
        missing = [role for role in deciding_roles(decision, compiled.role_ids) if role not in state.choices]
        state = _with(state, choices={**state.choices, **{role: default for role in missing}})
    return advance(compiled, state)
