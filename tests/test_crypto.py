"""Hashes and signatures against independent sources: FIPS 180-4, BIP-340, RFC 8032."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chipstack.crypto import (
    SMALL_ORDER_KEYS,
    PrivateKey,
    PublicKey,
    Tag,
    derive_seed,
    is_weak_public_key,
    sha256,
    sha256d,
    tagged_hash,
)
from chipstack.errors import Reason, Rejected
from chipstack.vectors.crypto_suites import RFC8032_TESTS


def test_sha256_fips_examples() -> None:
    # FIPS 180-4 / NIST CSRC example values for "abc" and the empty string.
    assert sha256(b"abc").hex() == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    assert sha256(b"").hex() == ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")


def test_sha256d_is_double() -> None:
    # Bitcoin's hash of the empty string, a widely published constant.
    assert sha256d(b"").hex() == (
        "5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456"
    )


@given(st.sampled_from(list(Tag)), st.binary(max_size=200))
def test_tagged_hash_is_bip340_construction(tag: Tag, msg: bytes) -> None:
    t = hashlib.sha256(tag.value.encode()).digest()
    assert tagged_hash(tag, msg) == hashlib.sha256(t + t + msg).digest()


def test_tags_are_distinct_and_namespaced() -> None:
    values = [t.value for t in Tag]
    assert len(values) == len(set(values))
    assert all(v.startswith("chipstack/") for v in values)


@pytest.mark.parametrize(("sk", "pk", "msg", "sig"), RFC8032_TESTS)
def test_rfc8032_section_7_1(sk: str, pk: str, msg: str, sig: str) -> None:
    key = PrivateKey(bytes.fromhex(sk))
    assert key.public_key.hex() == pk
    assert key.sign(bytes.fromhex(msg)).hex() == sig
    PublicKey(bytes.fromhex(pk)).verify(bytes.fromhex(sig), bytes.fromhex(msg))


@given(st.binary(max_size=100), st.integers(0, 63), st.integers(0, 7))
def test_any_flipped_signature_bit_fails(msg: bytes, byte: int, bit: int) -> None:
    key = PrivateKey.from_label("alice")
    sig = bytearray(key.sign_tagged(Tag.SYNC_ITEM, msg))
    key.public_key.verify_tagged(bytes(sig), Tag.SYNC_ITEM, msg)
    sig[byte] ^= 1 << bit
    with pytest.raises(Rejected) as exc:
        key.public_key.verify_tagged(bytes(sig), Tag.SYNC_ITEM, msg)
    assert exc.value.reason is Reason.CRYPTO_BAD_SIGNATURE


def test_domains_are_separated() -> None:
    key = PrivateKey.from_label("bob")
    sig = key.sign_tagged(Tag.FSM_EVENT, b"m")
    with pytest.raises(Rejected):
        key.public_key.verify_tagged(sig, Tag.FSM_STATE, b"m")
    with pytest.raises(Rejected):
        key.public_key.verify(sig, b"m")


def test_seed_derivation_and_lengths() -> None:
    assert derive_seed("alice") == tagged_hash(Tag.VECTOR_SEED, b"alice")
    assert PrivateKey.from_label("alice").public_key != PrivateKey.from_label("bob").public_key
    with pytest.raises(Rejected) as exc:
        PrivateKey(b"\x00" * 31)
    assert exc.value.reason is Reason.CRYPTO_BAD_SEED_LENGTH
    with pytest.raises(Rejected) as exc:
        PublicKey(b"\x00" * 33)
    assert exc.value.reason is Reason.CRYPTO_BAD_KEY_LENGTH
    with pytest.raises(Rejected) as exc:
        PrivateKey.from_label("a").public_key.verify(b"\x00" * 63, b"")
    assert exc.value.reason is Reason.CRYPTO_BAD_SIGNATURE_LENGTH


# --- SIG-6: the small-order set, recomputed independently with affine Edwards arithmetic ---
_P = 2**255 - 19
_D = (-121665 * pow(121666, _P - 2, _P)) % _P
_L = 2**252 + 27742317777372353535851937790883648493


def _add(a: tuple[int, int], b: tuple[int, int]) -> tuple[int, int]:
    (x1, y1), (x2, y2) = a, b
    t = _D * x1 * x2 * y1 * y2 % _P
    return ((x1 * y2 + x2 * y1) * pow(1 + t, _P - 2, _P) % _P,
            (y1 * y2 + x1 * x2) * pow(1 - t, _P - 2, _P) % _P)


def _mul(k: int, pt: tuple[int, int]) -> tuple[int, int]:
    acc = (0, 1)
    while k:
        if k & 1:
            acc = _add(acc, pt)
        pt, k = _add(pt, pt), k >> 1
    return acc


def _point_with_y(y: int) -> tuple[int, int] | None:
    xx = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    x = pow(xx, (_P + 3) // 8, _P)
    if (x * x - xx) % _P:
        x = x * pow(2, (_P - 1) // 4, _P) % _P
    return (x, y) if (x * x - xx) % _P == 0 else None


def test_small_order_set_is_the_torsion_subgroup() -> None:
    found: set[bytes] = set()
    for y in range(2, 400):
        pt = _point_with_y(y)
        if pt is not None:
            x, ty = _mul(_L, pt)  # kills the prime-order part, leaves the torsion part
            found.add((ty | ((x & 1) << 255)).to_bytes(32, "little"))
    assert found == SMALL_ORDER_KEYS


def test_identity_key_forgery_is_refused() -> None:
    identity = b"\x01" + b"\x00" * 31
    with pytest.raises(Rejected) as exc:
        PublicKey(identity).verify(identity + b"\x00" * 32, b"any message at all")
    assert exc.value.reason is Reason.CRYPTO_WEAK_PUBLIC_KEY


@given(st.binary(min_size=32, max_size=32))
def test_random_keys_are_weak_only_when_listed_or_non_canonical(raw: bytes) -> None:
    y = int.from_bytes(raw, "little") & ((1 << 255) - 1)
    expect_weak = raw in SMALL_ORDER_KEYS or y >= _P or (raw[31] >> 7 == 1 and y in (1, _P - 1))
    assert is_weak_public_key(raw) == expect_weak
