"""Every FSM decoder on random bytes and on mutated valid encodings: a value or Rejected."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.errors import Rejected
from chipstack.fsm import (
    decode_definition,
    decode_event,
    decode_evidence,
    decode_instance,
    decode_state,
    encode_definition,
    load_machine,
    machine_text,
    make_evidence,
)
from chipstack.fsm.loader import check_definition
from chipstack.fsm.onchain import decode_payload
from chipstack.fsm.scenario import Script, make_instance

TURNSTILE = load_machine("turnstile")
_s = Script(
    TURNSTILE, make_instance(TURNSTILE, {"fare": 1}, {"operator": ["op"], "riders": ["r"]}, 9)
)
_a = _s.draft("push", {}, "r")
_b = _s.draft("coin", {"amount": 3}, "r")
SAMPLES: dict[str, tuple[Callable[[bytes], object], bytes]] = {
    "definition": (decode_definition, encode_definition(load_machine("tictactoe"))),
    "checked definition": (
        lambda b: check_definition(decode_definition(b)),
        encode_definition(load_machine("escrow")),
    ),
    "instance": (decode_instance, _s.machine.instance.encode()),
    "state": (lambda b: decode_state(b, TURNSTILE), _s.machine.state.encode(TURNSTILE)),
    "event": (decode_event, _b.encode()),
    "evidence": (decode_evidence, make_evidence(_a, _b).encode()),
    "payload": (decode_payload, b"\xe7E" + b"\x02ab" + b"\x01c"),
}


def _decode(fn: Callable[[bytes], object], data: bytes) -> None:
    try:
        fn(data)
    except Rejected:
        pass


@pytest.mark.parametrize("kind", sorted(SAMPLES))
@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=300))
def test_random_bytes(kind: str, data: bytes) -> None:
    _decode(SAMPLES[kind][0], data)


@pytest.mark.parametrize("kind", sorted(SAMPLES))
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_mutated_valid_encodings(kind: str, data: st.DataObject) -> None:
    fn, good = SAMPLES[kind]
    buf = bytearray(good)
    for _ in range(data.draw(st.integers(1, 4))):
        op = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        pos = data.draw(st.integers(0, max(0, len(buf) - 1)))
        if op == "flip" and buf:
            buf[pos] ^= 1 << data.draw(st.integers(0, 7))
        elif op == "cut":
            del buf[pos:]
        else:
            buf[pos:pos] = data.draw(st.binary(min_size=1, max_size=3))
    _decode(fn, bytes(buf))


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_valid_samples_decode(kind: str) -> None:
    fn, good = SAMPLES[kind]
    fn(good)


YAML_TEXT = machine_text("escrow")


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_mutated_yaml_loads_or_is_rejected(data: st.DataObject) -> None:
    from chipstack.fsm import load_definition

    text = YAML_TEXT
    for _ in range(data.draw(st.integers(1, 3))):
        pos = data.draw(st.integers(0, len(text) - 1))
        op = data.draw(st.sampled_from(["delete", "insert", "replace"]))
        piece = data.draw(st.sampled_from(["", ":", "-", "[", "]", "{", "}", "\n", " ", "x", "1",
                                           "true", "'", '"', "&a", "*a", "!!int", "  "]))
        if op == "delete":
            text = text[:pos] + text[pos + data.draw(st.integers(1, 20)):]
        elif op == "insert":
            text = text[:pos] + piece + text[pos:]
        else:
            text = text[:pos] + piece + text[pos + 1:]
    try:
        load_definition(text)
    except Rejected:
        pass
