"""The group layer: encodings and hashing checked against SEC 2 and an independent curve check."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.crypto import Tag
from chipstack.dealing.elgamal import DECK_SIZE, card_of_point, card_point
from chipstack.dealing.group import (
    FIELD_P,
    ORDER,
    G,
    add,
    base_mul,
    decode_point,
    decode_scalar,
    encode_point,
    encode_scalar,
    hash_to_point,
    hash_to_scalar,
    mul,
    neg,
)
from chipstack.dealing.randomness import Randomness
from chipstack.errors import Reason, Rejected

# SEC 2 v2, section 2.4.1: the secp256k1 parameters, typed in from the standard.
SEC2_N = int("FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 16)
SEC2_P = 2**256 - 2**32 - 977
SEC2_GX = int("79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798", 16)
SEC2_GY = int("483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8", 16)


def _tagged(tag: str, msg: bytes) -> bytes:
    t = hashlib.sha256(tag.encode()).digest()
    return hashlib.sha256(t + t + msg).digest()


def _on_curve_even(x: int) -> bool:
    """Independent check: y^2 = x^3 + 7 has a root mod p (Euler's criterion)."""
    rhs = (pow(x, 3, SEC2_P) + 7) % SEC2_P
    return pow(rhs, (SEC2_P - 1) // 2, SEC2_P) == 1


def test_constants_are_sec2() -> None:
    assert (ORDER, FIELD_P) == (SEC2_N, SEC2_P)
    assert encode_point(G) == b"\x02" + SEC2_GX.to_bytes(32, "big")  # G's y is even
    assert SEC2_GY % 2 == 0


def test_point_roundtrip_and_parity() -> None:
    minus_g = neg(G)
    assert minus_g is not None and encode_point(minus_g)[0] == 3
    assert add(G, minus_g) is None
    assert mul(G, ORDER) is None and mul(G, 0) is None
    two_g = base_mul(2)
    assert two_g is not None and decode_point(encode_point(two_g)) == two_g
    assert add(G, G) == two_g


@pytest.mark.parametrize(
    "raw",
    [
        b"\x04" + SEC2_GX.to_bytes(32, "big") + SEC2_GY.to_bytes(32, "big"),
        b"\x06" + SEC2_GX.to_bytes(32, "big") + SEC2_GY.to_bytes(32, "big"),
        b"\x02" + SEC2_P.to_bytes(32, "big"),
        b"\x00" * 33,
        b"\x02" + (5).to_bytes(32, "big"),
        b"",
    ],
)
def test_bad_points_refused(raw: bytes) -> None:
    with pytest.raises(Rejected) as exc:
        decode_point(raw)
    assert exc.value.reason is Reason.DEALING_BAD_POINT


def test_x5_really_is_off_curve() -> None:
    assert not _on_curve_even(5)  # so the vector "x = 5" is off the curve for a reason


def test_scalar_encoding_is_canonical() -> None:
    assert decode_scalar(encode_scalar(ORDER - 1)) == ORDER - 1
    for raw in (ORDER.to_bytes(32, "big"), b"\xff" * 32, b"\x00" * 31):
        with pytest.raises(Rejected) as exc:
            decode_scalar(raw)
        assert exc.value.reason is Reason.DEALING_BAD_SCALAR


def test_hash_to_scalar_matches_independent_hash() -> None:
    msg = b"chipstack"
    expected = int.from_bytes(_tagged("chipstack/dealing/key-proof", msg), "big") % SEC2_N
    assert hash_to_scalar(Tag.DEALING_KEY_PROOF, msg) == expected


@pytest.mark.parametrize("card", [0, 1, 25, 51])
def test_card_points_follow_try_and_increment(card: int) -> None:
    for k in range(256):  # DEAL-4 recomputed with hashlib and Euler's criterion only
        x = int.from_bytes(_tagged("chipstack/dealing/card", bytes([card, k])), "big")
        if x < SEC2_P and _on_curve_even(x):
            break
    assert encode_point(card_point(card)) == b"\x02" + x.to_bytes(32, "big")
    assert card_of_point(card_point(card)) == card


def test_card_points_are_distinct_and_unknown_points_refused() -> None:
    points = {encode_point(card_point(c)) for c in range(DECK_SIZE)}
    assert len(points) == DECK_SIZE
    with pytest.raises(Rejected) as exc:
        card_of_point(G)
    assert exc.value.reason is Reason.DEALING_UNKNOWN_CARD


def test_generator_independent_of_g() -> None:
    assert hash_to_point(Tag.DEALING_GENERATOR, b"\x00\x00\x00\x00") not in (G, neg(G))


def test_permutation_is_a_permutation_and_depends_on_seed() -> None:
    a = Randomness(b"\x01" * 32).permutation(52)
    b = Randomness(b"\x02" * 32).permutation(52)
    assert sorted(a) == list(range(52)) and sorted(b) == list(range(52)) and a != b


def test_permutations_look_uniform() -> None:
    # all 6 permutations of 3 appear, each near 1/6 of 600 draws
    rng = Randomness(b"\x03" * 32)
    counts: dict[tuple[int, ...], int] = {}
    for _ in range(600):
        p = tuple(rng.permutation(3))
        counts[p] = counts.get(p, 0) + 1
    assert len(counts) == 6 and all(60 <= c <= 140 for c in counts.values())


@settings(max_examples=300)
@given(st.binary(max_size=40))
def test_fuzz_decode_point(raw: bytes) -> None:
    try:
        point = decode_point(raw)
    except Rejected as exc:
        assert exc.reason is Reason.DEALING_BAD_POINT
    else:
        assert encode_point(point) == raw


@settings(max_examples=300)
@given(st.binary(min_size=32, max_size=32))
def test_fuzz_decode_scalar(raw: bytes) -> None:
    try:
        value = decode_scalar(raw)
    except Rejected as exc:
        assert exc.reason is Reason.DEALING_BAD_SCALAR
        assert int.from_bytes(raw, "big") >= SEC2_N
    else:
        assert encode_scalar(value) == raw


@settings(max_examples=100)
@given(st.binary(min_size=32, max_size=32))
def test_fuzz_compressed_prefix_points(x: bytes) -> None:
    # a 0x02 prefix with any x: accepted exactly when x < p and on the curve
    value = int.from_bytes(x, "big")
    try:
        decode_point(b"\x02" + x)
        accepted = True
    except Rejected:
        accepted = False
    assert accepted == (value < SEC2_P and _on_curve_even(value))
