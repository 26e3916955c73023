"""Negentropy bounds: a timestamp plus an id prefix (spec/01-sync.md, [NEG-4] .. [NEG-7]).

A bound is an exclusive upper limit in the (timestamp, id) order. On the
wire it is ``<encodedTimestamp varint> <length varint> <idPrefix bytes>``;
timestamps are written as ``1 + (timestamp - previous timestamp)`` with ``0``
meaning infinity, the previous timestamp starting at 0 in every message
(Negentropy protocol v1, ``cpp/negentropy.h`` ``encodeBound`` /
``decodeBound`` / ``getMinimalBound`` in hoytech/negentropy).
"""

from __future__ import annotations

from dataclasses import dataclass

from chipstack.errors import Reason, Rejected
from chipstack.sync.negentropy.varint import MAX_U64, Cursor, encode_varint

#: Size of an item id in bytes.
ID_SIZE = 32
#: The reserved "infinity" timestamp; no item may use it ([NEG-1]).
INFINITY = MAX_U64


def item_key(timestamp: int, item_id: bytes) -> bytes:
    """Return the 40-byte sort key of an item: big-endian timestamp then id ([NEG-1])."""
    return timestamp.to_bytes(8, "big") + item_id


@dataclass(frozen=True)
class Bound:
    """An upper bound: ``timestamp`` (``INFINITY`` allowed) and an id prefix of 0..32 bytes."""

    timestamp: int
    id_prefix: bytes = b""

    def __post_init__(self) -> None:
        if len(self.id_prefix) > ID_SIZE:
            raise Rejected(Reason.SYNC_NEGENTROPY_BAD_ID_PREFIX, f"{len(self.id_prefix)} bytes")
        if not 0 <= self.timestamp <= MAX_U64:
            raise Rejected(Reason.SYNC_NEGENTROPY_TIMESTAMP_OVERFLOW, f"{self.timestamp}")

    @property
    def key(self) -> bytes:
        """The bound as a 40-byte key comparable with :func:`item_key` (prefix zero-padded)."""
        return item_key(self.timestamp, self.id_prefix.ljust(ID_SIZE, b"\0"))

    @property
    def is_infinite(self) -> bool:
        """True for a bound whose timestamp is infinity."""
        return self.timestamp == INFINITY

    @classmethod
    def of_item(cls, timestamp: int, item_id: bytes) -> Bound:
        """The bound equal to an item: its timestamp and its full 32-byte id."""
        return cls(timestamp, bytes(item_id))


#: The lower bound of the first range of every message: timestamp 0, empty prefix.
BOUND_ZERO = Bound(0)
#: The bound at the end of the (timestamp, id) space.
BOUND_INFINITY = Bound(INFINITY)


class TimestampEncoder:
    """Writes bound timestamps as deltas; one instance per outgoing message ([NEG-5])."""

    def __init__(self) -> None:
        self.last = 0

    def encode(self, timestamp: int) -> bytes:
        """Return the encoded timestamp and remember it as the previous one."""
        if timestamp == INFINITY:
            self.last = INFINITY
            return b"\x00"
        if timestamp < self.last:
            raise Rejected(Reason.SYNC_NEGENTROPY_RANGE_ORDER, "bound timestamps must not decrease")
        delta = timestamp - self.last
        self.last = timestamp
        return encode_varint(delta + 1)


class TimestampDecoder:
    """Reads bound timestamps written by :class:`TimestampEncoder` ([NEG-5], [NEG-6])."""

    def __init__(self) -> None:
        self.last = 0

    def decode(self, cur: Cursor) -> int:
        """Read one encoded timestamp; a finite result at or above 2^64 - 1 is refused."""
        raw = cur.varint()
        if raw == 0:
            self.last = INFINITY
            return INFINITY
        timestamp = self.last + raw - 1
        if timestamp >= INFINITY:
            raise Rejected(Reason.SYNC_NEGENTROPY_TIMESTAMP_OVERFLOW, "finite timestamp overflows")
        self.last = timestamp
        return timestamp


def encode_bound(bound: Bound, ts: TimestampEncoder) -> bytes:
    """Encode ``bound`` with the message's timestamp state ``ts`` ([NEG-4])."""
    return ts.encode(bound.timestamp) + encode_varint(len(bound.id_prefix)) + bound.id_prefix


def decode_bound(cur: Cursor, ts: TimestampDecoder) -> Bound:
    """Decode one bound; the prefix length must be at most 32 ([NEG-4], [NEG-6])."""
    timestamp = ts.decode(cur)
    length = cur.varint()
    if length > ID_SIZE:
        raise Rejected(Reason.SYNC_NEGENTROPY_BAD_ID_PREFIX, f"prefix length {length} > 32")
    return Bound(timestamp, cur.take(length))


def minimal_bound(prev_key: bytes, curr_key: bytes) -> Bound:
    """The shortest bound separating item ``prev_key`` from the next item ``curr_key`` ([NEG-7]).

    Different timestamps: the current timestamp with an empty prefix. Same
    timestamp: the current id cut after the first byte where the ids differ.
    """
    timestamp = int.from_bytes(curr_key[:8], "big")
    if prev_key[:8] != curr_key[:8]:
        return Bound(timestamp)
    prev_id, curr_id = prev_key[8:], curr_key[8:]
    shared = 0
    while shared < ID_SIZE and prev_id[shared] == curr_id[shared]:
        shared += 1
    return Bound(timestamp, curr_id[: shared + 1])
