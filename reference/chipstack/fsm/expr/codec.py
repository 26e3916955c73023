"""Canonical byte encoding of expression trees, with a strict decoder.

Spec: ``spec/03-fsm.md`` "Canonical encoding" (rules ``[EXPR-11]`` .. ``[EXPR-16]``).
Each node is one tag byte followed by its fields, children in evaluation
order. Another implementation can evaluate this form without a parser.
"""

from __future__ import annotations

from chipstack.encoding import Reader, Writer, decode_exact
from chipstack.errors import Reason, Rejected
from chipstack.fsm.expr.ast import (
    MAX_ARGS,
    MAX_DEPTH,
    MAX_NAME_LEN,
    MAX_NODES,
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
    check_limits,
    check_name,
)
from chipstack.fsm.expr.types import (
    MAX_BYTES_LEN,
    MAX_LIST_LEN,
    ListType,
    check_type,
    read_type,
    write_type,
)

#: Node tags ([EXPR-12]).
TAG_INT = 0x01
TAG_BOOL = 0x02
TAG_BYTES = 0x03
TAG_NAME = 0x04
TAG_LIST = 0x05
TAG_EMPTY_LIST = 0x06
TAG_UNARY = 0x07
TAG_BINARY = 0x08
TAG_INDEX = 0x09
TAG_COND = 0x0A
TAG_CALL = 0x0B

#: Operator codes following a unary tag ([EXPR-12]).
UNARY_CODES: dict[UnaryOp, int] = {UnaryOp.NEG: 0x01, UnaryOp.NOT: 0x02}
#: Operator codes following a binary tag ([EXPR-12]).
BINARY_CODES: dict[BinOp, int] = {
    BinOp.ADD: 0x01,
    BinOp.SUB: 0x02,
    BinOp.MUL: 0x03,
    BinOp.DIV: 0x04,
    BinOp.MOD: 0x05,
    BinOp.EQ: 0x06,
    BinOp.NE: 0x07,
    BinOp.LT: 0x08,
    BinOp.LE: 0x09,
    BinOp.GT: 0x0A,
    BinOp.GE: 0x0B,
    BinOp.AND: 0x0C,
    BinOp.OR: 0x0D,
}
_UNARY_BY_CODE = {v: k for k, v in UNARY_CODES.items()}
_BINARY_BY_CODE = {v: k for k, v in BINARY_CODES.items()}


def write_expr(w: Writer, e: Expr) -> None:
    """Append the canonical encoding of ``e`` ([EXPR-11]); rejects trees over the limits."""
    check_limits(e)
    _write(w, e)


def _write(w: Writer, e: Expr) -> None:
    if isinstance(e, IntLit):
        w.u8(TAG_INT).i64(e.value)
    elif isinstance(e, BoolLit):
        w.u8(TAG_BOOL).boolean(e.value)
    elif isinstance(e, BytesLit):
        w.u8(TAG_BYTES).var_bytes(e.value, MAX_BYTES_LEN)
    elif isinstance(e, Name):
        w.u8(TAG_NAME).string(check_name(e.name), MAX_NAME_LEN)
    elif isinstance(e, ListLit):
        if not e.items:
            raise Rejected(Reason.FSM_EXPR_MALFORMED, "list literal without items")
        w.u8(TAG_LIST).count(len(e.items), MAX_LIST_LEN)
        for item in e.items:
            _write(w, item)
    elif isinstance(e, EmptyList):
        w.u8(TAG_EMPTY_LIST)
        check_type(ListType(e.elem))
        write_type(w, e.elem)
    elif isinstance(e, Unary):
        w.u8(TAG_UNARY).u8(UNARY_CODES[e.op])
        _write(w, e.operand)
    elif isinstance(e, Binary):
        w.u8(TAG_BINARY).u8(BINARY_CODES[e.op])
        _write(w, e.left)
        _write(w, e.right)
    elif isinstance(e, Index):
        w.u8(TAG_INDEX)
        _write(w, e.target)
        _write(w, e.index)
    elif isinstance(e, Cond):
        w.u8(TAG_COND)
        _write(w, e.cond)
        _write(w, e.then)
        _write(w, e.other)
    else:
        w.u8(TAG_CALL).string(check_name(e.func), MAX_NAME_LEN)
        w.count(len(e.args), MAX_ARGS)
        for arg in e.args:
            _write(w, arg)


