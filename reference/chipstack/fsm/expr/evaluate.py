"""Evaluator: a total, deterministic function from (tree, environment) to a value.

Spec: ``spec/03-fsm.md`` "Evaluation" (rules ``[EXPR-40]`` .. ``[EXPR-47]``).
Sub-expressions are evaluated left to right; ``and``, ``or`` and the
conditional evaluate only what they need. Every ``int`` result is checked
against the i64 range: overflow is a rejection, never a wrap. Every node is
charged its cost ([EXPR-50] .. [EXPR-56]) to a :class:`Meter` before the work
it pays for, so a budget is never passed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from chipstack.errors import Reason, Rejected
from chipstack.fsm.expr.ast import (
    MAX_DEPTH,
    Binary,
    BinOp,
    BoolLit,
    BytesLit,
    Call,
    Cond,
    EmptyList,
    Expr,
    Index,
    IntLit,
    ListLit,
    Name,
    Unary,
    UnaryOp,
)
from chipstack.fsm.expr.core import DEFAULT_LIBRARY
from chipstack.fsm.expr.cost import NODE_COST, Meter, args_weight, compare_cost
from chipstack.fsm.expr.library import Library, checked_int, type_error
from chipstack.fsm.expr.typecheck import typecheck
from chipstack.fsm.expr.types import Type
from chipstack.fsm.expr.values import Value, check_size, values_equal

_Env = Mapping[str, Value]


def evaluate(
    e: Expr, env: _Env, library: Library = DEFAULT_LIBRARY, meter: Meter | None = None
) -> Value:
    """Evaluate ``e`` in ``env`` (name -> value) with the built-ins of ``library`` ([EXPR-40]).

    Each node's cost is charged to ``meter`` (a fresh unlimited one when
    ``None``) before its own work; past the meter's limit the evaluation is
    refused with ``fsm.over_budget`` ([EXPR-56]). Read ``meter.spent`` for the
    cost of the evaluation.

    ``e`` is meant to have passed :func:`typecheck` against the types of
    ``env`` ([EXPR-25]); on an unchecked tree, operand kinds are still checked
    and a mismatch is ``fsm.expr_type_error``, and trees deeper than 64 are
    refused (``fsm.expr_limit``), so the result is always a value or a
    rejection. Run-time checks cannot see every ill-typed tree (for example
    ``[1] == [true]`` is ``false`` there, not a type error): type-check first
    ([EXPR-41]).
    """
    return _eval(e, _Ctx(env, library, Meter() if meter is None else meter), 1)


def check_and_evaluate(
    e: Expr,
    env: _Env,
    env_types: Mapping[str, Type],
    library: Library = DEFAULT_LIBRARY,
    meter: Meter | None = None,
) -> tuple[Type, Value]:
    """Typecheck ``e`` against ``env_types`` then evaluate it in ``env``; return both results."""
    t = typecheck(e, env_types, library)
    return t, evaluate(e, env, library, meter)


class _Ctx:
    """What every node of one evaluation sees: the environment, the library and the meter."""

    __slots__ = ("env", "lib", "meter")

    def __init__(self, env: _Env, lib: Library, meter: Meter) -> None:
        self.env = env
        self.lib = lib
        self.meter = meter


def _eval(e: Expr, cx: _Ctx, level: int) -> Value:
    if level > MAX_DEPTH:
        raise Rejected(Reason.FSM_EXPR_LIMIT, f"expression deeper than {MAX_DEPTH}")
    meter = cx.meter  # [EXPR-51]: every node reached costs NODE_COST, before its operands
    meter.spent += NODE_COST
    if meter.spent > meter.limit:
        meter.refuse(NODE_COST, type(e).__name__)
    return _DISPATCH[type(e)](e, cx, level + 1)


def _int(v: Value) -> int:
    if type(v) is not int:
        raise type_error(f"expected int, got {type(v).__name__}")
    return v


def _bool(v: Value) -> bool:
    if type(v) is not bool:
        raise type_error(f"expected bool, got {type(v).__name__}")
    return v


def _lit(e: Expr, cx: _Ctx, d: int) -> Value:
    assert isinstance(e, IntLit | BoolLit | BytesLit)
    return e.value


def _name(e: Expr, cx: _Ctx, d: int) -> Value:
    assert isinstance(e, Name)
    try:
        return cx.env[e.name]
    except KeyError:
        raise Rejected(Reason.FSM_EXPR_UNKNOWN_NAME, e.name) from None


def _list(e: Expr, cx: _Ctx, d: int) -> Value:
    assert isinstance(e, ListLit)
    items = tuple(_eval(i, cx, d) for i in e.items)
    if not items:
        raise Rejected(Reason.FSM_EXPR_MALFORMED, "list literal without items")
    kind = type(items[0])
    if any(type(i) is not kind for i in items):
        raise type_error("list literal mixes kinds")
    cx.meter.charge(args_weight(items), "list literal")  # [EXPR-52]
    return check_size(items)


def _empty(e: Expr, cx: _Ctx, d: int) -> Value:
    return ()


def _unary(e: Expr, cx: _Ctx, d: int) -> Value:
    assert isinstance(e, Unary)
    v = _eval(e.operand, cx, d)
    if e.op is UnaryOp.NOT:
        return not _bool(v)
    return checked_int(-_int(v))


def divide(a: int, b: int) -> tuple[int, int]:
    """Return ``(a / b, a % b)``: quotient truncated toward zero, remainder with a's sign."""
    if b == 0:
        raise Rejected(Reason.FSM_EXPR_DIVISION_BY_ZERO, f"{a} / 0")  # [EXPR-44]
    q = abs(a) // abs(b)
    if (a < 0) != (b < 0):
        q = -q
    return q, a - b * q


