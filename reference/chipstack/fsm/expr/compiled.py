"""Expressions compiled once into Python functions: the evaluator without the tree walk.

Spec: ``spec/03-fsm.md`` "Evaluation" and "Cost" ([EXPR-40] .. [EXPR-56]).
:func:`compile_expr` turns a tree into a function ``(env, meter) -> value``
that does exactly what :func:`~chipstack.fsm.expr.evaluate.evaluate` does on
that tree: the same order of evaluation, the same charges to the meter at
the same moments (``NODE_COST`` on reaching a node, before its operands; the
comparison, list-literal and built-in charges before their work), the same
results and the same rejections, and the same meter reading afterwards,
whether the evaluation returned or was rejected. Only the per-node dispatch
is gone, which is most of the evaluator's time.

The function is generated as Python source, one straight-line statement
block per node (``and``, ``or`` and the conditional become ``if`` blocks),
keeping the meter's running total in a local variable. The generated text
holds no text of the tree: every name, built-in and constant of the tree is
passed in as a value of the function's namespace, so no tree can inject
code. The engine compiles each guard and effect of a definition once
([FSM-32], [FSM-33]); a tree deeper than ``MAX_DEPTH`` is left to the
tree-walking evaluator, which refuses it where it always did.
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
from chipstack.fsm.expr.cost import NODE_COST, Meter, args_weight, compare_cost, weight
from chipstack.fsm.expr.evaluate import _arith, _bool, _int, evaluate
from chipstack.fsm.expr.library import Library, checked_int, type_error
from chipstack.fsm.expr.types import I64_MAX, I64_MIN
from chipstack.fsm.expr.values import Value, check_size, values_equal

#: A compiled expression: ``(env, meter) -> value``, charging ``meter`` as it goes.
Compiled = Callable[[Mapping[str, Value], Meter], Value]


def compile_expr(e: Expr, library: Library, typed: bool = False) -> Compiled:
    """Return a function evaluating ``e`` with ``library`` exactly as :func:`evaluate` does.

    ``typed=True`` is for a tree that passed the type check with ``library``
    against the types of the environment it will run in ([EXPR-25]; the
    guards, effects and initial values of a checked definition): its calls
    use each built-in's ``trusted`` implementation where it has one.
    """
    if depth(e) > MAX_DEPTH:
        return lambda env, meter: evaluate(e, env, library, meter)
    return _Writer(library, typed).function(e)


def _over(m: Meter, spent: int, units: int, what: str) -> None:
    """Refuse a charge of ``units`` that took the meter from ``spent`` past its limit."""
    m.spent = spent + units
    m.refuse(units, what)  # takes the charge back and raises fsm.over_budget


def _unknown_name(key: str) -> Rejected:
    return Rejected(Reason.FSM_EXPR_UNKNOWN_NAME, key)


def _mixed() -> Rejected:
    return type_error("list literal mixes kinds")


def _empty_literal() -> Rejected:
    return Rejected(Reason.FSM_EXPR_MALFORMED, "list literal without items")


def _different_kinds() -> Rejected:
    return type_error("== compares different kinds")


def _not_ordered(what: str) -> Rejected:
    return type_error(f"{what} needs two ints or two bytes")


def _index(target: Value, i: Value) -> Value:
    """``target[i]`` off the fast path: the evaluator's checks, in its order ([EXPR-45])."""
    i = _int(i)
    if not isinstance(target, tuple | bytes):
        raise type_error(f"cannot index {type(target).__name__}")
    if not 0 <= i < len(target):
        raise Rejected(Reason.FSM_EXPR_INDEX_OUT_OF_RANGE, f"index {i}, length {len(target)}")
    return target[i]


#: What every generated function may name besides its own constants.
_GLOBALS: dict[str, object] = {
    "_over": _over,
    "_bool": _bool,
    "_int": _int,
    "_arith": _arith,
    "_index": _index,
    "_unknown_name": _unknown_name,
    "_mixed": _mixed,
    "_empty_literal": _empty_literal,
    "_different_kinds": _different_kinds,
    "_not_ordered": _not_ordered,
    "_checked_int": checked_int,
    "_compare_cost": compare_cost,
    "_values_equal": values_equal,
    "_args_weight": args_weight,
    "_weight": weight,
    "_check_size": check_size,
    "_evaluate": evaluate,
    "_I64_MIN": I64_MIN,
    "_I64_MAX": I64_MAX,
    "KeyError": KeyError,
    "BaseException": BaseException,
    "AssertionError": AssertionError,
    "type": type,
    "len": len,
    "int": int,
    "bool": bool,
    "tuple": tuple,
    "bytes": bytes,
}

