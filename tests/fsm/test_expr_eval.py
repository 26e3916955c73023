"""Evaluation: integer arithmetic against an independent evaluator, and the spec's examples."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.errors import Reason, Rejected
from chipstack.fsm.expr import (
    BOOL,
    BYTES,
    INT,
    Binary,
    BinOp,
    Cond,
    Expr,
    IntLit,
    ListLit,
    Unary,
    UnaryOp,
    Value,
    check_and_evaluate,
    encode_expr,
    evaluate,
    parse,
    typecheck,
)

LO, HI = -(2**63), 2**63 - 1


class Failed(Exception):
    """The independent evaluator's rejection."""

    def __init__(self, why: str) -> None:
        self.why = why


def _fits(v: int) -> int:
    if v < LO or v > HI:
        raise Failed("overflow")
    return v


def _c_division(a: int, b: int) -> tuple[int, int]:
    """Quotient rounded toward zero, written from divmod (a different route than the code)."""
    if b == 0:
        raise Failed("division_by_zero")
    q, r = divmod(a, b)  # floor division
    if r != 0 and (a < 0) != (b < 0):
        q += 1
    return q, a - q * b


def independent(e: Expr) -> int | bool:
    """A plain evaluator for int/bool trees: spec section 'Evaluation', written separately."""
    if isinstance(e, IntLit):
        return e.value
    if isinstance(e, Unary):
        v = independent(e.operand)
        return (not v) if e.op is UnaryOp.NOT else _fits(-int(v))
    if isinstance(e, Cond):
        return independent(e.then) if independent(e.cond) else independent(e.other)
    assert isinstance(e, Binary)
    if e.op is BinOp.AND:
        return bool(independent(e.left)) and bool(independent(e.right))
    if e.op is BinOp.OR:
        return bool(independent(e.left)) or bool(independent(e.right))
    a, b = int(independent(e.left)), int(independent(e.right))
    table: dict[BinOp, Callable[[], int | bool]] = {
        BinOp.ADD: lambda: _fits(a + b),
        BinOp.SUB: lambda: _fits(a - b),
        BinOp.MUL: lambda: _fits(a * b),
        BinOp.DIV: lambda: _fits(_c_division(a, b)[0]),
        BinOp.MOD: lambda: _fits(_c_division(a, b)[1]),
        BinOp.LT: lambda: a < b,
        BinOp.LE: lambda: a <= b,
        BinOp.GT: lambda: a > b,
        BinOp.GE: lambda: a >= b,
        BinOp.EQ: lambda: a == b,
        BinOp.NE: lambda: a != b,
    }
    return table[e.op]()


ints = st.one_of(
    st.integers(-10, 10), st.integers(LO, HI), st.sampled_from([LO, HI, -1, 0, 1, 2**32])
).map(IntLit)
arith = st.sampled_from([BinOp.ADD, BinOp.SUB, BinOp.MUL, BinOp.DIV, BinOp.MOD])
compare = st.sampled_from([BinOp.LT, BinOp.LE, BinOp.GT, BinOp.GE, BinOp.EQ, BinOp.NE])


def _int_tree(c: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    cond = st.builds(Binary, compare, c, c)
    cond = st.one_of(cond, st.builds(Binary, st.sampled_from([BinOp.AND, BinOp.OR]), cond, cond))
    return st.one_of(
        st.builds(Binary, arith, c, c),
        st.builds(Unary, st.just(UnaryOp.NEG), c),
        st.builds(Cond, cond, c, c),
    )


int_trees = st.recursive(ints, _int_tree, max_leaves=12)


@settings(max_examples=300)
@given(int_trees)
def test_int_trees_match_an_independent_evaluator(e: Expr) -> None:
    try:
        want: object = independent(e)
    except Failed as f:
        want = f.why
    try:
        got: object = evaluate(e, {})
    except Rejected as exc:
        got = exc.reason.value.removeprefix("fsm.expr_")
    assert got == want
    assert type(got) is type(want)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("7 / 2", 3),
        ("-7 / 2", -3),
        ("7 / -2", -3),
        ("-7 / -2", 3),
        ("-7 % 2", -1),
        ("7 % -2", 1),
        ("-9223372036854775808 % -1", 0),
        ("9223372036854775807 - 9223372036854775807 - 9223372036854775807 - 1", LO),
        ("1 + 2 * 3 - 4", 3),
        ("10 - 3 - 2", 5),
        ("2 * 3 % 4", 2),
        ("-2 * -3", 6),
        ("1 if false else 2 if true else 3", 2),
        ("not true or true", True),
        ("not (true or true)", False),
        ("true or false and false", True),
        ('x"0102" < x"02"', True),
        ('x"ff" > x"fe00"', True),
        ("[1, 2] == [1, 2] and [:int] != [0]", True),
        ("[[1], [2, 3]][1][0]", 2),
        ('x"00ff"[1]', 255),
    ],
)
def test_spec_examples(text: str, value: Value) -> None:
    got = evaluate(parse(text), {})
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("9223372036854775807 + 1", Reason.FSM_EXPR_OVERFLOW),
        ("-9223372036854775808 / -1", Reason.FSM_EXPR_OVERFLOW),
        ("-(-9223372036854775807 - 1)", Reason.FSM_EXPR_OVERFLOW),
        ("3037000500 * 3037000500", Reason.FSM_EXPR_OVERFLOW),
        ("5 % 0", Reason.FSM_EXPR_DIVISION_BY_ZERO),
        ("[1, 2][2]", Reason.FSM_EXPR_INDEX_OUT_OF_RANGE),
        ("[1, 2][-1]", Reason.FSM_EXPR_INDEX_OUT_OF_RANGE),
        ('x""[0]', Reason.FSM_EXPR_INDEX_OUT_OF_RANGE),
        ("[1 / 0, [0][1]]", Reason.FSM_EXPR_DIVISION_BY_ZERO),
        ("unknown", Reason.FSM_EXPR_UNKNOWN_NAME),
        ("nope(1)", Reason.FSM_EXPR_UNKNOWN_BUILTIN),
    ],
)
def test_runtime_rejections(text: str, reason: Reason) -> None:
    with pytest.raises(Rejected) as info:
        evaluate(parse(text), {})
    assert info.value.reason is reason


