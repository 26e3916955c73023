"""Compiled value checks and encoders (the engine's state encoding) against the rules.

The engine encodes states with a per-type encoder
(:func:`chipstack.fsm.expr.values.value_encoder`) and checks effect results
with a per-type checker (:func:`~chipstack.fsm.expr.values.value_checker`).
Encoders must give bytes that decode back to the value with the strict
reader, with the length :func:`value_size` counts; checkers must accept
exactly the values [EXPR-3] allows. (Compiled expressions are checked against
the evaluator in ``test_expr_properties.py``, where the random trees are.)
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.encoding import Reader
from chipstack.errors import Rejected
from chipstack.fsm.expr import (
    BOOL,
    BYTES,
    INT,
    ListType,
    Type,
    Value,
    check_value,
    read_value,
    value_checker,
    value_encoder,
    value_size,
)

_TYPES: list[Type] = [INT, BOOL, BYTES, ListType(INT), ListType(BOOL), ListType(BYTES),
          ListType(ListType(INT)), ListType(ListType(BYTES))]


def _value_of(t: Type) -> st.SearchStrategy[Value]:
    if t == INT:
        return st.integers(-(2**63), 2**63 - 1)
    if t == BOOL:
        return st.booleans()
    if t == BYTES:
        return st.binary(max_size=300)
    assert isinstance(t, ListType)
    return st.lists(_value_of(t.elem), max_size=12).map(tuple)


typed_values = st.sampled_from(_TYPES).flatmap(lambda t: st.tuples(st.just(t), _value_of(t)))


@settings(max_examples=300)
@given(typed_values)
def test_encoder_output_decodes_back_strictly(pair: tuple[Type, Value]) -> None:
    t, v = pair
    data = value_encoder(t)(check_value(v, t))
    r = Reader(data)
    assert read_value(r, t) == v and r.position == len(data) == value_size(v)


@settings(max_examples=300)
@given(st.sampled_from(_TYPES), st.one_of(
    st.integers(-(2**64), 2**64), st.booleans(), st.binary(max_size=8),
    st.lists(st.one_of(st.integers(-(2**64), 2**64), st.booleans(), st.binary(max_size=4)),
             max_size=4).map(tuple),
))
def test_compiled_checker_accepts_and_refuses_as_the_rules_say(t: Type, v: object) -> None:
    """[EXPR-3]: ints in i64 (never bools), bools, bytes; lists of one element type."""

    def valid(x: object, tt: Type) -> bool:
        if isinstance(tt, ListType):
            return isinstance(x, tuple) and all(valid(i, tt.elem) for i in x)
        if tt == INT:
            return type(x) is int and -(2**63) <= x < 2**63
        if tt == BOOL:
            return type(x) is bool
        return type(x) is bytes

    try:
        assert value_checker(t)(v) is v
        assert valid(v, t)
    except Rejected:
        assert not valid(v, t)
