"""Automatic play-throughs: seeded random runs and a bounded exhaustive walk over every choice.

Both use the engine exactly as a real run does, so what they find is what players would meet:
endings never reached, a role left with no choice, an effect pushing a variable past its bounds,
a division by zero, or a loop that never ends.
"""

import itertools
import multiprocessing
import random
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from drillhub.gcpause import collector_paused
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
            self._widen(objective_id, score, score)

    def _widen(self, objective_id: str, low: int, high: int) -> None:
        known_low, known_high = self.score_ranges.get(objective_id, (low, high))
        self.score_ranges[objective_id] = (min(low, known_low), max(high, known_high))

    def add_runs(self, part: "SimulationReport") -> None:
        """Another process's batch of random runs, added as if this one had played them next."""
        self.runs += part.runs
        self.plays += part.plays
        self.unfinished_runs += part.unfinished_runs
        self.path_lengths += part.path_lengths
        for ending, count in part.random_endings.items():
            self.random_endings[ending] = self.random_endings.get(ending, 0) + count
        for objective_id, (low, high) in part.score_ranges.items():
            self._widen(objective_id, low, high)
        for key, problem in part.problems.items():
            self.problems.setdefault(key, problem)
        for key, problem in part.clamped.items():
            self.clamped.setdefault(key, problem)

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


def _random_runs(compiled: Compiled, report: SimulationReport, first: int, runs: int, max_steps: int) -> None:
    """Runs number `first` .. `first + runs - 1`, each with its own random stream from the seed and its
    number, so that the same seed plays the same runs however they are shared between processes."""
    for index in range(first, first + runs):
        if report.spent:
            break
        rng = random.Random(f"{report.seed}:{index}")
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
        where = _where(state)
        report.states_explored += 1
        if state.ended:
            report.reachable_endings.add(state.node)
            report.reached(state)
            ended.append(where)
            continue
        if report.spent:
            report.exhaustive_complete = False
            return
        for following in successors(compiled, state, report):
            goes_to = _where(following)
            came_from.setdefault(goes_to, []).append(where)
            if goes_to not in seen:
                if len(seen) >= max_states:
                    report.exhaustive_complete = False
                    return
                seen.add(goes_to)
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
             budget: int | None = None, processes: int = 1) -> SimulationReport:
    """Exhaustive walk first, then `runs` random runs. With a `budget` of engine steps, the walk may use
    up to four fifths of it and the random runs stop when it is spent (`report.runs` says how many ran).
    With several `processes` (and no budget) the walk and batches of runs are shared between them; the
    report is the same as one process makes."""
    with collector_paused():
        if processes > 1 and budget is None and "fork" in multiprocessing.get_all_start_methods():
            return _in_processes(compiled, runs, seed, max_states, processes)
        report = SimulationReport(runs=0, seed=seed, budget=budget * 4 // 5 if budget else None)
        _exhaustive(compiled, report, max_states)
        report.budget = budget
        _random_runs(compiled, report, 0, runs, _max_steps(compiled))
        return report


def _max_steps(compiled: Compiled) -> int:
    return 4 * (len(compiled.nodes) + 1)


_forked: Compiled | None = None  # the scenario a forked process plays: inherited, as closures do not pickle


def _part(seed: int, max_states: int, batch: range | None) -> SimulationReport:
    """In a forked process: the exhaustive walk (no batch), or a batch of random runs."""
    report = SimulationReport(runs=0, seed=seed)
    with collector_paused():
        if batch is None:
            _exhaustive(_forked, report, max_states)
        else:
            _random_runs(_forked, report, batch.start, len(batch), _max_steps(_forked))
    return report


def _in_processes(compiled: Compiled, runs: int, seed: int, max_states: int, processes: int) -> SimulationReport:
    global _forked
    _forked = compiled
    size = max(1, -(-runs // (4 * processes)))  # a few batches a process, so that they finish together
    batches = [None, *(range(first, min(first + size, runs)) for first in range(0, runs, size))]
    try:
        with ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork")) as pool:
            parts = list(pool.map(_part, itertools.repeat(seed), itertools.repeat(max_states), batches))
    finally:
        _forked = None
    report, *batch_reports = parts
    for part in batch_reports:  # in the order of the runs
        report.add_runs(part)
    return report
