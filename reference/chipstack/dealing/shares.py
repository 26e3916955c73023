"""Decryption shares and their Chaum-Pedersen proof, batched over the cards of one message.

Spec: ``spec/07-dealing.md`` section 5 ([DEAL-30] .. [DEAL-31]). Seat ``i`` opens the
card at a position with ciphertext ``(a, b)`` by publishing ``D = x_i a``. One proof
covers all ``m`` shares of a message: with weights ``z_j`` hashed from the whole
statement, it proves ``log_G Y_i = log_A D`` for ``A = sum z_j a_j`` and
``D = sum z_j D_j`` (Chaum and Pedersen, "Wallet databases with observers", CRYPTO
1992; the batching by random linear combination as in Bellare, Garay, Rabin, "Fast
batch verification for modular exponentiation and digital signatures", EUROCRYPT 1998).
A single wrong share makes the combined equation false except with probability
``1/n`` over the weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from coincurve import PublicKey

from chipstack.crypto import Tag
from chipstack.dealing.group import (
    ORDER,
    add,
    base_mul,
    encode_point,
    hash_to_scalar,
    linear_combination,
    mul,
    neg,
)
from chipstack.dealing.randomness import Randomness
from chipstack.errors import Reason, Rejected


@dataclass(frozen=True)
class ShareProof:
    """The batched Chaum-Pedersen proof of one share message: challenge ``e``, response ``s``."""

    e: int
    s: int


def _statement(
    context: bytes,
    key: PublicKey,
    positions: Sequence[int],
    firsts: Sequence[PublicKey],
    shares: Sequence[PublicKey],
) -> bytes:
    # [DEAL-31] context || Y_i || for each j: u8 position || a_j || D_j
    parts = [context, encode_point(key)]
    for pos, a, d in zip(positions, firsts, shares, strict=True):
        parts += [bytes([pos]), encode_point(a), encode_point(d)]
    return b"".join(parts)


def _combined(
    statement: bytes, firsts: Sequence[PublicKey], shares: Sequence[PublicKey]
) -> tuple[PublicKey, PublicKey]:
    # [DEAL-31] z_j = H_s("chipstack/dealing/share-weight", statement || u8 j)
    z = [
        hash_to_scalar(Tag.DEALING_SHARE_WEIGHT, statement + bytes([j])) for j in range(len(firsts))
    ]
    a, d = linear_combination(z, firsts), linear_combination(z, shares)
    if a is None or d is None:  # probability about 2^-256 for honest shares
        raise Rejected(Reason.DEALING_BAD_SHARE_PROOF, "A or D is infinity")  # [DEAL-6], [DEAL-31]
    return a, d


def _share_challenge(statement: bytes, t1: PublicKey, t2: PublicKey) -> int:
    # [DEAL-31] e = H_s("chipstack/dealing/share-proof", statement || T1 || T2)
    return hash_to_scalar(Tag.DEALING_SHARE_PROOF, statement + encode_point(t1) + encode_point(t2))


def make_shares(
    secret: int,
    positions: Sequence[int],
    firsts: Sequence[PublicKey],
    context: bytes,
    rng: Randomness,
) -> tuple[list[PublicKey], ShareProof]:
    """Return ``D_j = x a_j`` for each first point ``a_j``, and one proof ([DEAL-30])."""
    shares = [_point(mul(a, secret)) for a in firsts]
    key = _point(base_mul(secret))
    statement = _statement(context, key, positions, firsts, shares)
    a, _ = _combined(statement, firsts, shares)
    k = rng.scalar()
    t1, t2 = _point(base_mul(k)), _point(mul(a, k))
    e = _share_challenge(statement, t1, t2)
    return shares, ShareProof(e, (k + e * secret) % ORDER)


def verify_shares(
    key: PublicKey,
    positions: Sequence[int],
    firsts: Sequence[PublicKey],
    shares: Sequence[PublicKey],
    proof: ShareProof,
    context: bytes,
) -> None:
    """Check a share proof: ``s G - e Y_i`` and ``s A - e D`` must hash to ``e`` ([DEAL-31])."""
    statement = _statement(context, key, positions, firsts, shares)
    a, d = _combined(statement, firsts, shares)
    t1 = add(base_mul(proof.s), neg(mul(key, proof.e)))
    t2 = add(mul(a, proof.s), neg(mul(d, proof.e)))
    if t1 is None or t2 is None or _share_challenge(statement, t1, t2) != proof.e:
        raise Rejected(Reason.DEALING_BAD_SHARE_PROOF, "Chaum-Pedersen proof fails")  # [DEAL-31]


def _point(point: PublicKey | None) -> PublicKey:
    if point is None:
        raise Rejected(Reason.DEALING_BAD_POINT, "a share is the point at infinity")
    return point
