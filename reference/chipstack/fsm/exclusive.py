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

from chipstack.fsm.expr import Expr, encode_expr
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


def guards_exclusive(a: Expr | None, b: Expr | None) -> bool:
    """Return whether guards ``a`` and ``b`` can never both hold, by [FSM-13]'s syntactic rule."""
    ca = conjuncts(a)
    cb = conjuncts(b)
    plain_a = {encode_expr(c) for c in ca}
    plain_b = {encode_expr(c) for c in cb}
    for c in ca:
        inner = _negated(c)
        if inner is not None and encode_expr(inner) in plain_b:
            return True
    for c in cb:
        inner = _negated(c)
        if inner is not None and encode_expr(inner) in plain_a:
            return True
    return False
