"""Definitions: YAML loading, the checks of FSM-1 .. FSM-14, canonical encoding and ids."""

from __future__ import annotations

import hashlib

import pytest

from chipstack.errors import Reason, Rejected
from chipstack.fsm import (
    decode_definition,
    definition_from_yaml,
    definition_id,
    encode_definition,
    load_definition,
    load_machine,
    machine_names,
    machine_text,
)
from chipstack.fsm.exclusive import conjuncts, guards_exclusive
from chipstack.fsm.expr import parse

TURNSTILE = machine_text("turnstile")


def reason_of(text: str) -> Reason:
    with pytest.raises(Rejected) as info:
        load_definition(text)
    return info.value.reason


def edit(old: str, new: str) -> str:
    assert old in TURNSTILE
    return TURNSTILE.replace(old, new, 1)


def test_shipped_machines_load() -> None:
    assert machine_names() == ["escrow", "tictactoe", "turnstile"]
    for name in machine_names():
        defn = load_machine(name)
        assert defn.name == name
        assert defn.initial in defn.states


def test_turnstile_model_matches_the_yaml() -> None:
    d = load_machine("turnstile")
    assert [r.name for r in d.roles] == ["operator", "riders"]
    assert [r.size for r in d.roles] == [None, 4]  # riders[0..3] has four members
    assert d.states == ("locked", "unlocked", "closed")
    assert d.finals == ("closed",)
    first = d.transitions[0]
    assert (first.source, first.on, first.target) == ("locked", "coin", "unlocked")
    timeout = d.timeout_in("unlocked")
    assert timeout is not None and timeout.after == 30 and timeout.fire == "relock"
    assert d.library == "core/1"


def test_definition_id_is_the_tagged_hash_of_the_encoding() -> None:
    d = load_machine("escrow")
    enc = encode_definition(d)
    tag = hashlib.sha256(b"chipstack/fsm/definition").digest()
    assert definition_id(d) == hashlib.sha256(tag + tag + enc).digest()


def test_encoding_starts_with_version_name_and_u32_version() -> None:
    enc = encode_definition(load_machine("turnstile"))
    assert enc[0] == 1
    assert enc[1] == len(b"turnstile") and enc[2:11] == b"turnstile"
    assert enc[11:15] == (1).to_bytes(4, "little")
    assert enc[15] == len(b"core/1") and enc[16:22] == b"core/1"


@pytest.mark.parametrize("name", ["turnstile", "escrow", "tictactoe"])
def test_encoding_round_trips(name: str) -> None:
    d = load_machine(name)
    enc = encode_definition(d)
    again = decode_definition(enc)
    assert again == d
    assert encode_definition(again) == enc


def test_yaml_order_of_unrelated_formatting_does_not_change_the_id() -> None:
    spaced = TURNSTILE.replace("initial: locked", "initial:    locked   # start here")
    assert definition_id(load_definition(spaced)) == definition_id(load_definition(TURNSTILE))


def test_on_key_is_not_a_boolean_and_yes_stays_a_string() -> None:
    d = definition_from_yaml(
        edit("states: [locked, unlocked, closed]", "states: [locked, unlocked, closed, yes]")
    )
    assert "yes" in d.states
    assert all(t.on in {"coin", "push", "relock", "close"} for t in d.transitions)


def test_durations() -> None:
    for text, seconds in (("30s", 30), ("2m", 120), ("3h", 10800), ("1d", 86400), ("45", 45)):
        d = load_definition(edit("after: 30s", f"after: {text}"))
        assert d.timeouts[0].after == seconds
    assert reason_of(edit("after: 30s", "after: 30 seconds")) == Reason.FSM_DEF_MALFORMED


