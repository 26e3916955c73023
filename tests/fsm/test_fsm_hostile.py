"""Hostile inputs stay cheap and end in ``Rejected``: deep trees and types, deep or
exploding YAML, ill-shaped optional fields, markers that carry coins."""

from __future__ import annotations

import re

import pytest

from chipstack.chain.tx import TxOut
from chipstack.errors import Reason, Rejected
from chipstack.fsm import load_definition, machine_text
from chipstack.fsm.expr import INT, ListType, Type, encode_expr, parse, to_text, typecheck
from chipstack.fsm.expr.ast import EmptyList, Expr, IntLit, Unary, UnaryOp
from chipstack.fsm.onchain import marker_condition, marker_output, parse_marker

DEEP = 10_000


def reason(fn: object, *args: object) -> Reason:
    with pytest.raises(Rejected) as info:
        fn(*args)  # type: ignore[operator]
    return info.value.reason


def test_deep_expression_texts_are_refused_not_recursed() -> None:
    for text in ("(" * DEEP + "1" + ")" * DEEP, "-" * DEEP + "x", "(" * 2000 + "1" + ")" * 2000,
                 "not " * 1000 + "true", "f(" * 1300 + ")" * 1300):
        assert reason(parse, text) == Reason.FSM_EXPR_LIMIT


def test_deep_programmatic_tree_is_refused_by_printer_encoder_and_checker() -> None:
    e: Expr = IntLit(1)
    for _ in range(DEEP):
        e = Unary(UnaryOp.NEG, e)
    assert reason(to_text, e) == Reason.FSM_EXPR_LIMIT
    assert reason(encode_expr, e) == Reason.FSM_EXPR_LIMIT
    assert reason(typecheck, e, {}) == Reason.FSM_EXPR_LIMIT


def test_deep_programmatic_type_prints_and_is_refused() -> None:
    t: Type = INT
    for _ in range(DEEP):
        t = ListType(t)
    assert str(t) == "list[" * DEEP + "int" + "]" * DEEP
    assert reason(encode_expr, EmptyList(t)) == Reason.FSM_EXPR_LIMIT
    assert reason(typecheck, EmptyList(t), {}) == Reason.FSM_EXPR_LIMIT


@pytest.mark.parametrize(
    "text",
    ["[" * DEEP + "]" * DEEP, "{a: " * DEEP + "1" + "}" * DEEP, "name: " + "[" * 2000 + "]" * 2000],
)
def test_deep_yaml_is_malformed(text: str) -> None:
    assert reason(load_definition, text) == Reason.FSM_DEF_MALFORMED


def _bomb(levels: int) -> str:
    """A flow list of anchors, each level nine references to the one before."""
    items = ["&l0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        items.append(f"&l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    return "[" + ", ".join(items) + "]"


def test_alias_explosion_in_a_string_field_gives_a_short_rejection() -> None:
    # 9**8 leaves (43 million) behind a few hundred bytes of YAML: the error detail must
    # not print them.
    text = re.sub(
        r"^description:.*$", "description: " + _bomb(8), machine_text("turnstile"), flags=re.M
    )
    with pytest.raises(Rejected) as info:
        load_definition(text)
    assert info.value.reason == Reason.FSM_DEF_MALFORMED
    assert len(str(info.value)) < 2000


def test_description_must_be_a_string() -> None:
    text = re.sub(r"^description:.*$", "description: [a, b]", machine_text("turnstile"), flags=re.M)
    assert reason(load_definition, text) == Reason.FSM_DEF_MALFORMED


def test_a_marker_has_amount_zero() -> None:
    iid, sh = b"\x01" * 32, b"\x02" * 32
    assert parse_marker(marker_output(iid, sh)) == (iid, sh)
    assert reason(parse_marker, TxOut(1, marker_condition(iid, sh))) == (
        Reason.FSM_ONCHAIN_BAD_MARKER
    )