def test_multiplication_boundary_just_fits() -> None:
    assert evaluate(parse("3037000499 * 3037000499"), {}) == 3037000499**2


def test_short_circuit_and_branches_skip_errors() -> None:
    assert evaluate(parse("false and 1 / 0 == 0"), {}) is False
    assert evaluate(parse("true or [0][9] == 0"), {}) is True
    assert evaluate(parse("0 if true else 1 / 0"), {}) == 0
    with pytest.raises(Rejected):
        evaluate(parse("1 / 0 if true else 0"), {})


@pytest.mark.parametrize(
    "text",
    ["1 + true", "true == 1", "not 1", "-true", "[1, true]", "1[0]", "x\"00\" < 1", "1 if 1 else 2",
     "true < false", "len(1)", "sum([true])", "min(1, true)", "sha256(1)", "range(true)"],
)
def test_unchecked_ill_typed_trees_are_type_errors_at_run_time(text: str) -> None:
    with pytest.raises(Rejected) as info:
        evaluate(parse(text), {})
    assert info.value.reason is Reason.FSM_EXPR_TYPE_ERROR


def test_environment_names_with_dots() -> None:
    env: dict[str, Value] = {"vars.pot": 40, "args.amount": 2, "signer": b"\x07"}
    types = {"vars.pot": INT, "args.amount": INT, "signer": BYTES}
    e = parse('vars.pot + args.amount if signer == x"07" else 0')
    assert check_and_evaluate(e, env, types) == (INT, 42)


def test_sha256_builtin_matches_hashlib() -> None:
    got = evaluate(parse('sha256(x"616263")'), {})
    assert got == hashlib.sha256(b"abc").digest()


def test_bool_results_are_bools() -> None:
    for text in ["1 < 2", "not false", "contains([1], 1)", "all([:bool])", "[1] == [1]"]:
        v = evaluate(parse(text), {})
        assert type(v) is bool, text
    t, v = check_and_evaluate(parse("1 == 1"), {}, {})
    assert t == BOOL and v is True


def test_evaluator_refuses_trees_deeper_than_the_limit() -> None:
    e: Expr = IntLit(1)
    for _ in range(2000):
        e = Unary(UnaryOp.NEG, e)
    with pytest.raises(Rejected) as info:
        evaluate(e, {})
    assert info.value.reason is Reason.FSM_EXPR_LIMIT
    with pytest.raises(Rejected) as info:
        typecheck(e, {})
    assert info.value.reason is Reason.FSM_EXPR_LIMIT


def test_equality_never_mixes_bool_and_int_even_unchecked() -> None:
    assert evaluate(parse("[1] == [true]"), {}) is False
    assert evaluate(parse("[[1]] != [[true]]"), {}) is True
    assert evaluate(parse("contains([[1]], [true])"), {}) is False
    assert evaluate(parse("count([[0], [1]], [false])"), {}) == 0
    assert evaluate(parse("index_of([[0], [1]], [true])"), {}) == -1


def test_hand_built_empty_list_literal_is_malformed() -> None:
    for step in (lambda: evaluate(ListLit(()), {}), lambda: typecheck(ListLit(()), {}),
                 lambda: encode_expr(ListLit(()))):
        with pytest.raises(Rejected) as info:
            step()
        assert info.value.reason is Reason.FSM_EXPR_MALFORMED