def _arith(op: BinOp, a: int, b: int) -> int:
    if op is BinOp.ADD:
        r = a + b
    elif op is BinOp.SUB:
        r = a - b
    elif op is BinOp.MUL:
        r = a * b
    elif op is BinOp.DIV:
        r = divide(a, b)[0]
    else:
        r = divide(a, b)[1]
    return checked_int(r)


def _binary(e: Expr, cx: _Ctx, d: int) -> Value:
    assert isinstance(e, Binary)
    op = e.op
    left = _eval(e.left, cx, d)
    if op is BinOp.AND:
        return _bool(_eval(e.right, cx, d)) if _bool(left) else False
    if op is BinOp.OR:
        return True if _bool(left) else _bool(_eval(e.right, cx, d))
    right = _eval(e.right, cx, d)
    if op is BinOp.EQ or op is BinOp.NE:
        cx.meter.charge(compare_cost(left, right), op.value)  # [EXPR-52]
        if type(left) is not type(right):
            raise type_error("== compares different kinds")
        return values_equal(left, right) is (op is BinOp.EQ)
    if op in _ORDER:
        cx.meter.charge(compare_cost(left, right), op.value)
        if type(left) is not type(right) or type(left) not in (int, bytes):
            raise type_error(f"{op.value} needs two ints or two bytes")
        return _ORDER[op](left, right)  # type: ignore[arg-type]
    return _arith(op, _int(left), _int(right))


_ORDER: dict[BinOp, Callable[[int | bytes, int | bytes], bool]] = {
    BinOp.LT: lambda a, b: a < b,  # type: ignore[operator]
    BinOp.LE: lambda a, b: a <= b,  # type: ignore[operator]
    BinOp.GT: lambda a, b: a > b,  # type: ignore[operator]
    BinOp.GE: lambda a, b: a >= b,  # type: ignore[operator]
}


def _index(e: Expr, cx: _Ctx, d: int) -> Value:
    assert isinstance(e, Index)
    target = _eval(e.target, cx, d)
    i = _int(_eval(e.index, cx, d))
    if not isinstance(target, tuple | bytes):
        raise type_error(f"cannot index {type(target).__name__}")
    if not 0 <= i < len(target):
        # [EXPR-45]
        raise Rejected(Reason.FSM_EXPR_INDEX_OUT_OF_RANGE, f"index {i}, length {len(target)}")
    return target[i]


def _cond(e: Expr, cx: _Ctx, d: int) -> Value:
    assert isinstance(e, Cond)
    if _bool(_eval(e.cond, cx, d)):
        return _eval(e.then, cx, d)
    return _eval(e.other, cx, d)


def _call(e: Expr, cx: _Ctx, d: int) -> Value:
    assert isinstance(e, Call)
    args = tuple(_eval(a, cx, d) for a in e.args)
    builtin = cx.lib.lookup(e.func)
    cx.meter.charge(builtin.cost.exact(args), e.func)  # [EXPR-53]
    return builtin.impl(args)


_DISPATCH: dict[type, Callable[[Expr, _Ctx, int], Value]] = {
    IntLit: _lit,
    BoolLit: _lit,
    BytesLit: _lit,
    Name: _name,
    ListLit: _list,
    EmptyList: _empty,
    Unary: _unary,
    Binary: _binary,
    Index: _index,
    Cond: _cond,
    Call: _call,
}
