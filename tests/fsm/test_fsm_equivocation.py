"""Equivocation evidence (FSM-34 .. FSM-36)."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest

from chipstack.errors import Reason, Rejected
from chipstack.fsm import (
    Equivocation,
    decode_evidence,
    load_machine,
    make_evidence,
    verify_evidence,
)
from chipstack.fsm.scenario import Script, make_instance


def script() -> Script:
    d = load_machine("turnstile")
    return Script(d, make_instance(d, {"fare": 1}, {"operator": ["op"], "riders": ["a", "b"]}, 0))


def test_valid_evidence_in_either_order() -> None:
    s = script()
    x = s.draft("push", {}, "a")
    y = s.draft("coin", {"amount": 5}, "a")
    ev1, ev2 = make_evidence(x, y), make_evidence(y, x)
    assert ev1 == ev2 and ev1.first.id < ev1.second.id
    assert ev1.signer == x.signer
    enc = ev1.encode()
    assert decode_evidence(enc) == ev1
    t = hashlib.sha256(b"chipstack/fsm/equivocation").digest()
    assert ev1.id == hashlib.sha256(t + t + enc).digest()


def test_both_events_would_each_be_valid_alone() -> None:
    s = script()
    x = s.draft("push", {}, "a")
    y = s.draft("coin", {"amount": 5}, "a")
    make_evidence(x, y)
    assert s.machine.apply(x).state.name == "locked"
    s2 = script()
    assert s2.machine.apply(y).state.name == "unlocked"


def refused(a: object, b: object) -> Reason:
    with pytest.raises(Rejected) as info:
        verify_evidence(Equivocation(a, b))  # type: ignore[arg-type]
    return info.value.reason


def test_invalid_evidence() -> None:
    s = script()
    x = s.draft("push", {}, "a")
    y = s.draft("coin", {"amount": 5}, "a")
    lo, hi = sorted((x, y), key=lambda e: e.id)
    assert refused(hi, lo) == Reason.FSM_EQUIVOCATION_NOT_CANONICAL
    assert refused(x, x) == Reason.FSM_EQUIVOCATION_SAME_EVENT
    other = s.draft("push", {}, "b")
    assert refused(*sorted((x, other), key=lambda e: e.id)) == (
        Reason.FSM_EQUIVOCATION_DIFFERENT_SIGNER
    )
    later = s.draft("push", {}, "a", seq=2)
    assert (
        refused(*sorted((x, later), key=lambda e: e.id)) == Reason.FSM_EQUIVOCATION_DIFFERENT_SLOT
    )
    forged = replace(y, time=y.time + 1)
    assert refused(*sorted((x, forged), key=lambda e: e.id)) == Reason.FSM_BAD_SIGNATURE
