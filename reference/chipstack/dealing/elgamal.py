"""Cards as points, ElGamal ciphertexts under the joint key, the opening deck, re-encryption.

Spec: ``spec/07-dealing.md`` section 3 ([DEAL-13] .. [DEAL-16]). A ciphertext of the
point ``M`` with randomness ``r`` under ``Y`` is ``(a, b) = (r G, M + r Y)``. Card ``k``
(``chipstack.poker.cards`` numbering, 0..51) is the point
``hash_to_point("chipstack/dealing/card", u8 k)``: 52 points with no known discrete-log
relation to each other or to ``G``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from coincurve import PublicKey

from chipstack.crypto import Tag
from chipstack.dealing.group import (
    POINT_LEN,
    G,
    Point,
    add,
    add_all,
    base_mul,
    decode_point,
    encode_point,
    hash_to_point,
    mul,
    neg,
)
from chipstack.errors import Reason, Rejected
from chipstack.poker.cards import Card

#: Cards in a deck.
DECK_SIZE = 52
#: Bytes of one encoded ciphertext.
CIPHERTEXT_LEN = 2 * POINT_LEN


@dataclass(frozen=True)
class Ciphertext:
    """An ElGamal ciphertext ``(a, b) = (r G, M + r Y)``."""

    a: PublicKey
    b: PublicKey

    def encode(self) -> bytes:
        """``a || b``, two compressed points ([DEAL-13])."""
        return encode_point(self.a) + encode_point(self.b)

    @classmethod
    def decode(cls, raw: bytes) -> Ciphertext:
        """Parse 66 bytes ([DEAL-1], [DEAL-13])."""
        return cls(decode_point(raw[:POINT_LEN]), decode_point(raw[POINT_LEN:]))


@cache
def card_point(card: Card) -> PublicKey:
    """The point of ``card`` ([DEAL-14])."""
    if not 0 <= card < DECK_SIZE:
        raise ValueError(f"card {card} out of range")
    return hash_to_point(Tag.DEALING_CARD, bytes([card]))


@cache
def _card_by_point() -> dict[bytes, Card]:
    return {encode_point(card_point(c)): c for c in range(DECK_SIZE)}


def card_of_point(point: Point) -> Card:
    """The card whose point is ``point``; others are ``dealing.unknown_card`` ([DEAL-14])."""
    if point is None:
        raise Rejected(Reason.DEALING_UNKNOWN_CARD, "the point at infinity")
    card = _card_by_point().get(encode_point(point))
    if card is None:
        raise Rejected(Reason.DEALING_UNKNOWN_CARD, "not one of the 52 card points")  # [DEAL-14]
    return card


def _checked(point: Point) -> PublicKey:
    if point is None:  # probability 2^-256 for honest randomness
        raise Rejected(Reason.DEALING_BAD_POINT, "a ciphertext component is the point at infinity")
    return point


def opening_deck(joint: PublicKey) -> list[Ciphertext]:
    """The deck before any shuffle: card ``k`` at position ``k`` as ``(G, M_k + Y)`` ([DEAL-15])."""
    return [Ciphertext(G, _checked(add(card_point(k), joint))) for k in range(DECK_SIZE)]


def reencrypt(ct: Ciphertext, r: int, joint: PublicKey) -> Ciphertext:
    """``(a + r G, b + r Y)``: the same card under fresh randomness ([DEAL-13])."""
    return Ciphertext(_checked(add(ct.a, base_mul(r))), _checked(add(ct.b, mul(joint, r))))


def decrypt(ct: Ciphertext, shares: Sequence[PublicKey]) -> Card:
    """The card of ``ct`` given every seat's share ``D_i = x_i a``: ``b - sum D_i`` ([DEAL-16])."""
    return card_of_point(add(ct.b, neg(add_all(shares))))
