"""Property tests of the expression language: random trees through every stage.

Random well-typed trees (a generator that states each tree's type) must
type-check to that type and evaluate deterministically to a value of it or
to a run-time rejection; any tree must survive the byte and text round trips.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.errors import Reason, Rejected
from chipstack.fsm.expr import (
    BOOL,
    BYTES,
    DEFAULT_LIBRARY,
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
    Meter,
    Name,
    Type,
    Unary,
    UnaryOp,
    Value,
    check_value,
    decode_expr,
    encode_expr,
    evaluate,
    parse,
    to_text,
    typecheck,
)
from chipstack.fsm.expr.ast import is_valid_name
from chipstack.fsm.expr.compiled import compile_expr
from chipstack.fsm.expr.parser import tokenize
from chipstack.fsm.expr.typecheck import typecheck_bound

I64_MIN, I64_MAX = -(2**63), 2**63 - 1
LI, LB, LY = ListType(INT), ListType(BOOL), ListType(BYTES)
LLI = ListType(LI)

ENV: dict[str, tuple[Type, Value]] = {
    "i": (INT, 5),
    "vars.j": (INT, -3),
    "args.big": (INT, 2**62),
    "b": (BOOL, True),
    "s": (BYTES, b"\x01\x02"),
    "xs": (LI, (1, 2, 3)),
    "vars.empty": (LI, ()),
    "bs": (LB, (True, False)),
    "ys": (LY, (b"", b"\xff")),
    "xss": (LLI, ((1,), (), (2, 3))),
}
ENV_TYPES = {k: t for k, (t, _) in ENV.items()}
ENV_VALUES = {k: v for k, (_, v) in ENV.items()}
RUNTIME_REASONS = {
    Reason.FSM_EXPR_OVERFLOW,
    Reason.FSM_EXPR_DIVISION_BY_ZERO,
    Reason.FSM_EXPR_INDEX_OUT_OF_RANGE,
    Reason.FSM_EXPR_BAD_ARGUMENT,
    Reason.FSM_EXPR_LIMIT,
}

i64s = st.one_of(
    st.integers(-20, 20), st.integers(I64_MIN, I64_MAX), st.sampled_from([I64_MIN, I64_MAX])
)
small_types: st.SearchStrategy[Type] = st.sampled_from([INT, BOOL, BYTES, LI, LB, LY, LLI])


# -- arbitrary (possibly ill-typed) trees ---------------------------------------------

names = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,4}(\.[a-z_][a-z0-9_]{0,4}){0,2}", fullmatch=True)
names = names.filter(is_valid_name)

leaves: st.SearchStrategy[Expr] = st.one_of(
    i64s.map(IntLit),
    st.booleans().map(BoolLit),
    st.binary(max_size=6).map(BytesLit),
    names.map(Name),
    st.sampled_from([EmptyList(t) for t in (INT, BOOL, BYTES, LI, LLI)]),
)


def _extend(c: st.SearchStrategy[Expr]) -> st.SearchStrategy[Expr]:
    return st.one_of(
        st.lists(c, min_size=1, max_size=3).map(lambda xs: ListLit(tuple(xs))),
        st.builds(Unary, st.sampled_from(list(UnaryOp)), c),
        st.builds(Binary, st.sampled_from(list(BinOp)), c, c),
        st.builds(Index, c, c),
        st.builds(Cond, c, c, c),
        st.builds(Call, names, st.lists(c, max_size=3).map(tuple)),
    )


any_expr = st.recursive(leaves, _extend, max_leaves=25)


# -- well-typed trees -------------------------------------------------------------------


def _names_of(t: Type) -> list[str]:
    return [k for k, (tt, _) in ENV.items() if tt == t]


@st.composite
def typed(draw: st.DrawFn, t: Type, budget: int = 4) -> Expr:
    """Draw a tree whose type is ``t`` in :data:`ENV_TYPES` (the generator's claim)."""
    options: list[Callable[[], Expr]] = []
    sub = budget - 1

    def leaf() -> Expr:
        known = _names_of(t)
        use_name: bool = draw(st.booleans())
        if known and use_name:
            return Name(draw(st.sampled_from(known)))
        if t == INT:
            return IntLit(draw(i64s))
        if t == BOOL:
            return BoolLit(draw(st.booleans()))
        if t == BYTES:
            return BytesLit(draw(st.binary(max_size=4)))
        assert isinstance(t, ListType)
        if draw(st.booleans()):
            return EmptyList(t.elem)
        n = draw(st.integers(1, 3))
        return ListLit(tuple(draw(typed(t.elem, 0)) for _ in range(n)))

    if budget <= 0 or draw(st.integers(0, 3)) == 0:
        return leaf()

    def g(tt: Type) -> Expr:
        return draw(typed(tt, sub))

    def idx() -> Expr:  # mostly small, so that indexing often succeeds
        return IntLit(draw(st.integers(-1, 3))) if draw(st.integers(0, 3)) else g(INT)

    if t == INT:
        options += [
            lambda: Binary(draw(st.sampled_from([BinOp.ADD, BinOp.SUB, BinOp.MUL, BinOp.DIV,
                                                 BinOp.MOD])), g(INT), g(INT)),
            lambda: Unary(UnaryOp.NEG, g(INT)),
            lambda: Index(g(LI), idx()),
            lambda: Index(g(BYTES), idx()),
            lambda: Call(draw(st.sampled_from(["len", "sum", "min", "max"])), (g(LI),)),
            lambda: Call("abs", (g(INT),)),
            lambda: Call(draw(st.sampled_from(["min", "max"])), (g(INT), g(INT), g(INT))),
            lambda: Call(draw(st.sampled_from(["count", "index_of"])), (g(LY), g(BYTES))),
        ]
    elif t == BOOL:
        options += [
            lambda: Binary(draw(st.sampled_from([BinOp.AND, BinOp.OR])), g(BOOL), g(BOOL)),
            lambda: Unary(UnaryOp.NOT, g(BOOL)),
            lambda: Binary(draw(st.sampled_from([BinOp.LT, BinOp.LE, BinOp.GT, BinOp.GE,
                                                 BinOp.EQ])), g(INT), g(INT)),
            lambda: Binary(draw(st.sampled_from([BinOp.LT, BinOp.NE])), g(BYTES), g(BYTES)),
            lambda: Binary(BinOp.EQ, g(LLI), g(LLI)),
            lambda: Call("contains", (g(LI), g(INT))),
            lambda: Call(draw(st.sampled_from(["all", "any"])), (g(LB),)),
        ]
    elif t == BYTES:
        options += [
            lambda: Call("concat", (g(BYTES), g(BYTES))),
            lambda: Call("sha256", (g(BYTES),)),
            lambda: Call("slice", (g(BYTES), idx(), idx())),
            lambda: Index(g(LY), idx()),
        ]
    else:
        assert isinstance(t, ListType)
        options += [
            lambda: Call("concat", (g(t), g(t))),
            lambda: Call("append", (g(t), g(t.elem))),
            lambda: Call("set", (g(t), idx(), g(t.elem))),
            lambda: Call("slice", (g(t), idx(), idx())),
            lambda: Call("repeat", (g(t.elem), idx())),
        ]
        if t == LI:
            options.append(lambda: Call("range", (idx(),)))
        if t == LLI:
            options.append(lambda: Index(ListLit((g(LLI),)), idx()))
    options.append(lambda: Cond(g(BOOL), g(t), g(t)))
    options.append(leaf)
    return draw(st.sampled_from(options))()


typed_pairs = small_types.flatmap(lambda t: st.tuples(st.just(t), typed(t)))


def _outcome(e: Expr) -> tuple[str, object]:
    try:
        return "ok", evaluate(e, ENV_VALUES)
    except Rejected as exc:
        return "rejected", exc.reason


@settings(max_examples=200)
@given(typed_pairs)
def test_well_typed_trees_check_to_their_type_and_evaluate_deterministically(
    pair: tuple[Type, Expr],
) -> None:
    t, e = pair
    assert typecheck(e, ENV_TYPES) == t
    first, second = _outcome(e), _outcome(e)
    assert first == second
    kind, result = first
    if kind == "ok":
        check_value(result, t)
        # bool stays bool and int stays int (Python's bool is an int subclass)
        if t == INT:
            assert type(result) is int
        if t == BOOL:
            assert type(result) is bool
    else:
        assert result in RUNTIME_REASONS


@settings(max_examples=200)
@given(typed_pairs)
def test_well_typed_trees_survive_both_round_trips(pair: tuple[Type, Expr]) -> None:
    _, e = pair
    assert decode_expr(encode_expr(e)) == e
    assert parse(to_text(e)) == e


@settings(max_examples=300)
@given(any_expr)
def test_any_tree_round_trips_through_bytes_and_text(e: Expr) -> None:
    data = encode_expr(e)
    assert decode_expr(data) == e
    assert encode_expr(decode_expr(data)) == data
    text = to_text(e)
    assert parse(text) == e


@settings(max_examples=200)
@given(any_expr)
def test_any_tree_typechecks_or_is_rejected_and_evaluates_or_is_rejected(e: Expr) -> None:
    for step in (lambda: typecheck(e, ENV_TYPES), lambda: evaluate(e, ENV_VALUES)):
        try:
            step()
        except Rejected:
            pass


@settings(max_examples=300)
@given(st.binary(max_size=64))
def test_decoder_fuzz_random_bytes(data: bytes) -> None:
    try:
        e = decode_expr(data)
    except Rejected:
        return
    assert encode_expr(e) == data  # whatever decodes is canonical


@settings(max_examples=300)
@given(any_expr, st.data())
def test_decoder_fuzz_mutated_encodings(e: Expr, data: st.DataObject) -> None:
    raw = bytearray(encode_expr(e))
    for _ in range(data.draw(st.integers(1, 3))):
        action = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        pos = data.draw(st.integers(0, len(raw)))
        if action == "flip" and pos < len(raw):
            raw[pos] ^= data.draw(st.integers(1, 255))
        elif action == "cut":
            del raw[pos:]
        else:
            raw.insert(pos, data.draw(st.integers(0, 255)))
    try:
        d = decode_expr(bytes(raw))
    except Rejected:
        return
    assert encode_expr(d) == bytes(raw)


TOKENS = [*"ab1.0_ x\"f()[],:-+*/%<>=!", "if", "else", "not", "and", "or", "true", "int", "list"]


@settings(max_examples=300)
@given(st.lists(st.sampled_from(TOKENS), max_size=30).map("".join))
def test_parser_fuzz_returns_a_tree_or_rejects(text: str) -> None:
    try:
        e = parse(text)
    except Rejected:
        return
    assert parse(to_text(e)) == e


@settings(max_examples=150)
@given(any_expr, st.data())
def test_white_space_between_tokens_does_not_matter(e: Expr, data: st.DataObject) -> None:
    tokens = [t.text for t in tokenize(to_text(e)) if t.kind != "end"]
    gaps = data.draw(st.lists(st.sampled_from([" ", "\t", "\n", "  ", "\r\n"]),
                              min_size=len(tokens), max_size=len(tokens)))
    spaced = "".join(g + t for g, t in zip(gaps, tokens, strict=True))
    assert parse(spaced) == e


@settings(max_examples=150)
@given(typed_pairs, st.integers(0, 400))
def test_cost_never_passes_the_static_bound_and_a_budget_is_exact(
    pair: tuple[Type, Expr], budget: int
) -> None:
    # [EXPR-57]: the bound from types is at least what any evaluation charges;
    # [EXPR-56]: a budget at or above the cost changes nothing, below it refuses.
    _, e = pair
    _, bound = typecheck_bound(e, ENV_TYPES)
    meter = Meter()
    outcome = _outcome_metered(e, meter)
    assert meter.spent <= bound
    limited = Meter(budget)
    limited_outcome = _outcome_metered(e, limited)
    if budget >= meter.spent:
        assert limited_outcome == outcome and limited.spent == meter.spent
    else:
        assert limited_outcome == ("rejected", Reason.FSM_OVER_BUDGET)
        assert limited.spent <= budget


def _outcome_metered(e: Expr, meter: Meter) -> tuple[str, object]:
    try:
        return "ok", evaluate(e, ENV_VALUES, meter=meter)
    except Rejected as exc:
        return "rejected", exc.reason


def _values_of(t: Type) -> st.SearchStrategy[Value]:
    """Values of ``t`` up to the sizes of EXPR-3 (long lists and 4 KiB bytes included)."""
    if t == INT:
        return i64s
    if t == BOOL:
        return st.booleans()
    # long values are a short drawn pattern repeated to a drawn length (little entropy)
    if t == BYTES:
        long_bytes = st.tuples(st.binary(min_size=1, max_size=4), st.integers(4000, 4096))
        return st.one_of(st.binary(max_size=8), long_bytes.map(lambda p: (p[0] * 4096)[:p[1]]))
    assert isinstance(t, ListType)
    inner = _values_of(t.elem)
    if t.elem == INT or t.elem == BOOL:
        pattern = st.tuples(st.lists(inner, min_size=1, max_size=3), st.integers(1000, 1024))
        return st.one_of(st.lists(inner, max_size=4).map(tuple),
                         pattern.map(lambda p: tuple((p[0] * 1024)[:p[1]])))
    return st.lists(inner, max_size=6).map(tuple)


heavy_envs = st.fixed_dictionaries({k: _values_of(t) for k, (t, _) in ENV.items()})


@settings(max_examples=100, deadline=None)
@given(typed_pairs, heavy_envs)
def test_cost_never_passes_the_static_bound_with_values_at_their_limits(
    pair: tuple[Type, Expr], env: dict[str, Value]
) -> None:
    # [EXPR-57] is a bound over every environment of those types, not only the small one:
    # values near the limits of EXPR-3 (1,024-item lists, 4 KiB bytes, nested lists of
    # them) must never make an evaluation charge more than the bound
    _, e = pair
    try:
        env = {k: check_value(v, ENV_TYPES[k]) for k, v in env.items()}
    except Rejected:  # a drawn value over the 64 KiB size limit: not a value of the type
        return
    _, bound = typecheck_bound(e, ENV_TYPES)
    meter = Meter()
    try:
        evaluate(e, env, meter=meter)
    except Rejected as exc:
        assert exc.reason in RUNTIME_REASONS
    assert meter.spent <= bound


# -- compiled expressions (the engine's guards, effects, initial values) ---------------
# Costs are protocol: on random trees, typed or not, with and without a budget, the
# compiled form must give the tree-walking evaluator's exact value, rejection reason
# and meter reading.


def _run(e: Expr, budget: int | None, compiled: bool) -> tuple[object, int]:
    meter = Meter(budget)
    try:
        if compiled:
            result: object = ("ok", compile_expr(e, DEFAULT_LIBRARY)(ENV_VALUES, meter))
        else:
            result = ("ok", evaluate(e, ENV_VALUES, DEFAULT_LIBRARY, meter))
    except Rejected as exc:
        result = ("rejected", exc.reason)
    return result, meter.spent


def _same(e: Expr, budget: int | None) -> None:
    ref, ours = _run(e, budget, False), _run(e, budget, True)
    assert ours == ref
    if ref[0][0] == "ok":  # type: ignore[index]
        assert type(ours[0][1]) is type(ref[0][1])  # type: ignore[index]


@settings(max_examples=200)
@given(typed_pairs, st.one_of(st.none(), st.integers(0, 400)))
def test_compiled_typed_trees_give_the_evaluators_value_and_cost(
    pair: tuple[Type, Expr], budget: int | None
) -> None:
    _same(pair[1], budget)


@settings(max_examples=200)
@given(any_expr, st.one_of(st.none(), st.integers(0, 200)))
def test_compiled_any_tree_gives_the_evaluators_outcome_and_cost(
    e: Expr, budget: int | None
) -> None:
    _same(e, budget)


def test_compiled_unknown_builtin_and_too_deep_tree_are_refused_as_by_the_evaluator() -> None:
    _same(Call("no_such_builtin", (IntLit(1), IntLit(2))), None)
    deep: Expr = IntLit(1)
    for _ in range(70):
        deep = Unary(UnaryOp.NEG, deep)
    _same(deep, None)
    assert _run(deep, None, True)[0] == ("rejected", _run(deep, None, False)[0][1])  # type: ignore[index]
