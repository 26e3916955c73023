"""Types and values: spelling, canonical encodings ([EXPR-4], [EXPR-5]), JSON form ([EXPR-6])."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.encoding import Reader, Writer, decode_exact
from chipstack.errors import Reason, Rejected
from chipstack.fsm.expr import (
    BOOL,
    BYTES,
    INT,
    ListType,
    Type,
    Value,
    check_value,
    default_value,
    encode_value,
    parse_type,
    read_type,
    read_value,
    value_from_json,
    value_size,
    value_to_json,
    write_type,
)

LO, HI = -(2**63), 2**63 - 1

types: st.SearchStrategy[Type] = st.recursive(
    st.sampled_from([INT, BOOL, BYTES]), lambda c: c.map(ListType), max_leaves=4
).filter(lambda t: len(str(t).split("[")) <= 4)


def values_of(t: Type) -> st.SearchStrategy[Value]:
    if t == INT:
        return st.integers(LO, HI)
    if t == BOOL:
        return st.booleans()
    if t == BYTES:
        return st.binary(max_size=8)
    assert isinstance(t, ListType)
    return st.lists(values_of(t.elem), max_size=4).map(tuple)


typed_values = types.flatmap(lambda t: st.tuples(st.just(t), values_of(t)))


@pytest.mark.parametrize(
    ("spelling", "t", "hex_"),
    [
        ("int", INT, "01"),
        ("bool", BOOL, "02"),
        ("bytes", BYTES, "03"),
        ("list[int]", ListType(INT), "0401"),
        ("list[list[list[bytes]]]", ListType(ListType(ListType(BYTES))), "04040403"),
    ],
)
def test_type_spellings_and_encodings(spelling: str, t: Type, hex_: str) -> None:
    assert parse_type(spelling) == t
    assert str(t) == spelling
    w = Writer()
    write_type(w, t)
    assert w.getvalue().hex() == hex_
    assert decode_exact(bytes.fromhex(hex_), read_type) == t


@pytest.mark.parametrize(
    ("spelling", "reason"),
    [
        ("float", Reason.FSM_EXPR_UNKNOWN_TYPE),
        ("list[int", Reason.FSM_EXPR_UNKNOWN_TYPE),
        ("list[ int]", Reason.FSM_EXPR_UNKNOWN_TYPE),
        ("List[int]", Reason.FSM_EXPR_UNKNOWN_TYPE),
        ("", Reason.FSM_EXPR_UNKNOWN_TYPE),
        ("list[list[list[list[int]]]]", Reason.FSM_EXPR_LIMIT),
    ],
)
def test_bad_type_spellings(spelling: str, reason: Reason) -> None:
    with pytest.raises(Rejected) as info:
        parse_type(spelling)
    assert info.value.reason is reason


@pytest.mark.parametrize(
    ("t", "v", "hex_"),
    [
        (INT, -2, "feffffffffffffff"),
        (BOOL, True, "01"),
        (BYTES, b"\xaa", "01aa"),
        (ListType(INT), (1,), "01" + "0100000000000000"),
        (ListType(ListType(BOOL)), ((), (False,)), "02" + "00" + "0100"),
    ],
)
def test_value_encodings(t: Type, v: Value, hex_: str) -> None:
    assert encode_value(v, t).hex() == hex_
    assert decode_exact(bytes.fromhex(hex_), lambda r: read_value(r, t)) == v


@settings(max_examples=150)
@given(typed_values)
def test_values_round_trip_through_bytes_and_json(pair: tuple[Type, Value]) -> None:
    t, v = pair
    data = encode_value(v, t)
    assert decode_exact(data, lambda r: read_value(r, t)) == v
    assert value_from_json(value_to_json(v, t), t) == v


@settings(max_examples=150)
@given(typed_values)
def test_value_size_is_the_encoding_length(pair: tuple[Type, Value]) -> None:
    t, v = pair
    assert value_size(v) == len(encode_value(v, t))


def test_value_size_limit() -> None:
    big = tuple(b"\x00" * 4096 for _ in range(15))  # 1 + 15 * 4099 = 61486 bytes
    assert check_value(big, ListType(BYTES)) == big
    bigger = (*big, b"\x00" * 4096)  # 65585 bytes
    with pytest.raises(Rejected) as info:
        check_value(bigger, ListType(BYTES))
    assert info.value.reason is Reason.FSM_EXPR_LIMIT
    data = Writer().count(16, 1024)
    for item in bigger:
        data.var_bytes(item)
    with pytest.raises(Rejected) as info:
        decode_exact(data.getvalue(), lambda r: read_value(r, ListType(BYTES)))
    assert info.value.reason is Reason.FSM_EXPR_LIMIT
    # a huge shared structure is measured without walking all of it
    shared: Value = tuple(range(1024))
    for _ in range(3):
        shared = (shared,) * 1024
    assert value_size(shared) > 65536


@settings(max_examples=200)
@given(types, st.binary(max_size=40))
def test_value_decoder_fuzz(t: Type, data: bytes) -> None:
    try:
        v = decode_exact(data, lambda r: read_value(r, t))
    except Rejected:
        return
    assert encode_value(v, t) == data


@settings(max_examples=100)
@given(st.binary(max_size=8))
def test_type_decoder_fuzz(data: bytes) -> None:
    try:
        t = decode_exact(data, read_type)
    except Rejected:
        return
    w = Writer()
    write_type(w, t)
    assert w.getvalue() == data


@pytest.mark.parametrize(
    ("v", "t"),
    [
        (True, INT),
        (1, BOOL),
        (2**63, INT),
        ("00", BYTES),
        ([1], ListType(INT)),
        ((1, True), ListType(INT)),
        ((b"",), ListType(INT)),
    ],
)
def test_check_value_keeps_bool_and_int_apart(v: object, t: Type) -> None:
    with pytest.raises(Rejected) as info:
        check_value(v, t)
    assert info.value.reason is Reason.FSM_EXPR_BAD_VALUE


def test_value_limits() -> None:
    check_value(tuple(range(1024)), ListType(INT))
    check_value(b"\x00" * 4096, BYTES)
    cases: list[tuple[Value, Type]] = [(tuple(range(1025)), ListType(INT)), (b"\x00" * 4097, BYTES)]
    for v, t in cases:
        with pytest.raises(Rejected) as info:
            check_value(v, t)
        assert info.value.reason is Reason.FSM_EXPR_LIMIT


def test_defaults() -> None:
    assert default_value(INT) == 0 and type(default_value(INT)) is int
    assert default_value(BOOL) is False
    assert default_value(BYTES) == b""
    assert default_value(ListType(INT)) == ()


@pytest.mark.parametrize(
    ("j", "t"),
    [(True, INT), (0, BOOL), ("0", BYTES), ("zz", BYTES), (5, BYTES), ({"a": 1}, ListType(INT))],
)
def test_bad_json_values(j: object, t: Type) -> None:
    with pytest.raises(Rejected):
        value_from_json(j, t)


def test_bytes_hex_is_read_in_either_case_and_bad_hex_is_encoding_bad_hex() -> None:
    """EXPR-6 follows ENC-13: upper-case digits are read; text that is not hex is bad_hex."""
    assert value_from_json("AB", BYTES) == value_from_json("ab", BYTES) == b"\xab"
    for text in ("zz", "0x12", "a"):
        with pytest.raises(Rejected) as e:
            value_from_json(text, BYTES)
        assert e.value.reason is Reason.ENCODING_BAD_HEX


def test_read_value_reads_embedded() -> None:
    r = Reader(bytes.fromhex("0201000100ff"))
    assert read_value(r, ListType(BOOL)) == (True, False)
    assert r.remaining == 3
