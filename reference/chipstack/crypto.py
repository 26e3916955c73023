"""Hashes, tagged hashes and Ed25519 signatures.

Spec: ``spec/00-encoding.md`` sections 3-4 (rules ``[HASH-*]``, ``[SIG-*]``).
SHA-256 comes from :mod:`hashlib`, Ed25519 (RFC 8032) from ``cryptography``;
nothing here is hand-rolled.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from functools import cache, lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from chipstack.errors import Reason, Rejected

#: Byte lengths fixed by RFC 8032.
SEED_LEN = 32
PUBLIC_KEY_LEN = 32
SIGNATURE_LEN = 64

#: The field prime of edwards25519 (RFC 8032 section 5.1).
_FIELD_P = 2**255 - 19

#: Canonical encodings of the eight points of order dividing 8 ([SIG-6]). A signature
#: "by" such a key can verify for many messages, so no protocol object may use one.
SMALL_ORDER_KEYS: frozenset[bytes] = frozenset(
    bytes.fromhex(h)
    for h in (
        "0100000000000000000000000000000000000000000000000000000000000000",
        "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "0000000000000000000000000000000000000000000000000000000000000080",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05",
        "26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a",
        "c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa",
    )
)


def is_weak_public_key(raw: bytes) -> bool:
    """True when the 32-byte key ``raw`` is a small-order point or non-canonical ([SIG-6]).

    Non-canonical: the y coordinate is not below the field prime, or x = 0 is
    written with its sign bit set (y = 1 or y = p - 1 with the top bit set).
    """
    y = int.from_bytes(raw, "little") & ((1 << 255) - 1)
    sign = raw[31] >> 7
    return (
        bytes(raw) in SMALL_ORDER_KEYS or y >= _FIELD_P or (sign == 1 and y in (1, _FIELD_P - 1))
    )


class Tag(StrEnum):
    """The registry of hash tags: one per object kind ([HASH-2]).

    Each area appends its tags here; the spec's tag table lists the same values.
    """

    VECTOR_SEED = "chipstack/vectors/seed"
    HANDSHAKE = "chipstack/sync/handshake"
    SYNC_CHANNEL = "chipstack/sync/channel"
    SYNC_ITEM = "chipstack/sync/item"
    SYNC_ITEM_WORK = "chipstack/sync/item-work"
    CHAIN_SIGHASH = "chipstack/chain/sighash"
    CHAIN_NOTARIZATION = "chipstack/chain/notarization"
    CHAIN_NOTARY_SET = "chipstack/chain/notary-set"
    FSM_DEFINITION = "chipstack/fsm/definition"
    FSM_INSTANCE = "chipstack/fsm/instance"
    FSM_STATE = "chipstack/fsm/state"
    FSM_EVENT = "chipstack/fsm/event"
    FSM_EQUIVOCATION = "chipstack/fsm/equivocation"
    FSM_MARKER = "chipstack/fsm/marker"
    CASHIER_TABLE = "chipstack/cashier/table"
    CASHIER_ISSUE = "chipstack/cashier/issue"
    CASHIER_SETTLEMENT = "chipstack/cashier/settlement"
    CASHIER_PRICE = "chipstack/cashier/price"
    CASHIER_HAND = "chipstack/cashier/hand"
    # dealing (spec/07-dealing.md)
    DEALING_GENERATOR = "chipstack/dealing/generator"
    DEALING_CARD = "chipstack/dealing/card"
    DEALING_RANDOM = "chipstack/dealing/random"
    DEALING_KEY_PROOF = "chipstack/dealing/key-proof"
    DEALING_SHUFFLE_STATEMENT = "chipstack/dealing/shuffle-statement"
    DEALING_SHUFFLE_CHALLENGE = "chipstack/dealing/shuffle-challenge"
    DEALING_SHUFFLE_PROOF = "chipstack/dealing/shuffle-proof"
    DEALING_SHARE_WEIGHT = "chipstack/dealing/share-weight"
    DEALING_SHARE_PROOF = "chipstack/dealing/share-proof"
    # table (spec/08-table.md)
    TABLE_HAND = "chipstack/table/hand"
    TABLE_STREAM = "chipstack/table/stream"


def sha256(data: bytes) -> bytes:
    """Return SHA-256 of ``data`` ([HASH-1])."""
    return hashlib.sha256(data).digest()


def sha256d(data: bytes) -> bytes:
    """Return SHA-256 applied twice, Bitcoin's hash for chain objects ([HASH-4])."""
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


