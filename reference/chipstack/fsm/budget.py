"""Per-event budgets and the static worst case of a definition (spec/03-fsm.md FSM-50 .. FSM-53).

An event's cost is counted in the cost units of the expression language
([EXPR-50] ..): a fixed part for the step itself, the weight of its
arguments, the guards it evaluates and the effects it runs in the order of
[FSM-32] and [FSM-33], the weight of each value an effect assigns, and the
weight of the new state it encodes. A definition carries a budget per event
(at most :data:`MAX_EVENT_BUDGET`); the loader computes, from the types
alone, the most any event can cost (:func:`event_bounds`) and what creating
an instance's initial state can cost (:func:`creation_bound`, [FSM-54]), and
refuses a definition whose worst event or creation could pass the global
maximum.
"""

from __future__ import annotations

from collections.abc import Sequence

from chipstack.fsm import definition as d
from chipstack.fsm.expr import Value, max_weight, weight

#: The global maximum of any event's cost, in cost units ([FSM-50]).
MAX_EVENT_BUDGET = d.MAX_EVENT_BUDGET
#: The fixed part of every event's cost: signature check, state hashes, environment ([FSM-52]).
EVENT_COST = 1500


def args_cost(values: Sequence[Value]) -> int:
    """The first charge of an event: :data:`EVENT_COST` plus its arguments' weight ([FSM-52])."""
    return EVENT_COST + sum(map(weight, values))


def state_cost(values: Sequence[Value]) -> int:
    """The last charge of an event: the weight of the new state's values ([FSM-52])."""
    return sum(map(weight, values))


def creation_bound(defn: d.Definition, init_bounds: Sequence[int]) -> int:
    """Most units creating the initial state can cost ([FSM-54]).

    ``init_bounds[i]`` is the bound ([EXPR-57]) of variable ``i``'s initial
    expression in the initial environment: each is charged with the largest
    weight of the value it gives, then the whole state once more (its hash).
    """
    return sum(
        b + 2 * max_weight(v.type) for v, b in zip(defn.variables, init_bounds, strict=True)
    )


def effect_bound(defn: d.Definition, t: d.Transition, expr_bounds: Sequence[int]) -> int:
    """Most units ``t``'s effects can cost: each expression's bound plus its variable's weight."""
    types = {v.name: v.type for v in defn.variables}
    return sum(b + max_weight(types[e.var]) for e, b in zip(t.effects, expr_bounds, strict=True))


def event_bounds(
    defn: d.Definition, guard_bounds: Sequence[int], effect_bounds: Sequence[int]
) -> dict[tuple[str, str], int]:
    """Return the static bound of every (state, event) pair that has a transition ([FSM-51]).

    ``guard_bounds[i]`` is the bound of transition ``i``'s guard (0 when it has
    none) and ``effect_bounds[i]`` that of its effects (:func:`effect_bound`).
    When transition ``k`` of a pair's candidates fires, the guards of the
    candidates before it and its own have been evaluated, then its effects
    run; the bound is the largest such path, plus the fixed part, the largest
    arguments and the largest state. Linear in the number of transitions.
    """
    state = sum(max_weight(v.type) for v in defn.variables)
    args = {e.name: sum(max_weight(p.type) for p in e.params) for e in defn.events}
    paths: dict[tuple[str, str], tuple[int, int]] = {}  # (guards so far, worst path)
    for i, t in enumerate(defn.transitions):
        guards, worst = paths.get((t.source, t.on), (0, 0))
        guards += guard_bounds[i]
        paths[(t.source, t.on)] = (guards, max(worst, guards + effect_bounds[i]))
    return {
        key: EVENT_COST + args.get(key[1], 0) + worst + state
        for key, (_, worst) in paths.items()
    }
