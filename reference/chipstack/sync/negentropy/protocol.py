"""The Negentropy v1 reconciliation session (spec/01-sync.md, [NEG-8] .. [NEG-22]).

One :class:`Negentropy` object per side per reconciliation. The client calls
:meth:`Negentropy.initiate` and then :meth:`Negentropy.reconcile_client` on
every reply until it returns ``None``; the server answers every message with
:meth:`Negentropy.reconcile`. Message construction follows the reference
implementation exactly (hoytech/negentropy ``cpp/negentropy.h``:
``initiate``, ``reconcileAux``, ``splitRange``, ``exceededFrameSizeLimit``)
so that, for the same item sets and limits, the bytes are identical.

Unlike the reference, a whole incoming message is parsed and checked before
any of it is acted on, so a malformed message is refused as a unit with a
reason code and never half-processed.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from chipstack.errors import Reason, Rejected
from chipstack.sync.negentropy.bound import (
    BOUND_INFINITY,
    BOUND_ZERO,
    ID_SIZE,
    Bound,
    TimestampDecoder,
    TimestampEncoder,
    decode_bound,
    encode_bound,
    minimal_bound,
)
from chipstack.sync.negentropy.fingerprint import FINGERPRINT_SIZE
from chipstack.sync.negentropy.storage import Storage
from chipstack.sync.negentropy.varint import MAX_U64, Cursor, encode_varint

#: The protocol version byte of Negentropy v1 ([NEG-8]).
PROTOCOL_VERSION = 0x61
#: Version bytes that are Negentropy versions at all (v0 .. v15) ([NEG-8]).
VERSION_RANGE = range(0x60, 0x70)
#: Number of sub-ranges a mismatching range is split into ([NEG-14]).
BUCKETS = 16
#: Ranges with fewer items than this are sent as an IdList, not split ([NEG-14]).
ID_LIST_THRESHOLD = 2 * BUCKETS
#: Smallest non-zero frame size limit ([NEG-19]).
MIN_FRAME_SIZE_LIMIT = 4096
#: Room kept free below the frame size limit while ranges are added ([NEG-20]).
FRAME_HEADROOM = 200


class Mode(IntEnum):
    """Range modes ([NEG-9])."""

    SKIP = 0
    FINGERPRINT = 1
    ID_LIST = 2


@dataclass(frozen=True)
class Range:
    """One parsed range: its upper bound, its mode and the payload of that mode."""

    upper: Bound
    mode: Mode
    fingerprint: bytes = b""
    ids: tuple[bytes, ...] = ()


def parse_ranges(cur: Cursor, max_ranges: int | None = None) -> list[Range]:
    """Parse the ranges after the version byte, checking order ([NEG-9], [NEG-12]).

    Every bound must be strictly above the previous one (the first above the
    zero bound) and no range may follow one whose bound is infinity. With
    ``max_ranges``, parsing stops at the first range beyond it:
    ``sync.too_many_ranges`` ([SYNC-50]); the work done is at most that many ranges.
    """
    ts = TimestampDecoder()
    ranges: list[Range] = []
    prev_key = BOUND_ZERO.key
    prev_infinite = False
    while not cur.at_end():
        if max_ranges is not None and len(ranges) >= max_ranges:  # [SYNC-50]
            raise Rejected(Reason.SYNC_TOO_MANY_RANGES, f"more than {max_ranges} ranges")
        if prev_infinite:
            raise Rejected(Reason.SYNC_NEGENTROPY_RANGE_ORDER, "range after the infinity bound")
        upper = decode_bound(cur, ts)
        if upper.key <= prev_key:
            raise Rejected(Reason.SYNC_NEGENTROPY_RANGE_ORDER, "bounds must strictly ascend")
        prev_key, prev_infinite = upper.key, upper.is_infinite
        mode = cur.varint()
        if mode == Mode.SKIP:
            ranges.append(Range(upper, Mode.SKIP))
        elif mode == Mode.FINGERPRINT:
            ranges.append(Range(upper, Mode.FINGERPRINT, fingerprint=cur.take(FINGERPRINT_SIZE)))
        elif mode == Mode.ID_LIST:
            count = cur.varint()
            if count * ID_SIZE > cur.remaining:
                raise Rejected(Reason.SYNC_NEGENTROPY_TRUNCATED, f"IdList of {count} ids")
            ids = tuple(cur.take(ID_SIZE) for _ in range(count))
            ranges.append(Range(upper, Mode.ID_LIST, ids=ids))
        else:
            raise Rejected(Reason.SYNC_NEGENTROPY_BAD_MODE, f"mode {mode}")
    return ranges


def parse_message(msg: bytes, max_ranges: int | None = None) -> tuple[int, list[Range]]:
    """Parse a whole message: its version byte and, if it is v1, its ranges ([NEG-8], [NEG-26]).

    A version byte outside ``0x60 .. 0x6f`` is ``sync.negentropy_bad_version``;
    for another version in that span the ranges are not parsed (an empty list
    is returned), since their format is unknown.
    """
    cur = Cursor(msg)
    version = cur.byte()
    if version not in VERSION_RANGE:
        raise Rejected(Reason.SYNC_NEGENTROPY_BAD_VERSION, f"version byte {version:#04x}")
    if version != PROTOCOL_VERSION:
        return version, []
    return version, parse_ranges(cur, max_ranges)


def check_frame_size_limit(limit: int) -> int:
    """Validate a frame size limit: 0 (none) or at least 4096 bytes ([NEG-19])."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0 or limit > MAX_U64:
        raise Rejected(Reason.SYNC_FRAME_LIMIT_TOO_SMALL, f"frame size limit {limit!r}")
    if limit != 0 and limit < MIN_FRAME_SIZE_LIMIT:
        raise Rejected(Reason.SYNC_FRAME_LIMIT_TOO_SMALL, f"{limit} < {MIN_FRAME_SIZE_LIMIT}")
    return limit