CASES = [
    (("to: unlocked\n    guard", "to: nowhere\n    guard"), Reason.FSM_DEF_UNKNOWN_STATE),
    (("initial: locked", "initial: start"), Reason.FSM_DEF_UNKNOWN_STATE),
    (("finals: [closed]", "finals: [closed, gone]"), Reason.FSM_DEF_UNKNOWN_STATE),
    (
        ("{from: locked, on: close, to: closed}", "{from: locked, on: shut, to: closed}"),
        Reason.FSM_DEF_UNKNOWN_EVENT,
    ),
    (("fire: relock", "fire: reset"), Reason.FSM_DEF_UNKNOWN_EVENT),
    (("signers: [operator]", "signers: [owner]"), Reason.FSM_DEF_UNKNOWN_ROLE),
    (
        ("{set: coins, to: vars.coins + args.amount}", "{set: cash, to: vars.coins}"),
        Reason.FSM_DEF_UNKNOWN_VARIABLE,
    ),
    (
        (
            "{from: locked, on: close, to: closed}",
            "{from: locked, on: close, to: closed}\n  - {from: closed, on: coin, to: closed}",
        ),
        Reason.FSM_DEF_FINAL_HAS_EXIT,
    ),
    (
        ("states: [locked, unlocked, closed]", "states: [locked, unlocked, closed, lost]"),
        Reason.FSM_DEF_UNREACHABLE_STATE,
    ),
    (("finals: [closed]", "finals: []"), Reason.FSM_DEF_DEAD_END),
    (("guard: args.amount >= params.fare", "guard: args.amount"), Reason.FSM_DEF_ILL_TYPED),
    (
        ("guard: args.amount >= params.fare", "guard: args.amount >= params.price"),
        Reason.FSM_DEF_ILL_TYPED,
    ),
    (
        ("guard: args.amount >= params.fare", "guard: vars.amount >= params.fare"),
        Reason.FSM_DEF_ILL_TYPED,
    ),
    (("guard: args.amount >= params.fare", "guard: nosuch(args.amount)"), Reason.FSM_DEF_ILL_TYPED),
    (("guard: args.amount >= params.fare", "guard: args.amount >="), Reason.FSM_DEF_BAD_EXPRESSION),
    (
        ("coins: {type: int, init: 0}", "coins: {type: integer, init: 0}"),
        Reason.FSM_DEF_BAD_EXPRESSION,
    ),
    (
        ("coins: {type: int, init: 0}", "coins: {type: int, init: created > 0}"),
        Reason.FSM_DEF_ILL_TYPED,
    ),
    (
        ("coins: {type: int, init: 0}", "coins: {type: int, init: vars.passes}"),
        Reason.FSM_DEF_ILL_TYPED,
    ),
    (
        ("{in: unlocked, after: 30s, fire: relock}", "{in: unlocked, after: 0, fire: relock}"),
        Reason.FSM_DEF_BAD_TIMEOUT,
    ),
    (
        ("{in: unlocked, after: 30s, fire: relock}", "{in: locked, after: 30s, fire: relock}"),
        Reason.FSM_DEF_BAD_TIMEOUT,
    ),
    (
        ("{in: unlocked, after: 30s, fire: relock}", "{in: closed, after: 30s, fire: relock}"),
        Reason.FSM_DEF_BAD_TIMEOUT,
    ),
    (
        ("states: [locked, unlocked, closed]", "states: [locked, unlocked, closed, closed]"),
        Reason.FSM_DEF_DUPLICATE_NAME,
    ),
    (
        ("  passes: {type: int, init: 0}", "  passes: {type: int, init: 0}\n  passes: {type: int}"),
        Reason.FSM_DEF_DUPLICATE_NAME,
    ),
    (
        ("states: [locked, unlocked, closed]", "states: [locked, unlocked, closed, 9lives]"),
        Reason.FSM_DEF_BAD_NAME,
    ),
    (("name: turnstile", 'name: ""'), Reason.FSM_DEF_BAD_NAME),
    (("passes: {type: int, init: 0}", "not: {type: int, init: 0}"), Reason.FSM_DEF_BAD_NAME),
    (("version: 1\n", "version: one\n"), Reason.FSM_DEF_MALFORMED),
    (("version: 1\n", "version: 1\ncolour: blue\n"), Reason.FSM_DEF_MALFORMED),
    (("version: 1\n", "version: 1\nlibrary: core/2\n"), Reason.FSM_DEF_UNKNOWN_LIBRARY),
    (('"riders[0..3]"', '"riders[0..64]"'), Reason.FSM_DEF_MALFORMED),
    (
        (
            "{from: locked, on: push, to: locked}",
            "{from: locked, on: push, to: locked}\n  - {from: locked, on: push, to: closed}",
        ),
        Reason.FSM_DEF_NONDETERMINISTIC,
    ),
]


@pytest.mark.parametrize(("change", "reason"), CASES, ids=[r.value for _, r in CASES])
def test_invalid_definitions_are_refused_with_their_reason(
    change: tuple[str, str], reason: Reason
) -> None:
    assert reason_of(edit(*change)) == reason


def test_not_yaml_and_not_a_mapping() -> None:
    assert reason_of("name: [unclosed") == Reason.FSM_DEF_MALFORMED
    assert reason_of("- just\n- a list\n") == Reason.FSM_DEF_MALFORMED


def test_conjuncts_flatten_and_chains_only_at_the_root() -> None:
    g = parse("a and (b or c) and not d")
    assert [str(type(c).__name__) for c in conjuncts(g)] == ["Name", "Binary", "Unary"]
    assert conjuncts(None) == []
    assert len(conjuncts(parse("a or b"))) == 1


@pytest.mark.parametrize(
    ("a", "b", "exclusive"),
    [
        ("g", "not g", True),
        ("not g", "g", True),
        ("x > 0", "not (x > 0)", True),
        ("p and x > 0", "q and not (x > 0) and r", True),
        ("x > 0", "x > 1", False),
        ("x > 0", "not (x > 1)", False),
        ("g", "g", False),
        ("g or h", "not g", False),
        ("not not g", "g", False),  # not (not g) vs g: neither is the negation of the other
        (None, "g", False),
        (None, None, False),
    ],
)
def test_exclusivity_rule(a: str | None, b: str | None, exclusive: bool) -> None:
    ea = parse(a) if a else None
    eb = parse(b) if b else None
    assert guards_exclusive(ea, eb) is exclusive


def test_g_and_not_g_guards_are_accepted() -> None:
    text = edit(
        "{from: locked, on: push, to: locked}",
        "{from: locked, on: push, to: locked, guard: vars.coins > 0}\n"
        "  - {from: locked, on: push, to: closed, guard: not (vars.coins > 0)}",
    )
    assert len(load_definition(text).transitions_from("locked", "push")) == 2


def test_decoded_definition_is_checked() -> None:
    from dataclasses import replace

    from chipstack.fsm.loader import check_definition

    bad = replace(load_machine("turnstile"), initial="nowhere")
    decoded = decode_definition(encode_definition(bad))
    with pytest.raises(Rejected) as info:
        check_definition(decoded)
    assert info.value.reason == Reason.FSM_DEF_UNKNOWN_STATE
