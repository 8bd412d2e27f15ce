"""Automatic play-throughs: seeded random runs and a bounded exhaustive walk over every choice.

Both use the engine exactly as a real run does, so what they find is what players would meet:
endings never reached, a role left with no choice, an effect pushing a variable past its bounds,
a division by zero, or a loop that never ends.
"""

import itertools
import random
from collections import deque
from dataclasses import dataclass, field

from drillhub.scenarios import engine
from drillhub.scenarios.engine import Compiled, RunState
from drillhub.scenarios.expressions import EvaluationError

MAX_COMBINATIONS = 64  # choice combinations tried per state in the exhaustive walk


@dataclass(frozen=True)
class Problem:
    node: str
    choice: str | None
    message: str
    kind: str = ""  # problems of one kind at one place are reported once, e.g. "bounds:casualties"


@dataclass
class SimulationReport:
    runs: int
    seed: int
    random_endings: dict[str, int] = field(default_factory=dict)
    reachable_endings: set[str] = field(default_factory=set)
    exhaustive_complete: bool = True
    states_explored: int = 0
    path_lengths: list[int] = field(default_factory=list)
    score_ranges: dict[str, tuple[int, int]] = field(default_factory=dict)
    unfinished_runs: int = 0
    plays: int = 0  # engine steps taken
    budget: int | None = None  # at most this many steps, when set
    problems: dict[tuple[str, str | None, str], Problem] = field(default_factory=dict)
    trapped: list[tuple[str, tuple]] = field(default_factory=list)  # (node, variables) with no way to an ending
    clamped: dict[tuple[str, str | None, str], Problem] = field(default_factory=dict)  # effects held at a bound

    def add_problem(self, problem: Problem) -> None:
        self.problems.setdefault((problem.node, problem.choice, problem.kind or problem.message), problem)

    @property
    def spent(self) -> bool:
        return self.budget is not None and self.plays >= self.budget

    def reached(self, state: RunState) -> None:
        for objective_id, score in state.scores.items():
            low, high = self.score_ranges.get(objective_id, (score, score))
            self.score_ranges[objective_id] = (min(low, score), max(high, score))

    def as_dict(self, compiled: Compiled) -> dict:
        lengths = self.path_lengths
        return {
            "runs": self.runs,
            "seed": self.seed,
            "endings": {
                ending_id: {"random_runs": self.random_endings.get(ending_id, 0),
                            "reachable": ending_id in self.reachable_endings}
                for ending_id in compiled.endings
            },
            "exhaustive": {"complete": self.exhaustive_complete, "states": self.states_explored},
            "path_length": {"min": min(lengths), "max": max(lengths), "mean": round(sum(lengths) / len(lengths), 1)}
            if lengths else None,
            "unfinished_runs": self.unfinished_runs,
            "scores": {objective_id: {"min": low, "max": high} for objective_id, (low, high) in self.score_ranges.items()},
            "problems": [{"node": p.node, "choice": p.choice, "message": p.message} for p in self.problems.values()],
            "clamped": [{"node": p.node, "choice": p.choice, "message": p.message} for p in self.clamped.values()],
        }


def _options(compiled: Compiled, state: RunState, report: SimulationReport) -> list[list[tuple[str, str]]] | None:
    """Per deciding role, the (role, choice) picks open to it; None when some role has none."""
    decision = compiled.nodes[state.node].decision
    roles = engine.deciding_roles(decision, compiled.role_ids)
    picks = []
    try:
        for role in roles:
            offered = [(role, choice.id) for choice in engine.available_choices(compiled, state, role)]
            if not offered and decision.mode != "team":
                values = ", ".join(f"{name}={value}" for name, value in sorted(state.variables.items()))
                report.add_problem(Problem(state.node, None,
                                           f"the {role} role has no choice available (with {values or 'no variables'})"))
                return None
            picks.append(offered)
    except EvaluationError as error:
        report.add_problem(Problem(state.node, None, f"a choice condition failed: {error}"))
        return None
    if decision.mode == "team":
        team = sorted({choice for offered in picks for _, choice in offered})
        if not team:
            report.add_problem(Problem(state.node, None, "no role in the team has a choice available"))
            return None
        return [[("team", choice) for choice in team]]
    return picks


