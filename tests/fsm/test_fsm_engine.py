"""Instances, states and events: encodings, hashes and every rejection of FSM-24 .. FSM-33."""

from __future__ import annotations

import hashlib
import struct
from dataclasses import replace

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from chipstack.errors import Reason, Rejected
from chipstack.fsm import Event, Machine, decode_event, decode_instance, decode_state, load_machine
from chipstack.fsm.event import sign_event
from chipstack.fsm.expr import INT
from chipstack.fsm.scenario import Script, key, make_instance

CREATED = 1_700_000_000


def tagged(tag: str, msg: bytes) -> bytes:
    t = hashlib.sha256(tag.encode()).digest()
    return hashlib.sha256(t + t + msg).digest()


def turnstile() -> Script:
    d = load_machine("turnstile")
    inst = make_instance(d, {"fare": 25}, {"operator": ["op"], "riders": ["r0", "r1"]}, CREATED)
    return Script(d, inst)


def test_instance_encoding_by_hand() -> None:
    s = turnstile()
    inst = s.machine.instance
    d = s.machine.definition
    op, r0, r1 = (key(n).public_key.raw for n in ("op", "r0", "r1"))
    expected = (
        b"\x01"
        + tagged("chipstack/fsm/definition", _enc(d))
        + b"\x01"
        + b"\x04fare"
        + b"\x01"
        + struct.pack("<q", 25)
        + b"\x02"
        + b"\x08operator"
        + b"\x01"
        + op
        + b"\x06riders"
        + b"\x02"
        + r0
        + r1
        + struct.pack("<Q", CREATED)
    )
    assert inst.encode() == expected
    assert inst.id == tagged("chipstack/fsm/instance", expected)
    assert decode_instance(expected) == inst


def _enc(d: object) -> bytes:
    from chipstack.fsm.codec import encode_definition

    assert not isinstance(d, bytes)
    return encode_definition(d)  # type: ignore[arg-type]


def test_initial_state_encoding_by_hand() -> None:
    s = turnstile()
    st = s.machine.state
    expected = (
        b"\x01"
        + s.machine.instance.id
        + b"\x06locked"
        + struct.pack("<Q", 0)
        + struct.pack("<Q", CREATED)
        + struct.pack("<q", 0)
        + struct.pack("<q", 0)
    )
    assert st.encode(s.machine.definition) == expected
    assert s.machine.state_hash == tagged("chipstack/fsm/state", expected)
    assert decode_state(expected, s.machine.definition) == st


def test_event_encoding_id_and_signature_by_hand() -> None:
    s = turnstile()
    ev = s.draft("coin", {"amount": 30}, "r0", 4)
    body = (
        b"\x01"
        + s.machine.instance.id
        + struct.pack("<Q", 1)
        + s.machine.state_hash
        + b"\x04coin"
        + b"\x01"
        + b"\x06amount"
        + b"\x01"
        + struct.pack("<q", 30)
        + key("r0").public_key.raw
        + struct.pack("<Q", CREATED + 4)
    )
    assert ev.body() == body
    assert ev.id == tagged("chipstack/fsm/event", body)
    Ed25519PublicKey.from_public_bytes(ev.signer).verify(ev.signature, ev.id)
    assert decode_event(ev.encode()) == ev


def test_a_run_and_its_variables() -> None:
    s = turnstile()
    out = s.step("coin", {"amount": 30}, "r0", 4)
    assert out.state.name == "unlocked" and out.state.values == (30, 0) and not out.via_timeout
    out = s.step("coin", {"amount": 1}, "r1", 4)
    assert out.state.values == (31, 0)
    out = s.step("push", {}, "r1", 4)
    assert out.state.name == "locked" and out.state.values == (31, 1)
    assert out.state.seq == 3 and out.state.time == CREATED + 12
    out = s.step("close", {}, "op", 1)
    assert out.state.name == "closed"
    assert len(s.machine.hashes) == 5 and len(set(s.machine.hashes)) == 5


def test_replay_gives_the_same_hashes() -> None:
    a, b = turnstile(), turnstile()
    for s in (a, b):
        s.step("coin", {"amount": 25}, "r0", 3)
        s.step("push", {}, "r1", 3)
    fresh = Machine(a.machine.definition, a.machine.instance)
    for ev in a.events:
        fresh.apply(ev)
    assert a.machine.hashes == b.machine.hashes == fresh.hashes


def reject(s: Script, ev: Event) -> Reason:
    before = s.machine.state
    with pytest.raises(Rejected) as info:
        s.machine.apply(ev)
    assert s.machine.state is before
    return info.value.reason


