"""What a condition can be over its variables' declared values."""

import pytest

from drillhub.scenarios.expressions import parse
from drillhub.scenarios.ranges import BOTH, possible

DOMAINS = {"victims": (0, 20), "debt": (None, 5), "command": BOTH, "crowd": frozenset({"calm", "panicked"}),
           "choices.patrol": None}
NEVER, ALWAYS = frozenset({False}), frozenset({True})


@pytest.mark.parametrize(("text", "can_be"), [
    ("victims > 30", NEVER), ("victims > 20", NEVER), ("victims >= 20", BOTH), ("victims < 0", NEVER),
    ("victims <= 20", ALWAYS), ("victims == 25", NEVER), ("victims != 25", ALWAYS), ("victims + 10 > 31", NEVER),
    ("victims * 2 > 40", NEVER), ("victims * 2 >= 40", BOTH), ("victims - 30 > -10", NEVER), ("-victims > 0", NEVER),
    ("victims / 2 > 100", BOTH),  # division is not followed: maybe
    ("debt > 5", NEVER), ("debt < -1000", BOTH),  # no lower bound
    ("command and victims > 30", NEVER), ("command or victims > 30", BOTH), ("not (victims <= 20)", NEVER),
    ("crowd == 'dispersed'", NEVER), ("crowd != 'dispersed'", ALWAYS), ("crowd == 'calm'", BOTH),
    ("choices.patrol == 'enter'", BOTH), ("false", NEVER), ("3 > 2", ALWAYS),
])
def test_what_a_condition_can_be(text, can_be):
    assert possible(parse(text), DOMAINS) == can_be
