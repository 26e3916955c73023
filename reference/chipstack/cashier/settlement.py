"""Settlements: a table state (sequence, balances, deposits, game hash) signed by every seat.

Spec: ``spec/04-cashier.md`` section 4 (rules ``[CASH-20]`` .. ``[CASH-24]``).
A settlement lists the seated players in seat order with their chip
balances, the deposit outpoints whose chips are at the table, the hash of
the last game state, the time, and whether it closes the table. It is
*fully signed* when every seated player signed it. The newest fully signed
settlement is authoritative; an older one can never replace it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from chipstack.chain.tx import OutPoint
from chipstack.crypto import PUBLIC_KEY_LEN, SIGNATURE_LEN, PrivateKey, PublicKey, Tag
from chipstack.encoding import Reader, Writer, decode_exact
from chipstack.errors import Reason, Rejected, require

#: The only settlement encoding version ([CASH-20]).
SETTLEMENT_VERSION = 1
#: Most seats at one table ([CASH-20]).
MAX_SEATS = 16
#: Most deposits one table may hold ([CASH-20]).
MAX_TABLE_DEPOSITS = 1024


@dataclass(frozen=True)
class Settlement:
    """``(table id, seq, time, seats, balances, deposits, game hash, closing)`` ([CASH-20])."""

    table_id: bytes
    seq: int
    time: int
    seats: tuple[bytes, ...]
    balances: tuple[int, ...]
    deposits: tuple[OutPoint, ...]
    game_hash: bytes
    closing: bool = False

    def body(self) -> bytes:
        """The signed encoding ([CASH-20])."""
        require(len(self.seats) == len(self.balances), Reason.CASHIER_BALANCES_NOT_SUMMING, "seats")
        w = (
            Writer()
            .u8(SETTLEMENT_VERSION)
            .fixed(self.table_id, 32)
            .u64(self.seq)
            .u64(self.time)
            .count(len(self.seats), MAX_SEATS)
        )
        for key, chips in zip(self.seats, self.balances, strict=True):
            w.fixed(key, PUBLIC_KEY_LEN).u64(chips)
        w.count(len(self.deposits), MAX_TABLE_DEPOSITS)
        for op in self.deposits:
            w.raw(op.encode())
        return w.fixed(self.game_hash, 32).flag(self.closing).getvalue()

    @staticmethod
    def read(r: Reader) -> Settlement:
        """Read the settlement body."""
        r.version(frozenset({SETTLEMENT_VERSION}))
        table_id, seq, time = r.fixed(32), r.u64(), r.u64()
        pairs = r.items(MAX_SEATS, lambda rr: (rr.fixed(PUBLIC_KEY_LEN), rr.u64()))
        deposits = tuple(r.items(MAX_TABLE_DEPOSITS, OutPoint.read))
        game_hash, closing = r.fixed(32), r.flag()
        seats = tuple(k for k, _ in pairs)
        balances = tuple(c for _, c in pairs)
        return Settlement(table_id, seq, time, seats, balances, deposits, game_hash, closing)

    def balance_of(self, player: bytes) -> int:
        """Return the balance of ``player`` (0 if not seated)."""
        for k, c in zip(self.seats, self.balances, strict=True):
            if k == player:
                return c
        return 0


@dataclass(frozen=True)
class SignedSettlement:
    """A settlement and one signature per seat, in seat order ([CASH-21])."""

    settlement: Settlement
    signatures: tuple[bytes, ...]

    def encode(self) -> bytes:
        """``body || count bytes(<=64)*``: one signature per seat, empty where missing."""
        w = Writer().raw(self.settlement.body()).count(len(self.signatures), MAX_SEATS)
        for s in self.signatures:
            w.var_bytes(s, SIGNATURE_LEN)
        return w.getvalue()

    @staticmethod
    def decode(data: bytes) -> SignedSettlement:
        """Decode a signed settlement spanning all of ``data``."""

        def read(r: Reader) -> SignedSettlement:
            s = Settlement.read(r)
            sigs = r.items(MAX_SEATS, lambda rr: rr.var_bytes(SIGNATURE_LEN))
            return SignedSettlement(s, tuple(sigs))

        return decode_exact(data, read)


def sign_settlement(s: Settlement, keys: Sequence[PrivateKey]) -> SignedSettlement:
    """Return ``s`` signed by ``keys``; a seat whose key is missing gets an empty signature."""
    by_key = {k.public_key.raw: k for k in keys}
    body = s.body()
    sigs = tuple(
        by_key[seat].sign_tagged(Tag.CASHIER_SETTLEMENT, body) if seat in by_key else b""
        for seat in s.seats
    )
    return SignedSettlement(s, sigs)


def check_signed(ss: SignedSettlement, table_id: bytes) -> Settlement:
    """Check table, seats and every seat's signature ([CASH-21]); return the settlement.

    Order: table id (``cashier.wrong_table``); seats distinct
    (``cashier.duplicate_player``); one non-empty signature per seat
    (``cashier.missing_signature``); each signature (``crypto.bad_signature``).
    """
    s = ss.settlement
    require(s.table_id == table_id, Reason.CASHIER_WRONG_TABLE, "another table's settlement")
    require(len(set(s.seats)) == len(s.seats), Reason.CASHIER_DUPLICATE_PLAYER, "a seat twice")
    require(
        len(ss.signatures) == len(s.seats) and all(ss.signatures),
        Reason.CASHIER_MISSING_SIGNATURE,
        "every seated player must sign",
    )
    body = s.body()
    for seat, sig in zip(s.seats, ss.signatures, strict=True):
        try:
            PublicKey(seat).verify_tagged(sig, Tag.CASHIER_SETTLEMENT, body)
        except Rejected as exc:
            raise Rejected(exc.reason, f"seat {seat.hex()[:16]}: {exc.detail}") from None
    return s
