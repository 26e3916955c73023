"""Surface syntax: exact trees for the grammar of [EXPR-19] and every rejection reason."""

from __future__ import annotations

import pytest

from chipstack.errors import Reason, Rejected
from chipstack.fsm.expr import (
    BOOL,
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
    parse,
    to_text,
)


def i(v: int) -> IntLit:
    return IntLit(v)


def n(s: str) -> Name:
    return Name(s)


def b(op: BinOp, left: Expr, right: Expr) -> Binary:
    return Binary(op, left, right)


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("1 + 2 * 3", b(BinOp.ADD, i(1), b(BinOp.MUL, i(2), i(3)))),
        ("1 - 2 - 3", b(BinOp.SUB, b(BinOp.SUB, i(1), i(2)), i(3))),
        ("8 / 4 % 3", b(BinOp.MOD, b(BinOp.DIV, i(8), i(4)), i(3))),
        ("a + 1 < b * 2", b(BinOp.LT, b(BinOp.ADD, n("a"), i(1)), b(BinOp.MUL, n("b"), i(2)))),
        ("not a == b", Unary(UnaryOp.NOT, b(BinOp.EQ, n("a"), n("b")))),
        ("a or b and c", b(BinOp.OR, n("a"), b(BinOp.AND, n("b"), n("c")))),
        ("not not a", Unary(UnaryOp.NOT, Unary(UnaryOp.NOT, n("a")))),
        ("x if c else y if d else z", Cond(n("c"), n("x"), Cond(n("d"), n("y"), n("z")))),
        ("x if a or b else y", Cond(b(BinOp.OR, n("a"), n("b")), n("x"), n("y"))),
        ("-5", i(-5)),
        ("- 5", i(-5)),
        ("-(5)", Unary(UnaryOp.NEG, i(5))),
        ("--5", Unary(UnaryOp.NEG, i(-5))),
        ("-x", Unary(UnaryOp.NEG, n("x"))),
        ("-5[0]", Unary(UnaryOp.NEG, Index(i(5), i(0)))),
        ("(-5)[0]", Index(i(-5), i(0))),
        ("2 - -5", b(BinOp.SUB, i(2), i(-5))),
        ("-2 * 3", b(BinOp.MUL, i(-2), i(3))),
        ("-x * 3", b(BinOp.MUL, Unary(UnaryOp.NEG, n("x")), i(3))),
        ("a.b.c[1][2]", Index(Index(n("a.b.c"), i(1)), i(2))),
        ("f()", Call("f", ())),
        ("min(1, x)[0]", Index(Call("min", (i(1), n("x"))), i(0))),
        ("vars.f(1)", Call("vars.f", (i(1),))),
        ("[1, [2]]", ListLit((i(1), ListLit((i(2),))))),
        ("[:bool]", EmptyList(BOOL)),
        ("[:list[int]]", EmptyList(ListType(INT))),
        ('x"0aFF"', BytesLit(b"\x0a\xff")),
        ('x""', BytesLit(b"")),
        ("x", n("x")),
        ("true and false", b(BinOp.AND, BoolLit(True), BoolLit(False))),
        ("trueish", n("trueish")),
        ("-9223372036854775808", i(-(2**63))),
        ("9223372036854775807", i(2**63 - 1)),
        ("0", i(0)),
        ("a<=b", b(BinOp.LE, n("a"), n("b"))),
        ("a!=b", b(BinOp.NE, n("a"), n("b"))),
    ],
)
def test_parse_gives_the_exact_tree(text: str, tree: Expr) -> None:
    assert parse(text) == tree
    assert parse(to_text(tree)) == tree


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", Reason.FSM_EXPR_SYNTAX),
        ("1 +", Reason.FSM_EXPR_SYNTAX),
        ("(1", Reason.FSM_EXPR_SYNTAX),
        ("1)", Reason.FSM_EXPR_SYNTAX),
        ("a < b < c", Reason.FSM_EXPR_SYNTAX),
        ("a == not b", Reason.FSM_EXPR_SYNTAX),
        ("[]", Reason.FSM_EXPR_SYNTAX),
        ("[1,]", Reason.FSM_EXPR_SYNTAX),
        ("f(1,)", Reason.FSM_EXPR_SYNTAX),
        ("01", Reason.FSM_EXPR_SYNTAX),
        ('x"1"', Reason.FSM_EXPR_SYNTAX),
        ('x"zz"', Reason.FSM_EXPR_SYNTAX),
        ('x"00', Reason.FSM_EXPR_SYNTAX),
        ("1.5", Reason.FSM_EXPR_SYNTAX),
        ("a.", Reason.FSM_EXPR_SYNTAX),
        ("a if b", Reason.FSM_EXPR_SYNTAX),
        ("é", Reason.FSM_EXPR_SYNTAX),
        ("a = 1", Reason.FSM_EXPR_SYNTAX),
        ("(1)(2)", Reason.FSM_EXPR_SYNTAX),
        ("9223372036854775808", Reason.FSM_EXPR_OVERFLOW),
        ("-9223372036854775809", Reason.FSM_EXPR_OVERFLOW),
        ("99999999999999999999999999", Reason.FSM_EXPR_OVERFLOW),
        ("[:float]", Reason.FSM_EXPR_UNKNOWN_TYPE),
        ("[:list[list[list[list[int]]]]]", Reason.FSM_EXPR_LIMIT),
        ("a.if", Reason.FSM_EXPR_BAD_NAME),
        ("x" * 65, Reason.FSM_EXPR_BAD_NAME),
        ("1" + "+1" * 2100, Reason.FSM_EXPR_LIMIT),
        ('x"' + "00" * 4097 + '"', Reason.FSM_EXPR_LIMIT),
        ("f(" + ",".join("1" * 17) + ")", Reason.FSM_EXPR_LIMIT),
    ],
)
def test_parse_rejections(text: str, reason: Reason) -> None:
    with pytest.raises(Rejected) as info:
        parse(text)
    assert info.value.reason is reason


