"""The cashier set and a table's public parameters, hashed into the table id.

Spec: ``spec/04-cashier.md`` section 1 (rules ``[CASH-1]`` .. ``[CASH-4]``).
A table is named by ``tagged_hash("chipstack/cashier/table", encoding)`` of
its parameters, so the cashier set, the chain it trusts, the game it plays,
its chip unit, buy-in limits, dispute timeout, equivocation penalty and peg
are fixed the moment the id is known.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from chipstack.chain.conditions import MultisigCondition
from chipstack.chain.tx import MAX_MONEY
from chipstack.crypto import PUBLIC_KEY_LEN, PrivateKey, PublicKey, Tag, tagged_hash
from chipstack.encoding import Reader, Writer, decode_exact
from chipstack.errors import Reason, require

#: Most cashiers in a set: an M-of-N chain output holds at most 16 keys ([TX-6]).
MAX_CASHIERS = 16
#: The only table-parameter encoding version ([CASH-2]).
TABLE_VERSION = 1
#: Largest dispute timeout, in seconds (30 days).
MAX_DISPUTE_TIMEOUT = 30 * 24 * 3600


@dataclass(frozen=True)
class CashierSet:
    """N cashier keys and the threshold M of them that must sign ([CASH-1])."""

    threshold: int
    keys: tuple[PublicKey, ...]

    def __post_init__(self) -> None:
        n = len(self.keys)
        require(1 <= n <= MAX_CASHIERS, Reason.CASHIER_BAD_CASHIER_SET, f"{n} cashiers")
        require(
            n // 2 + 1 <= self.threshold <= n,
            Reason.CASHIER_BAD_CASHIER_SET,
            f"threshold {self.threshold} of {n} is not a majority",
        )
        require(len({k.raw for k in self.keys}) == n, Reason.CASHIER_BAD_CASHIER_SET, "repeat")

    def encode(self) -> bytes:
        """Return ``u8 threshold || count(<=16) key[32]*``."""
        w = Writer().u8(self.threshold).count(len(self.keys), MAX_CASHIERS)
        for k in self.keys:
            w.fixed(k.raw, PUBLIC_KEY_LEN)
        return w.getvalue()

    @staticmethod
    def read(reader: Reader) -> CashierSet:
        """Read a cashier set."""
        threshold = reader.u8()
        keys = reader.items(MAX_CASHIERS, lambda r: PublicKey(r.fixed(PUBLIC_KEY_LEN)))
        return CashierSet(threshold, tuple(keys))

    def condition(self) -> MultisigCondition:
        """The M-of-N chain condition every deposit pays and all change returns to ([CASH-1])."""
        return MultisigCondition(self.threshold, self.keys)

    def index_of(self, key: bytes) -> int:
        """Return the position of ``key`` in the set, or -1."""
        for i, k in enumerate(self.keys):
            if k.raw == key:
                return i
        return -1

    @staticmethod
    def from_labels(labels: Sequence[str], threshold: int) -> tuple[CashierSet, list[PrivateKey]]:
        """Make a test cashier set from key labels; return it and the private keys in order."""
        keys = [PrivateKey.from_label(label) for label in labels]
        return CashierSet(threshold, tuple(k.public_key for k in keys)), keys


@dataclass(frozen=True)
class PegParams:
    """A pegged table: chips count ``ref_per_chip`` reference units (say cents) ([CASH-50]).

    ``reserve`` is the most coins the cashier reserve adds to one table's
    redemption to absorb a fall of the coin's price ([CASH-54]).
    """

    ref_per_chip: int
    reserve: int


@dataclass(frozen=True)
class TableParams:
    """Everything public about a table; its hash is the table id ([CASH-2]).

    ``chip_unit`` is coins per chip on an unpegged table (0 on a pegged one);
    ``min_buyin`` / ``max_buyin`` bound one deposit, in chips;
    ``dispute_timeout`` is seconds of silence after which anyone may close
    the table, and also the length of the challenge window; ``penalty`` is the
    chips an equivocating player forfeits ([CASH-34]); ``salt`` tells apart
    two tables with otherwise equal parameters.
    """

    chain_id: bytes
    notary_set_id: bytes
    bits: int
    cashiers: CashierSet
    game_id: bytes
    chip_unit: int
    min_buyin: int
    max_buyin: int
    dispute_timeout: int
    penalty: int
    salt: bytes
    peg: PegParams | None = None

    def __post_init__(self) -> None:
        bad = Reason.CASHIER_BAD_TABLE_PARAMS  # [CASH-3]
        for name in ("chain_id", "notary_set_id", "game_id", "salt"):
            require(len(getattr(self, name)) == 32, bad, f"{name} is 32 bytes")
        if self.peg is None:
            require(1 <= self.chip_unit <= MAX_MONEY, bad, "an unpegged table needs a chip unit")
        else:
            require(self.chip_unit == 0, bad, "a pegged table converts at notarized prices")
            require(1 <= self.peg.ref_per_chip <= 2**63 - 1, bad, "ref_per_chip")
            require(0 <= self.peg.reserve <= MAX_MONEY, bad, "reserve")
        require(1 <= self.min_buyin <= self.max_buyin <= 2**53, bad, "buy-in limits")
        require(1 <= self.dispute_timeout <= MAX_DISPUTE_TIMEOUT, bad, "dispute timeout")
        require(0 <= self.penalty <= 2**53, bad, "penalty")
        require(0 <= self.bits <= 0xFFFF_FFFF, bad, "bits")

    def encode(self) -> bytes:
        """Return the canonical encoding ([CASH-2])."""
        w = (
            Writer()
            .u8(TABLE_VERSION)
            .fixed(self.chain_id, 32)
            .fixed(self.notary_set_id, 32)
            .u32(self.bits)
            .raw(self.cashiers.encode())
            .fixed(self.game_id, 32)
            .u64(self.chip_unit)
            .u64(self.min_buyin)
            .u64(self.max_buyin)
            .u32(self.dispute_timeout)
            .u64(self.penalty)
            .fixed(self.salt, 32)
            .flag(self.peg is not None)
        )
        if self.peg is not None:
            w.u64(self.peg.ref_per_chip).u64(self.peg.reserve)
        return w.getvalue()

    @staticmethod
    def read(reader: Reader) -> TableParams:
        """Read table parameters."""
        reader.version(frozenset({TABLE_VERSION}))
        chain_id = reader.fixed(32)
        notary_set_id = reader.fixed(32)
        bits = reader.u32()
        cashiers = CashierSet.read(reader)
        game_id = reader.fixed(32)
        chip_unit, min_buyin, max_buyin = reader.u64(), reader.u64(), reader.u64()
        timeout = reader.u32()
        penalty = reader.u64()
        salt = reader.fixed(32)
        peg = PegParams(reader.u64(), reader.u64()) if reader.flag() else None
        return TableParams(
            chain_id, notary_set_id, bits, cashiers, game_id, chip_unit, min_buyin,
            max_buyin, timeout, penalty, salt, peg,
        )  # fmt: skip

    @staticmethod
    def decode(data: bytes) -> TableParams:
        """Decode table parameters spanning all of ``data``."""
        return decode_exact(data, TableParams.read)

    @property
    def table_id(self) -> bytes:
        """``tagged_hash("chipstack/cashier/table", encoding)`` ([CASH-2])."""
        return tagged_hash(Tag.CASHIER_TABLE, self.encode())
