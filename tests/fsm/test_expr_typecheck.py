"""Static typing ([EXPR-25] .. [EXPR-29]): result types and the first reported failure."""

from __future__ import annotations

import pytest

from chipstack.errors import Reason, Rejected
from chipstack.fsm.expr import BOOL, BYTES, INT, ListType, Type, parse, typecheck

ENV: dict[str, Type] = {
    "n": INT,
    "flag": BOOL,
    "key": BYTES,
    "xs": ListType(INT),
    "keys": ListType(BYTES),
    "grid": ListType(ListType(INT)),
}


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("n + 1", INT),
        ("-n", INT),
        ("not flag", BOOL),
        ("n < 3 and flag", BOOL),
        ("key < x\"00\"", BOOL),
        ("key[0]", INT),
        ("xs[0]", INT),
        ("grid[0]", ListType(INT)),
        ("grid == [[1], [:int]]", BOOL),
        ("keys == [key]", BOOL),
        ("n if flag else 0", INT),
        ("[:list[bytes]]", ListType(ListType(BYTES))),
        ("min(xs)", INT),
        ("min(1, n, 3)", INT),
        ("len(key) + len(grid)", INT),
        ("contains(keys, key)", BOOL),
        ("index_of(grid, xs)", INT),
        ("concat(key, key)", BYTES),
        ("concat(grid, grid)", ListType(ListType(INT))),
        ("slice(key, 0, 1)", BYTES),
        ("set(grid, 0, xs)", ListType(ListType(INT))),
        ("append(keys, sha256(key))", ListType(BYTES)),
        ("range(n)", ListType(INT)),
        ("repeat(flag, 3)", ListType(BOOL)),
        ("all(repeat(flag, 3)) or any([flag])", BOOL),
    ],
)
def test_types(text: str, want: Type) -> None:
    assert typecheck(parse(text), ENV) == want


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("n + flag", Reason.FSM_EXPR_TYPE_ERROR),
        ("flag + n", Reason.FSM_EXPR_TYPE_ERROR),
        ("-flag", Reason.FSM_EXPR_TYPE_ERROR),
        ("not n", Reason.FSM_EXPR_TYPE_ERROR),
        ("n and flag", Reason.FSM_EXPR_TYPE_ERROR),
        ("n == flag", Reason.FSM_EXPR_TYPE_ERROR),
        ("flag < flag", Reason.FSM_EXPR_TYPE_ERROR),
        ("xs < xs", Reason.FSM_EXPR_TYPE_ERROR),
        ("xs == grid", Reason.FSM_EXPR_TYPE_ERROR),
        ("n[0]", Reason.FSM_EXPR_TYPE_ERROR),
        ("xs[flag]", Reason.FSM_EXPR_TYPE_ERROR),
        ("n if n else n", Reason.FSM_EXPR_TYPE_ERROR),
        ("n if flag else key", Reason.FSM_EXPR_TYPE_ERROR),
        ("[n, key]", Reason.FSM_EXPR_TYPE_ERROR),
        ("[xs, [:bool]]", Reason.FSM_EXPR_TYPE_ERROR),
        ("min(flag)", Reason.FSM_EXPR_TYPE_ERROR),
        ("min(xs, xs)", Reason.FSM_EXPR_TYPE_ERROR),
        ("len()", Reason.FSM_EXPR_TYPE_ERROR),
        ("len(xs, xs)", Reason.FSM_EXPR_TYPE_ERROR),
        ("count(xs, key)", Reason.FSM_EXPR_TYPE_ERROR),
        ("contains(key, 1)", Reason.FSM_EXPR_TYPE_ERROR),
        ("concat(xs, keys)", Reason.FSM_EXPR_TYPE_ERROR),
        ("slice(xs, flag, 1)", Reason.FSM_EXPR_TYPE_ERROR),
        ("set(xs, 0, flag)", Reason.FSM_EXPR_TYPE_ERROR),
        ("append(xs, xs)", Reason.FSM_EXPR_TYPE_ERROR),
        ("range(flag)", Reason.FSM_EXPR_TYPE_ERROR),
        ("repeat(1, key)", Reason.FSM_EXPR_TYPE_ERROR),
        ("all(xs)", Reason.FSM_EXPR_TYPE_ERROR),
        ("sha256(xs)", Reason.FSM_EXPR_TYPE_ERROR),
        ("missing", Reason.FSM_EXPR_UNKNOWN_NAME),
        ("n + missing", Reason.FSM_EXPR_UNKNOWN_NAME),
        ("shuffle(xs)", Reason.FSM_EXPR_UNKNOWN_BUILTIN),
        ("repeat(repeat(grid, 1), 1)", Reason.FSM_EXPR_LIMIT),
    ],
)
def test_rejections(text: str, reason: Reason) -> None:
    with pytest.raises(Rejected) as info:
        typecheck(parse(text), ENV)
    assert info.value.reason is reason


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        # children are checked left to right before the node itself ([EXPR-26])
        ("(n + flag) + missing", Reason.FSM_EXPR_TYPE_ERROR),
        ("missing + (n + flag)", Reason.FSM_EXPR_UNKNOWN_NAME),
        ("shuffle(missing)", Reason.FSM_EXPR_UNKNOWN_NAME),
        ("shuffle(1) + flag", Reason.FSM_EXPR_UNKNOWN_BUILTIN),
        ("[flag, 1, missing]", Reason.FSM_EXPR_UNKNOWN_NAME),
        ("missing if n else shuffle()", Reason.FSM_EXPR_UNKNOWN_NAME),
    ],
)
def test_first_failure_in_visit_order(text: str, reason: Reason) -> None:
    with pytest.raises(Rejected) as info:
        typecheck(parse(text), ENV)
    assert info.value.reason is reason


def test_names_are_exact_strings() -> None:
    assert typecheck(parse("vars.pot"), {"vars.pot": INT}) == INT
    with pytest.raises(Rejected) as info:
        typecheck(parse("vars.pot"), {"pot": INT})
    assert info.value.reason is Reason.FSM_EXPR_UNKNOWN_NAME