def _play(compiled: Compiled, state: RunState, picks: tuple[tuple[str, str], ...],
          report: SimulationReport) -> RunState | None:
    report.plays += 1
    try:
        for role, choice in picks:
            state = (engine.confirm(compiled, state, choice) if role == "team"
                     else engine.decide(compiled, state, role, choice))
        following = engine.advance(compiled, state)
    except EvaluationError as error:
        report.add_problem(Problem(state.node, picks[0][1] if picks else None, f"evaluation failed: {error}"))
        return None
    for change in following.changes:
        if change.wanted != change.after:  # clamped, as play does: worth knowing, not a fault
            variable = compiled.variables[change.variable]
            report.clamped.setdefault((state.node, change.choice, change.variable), Problem(
                state.node, change.choice,
                f"the effect on {change.variable} can make it {change.wanted}, outside "
                f"{engine.bounds_said(variable)}: play holds it at {change.after}"))
    return following


def successors(compiled: Compiled, state: RunState, report: SimulationReport,
               rng: random.Random | None = None) -> list[RunState]:
    """Every next state (or one, picked at random with `rng`)."""
    try:
        engine.stand_in_releases(compiled, state)  # a player alone meets each release_when here
    except EvaluationError as error:
        report.add_problem(Problem(state.node, None, f"an inject's release_when failed: {error}"))
        return []
    if compiled.nodes[state.node].decision is None:
        following = _play(compiled, state, (), report)
        return [following] if following else []
    options = _options(compiled, state, report)
    if options is None:
        return []
    if rng is not None:
        combinations = [tuple(rng.choice(offered) for offered in options)]
    else:
        combinations = list(itertools.islice(itertools.product(*options), MAX_COMBINATIONS + 1))
        if len(combinations) > MAX_COMBINATIONS:
            report.exhaustive_complete = False
            combinations = combinations[:MAX_COMBINATIONS]
    return [following for picks in combinations if (following := _play(compiled, state, picks, report))]


def _random_runs(compiled: Compiled, report: SimulationReport, runs: int, max_steps: int) -> None:
    rng = random.Random(report.seed)
    for _ in range(runs):
        if report.spent:
            break
        report.runs += 1
        state = engine.start(compiled)
        for _ in range(max_steps):
            if state.ended:
                break
            following = successors(compiled, state, report, rng)
            if not following:
                break
            state = following[0]
        if state.ended:
            report.random_endings[state.node] = report.random_endings.get(state.node, 0) + 1
            report.path_lengths.append(len(state.path))
            report.reached(state)
        elif len(state.path) >= max_steps:
            report.unfinished_runs += 1


def _where(state: RunState) -> tuple:
    """What decides how play goes on from a state: the node and the variables (not the scores)."""
    return state.node, tuple(sorted(state.variables.items()))


def _exhaustive(compiled: Compiled, report: SimulationReport, max_states: int) -> None:
    first = engine.start(compiled)
    seen = {_where(first)}
    queue = deque([first])
    came_from: dict[tuple, list[tuple]] = {}  # a state -> the states that lead to it
    ended = []
    while queue:
        state = queue.popleft()
        report.states_explored += 1
        if state.ended:
            report.reachable_endings.add(state.node)
            report.reached(state)
            ended.append(_where(state))
            continue
        if report.spent:
            report.exhaustive_complete = False
            return
        for following in successors(compiled, state, report):
            came_from.setdefault(_where(following), []).append(_where(state))
            if _where(following) not in seen:
                if len(seen) >= max_states:
                    report.exhaustive_complete = False
                    return
                seen.add(_where(following))
                queue.append(following)
    report.trapped = _trapped(seen, came_from, ended)


def _trapped(seen: set[tuple], came_from: dict[tuple, list[tuple]], ended: list[tuple]) -> list[tuple]:
    """The states play can reach from which no ending can be: walked back from the endings, every state
    that leads to one; the others keep players for ever (a loop whose exits never open)."""
    finishing, stack = set(ended), list(ended)
    while stack:
        for before in came_from.get(stack.pop(), []):
            if before not in finishing:
                finishing.add(before)
                stack.append(before)
    return sorted(seen - finishing)


def simulate(compiled: Compiled, runs: int = 200, seed: int = 0, max_states: int = 20_000,
             budget: int | None = None) -> SimulationReport:
    """Exhaustive walk first, then `runs` random runs. With a `budget` of engine steps, the walk may use
    up to four fifths of it and the random runs stop when it is spent (`report.runs` says how many ran)."""
    report = SimulationReport(runs=0, seed=seed, budget=budget * 4 // 5 if budget else None)
    _exhaustive(compiled, report, max_states)
    report.budget = budget
    _random_runs(compiled, report, runs, max_steps=4 * (len(compiled.nodes) + 1))
    return report
