"""Shared fixtures of the sync vector suites: a start time, keys by label, items built raw."""

from __future__ import annotations

from chipstack.crypto import PrivateKey
from chipstack.encoding import Writer
from chipstack.sync.item import Item, make_item
from chipstack.vectors.model import JSONObject

#: The sync suites' "now" (ms since 1970).
T0 = 1_700_000_000_000
#: One hour in milliseconds.
HOUR = 3_600_000


def label_key(n: int) -> PrivateKey:
    """Return the key of label ``sync-vectors-<n>``."""
    return PrivateKey.from_label(f"sync-vectors-{n}")


def mk_item(
    n: int,
    payload: bytes,
    ts: int = T0,
    ttl: int = HOUR,
    tags: tuple[str, str] = ("t", "u"),
    prio: int = 8,
    destination: bytes | None = None,
) -> Item:
    """Build and sign an item by key ``n`` (defaults: tags t/u, one hour, priority 8)."""
    return make_item(label_key(n), tags, payload, ts, ttl, destination, prio)


def raw_item(fields: dict[str, object]) -> bytes:
    """Hand-encode an item body + signature, bypassing every check (for malformed cases)."""
    f: dict[str, object] = {
        "version": 1, "timestamp": T0, "expiry": T0 + HOUR, "tag1": b"t", "tag2": b"u",
        "dest": None, "author": label_key(1).public_key.raw, "payload": b"x", "nonce": 0,
        "signature": bytes(64),
    }
    f.update(fields)
    w = Writer().u8(int(f["version"])).u64(int(f["timestamp"])).u64(int(f["expiry"]))  # type: ignore[call-overload]
    for tag in (f["tag1"], f["tag2"]):
        assert isinstance(tag, bytes)
        w.var_bytes(tag)
    dest = f["dest"]
    w.flag(dest is not None)
    if isinstance(dest, bytes):
        w.raw(dest)
    author, payload, sig = f["author"], f["payload"], f["signature"]
    assert isinstance(author, bytes) and isinstance(payload, bytes) and isinstance(sig, bytes)
    w.raw(author).var_bytes(payload).u64(int(f["nonce"])).raw(sig)  # type: ignore[call-overload]
    return w.getvalue()


def validate_input(
    enc: bytes, now: int = T0 + 1000, prio: int = 8, skew: int = 30_000
) -> JSONObject:
    """Return the input of an ``item_validate`` case for the encoded item ``enc``."""
    return {"encoded": enc.hex(), "now": now, "min_priority": prio, "max_clock_skew_ms": skew}