class Negentropy:
    """One side of one reconciliation over a :class:`Storage` ([NEG-13] .. [NEG-22]).

    ``frame_size_limit`` (0 = none, else at least 4096) bounds the size of
    every message this side produces. The storage must not change during
    the session.
    """

    def __init__(self, storage: Storage, frame_size_limit: int = 0,
                 max_ranges: int | None = None) -> None:
        self.storage = storage
        self.frame_size_limit = check_frame_size_limit(frame_size_limit)
        self.is_initiator = False
        #: Most ranges accepted in one incoming message (None: no bound) ([SYNC-50]).
        self.max_ranges = max_ranges
        #: Ranges parsed from incoming messages so far (the work a peer caused).
        self.ranges_in = 0

    # -- public API ------------------------------------------------------------

    def initiate(self) -> bytes:
        """Client: the first message: version byte then the whole set split ([NEG-13])."""
        if self.is_initiator:
            raise Rejected(Reason.SYNC_NEGENTROPY_WRONG_ROLE, "already initiated")
        self.is_initiator = True
        ts = TimestampEncoder()
        return bytes([PROTOCOL_VERSION]) + self._split_range(
            0, len(self.storage), BOUND_INFINITY, ts
        )

    def reconcile(self, msg: bytes) -> bytes:
        """Server: answer one client message; the answer is always a message ([NEG-15])."""
        if self.is_initiator:
            raise Rejected(Reason.SYNC_NEGENTROPY_WRONG_ROLE, "client must use reconcile_client")
        version, ranges = parse_message(msg, self.max_ranges)
        self.ranges_in += len(ranges)
        if version != PROTOCOL_VERSION:
            return bytes([PROTOCOL_VERSION])  # [NEG-21]
        reply, _, _ = self._process(ranges)
        return reply

    def reconcile_client(self, msg: bytes) -> tuple[bytes | None, list[bytes], list[bytes]]:
        """Client: process a server reply -> (next message or None when done, have, need).

        ``have`` lists ids the client holds and the server lacks (in storage
        order); ``need`` lists ids the server holds and the client lacks (in
        the order the server listed them) ([NEG-16], [NEG-17]).
        """
        if not self.is_initiator:
            raise Rejected(Reason.SYNC_NEGENTROPY_WRONG_ROLE, "call initiate() first")
        version, ranges = parse_message(msg, self.max_ranges)
        self.ranges_in += len(ranges)
        if version != PROTOCOL_VERSION:
            raise Rejected(
                Reason.SYNC_NEGENTROPY_UNSUPPORTED_VERSION, f"server speaks {version:#04x}"
            )
        reply, have, need = self._process(ranges)
        return (None if len(reply) == 1 else reply), have, need

    # -- the reference algorithm ---------------------------------------------------

    def _exceeded(self, n: int) -> bool:
        return self.frame_size_limit != 0 and n > self.frame_size_limit - FRAME_HEADROOM

    def _process(self, ranges: list[Range]) -> tuple[bytes, list[bytes], list[bytes]]:
        storage = self.storage
        size = len(storage)
        ts = TimestampEncoder()
        full = bytearray([PROTOCOL_VERSION])
        have: list[bytes] = []
        need: list[bytes] = []
        prev_bound = BOUND_ZERO
        prev_index = 0
        skip = False

        for rng in ranges:
            out = bytearray()
            lower = prev_index
            upper = storage.lower_bound(rng.upper.key, prev_index, size)

            if rng.mode == Mode.SKIP:
                skip = True
            elif rng.mode == Mode.FINGERPRINT:
                if rng.fingerprint != storage.fingerprint(lower, upper):
                    if skip:  # [NEG-18]: pending skipped ranges become one Skip
                        skip = False
                        out += encode_bound(prev_bound, ts) + encode_varint(Mode.SKIP)
                    out += self._split_range(lower, upper, rng.upper, ts)
                else:
                    skip = True
            elif self.is_initiator:  # IdList at the client: report have / need ([NEG-16])
                theirs = dict.fromkeys(rng.ids)
                for item_id in storage.ids(lower, upper):
                    if item_id in theirs:
                        del theirs[item_id]
                    else:
                        have.append(item_id)
                need.extend(theirs)
                skip = True
            else:  # IdList at the server: answer with all of its own ids in the range
                if skip:  # [NEG-18]
                    skip = False
                    out += encode_bound(prev_bound, ts) + encode_varint(Mode.SKIP)
                end_bound = rng.upper
                sent: list[bytes] = []
                for index, key in enumerate(storage.keys(lower, upper), start=lower):
                    if self._exceeded(len(full) + ID_SIZE * len(sent)):  # [NEG-20]
                        end_bound = Bound.of_item(int.from_bytes(key[:8], "big"), key[8:])
                        upper = index
                        break
                    sent.append(key[8:])
                out += encode_bound(end_bound, ts) + encode_varint(Mode.ID_LIST)
                out += encode_varint(len(sent)) + b"".join(sent)
                full += out
                out = bytearray()

            if self._exceeded(len(full) + len(out)):  # [NEG-20]
                full += encode_bound(BOUND_INFINITY, ts) + encode_varint(Mode.FINGERPRINT)
                full += storage.fingerprint(upper, size)
                break
            full += out
            prev_index = upper
            prev_bound = rng.upper
        return bytes(full), have, need

    def _split_range(
        self, lower: int, upper: int, upper_bound: Bound, ts: TimestampEncoder
    ) -> bytes:
        """Describe items ``lower .. upper - 1`` up to ``upper_bound`` ([NEG-14])."""
        storage = self.storage
        count = upper - lower
        if count < ID_LIST_THRESHOLD:
            return (
                encode_bound(upper_bound, ts)
                + encode_varint(Mode.ID_LIST)
                + encode_varint(count)
                + b"".join(storage.ids(lower, upper))
            )
        out = bytearray()
        per_bucket, with_extra = divmod(count, BUCKETS)
        curr = lower
        for i in range(BUCKETS):
            bucket = per_bucket + (1 if i < with_extra else 0)
            fp = storage.fingerprint(curr, curr + bucket)
            curr += bucket
            if curr == upper:
                bound = upper_bound
            else:
                bound = minimal_bound(storage.key_at(curr - 1), storage.key_at(curr))
            out += encode_bound(bound, ts) + encode_varint(Mode.FINGERPRINT) + fp
        return bytes(out)