@cache
def _tag_prefix(tag: str) -> bytes:
    if tag not in _TAG_VALUES:
        raise Rejected(Reason.CRYPTO_UNKNOWN_TAG, repr(tag))
    digest = hashlib.sha256(tag.encode("utf-8")).digest()
    return digest + digest


#: Every registered tag name; :func:`tagged_hash` refuses any other ([HASH-2]).
_TAG_VALUES: frozenset[str] = frozenset(t.value for t in Tag)


def tagged_hash(tag: Tag | str, msg: bytes) -> bytes:
    """Return ``SHA256(SHA256(tag) || SHA256(tag) || msg)`` as in BIP-340 ([HASH-3]).

    ``tag`` must be in the :class:`Tag` registry; any other name is refused with
    ``crypto.unknown_tag`` ([HASH-2]).
    """
    return hashlib.sha256(_tag_prefix(str(tag)) + msg).digest()


def derive_seed(label: str) -> bytes:
    """Derive a 32-byte Ed25519 seed from a label; used only for test keys and vectors."""
    return tagged_hash(Tag.VECTOR_SEED, label.encode("utf-8"))


@dataclass(frozen=True)
class PublicKey:
    """An Ed25519 public key (32 bytes, RFC 8032 encoding); weak keys are refused ([SIG-6])."""

    raw: bytes

    def __post_init__(self) -> None:
        if len(self.raw) != PUBLIC_KEY_LEN:
            raise Rejected(Reason.CRYPTO_BAD_KEY_LENGTH, f"{len(self.raw)} bytes")  # [SIG-1]
        if is_weak_public_key(self.raw):
            # [SIG-6]
            raise Rejected(Reason.CRYPTO_WEAK_PUBLIC_KEY, "small-order or non-canonical point")

    def verify(self, signature: bytes, message: bytes) -> None:
        """Check an RFC 8032 signature over ``message``; reject if it does not verify ([SIG-3]).

        The check is the cofactorless one (OpenSSL's), and a small-order ``R`` is
        refused before it ([SIG-7]).
        """
        if len(signature) != SIGNATURE_LEN:
            raise Rejected(Reason.CRYPTO_BAD_SIGNATURE_LENGTH, f"{len(signature)} bytes")  # [SIG-1]
        if bytes(signature[:32]) in SMALL_ORDER_KEYS:
            raise Rejected(Reason.CRYPTO_BAD_SIGNATURE, "R is a small-order point")
        try:
            _load_public(self.raw).verify(signature, message)
        except InvalidSignature:
            raise Rejected(Reason.CRYPTO_BAD_SIGNATURE, "Ed25519 verification failed") from None

    def verify_tagged(self, signature: bytes, tag: Tag, message: bytes) -> None:
        """Check a signature made by :meth:`PrivateKey.sign_tagged` ([SIG-4])."""
        self.verify(signature, tagged_hash(tag, message))

    def hex(self) -> str:
        """Return the key as lowercase hex."""
        return self.raw.hex()


@lru_cache(maxsize=4096)
def _load_public(raw: bytes) -> Ed25519PublicKey:
    return Ed25519PublicKey.from_public_bytes(raw)


class PrivateKey:
    """An Ed25519 signing key made from a 32-byte seed (RFC 8032 section 5.1.5)."""

    def __init__(self, seed: bytes) -> None:
        if len(seed) != SEED_LEN:
            raise Rejected(Reason.CRYPTO_BAD_SEED_LENGTH, f"{len(seed)} bytes")
        self.seed = bytes(seed)
        self._key = Ed25519PrivateKey.from_private_bytes(self.seed)
        self.public_key = PublicKey(
            self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        )

    @classmethod
    def from_label(cls, label: str) -> PrivateKey:
        """Return the test key whose seed is :func:`derive_seed` of ``label``."""
        return cls(derive_seed(label))

    def sign(self, message: bytes) -> bytes:
        """Return the deterministic 64-byte RFC 8032 signature of ``message`` ([SIG-2])."""
        return self._key.sign(message)

    def sign_tagged(self, tag: Tag, message: bytes) -> bytes:
        """Sign ``tagged_hash(tag, message)``, the domain-separated form ([SIG-4])."""
        return self.sign(tagged_hash(tag, message))

    def __repr__(self) -> str:
        return f"PrivateKey(public={self.public_key.hex()})"
