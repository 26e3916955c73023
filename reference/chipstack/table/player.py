"""A player seat's node: joins, deposits, deals and bets each hand, signs each settlement.

Spec: ``spec/08-table.md``. Sans-IO (:class:`~chipstack.table.engine.Engine`): the
runner feeds items and time; the node answers with the items to publish. Items that
arrive before they can be taken (a later step, a later hand) are kept and offered
again after every change ([TABLE-3]); everything else refused is counted by reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from chipstack.cashier.deposit import deposit_tx
from chipstack.cashier.issuance import Certificate, verify_certificate
from chipstack.cashier.params import TableParams
from chipstack.cashier.settlement import Settlement
from chipstack.chain.conditions import KeyCondition
from chipstack.chain.sighash import sign_input
from chipstack.chain.tx import OutPoint, TxIn, TxOut
from chipstack.crypto import PublicKey, Tag
from chipstack.errors import Reason, Rejected, require
from chipstack.poker.cards import format_card
from chipstack.sync.item import Item
from chipstack.table.config import TableConfig
from chipstack.table.engine import NodeSummary
from chipstack.table.messages import (
    Deposit,
    HandEvent,
    Issued,
    Open,
    Redeemed,
    Sign,
    decode_message,
)
from chipstack.table.node import NodeBase
from chipstack.table.report import HandRecord
from chipstack.table.round import HandRound, Out

#: Reasons that mean "not yet": the item is kept and offered again ([TABLE-3]).
RETRY = frozenset({Reason.TABLE_NOT_DUE, Reason.DEALING_OUT_OF_TURN})
#: Most items a node keeps for later, in all and from one author ([TABLE-3]).
MAX_PENDING = 4096
MAX_PENDING_PER_AUTHOR = 1024


@dataclass
class Agreed:
    """A settlement body this node computed for a hand and the seats' signatures of it."""

    body: bytes
    closing: bool
    signatures: dict[int, bytes]


