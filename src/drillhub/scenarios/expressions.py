"""The condition language of scenarios: small, typed, and never Python's eval.

    casualties > 3 and not command_established
    threat_status == 'contained' or choices.patrol == 'enter'
    (units_on_scene + 2) * 3 >= 10

Values are integers, booleans and text. Names are the scenario's variables; `choices.<role>` is the id
of the choice that role made at the current decision ('' before it chooses). Operators, loosest first:
`or`, `and`, `not`, comparisons (`== != < <= > >=`, not chained), `+ -`, `* / %` (whole numbers;
`/` drops the remainder), unary `-`. Input is bounded in length, tokens and nesting.
"""

import operator
from collections.abc import Callable
import re
from dataclasses import dataclass, field
from functools import lru_cache

MAX_LENGTH = 500
MAX_TOKENS = 200
MAX_DEPTH = 32
MAX_MAGNITUDE = 10**12

INTEGER, BOOLEAN, TEXT = "integer", "boolean", "text"
COMPARISONS = {"==", "!=", "<", "<=", ">", ">="}
ARITHMETIC = {"+", "-", "*", "/", "%"}
KEYWORDS = {"and", "or", "not", "true", "false"}

_TOKEN = re.compile(
    r"\s*(?:(?P<number>\d+)|(?P<text>'[^']*'|\"[^\"]*\")|(?P<name>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)?)"
    r"|(?P<op>==|!=|<=|>=|[<>+\-*/%()]))",
    re.ASCII,
)


class ExpressionError(Exception):
    """The expression cannot be read, or does not make sense for this scenario; `offset` is where in its
    text (0-based), when one place is to blame."""

    def __init__(self, message: str, offset: int | None = None) -> None:
        super().__init__(message)
        self.offset = offset


class EvaluationError(Exception):
    """The expression could not be computed for these values (e.g. division by zero)."""


@dataclass(frozen=True)
class Literal:
    value: int | bool | str


@dataclass(frozen=True)
class Name:
    name: str  # a variable, or choices.<role>
    at: int = field(default=0, compare=False)  # where it stands in the text

    @property
    def role(self) -> str | None:
        return self.name.split(".", 1)[1] if self.name.startswith("choices.") else None


@dataclass(frozen=True)
class Unary:
    op: str
    operand: "Expr"
    at: int = field(default=0, compare=False)  # where the operator stands


@dataclass(frozen=True)
class Binary:
    op: str
    left: "Expr"
    right: "Expr"
    at: int = field(default=0, compare=False)  # where the operator stands


Expr = Literal | Name | Unary | Binary


def _tokens(text: str) -> list[tuple[str, str, int]]:
    """(kind, text, where it starts) for each part of the expression."""
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"longer than {MAX_LENGTH} characters")
    tokens, position = [], 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if match is None:
            unread = len(text) - len(text[position:].lstrip())
            raise ExpressionError(f"cannot read {text[unread:unread + 20]!r}", unread)
        kind = match.lastgroup
        tokens.append((kind, match.group(kind), match.start(kind)))
        position = match.end()
        if len(tokens) > MAX_TOKENS:
            raise ExpressionError(f"more than {MAX_TOKENS} parts")
    return tokens


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokens(text)
        self.end = len(text.rstrip())
        self.index = 0
        self.depth = 0

    def peek(self) -> tuple[str, str, int] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str, int]:
        token = self.peek()
        if token is None:
            raise ExpressionError("ends too early" if value is None else f"expected {value!r} at the end", self.end)
        if value is not None and token[1] != value:
            raise ExpressionError(f"expected {value!r}, found {token[1]!r}", token[2])
        self.index += 1
        return token

    def at(self, *values: str) -> bool:
        token = self.peek()
        return token is not None and token[0] in ("op", "name") and token[1] in values

    def parse(self) -> Expr:
        expr = self.or_()
        if self.peek() is not None:
            raise ExpressionError(f"unexpected {self.peek()[1]!r}", self.peek()[2])
        return expr

    def nested(self, parse):
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(f"nested deeper than {MAX_DEPTH} levels", self.peek()[2] if self.peek() else self.end)
        try:
            return parse()
        finally:
            self.depth -= 1

    def or_(self) -> Expr:
        expr = self.and_()
        while self.at("or"):
            at = self.take()[2]
            expr = Binary("or", expr, self.and_(), at)
        return expr

    def and_(self) -> Expr:
        expr = self.not_()
        while self.at("and"):
            at = self.take()[2]
            expr = Binary("and", expr, self.not_(), at)
        return expr

    def not_(self) -> Expr:
        if self.at("not"):
            at = self.take()[2]
            return Unary("not", self.nested(self.not_), at)
        return self.comparison()

    def comparison(self) -> Expr:
        expr = self.additive()
        if self.at(*COMPARISONS):
            _, op, at = self.take()
            expr = Binary(op, expr, self.additive(), at)
            if self.at(*COMPARISONS):
                raise ExpressionError("comparisons cannot be chained; join them with 'and'", self.peek()[2])
        return expr

    def additive(self) -> Expr:
        expr = self.term()
        while self.at("+", "-"):
            _, op, at = self.take()
            expr = Binary(op, expr, self.term(), at)
        return expr

    def term(self) -> Expr:
        expr = self.unary()
        while self.at("*", "/", "%"):
            _, op, at = self.take()
            expr = Binary(op, expr, self.unary(), at)
        return expr

    def unary(self) -> Expr:
        if self.at("-"):
            at = self.take()[2]
            return Unary("-", self.nested(self.unary), at)
        return self.primary()

    def primary(self) -> Expr:
        kind, value, at = self.take()
        if kind == "number":
            return Literal(int(value))
        if kind == "text":
            return Literal(value[1:-1])
        if kind == "name" and value in ("true", "false"):
            return Literal(value == "true")
        if kind == "name" and value not in KEYWORDS:
            if "." in value and not value.startswith("choices."):
                raise ExpressionError(f"{value!r}: only choices.<role> may contain a dot", at)
            return Name(value, at)
        if value == "(":
            expr = self.nested(self.or_)
            self.take(")")
            return expr
        raise ExpressionError(f"unexpected {value!r}", at)


