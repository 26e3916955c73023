"""Threshold signature lists: ``(key, signature)`` pairs in set order, checked one way everywhere.

Spec: ``spec/04-cashier.md`` ``[CASH-11]``. Cashier certificates and notary
price attestations both carry such a list; the checks run in one order so
that every implementation names the same reason.
"""

from __future__ import annotations

from collections.abc import Sequence

from chipstack.crypto import PUBLIC_KEY_LEN, SIGNATURE_LEN, PrivateKey, PublicKey, Tag
from chipstack.encoding import Reader, Writer
from chipstack.errors import Reason, Rejected, require

#: One signature list entry: the signer's 32-byte key and its 64-byte signature.
Signature = tuple[bytes, bytes]
#: Most entries in one list (the largest cashier or notary set).
MAX_SIGNATURES = 64


def write_signatures(w: Writer, sigs: Sequence[Signature]) -> None:
    """Write ``count(<=64) (key[32] || sig[64])*``."""
    w.count(len(sigs), MAX_SIGNATURES)
    for key, sig in sigs:
        w.fixed(key, PUBLIC_KEY_LEN).fixed(sig, SIGNATURE_LEN)


def read_signatures(r: Reader) -> tuple[Signature, ...]:
    """Read a signature list (structure only)."""
    return tuple(r.items(MAX_SIGNATURES, lambda rr: (rr.fixed(PUBLIC_KEY_LEN), rr.fixed(64))))


def sign_all(
    keys: Sequence[PrivateKey], order: Sequence[PublicKey], tag: Tag, body: bytes
) -> tuple[Signature, ...]:
    """Sign ``body`` under ``tag`` with each key; return the pairs sorted in ``order``."""
    pos = {k.raw: i for i, k in enumerate(order)}
    pairs = [(k.public_key.raw, k.sign_tagged(tag, body)) for k in keys]
    return tuple(sorted(pairs, key=lambda p: pos.get(p[0], len(pos))))


def check_threshold(
    sigs: Sequence[Signature], keys: Sequence[PublicKey], threshold: int, tag: Tag, body: bytes
) -> tuple[int, ...]:
    """Check a threshold signature list; return the signer positions ([CASH-11]).

    Order: every key is in the set (``cashier.unknown_signer``); positions
    strictly increase (a repeat is ``cashier.duplicate_signer``, a decrease
    ``cashier.unsorted_signers``); at least ``threshold`` entries
    (``cashier.too_few_signatures``); then every signature
    (``crypto.bad_signature``).
    """
    pos = {k.raw: i for i, k in enumerate(keys)}
    previous = -1
    seen: list[int] = []
    for key, _ in sigs:
        index = pos.get(key)
        if index is None:
            raise Rejected(Reason.CASHIER_UNKNOWN_SIGNER, f"key {key.hex()[:16]} not in the set")
        require(index != previous, Reason.CASHIER_DUPLICATE_SIGNER, f"signer {index} twice")
        require(index > previous, Reason.CASHIER_UNSORTED_SIGNERS, f"signer {index} out of order")
        previous = index
        seen.append(index)
    require(
        len(sigs) >= threshold,
        Reason.CASHIER_TOO_FEW_SIGNATURES,
        f"{len(sigs)} signatures, need {threshold}",
    )
    for (_, sig), index in zip(sigs, seen, strict=True):
        keys[index].verify_tagged(sig, tag, body)
    return tuple(seen)
