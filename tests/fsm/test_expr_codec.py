"""Canonical tree encoding: bytes written by hand from the tag table of [EXPR-12]."""

from __future__ import annotations

import pytest

from chipstack.encoding import Reader, Writer
from chipstack.errors import Reason, Rejected
from chipstack.fsm.expr import (
    INT,
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
    ListType,
    Name,
    Unary,
    UnaryOp,
    decode_expr,
    encode_expr,
    read_expr,
    write_expr,
)


def le64(v: int) -> str:
    return (v % 2**64).to_bytes(8, "little").hex()


@pytest.mark.parametrize(
    ("tree", "hex_"),
    [
        (IntLit(1), "01" + le64(1)),
        (IntLit(-1), "01" + "ff" * 8),
        (BoolLit(True), "0201"),
        (BoolLit(False), "0200"),
        (BytesLit(b"\xab\xcd"), "0302abcd"),
        (Name("vars.x"), "0406" + b"vars.x".hex()),
        (ListLit((BoolLit(True), BoolLit(False))), "05020201" + "0200"),
        (EmptyList(INT), "0601"),
        (EmptyList(ListType(ListType(INT))), "06040401"),
        (Unary(UnaryOp.NEG, Name("a")), "0701" + "040161"),
        (Unary(UnaryOp.NOT, BoolLit(True)), "0702" + "0201"),
        (Binary(BinOp.GE, Name("a"), Name("b")), "080b" + "040161" + "040162"),
        (Binary(BinOp.OR, Name("a"), Name("b")), "080d" + "040161" + "040162"),
        (Index(Name("a"), IntLit(0)), "09" + "040161" + "01" + le64(0)),
        (Cond(Name("c"), Name("a"), Name("b")), "0a" + "040163" + "040161" + "040162"),
        (Call("len", (Name("a"),)), "0b03" + b"len".hex() + "01" + "040161"),
        (Call("f", ()), "0b0166" + "00"),
    ],
)
def test_encoding_matches_the_tag_table(tree: Expr, hex_: str) -> None:
    assert encode_expr(tree).hex() == hex_
    assert decode_expr(bytes.fromhex(hex_)) == tree


def test_binary_operator_codes_follow_the_spec_order() -> None:
    order = ["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "and", "or"]
    for code, spelling in enumerate(order, start=1):
        data = encode_expr(Binary(BinOp(spelling), BoolLit(True), BoolLit(True)))
        assert data[:2] == bytes([0x08, code])


def test_embedding_in_a_larger_encoding() -> None:
    w = Writer().u8(0x99)
    write_expr(w, Name("a"))
    write_expr(w, IntLit(2))
    w.u8(0x77)
    r = Reader(w.getvalue())
    assert r.u8() == 0x99
    assert read_expr(r) == Name("a")
    assert read_expr(r) == IntLit(2)
    assert r.u8() == 0x77
    r.finish()


@pytest.mark.parametrize(
    ("hex_", "reason"),
    [
        ("", Reason.ENCODING_TRUNCATED),
        ("0c", Reason.FSM_EXPR_UNKNOWN_NODE),
        ("ff", Reason.FSM_EXPR_UNKNOWN_NODE),
        ("0703" + "0201", Reason.FSM_EXPR_UNKNOWN_NODE),
        ("0800" + "0201" * 2, Reason.FSM_EXPR_UNKNOWN_NODE),
        ("080e" + "0201" * 2, Reason.FSM_EXPR_UNKNOWN_NODE),
        ("0202", Reason.ENCODING_BAD_FLAG),
        ("0500", Reason.FSM_EXPR_MALFORMED),
        ("0607", Reason.FSM_EXPR_UNKNOWN_TYPE),
        ("0604040401", Reason.FSM_EXPR_LIMIT),
        ("040269 66", Reason.FSM_EXPR_BAD_NAME),
        ("0400", Reason.FSM_EXPR_BAD_NAME),
        ("04022e61", Reason.FSM_EXPR_BAD_NAME),
        ("0402c3a9", Reason.FSM_EXPR_BAD_NAME),
        ("0402ff61", Reason.ENCODING_BAD_UTF8),
        ("0201" + "00", Reason.ENCODING_TRAILING_BYTES),
        ("0501", Reason.ENCODING_TRUNCATED),
        ("03fd0001" + "00" * 255, Reason.ENCODING_TRUNCATED),
        ("03fd0110", Reason.ENCODING_OVER_LENGTH),
        ("0b0166" + "11", Reason.ENCODING_OVER_LENGTH),
        ("05fd0104", Reason.ENCODING_OVER_LENGTH),
        ("05fd0000", Reason.ENCODING_NON_MINIMAL_COMPACTSIZE),
    ],
)
def test_decoder_rejections(hex_: str, reason: Reason) -> None:
    with pytest.raises(Rejected) as info:
        decode_expr(bytes.fromhex(hex_.replace(" ", "")))
    assert info.value.reason is reason


def test_depth_limit_is_exactly_64() -> None:
    ok = bytes.fromhex("0702" * 63 + "0201")
    assert decode_expr(ok) is not None
    with pytest.raises(Rejected) as info:
        decode_expr(bytes.fromhex("0702" * 64 + "0201"))
    assert info.value.reason is Reason.FSM_EXPR_LIMIT


def _lists(last: int) -> ListLit:
    full = ListLit(tuple(BoolLit(True) for _ in range(1024)))
    return ListLit((full, full, full, ListLit(tuple(BoolLit(True) for _ in range(last)))))


def test_node_limit_is_exactly_4096() -> None:
    # nodes: 1 (outer) + 3 * (1 + 1024) + (1 + last)
    exact = _lists(1019)
    assert decode_expr(encode_expr(exact)) == exact
    with pytest.raises(Rejected) as info:
        encode_expr(_lists(1020))
    assert info.value.reason is Reason.FSM_EXPR_LIMIT
    over = bytearray(encode_expr(_lists(1019)))
    # the last inner list's count byte sequence: fd fb03 (1019) -> fd fc03 (1020), one more item
    tail = bytes.fromhex("05fdfb03")
    at = bytes(over).rindex(tail)
    over[at : at + 4] = bytes.fromhex("05fdfc03")
    over += bytes.fromhex("0201")
    with pytest.raises(Rejected) as info:
        decode_expr(bytes(over))
    assert info.value.reason is Reason.FSM_EXPR_LIMIT
