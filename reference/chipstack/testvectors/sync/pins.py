"""Sync cases that pin the order of checks and the choices of issue 8 (spec/01-sync.md).

SYNC-2 (``sync.bad_expiry`` is checked as soon as ``expiry`` is read), SYNC-6
(a weak destination key, then the author key with the signature, last: a weak key is
``crypto.weak_public_key``, a small-order ``R`` ``crypto.bad_signature``) and
SYNC-24's order. Each suite's ``build_cases`` appends these after its own.
"""

from __future__ import annotations

from collections.abc import Mapping

from chipstack.crypto import Tag, tagged_hash
from chipstack.testvectors.pins import IDENTITY_POINT, TWO_FAULTS, Pins, identity_r_signature
from chipstack.testvectors.sync.common import HOUR, T0, label_key, raw_item, validate_input
from chipstack.vectors.model import Case, Operation

Ops = Mapping[str, Operation]
#: Seven days in milliseconds, the longest lifetime (SYNC-2).
WEEK = 604_800_000


def _signed(fields: dict[str, object]) -> bytes:
    """An item of key 1 with ``fields`` and a real signature over its body."""
    key = label_key(1)
    body = raw_item(fields)[:-64]
    return body + key.sign(tagged_hash(Tag.SYNC_ITEM, body))


def item_pins(ops: Ops) -> list[Case]:
    """SYNC-2's place in the decoder; SYNC-6's key and R checks, last of SYNC-11."""
    p = Pins(ops)
    p.add(
        "item_decode",
        {"encoded": raw_item({"expiry": T0, "tag1": b"a" * 33}).hex()},
        "expiry equal to timestamp and a 33-byte tag1: expiry is checked when read, first",
        ["SYNC-2", "SYNC-3"],
        [TWO_FAULTS, "timing"],
        "sync.bad_expiry",
    )
    p.add(
        "item_decode",
        {"encoded": (_signed({"expiry": T0 + WEEK + 1}) + b"\x00").hex()},
        "a lifetime of 7 days + 1 ms and a trailing byte: the expiry first",
        ["SYNC-2", "SYNC-5"],
        [TWO_FAULTS, "timing"],
        "sync.bad_expiry",
    )
    weak = raw_item({"author": IDENTITY_POINT, "signature": IDENTITY_POINT + bytes(32)})
    p.add(
        "item_decode",
        {"encoded": weak.hex()},
        "author key = the identity point: decoding does not look at the key",
        ["SYNC-6", "SYNC-5"],
        ["weak_key"],
        "valid",
    )
    p.add(
        "item_validate",
        validate_input(weak, prio=0),
        "author key = the identity point, R = identity and S = 0 (RFC 8032 alone accepts it)",
        ["SYNC-6", "SIG-6"],
        ["weak_key"],
        "crypto.weak_public_key",
    )
    p.add(
        "item_validate",
        validate_input(weak, now=T0 + HOUR, prio=0),
        "a weak author key and dead at now: the expiry (SYNC-10) before the key",
        ["SYNC-11", "SYNC-6"],
        [TWO_FAULTS, "weak_key"],
        "sync.expired",
    )
    key = label_key(1)
    body = raw_item({})[:-64]
    owned = body + identity_r_signature(
        key.seed, key.public_key.raw, tagged_hash(Tag.SYNC_ITEM, body)
    )
    p.add(
        "item_validate",
        validate_input(owned, prio=0),
        "R = identity, made by the author's key owner: the equation holds, R has small order",
        ["SYNC-6", "SIG-7"],
        ["small_order_r"],
        "crypto.bad_signature",
    )
    p.add(
        "item_sign",
        {
            "seed": key.seed.hex(), "timestamp": T0, "expiry": T0 + HOUR, "tag1": "t",
            "tag2": "u", "destination": bytes(31).hex(), "payload": "", "nonce": 0,
        },
        "a destination of 31 bytes",
        ["VEC-9"],
        ["hash_length"],
        "vectors.bad_length",
    )
    to_weak = _signed({"dest": IDENTITY_POINT})
    p.add(
        "item_decode",
        {"encoded": to_weak.hex()},
        "destination = the identity point: decoding does not look at the key",
        ["SYNC-6", "SYNC-5"],
        ["weak_key"],
        "valid",
    )
    for encoded, now, comment, covers, flags, why in [
        (
            to_weak,
            T0 + 1000,
            "destination = the identity point, well signed",
            ["SYNC-6", "SIG-6"],
            ["weak_key"],
            "crypto.weak_public_key",
        ),
        (
            to_weak,
            T0 + HOUR,
            "destination = the identity point and dead at now: the expiry (SYNC-10) first",
            ["SYNC-11", "SYNC-6"],
            [TWO_FAULTS, "weak_key"],
            "sync.expired",
        ),
        (
            raw_item({"dest": IDENTITY_POINT}),
            T0 + 1000,
            "destination = the identity point and a forged signature: the destination before "
            "the signature",
            ["SYNC-6"],
            [TWO_FAULTS, "weak_key"],
            "crypto.weak_public_key",
        ),
    ]:
        p.add("item_validate", validate_input(encoded, now=now, prio=0), comment, covers, flags,
              why)
    return p.cases


def _hello(version: int, network: bytes, node_key: bytes) -> str:
    return (bytes([1, version]) + network + node_key + bytes(range(32))).hex()


def wire_pins(ops: Ops) -> list[Case]:
    """SYNC-24's order: version, network, own key."""
    p = Pins(ops)
    ours, theirs = label_key(2).public_key.raw, label_key(1).public_key.raw
    net, other = bytes(32), b"\x01" * 32
    p.add(
        "hello_check",
        {"encoded": _hello(2, other, theirs), "network_id": net.hex(), "own_key": ours.hex()},
        "version 2 from another network: the version first",
        ["SYNC-24"],
        [TWO_FAULTS, "unknown_version"],
        "encoding.unknown_version",
    )
    p.add(
        "hello_check",
        {"encoded": _hello(1, other, ours), "network_id": net.hex(), "own_key": ours.hex()},
        "another network and our own key: the network first",
        ["SYNC-24"],
        [TWO_FAULTS, "context"],
        "sync.wrong_network",
    )
    p.add(
        "hello_check",
        {"encoded": _hello(1, net, theirs), "network_id": net[:31].hex(), "own_key": ours.hex()},
        "our network id given as 31 bytes",
        ["VEC-9"],
        ["hash_length"],
        "vectors.bad_length",
    )
    return p.cases