class PlayerNode(NodeBase):
    """Seat ``seat`` of the table described by ``config``."""

    def __init__(self, config: TableConfig, seat: int) -> None:
        super().__init__(config, config.player_key(seat), config.name(seat), "player", seat)
        self.seat = seat
        self.params: TableParams | None = None
        self.created = 0
        self.issued: dict[int, tuple[OutPoint, int]] = {}
        self.stacks: list[int] = [0] * config.seats
        self.departed: set[int] = set()
        self.number = 0
        self.round: HandRound | None = None
        self.button = -1
        self.agreed: dict[int, Agreed] = {}
        self.records: list[HandRecord] = []
        self.closed = ""
        self.redeemed: tuple[int, ...] | None = None
        self._pending: list[tuple[Item, int]] = []
        self._kept_by: dict[bytes, int] = {}  # how many of the kept items each author signed
        self._deposited = False

    # ------------------------------------------------------------------ engine

    @property
    def done(self) -> bool:
        """Done once the payout of the closed table has been seen."""
        return self.redeemed is not None

    def _start(self, now: float) -> list[Item]:
        """A player waits for the house to open the table (or resumes where it was).

        After a restart whose rebuilt messages differ from the stored ones (the node
        names itself for equivocation), nothing more of that hand is published
        ([TABLE-5]).
        """
        r = self.round
        if r is not None and r.names_me_for_equivocation():
            self._outbox = [i for i in self._outbox if not _of_hand(i, r.number)]  # [TABLE-5]
        return self._retry(now)

    @property
    def progress(self) -> tuple[int, int]:
        """``(hands recorded, hands planned)``, for a runner's progress bar."""
        return (len(self.records), self.config.hands)

    def _take(self, item: Item, now: float) -> list[Item]:
        try:
            out = self._dispatch(item, now)
        except Rejected as exc:
            if exc.reason not in RETRY:
                raise
            self._keep(item)
            return []
        return out + self._retry(now)

    def _keep(self, item: Item) -> None:
        """Keep a "not yet" item, within the bounds of [TABLE-3]."""
        mine = self._kept_by.get(item.author, 0)
        require(len(self._pending) < MAX_PENDING and mine < MAX_PENDING_PER_AUTHOR,
                Reason.TABLE_NOT_DUE, "too many items kept for later")  # [TABLE-3]
        message = decode_message(item.payload)
        hand = message.hand if isinstance(message, (HandEvent, Sign)) else 0
        self._pending.append((item, hand))
        self._kept_by[item.author] = mine + 1

    def _retry(self, now: float) -> list[Item]:
        """Offer the kept items again; those of a hand not started yet wait ([TABLE-3])."""
        out: list[Item] = []
        progress = True
        while progress and self._pending:
            progress = False
            waiting, self._pending = self._pending, []
            for item, hand in waiting:
                if hand > self.number:
                    self._pending.append((item, hand))
                    continue
                try:
                    out += self._dispatch(item, now)
                    progress = True
                except Rejected as exc:
                    if exc.reason in RETRY:
                        self._pending.append((item, hand))
                        continue
                    self.refuse(exc.reason)
                self._kept_by[item.author] -= 1
        return out

    def tick(self, now: float) -> list[Item]:
        """Timeouts of the hand in progress; complaints about late hole shares ([DEAL-51])."""
        r = self.round
        if r is None or r.outcome is not None:
            return []
        r.tick(now)
        outs = r.complaints(now) + r.step(now)
        items = self._hand_items(outs, now)
        return items + self._after_step(now) + self._retry(now)

    def next_deadline(self) -> float | None:
        """The hand's next deadline."""
        return None if self.round is None else self.round.next_deadline()

    def summary(self) -> NodeSummary:
        """This seat's figures and its view of the table."""
        s = self.base_summary()
        s.dealing_cpu = sum(r.dealing_cpu for r in self.records)
        s.hands_done = len(self.records)
        s.balances = {self.config.name(i): c for i, c in enumerate(self.stacks)}
        s.hands = list(self.records)
        s.closed = self.closed
        s.done = self.done
        return s

    # ------------------------------------------------------------------ messages

    def _dispatch(self, item: Item, now: float) -> list[Item]:
        message = decode_message(item.payload)
        if isinstance(message, Open):
            self.require_house(item)
            return self._open(message, now)
        if isinstance(message, Issued):
            self.require_house(item)
            return self._issued(message, now)
        if isinstance(message, Redeemed):
            self.require_house(item)
            require(self.closed != "", Reason.TABLE_NOT_DUE, "the table is not closed here yet")
            self.redeemed = message.chips
            return []
        if isinstance(message, Deposit):
            self.seat_of(item)
            return []  # the house mines it
        seat = self.seat_of(item)
        if isinstance(message, HandEvent):
            return self._event(message, item, now)
        assert isinstance(message, Sign)
        return self._sign(message, seat, now)

    def _open(self, message: Open, now: float) -> list[Item]:
        require(self.params is None, Reason.TABLE_DUPLICATE, "opened already")
        params = TableParams.decode(message.table_params)
        require(len(message.wallets) == self.config.seats, Reason.TABLE_BAD_MESSAGE, "wallets")
        self.params, self.created = params, message.created
        op, amount = message.wallets[self.seat]
        chips = self.config.buy_in
        pay = chips * params.chip_unit
        pub = self.key.public_key
        change = (TxOut(amount - pay, KeyCondition(pub)),)
        nonce = self.key.sign(b"chipstack/table/deposit-nonce" + params.table_id)[:16]
        tx = deposit_tx(params, pub, nonce, pay, (TxIn(op),), change)
        tx = sign_input(tx, 0, [TxOut(amount, KeyCondition(pub))], message.chain_id, [self.key])
        self._deposited = True
        return [self.publish(Deposit(tx.encode()), now)]

    def _issued(self, message: Issued, now: float) -> list[Item]:
        require(self.params is not None, Reason.TABLE_NOT_DUE, "the table is not open yet")
        assert self.params is not None
        cert = Certificate.decode(message.certificate)
        verify_certificate(cert, self.params)  # [TABLE-2]: M-of-N cashier signatures
        req = cert.request
        seat = self.config_seat(req.player)
        require(seat not in self.issued, Reason.TABLE_DUPLICATE, "issued already")
        self.issued[seat] = (req.outpoint, req.chips)
        self.stacks[seat] = req.chips
        if len(self.issued) == self.config.seats and self.number == 0:
            return self._next_hand(now)
        return []

    def _event(self, message: HandEvent, item: Item, now: float) -> list[Item]:
        r = self.round
        if r is None or message.hand > r.number or (r.outcome is not None
                                                    and message.hand == r.number + 1):
            raise Rejected(Reason.TABLE_NOT_DUE, f"hand {message.hand} not started here")
        require(message.hand == r.number, Reason.TABLE_STALE, f"hand {message.hand} is over")
        r.receive(message.event, item.author, now)
        return self._hand_items(r.step(now), now) + self._after_step(now)

    def _sign(self, message: Sign, seat: int, now: float) -> list[Item]:
        agreed = self.agreed.get(message.hand)
        if agreed is None:
            require(message.hand > self.number or self.round is not None,
                    Reason.TABLE_STALE, "no such hand")
            raise Rejected(Reason.TABLE_NOT_DUE, f"hand {message.hand} not settled here yet")
        require(seat not in agreed.signatures, Reason.TABLE_DUPLICATE, "signed already")
        # [TABLE-9]: every seat signs the one settlement every node computes alike
        require(message.body == agreed.body, Reason.TABLE_BAD_SETTLEMENT, "another settlement")
        PublicKey(self.config.player_key(seat).public_key.raw).verify_tagged(
            message.signature, Tag.CASHIER_SETTLEMENT, message.body)
        agreed.signatures[seat] = message.signature
        return self._maybe_next(now)

    # ------------------------------------------------------------------ hands

    def _hand_items(self, outs: list[Out], now: float) -> list[Item]:
        items = []
        r = self.round
        assert r is not None
        for o in outs:
            dest = None if o.to is None else self.config.player_key(o.to).public_key.raw
            items.append(self.publish(HandEvent(r.number, o.event), now, dest))
        return items

    def _after_step(self, now: float) -> list[Item]:
        """Once the hand is over: record it, sign its settlement ([TABLE-8], [TABLE-9])."""
        r = self.round
        if r is None or r.outcome is None or r.number in self.agreed:
            return []
        o = r.outcome
        before = list(self.stacks)
        for s, chips in zip(r.playing, o.stacks, strict=True):
            self.stacks[s] = chips
        if o.void and not o.proven:
            self.departed |= o.faulty  # [TABLE-12], [DEAL-56]: timed-out seats leave
        able = [s for s in range(self.config.seats) if s not in self.departed and self.stacks[s]]
        closing = o.proven or r.number >= self.config.hands or len(able) < 2  # [TABLE-9]
        if closing:
            self.closed = ("closed after a proven fault" if o.proven else
                           "closed: fewer than two seats left" if len(able) < 2 else
                           "closed after the last hand")
        body = self.settlement(r.number, o.game_hash, closing).body()
        self.agreed[r.number] = Agreed(body, closing, {})
        self.records.append(HandRecord(
            r.number, r.id.hex(), "void" if o.void else "complete",
            tuple(self.config.name(s) for s in o.winners),
            {self.config.name(s): self.stacks[s] - before[s] for s in r.playing},
            o.faults, r.finished - r.started, r.cpu, r.dealing_bytes,
            tuple(_card(c) for c in o.board),
        ))  # fmt: skip
        sig = self.key.sign_tagged(Tag.CASHIER_SETTLEMENT, body)
        self.agreed[r.number].signatures[self.seat] = sig
        return [self.publish(Sign(r.number, body, sig), now), *self._maybe_next(now)]

    def settlement(self, number: int, game_hash: bytes, closing: bool) -> Settlement:
        """The settlement after hand ``number`` ([TABLE-9]): every seat, every deposit."""
        assert self.params is not None
        seats = tuple(self.config.player_key(s).public_key.raw for s in range(self.config.seats))
        deposits = tuple(sorted(op for op, _ in self.issued.values()))
        return Settlement(self.params.table_id, number, self.created + number, seats,
                          tuple(self.stacks), deposits, game_hash, closing)

    def _maybe_next(self, now: float) -> list[Item]:
        agreed = self.agreed.get(self.number)
        if agreed is None or len(agreed.signatures) < self.config.seats or agreed.closing:
            return []
        return self._next_hand(now)

    def _next_hand(self, now: float) -> list[Item]:
        assert self.params is not None
        playing = [s for s in range(self.config.seats)
                   if s not in self.departed and self.stacks[s] > 0]
        size = self.config.seats
        self.button = next(s for s in ((self.button + k) % size for k in range(1, size + 1))
                           if s in playing)  # the button moves to the next seat that plays
        self.number += 1
        me = self.seat if self.seat in playing else None
        self.round = HandRound(
            self.config, self.params.table_id, self.number, playing,
            [self.stacks[s] for s in playing], playing.index(self.button),
            [self.config.player_key(s).public_key.raw for s in range(self.config.seats)],
            me, self.key if me is not None else None, now,
        )  # fmt: skip
        items = self._hand_items(self.round.step(now), now)
        return items + self._after_step(now) + self._retry(now)

    def config_seat(self, player: bytes) -> int:
        """The seat whose key is ``player`` (refused with ``table.unknown_author``)."""
        for s in range(self.config.seats):
            if self.config.player_key(s).public_key.raw == player:
                return s
        raise Rejected(Reason.TABLE_UNKNOWN_AUTHOR, "not a seat of this table")


def _of_hand(item: Item, number: int) -> bool:
    """Whether ``item`` is one of this node's events or signatures of hand ``number``."""
    try:
        message = decode_message(item.payload)
    except Rejected:
        return False
    return isinstance(message, (HandEvent, Sign)) and message.hand == number


def _card(c: int) -> str:
    return format_card(c)
