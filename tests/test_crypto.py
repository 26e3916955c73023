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
from chipstack.testvectors.crypto.ed25519 import (
    IDENTITY_R_MESSAGE,
    IDENTITY_R_SIGNATURE,
    MIXED_ORDER_KEY,
    MIXED_ORDER_SIGNATURES,
    MIXED_R_MESSAGE,
    MIXED_R_SIGNATURE,
    RFC8032_TESTS,
)


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
        if len(found) == len(SMALL_ORDER_KEYS):
            break  # the torsion group has exactly 8 points; more samples add nothing
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


def test_tagged_hash_refuses_tags_outside_the_registry() -> None:
    with pytest.raises(Rejected) as exc:
        tagged_hash("BIP0340/challenge", b"")
    assert exc.value.reason is Reason.CRYPTO_UNKNOWN_TAG
    assert tagged_hash(Tag.SYNC_ITEM.value, b"") == tagged_hash(Tag.SYNC_ITEM, b"")


def test_not_a_point_vector_key_is_really_off_the_curve() -> None:
    # crypto/ed25519 has a case whose key is y = 2 ("02" + "00" * 31), said to be off the curve.
    assert _point_with_y(2) is None
    assert _point_with_y(3) is not None  # the check can also say yes


# --- SIG-7: the cofactor vectors, re-checked with the affine arithmetic above ---
def _decode_point(raw: bytes) -> tuple[int, int]:
    v = int.from_bytes(raw, "little")
    pt = _point_with_y(v & ((1 << 255) - 1))
    assert pt is not None
    x = pt[0] if pt[0] & 1 == v >> 255 else (_P - pt[0]) % _P
    return (x, pt[1])


_BASE = _decode_point((4 * pow(5, _P - 2, _P) % _P).to_bytes(32, "little"))  # y = 4/5, x even
_IDENTITY = (0, 1)


def _equations(pk: bytes, msg: bytes, sig: bytes) -> tuple[bool, bool]:
    """(cofactorless holds, cofactored holds) for a signature, from RFC 8032 5.1.7."""
    a, r, s = _decode_point(pk), _decode_point(sig[:32]), int.from_bytes(sig[32:], "little")
    k = int.from_bytes(hashlib.sha512(sig[:32] + pk + msg).digest(), "little") % _L
    lhs, rhs = _mul(s, _BASE), _add(r, _mul(k, a))
    return lhs == rhs, _mul(8, lhs) == _mul(8, rhs)


def test_base_point_is_rfc8032s() -> None:
    assert _mul(_L, _BASE) == _IDENTITY
    assert _BASE[0] == 15112221349535400772501151409588531511454012693041857206046113283949847762202


def test_cofactor_vectors_hold_what_they_claim() -> None:
    pk = bytes.fromhex(MIXED_ORDER_KEY)
    assert pk not in SMALL_ORDER_KEYS and not is_weak_public_key(pk)
    assert _mul(_L, _decode_point(pk)) != _IDENTITY  # it has a small-order component
    verdicts = set()
    for msg_hex, sig_hex, cofactorless in MIXED_ORDER_SIGNATURES:
        msg, sig = bytes.fromhex(msg_hex), bytes.fromhex(sig_hex)
        assert _equations(pk, msg, sig) == (cofactorless, True)
        verdicts.add(cofactorless)
        if cofactorless:
            PublicKey(pk).verify(sig, msg)
        else:
            with pytest.raises(Rejected) as exc:
                PublicKey(pk).verify(sig, msg)
            assert exc.value.reason is Reason.CRYPTO_BAD_SIGNATURE
    assert verdicts == {True, False}


def test_small_order_r_is_refused_although_the_equation_holds() -> None:
    pk = PrivateKey.from_label("alice").public_key
    msg, sig = bytes.fromhex(IDENTITY_R_MESSAGE), bytes.fromhex(IDENTITY_R_SIGNATURE)
    assert _decode_point(sig[:32]) == _IDENTITY
    assert _equations(pk.raw, msg, sig) == (True, True)
    with pytest.raises(Rejected) as exc:
        pk.verify(sig, msg)
    assert exc.value.reason is Reason.CRYPTO_BAD_SIGNATURE


def test_mixed_order_r_vector_holds_only_the_cofactored_equation() -> None:
    pk = PrivateKey.from_label("alice").public_key
    msg, sig = bytes.fromhex(MIXED_R_MESSAGE), bytes.fromhex(MIXED_R_SIGNATURE)
    assert _mul(_L, _decode_point(sig[:32])) != _IDENTITY  # R is not in the prime-order group
    assert sig[:32] not in SMALL_ORDER_KEYS
    assert _equations(pk.raw, msg, sig) == (False, True)
    with pytest.raises(Rejected) as exc:
        pk.verify(sig, msg)
    assert exc.value.reason is Reason.CRYPTO_BAD_SIGNATURE
