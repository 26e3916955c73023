"""Synthetic machine definitions for tests and benchmarks: hostile and budget-maximal ones.

Both hold a variable ``b`` with the 1024 items of ``range(1024)``, so that a
few characters ask for a lot of work: ``sum(vars.b)`` is 2 nodes and 11
characters but costs ``NODE * 2 + CALL + 1025`` units ([EXPR-54]).

:func:`hostile_yaml` writes the definition of issue 9's attack: 255
transitions on one event from one state, pairwise exclusive by [FSM-13]
(transition ``k`` spells the bits of ``k`` as conjuncts ``p_j`` / ``not p_j``),
each guard about 700 nodes, under 1 MiB of YAML. It passes every check of
FSM-1 .. FSM-13 and its events are valid, but its worst event would cost far
more than :data:`~chipstack.fsm.definition.MAX_EVENT_BUDGET`, so [FSM-51]
refuses it at load. :func:`budget_yaml` writes a one-event machine whose
every event costs exactly its static bound: sized to just under the cap, it
is a budget-maximal machine to measure.
"""

from __future__ import annotations

#: Bits needed to tell 255 transitions apart.
_BITS = 8
#: One heavy item: false, 4 nodes, 1054 units.
_ITEM = "sum(vars.b)<0"

_HEAD = [
    "version: 1",
    "roles: [p]",
    "variables:",
    "  b: {type: \"list[int]\", init: \"range(1024)\"}",
    "  acc: {type: int, init: 0}",
    "states: [s0]",
    "initial: s0",
    "events:",
    "  poke:",
    "    params: {n: int}",
    "    signers: [p]",
    "transitions:",
]


def hostile_yaml(transitions: int = 255, m: int = 20) -> str:
    """The YAML of ``transitions`` exclusive transitions on one event.

    Conjunct ``p_j`` is ``(args.n == j or any([<m heavy items>]))``, true
    exactly when ``args.n == j``; each guard is the 8 conjuncts ``p_j`` or
    ``not p_j`` (about ``8 * (4 * m + 8)`` nodes), each effect a sum of ``m``
    ``sum(vars.b)``. ``poke(n)`` for ``0 <= n < 8`` fires transition ``2**n``.
    """
    heavy = "any([" + ",".join([_ITEM] * m) + "])"
    preds = [f"(args.n == {j} or {heavy})" for j in range(_BITS)]
    effect = "[" + ",".join(["sum(vars.b)"] * m) + "]"
    lines = ["name: hostile", *_HEAD]
    for k in range(transitions):
        conjuncts = [preds[j] if k >> j & 1 else f"not {preds[j]}" for j in range(_BITS)]
        lines += [
            "  - from: s0",
            "    on: poke",
            "    to: s0",
            f"    guard: \"{' and '.join(conjuncts)}\"",
            f"    effects: [{{set: acc, to: \"sum({effect}) % 7\"}}]",
        ]
    return "\n".join(lines) + "\n"


def budget_yaml(items: int, effects: int = 3, budget: int | None = None) -> str:
    """The YAML of a one-event machine whose every event costs exactly its static bound.

    The guards ``args.n >= 0`` and ``not (args.n >= 0)`` are cheap; each of the
    ``effects`` effects adds ``len([<items> sum(vars.b)])`` to ``acc``.
    """
    heavy = "len([" + ",".join(["sum(vars.b)"] * max(1, items)) + "])"
    sets = ", ".join([f"{{set: acc, to: \"vars.acc + {heavy}\"}}"] * effects)
    lines = [
        "name: budget_maximal",
        *([f"budget: {budget}"] if budget is not None else []),
        *_HEAD,
        "  - from: s0",
        "    on: poke",
        "    to: s0",
        "    guard: \"args.n >= 0\"",
        f"    effects: [{sets}]",
        "  - from: s0",
        "    on: poke",
        "    to: s0",
        "    guard: \"not (args.n >= 0)\"",
    ]
    return "\n".join(lines) + "\n"
