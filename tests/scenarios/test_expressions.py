import pytest

from drillhub.scenarios.expressions import (
    MAX_DEPTH,
    EvaluationError,
    ExpressionError,
    check,
    evaluate,
    names,
    parse,
)

TYPES = {"casualties": "integer", "command": "boolean", "threat": "text", "choices.patrol": "text"}
TEXT_VALUES = {"threat": {"active", "contained"}, "choices.patrol": {"enter", "hold"}}
VALUES = {"casualties": 4, "command": False, "threat": "contained", "choices.patrol": "enter"}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("casualties > 3 and not command", True),
        ("threat == 'contained' or choices.patrol == 'hold'", True),
        ('threat != "active"', True),
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("-7 / 2", -3),
        ("7 % 3", 1),
        ("-7 % 3", -1),
        ("not command and casualties >= 4", True),
        ("true or false and false", True),  # and binds tighter than or
        ("casualties - 1 - 1", 2),  # left to right
    ],
)
def test_evaluation(text, value):
    assert evaluate(parse(text), VALUES) == value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("casualties and command", "'and' joins conditions"),
        ("threat == 'contaned'", "threat is never 'contaned'"),
        ("choices.patrol == 'charge'", "choices.patrol is never 'charge'"),
        ("casualties == true", "compares an integer with a boolean"),
        ("threat < 3", "compares a text with an integer"),
        ("threat < 'b'", "compares numbers only"),
        ("unknown > 1", "unknown name 'unknown'"),
        ("-command", "'-' needs an integer"),
        ("not casualties", "'not' needs a boolean"),
    ],
)
def test_type_errors_name_the_problem(text, message):
    with pytest.raises(ExpressionError) as error:
        check(parse(text), TYPES, TEXT_VALUES)
    assert message in str(error.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1 < 2 < 3", "cannot be chained"),
        ("__import__('os').system('id')", "cannot read"),
        ("os.system", "only choices.<role> may contain a dot"),
        ("open('/etc/passwd')", "unexpected '('"),
        ("casualties ** 2", "unexpected '*'"),
        ("lambda: 1", "cannot read"),
        ("a; b", "cannot read"),
        ("x" * 501, "longer than 500"),
        ("1 +" + " 1 +" * 120 + " 1", "more than 200 parts"),
        ("(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1), "nested deeper"),
        ("not " * 40 + "true", "nested deeper"),
        ("casualties >", "ends too early"),
        ("(1 + 2", "expected ')'"),
        ("1 2", "unexpected '2'"),
        ("'unterminated", "cannot read"),
        ("café > 1", "cannot read"),
        ("", "ends too early"),
    ],
)
def test_hostile_or_broken_input_is_refused_plainly(text, message):
    with pytest.raises(ExpressionError) as error:
        parse(text)
    assert message in str(error.value)


def test_runtime_limits():
    with pytest.raises(EvaluationError, match="division by zero"):
        evaluate(parse("casualties / (casualties - 4)"), VALUES)
    with pytest.raises(EvaluationError, match="grew beyond"):
        evaluate(parse("999999999 * 999999999"), VALUES)


def test_names_lists_what_is_read():
    assert names(parse("casualties > 1 and choices.patrol == 'x' or command")) == {
        "casualties", "choices.patrol", "command"}


@pytest.mark.parametrize(("text", "offset"), [
    ("crowd == 'calm' and", 19),  # ends too early: where more was due
    ("crowd = 'calm'", 6),  # cannot read '=': where the unreadable part starts
    ("(crowd == 'calm'", 16),
    ("victims > 3 > 1", 12),  # the second comparison
    ("victims + 'x' > 1", 8),  # the operator whose sides do not fit
    ("command_post and victim > 3", 17),  # the unknown name
])
def test_an_expression_error_says_where_in_the_text(text, offset):
    with pytest.raises(ExpressionError) as error:
        check(parse(text), {"crowd": "text", "victims": "integer", "command_post": "boolean"}, {"crowd": {"calm"}})
    assert error.value.offset == offset, str(error.value)


def test_a_number_and_true_are_not_confused():
    assert evaluate(parse("true"), {}) is True and evaluate(parse("1"), {}) == 1 and evaluate(parse("1"), {}) is not True
