"""Hashes and signatures against independent sources: FIPS 180-4, BIP-340, RFC 8032."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chipstack.crypto import PrivateKey, PublicKey, Tag, derive_seed, sha256, sha256d, tagged_hash
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
