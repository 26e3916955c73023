"""One node's view of one dealt hand: turns, checks, faults, timeouts and the void rule.

Spec: ``spec/07-dealing.md`` sections 6 and 7 ([DEAL-40] .. [DEAL-57]). The object is
sans-IO: it is fed ``(bytes, author, now)`` and asked for the messages its own seat
must send; the betting layer tells it when a street opens, who folded and when the
showdown starts. Every check that fails on a message whose author is known names
that author in a :class:`Fault`; what happens next is :func:`settle_void` and
:attr:`Hand.table_action`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum

from coincurve import PublicKey

from chipstack.dealing.elgamal import DECK_SIZE, Ciphertext, decrypt, opening_deck
from chipstack.dealing.group import mul
from chipstack.dealing.keys import joint_key, proof_context, prove_key, verify_key
from chipstack.dealing.messages import (
    EVERYONE,
    ComplaintMessage,
    KeyMessage,
    Message,
    SharesMessage,
    ShuffleMessage,
    decode_message,
)
from chipstack.dealing.randomness import Randomness
from chipstack.dealing.shares import make_shares, verify_shares
from chipstack.dealing.shuffle import shuffle_and_prove, verify_shuffle
from chipstack.errors import Reason, Rejected
from chipstack.poker.cards import Card

#: The streets whose cards go to everyone, in the order they open.
STAGES = ("flop", "turn", "river")


class Phase(IntEnum):
    """Where a hand is: collecting keys, shuffling, or dealing (shares flow)."""

    KEYS = 0
    SHUFFLE = 1
    DEAL = 2


class Status(StrEnum):
    """Whether the hand is still running, was played out, or was voided by a fault."""

    RUNNING = "running"
    COMPLETE = "complete"
    VOID = "void"


@dataclass(frozen=True)
class Fault:
    """A failure attributed to one seat (``None`` only when no seat can be named)."""

    seat: int | None
    reason: Reason
    rule: str
    detail: str = ""

    @property
    def proven(self) -> bool:
        """True for a fault the author's own signed message proves (all but a timeout)."""
        return self.reason is not Reason.DEALING_TIMEOUT


def hole_positions(seat: int, seats: int) -> tuple[int, int]:
    """Deck positions of ``seat``'s two hole cards: ``seat`` and ``seats + seat`` ([DEAL-46])."""
    return (seat, seats + seat)


def stage_positions(stage: str, seats: int) -> tuple[int, ...]:
    """Deck positions of a street's board cards, right after the hole cards ([DEAL-46])."""
    first = 2 * seats
    return {"flop": (first, first + 1, first + 2), "turn": (first + 3,), "river": (first + 4,)}[
        stage
    ]


def settle_void(committed: Sequence[int], faulty: set[int]) -> list[int]:
    """Chips each seat gets back when a hand is voided ([DEAL-55]).

    A faulty seat gets nothing back; every other seat gets its own committed chips
    plus an equal part of the faulty seats' chips. The remainder goes one chip at a
    time to the other seats in seat order, starting left of the lowest faulty seat.
    The total paid equals the total committed.
    """
    seats = len(committed)
    honest = [s for s in range(seats) if s not in faulty]
    if not faulty or not honest:
        return list(committed)
    forfeit = sum(committed[s] for s in faulty)
    part, left = divmod(forfeit, len(honest))
    back = [0 if s in faulty else committed[s] + part for s in range(seats)]
    start = min(faulty)
    order = sorted(honest, key=lambda s: (s - start) % seats)
    for s in order[:left]:
        back[s] += 1
    return back