def test_name_of_64_characters_is_accepted() -> None:
    assert parse("x" * 64) == Name("x" * 64)


def test_nesting_level_limit_counts_parentheses_prefixes_and_else_branches() -> None:
    # the whole text is level 1; each construct below adds one level
    assert parse("(" * 63 + "1" + ")" * 63) == IntLit(1)
    for deeper in (
        "(" * 64 + "1" + ")" * 64,
        "not " * 64 + "true",
        "- " * 64 + "x",
        "1 if true else " * 64 + "1",
        "[" * 64 + "1" + "]" * 64,
    ):
        with pytest.raises(Rejected) as info:
            parse(deeper)
        assert info.value.reason is Reason.FSM_EXPR_LIMIT, deeper[:20]


def test_tree_depth_limit_applies_to_left_grouped_chains() -> None:
    assert parse("1" + " + 1" * 63) is not None
    with pytest.raises(Rejected) as info:
        parse("1" + " + 1" * 64)
    assert info.value.reason is Reason.FSM_EXPR_LIMIT


@pytest.mark.parametrize(
    ("tree", "text"),
    [
        (Unary(UnaryOp.NEG, i(5)), "-(5)"),
        (Unary(UnaryOp.NEG, i(-5)), "--5"),
        (Index(i(-5), i(0)), "(-5)[0]"),
        (b(BinOp.SUB, i(1), b(BinOp.SUB, i(2), i(3))), "1 - (2 - 3)"),
        (b(BinOp.MUL, b(BinOp.ADD, i(1), i(2)), i(3)), "(1 + 2) * 3"),
        (b(BinOp.EQ, b(BinOp.EQ, n("a"), n("b")), n("c")), "(a == b) == c"),
        (Cond(n("c"), Cond(n("d"), n("x"), n("y")), n("z")), "(x if d else y) if c else z"),
        (b(BinOp.AND, Unary(UnaryOp.NOT, n("a")), n("b")), "not a and b"),
        (Unary(UnaryOp.NOT, b(BinOp.AND, n("a"), n("b"))), "not (a and b)"),
        (ListLit((Cond(n("c"), i(1), i(2)),)), "[1 if c else 2]"),
        (EmptyList(ListType(BOOL)), "[:list[bool]]"),
        (BytesLit(b"\xab"), 'x"ab"'),
    ],
)
def test_printer_inserts_only_needed_parentheses(tree: Expr, text: str) -> None:
    assert to_text(tree) == text
    assert parse(text) == tree
