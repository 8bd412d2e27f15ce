import time

import pytest

from drillhub.scenarios.loader import MAX_BYTES, ScenarioInvalid, parse_yaml
from tests.conftest import SCENARIO_FILES


def problem(text: str):
    with pytest.raises(ScenarioInvalid) as invalid:
        parse_yaml(text)
    return invalid.value.findings[0]


def test_yaml_1_1_surprises_stay_text():
    data = parse_yaml("a: NO\nb: 12:30\nc: yes\nd: 0o17\ne: 012\nf: 3\ng: true\nh: ~\ni: '5'\nj: 1.5\n").data
    assert data == {"a": "NO", "b": "12:30", "c": "yes", "d": 15, "e": 12, "f": 3, "g": True, "h": None,
                    "i": "5", "j": 1.5}


def test_numbers_too_long_to_print_stay_text():
    data = parse_yaml(f"a: {'9' * 5000}\nb: 0x{'f' * 20000}\nc: 0o{'7' * 5000}\nd: 0x{'f' * 30}\n").data
    assert [type(data[key]) for key in "abcd"] == [float, str, str, int]  # a: inf, as YAML reads such a float


def test_a_scenario_with_a_huge_number_is_refused_with_a_message():
    from drillhub.scenarios.checker import check_text

    text = (SCENARIO_FILES / "bridge.yaml").read_text()
    for field in ("expected_duration_minutes: 90", "initial: 6", "max: 20"):
        name = field.split(":")[0]
        huge = text.replace(field, f"{name}: 0x{'f' * 20000}", 1)
        assert huge != text, field
        result = check_text(huge)
        assert not result.ok and result.errors, field


def test_positions_are_one_based_line_and_column():
    document = parse_yaml("title: x\nnodes:\n  - id: first\n    next: second\n")
    assert document.position(("nodes", 0, "next")) == (4, 11)
    assert document.position(("nodes", 0, "next"), key=True) == (4, 5)
    assert document.position(("nodes", 0)) == (3, 5)
    assert document.position(("nodes", 7, "id")) == (3, 3)  # no such item: the nearest enclosing value
    assert document.position(()) == (1, 1)


def test_duplicate_keys_are_refused_where_they_stand():
    finding = problem("id: a\ntitle: x\nid: b\n")
    assert (finding.rule, finding.line, finding.column) == ("duplicate-key", 3, 1)
    assert "Duplicate key 'id'" in finding.message


def test_anchors_and_aliases_are_refused():
    assert problem("base: &b {x: 1}\nother: 2\n").rule == "yaml-alias"
    finding = problem("a: 1\nb: *x\n")
    assert finding.rule in ("yaml-alias", "yaml-syntax")


def test_an_alias_bomb_is_refused_at_once():
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
    )
    started = time.perf_counter()
    finding = problem(bomb)
    assert finding.rule == "yaml-alias" and (finding.line, finding.column) == (1, 4)
    assert time.perf_counter() - started < 5  # generous: refusal is immediate, expansion would take seconds


def test_depth_size_and_syntax_limits():
    assert problem("a: " + "[" * 50 + "]" * 50 + "\n").rule == "yaml-depth"
    assert problem("a: " + "x" * (MAX_BYTES + 1)).rule == "file-size"
    syntax = problem("a: [1, 2\nb: 3\n")
    assert syntax.rule == "yaml-syntax" and syntax.line is not None
    assert problem("").rule == "empty"
    assert problem("? [a]\n: b\n").rule == "yaml-key"


@pytest.mark.parametrize(("text", "said", "where"), [
    ("a: \"hello\nb: 2\n", "The quote that opens at line 1, column 4 is never closed", (3, 1)),
    ("a:\n  b: 1\n c: 2\n", "This line does not line up with the fields around it", (3, 2)),
    ("a: 'it's here'\n", "write \"it's here\" in double quotes", (1, 8)),
    ("a: Note: here\n", "A ': ' here would start a new field inside a value. Put text", (1, 8)),
    ("a: [x, y\nb: 2\n", "The [...] list that begins at line 1, column 4 is not closed with ']'", (2, 2)),
    ("a: @home\n", "Text cannot begin with '@': put it in quotes", (1, 4)),
    ("- {id: x, when: }\n", None, None),  # an empty value after a colon is no comma problem
])
def test_yaml_problems_in_plain_words(text, said, where):
    if said is None:
        assert parse_yaml(text).data == [{"id": "x", "when": None}]
        return
    with pytest.raises(ScenarioInvalid) as refused:
        parse_yaml(text)
    [finding] = refused.value.findings
    assert said in finding.message and (finding.line, finding.column) == where


def test_a_place_inside_a_value_falls_back_to_its_start_when_the_file_writes_it_otherwise():
    document = parse_yaml('a: "x \\" y > 3"\nb: plain > 3\n')
    assert document.inside(("b",), "plain > 3", 6) == (2, 10)  # at the '>'
    assert document.inside(("a",), 'x " y > 3', 6) == (1, 4)  # an escape in between: the value's start