class Hand:
    """One node's view of one hand; ``me`` and ``secret`` are set on a seated node.

    ``timeout`` is the time (same unit as ``now``) every awaited seat has to act,
    counted from the moment the step it owes became due ([DEAL-50]).
    """

    def __init__(
        self,
        hand_id: bytes,
        seats: int,
        now: int,
        timeout: int,
        me: int | None = None,
        secret: int | None = None,
        seed: bytes | None = None,
    ) -> None:
        if not 2 <= seats <= 10 or 2 * seats + 5 > DECK_SIZE:
            raise ValueError("2 .. 10 seats")
        self.hand_id, self.seats, self.timeout, self.me = bytes(hand_id), seats, timeout, me
        self._secret = secret
        self._rng = Randomness(seed if seed is not None else os.urandom(32))
        self.phase = Phase.KEYS
        self.status = Status.RUNNING
        self.keys: dict[int, PublicKey] = {}
        self.joint: PublicKey | None = None
        self.deck: list[Ciphertext] = []
        self.turn = 0
        self.faults: list[Fault] = []
        self.folded: set[int] = set()
        self.mucked: set[int] = set()
        self.opened: dict[int, Card] = {}
        self.stages: dict[str, int] = {}
        self.showdown: tuple[set[int], int] | None = None
        self._seen: dict[tuple[object, ...], bytes] = {}
        self._shares: dict[int, dict[int, PublicKey]] = {}
        self._due = {"keys": now}
        self.complaints: dict[tuple[int, int], int] = {}

    # -- what this seat sends --------------------------------------------------------------

    def _my_secret(self) -> tuple[int, int]:
        if self.me is None or self._secret is None:
            raise ValueError("an observer sends nothing")
        return self.me, self._secret

    def key_message(self) -> bytes:
        """This seat's key share and proof ([DEAL-41])."""
        me, x = self._my_secret()
        key, proof = prove_key(x, proof_context(self.hand_id, me), self._rng)
        return KeyMessage(self.hand_id, me, key, proof).encode()

    def shuffle_message(self) -> bytes:
        """This seat's shuffle of the current deck, when it is its turn ([DEAL-47])."""
        me, _ = self._my_secret()
        if self.phase is not Phase.SHUFFLE or self.turn != me or self.joint is None:
            raise ValueError("not this seat's turn to shuffle")
        ctx = proof_context(self.hand_id, me)
        deck, proof = shuffle_and_prove(self.deck, self.joint, ctx, self._rng)
        return ShuffleMessage(self.hand_id, me, tuple(deck), proof).encode()

    def _shares_message(self, positions: tuple[int, ...], recipient: int) -> bytes:
        me, x = self._my_secret()
        firsts = [self.deck[p].a for p in positions]
        ctx = proof_context(self.hand_id, me)
        shares, proof = make_shares(x, positions, firsts, ctx, self._rng)
        return SharesMessage(self.hand_id, me, recipient, positions, tuple(shares), proof).encode()

    def hole_messages(self) -> dict[int, bytes]:
        """Shares of every other seat's hole cards, one message per owner ([DEAL-48])."""
        me, _ = self._my_secret()
        self._require_dealing()
        return {
            p: self._shares_message(hole_positions(p, self.seats), p)
            for p in range(self.seats)
            if p != me
        }

    def stage_message(self, stage: str) -> bytes:
        """Shares of a street's board cards, for everyone ([DEAL-49])."""
        self._require_dealing()
        return self._shares_message(stage_positions(stage, self.seats), EVERYONE)

    def showdown_message(self) -> bytes:
        """This seat's own shares of its hole cards, for everyone: its cards shown ([DEAL-52])."""
        me, _ = self._my_secret()
        self._require_dealing()
        return self._shares_message(hole_positions(me, self.seats), EVERYONE)

    def complaint_messages(self, now: int) -> list[bytes]:
        """Complaints about every seat whose hole shares for this seat are late ([DEAL-51])."""
        me, _ = self._my_secret()
        if self.status is not Status.RUNNING or self.phase is not Phase.DEAL:
            return []
        if now < self._due["hole"] + self.timeout:
            return []
        got = [self._shares.get(p, {}) for p in hole_positions(me, self.seats)]
        return [
            ComplaintMessage(self.hand_id, me, q).encode()
            for q in range(self.seats)
            if q != me and (me, q) not in self.complaints and not all(q in g for g in got)
        ]

    def answer_messages(self) -> list[bytes]:
        """This seat's public answers: its shares of each complaining owner's cards ([DEAL-51])."""
        me, _ = self._my_secret()
        self._require_dealing()
        return [
            self._shares_message(hole_positions(owner, self.seats), EVERYONE)
            for owner, accused in sorted(self.complaints)
            if accused == me
        ]

    def _require_dealing(self) -> None:
        if self.phase is not Phase.DEAL:
            raise ValueError("the deck is not dealt yet")

    # -- what the betting layer tells it ---------------------------------------------------

    def open_stage(self, stage: str, now: int) -> None:
        """A street's board cards are now due from every seat ([DEAL-49])."""
        self._require_dealing()
        if stage in self.stages or STAGES[len(self.stages)] != stage:
            raise ValueError(f"{stage} is not the next street")
        self.stages[stage] = now

    def fold(self, seat: int) -> None:
        """``seat`` folded: its hole cards are never opened ([DEAL-52])."""
        self.folded.add(seat)

    def start_showdown(self, now: int) -> None:
        """Every seat that has not folded must now show its cards ([DEAL-52])."""
        self._require_dealing()
        live = {s for s in range(self.seats) if s not in self.folded}
        self.showdown = (live, now)

    # -- receiving ---------------------------------------------------------------------------

    def receive(self, raw: bytes, author: int, now: int) -> Fault | None:
        """Take one message signed by seat ``author``; return the fault it proves, if any.

        Raises :class:`Rejected` (and changes nothing) for a message that is refused
        without blame: another hand's (``dealing.wrong_hand``), a copy of one already
        taken (``dealing.duplicate_message``), one that is not due yet
        (``dealing.out_of_turn``), or any message once the hand is over
        (``dealing.hand_over``). Checks in the order of [DEAL-45].
        """
        try:
            message = decode_message(raw)
        except Rejected as exc:
            return self._fault(author, exc.reason, "DEAL-45", exc.detail)
        if message.hand_id != self.hand_id:
            raise Rejected(Reason.DEALING_WRONG_HAND, "message of another hand")  # [DEAL-45]
        if message.sender != author or author >= self.seats:
            return self._fault(author, Reason.DEALING_WRONG_SENDER, "DEAL-45", "sender != author")
        if self.status is not Status.RUNNING:
            raise Rejected(Reason.DEALING_HAND_OVER, self.status.value)  # [DEAL-45]
        if isinstance(message, ComplaintMessage) and message.accused >= self.seats:
            return self._fault(author, Reason.DEALING_BAD_MESSAGE, "DEAL-51", "accused not seated")
        if isinstance(message, SharesMessage) and not (
            message.recipient < self.seats or message.recipient == EVERYONE
        ):
            return self._fault(author, Reason.DEALING_BAD_MESSAGE, "DEAL-43", "recipient unseated")
        step = _step(message, self.seats)
        if step is None:
            return self._fault(author, Reason.DEALING_BAD_POSITIONS, "DEAL-46", "not a dealt set")
        previous = self._seen.get(step)
        if previous is not None:
            if previous == raw:
                raise Rejected(Reason.DEALING_DUPLICATE_MESSAGE, "already taken")  # [DEAL-45]
            return self._fault(author, Reason.DEALING_EQUIVOCATION, "DEAL-45", "two versions")
        if not self._due_now(message):
            raise Rejected(Reason.DEALING_OUT_OF_TURN, "not due yet")  # [DEAL-45]
        try:
            self._apply(message, now)
        except Rejected as exc:
            # [DEAL-16] a bad opening despite valid proofs names no seat
            blamed = None if exc.reason in _UNATTRIBUTED else author
            return self._fault(blamed, exc.reason, _RULE_OF.get(exc.reason, "DEAL-45"), exc.detail)
        self._seen[step] = bytes(raw)
        return None

    def _due_now(self, message: Message) -> bool:
        if isinstance(message, KeyMessage):
            return self.phase is Phase.KEYS
        if isinstance(message, ShuffleMessage):
            return self.phase is Phase.SHUFFLE and message.sender == self.turn
        if self.phase is not Phase.DEAL:
            return False
        if isinstance(message, ComplaintMessage):
            return True
        positions = message.positions
        for stage in STAGES:
            if positions == stage_positions(stage, self.seats):
                return stage in self.stages
        owner = positions[0] % self.seats
        if message.recipient == owner:
            return True
        if message.sender != owner:  # a public answer to a complaint ([DEAL-51])
            return (owner, message.sender) in self.complaints
        return self.showdown is not None and owner in self.showdown[0]

    def _apply(self, message: Message, now: int) -> None:
        if isinstance(message, KeyMessage):
            verify_key(message.key, message.proof, proof_context(self.hand_id, message.sender))
            self.keys[message.sender] = message.key
            if len(self.keys) == self.seats:
                self.joint = joint_key([self.keys[s] for s in range(self.seats)])  # [DEAL-11]
                self.deck = opening_deck(self.joint)
                self.phase, self._due["shuffle"] = Phase.SHUFFLE, now
        elif isinstance(message, ShuffleMessage):
            assert self.joint is not None
            ctx = proof_context(self.hand_id, message.sender)
            verify_shuffle(self.deck, message.deck, message.proof, self.joint, ctx)  # [DEAL-22]
            self.deck = list(message.deck)
            self.turn += 1
            self._due["shuffle"] = now
            if self.turn == self.seats:
                self.phase, self._due["hole"] = Phase.DEAL, now
                self._add_own_hole_share()
        elif isinstance(message, ComplaintMessage):
            self.complaints[(message.sender, message.accused)] = now  # [DEAL-51]
        else:
            firsts = [self.deck[p].a for p in message.positions]
            ctx = proof_context(self.hand_id, message.sender)
            verify_shares(
                self.keys[message.sender],
                message.positions,
                firsts,
                message.shares,
                message.proof,
                ctx,
            )  # [DEAL-31]
            for p, d in zip(message.positions, message.shares, strict=True):
                self._shares.setdefault(p, {})[message.sender] = d
            self._open_complete(message.positions)

    def _add_own_hole_share(self) -> None:
        if self.me is None or self._secret is None:
            return
        for p in hole_positions(self.me, self.seats):
            share = mul(self.deck[p].a, self._secret)
            assert share is not None
            self._shares.setdefault(p, {})[self.me] = share
        self._open_complete(hole_positions(self.me, self.seats))

    def _open_complete(self, positions: Sequence[int]) -> None:
        for p in positions:
            got = self._shares.get(p, {})
            if p in self.opened or len(got) < self.seats:
                continue
            card = decrypt(self.deck[p], [got[s] for s in range(self.seats)])  # [DEAL-16]
            if card in self.opened.values():
                raise Rejected(Reason.DEALING_DUPLICATE_CARD, f"card {card} twice")  # [DEAL-16]
            self.opened[p] = card

    def _fault(self, seat: int | None, reason: Reason, rule: str, detail: str) -> Fault:
        fault = Fault(seat, reason, rule, detail)
        self.faults.append(fault)
        if self.status is Status.RUNNING:
            self.status = Status.VOID  # [DEAL-55]
        return fault

    # -- time ---------------------------------------------------------------------------------

    def awaited(self) -> dict[int, int]:
        """Seats this node is waiting for, each with the time its step became due ([DEAL-50])."""
        if self.status is not Status.RUNNING:
            return {}
        waiting: dict[int, int] = {}
        if self.phase is Phase.KEYS:
            return {s: self._due["keys"] for s in range(self.seats) if s not in self.keys}
        if self.phase is Phase.SHUFFLE:
            return {self.turn: self._due["shuffle"]}
        for (owner, accused), since in self.complaints.items():  # [DEAL-51]
            if not all(
                accused in self._shares.get(p, {}) for p in hole_positions(owner, self.seats)
            ):
                waiting.setdefault(accused, since)
        for stage, since in self.stages.items():
            for p in stage_positions(stage, self.seats):
                for s in range(self.seats):
                    if s not in self._shares.get(p, {}):
                        waiting.setdefault(s, since)
        return waiting

    def tick(self, now: int) -> list[Fault]:
        """Name every awaited seat whose time ran out ([DEAL-50], [DEAL-52]).

        A seat late with keys, a shuffle or shares voids the hand; a seat late to show
        at showdown only loses its claim to the pot (it is *mucked*, [DEAL-52]).
        """
        late = sorted(s for s, since in self.awaited().items() if now >= since + self.timeout)
        faults = [self._fault(s, Reason.DEALING_TIMEOUT, "DEAL-50", "timed out") for s in late]
        if self.status is Status.RUNNING and self.showdown is not None:
            live, since = self.showdown
            if now >= since + self.timeout:
                for s in sorted(live):
                    if s not in self.mucked and not self._shown(s):
                        self.mucked.add(s)
                        faults.append(Fault(s, Reason.DEALING_TIMEOUT, "DEAL-52", "did not show"))
                self.faults.extend(f for f in faults if f.rule == "DEAL-52")
                self.status = Status.COMPLETE
        return faults

    def _shown(self, seat: int) -> bool:
        """True once ``seat``'s show was taken and its hole cards opened here ([DEAL-52]).

        The show message itself is required, not only the open cards: a seat's own node
        opened its cards at the deal, and must still muck it when it never showed, as
        every other node does.
        """
        return ("shares", seat, seat) in self._seen and all(
            p in self.opened for p in hole_positions(seat, self.seats)
        )

    # -- results ------------------------------------------------------------------------------

    def cards_of(self, seat: int) -> tuple[Card, Card] | None:
        """``seat``'s hole cards if this node has opened them, else ``None``."""
        first, second = hole_positions(seat, self.seats)
        if first in self.opened and second in self.opened:
            return (self.opened[first], self.opened[second])
        return None

    def board(self) -> list[Card]:
        """The board cards opened so far, in deal order."""
        first = 2 * self.seats
        return [self.opened[p] for p in range(first, first + 5) if p in self.opened]

    def finish(self) -> None:
        """The betting layer ended the hand normally (showdown done or all but one folded)."""
        if self.status is Status.RUNNING:
            self.status = Status.COMPLETE

    @property
    def table_action(self) -> str:
        """``close`` after a proven fault, else ``continue`` while two seats remain ([DEAL-56])."""
        if any(f.proven for f in self.faults):
            return "close"
        gone = {f.seat for f in self.faults}
        return "continue" if self.seats - len(gone) >= 2 else "close"


