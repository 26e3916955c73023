"""Pegged tables: notary-signed prices per block, coin/chip conversion and the reserve.

Spec: ``spec/04-cashier.md`` section 7 (rules ``[CASH-50]`` .. ``[CASH-55]``).
A price is reference units (say US cents) per whole coin (``COIN`` base
units), attested for one block by the chain's notary threshold, the same
keys and threshold that notarize it. Deposits convert at their block's
price, rounding down; redemptions convert back at the redemption price,
rounding down; the cashier reserve absorbs a fall of the price up to its
stated limit, and beyond it every payout is cut in the same proportion.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from chipstack.cashier.signers import (
    Signature,
    check_threshold,
    read_signatures,
    sign_all,
    write_signatures,
)
from chipstack.chain.notary import NotarySet
from chipstack.chain.tx import COIN, MAX_MONEY
from chipstack.crypto import PrivateKey, Tag
from chipstack.encoding import Reader, Writer, decode_exact
from chipstack.errors import Reason, require

#: The only price-attestation encoding version ([CASH-50]).
PRICE_VERSION = 1
#: Largest price: 2^48 reference units per coin.
MAX_PRICE = 2**48


@dataclass(frozen=True)
class PriceAttestation:
    """Notaries' statement: at ``block_hash`` a coin is worth ``price`` ([CASH-50])."""

    chain_id: bytes
    height: int
    block_hash: bytes
    price: int
    notary_set_id: bytes
    signatures: tuple[Signature, ...] = ()

    def body(self) -> bytes:
        """The signed part: ``chain_id || u32 height || block_hash || u64 price || set id``."""
        return (
            Writer()
            .u8(PRICE_VERSION)
            .fixed(self.chain_id, 32)
            .u32(self.height)
            .fixed(self.block_hash, 32)
            .u64(self.price)
            .fixed(self.notary_set_id, 32)
            .getvalue()
        )

    def encode(self) -> bytes:
        """Return the body followed by the signature list."""
        w = Writer().raw(self.body())
        write_signatures(w, self.signatures)
        return w.getvalue()

    @staticmethod
    def read(r: Reader) -> PriceAttestation:
        """Read a price attestation (structure only; then :func:`verify_price`)."""
        r.version(frozenset({PRICE_VERSION}))
        chain_id, height, block_hash = r.fixed(32), r.u32(), r.fixed(32)
        price, set_id = r.u64(), r.fixed(32)
        return PriceAttestation(chain_id, height, block_hash, price, set_id, read_signatures(r))

    @staticmethod
    def decode(data: bytes) -> PriceAttestation:
        """Decode a price attestation spanning all of ``data``."""
        return decode_exact(data, PriceAttestation.read)


def attest_price(
    chain_id: bytes, height: int, block_hash: bytes, price: int, notaries: NotarySet,
    keys: Sequence[PrivateKey],
) -> PriceAttestation:  # fmt: skip
    """Return a price attestation signed by ``keys`` (notaries of ``notaries``)."""
    unsigned = PriceAttestation(chain_id, height, block_hash, price, notaries.id)
    sigs = sign_all(keys, notaries.keys, Tag.CASHIER_PRICE, unsigned.body())
    return PriceAttestation(chain_id, height, block_hash, price, notaries.id, sigs)


def verify_price(
    att: PriceAttestation, notaries: NotarySet, chain_id: bytes, block_hash: bytes
) -> int:
    """Check an attestation for ``block_hash`` and return its price ([CASH-51]).

    Order: chain, notary set and block (``cashier.bad_price``), price in
    ``1 .. 2^48`` (``cashier.bad_price``), then the threshold signatures
    ([CASH-11]) of the notary set.
    """
    require(att.chain_id == chain_id, Reason.CASHIER_BAD_PRICE, "another chain's price")
    require(att.notary_set_id == notaries.id, Reason.CASHIER_BAD_PRICE, "another notary set")
    require(att.block_hash == block_hash, Reason.CASHIER_BAD_PRICE, "a price of another block")
    require(1 <= att.price <= MAX_PRICE, Reason.CASHIER_BAD_PRICE, f"price {att.price}")
    check_threshold(
        att.signatures, notaries.keys, notaries.threshold, Tag.CASHIER_PRICE, att.body()
    )
    return att.price


def coins_to_chips(amount: int, price: int, ref_per_chip: int) -> int:
    """Chips for ``amount`` coins at ``price``, rounded down ([CASH-52])."""
    return amount * price // (COIN * ref_per_chip)


def chips_to_coins(chips: int, price: int, ref_per_chip: int) -> int:
    """Coins for ``chips`` at ``price``, rounded down ([CASH-53])."""
    return chips * ref_per_chip * COIN // price


@dataclass(frozen=True)
class PegPayout:
    """How a pegged redemption splits: coins per seat, reserve used, and the cut if exhausted."""

    coins: tuple[int, ...]
    reserve_used: int
    exhausted: bool


def pegged_payouts(
    chips: Sequence[int], price: int, ref_per_chip: int, deposits: int, reserve: int
) -> PegPayout:
    """Split a pegged table's coins at the redemption ``price`` ([CASH-54], [CASH-55]).

    Each seat is owed ``chips_to_coins``; the table's deposits pay first, the
    reserve (at most ``reserve`` coins) covers any shortfall, and when both
    are not enough every seat gets ``floor(owed * available / total owed)``.
    """
    owed = [chips_to_coins(c, price, ref_per_chip) for c in chips]
    total = sum(owed)
    require(total <= MAX_MONEY, Reason.CASHIER_BAD_AMOUNT, "payout above MAX_MONEY")
    if total <= deposits:
        return PegPayout(tuple(owed), 0, False)
    if total <= deposits + reserve:
        return PegPayout(tuple(owed), total - deposits, False)
    available = deposits + reserve
    cut = tuple(o * available // total for o in owed)
    return PegPayout(cut, sum(cut) - deposits if sum(cut) > deposits else 0, True)