@lru_cache(maxsize=4096)
def parse(text: str) -> Expr:
    """The syntax tree of a condition. Trees are immutable, so one parse serves every use of the text."""
    return _Parser(text).parse()


def names(expr: Expr) -> set[str]:
    """Every name the expression reads."""
    if isinstance(expr, Name):
        return {expr.name}
    if isinstance(expr, Unary):
        return names(expr.operand)
    if isinstance(expr, Binary):
        return names(expr.left) | names(expr.right)
    return set()


def _a(kind: str) -> str:
    return f"an {kind}" if kind == INTEGER else f"a {kind}"


def _type_of(value: int | bool | str) -> str:
    return BOOLEAN if isinstance(value, bool) else INTEGER if isinstance(value, int) else TEXT


def check(expr: Expr, types: dict[str, str], text_values: dict[str, set[str]]) -> str:
    """The expression's type. `types` maps each readable name to its type; `text_values` lists the
    values a text name can take, so that comparing with any other text is reported."""
    if isinstance(expr, Literal):
        return _type_of(expr.value)
    if isinstance(expr, Name):
        if expr.name not in types:
            known = ", ".join(sorted(types)) or "none"
            raise ExpressionError(f"unknown name {expr.name!r} (known here: {known})", expr.at)
        return types[expr.name]
    if isinstance(expr, Unary):
        operand = check(expr.operand, types, text_values)
        wanted = BOOLEAN if expr.op == "not" else INTEGER
        if operand != wanted:
            raise ExpressionError(f"'{expr.op}' needs {_a(wanted)}, not {_a(operand)}", expr.at)
        return wanted
    left, right = check(expr.left, types, text_values), check(expr.right, types, text_values)
    if expr.op in ("and", "or"):
        if left != BOOLEAN or right != BOOLEAN:
            raise ExpressionError(f"'{expr.op}' joins conditions (true/false), not {left} and {right}", expr.at)
        return BOOLEAN
    if expr.op in ARITHMETIC:
        if left != INTEGER or right != INTEGER:
            raise ExpressionError(f"'{expr.op}' needs numbers, not {left} and {right}", expr.at)
        return INTEGER
    if left != right:
        raise ExpressionError(f"'{expr.op}' compares {_a(left)} with {_a(right)}", expr.at)
    if expr.op not in ("==", "!=") and left != INTEGER:
        raise ExpressionError(f"'{expr.op}' compares numbers only, not {left}s", expr.at)
    for name, literal in ((expr.left, expr.right), (expr.right, expr.left)):
        if isinstance(name, Name) and isinstance(literal, Literal) and name.name in text_values:
            allowed = text_values[name.name]
            if literal.value not in allowed and literal.value != "":
                raise ExpressionError(
                    f"{name.name} is never {literal.value!r} (it can be: {', '.join(sorted(allowed))})", name.at)
    return BOOLEAN


def _bounded(value: int) -> int:
    if abs(value) > MAX_MAGNITUDE:
        raise EvaluationError(f"a number grew beyond {MAX_MAGNITUDE}")
    return value


def evaluate(expr: Expr, values: dict[str, int | bool | str]) -> int | bool | str:
    return compiled(expr)(values)


def compiled(expr: Expr) -> Callable[[dict], int | bool | str]:
    """The expression as a Python function of the values, so play evaluates a condition without walking
    its tree again (the simulator evaluates millions; engine.Compiled keeps one per condition's text)."""
    if isinstance(expr, Literal):
        value = expr.value
        return lambda values: value
    if isinstance(expr, Name):
        name = expr.name
        return lambda values: values[name]
    if isinstance(expr, Unary):
        operand = compiled(expr.operand)
        if expr.op == "not":
            return lambda values: not operand(values)
        return lambda values: _bounded(-operand(values))
    left, right = compiled(expr.left), compiled(expr.right)
    if expr.op == "and":
        return lambda values: bool(left(values)) and bool(right(values))
    if expr.op == "or":
        return lambda values: bool(left(values)) or bool(right(values))
    apply = _OPERATORS[expr.op]
    if expr.op in ("/", "%"):
        def divided(values: dict) -> int:
            dividend, divisor = left(values), right(values)
            if divisor == 0:
                raise EvaluationError("division by zero")
            return _bounded(apply(dividend, divisor))
        return divided
    if expr.op in ARITHMETIC:
        return lambda values: _bounded(apply(left(values), right(values)))
    return lambda values: apply(left(values), right(values))


def _quotient(left: int, right: int) -> int:
    """Whole-number division that drops the remainder (rounds toward zero, as people expect)."""
    quotient = abs(left) // abs(right)
    return quotient if (left >= 0) == (right >= 0) else -quotient


_OPERATORS = {
    "+": operator.add, "-": operator.sub, "*": operator.mul, "/": _quotient,
    "%": lambda left, right: left - right * _quotient(left, right),
    "==": operator.eq, "!=": operator.ne, "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}