_NODES = (IntLit, BoolLit, BytesLit, Name, EmptyList, ListLit, Unary, Binary, Index, Cond, Call)
_ORDER_OPS = {BinOp.LT: "<", BinOp.LE: "<=", BinOp.GT: ">", BinOp.GE: ">="}
_FAST_ARITH = {BinOp.ADD: "+", BinOp.SUB: "-", BinOp.MUL: "*"}


class _Writer:
    """Writes the Python source of one compiled expression (locals ``s``: spent, ``L``: limit)."""

    def __init__(self, lib: Library, typed: bool) -> None:
        self.lib = lib
        self.typed = typed
        self.lines: list[str] = []
        self.names: dict[str, object] = {}
        self.temps = 0

    def function(self, e: Expr) -> Compiled:
        """Generate, compile and return the function for ``e``."""
        result = self.node(e, 2)
        source = "\n".join([
            "def compiled(env, m):",
            "    s = m.spent",
            "    L = m.limit",
            "    try:",
            *self.lines,
            "    except BaseException:",
            "        m.spent = s",
            "        raise",
            "    m.spent = s",
            f"    return {result}",
        ])
        namespace = dict(_GLOBALS)
        namespace.update(self.names)
        exec(compile(source, "<compiled expression>", "exec"), namespace)
        return namespace["compiled"]  # type: ignore[return-value]

    # -- helpers -------------------------------------------------------------

    def emit(self, ind: int, line: str) -> None:
        self.lines.append("    " * ind + line)

    def temp(self) -> str:
        self.temps += 1
        return f"t{self.temps}"

    def const(self, value: object) -> str:
        """A namespace name holding ``value`` (tree content never enters the source text)."""
        name = f"k{len(self.names)}"
        self.names[name] = value
        return name

    def charge(self, ind: int, units: int | str, what: str) -> None:
        """``meter.charge(units, what)``: add, and refuse past the limit ([EXPR-56])."""
        label = self.const(what)
        self.emit(ind, f"s += {units}")
        self.emit(ind, f"if s > L: s -= {units}; _over(m, s, {units}, {label})")

    def check_bool(self, ind: int, v: str) -> None:
        self.emit(ind, f"if {v} is not True and {v} is not False: _bool({v})")

    # -- nodes: each emits its statements and returns a name holding its value ----

    def node(self, e: Expr, ind: int) -> str:
        """Emit ``e``'s statements at indent ``ind``; return the local holding its value."""
        if not isinstance(e, _NODES):
            return self.foreign(e, ind)
        self.charge(ind, NODE_COST, type(e).__name__)  # [EXPR-51]: before the operands
        if isinstance(e, IntLit | BoolLit | BytesLit):
            return self.const(e.value)
        if isinstance(e, Name):
            t = self.temp()
            self.emit(ind, "try:")
            self.emit(ind + 1, f"{t} = env[{self.const(e.name)}]")
            self.emit(ind, "except KeyError:")
            self.emit(ind + 1, f"raise _unknown_name({self.const(e.name)}) from None")
            return t
        if isinstance(e, EmptyList):
            return self.const(())
        if isinstance(e, ListLit):
            return self.list_literal(e, ind)
        if isinstance(e, Unary):
            v, t = self.node(e.operand, ind), self.temp()
            if e.op is UnaryOp.NOT:
                self.check_bool(ind, v)
                self.emit(ind, f"{t} = not {v}")
            else:
                self.emit(ind, f"{t} = _checked_int(-_int({v}))")
            return t
        if isinstance(e, Binary):
            return self.binary(e, ind)
        if isinstance(e, Index):
            target, index, t = self.node(e.target, ind), self.node(e.index, ind), self.temp()
            self.emit(ind, f"if type({target}) is tuple and type({index}) is int "
                           f"and 0 <= {index} < len({target}):")
            self.emit(ind + 1, f"{t} = {target}[{index}]")
            self.emit(ind, "else:")
            self.emit(ind + 1, f"{t} = _index({target}, {index})")
            return t
        if isinstance(e, Cond):
            c, t = self.node(e.cond, ind), self.temp()
            self.emit(ind, f"if {c} is True:")
            self.emit(ind + 1, f"{t} = {self.node(e.then, ind + 1)}")
            self.emit(ind, "else:")
            self.check_bool(ind + 1, c)
            self.emit(ind + 1, f"{t} = {self.node(e.other, ind + 1)}")
            return t
        assert isinstance(e, Call)
        return self.call(e, ind)

    def foreign(self, e: Expr, ind: int) -> str:
        """Not a node of the language: the evaluator refuses it as it does."""
        t = self.temp()
        self.emit(ind, "m.spent = s")
        self.emit(ind, "try:")
        self.emit(ind + 1, f"{t} = _evaluate({self.const(e)}, env, {self.const(self.lib)}, m)")
        self.emit(ind, "except BaseException:")
        self.emit(ind + 1, "s = m.spent")
        self.emit(ind + 1, "raise")
        self.emit(ind, "s = m.spent")
        return t

    def list_literal(self, e: ListLit, ind: int) -> str:
        items = [self.node(i, ind) for i in e.items]
        t = self.temp()
        if not items:
            self.emit(ind, "raise _empty_literal()")
            return t
        self.emit(ind, f"{t} = ({', '.join(items)},)")
        self.emit(ind, f"if any(type(i) is not type({t}[0]) for i in {t}): raise _mixed()")
        w = self.temp()
        self.emit(ind, f"{w} = _args_weight({t})")
        self.charge(ind, w, "list literal")  # [EXPR-52]
        self.emit(ind, f"{t} = _check_size({t})")
        return t

    def binary(self, e: Binary, ind: int) -> str:
        op = e.op
        left = self.node(e.left, ind)
        t = self.temp()
        if op is BinOp.AND or op is BinOp.OR:
            go_on, stop, result = ("True", "False", "False") if op is BinOp.AND else (
                "False", "True", "True")
            self.emit(ind, f"if {left} is {go_on}:")
            right = self.node(e.right, ind + 1)
            self.check_bool(ind + 1, right)
            self.emit(ind + 1, f"{t} = {right}")
            self.emit(ind, "else:")
            self.emit(ind + 1, f"if {left} is not {stop}: _bool({left})")
            self.emit(ind + 1, f"{t} = {result}")
            return t
        right = self.node(e.right, ind)
        a, b = left, right
        if op is BinOp.EQ or op is BinOp.NE or op in _ORDER_OPS:
            what = op.value
            sign = "==" if op is BinOp.EQ else "!=" if op is BinOp.NE else _ORDER_OPS[op]
            # ints (and, for == and !=, bools) weigh 1: compare_cost is 1 ([EXPR-52])
            fast = (f"type({a}) is int and type({b}) is int" if op in _ORDER_OPS else
                    f"type({a}) is type({b}) and (type({a}) is int or type({a}) is bool)")
            self.emit(ind, f"if {fast}:")
            self.charge(ind + 1, 1, what)
            self.emit(ind + 1, f"{t} = {a} {sign} {b}")
            self.emit(ind, "else:")
            c = self.temp()
            self.emit(ind + 1, f"{c} = _compare_cost({a}, {b})")
            self.charge(ind + 1, c, what)
            if op in _ORDER_OPS:
                self.emit(ind + 1, f"if type({a}) is not type({b}) or "
                                   f"(type({a}) is not int and type({a}) is not bytes): "
                                   f"raise _not_ordered({self.const(what)})")
                self.emit(ind + 1, f"{t} = {a} {sign} {b}")
            else:
                want = "True" if op is BinOp.EQ else "False"
                self.emit(ind + 1, f"if type({a}) is not type({b}): raise _different_kinds()")
                self.emit(ind + 1, f"{t} = _values_equal({a}, {b}) is {want}")
            return t
        self.emit(ind, f"if type({a}) is not int: _int({a})")
        self.emit(ind, f"if type({b}) is not int: _int({b})")
        if op in _FAST_ARITH:
            self.emit(ind, f"{t} = {a} {_FAST_ARITH[op]} {b}")
            self.emit(ind, f"if not _I64_MIN <= {t} <= _I64_MAX: _checked_int({t})")
        else:
            self.emit(ind, f"{t} = _arith({self.const(op)}, {a}, {b})")
        return t

    def call(self, e: Call, ind: int) -> str:
        args = [self.node(a, ind) for a in e.args]
        t = self.temp()
        builtin = self.lib.builtins.get(e.func)
        if builtin is None:  # fsm.expr_unknown_builtin, after the arguments as ever
            self.emit(ind, f"{self.const(self.lib)}.lookup({self.const(e.func)})")
            self.emit(ind, "raise AssertionError('unreachable')")
            return t
        self.emit(ind, f"{t} = ({''.join(a + ', ' for a in args)})")
        c = self.temp()
        if builtin.cost.linear is None:
            self.emit(ind, f"{c} = {self.const(builtin.cost.exact)}({t})")
        else:  # base + per_weight * args_weight, each argument weighed in line ([EXPR-50])
            base, per = builtin.cost.linear
            self.emit(ind, f"{c} = 0")
            for a in args:
                self.emit(ind, f"if type({a}) is not tuple: {c} += 1 if type({a}) is not bytes "
                               f"else _weight({a})")
                self.emit(ind, f"elif not {a} or type({a}[0]) is int or type({a}[0]) is bool: "
                               f"{c} += 1 + len({a})")
                self.emit(ind, f"else: {c} += _weight({a})")
            self.emit(ind, f"{c} = {int(base)} + {int(per)} * {c}")
        self.charge(ind, c, e.func)  # [EXPR-53]
        impl = builtin.trusted if self.typed and builtin.trusted else builtin.impl
        self.emit(ind, f"{t} = {self.const(impl)}({t})")
        return t
