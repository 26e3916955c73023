"""Equivocation evidence: two signed events for one slot by one signer (FSM-34 .. FSM-36).

A *slot* is ``(instance id, seq, previous state hash)``. A signer who signs two
different events for the same slot has equivocated; the pair is evidence that
anyone can check with no other data: same slot, same signer, different
bodies, both signatures valid. The pair is stored in canonical order (smaller
event id first) so that one equivocation has exactly one encoding and one id.
"""

from __future__ import annotations

from dataclasses import dataclass

from chipstack.crypto import Tag, tagged_hash
from chipstack.encoding import Reader, Writer, decode_exact
from chipstack.errors import Reason, require
from chipstack.fsm.event import Event, decode_event, encode_event, verify_event_signature

#: The only evidence encoding version ([FSM-35]).
EVIDENCE_VERSION = 1
#: Largest encoded event inside evidence, in bytes.
MAX_EVENT_BYTES = 1 << 20


@dataclass(frozen=True)
class Equivocation:
    """Two conflicting signed events, smaller event id first ([FSM-34])."""

    first: Event
    second: Event

    def encode(self) -> bytes:
        """Return the canonical encoding ([FSM-35])."""
        w = Writer()
        w.u8(EVIDENCE_VERSION)
        w.var_bytes(encode_event(self.first), MAX_EVENT_BYTES)
        w.var_bytes(encode_event(self.second), MAX_EVENT_BYTES)
        return w.getvalue()

    @property
    def id(self) -> bytes:
        """The evidence id: ``tagged_hash(FSM_EQUIVOCATION, encoding)``."""
        return tagged_hash(Tag.FSM_EQUIVOCATION, self.encode())

    @property
    def signer(self) -> bytes:
        """The key that equivocated."""
        return self.first.signer


def make_evidence(a: Event, b: Event) -> Equivocation:
    """Build evidence from two events in either order, and verify it ([FSM-36])."""
    first, second = (a, b) if a.id <= b.id else (b, a)
    ev = Equivocation(first, second)
    verify_evidence(ev)
    return ev


def verify_evidence(ev: Equivocation) -> None:
    """Check evidence ([FSM-36]); reject with a reason if it proves nothing."""
    a, b = ev.first, ev.second
    require(
        (a.instance_id, a.seq, a.prev_hash) == (b.instance_id, b.seq, b.prev_hash),
        Reason.FSM_EQUIVOCATION_DIFFERENT_SLOT,
        "the events are for different (instance, seq, previous state)",
    )
    require(a.signer == b.signer, Reason.FSM_EQUIVOCATION_DIFFERENT_SIGNER, "two signers")
    require(a.id != b.id, Reason.FSM_EQUIVOCATION_SAME_EVENT, "the same event twice")
    require(a.id < b.id, Reason.FSM_EQUIVOCATION_NOT_CANONICAL, "events out of order")
    verify_event_signature(a)
    verify_event_signature(b)


def _read(r: Reader) -> Equivocation:
    r.version(frozenset({EVIDENCE_VERSION}))
    first = decode_event(r.var_bytes(MAX_EVENT_BYTES))
    second = decode_event(r.var_bytes(MAX_EVENT_BYTES))
    return Equivocation(first, second)


def decode_evidence(data: bytes) -> Equivocation:
    """Decode evidence spanning all of ``data`` (structure only; then :func:`verify_evidence`)."""
    return decode_exact(data, _read)
