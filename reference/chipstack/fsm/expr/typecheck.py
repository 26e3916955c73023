"""Static type checker: run when a machine definition is loaded.

Spec: ``spec/03-fsm.md`` "Static typing" (rules ``[EXPR-25]`` .. ``[EXPR-29]``).
Sub-expressions are checked left to right before the node itself, and the
first failure is reported, so every implementation reports the same reason.
The same pass computes the static cost bound of the tree ([EXPR-57]).
"""

from __future__ import annotations

from collections.abc import Mapping

from chipstack.errors import Reason, Rejected
from chipstack.fsm.expr.ast import (
    Binary,
    BinOp,
    BoolLit,
    BytesLit,
    Cond,
    EmptyList,
    Expr,
    Index,
    IntLit,
    ListLit,
    Name,
    Unary,
    UnaryOp,
    check_limits,
)
from chipstack.fsm.expr.core import DEFAULT_LIBRARY
from chipstack.fsm.expr.cost import NODE_COST, max_weight
from chipstack.fsm.expr.library import Library, type_error
from chipstack.fsm.expr.types import (
    BOOL,
    BYTES,
    I64_MAX,
    I64_MIN,
    INT,
    MAX_BYTES_LEN,
    ListType,
    Type,
    check_type,
)

_ARITHMETIC = frozenset({BinOp.ADD, BinOp.SUB, BinOp.MUL, BinOp.DIV, BinOp.MOD})
_ORDERING = frozenset({BinOp.LT, BinOp.LE, BinOp.GT, BinOp.GE})
_EQUALITY = frozenset({BinOp.EQ, BinOp.NE})
_COMPARISON = _ORDERING | _EQUALITY


def typecheck(e: Expr, env: Mapping[str, Type], library: Library = DEFAULT_LIBRARY) -> Type:
    """Return the type of ``e`` in an environment of name -> type, or reject ([EXPR-25])."""
    return typecheck_bound(e, env, library)[0]


def typecheck_bound(
    e: Expr, env: Mapping[str, Type], library: Library = DEFAULT_LIBRARY
) -> tuple[Type, int]:
    """Return the type of ``e`` and the most cost units evaluating it can take ([EXPR-57]).

    The bound follows [EXPR-51] .. [EXPR-54] with every value at the largest
    weight of its type (:func:`~chipstack.fsm.expr.cost.max_weight`), both
    operands of ``and`` / ``or`` evaluated and the dearer branch of a
    conditional taken; it is computed in the same single pass as the type.
    """
    check_limits(e)
    return _check(e, env, library)


def _check(e: Expr, env: Mapping[str, Type], lib: Library) -> tuple[Type, int]:
    if isinstance(e, IntLit):
        if type(e.value) is not int or not I64_MIN <= e.value <= I64_MAX:
            raise Rejected(Reason.FSM_EXPR_OVERFLOW, f"literal {e.value!r} outside i64")
        return INT, NODE_COST
    if isinstance(e, BoolLit):
        return BOOL, NODE_COST
    if isinstance(e, BytesLit):
        if len(e.value) > MAX_BYTES_LEN:
            raise Rejected(Reason.FSM_EXPR_LIMIT, "bytes literal too long")
        return BYTES, NODE_COST
    if isinstance(e, Name):
        t = env.get(e.name)
        if t is None:
            raise Rejected(Reason.FSM_EXPR_UNKNOWN_NAME, e.name)
        return t, NODE_COST
    if isinstance(e, ListLit):
        checked = [_check(i, env, lib) for i in e.items]
        if not checked:
            raise Rejected(Reason.FSM_EXPR_MALFORMED, "list literal without items")
        first = checked[0][0]
        for t, _ in checked[1:]:
            if t != first:
                raise type_error(f"list mixes {first} and {t}")  # [EXPR-28]
        items = sum(c for _, c in checked) + len(checked) * max_weight(first)
        return check_type(ListType(first)), NODE_COST + items
    if isinstance(e, EmptyList):
        return check_type(ListType(e.elem)), NODE_COST  # [EXPR-28]
    if isinstance(e, Unary):
        t, c = _check(e.operand, env, lib)
        want = INT if e.op is UnaryOp.NEG else BOOL
        if t != want:
            raise type_error(f"{e.op.value} needs {want}, got {t}")  # [EXPR-27]
        return want, NODE_COST + c
    if isinstance(e, Binary):
        (lt, lc), (rt, rc) = _check(e.left, env, lib), _check(e.right, env, lib)
        extra = min(max_weight(lt), max_weight(rt)) if e.op in _COMPARISON else 0
        return _binary(e, lt, rt), NODE_COST + lc + rc + extra
    if isinstance(e, Index):
        target, tc = _check(e.target, env, lib)
        index, ic = _check(e.index, env, lib)
        if index != INT:
            raise type_error(f"index must be int, got {index}")  # [EXPR-27]
        if isinstance(target, ListType):
            return target.elem, NODE_COST + tc + ic
        if target == BYTES:
            return INT, NODE_COST + tc + ic
        raise type_error(f"cannot index {target}")  # [EXPR-27]
    if isinstance(e, Cond):
        cond, cc = _check(e.cond, env, lib)
        then, thc = _check(e.then, env, lib)
        other, oc = _check(e.other, env, lib)
        if cond != BOOL:
            raise type_error(f"condition must be bool, got {cond}")  # [EXPR-27]
        if then != other:
            raise type_error(f"branches differ: {then} and {other}")  # [EXPR-27]
        return then, NODE_COST + cc + max(thc, oc)
    args = tuple(_check(a, env, lib) for a in e.args)
    types = tuple(t for t, _ in args)
    builtin = lib.lookup(e.func)
    result = check_type(builtin.type_rule(types))
    return result, NODE_COST + sum(c for _, c in args) + builtin.cost.bound(types)


def _binary(e: Binary, left: Type, right: Type) -> Type:
    op = e.op
    if op in _ARITHMETIC:
        if left != INT or right != INT:
            raise type_error(f"{op.value} needs int operands, got {left} and {right}")  # [EXPR-27]
        return INT
    if op in _EQUALITY:
        if left != right:
            raise type_error(f"{op.value} compares {left} with {right}")  # [EXPR-27]
        return BOOL
    if op in _ORDERING:
        if left != right or left not in (INT, BYTES):
            # [EXPR-27]
            raise type_error(f"{op.value} needs two ints or two bytes, got {left} and {right}")
        return BOOL
    if left != BOOL or right != BOOL:
        raise type_error(f"{op.value} needs bool operands, got {left} and {right}")  # [EXPR-27]
    return BOOL