def test_rejections_in_order() -> None:
    s = turnstile()
    s.step("coin", {"amount": 25}, "r0", 2)
    assert reject(s, s.draft("push", {}, "op")) == Reason.FSM_UNAUTHORIZED_SIGNER
    assert reject(s, s.draft("push", {}, "outsider")) == Reason.FSM_UNAUTHORIZED_SIGNER
    assert reject(s, s.draft("push", {}, "r0", seq=5)) == Reason.FSM_WRONG_SEQ
    assert reject(s, s.draft("push", {}, "r0", prev_hash=bytes(32))) == Reason.FSM_STALE_STATE
    assert reject(s, s.draft("push", {}, "r0", dt=-2)) == Reason.FSM_TIME_REGRESSED
    assert (
        reject(s, s.draft("push", {}, "r0", instance_id=b"\x01" * 32)) == Reason.FSM_WRONG_INSTANCE
    )
    assert reject(s, s.draft("jump", {}, "r0")) == Reason.FSM_UNKNOWN_EVENT
    assert reject(s, s.draft("push", {"x": 1}, "r0")) == Reason.FSM_BAD_ARGUMENTS
    assert reject(s, s.draft("close", {}, "op")) == Reason.FSM_NO_TRANSITION
    ev = s.draft("push", {}, "r0")
    assert reject(s, replace(ev, signature=bytes(64))) == Reason.FSM_BAD_SIGNATURE
    assert reject(s, replace(ev, time=ev.time + 1)) == Reason.FSM_BAD_SIGNATURE
    # the same event is still fine afterwards: nothing changed
    assert s.machine.apply(ev).state.name == "locked"


def test_timeouts() -> None:
    s = turnstile()
    s.step("coin", {"amount": 25}, "r0", 2)
    t0 = s.time
    assert reject(s, s.draft("relock", {}, "anyone", dt=29)) == Reason.FSM_TIMEOUT_NOT_DUE
    assert reject(s, s.draft("push", {}, "r0", dt=30)) == Reason.FSM_DEADLINE_PASSED
    assert reject(s, s.draft("coin", {"amount": 9}, "r1", dt=31)) == Reason.FSM_DEADLINE_PASSED
    out = s.step("relock", {}, "anyone", 30)
    assert out.via_timeout and out.state.name == "locked" and out.state.time == t0 + 30


def test_self_loop_restarts_the_clock() -> None:
    s = turnstile()
    s.step("coin", {"amount": 25}, "r0", 2)
    s.step("coin", {"amount": 1}, "r0", 20)
    assert reject(s, s.draft("relock", {}, "anyone", dt=29)) == Reason.FSM_TIMEOUT_NOT_DUE
    assert s.step("push", {}, "r0", 29).state.name == "locked"


def test_guard_false_final_and_eval_failure() -> None:
    s = turnstile()
    assert reject(s, s.draft("coin", {"amount": 24}, "r0")) == Reason.FSM_GUARD_FALSE
    s.step("coin", {"amount": 25}, "r0")
    big = s.draft("coin", {"amount": 2**63 - 1}, "r0")
    assert reject(s, big) == Reason.FSM_EVAL_FAILED
    s.step("push", {}, "r0")
    s.step("close", {}, "op")
    assert reject(s, s.draft("coin", {"amount": 25}, "r0")) == Reason.FSM_INSTANCE_FINAL


def test_wrong_argument_type_is_bad_arguments() -> None:
    from chipstack.fsm import Arg
    from chipstack.fsm.expr import BOOL

    s = turnstile()
    ev = s.draft("coin", {"amount": 25}, "r0")
    ev = sign_event(replace(ev, args=(Arg("amount", BOOL, True),)), key("r0"))
    assert reject(s, ev) == Reason.FSM_BAD_ARGUMENTS
    assert ev.args[0].type != INT


def test_instance_checks() -> None:
    d = load_machine("turnstile")
    good = make_instance(d, {"fare": 5}, {"operator": ["op"], "riders": ["a"]}, 0)
    Machine(d, good)
    bad = [
        (
            make_instance(d, {"fare": 5}, {"riders": ["a"], "operator": ["op"]}, 0),
            Reason.FSM_BAD_BINDING,
        ),
        (
            make_instance(d, {"fare": 5}, {"operator": ["op"], "riders": []}, 0),
            Reason.FSM_BAD_BINDING,
        ),
        (make_instance(d, {}, {"operator": ["op"], "riders": ["a"]}, 0), Reason.FSM_BAD_PARAMS),
        (replace(good, definition_id=bytes(32)), Reason.FSM_WRONG_DEFINITION),
    ]
    for inst, reason in bad:
        with pytest.raises(Rejected) as info:
            Machine(d, inst)
        assert info.value.reason == reason


def test_escrow_paths() -> None:
    d = load_machine("escrow")
    inst = make_instance(d, {"price": 100}, {"buyer": ["b"], "seller": ["s"]}, 10)
    s = Script(d, inst)
    s.step("deposit", {"amount": 100}, "b", 5)
    out = s.step("expire", {}, "passer-by", 7 * 86400)
    assert out.via_timeout and out.state.name == "refunded"
    assert out.state.variables(d) == {"held": 0, "paid_seller": 0, "refunded_buyer": 100}
    s = Script(d, inst)
    assert s.step("lapse", {}, "x", 86400).state.name == "cancelled"
