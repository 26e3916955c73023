"""Evaluator: a total, deterministic function from (tree, environment) to a value.

Spec: ``spec/03-fsm.md`` "Evaluation" (rules ``[EXPR-40]`` .. ``[EXPR-47]``).
Sub-expressions are evaluated left to right; ``and``, ``or`` and the
conditional evaluate only what they need. Every ``int`` result is checked
against the i64 range: overflow is a rejection, never a wrap.
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
from chipstack.fsm.expr.library import Library, checked_int, type_error
from chipstack.fsm.expr.typecheck import typecheck
from chipstack.fsm.expr.types import Type
from chipstack.fsm.expr.values import Value, check_size, values_equal

_Env = Mapping[str, Value]


def evaluate(e: Expr, env: _Env, library: Library = DEFAULT_LIBRARY) -> Value:
    """Evaluate ``e`` in ``env`` (name -> value) with the built-ins of ``library`` ([EXPR-40]).

    ``e`` is meant to have passed :func:`typecheck` against the types of
    ``env`` ([EXPR-25]); on an unchecked tree, operand kinds are still checked
    and a mismatch is ``fsm.expr_type_error``, and trees deeper than 64 are
    refused (``fsm.expr_limit``), so the result is always a value or a
    rejection. Run-time checks cannot see every ill-typed tree (for example
    ``[1] == [true]`` is ``false`` there, not a type error): type-check first
    ([EXPR-41]).
    """
    return _eval(e, env, library, 1)


def check_and_evaluate(
    e: Expr, env: _Env, env_types: Mapping[str, Type], library: Library = DEFAULT_LIBRARY
) -> tuple[Type, Value]:
    """Typecheck ``e`` against ``env_types`` then evaluate it in ``env``; return both results."""
    t = typecheck(e, env_types, library)
    return t, _eval(e, env, library, 1)


def _eval(e: Expr, env: _Env, lib: Library, level: int) -> Value:
    if level > MAX_DEPTH:
        raise Rejected(Reason.FSM_EXPR_LIMIT, f"expression deeper than {MAX_DEPTH}")
    return _DISPATCH[type(e)](e, env, lib, level + 1)


def _int(v: Value) -> int:
    if type(v) is not int:
        raise type_error(f"expected int, got {type(v).__name__}")
    return v


def _bool(v: Value) -> bool:
    if type(v) is not bool:
        raise type_error(f"expected bool, got {type(v).__name__}")
    return v


def _lit(e: Expr, env: _Env, lib: Library, d: int) -> Value:
    assert isinstance(e, IntLit | BoolLit | BytesLit)
    return e.value


def _name(e: Expr, env: _Env, lib: Library, d: int) -> Value:
    assert isinstance(e, Name)
    try:
        return env[e.name]
    except KeyError:
        raise Rejected(Reason.FSM_EXPR_UNKNOWN_NAME, e.name) from None


def _list(e: Expr, env: _Env, lib: Library, d: int) -> Value:
    assert isinstance(e, ListLit)
    items = tuple(_eval(i, env, lib, d) for i in e.items)
    if not items:
        raise Rejected(Reason.FSM_EXPR_MALFORMED, "list literal without items")
    kind = type(items[0])
    if any(type(i) is not kind for i in items):
        raise type_error("list literal mixes kinds")
    return check_size(items)


def _empty(e: Expr, env: _Env, lib: Library, d: int) -> Value:
    return ()


def _unary(e: Expr, env: _Env, lib: Library, d: int) -> Value:
    assert isinstance(e, Unary)
    v = _eval(e.operand, env, lib, d)
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


def _binary(e: Expr, env: _Env, lib: Library, d: int) -> Value:
    assert isinstance(e, Binary)
    op = e.op
    left = _eval(e.left, env, lib, d)
    if op is BinOp.AND:
        return _bool(_eval(e.right, env, lib, d)) if _bool(left) else False
    if op is BinOp.OR:
        return True if _bool(left) else _bool(_eval(e.right, env, lib, d))
    right = _eval(e.right, env, lib, d)
    if op is BinOp.EQ or op is BinOp.NE:
        if type(left) is not type(right):
            raise type_error("== compares different kinds")
        return values_equal(left, right) is (op is BinOp.EQ)
    if op in _ORDER:
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


def _index(e: Expr, env: _Env, lib: Library, d: int) -> Value:
    assert isinstance(e, Index)
    target = _eval(e.target, env, lib, d)
    i = _int(_eval(e.index, env, lib, d))
    if not isinstance(target, tuple | bytes):
        raise type_error(f"cannot index {type(target).__name__}")
    if not 0 <= i < len(target):
        # [EXPR-45]
        raise Rejected(Reason.FSM_EXPR_INDEX_OUT_OF_RANGE, f"index {i}, length {len(target)}")
    return target[i]


def _cond(e: Expr, env: _Env, lib: Library, d: int) -> Value:
    assert isinstance(e, Cond)
    if _bool(_eval(e.cond, env, lib, d)):
        return _eval(e.then, env, lib, d)
    return _eval(e.other, env, lib, d)


def _call(e: Expr, env: _Env, lib: Library, d: int) -> Value:
    assert isinstance(e, Call)
    args = tuple(_eval(a, env, lib, d) for a in e.args)
    return lib.lookup(e.func).impl(args)


_DISPATCH: dict[type, Callable[[Expr, _Env, Library, int], Value]] = {
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
