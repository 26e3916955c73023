"""Cost units of the expression language (spec/03-fsm.md, EXPR-50 .. EXPR-56).

Expected costs are worked out by hand from the rules: NODE = 6 per node
reached, comparisons and list literals add the smaller / summed weight,
calls add their built-in's rule (CALL = 4 plus the arguments' weight).
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.errors import Reason, Rejected
from chipstack.fsm.expr import (
    BOOL,
    BYTES,
    DEFAULT_LIBRARY,
    INT,
    Builtin,
    ListType,
    Meter,
    Type,
    Value,
    encode_value,
    evaluate,
    max_weight,
    parse,
    weight,
)
from chipstack.fsm.expr.cost import MAX_WEIGHT, linear_cost

NODE, CALL = 6, 4


def cost_of(text: str, **env: Value) -> int:
    meter = Meter()
    evaluate(parse(text), env, meter=meter)
    return meter.spent


def refused(text: str, budget: int, **env: Value) -> tuple[Reason, int]:
    meter = Meter(budget)
    with pytest.raises(Rejected) as info:
        evaluate(parse(text), env, meter=meter)
    return info.value.reason, meter.spent


def test_weight_follows_the_rule() -> None:
    assert weight(7) == weight(True) == 1
    assert weight(b"") == 1 and weight(b"x" * 63) == 1 and weight(b"x" * 64) == 2
    assert weight(b"x" * 4096) == 65
    assert weight(()) == 1 and weight((1, 2, 3)) == 4
    assert weight(((1, 2), (3,), ())) == 1 + 3 + 2 + 1
    assert weight((b"x" * 128, b"")) == 1 + 3 + 1


def test_max_weight_of_types() -> None:
    assert max_weight(INT) == max_weight(BOOL) == 1
    assert max_weight(BYTES) == 65
    assert max_weight(ListType(INT)) == 1025
    assert max_weight(ListType(BYTES)) == MAX_WEIGHT  # 1 + 1024 * 65 is over the cap
    assert max_weight(ListType(ListType(INT))) == MAX_WEIGHT


_scalars: dict[str, st.SearchStrategy[Value]] = {
    "int": st.integers(-(2**63), 2**63 - 1),
    "bool": st.booleans(),
    "bytes": st.binary(max_size=300),
}


@st.composite
def typed_values(draw: st.DrawFn) -> tuple[Type, Value]:
    scalar = draw(st.sampled_from(["int", "bool", "bytes"]))
    depth = draw(st.integers(0, 2))
    t: Type = {"int": INT, "bool": BOOL, "bytes": BYTES}[scalar]
    strategy = _scalars[scalar]
    for _ in range(depth):
        t = ListType(t)
        strategy = st.lists(strategy, max_size=5).map(tuple)
    return t, draw(strategy)


@settings(max_examples=200)
@given(typed_values())
def test_weight_is_at_most_the_encoded_length_and_the_type_bound(tv: tuple[Type, Value]) -> None:
    t, v = tv
    assert weight(v) <= len(encode_value(v, t))
    assert weight(v) <= max_weight(t)


def test_spec_example() -> None:
    # the worked example under [EXPR-56]
    assert cost_of("sum(vars.xs) > 10", **{"vars.xs": (5, 1, 7)}) == 33


def test_every_leaf_and_plain_operator_costs_one_node() -> None:
    assert cost_of("1") == NODE
    assert cost_of("x", x=(1,) * 500) == NODE  # a name costs NODE whatever its value
    assert cost_of("[:int]") == NODE
    assert cost_of("-x + 2 * 3 / 1 % 5", x=4) == 10 * NODE
    assert cost_of("not b", b=True) == 2 * NODE
    assert cost_of("xs[1]", xs=(4, 5, 6)) == 3 * NODE
    assert cost_of("1 if b else 2", b=True) == 3 * NODE


def test_short_circuit_and_branches_cost_only_what_is_reached() -> None:
    assert cost_of("false and sum(xs) > 0", xs=(1,) * 1000) == 2 * NODE
    assert cost_of("true or sum(xs) > 0", xs=(1,) * 1000) == 2 * NODE
    # and: NODE + true; right: > (NODE) + call NODE + name NODE + CALL + 3 + literal NODE + 1
    assert cost_of("true and sum(xs) > 0", xs=(1, 1)) == 2 * NODE + 4 * NODE + CALL + 3 + 1
    assert cost_of("1 if b else sum(xs)", b=True, xs=(1,) * 1000) == 3 * NODE
    assert cost_of("1 if b else sum(xs)", b=False, xs=(1,) * 1000) == 4 * NODE + CALL + 1001


def test_comparisons_pay_the_smaller_operand() -> None:
    assert cost_of("a == b", a=(1,) * 9, b=(1,) * 99) == 3 * NODE + 10
    assert cost_of("a < b", a=b"x" * 640, b=b"y" * 6400) == 3 * NODE + 11
    assert cost_of("a != b", a=5, b=6) == 3 * NODE + 1


def test_list_literal_pays_its_items() -> None:
    # 1 + 2 items-nodes; items weigh 4 and 1
    assert cost_of("[xs, xs]", xs=(1, 2, 3)) == 3 * NODE + 8
    assert cost_of("[1, 2]") == 3 * NODE + 2


def test_core_cost_rules() -> None:
    assert cost_of("len(xs)", xs=(1,) * 700) == 2 * NODE + CALL
    assert cost_of("abs(-5)") == 2 * NODE + CALL
    assert cost_of("range(10)") == 2 * NODE + CALL + 10
    assert cost_of("range(5000 - 5000)") == 4 * NODE + CALL
    assert cost_of("repeat(x, 3)", x=b"z" * 200) == 3 * NODE + CALL + 3 * 4
    # 1024 copies of a 201-weight list: charged the capped 65537, then refused by the size limit
    meter = Meter()
    with pytest.raises(Rejected) as info:
        evaluate(parse("repeat(xs, 1024)"), {"xs": (1,) * 200}, meter=meter)
    assert info.value.reason is Reason.FSM_EXPR_LIMIT
    assert meter.spent == 3 * NODE + CALL + MAX_WEIGHT + 1
    assert cost_of("sha256(b)", b=b"q" * 4096) == 2 * NODE + CALL + 65
    assert cost_of("set(xs, 0, 9)", xs=(1, 2)) == 4 * NODE + CALL + 3 + 1 + 1
    assert cost_of("concat(a, a)", a=b"k" * 128) == 3 * NODE + CALL + 6
    assert cost_of("max(1, 2, 3)") == 4 * NODE + CALL + 3


def test_every_core_builtin_has_a_bound_at_least_its_exact_cost() -> None:
    worst: dict[str, tuple[tuple[Value, ...], tuple[Type, ...]]] = {
        "min": (((2**62,) * 1024,), (ListType(INT),)),
        "max": ((1, 2), (INT, INT)),
        "abs": ((5,), (INT,)),
        "len": (((b"x" * 4096,) * 15,), (ListType(BYTES),)),
        "sum": (((1,) * 1024,), (ListType(INT),)),
        "count": (((1,) * 1024, 1), (ListType(INT), INT)),
        "contains": (((b"a",) * 1024, b"a"), (ListType(BYTES), BYTES)),
        "index_of": (((1,) * 1024, 1), (ListType(INT), INT)),
        "concat": ((b"x" * 4096, b"x" * 4096), (BYTES, BYTES)),
        "slice": (((1,) * 1024, 0, 1024), (ListType(INT), INT, INT)),
        "set": (((1,) * 1024, 3, 4), (ListType(INT), INT, INT)),
        "append": (((1,) * 1023, 4), (ListType(INT), INT)),
        "range": ((1024,), (INT,)),
        "repeat": (((True,) * 1024, 1024), (ListType(BOOL), INT)),
        "all": (((True,) * 1024,), (ListType(BOOL),)),
        "any": (((False,) * 1024,), (ListType(BOOL),)),
        "sha256": ((b"x" * 4096,), (BYTES,)),
    }
    assert set(worst) == set(DEFAULT_LIBRARY.names())
    for name, (args, types) in worst.items():
        rule = DEFAULT_LIBRARY.lookup(name).cost
        assert 0 < rule.exact(args) <= rule.bound(types), name


def test_budget_exactly_the_cost_passes_one_less_is_refused() -> None:
    env: dict[str, Value] = {"vars.xs": (5, 1, 7)}
    assert evaluate(parse("sum(vars.xs) > 10"), env, meter=Meter(33)) is True
    # 32 units: the last charge (the comparison's 1) does not fit; nothing of it is recorded
    reason, spent = refused("sum(vars.xs) > 10", 32, **env)
    assert (reason, spent) == (Reason.FSM_OVER_BUDGET, 32)
    # 20 units: NODE (>) + NODE (call) + NODE (name) = 18, then the call's 8 does not fit
    assert refused("sum(vars.xs) > 10", 20, **env) == (Reason.FSM_OVER_BUDGET, 18)
    assert refused("1", 0) == (Reason.FSM_OVER_BUDGET, 0)


def test_an_over_budget_builtin_does_not_run() -> None:
    ran: list[int] = []

    def impl(args: tuple[Value, ...]) -> Value:
        ran.append(1)
        return 0

    def rule(types: tuple[Type, ...]) -> Type:
        return INT

    lib = DEFAULT_LIBRARY.extend("probe", 1, [
        Builtin("probe", "probe(list[int]) -> int", rule, impl, "test probe", linear_cost(100, 2)),
    ])
    e = parse("probe(xs)")
    meter = Meter(2 * NODE + 100 + 2 * 11 - 1)
    with pytest.raises(Rejected) as info:
        evaluate(e, {"xs": (0,) * 10}, lib, meter)
    assert info.value.reason is Reason.FSM_OVER_BUDGET and not ran
    assert evaluate(e, {"xs": (0,) * 10}, lib, Meter(2 * NODE + 100 + 22)) == 0 and ran


def test_builtin_without_a_cost_gets_the_linear_default() -> None:
    b = Builtin("twice", "twice(int) -> int", lambda t: INT, lambda a: 2 * a[0], "doc")
    lib = DEFAULT_LIBRARY.extend("t", 1, [b])
    meter = Meter()
    assert evaluate(parse("twice(len(xs))"), {"xs": (1, 2)}, lib, meter) == 4
    assert meter.spent == 3 * NODE + CALL + (CALL + 1)


def test_a_rejection_met_before_the_charge_wins() -> None:
    # the index fails before the comparison's addition is charged
    reason, _ = refused("xs[5] == xs[0]", 4 * NODE, xs=(1, 2))
    assert reason is Reason.FSM_EXPR_INDEX_OUT_OF_RANGE
    # range's bad argument is met after its charge, so a too-small budget wins
    assert refused("range(0 - 1)", 4 * NODE + CALL - 1)[0] is Reason.FSM_OVER_BUDGET
    assert refused("range(0 - 1)", 4 * NODE + CALL)[0] is Reason.FSM_EXPR_BAD_ARGUMENT


def test_meter_rejects_a_negative_budget() -> None:
    with pytest.raises(ValueError):
        Meter(-1)
    with pytest.raises(ValueError):
        linear_cost(-1)


@settings(max_examples=200)
@given(typed_values(), typed_values(), st.integers(0, 40))
def test_capped_weighing_agrees_with_the_weight(
    a: tuple[Type, Value], b: tuple[Type, Value], cap: int
) -> None:
    # EXPR-52's charge, min of the two weights, found without walking the heavier operand
    from chipstack.fsm.expr.cost import compare_cost, weight_at_most

    (_, x), (_, y) = a, b
    assert weight_at_most(x, cap) == (weight(x) if weight(x) <= cap else cap + 1)
    assert compare_cost(x, y) == compare_cost(y, x) == min(weight(x), weight(y))


def test_a_heavy_operand_costs_only_the_lighter_weight() -> None:
    # 3 lists of 100 empty lists weigh 1 + 3 * 101; compared with an empty list: 1
    big = tuple(tuple(() for _ in range(100)) for _ in range(3))
    assert weight(big) == 304
    assert cost_of("big == e", big=big, e=()) == 3 * NODE + 1
    assert cost_of("len(repeat(big, 0))", big=big) == 4 * NODE + 2 * CALL
    assert cost_of("len(repeat(big, 2))", big=big) == 4 * NODE + 2 * CALL + 2 * 304