_UNATTRIBUTED = (Reason.DEALING_DUPLICATE_CARD, Reason.DEALING_UNKNOWN_CARD)

_RULE_OF = {
    Reason.DEALING_BAD_KEY_PROOF: "DEAL-10",
    Reason.DEALING_BAD_SHUFFLE_PROOF: "DEAL-22",
    Reason.DEALING_BAD_SHARE_PROOF: "DEAL-31",
    Reason.DEALING_DUPLICATE_CARD: "DEAL-16",
    Reason.DEALING_UNKNOWN_CARD: "DEAL-14",
}


def _step(message: Message, seats: int) -> tuple[object, ...] | None:
    """The protocol step a message fills; ``None`` for shares of a set nobody deals ([DEAL-46])."""
    if isinstance(message, KeyMessage):
        return ("key", message.sender)
    if isinstance(message, ShuffleMessage):
        return ("shuffle", message.sender)
    if isinstance(message, ComplaintMessage):
        return ("complaint", message.sender, message.accused)
    positions = message.positions
    if message.recipient == EVERYONE:
        for stage in STAGES:
            if positions == stage_positions(stage, seats):
                return ("shares", message.sender, stage)
    for owner in range(seats):
        if positions == hole_positions(owner, seats):
            if message.sender != owner and message.recipient in (owner, EVERYONE):
                return ("shares", message.sender, owner, message.recipient)  # [DEAL-48], [DEAL-51]
            if message.recipient == EVERYONE:
                return ("shares", message.sender, owner)  # shown at showdown ([DEAL-52])
    return None
