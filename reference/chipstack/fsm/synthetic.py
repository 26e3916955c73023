"""Synthetic machine definitions for tests and benchmarks: hostile and budget-maximal ones.

Both use a variable ``b`` holding the 1024 items of ``range(1024)`` and
*heavy terms* ``contains([vars.b, ..., vars.b], vars.b)``: ``m + 4`` nodes
whose cost grows with ``m * 1025`` units (the list literal's items, then the
scan), so that a little text asks for a lot of work.

:func:`hostile_yaml` writes the definition of issue 9's attack: 255
transitions on one event from one state, pairwise exclusive by [FSM-13]
(transition ``k`` spells the bits of ``k`` as conjuncts ``p_j`` / ``not p_j``),
just under 1 MiB of YAML. It passes every check of FSM-1 .. FSM-13, and its
worst event would cost far more than
:data:`~chipstack.fsm.definition.MAX_EVENT_BUDGET`, so [FSM-51] refuses it at
load. :func:`budget_yaml` writes a one-event machine whose every event costs
close to the static bound of the definition: sized to just under the cap, it
is a budget-maximal machine to measure.
"""

from __future__ import annotations

#: Bits needed to tell 255 transitions apart.
_BITS = 8


def heavy_term(m: int) -> str:
    """``contains([vars.b, ...m items], vars.b)``: false, and costs about ``2 * m * 1025`` units."""
    return "contains([" + ",".join(["vars.b"] * m) + "],vars.b)"


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


def hostile_yaml(transitions: int = 255, m: int = 55) -> str:
    """The YAML of ``transitions`` exclusive transitions on one event, each guard ``_BITS``
    heavy terms of ``m`` items (about ``8 * (m + 5)`` nodes), each effect one."""
    preds = [f"(args.n == {j} or {heavy_term(m)})" for j in range(_BITS)]
    lines = ["name: hostile", *_HEAD]
    for k in range(transitions):
        conjuncts = [preds[j] if k >> j & 1 else f"not {preds[j]}" for j in range(_BITS)]
        lines += [
            "  - from: s0",
            "    on: poke",
            "    to: s0",
            f"    guard: \"{' and '.join(conjuncts)}\"",
            f"    effects: [{{set: acc, to: \"len([{','.join(['vars.b'] * m)}])\"}}]",
        ]
    return "\n".join(lines) + "\n"


def budget_yaml(terms: int, m: int = 16, budget: int | None = None) -> str:
    """The YAML of a one-event machine whose every event evaluates ``2 * terms`` heavy terms.

    The guards are ``args.n >= 0 and H`` and ``not H``, where ``H`` is a list
    of ``terms`` heavy terms of ``m`` items tested with ``any``, always false:
    an event evaluates ``H`` twice and fires the second transition.
    """
    heavy = "any([" + ",".join([heavy_term(m)] * max(1, terms)) + "])"
    lines = [
        "name: budget_maximal",
        *([f"budget: {budget}"] if budget is not None else []),
        *_HEAD,
        "  - from: s0",
        "    on: poke",
        "    to: s0",
        f"    guard: \"args.n >= 0 and {heavy}\"",
        "    effects: [{set: acc, to: vars.acc + 1}]",
        "  - from: s0",
        "    on: poke",
        "    to: s0",
        f"    guard: \"not {heavy}\"",
        "    effects: [{set: acc, to: vars.acc + 1}]",
    ]
    return "\n".join(lines) + "\n"
