"""Signed events: encoding, event id, signing and signature check (spec/03-fsm.md FSM-21 .. FSM-23).

An event names the instance, its sequence number, the hash of the state it
applies to, the event kind and its arguments, the signer's key and the time.
The *body* is all of that; the event id is ``tagged_hash(FSM_EVENT, body)``
and the signature is Ed25519 over that id (``sign_tagged(FSM_EVENT, body)``).
Arguments are self-describing (name, type, value) so that an event can be
decoded, and its signature checked, without the definition.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chipstack.crypto import PUBLIC_KEY_LEN, SIGNATURE_LEN, PrivateKey, PublicKey, Tag, tagged_hash
from chipstack.encoding import Reader, Writer, decode_exact
from chipstack.errors import Reason, Rejected
from chipstack.fsm import definition as d
from chipstack.fsm.expr import Type, Value, read_type, read_value, write_type, write_value
from chipstack.fsm.times import read_time, write_time

#: The only event encoding version ([FSM-21]).
EVENT_VERSION = 1


@dataclass(frozen=True)
class Arg:
    """One event argument: name, type and value."""

    name: str
    type: Type
    value: Value


@dataclass(frozen=True)
class Event:
    """A signed event ([FSM-21]); ``signature`` is empty until :func:`sign_event`.

    The body and the id are computed once; a decoded event keeps the bytes it
    was decoded from as its body (a strict decoder accepts only the canonical
    encoding, so they are the same bytes) instead of encoding itself again.
    """

    instance_id: bytes
    seq: int
    prev_hash: bytes
    name: str
    args: tuple[Arg, ...]
    signer: bytes
    time: int
    signature: bytes = b""
    _cache: dict[str, bytes] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def body(self) -> bytes:
        """Return the encoding of every field but the signature ([FSM-21])."""
        body = self._cache.get("body")
        if body is None:
            w = Writer()
            _write_body(w, self)
            body = self._cache["body"] = w.getvalue()
        return body

    @property
    def id(self) -> bytes:
        """The event id: ``tagged_hash(FSM_EVENT, body)`` ([FSM-22])."""
        cached = self._cache.get("id")
        if cached is None:
            cached = self._cache["id"] = tagged_hash(Tag.FSM_EVENT, self.body())
        return cached

    def encode(self) -> bytes:
        """Return the full canonical encoding: body then the 64-byte signature ([FSM-21])."""
        return self.body() + self.signature

    def arg_values(self) -> dict[str, Value]:
        """Return the arguments as a name -> value mapping."""
        return {a.name: a.value for a in self.args}


def _write_body(w: Writer, e: Event) -> None:
    w.u8(EVENT_VERSION)
    w.fixed(e.instance_id, 32)
    w.u64(e.seq)
    w.fixed(e.prev_hash, 32)
    w.string(e.name, d.MAX_NAME_LEN)
    w.count(len(e.args), d.MAX_EVENT_PARAMS)
    for a in e.args:
        w.string(a.name, d.MAX_NAME_LEN)
        write_type(w, a.type)
        write_value(w, a.value, a.type)
    w.fixed(e.signer, PUBLIC_KEY_LEN)
    write_time(w, e.time)


def _read_arg(r: Reader) -> Arg:
    name = r.string(d.MAX_NAME_LEN)
    t = read_type(r)
    return Arg(name, t, read_value(r, t))


def read_event(r: Reader) -> Event:
    """Read a signed event strictly ([FSM-21]); the event keeps its body's bytes."""
    start = r.position
    r.version(frozenset({EVENT_VERSION}))
    instance_id = r.fixed(32)
    seq = r.u64()
    prev_hash = r.fixed(32)
    name = r.string(d.MAX_NAME_LEN)
    args = tuple(r.items(d.MAX_EVENT_PARAMS, _read_arg))
    signer = r.fixed(PUBLIC_KEY_LEN)
    time = read_time(r)
    body = r.read_since(start)
    signature = r.fixed(SIGNATURE_LEN)
    event = Event(instance_id, seq, prev_hash, name, args, signer, time, signature)
    event._cache["body"] = body
    return event


def encode_event(e: Event) -> bytes:
    """Return the full canonical encoding of a signed event."""
    if len(e.signature) != SIGNATURE_LEN:
        raise Rejected(Reason.FSM_BAD_SIGNATURE, "event is not signed")
    return e.encode()


def decode_event(data: bytes) -> Event:
    """Decode a signed event spanning all of ``data``."""
    return decode_exact(data, read_event)


def sign_event(e: Event, key: PrivateKey) -> Event:
    """Return ``e`` signed by ``key``, with ``key``'s public key as signer ([FSM-22])."""
    unsigned = Event(
        e.instance_id, e.seq, e.prev_hash, e.name, e.args, key.public_key.raw, e.time, b""
    )
    sig = key.sign_tagged(Tag.FSM_EVENT, unsigned.body())
    return Event(e.instance_id, e.seq, e.prev_hash, e.name, e.args, key.public_key.raw, e.time, sig)


def verify_event_signature(e: Event) -> None:
    """Check the signature against ``signer`` ([FSM-23]); reject as ``fsm.bad_signature``."""
    try:
        # [FSM-23]: a weak signer key (SIG-6) or a small-order R (SIG-7) is fsm.bad_signature too
        PublicKey(e.signer).verify_tagged(e.signature, Tag.FSM_EVENT, e.body())
    except Rejected as exc:
        raise Rejected(Reason.FSM_BAD_SIGNATURE, exc.detail or exc.reason.value) from None
