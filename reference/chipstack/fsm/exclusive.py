"""The decidable determinism rule for guards (spec/03-fsm.md FSM-13).

Two guards are *syntactically exclusive* when one of them has a top-level
conjunct ``c`` and the other has the top-level conjunct ``not c``, where
"top-level conjuncts" are the operands of a chain of ``and`` at the root
(a guard that is not an ``and`` is its own single conjunct) and two
conjuncts are "the same" when their canonical expression encodings are
equal. A missing guard has no conjuncts (it is ``true``) and so is exclusive
with nothing. The rule is conservative: it may refuse exclusive guards that
it cannot see are exclusive, never the reverse.
"""

from __future__ import annotations

from chipstack.fsm.expr import Expr
from chipstack.fsm.expr.ast import Binary, BinOp, Unary, UnaryOp


def conjuncts(guard: Expr | None) -> list[Expr]:
    """Return the top-level ``and`` operands of ``guard`` (none for a missing guard)."""
    if guard is None:
        return []
    out: list[Expr] = []
    stack: list[Expr] = [guard]
    while stack:
        e = stack.pop()
        if isinstance(e, Binary) and e.op == BinOp.AND:
            stack.append(e.right)
            stack.append(e.left)
        else:
            out.append(e)
    return out


def _negated(e: Expr) -> Expr | None:
    if isinstance(e, Unary) and e.op == UnaryOp.NOT:
        return e.operand
    return None


#: A guard's conjuncts and the operands of its ``not`` conjuncts, as sets of trees.
GuardKey = tuple[frozenset[Expr], frozenset[Expr]]


def guard_key(guard: Expr | None) -> GuardKey:
    """Return ``guard``'s conjuncts and the operands of its ``not`` conjuncts.

    Trees are immutable values whose equality is structural, which is
    equality of canonical encodings (the encoding is one-to-one), so the sets
    hold the trees themselves: computing this once per guard keeps [FSM-13]
    linear in the size of the guards.
    """
    cs = conjuncts(guard)
    return frozenset(cs), frozenset(n for n in map(_negated, cs) if n is not None)


def keys_exclusive(a: GuardKey, b: GuardKey) -> bool:
    """Return whether two :func:`guard_key` results are syntactically exclusive ([FSM-13])."""
    return not (a[1].isdisjoint(b[0]) and b[1].isdisjoint(a[0]))


def guards_exclusive(a: Expr | None, b: Expr | None) -> bool:
    """Return whether guards ``a`` and ``b`` can never both hold, by [FSM-13]'s syntactic rule."""
    return keys_exclusive(guard_key(a), guard_key(b))
