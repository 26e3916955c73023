"""Key shares, their Schnorr proofs of knowledge, and the joint table key.

Spec: ``spec/07-dealing.md`` section 2 ([DEAL-10] .. [DEAL-12]). Each player ``i``
holds a secret ``x_i`` and publishes ``Y_i = x_i G`` with a proof that it knows
``x_i``, bound to the hand and the seat; the joint key is ``Y = sum Y_i``. The proof
stops a rogue-key attack: no one can publish ``Y_i = x G - sum(others)`` without
knowing its discrete log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from coincurve import PublicKey

from chipstack.crypto import Tag
from chipstack.dealing.group import (
    ORDER,
    SCALAR_LEN,
    add,
    add_all,
    base_mul,
    decode_scalar,
    encode_point,
    encode_scalar,
    hash_to_scalar,
    mul,
    neg,
)
from chipstack.dealing.randomness import Randomness
from chipstack.errors import Reason, Rejected


def proof_context(hand_id: bytes, seat: int) -> bytes:
    """The context a seat's proofs in a hand are bound to: ``hand_id || u8 seat`` ([DEAL-7])."""
    return bytes(hand_id) + bytes([seat])


@dataclass(frozen=True)
class SchnorrProof:
    """A proof of knowledge of ``x`` with ``Y = x G``: challenge ``e`` and response ``s``."""

    e: int
    s: int

    def encode(self) -> bytes:
        """``e || s``, two 32-byte scalars ([DEAL-10])."""
        return encode_scalar(self.e) + encode_scalar(self.s)

    @classmethod
    def decode(cls, raw: bytes) -> SchnorrProof:
        """Parse 64 bytes ([DEAL-2], [DEAL-10])."""
        return cls(decode_scalar(raw[:SCALAR_LEN]), decode_scalar(raw[SCALAR_LEN:]))


def _key_challenge(context: bytes, key: PublicKey, commitment: PublicKey) -> int:
    # [DEAL-10] e = H_s("chipstack/dealing/key-proof", context || Y || R)
    return hash_to_scalar(
        Tag.DEALING_KEY_PROOF, context + encode_point(key) + encode_point(commitment)
    )


def prove_key(secret: int, context: bytes, rng: Randomness) -> tuple[PublicKey, SchnorrProof]:
    """Return ``Y = x G`` and a Schnorr proof of knowledge of ``x`` bound to ``context``."""
    key = base_mul(secret)
    k = rng.scalar()
    commitment = base_mul(k)
    assert key is not None and commitment is not None
    e = _key_challenge(context, key, commitment)
    return key, SchnorrProof(e, (k + e * secret) % ORDER)


def verify_key(key: PublicKey, proof: SchnorrProof, context: bytes) -> None:
    """Check a key proof: ``R' = s G - e Y`` must hash back to ``e`` ([DEAL-10])."""
    commitment = add(base_mul(proof.s), neg(mul(key, proof.e)))
    if commitment is None or _key_challenge(context, key, commitment) != proof.e:
        raise Rejected(Reason.DEALING_BAD_KEY_PROOF, "Schnorr proof does not verify")  # [DEAL-10]


def joint_key(keys: Sequence[PublicKey]) -> PublicKey:
    """The table key ``Y = sum Y_i`` over all seats, in seat order ([DEAL-11])."""
    total = add_all(keys)
    if total is None:  # only possible if shares cancel, which proofs of knowledge prevent
        raise Rejected(Reason.DEALING_BAD_KEY_PROOF, "the joint key is the point at infinity")
    return total
