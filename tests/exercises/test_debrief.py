"""Objectives scored from the points the decisions earned, out of the most the choices open at the time
could have earned."""

from datetime import UTC, datetime
from itertools import count
from pathlib import Path

from drillhub.exercises.debrief import objective_results
from drillhub.exercises.record import BY_PLAYER, BY_TIMEOUT, Decided
from drillhub.scenarios.checker import check_text

COMPILED = check_text((Path(__file__).parent.parent / "scenarios" / "files" / "bridge.yaml").read_text(),
                      runs=0).compiled
NOW = datetime.now(UTC)
SEQ = count(1)


def decided(node: str, role: str, choice: str, team: bool = False, by: str = BY_PLAYER) -> Decided:
    return Decided(seq=next(SEQ), step=0, node=node, role=role, choice=choice, by=by, team=team, person=None,
                   agency=None, rationale="", at=NOW, shown_at=NOW, expected=None)


def every_choice_open(decisions) -> dict[int, tuple[str, ...]]:
    """As if no `when` had closed anything: each role's choices, or the team's."""
    return {d.seq: tuple(c.id for c in COMPILED.nodes[d.node].decision.choices
                         if d.team or not c.roles or d.role in c.roles) for d in decisions}


def outcomes(*decisions: Decided, ending: dict | None = None, offered: dict | None = None) -> list[tuple]:
    return [(r.points, r.possible, r.outcome) for r in objective_results(
        COMPILED, list(decisions), offered or every_choice_open(decisions), ending or {})]


def test_every_expected_action_meets_every_objective_it_could_score():
    assert outcomes(decided("collapse", "patrol", "perimeter"), decided("collapse", "fire", "throw-lines"),
                    decided("collapse", "dispatch", "tone-out")) == [(1, 1, "met"), (3, 3, "met")]


def test_shares_below_the_thresholds_are_partially_met_and_not_met():
    # rescue: fire waited (0 of 2), dispatch toned out (1 of 1): 1 of 3 -> not met; then the boats (2 of 2): 3 of 5
    opening = [decided("collapse", "patrol", "wait"), decided("collapse", "fire", "wait", by=BY_TIMEOUT),
               decided("collapse", "dispatch", "tone-out")]
    assert outcomes(*opening) == [(0, 1, "not met"), (1, 3, "not met")]
    boats = decided("command-post", "fire", "boats-now", team=True)
    assert outcomes(*opening, boats) == [(0, 1, "not met"), (3, 5, "partially met")]


def test_a_choice_closed_at_the_time_is_not_counted_as_possible():
    # boats-now is offered only while more than 3 are in the water: staged boats then scored all they could
    staged = decided("command-post", "fire", "boats-staged", team=True)
    assert outcomes(staged) == [(0, 0, "not scored"), (0, 2, "not met")]
    assert outcomes(staged, offered={staged.seq: ("boats-staged",)}) == [(0, 0, "not scored"), (0, 0, "not scored")]


def test_a_vote_scores_nothing_and_an_unscored_objective_keeps_the_endings_word():
    vote = decided("command-post", "patrol", "boats-now")  # a vote in the team decision, not the team's choice
    assert outcomes(vote, ending={"command": "met"}) == [(0, 0, "met"), (0, 0, "not scored")]
