"""Deterministic cost units: what evaluating an expression costs, counted the same everywhere.

Spec: ``spec/03-fsm.md`` "Cost" (rules ``[EXPR-50]`` .. ``[EXPR-56]``). Every
node of a tree and every built-in call has a cost in *cost units*, computed
from the sizes (:func:`weight`) of the values it works on **before** the work
is done, so that a :class:`Meter` can refuse an evaluation that would exceed
its budget (``fsm.over_budget``) without having done the expensive part.

Built-ins carry a :class:`Cost`: an exact rule from the evaluated arguments
and a bound from the argument types, which the definition loader uses to
compute a static worst case per event. :func:`linear_cost` builds the usual
``base + per * weight(arguments)`` form::

    Builtin("rank7", "rank7(list[int]) -> int", rule, impl, "doc",
            cost=linear_cost(CALL_COST + 200, 4))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from chipstack.errors import Reason, Rejected
from chipstack.fsm.expr.types import (
    BYTES,
    MAX_BYTES_LEN,
    MAX_LIST_LEN,
    MAX_VALUE_SIZE,
    ListType,
    Type,
)
from chipstack.fsm.expr.values import Value

#: Evaluated argument values of a call, in order.
Args = tuple[Value, ...]
#: Argument types of a call, in order.
ArgTypes = tuple[Type, ...]

#: Cost of reaching any node, charged before its operands ([EXPR-51]).
NODE_COST = 6
#: Base of the default cost rule of a built-in, on top of ``NODE_COST`` ([EXPR-53]).
CALL_COST = 4
#: Bytes of a ``bytes`` value that count as one unit of weight ([EXPR-50]).
BYTES_PER_WEIGHT = 64
#: The largest weight of any value: weight never exceeds the encoded length ([EXPR-50]).
MAX_WEIGHT = MAX_VALUE_SIZE


def weight(v: Value) -> int:
    """Return the weight of ``v`` ([EXPR-50]): the size measure every cost is counted in.

    ``int`` and ``bool`` weigh 1, ``bytes`` ``1 + len // 64``, a list ``1`` plus
    the weights of its items. A weight is never more than the length of the
    value's canonical encoding, so never more than :data:`MAX_WEIGHT`. Lists
    are homogeneous ([EXPR-2]), so a list of scalars is weighed in one step.
    """
    kind = type(v)
    if kind is tuple:
        if not v:
            return 1
        first = type(v[0])  # type: ignore[index]
        if first is int or first is bool:
            return 1 + len(v)  # type: ignore[arg-type]
        return 1 + sum(map(weight, v))  # type: ignore[arg-type]
    if kind is bytes:
        return 1 + len(v) // BYTES_PER_WEIGHT  # type: ignore[arg-type]
    return 1


def weight_at_most(v: Value, cap: int) -> int:
    """Return ``weight(v)`` if it is at most ``cap``, else ``cap + 1``, in about ``cap`` steps.

    A charge that depends on only part of a value's weight (the smaller
    operand of a comparison, a ``repeat`` of count 0) must not cost a walk
    of the whole value: a nested list of 65,536 empty lists weighs its size
    to walk, whatever the charge.
    """
    total = 0
    stack: list[Value] = [v]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is tuple:
            assert isinstance(item, tuple)
            first = type(item[0]) if item else int
            if first is int or first is bool:
                total += 1 + len(item)
            else:
                total += 1
                stack.extend(item)
        elif kind is bytes:
            assert isinstance(item, bytes)
            total += 1 + len(item) // BYTES_PER_WEIGHT
        else:
            total += 1
        if total > cap:
            return cap + 1
    return total


def _flat(v: Value) -> bool:
    """Whether :func:`weight` of ``v`` takes one step (a scalar, or a list of ints or bools)."""
    if type(v) is not tuple:
        return True
    assert isinstance(v, tuple)
    return not v or type(v[0]) is int or type(v[0]) is bool


def max_weight(t: Type) -> int:
    """Return the largest weight a value of type ``t`` can have within the limits of [EXPR-3]."""
    if isinstance(t, ListType):
        return min(1 + MAX_LIST_LEN * max_weight(t.elem), MAX_WEIGHT)
    if t == BYTES:
        return 1 + MAX_BYTES_LEN // BYTES_PER_WEIGHT
    return 1


def args_weight(args: Args) -> int:
    """Return the summed weight of a call's evaluated arguments.

    (The sum of :func:`weight` of each; scalars and flat lists, the usual
    arguments, are weighed here without a call each.)
    """
    total = 0
    for v in args:
        kind = type(v)
        if kind is tuple:
            first = type(v[0]) if v else int  # type: ignore[index]
            total += 1 + len(v) if first is int or first is bool else weight(v)  # type: ignore[arg-type]
        elif kind is bytes:
            total += 1 + len(v) // BYTES_PER_WEIGHT  # type: ignore[arg-type]
        else:
            total += 1
    return total


@dataclass(frozen=True)
class Cost:
    """The cost of a built-in call: exact from the evaluated arguments, bounded from their types.

    ``exact(args)`` is charged after the arguments are evaluated and before the
    implementation runs ([EXPR-53]); it must be deterministic and must not do
    more than linear work in the arguments' weight. ``bound(types)`` must be at
    least ``exact(args)`` for every argument list of those types within the
    limits of [EXPR-3]; the loader adds it up into a definition's static worst
    case of a definition. A built-in whose work grows faster than its arguments'
    weight (a sort, a pairwise pass) must refuse inputs above a small stated
    size *before* the work (``fsm.expr_bad_argument``), so that its work stays
    within what ``exact`` charged.
    """

    exact: Callable[[Args], int]
    bound: Callable[[ArgTypes], int]
    #: For a :func:`linear_cost`: its ``(base, per_weight)``, so that compiled code may
    #: compute ``exact`` in line; ``None`` for any other rule.
    linear: tuple[int, int] | None = None


def linear_cost(base: int = CALL_COST, per_weight: int = 1) -> Cost:
    """Return the cost ``base + per_weight * (sum of the arguments' weights)`` ([EXPR-53])."""
    if base < 0 or per_weight < 0:
        raise ValueError("costs are not negative")

    def exact(args: Args) -> int:
        return base + per_weight * args_weight(args)

    def bound(types: ArgTypes) -> int:
        return base + per_weight * sum(map(max_weight, types))

    return Cost(exact, bound, (base, per_weight))


#: The cost of a built-in that states none: linear in its arguments' weight.
DEFAULT_CALL_COST = linear_cost()


#: The limit of a meter that only counts (larger than any sum of charges can reach).
UNLIMITED = 1 << 62


class Meter:
    """Counts the cost units an evaluation spends, and refuses to pass a limit ([EXPR-56]).

    ``limit=None`` counts without limit. :meth:`charge` is called *before* the
    work it pays for: when the total would pass the limit it raises
    ``Rejected(fsm.over_budget)`` and records nothing, so a refused evaluation
    has done none of the work it could not pay for. (The evaluator inlines
    :meth:`charge` as ``spent += n`` then :meth:`refuse` past ``limit``.)
    """

    __slots__ = ("limit", "spent")

    def __init__(self, limit: int | None = None) -> None:
        if limit is not None and not 0 <= limit < UNLIMITED:
            raise ValueError(f"a budget is 0 .. {UNLIMITED - 1}")
        self.limit: int = UNLIMITED if limit is None else limit
        self.spent: int = 0

    def charge(self, units: int, what: str = "") -> None:
        """Add ``units`` to :attr:`spent`, or reject with ``fsm.over_budget`` past :attr:`limit`."""
        self.spent += units
        if self.spent > self.limit:
            self.refuse(units, what)

    def refuse(self, units: int, what: str) -> None:
        """Take back the last charge of ``units`` and reject with ``fsm.over_budget``."""
        self.spent -= units
        raise Rejected(
            Reason.FSM_OVER_BUDGET,
            f"{what or 'evaluation'} needs {units} units, {self.limit - self.spent} left"
            f" of {self.limit}",
        )

    @property
    def remaining(self) -> int:
        """Units left before the limit."""
        return self.limit - self.spent


def compare_cost(left: Value, right: Value) -> int:
    """Extra cost of ``== != < <= > >=`` on the evaluated operands ([EXPR-52]).

    That is ``min(weight(left), weight(right))``, found in steps proportional
    to the result: the operands are weighed up to a cap that grows fourfold
    until one of them is within it, so a heavy operand compared with a light
    one is not walked whole (its walk would be work the charge does not pay).
    """
    if _flat(left):
        light = weight(left)
        return min(light, weight_at_most(right, light))
    if _flat(right):
        light = weight(right)
        return min(light, weight_at_most(left, light))
    cap = 64
    while True:
        a, b = weight_at_most(left, cap), weight_at_most(right, cap)
        if a <= cap or b <= cap:
            return min(a, b)
        cap *= 4
