"""Expressions compiled once into Python closures: the evaluator without the tree walk.

Spec: ``spec/03-fsm.md`` "Evaluation" and "Cost" ([EXPR-40] .. [EXPR-56]).
:func:`compile_expr` turns a tree into a function ``(env, meter) -> value``
that does exactly what :func:`~chipstack.fsm.expr.evaluate.evaluate` does on
that tree: the same order of evaluation, the same charges to the meter at
the same moments (``NODE_COST`` on reaching a node, before its operands; the
comparison, list-literal and built-in charges before their work), the same
results and the same rejections. Only the per-node dispatch is gone, which
is most of the evaluator's time. The engine compiles each guard and effect
of a definition once ([FSM-32], [FSM-33]); a tree deeper than ``MAX_DEPTH``
is left to the tree-walking evaluator, which refuses it where it always did.
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
    depth,
)
from chipstack.fsm.expr.cost import NODE_COST, Meter, args_weight, compare_cost
from chipstack.fsm.expr.evaluate import _ORDER, _arith, _bool, _int, evaluate
from chipstack.fsm.expr.library import Library, checked_int, type_error
from chipstack.fsm.expr.values import Value, check_size, values_equal

#: A compiled expression: ``(env, meter) -> value``, charging ``meter`` as it goes.
Compiled = Callable[[Mapping[str, Value], Meter], Value]


def compile_expr(e: Expr, library: Library) -> Compiled:
    """Return a function evaluating ``e`` with ``library`` exactly as :func:`evaluate` does."""
    if depth(e) > MAX_DEPTH:
        return lambda env, meter: evaluate(e, env, library, meter)
    return _compile(e, library)


def _node(what: str, body: Compiled) -> Compiled:
    """Charge ``NODE_COST`` on reaching the node ([EXPR-51]), then run ``body``."""

    def node(env: Mapping[str, Value], m: Meter) -> Value:
        m.spent += NODE_COST
        if m.spent > m.limit:
            m.refuse(NODE_COST, what)
        return body(env, m)

    return node


def _compile(e: Expr, lib: Library) -> Compiled:
    what = type(e).__name__
    if isinstance(e, IntLit | BoolLit | BytesLit):
        value = e.value

        def lit(env: Mapping[str, Value], m: Meter) -> Value:
            m.spent += NODE_COST
            if m.spent > m.limit:
                m.refuse(NODE_COST, what)
            return value

        return lit
    if isinstance(e, Name):
        key = e.name

        def name(env: Mapping[str, Value], m: Meter) -> Value:
            m.spent += NODE_COST
            if m.spent > m.limit:
                m.refuse(NODE_COST, what)
            try:
                return env[key]
            except KeyError:
                raise Rejected(Reason.FSM_EXPR_UNKNOWN_NAME, key) from None

        return name
    if isinstance(e, EmptyList):
        return _node(what, lambda env, m: ())
    if isinstance(e, ListLit):
        return _node(what, _list([_compile(i, lib) for i in e.items]))
    if isinstance(e, Unary):
        return _node(what, _unary(e.op, _compile(e.operand, lib)))
    if isinstance(e, Binary):
        return _binary(e.op, _compile(e.left, lib), _compile(e.right, lib))
    if isinstance(e, Index):
        return _index(_compile(e.target, lib), _compile(e.index, lib))
    if isinstance(e, Cond):
        return _node(
            what, _cond(_compile(e.cond, lib), _compile(e.then, lib), _compile(e.other, lib))
        )
    if isinstance(e, Call):
        return _call(e.func, [_compile(a, lib) for a in e.args], lib)
    # Not a node of the language: let the evaluator refuse it as it does.
    return lambda env, m: evaluate(e, env, lib, m)


def _list(items: list[Compiled]) -> Compiled:
    def body(env: Mapping[str, Value], m: Meter) -> Value:
        values = tuple([f(env, m) for f in items])
        if not values:
            raise Rejected(Reason.FSM_EXPR_MALFORMED, "list literal without items")
        kind = type(values[0])
        if any(type(i) is not kind for i in values):
            raise type_error("list literal mixes kinds")
        m.charge(args_weight(values), "list literal")  # [EXPR-52]
        return check_size(values)

    return body


def _unary(op: UnaryOp, operand: Compiled) -> Compiled:
    if op is UnaryOp.NOT:
        return lambda env, m: not _bool(operand(env, m))
    return lambda env, m: checked_int(-_int(operand(env, m)))


def _binary(op: BinOp, left: Compiled, right: Compiled) -> Compiled:
    """A ``Binary`` node, its ``NODE_COST`` charged in the same closure (one call less)."""
    if op is BinOp.AND:
        return _node(
            "Binary", lambda env, m: _bool(right(env, m)) if _bool(left(env, m)) else False
        )
    if op is BinOp.OR:
        return _node(
            "Binary", lambda env, m: True if _bool(left(env, m)) else _bool(right(env, m))
        )
    if op is BinOp.EQ or op is BinOp.NE:
        want = op is BinOp.EQ
        what = op.value

        def equality(env: Mapping[str, Value], m: Meter) -> Value:
            m.spent += NODE_COST
            if m.spent > m.limit:
                m.refuse(NODE_COST, "Binary")
            a = left(env, m)
            b = right(env, m)
            m.charge(compare_cost(a, b), what)  # [EXPR-52]
            if type(a) is not type(b):
                raise type_error("== compares different kinds")
            return values_equal(a, b) is want

        return equality
    if op in _ORDER:
        order = _ORDER[op]
        what = op.value

        def compare(env: Mapping[str, Value], m: Meter) -> Value:
            m.spent += NODE_COST
            if m.spent > m.limit:
                m.refuse(NODE_COST, "Binary")
            a = left(env, m)
            b = right(env, m)
            m.charge(compare_cost(a, b), what)  # [EXPR-52]
            if type(a) is not type(b) or type(a) not in (int, bytes):
                raise type_error(f"{what} needs two ints or two bytes")
            return order(a, b)  # type: ignore[arg-type]

        return compare

    def arith(env: Mapping[str, Value], m: Meter) -> Value:
        m.spent += NODE_COST
        if m.spent > m.limit:
            m.refuse(NODE_COST, "Binary")
        a = left(env, m)
        b = right(env, m)
        return _arith(op, _int(a), _int(b))

    return arith


def _index(target: Compiled, index: Compiled) -> Compiled:
    """An ``Index`` node, its ``NODE_COST`` charged in the same closure."""
    def body(env: Mapping[str, Value], m: Meter) -> Value:
        m.spent += NODE_COST
        if m.spent > m.limit:
            m.refuse(NODE_COST, "Index")
        t = target(env, m)
        i = _int(index(env, m))
        if not isinstance(t, tuple | bytes):
            raise type_error(f"cannot index {type(t).__name__}")
        if not 0 <= i < len(t):
            # [EXPR-45]
            raise Rejected(Reason.FSM_EXPR_INDEX_OUT_OF_RANGE, f"index {i}, length {len(t)}")
        return t[i]

    return body


def _cond(cond: Compiled, then: Compiled, other: Compiled) -> Compiled:
    return lambda env, m: then(env, m) if _bool(cond(env, m)) else other(env, m)


def _call(func: str, args: list[Compiled], lib: Library) -> Compiled:
    """A ``Call`` node, its ``NODE_COST`` charged in the same closure."""
    builtin = lib.builtins.get(func)
    if builtin is None:

        def unknown(env: Mapping[str, Value], m: Meter) -> Value:
            for a in args:
                a(env, m)
            lib.lookup(func)  # fsm.expr_unknown_builtin, after the arguments as ever
            raise AssertionError("unreachable")

        return _node("Call", unknown)
    exact, impl = builtin.cost.exact, builtin.impl

    def call(env: Mapping[str, Value], m: Meter) -> Value:
        m.spent += NODE_COST
        if m.spent > m.limit:
            m.refuse(NODE_COST, "Call")
        values = tuple([a(env, m) for a in args])
        m.charge(exact(values), func)  # [EXPR-53]
        return impl(values)

    return call
