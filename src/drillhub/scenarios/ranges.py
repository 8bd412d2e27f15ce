"""What a condition can be, given the values its variables may take: the checker's proof that a `when`
can never hold (`victims > 30` where victims is 0..20).

Whole numbers are intervals (None: unbounded), true/false and texts are sets of what they can be (a
text set None: anything). Arithmetic that intervals cannot follow exactly (division, remainder) gives
"any number", so the answer errs on the side of "maybe": only what can never be true is reported."""

from itertools import product

from drillhub.scenarios.expressions import Expr, Literal, Name, Unary

Interval = tuple[int | None, int | None]
Values = Interval | frozenset | None  # an integer's interval; a set of booleans or texts; None: any text
BOTH = frozenset({True, False})


def _add(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a + b


def _arithmetic(op: str, left: Interval, right: Interval) -> Interval:
    (a, b), (c, d) = left, right
    if op == "+":
        return _add(a, c), _add(b, d)
    if op == "-":
        return _add(a, None if d is None else -d), _add(b, None if c is None else -c)
    if op == "*" and None not in (a, b, c, d):
        corners = [x * y for x, y in product((a, b), (c, d))]
        return min(corners), max(corners)
    return None, None


def _lt(x: int | None, y: int | None) -> bool:
    return x is not None and y is not None and x < y


def _le(x: int | None, y: int | None) -> bool:
    return x is not None and y is not None and x <= y


def _compared(op: str, left: Interval, right: Interval) -> frozenset:
    """Whether `left op right` holds for every pair of values, for none, or for some."""
    (a, b), (c, d) = left, right
    below, above = _lt(b, c), _lt(d, a)  # every left value is below (above) every right value
    same = a is not None and a == b == c == d
    always = {"<": below, ">": above, "<=": _le(b, c), ">=": _le(d, a), "==": same, "!=": below or above}[op]
    never = {"<": _le(d, a), ">": _le(b, c), "<=": above, ">=": below, "==": below or above, "!=": same}[op]
    return frozenset({True}) if always else frozenset({False}) if never else BOTH


def possible(expr: Expr, domains: dict[str, Values]) -> Values:
    """What `expr` can be when each name takes any value of its domain (a type-checked expression)."""
    if isinstance(expr, Literal):
        value = expr.value
        return (value, value) if isinstance(value, int) and not isinstance(value, bool) else frozenset({value})
    if isinstance(expr, Name):
        return domains.get(expr.name)
    if isinstance(expr, Unary):
        operand = possible(expr.operand, domains)
        if expr.op == "not":
            return frozenset(not value for value in operand)
        low, high = operand
        return (None if high is None else -high), (None if low is None else -low)
    left, right = possible(expr.left, domains), possible(expr.right, domains)
    if expr.op in ("and", "or"):
        join = (lambda x, y: x and y) if expr.op == "and" else (lambda x, y: x or y)
        return frozenset(join(x, y) for x, y in product(left, right))
    if expr.op in ("+", "-", "*", "/", "%"):
        return _arithmetic(expr.op, left, right)
    if isinstance(left, tuple):
        return _compared(expr.op, left, right)
    if left is None or right is None or expr.op not in ("==", "!="):
        return BOTH  # a text that can be anything, or an ordering of texts
    equal = frozenset(x == y for x, y in product(left, right))
    return equal if expr.op == "==" else frozenset(not value for value in equal)
