"""Pretty printer: an expression tree back to surface text that parses to the same tree.

Spec: ``spec/03-fsm.md`` "Surface syntax" (rule ``[EXPR-24]``). Parentheses
are inserted only where precedence or associativity requires them.
"""

from __future__ import annotations

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

# Precedence levels, lowest first ([EXPR-19]).
_COND, _OR, _AND, _NOT, _CMP, _ADD, _MUL, _UNARY, _POSTFIX, _ATOM = range(1, 11)

_BINARY_LEVEL: dict[BinOp, int] = {
    BinOp.OR: _OR,
    BinOp.AND: _AND,
    BinOp.EQ: _CMP,
    BinOp.NE: _CMP,
    BinOp.LT: _CMP,
    BinOp.LE: _CMP,
    BinOp.GT: _CMP,
    BinOp.GE: _CMP,
    BinOp.ADD: _ADD,
    BinOp.SUB: _ADD,
    BinOp.MUL: _MUL,
    BinOp.DIV: _MUL,
    BinOp.MOD: _MUL,
}


def _level(e: Expr) -> int:
    if isinstance(e, IntLit):
        return _UNARY if e.value < 0 else _ATOM
    if isinstance(e, Cond):
        return _COND
    if isinstance(e, Binary):
        return _BINARY_LEVEL[e.op]
    if isinstance(e, Unary):
        return _NOT if e.op is UnaryOp.NOT else _UNARY
    if isinstance(e, Index):
        return _POSTFIX
    return _ATOM


def _text(e: Expr, minimum: int) -> str:
    s = _raw(e)
    return f"({s})" if _level(e) < minimum else s


def _raw(e: Expr) -> str:
    if isinstance(e, IntLit):
        return str(e.value)
    if isinstance(e, BoolLit):
        return "true" if e.value else "false"
    if isinstance(e, BytesLit):
        return f'x"{e.value.hex()}"'
    if isinstance(e, Name):
        return e.name
    if isinstance(e, ListLit):
        return "[" + ", ".join(_text(i, _COND) for i in e.items) + "]"
    if isinstance(e, EmptyList):
        return f"[:{e.elem}]"
    if isinstance(e, Unary):
        if e.op is UnaryOp.NOT:
            return "not " + _text(e.operand, _NOT)
        if isinstance(e.operand, IntLit) and e.operand.value >= 0:
            return f"-({e.operand.value})"  # "-5" would read back as the literal -5
        return "-" + _text(e.operand, _UNARY)
    if isinstance(e, Binary):
        level = _BINARY_LEVEL[e.op]
        left_min = level + 1 if level == _CMP else level
        return f"{_text(e.left, left_min)} {e.op.value} {_text(e.right, level + 1)}"
    if isinstance(e, Index):
        return f"{_text(e.target, _POSTFIX)}[{_text(e.index, _COND)}]"
    if isinstance(e, Cond):
        return f"{_text(e.then, _OR)} if {_text(e.cond, _OR)} else {_text(e.other, _COND)}"
    return f"{e.func}(" + ", ".join(_text(a, _COND) for a in e.args) + ")"


def to_text(e: Expr) -> str:
    """Return surface text for ``e`` such that ``parse(to_text(e)) == e`` ([EXPR-24]).

    A tree over the limits of [EXPR-8] is refused with ``fsm.expr_limit``
    (it could not be parsed back, and printing it recursively is unbounded).
    """
    return _text(check_limits(e), _COND)