def encode_expr(e: Expr) -> bytes:
    """Return the canonical encoding of ``e`` ([EXPR-11])."""
    w = Writer()
    write_expr(w, e)
    return w.getvalue()


class _Budget:
    """Counts nodes while decoding so that hostile input stays cheap ([EXPR-8])."""

    def __init__(self) -> None:
        self.nodes = 0

    def take(self) -> None:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise Rejected(Reason.FSM_EXPR_LIMIT, f"more than {MAX_NODES} nodes")  # [EXPR-14]


def read_expr(r: Reader) -> Expr:
    """Read one expression strictly from ``r`` ([EXPR-13] .. [EXPR-16]); may be embedded."""
    return _read(r, 1, _Budget())


def _read(r: Reader, level: int, budget: _Budget) -> Expr:
    if level > MAX_DEPTH:
        raise Rejected(Reason.FSM_EXPR_LIMIT, f"expression deeper than {MAX_DEPTH}")  # [EXPR-14]
    budget.take()
    tag = r.u8()
    nxt = level + 1
    if tag == TAG_INT:
        return IntLit(r.i64())
    if tag == TAG_BOOL:
        return BoolLit(r.boolean())
    if tag == TAG_BYTES:
        return BytesLit(r.var_bytes(MAX_BYTES_LEN))
    if tag == TAG_NAME:
        # [EXPR-13]: a length over 64 is encoding.over_length (ENC-4) before the bytes are read
        return Name(check_name(r.string(MAX_NAME_LEN)))
    if tag == TAG_LIST:
        n = r.count(MAX_LIST_LEN)
        if n == 0:
            raise Rejected(Reason.FSM_EXPR_MALFORMED, "list literal without items")
        return ListLit(tuple(_read(r, nxt, budget) for _ in range(n)))
    if tag == TAG_EMPTY_LIST:
        elem = read_type(r)  # [EXPR-15]: the element type by EXPR-4 first,
        check_type(ListType(elem))  # [EXPR-15]: then list[element] against EXPR-1
        return EmptyList(elem)
    if tag == TAG_UNARY:
        code = r.u8()
        uop = _UNARY_BY_CODE.get(code)
        if uop is None:
            raise Rejected(Reason.FSM_EXPR_UNKNOWN_NODE, f"unary operator 0x{code:02x}")
        return Unary(uop, _read(r, nxt, budget))
    if tag == TAG_BINARY:
        code = r.u8()
        bop = _BINARY_BY_CODE.get(code)
        if bop is None:
            raise Rejected(Reason.FSM_EXPR_UNKNOWN_NODE, f"binary operator 0x{code:02x}")
        left = _read(r, nxt, budget)
        return Binary(bop, left, _read(r, nxt, budget))
    if tag == TAG_INDEX:
        target = _read(r, nxt, budget)
        return Index(target, _read(r, nxt, budget))
    if tag == TAG_COND:
        cond = _read(r, nxt, budget)
        then = _read(r, nxt, budget)
        return Cond(cond, then, _read(r, nxt, budget))
    if tag == TAG_CALL:
        func = check_name(r.string(MAX_NAME_LEN))
        n = r.count(MAX_ARGS)
        return Call(func, tuple(_read(r, nxt, budget) for _ in range(n)))
    raise Rejected(Reason.FSM_EXPR_UNKNOWN_NODE, f"node tag 0x{tag:02x}")


def decode_expr(data: bytes) -> Expr:
    """Decode one expression that spans all of ``data`` (trailing bytes rejected, [EXPR-16])."""
    return decode_exact(data, read_expr)
