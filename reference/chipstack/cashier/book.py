"""The table book: one table's money from deposit to redemption, with conservation after every step.

Spec: ``spec/04-cashier.md`` sections 3-6. :class:`TableBook` is what every
cashier (and anyone auditing one) keeps per table: the issued
certificates, the authoritative position (the newest fully signed
settlement, or a dispute's replayed result), the closing state, and the
redemption record. Every method either changes the book and returns, or
raises ``Rejected`` and changes nothing.

Life of a table: ``OPEN`` (issue, settle) -> ``CLOSING`` (a close after the
dispute timeout; challenges) -> ``CLOSED`` (a closing settlement, or the
challenge window elapsed) -> ``REDEEMED`` (the one payout co-signed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from chipstack.cashier.deposit import DepositProof, verify_deposit
from chipstack.cashier.dispute import Dispute, DisputeResult, refutes, replay_dispute
from chipstack.cashier.games import GameRules
from chipstack.cashier.issuance import Certificate, verify_certificate
from chipstack.cashier.params import TableParams
from chipstack.cashier.peg import PriceAttestation, verify_price
from chipstack.cashier.redemption import PayoutPlan, check_payout, plan_payout
from chipstack.cashier.settlement import (
    MAX_TABLE_DEPOSITS,
    Settlement,
    SignedSettlement,
    check_signed,
)
from chipstack.chain.notary import NotarySet
from chipstack.chain.tx import OutPoint, Tx
from chipstack.errors import Reason, Rejected, require


class Status(StrEnum):
    """Where a table is in its life ([CASH-24])."""

    OPEN = "open"
    CLOSING = "closing"
    CLOSED = "closed"
    REDEEMED = "redeemed"


@dataclass(frozen=True)
class Position:
    """The authoritative balances: from a fully signed settlement or a replayed dispute."""

    seq: int
    time: int
    seats: tuple[bytes, ...]
    balances: tuple[int, ...]
    deposits: tuple[OutPoint, ...]
    game_hash: bytes
    dispute: DisputeResult | None = None


@dataclass(frozen=True)
class Issued:
    """One issued deposit: its certificate and the coins behind it."""

    certificate: Certificate
    amount: int
    height: int


@dataclass
class TableBook:
    """Everything a cashier knows about one table (sections 3-6 of spec/04-cashier.md)."""

    table: TableParams
    notaries: NotarySet
    game: GameRules | None = None
    created: int = 0
    issued: dict[OutPoint, Issued] = field(default_factory=dict)
    nonces: set[tuple[bytes, bytes]] = field(default_factory=set)
    position: Position = field(init=False)
    settled: Position = field(init=False)
    status: Status = Status.OPEN
    closing_since: int = 0
    redeemed: dict[tuple[bytes, int], bytes] = field(default_factory=dict)
    paid_chips: int = 0

    def __post_init__(self) -> None:
        self.position = Position(0, self.created, (), (), (), bytes(32))
        self.settled = self.position  # the newest fully signed settlement: disputes start here

    @property
    def table_id(self) -> bytes:
        """The table id ([CASH-2])."""
        return self.table.table_id

    # ------------------------------------------------------------------ issue

    def issue(
        self, cert: Certificate, proof: DepositProof, price: PriceAttestation | None = None
    ) -> None:
        """Accept chips for a deposit: a valid certificate for a verified, unissued deposit.

        Rules [CASH-11] .. [CASH-13] in this order: table open; room for a deposit; the certificate;
        the deposit proof for the certificate's player; same outpoint and chips;
        the outpoint not issued before; the nonce fresh; the join sequence
        after the authoritative one.
        """
        require(self.status == Status.OPEN, Reason.CASHIER_TABLE_CLOSED, self.status.value)
        require(  # [CASH-13]: a settlement lists at most this many deposits
            len(self.issued) < MAX_TABLE_DEPOSITS,
            Reason.CASHIER_TABLE_FULL,
            f"{MAX_TABLE_DEPOSITS} deposits",
        )
        verify_certificate(cert, self.table)
        req = cert.request
        facts = verify_deposit(proof, self.table, self.notaries, req.player, price)
        require(facts.outpoint == req.outpoint, Reason.CASHIER_WRONG_OUTPUT, "another outpoint")
        require(facts.chips == req.chips, Reason.CASHIER_WRONG_CHIPS, f"{facts.chips} chips")
        require(req.outpoint not in self.issued, Reason.CASHIER_DOUBLE_ISSUE, "issued already")
        require(  # [CASH-4]
            (facts.player, facts.nonce) not in self.nonces,
            Reason.CASHIER_REPLAYED_NONCE,
            "a deposit nonce is used once",
        )
        require(
            req.join_seq > self.position.seq,
            Reason.CASHIER_STALE_REQUEST,
            f"join at {req.join_seq}, settled at {self.position.seq}",
        )
        self.issued[req.outpoint] = Issued(cert, facts.amount, facts.height)
        self.nonces.add((facts.player, facts.nonce))

    def funded(self) -> set[bytes]:
        """Players with at least one issued deposit at this table ([CASH-36])."""
        return {i.certificate.request.player for i in self.issued.values()}

    def chips_issued(self) -> int:
        """Total chips ever issued at this table."""
        return sum(i.certificate.request.chips for i in self.issued.values())

    # ----------------------------------------------------------------- settle

    def check_settlement(self, ss: SignedSettlement) -> Settlement:
        """Check a settlement against the book without applying it ([CASH-21] .. [CASH-23])."""
        s = check_signed(ss, self.table_id)
        require(
            s.seq > self.position.seq,
            Reason.CASHIER_STALE_SETTLEMENT,
            f"seq {s.seq} <= authoritative {self.position.seq}",
        )
        self._check_position(s.seq, s.seats, s.balances, s.deposits)
        return s

    def _check_position(
        self, seq: int, seats: tuple[bytes, ...], balances: tuple[int, ...],
        deposits: tuple[OutPoint, ...], settlement: bool = True,
    ) -> None:  # fmt: skip
        require(len(set(deposits)) == len(deposits), Reason.CASHIER_UNKNOWN_DEPOSIT, "repeated")
        for op in deposits:
            require(op in self.issued, Reason.CASHIER_UNKNOWN_DEPOSIT, "not issued at this table")
        listed = set(deposits)
        for op in self.position.deposits:
            require(op in listed, Reason.CASHIER_DROPPED_DEPOSIT, "a settled deposit left out")
        for op, i in self.issued.items():  # a dispute result keeps its base's deposits
            if settlement and i.certificate.request.join_seq <= seq:
                require(op in listed, Reason.CASHIER_DROPPED_DEPOSIT, "a joined deposit left out")
        chips = sum(self.issued[op].certificate.request.chips for op in deposits)
        require(
            sum(balances) == chips,
            Reason.CASHIER_BALANCES_NOT_SUMMING,
            f"balances sum to {sum(balances)}, deposits to {chips}",
        )
        payers = {self.issued[op].certificate.request.player for op in deposits}
        for seat, chips_held in zip(seats, balances, strict=True):
            require(
                chips_held == 0 or seat in payers,
                Reason.CASHIER_UNFUNDED_PLAYER,
                "a seat that paid nothing in holds chips",
            )
        seated = set(seats)
        for op in listed - set(self.position.deposits):  # [CASH-25]
            require(
                self.issued[op].certificate.request.player in seated,
                Reason.CASHIER_MISSING_SIGNATURE,
                "a new deposit's player must be seated and sign",
            )

    def settle(self, ss: SignedSettlement) -> None:
        """Make a newer fully signed settlement authoritative ([CASH-22]); close if it says so."""
        require(self.status == Status.OPEN, Reason.CASHIER_TABLE_CLOSED, self.status.value)
        s = self.check_settlement(ss)
        self._set_settled(s)
        if s.closing:
            self.status = Status.CLOSED

    # ---------------------------------------------------------------- dispute

    def close(self, now: int, claim: SignedSettlement | Dispute | None = None) -> None:
        """Start closing a silent table ([CASH-31]): anyone, once the dispute timeout has passed.

        ``claim`` (optional) is a newer settlement or a dispute, applied as a
        challenge would be. The challenge window is one more timeout.
        """
        require(self.status == Status.OPEN, Reason.CASHIER_TABLE_CLOSED, self.status.value)
        due = self.position.time + self.table.dispute_timeout
        require(now >= due, Reason.CASHIER_DISPUTE_TOO_EARLY, f"not before {due}")
        if claim is not None:
            self._claim(claim, now)
        self.status = Status.CLOSING
        self.closing_since = now

    def challenge(self, now: int, claim: SignedSettlement | Dispute) -> None:
        """Replace the closing position by a better claim inside the window ([CASH-35])."""
        require(self.status == Status.CLOSING, Reason.CASHIER_TABLE_NOT_CLOSED, "not closing")
        end = self.closing_since + self.table.dispute_timeout
        require(now < end, Reason.CASHIER_TABLE_CLOSED, f"the window ended at {end}")
        self._claim(claim, now)

    def _claim(self, claim: SignedSettlement | Dispute, now: int) -> None:
        if isinstance(claim, SignedSettlement):
            self._set_settled(self.check_settlement(claim))
            return
        result = self.check_dispute(claim, now)
        base = claim.base.settlement
        if base.seq > self.settled.seq:  # [CASH-32]: a base once shown is the newest settlement
            self.settled = Position(
                base.seq, base.time, base.seats, base.balances, base.deposits, base.game_hash
            )
        self.position = Position(
            result.seq, result.time, result.seats, result.balances,
            base.deposits, result.game_hash, result,
        )  # fmt: skip

    def _set_settled(self, s: Settlement) -> None:
        self.position = Position(s.seq, s.time, s.seats, s.balances, s.deposits, s.game_hash)
        self.settled = self.position

    def check_dispute(self, claim: Dispute, now: int) -> DisputeResult:
        """Replay a dispute; check it beats the current position ([CASH-32] .. [CASH-35])."""
        if self.game is None:
            raise Rejected(Reason.CASHIER_DISPUTE_BAD_GAME, "the table's game is not loaded")
        base = check_signed(claim.base, self.table_id)
        anchor = self.settled
        same = (base.seq, base.seats, base.balances, base.deposits) == (
            anchor.seq, anchor.seats, anchor.balances, anchor.deposits,
        )  # fmt: skip
        if not same:  # a newer settlement than the book has seen starts the dispute
            require(  # [CASH-32]: never from a base older than one shown, even by a dispute
                base.seq > anchor.seq, Reason.CASHIER_STALE_SETTLEMENT, "older base"
            )
            self._check_position(base.seq, base.seats, base.balances, base.deposits)
        result = replay_dispute(claim, self.table_id, self.game, self.table.penalty, self.funded())
        require(result.time <= now, Reason.CASHIER_DISPUTE_TOO_EARLY, "late events")  # [CASH-33]
        standing = self.position.dispute
        if standing is not None:
            require(refutes(result, standing), Reason.CASHIER_STALE_SETTLEMENT, "not better")
        else:
            require(result.seq > self.position.seq, Reason.CASHIER_STALE_SETTLEMENT, "no newer")
        self._check_position(result.seq, result.seats, result.balances, base.deposits, False)
        return result

    def finalize(self, now: int) -> None:
        """End the challenge window ([CASH-31]); the position becomes final."""
        require(self.status == Status.CLOSING, Reason.CASHIER_TABLE_NOT_CLOSED, "not closing")
        end = self.closing_since + self.table.dispute_timeout
        require(now >= end, Reason.CASHIER_DISPUTE_TOO_EARLY, f"not before {end}")
        self.status = Status.CLOSED

    # ----------------------------------------------------------------- redeem

    def final_balances(self) -> tuple[tuple[bytes, ...], tuple[int, ...]]:
        """Seats and chips to pay: the position, plus issued chips it does not count ([CASH-40]).

        A deposit issued but never settled is refunded to its player, who is
        added as a seat after the seated players when not seated already.
        """
        seats, balances = list(self.position.seats), list(self.position.balances)
        counted = set(self.position.deposits)
        for op in sorted(self.issued):
            if op in counted:
                continue
            req = self.issued[op].certificate.request
            if req.player not in seats:
                seats.append(req.player)
                balances.append(0)
            balances[seats.index(req.player)] += req.chips
        return tuple(seats), tuple(balances)

    def plan(
        self, price: PriceAttestation | None = None, reserve: tuple[OutPoint, int] | None = None
    ) -> PayoutPlan:
        """The one payout this closed table allows ([CASH-40], [CASH-41], [CASH-53])."""
        require(self.status == Status.CLOSED, Reason.CASHIER_TABLE_NOT_CLOSED, self.status.value)
        seats, balances = self.final_balances()
        deposits = [(op, i.amount) for op, i in self.issued.items()]
        p = 0
        if self.table.peg is not None:
            if price is None:
                raise Rejected(Reason.CASHIER_BAD_PRICE, "a pegged redemption needs a price")
            p = verify_price(price, self.notaries, self.table.chain_id, price.block_hash)
            newest = max((i.height for i in self.issued.values()), default=0)
            require(price.height >= newest, Reason.CASHIER_BAD_PRICE, "older than a deposit")
        return plan_payout(self.table, self.position.seq, seats, balances, deposits, p, reserve)

    def redeem(
        self,
        tx: Tx,
        price: PriceAttestation | None = None,
        reserve: tuple[OutPoint, int] | None = None,
    ) -> PayoutPlan:
        """Record the payout of this table once ([CASH-42], [CASH-44]); return its plan."""
        key = (self.table_id, self.position.seq)
        require(key not in self.redeemed, Reason.CASHIER_ALREADY_REDEEMED, "redeemed already")
        plan = self.plan(price, reserve)
        check_payout(tx, plan, self.table)
        self.redeemed[key] = tx.txid
        self.paid_chips = sum(self.final_balances()[1])
        self.status = Status.REDEEMED
        return plan

    # ---------------------------------------------------------- conservation

    def check_conservation(self) -> None:
        """[CASH-60]: chips at the table plus chips paid out equal chips issued, always."""
        issued = self.chips_issued()
        at_table = 0 if self.status == Status.REDEEMED else sum(self.final_balances()[1])
        if at_table + self.paid_chips != issued:
            raise AssertionError(f"conservation: {at_table} + {self.paid_chips} != {issued}")
