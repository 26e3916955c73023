"""Varints, bounds and fingerprints of Negentropy v1 (spec/01-sync.md [NEG-2] .. [NEG-10])."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.errors import Reason, Rejected
from chipstack.sync.negentropy.bound import (
    INFINITY,
    Bound,
    TimestampDecoder,
    TimestampEncoder,
    decode_bound,
    encode_bound,
    item_key,
    minimal_bound,
)
from chipstack.sync.negentropy.fingerprint import fingerprint, fingerprint_of_sum
from chipstack.sync.negentropy.varint import Cursor, decode_varint, encode_varint

U64 = 2**64 - 1


def independent_varint(n: int) -> bytes:
    """Base-128 digits by repeated division, high bit on all but the last (a second computation)."""
    digits = [n % 128]
    n //= 128
    while n:
        digits.insert(0, n % 128 + 128)
        n //= 128
    return bytes(digits)


@pytest.mark.parametrize(
    ("value", "encoded"),
    [(0, "00"), (1, "01"), (127, "7f"), (128, "8100"), (16383, "ff7f"), (16384, "818000")],
)
def test_varint_known_values(value: int, encoded: str) -> None:
    assert encode_varint(value).hex() == encoded
    assert decode_varint(bytes.fromhex(encoded)) == value


@given(st.integers(min_value=0, max_value=U64))
def test_varint_matches_independent_encoder_and_round_trips(n: int) -> None:
    assert encode_varint(n) == independent_varint(n)
    assert decode_varint(encode_varint(n)) == n


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("", Reason.SYNC_NEGENTROPY_TRUNCATED),
        ("80", Reason.SYNC_NEGENTROPY_NON_MINIMAL_VARINT),
        ("8001", Reason.SYNC_NEGENTROPY_NON_MINIMAL_VARINT),
        ("ff", Reason.SYNC_NEGENTROPY_TRUNCATED),
        (independent_varint(2**64).hex(), Reason.SYNC_NEGENTROPY_VARINT_OVERFLOW),
        ("0000", Reason.ENCODING_TRAILING_BYTES),
    ],
)
def test_varint_rejections(data: str, reason: Reason) -> None:
    with pytest.raises(Rejected) as exc:
        decode_varint(bytes.fromhex(data))
    assert exc.value.reason == reason


@settings(max_examples=200)
@given(st.binary(max_size=12))
def test_varint_decoder_fuzz(data: bytes) -> None:
    try:
        value = decode_varint(data)
    except Rejected:
        return
    assert encode_varint(value) == data  # only canonical encodings decode


def test_bound_timestamps_are_deltas_plus_one() -> None:
    ts = TimestampEncoder()
    out = encode_bound(Bound(100), ts) + encode_bound(Bound(100, b"\xab"), ts)
    out += encode_bound(Bound(130, b"\x00\xff"), ts) + encode_bound(Bound(INFINITY), ts)
    # 100 -> 101; same timestamp -> 1; +30 -> 31; infinity -> 0
    assert out.hex() == "6500" + "0101ab" + "1f0200ff" + "0000"


@given(
    st.lists(
        st.tuples(st.integers(min_value=0, max_value=U64 - 1), st.binary(max_size=32)),
        max_size=8,
    ),
    st.booleans(),
)
def test_bounds_round_trip(raw: list[tuple[int, bytes]], end_infinite: bool) -> None:
    bounds = [Bound(t, p) for t, p in sorted(raw)]
    if end_infinite:
        bounds.append(Bound(INFINITY))
    enc = TimestampEncoder()
    data = b"".join(encode_bound(b, enc) for b in bounds)
    cur, dec = Cursor(data), TimestampDecoder()
    back = []
    while not cur.at_end():
        back.append(decode_bound(cur, dec))
    assert back == bounds


def test_bound_prefix_longer_than_32_is_rejected() -> None:
    with pytest.raises(Rejected) as exc:
        decode_bound(Cursor(bytes.fromhex("0b21") + bytes(33)), TimestampDecoder())
    assert exc.value.reason == Reason.SYNC_NEGENTROPY_BAD_ID_PREFIX


def test_finite_timestamp_reaching_infinity_is_rejected() -> None:
    data = independent_varint(U64) + b"\x00" + b"\x02\x00"
    cur, dec = Cursor(data), TimestampDecoder()
    assert decode_bound(cur, dec).timestamp == U64 - 1
    with pytest.raises(Rejected) as exc:
        decode_bound(cur, dec)
    assert exc.value.reason == Reason.SYNC_NEGENTROPY_TIMESTAMP_OVERFLOW


@given(
    st.integers(min_value=0, max_value=1000),
    st.binary(min_size=32, max_size=32),
    st.binary(min_size=32, max_size=32),
    st.integers(min_value=0, max_value=3),
)
def test_minimal_bound_separates_and_is_shortest(ts: int, a: bytes, b: bytes, dt: int) -> None:
    prev, curr = sorted([item_key(ts, a), item_key(ts + dt, b)])
    if prev == curr:
        return
    bound = minimal_bound(prev, curr)
    assert prev < bound.key <= curr  # separates the two records
    if bound.id_prefix:  # one byte shorter would no longer separate them
        assert Bound(bound.timestamp, bound.id_prefix[:-1]).key <= prev


def test_fingerprint_definition_by_hand() -> None:
    ids = [bytes([i]) * 32 for i in (1, 2, 0xFF)]
    total = sum(int.from_bytes(i, "little") for i in ids) % 2**256
    expected = hashlib.sha256(total.to_bytes(32, "little") + bytes([3])).digest()[:16]
    assert fingerprint(ids) == expected
    assert fingerprint_of_sum(total + 5 * 2**256, 3) == expected


def test_fingerprint_count_is_a_varint() -> None:
    ids = [hashlib.sha256(bytes([i])).digest() for i in range(200)]
    total = sum(int.from_bytes(i, "little") for i in ids) % 2**256
    expected = hashlib.sha256(total.to_bytes(32, "little") + bytes([0x81, 0x48])).digest()[:16]
    assert fingerprint(ids) == expected
