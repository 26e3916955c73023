"""The built-in library: core/1 against plain Python, limits, and extension by later areas."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.errors import Reason, Rejected
from chipstack.fsm.expr import (
    BYTES,
    DEFAULT_LIBRARY,
    INT,
    LIBRARY_VERSION,
    Builtin,
    Call,
    IntLit,
    Library,
    ListType,
    Name,
    Type,
    Value,
    check_and_evaluate,
    evaluate,
    parse,
    typecheck,
)

LO, HI = -(2**63), 2**63 - 1
small_lists = st.lists(st.integers(-1000, 1000), max_size=12).map(tuple)
LI = ListType(INT)


def run(text: str, **env: Value) -> Value:
    return evaluate(parse(text), env)


def reason_of(text: str, **env: Value) -> Reason:
    with pytest.raises(Rejected) as info:
        run(text, **env)
    return info.value.reason


@settings(max_examples=100)
@given(small_lists, st.integers(-1000, 1000))
def test_list_builtins_match_python(xs: tuple[int, ...], v: int) -> None:
    assert run("len(xs)", xs=xs) == len(xs)
    assert run("sum(xs)", xs=xs) == sum(xs)
    assert run("count(xs, v)", xs=xs, v=v) == xs.count(v)
    assert run("contains(xs, v)", xs=xs, v=v) is (v in xs)
    assert run("index_of(xs, v)", xs=xs, v=v) == (xs.index(v) if v in xs else -1)
    assert run("append(xs, v)", xs=xs, v=v) == (*xs, v)
    assert run("concat(xs, xs)", xs=xs) == xs + xs
    if xs:
        assert run("min(xs)", xs=xs) == min(xs)
        assert run("max(xs)", xs=xs) == max(xs)
        k = abs(v) % len(xs)
        assert run("set(xs, k, v)", xs=xs, k=k, v=v) == tuple(
            v if j == k else x for j, x in enumerate(xs)
        )
        assert run("slice(xs, 0, k)", xs=xs, k=k) == xs[:k]
    else:
        assert reason_of("min(xs)", xs=xs) is Reason.FSM_EXPR_BAD_ARGUMENT


@settings(max_examples=100)
@given(st.lists(st.integers(LO, HI), min_size=1, max_size=6).map(tuple))
def test_sum_checks_each_partial_sum(xs: tuple[int, ...]) -> None:
    partial, overflow = 0, False
    for x in xs:
        partial += x
        overflow = overflow or not LO <= partial <= HI
    if overflow:
        assert reason_of("sum(xs)", xs=xs) is Reason.FSM_EXPR_OVERFLOW
    else:
        assert run("sum(xs)", xs=xs) == sum(xs)


@settings(max_examples=50)
@given(st.binary(max_size=64))
def test_sha256_and_bytes_builtins(data: bytes) -> None:
    assert run("sha256(d)", d=data) == hashlib.sha256(data).digest()
    assert run("len(d)", d=data) == len(data)
    assert run("concat(d, d)", d=data) == data + data
    assert run("slice(d, 0, len(d))", d=data) == data


def test_fixed_results() -> None:
    assert run("min(4, -2, 9)") == -2
    assert run("max(4, -2, 9)") == 9
    assert run("abs(-7)") == 7
    assert run("range(4)") == (0, 1, 2, 3)
    assert run("range(0)") == ()
    assert run('repeat(x"ab", 2)') == (b"\xab", b"\xab")
    assert run("all([true, false])") is False
    assert run("any([false, true])") is True
    assert run("all([:bool])") is True
    assert run("any([:bool])") is False
    assert run("slice([1, 2, 3], 1, 1)") == ()
    assert run("contains([[1], [2]], [2])") is True
    assert run("count([true, false, true], true)") == 2


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("abs(-9223372036854775808)", Reason.FSM_EXPR_OVERFLOW),
        ("max([:int])", Reason.FSM_EXPR_BAD_ARGUMENT),
        ("range(-1)", Reason.FSM_EXPR_BAD_ARGUMENT),
        ("range(1025)", Reason.FSM_EXPR_LIMIT),
        ("repeat(1, 1025)", Reason.FSM_EXPR_LIMIT),
        ("repeat(1, -1)", Reason.FSM_EXPR_BAD_ARGUMENT),
        ("append(range(1024), 1)", Reason.FSM_EXPR_LIMIT),
        ("concat(range(512), range(513))", Reason.FSM_EXPR_LIMIT),
        ("slice([1], 1, 0)", Reason.FSM_EXPR_INDEX_OUT_OF_RANGE),
        ("slice([1], -1, 1)", Reason.FSM_EXPR_INDEX_OUT_OF_RANGE),
        ("slice([1], 0, 2)", Reason.FSM_EXPR_INDEX_OUT_OF_RANGE),
        ("set([1], 1, 0)", Reason.FSM_EXPR_INDEX_OUT_OF_RANGE),
        ("set([1], -1, 0)", Reason.FSM_EXPR_INDEX_OUT_OF_RANGE),
    ],
)
def test_builtin_rejections(text: str, reason: Reason) -> None:
    assert reason_of(text) is reason


def test_bytes_concat_limit() -> None:
    assert len(run("concat(a, a)", a=b"\x00" * 2048)) == 4096  # type: ignore[arg-type]
    assert reason_of("concat(a, b)", a=b"\x00" * 2048, b=b"\x00" * 2049) is Reason.FSM_EXPR_LIMIT


def test_core_library_identity_and_names() -> None:
    assert LIBRARY_VERSION == 1
    assert DEFAULT_LIBRARY.ident == "core/1"
    assert set(DEFAULT_LIBRARY.names()) == {
        "min", "max", "abs", "len", "sum", "count", "contains", "index_of", "concat",
        "slice", "set", "append", "range", "repeat", "all", "any", "sha256",
    }
    for name, b in DEFAULT_LIBRARY.builtins.items():
        assert b.name == name and b.doc and b.signature.startswith(name)


def _rule_double(args: tuple[Type, ...]) -> Type:
    if args != (INT,):
        raise Rejected(Reason.FSM_EXPR_TYPE_ERROR, "double takes one int")
    return INT


def _double(args: tuple[Value, ...]) -> Value:
    (v,) = args
    assert type(v) is int
    r = 2 * v
    if not LO <= r <= HI:
        raise Rejected(Reason.FSM_EXPR_OVERFLOW, "double")
    return r


DOUBLE = Builtin("double", "double(int) -> int", _rule_double, _double, "twice the value")


def test_extension_adds_names_without_engine_changes() -> None:
    game = DEFAULT_LIBRARY.extend("game", 3, [DOUBLE])
    assert game.ident == "core/1+game/3"
    assert "double" in game and "double" not in DEFAULT_LIBRARY
    e = parse("double(len(xs)) + max(xs)")
    assert check_and_evaluate(e, {"xs": (5, 1)}, {"xs": LI}, game) == (INT, 9)
    with pytest.raises(Rejected) as info:
        typecheck(e, {"xs": LI})
    assert info.value.reason is Reason.FSM_EXPR_UNKNOWN_BUILTIN
    with pytest.raises(Rejected) as info:
        evaluate(Call("double", (IntLit(1),)), {})
    assert info.value.reason is Reason.FSM_EXPR_UNKNOWN_BUILTIN
    with pytest.raises(Rejected) as info:
        typecheck(Call("double", (Name("k"),)), {"k": BYTES}, game)
    assert info.value.reason is Reason.FSM_EXPR_TYPE_ERROR


def test_extension_cannot_redefine_a_name() -> None:
    clash = Builtin("len", "len(int) -> int", _rule_double, _double, "not allowed")
    with pytest.raises(ValueError, match="already defined"):
        DEFAULT_LIBRARY.extend("game", 1, [clash])
    with pytest.raises(ValueError):
        Library("bad/name", 1, [])
