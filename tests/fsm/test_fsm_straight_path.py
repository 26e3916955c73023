"""The straight event path: decoded objects keep their bytes, each payload is decoded once."""

from __future__ import annotations

import pytest

from chipstack.fsm import decode_event, decode_instance, encode_event, onchain
from chipstack.fsm import event as event_module
from chipstack.fsm.event import verify_event_signature
from chipstack.fsm.instance import initial_state
from chipstack.fsm.onchain import FsmIndex, MarkerView, create_tx, define_tx, event_tx
from chipstack.fsm.scenario import example_script


def test_a_decoded_event_keeps_its_bytes_and_is_not_encoded_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ev = example_script("turnstile").events[0]
    data = encode_event(ev)

    def no_encoding(*args: object) -> None:
        raise AssertionError("the decoded event was encoded again")

    monkeypatch.setattr(event_module, "_write_body", no_encoding)
    back = decode_event(data)
    assert back.body() == data[:-64] and back.id == ev.id and back == ev
    verify_event_signature(back)  # needs the body: taken from the bytes


def test_a_decoded_instance_keeps_its_bytes() -> None:
    inst = example_script("escrow").machine.instance
    data = inst.encode()
    back = decode_instance(data)
    assert back.encode() is not data and back.encode() == data and back.id == inst.id


def test_the_onchain_index_decodes_each_payload_once(monkeypatch: pytest.MonkeyPatch) -> None:
    s = example_script("turnstile")
    d, inst = s.machine.definition, s.machine.instance
    calls: dict[str, int] = {}

    def counting(name: str) -> object:
        real = getattr(onchain, name)

        def wrapper(data: bytes, *rest: object) -> object:
            calls[name] = calls.get(name, 0) + 1
            return real(data, *rest)

        return wrapper

    for name in ("decode_definition", "decode_instance", "decode_state", "decode_event"):
        monkeypatch.setattr(onchain, name, counting(name))
    index, view = FsmIndex(), MarkerView()
    d_tx, c_tx = define_tx(d, ()), create_tx(d, inst, ())
    for tx in (d_tx, c_tx):
        index.accept(tx, view)
        view.add(tx)
    marker = index.marker_of(inst.id)
    assert marker is not None
    out = s.outcomes[0]
    e_tx = event_tx(d, initial_state(d, inst), marker, s.events[0], out.state_hash, False)
    index.accept(e_tx, view)
    assert calls == {
        "decode_definition": 1,
        "decode_instance": 1,
        "decode_state": 1,
        "decode_event": 1,
    }
    index.accept(d_tx, view)  # a known definition again: recognised by its id, not decoded
    assert calls["decode_definition"] == 1
