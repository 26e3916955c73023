"""One hand at one node: fair dealing interleaved with hold'em betting, faults and outcome.

Spec: ``spec/08-table.md`` sections 3 to 6. A :class:`HandRound` holds the node's
dealing state (:class:`chipstack.dealing.hand.Hand`) and its copy of the hold'em
machine (:class:`chipstack.poker.hand.Hand`), takes every hand event the other seats
publish, checks it at once, and says what this node must publish next. The betting
machine carries deck *positions* as its cards ([TABLE-10]); the real cards, opened by
the dealing protocol, decide the showdown ([TABLE-11]).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

from chipstack.crypto import PrivateKey, Tag, tagged_hash
from chipstack.dealing.hand import (
    STAGES,
    Fault,
    Phase,
    Status,
    hole_positions,
    settle_void,
    stage_positions,
)
from chipstack.dealing.hand import Hand as DealtHand
from chipstack.dealing.local import tamper_for
from chipstack.dealing.messages import (
    SharesMessage,
    decode_message,
    from_event_argument,
    to_event_argument,
)
from chipstack.dealing.randomness import Randomness
from chipstack.errors import Reason, Rejected, require
from chipstack.fsm.event import Arg, Event, decode_event, sign_event, verify_event_signature
from chipstack.fsm.expr import BYTES, ListType
from chipstack.poker.evaluator import hand_value
from chipstack.poker.hand import Hand as BettingHand
from chipstack.poker.hand import HandView
from chipstack.poker.pots import side_pots, split_pots
from chipstack.poker.table import forced_bets
from chipstack.table.bots import choose
from chipstack.table.config import TableConfig

T = TypeVar("T")

#: The name of the FSM event that carries a dealing message ([TABLE-6]).
DEAL_EVENT = "deal"
_CHUNKS = ListType(BYTES)


def hand_id(table_id: bytes, number: int) -> bytes:
    """The id of hand ``number`` (from 1) of table ``table_id`` ([TABLE-4])."""
    return tagged_hash(Tag.TABLE_HAND, table_id + number.to_bytes(4, "little"))  # [TABLE-4]


def stream_seed(key: PrivateKey, table_id: bytes, seat: int, number: int) -> bytes:
    """Seat ``seat``'s dealing stream seed for hand ``number``, from its own key ([TABLE-5]).

    Secret to the seat, fresh for every table and hand, and the same after a restart.
    """
    data = key.seed + table_id + seat.to_bytes(1, "little") + number.to_bytes(4, "little")
    return tagged_hash(Tag.TABLE_STREAM, data)  # [TABLE-5]


def dealer_key(hid: bytes) -> PrivateKey:
    """The hand's public dealer key: every node makes the dealer's events itself ([TABLE-10])."""
    return PrivateKey.from_label("chipstack/table/dealer/" + hid.hex())


def deal_event(instance_id: bytes, hid: bytes, raw: bytes, key: PrivateKey) -> Event:
    """The FSM event that carries dealing message ``raw`` ([TABLE-6], [DEAL-57])."""
    ev = Event(instance_id, 0, hid, DEAL_EVENT, (Arg("msg", _CHUNKS, to_event_argument(raw)),),
               key.public_key.raw, 0)
    return sign_event(ev, key)


def _ints(hand: BettingHand, name: str) -> list[int]:
    value = hand.var(name)
    assert isinstance(value, tuple)
    return [v for v in value if isinstance(v, int)]


def _bools(hand: BettingHand, name: str) -> list[bool]:
    value = hand.var(name)
    assert isinstance(value, tuple)
    return [v is True for v in value]


def open_deal_event(ev: Event, instance_id: bytes, hid: bytes) -> bytes:
    """The dealing message a ``deal`` event carries, after checking its form ([TABLE-6]).

    Order: the event's fields (``table.bad_message`` unless instance, seq 0, previous
    hash = hand id, time 0 and the one ``msg: list<bytes>`` argument are as stated),
    then its signature (``fsm.bad_signature``), then the chunks ([DEAL-57]).
    """
    require(ev.instance_id == instance_id and ev.name == DEAL_EVENT and ev.seq == 0
            and ev.prev_hash == hid and ev.time == 0 and len(ev.args) == 1
            and ev.args[0].name == "msg" and ev.args[0].type == _CHUNKS,
            Reason.TABLE_BAD_MESSAGE, "not a deal event of this hand")  # [TABLE-6]
    verify_event_signature(ev)
    value = ev.args[0].value
    assert isinstance(value, tuple)
    return from_event_argument([c for c in value if isinstance(c, bytes)])  # [DEAL-57]


@dataclass(frozen=True)
class Out:
    """A hand event this node publishes: the encoded FSM event and its destination seat."""

    event: bytes
    to: int | None = None


@dataclass
class Outcome:
    """How a hand ended at this node ([TABLE-8], [TABLE-11], [DEAL-55]).

    ``stacks`` are the chips of the seats that played (in table seat order of
    ``playing``) after the hand; ``faulty`` and ``winners`` are table seats.
    """

    void: bool
    stacks: tuple[int, ...]
    faulty: frozenset[int]
    proven: bool
    winners: tuple[int, ...]
    faults: tuple[str, ...]
    game_hash: bytes
    board: tuple[int, ...]


@dataclass
class HandRound:
    """Hand ``number`` as seen by one node (seat ``me``, or ``None`` for an observer)."""

    config: TableConfig
    table_id: bytes
    number: int
    playing: list[int]
    stacks: list[int]
    button: int
    seat_keys: Sequence[bytes]
    me: int | None
    key: PrivateKey | None
    now: float
    cpu: float = 0.0
    dealing_bytes: int = 0
    started: float = 0.0
    outcome: Outcome | None = None
    finished: float = 0.0
    _sent: set[tuple[object, ...]] = field(default_factory=set)
    _actor_since: tuple[int, float] | None = None
    _deal_since: float | None = None
    _faults: list[tuple[int | None, str, str, bool]] = field(default_factory=list)
    _seen: set[bytes] = field(default_factory=set)
    _holes: set[tuple[int, int]] = field(default_factory=set)
    _shown: set[int] = field(default_factory=set)
    _mucked: set[int] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.id = hand_id(self.table_id, self.number)
        self.started = self.now
        n = len(self.playing)
        self.idx = {s: i for i, s in enumerate(self.playing)}
        self.mine = self.idx.get(self.me) if self.me is not None else None
        timeout_ms = int(self.config.timeout * 1000)
        secret, seed = None, None
        if self.mine is not None and self.me is not None and self.key is not None:
            stream = stream_seed(self.key, self.table_id, self.me, self.number)
            secret, seed = Randomness(stream).scalar(), tagged_hash(Tag.TABLE_STREAM, stream)
        self.dealing = DealtHand(self.id, n, self._ms(self.now), timeout_ms, me=self.mine,
                                 secret=secret, seed=seed)
        _, blinds = forced_bets(n, self.button, self.config.small_blind, self.config.big_blind)
        self.dealer = dealer_key(self.id)
        self.betting = BettingHand(
            list(self.stacks), blinds=blinds, button=self.button, auto=False,
            created=self.number, keys=[self.key] if self.key is not None and self.mine is not None
            else None, dealer=self.dealer, seat_keys=[self.seat_keys[s] for s in self.playing],
        )  # fmt: skip
        self._author_of = {self.seat_keys[s]: s for s in self.playing}

    # ------------------------------------------------------------------ helpers

    @staticmethod
    def _ms(now: float) -> int:
        return round(now * 1000)

    def _timed(self, fn: Callable[[], T]) -> T:
        start = time.process_time()
        try:
            return fn()
        finally:
            self.cpu += time.process_time() - start

    @property
    def silent(self) -> bool:
        """Whether this node's seat stages the silent fault in this hand (after its key)."""
        return self.me is not None and self.config.silent == self.me and (
            self.number >= self.config.fault_hand)

    def _cheats(self, kind: str) -> bool:
        return (self.me is not None and self.config.cheat == self.me
                and self.number == self.config.fault_hand and self.config.cheat_kind == kind)

    # ------------------------------------------------------------------ receiving

    def receive(self, raw_event: bytes, author: bytes, now: float) -> None:
        """Take one hand event signed by ``author``; raise :class:`Rejected` to refuse it.

        ``table.not_due`` and ``dealing.out_of_turn`` mean "not yet": the caller keeps
        the item and offers it again later.
        """
        require(self.outcome is None, Reason.TABLE_STALE, "the hand is over")
        seat = self._author_of.get(author)
        require(seat is not None, Reason.TABLE_UNKNOWN_AUTHOR, "not a seat of this hand")
        assert seat is not None
        ev = decode_event(raw_event)
        require(ev.signer == author, Reason.TABLE_UNKNOWN_AUTHOR, "event signer != item author")
        require(ev.instance_id == self.betting.instance.id, Reason.TABLE_STALE, "another hand")
        if ev.name == DEAL_EVENT:
            self._take_deal(ev, seat, now)
        else:
            self._take_bet(ev, now)

    def _take_deal(self, ev: Event, seat: int, now: float) -> None:
        raw = open_deal_event(ev, self.betting.instance.id, self.id)
        fault = self._timed(lambda: self.dealing.receive(raw, self.idx[seat], self._ms(now)))
        if fault is not None:
            self._note(fault)
        else:
            self._count_hole(raw)
        if ev.id not in self._seen:
            self._seen.add(ev.id)
            self.dealing_bytes += len(raw)

    def _take_bet(self, ev: Event, now: float) -> None:
        state = self.betting.machine.state
        if self.betting.machine.state.name == "dealing" or ev.seq > state.seq + 1:
            raise Rejected(Reason.TABLE_NOT_DUE, f"event {ev.seq} not due yet")
        require(ev.seq == state.seq + 1, Reason.TABLE_STALE, f"event {ev.seq} is past")
        self.betting.take(ev)  # [TABLE-7]: the hold'em machine checks every action

    def _note(self, fault: Fault) -> None:
        seat = None if fault.seat is None else self.playing[fault.seat]
        self._faults.append((seat, fault.reason.value, fault.rule, fault.proven))

    # ------------------------------------------------------------------ acting

    def step(self, now: float) -> list[Out]:
        """Everything this node can do now: publish its due messages, act, finish the hand."""
        out: list[Out] = []
        while self.outcome is None and self._step_once(now, out):
            pass
        return out

    def _publish_deal(self, raw: bytes, now: float, out: list[Out], to: int | None = None) -> None:
        assert self.key is not None
        ev = deal_event(self.betting.instance.id, self.id, raw, self.key)
        self._seen.add(ev.id)
        self.dealing_bytes += len(raw)
        # the author takes its own message like everyone else ([DEAL-45] order); after a
        # restart it may hold the same bytes already ([TABLE-5]): nothing more to do
        try:
            fault = self._timed(lambda: self.dealing.receive(raw, self.mine or 0, self._ms(now)))
        except Rejected as exc:
            require(exc.reason is Reason.DEALING_DUPLICATE_MESSAGE, exc.reason, exc.detail)
            out.append(Out(ev.encode(), to))
            return
        if fault is not None:
            self._note(fault)
        else:
            self._count_hole(raw)
        out.append(Out(ev.encode(), to))

    def _count_hole(self, raw: bytes) -> None:
        """Note a taken message of hole shares (to the owner, or a public answer)."""
        message = decode_message(raw)
        if not isinstance(message, SharesMessage):
            return
        n = len(self.playing)
        owner = message.positions[0] % n
        if message.positions != hole_positions(owner, n):
            return
        if message.sender != owner:
            self._holes.add((message.sender, owner))
        else:
            self._shown.add(owner)  # its cards shown at showdown ([DEAL-52])

    def names_me_for_equivocation(self) -> bool:
        """Whether this node found two versions of one of its own messages ([TABLE-5])."""
        return any(seat == self.me and reason == Reason.DEALING_EQUIVOCATION.value
                   for seat, reason, _, _ in self._faults)

    @property
    def holes_dealt(self) -> bool:
        """Whether this node took every seat's hole shares for every other seat ([TABLE-10])."""
        n = len(self.playing)
        return len(self._holes) == n * (n - 1)

    def _step_once(self, now: float, out: list[Out]) -> bool:
        d = self.dealing
        if d.status is Status.VOID:
            self._finish_void(now)
            return False
        me = self.mine
        acting = me is not None and self.key is not None
        if acting and ("key",) not in self._sent:
            self._sent.add(("key",))
            raw = self._timed(d.key_message)
            self._publish_deal(raw, now, out)
            return True
        quiet = not acting or self.silent
        shuffle_due = d.phase is Phase.SHUFFLE and d.turn == me
        if not quiet and shuffle_due and ("shuffle",) not in self._sent:
            self._sent.add(("shuffle",))
            raw = self._timed(d.shuffle_message)
            if self._cheats("bad_shuffle"):
                raw = tamper_for("bad_shuffle", 0)(0, "shuffle", raw)
            self._publish_deal(raw, now, out)
            return True
        if d.phase is not Phase.DEAL:  # [TABLE-8]: keys, shuffles, then hole shares
            return False
        if self._deal_since is None:
            self._deal_since = now
        if not quiet and ("hole",) not in self._sent:
            self._sent.add(("hole",))
            if self._cheats("withhold"):  # sends no hole shares, answers no complaint
                return True
            messages = self._timed(d.hole_messages)
            for k, (owner, raw) in enumerate(sorted(messages.items())):
                if k == 0 and self._cheats("bad_share"):
                    raw = tamper_for("bad_hole", 0)(0, "hole", raw)
                self._publish_deal(raw, now, out, to=self.playing[owner])
                if d.status is not Status.RUNNING:
                    break
            return True
        b = self.betting
        if b.machine.state.name == "dealing":
            if not self.holes_dealt:  # [TABLE-10]: betting opens once every hole card is dealt
                return False
            n = len(self.playing)
            b.deal_hole([p for i in range(n) for p in hole_positions(i, n)])  # [TABLE-10]
            return True
        if b.is_over:
            return False
        actor = b.actor
        if actor is not None:
            seq = b.machine.state.seq
            if self._actor_since is None or self._actor_since[0] != seq:
                self._actor_since = (seq, now)
            if actor == me and not quiet and ("bet", seq) not in self._sent:
                self._sent.add(("bet", seq))
                self._bet(out)
                return True
            return False
        for i, folded in enumerate(_bools(b, "folded")):
            if folded:
                d.fold(i)
        nxt = b.dealer_next()
        n = len(self.playing)
        if nxt == "deal_board":  # [TABLE-8]: a street's shares, then its board cards
            stage = STAGES[{0: 0, 3: 1, 4: 2}[len(b.board)]]
            if stage not in d.stages:
                d.open_stage(stage, self._ms(now))
            if not quiet and ("stage", stage) not in self._sent:
                self._sent.add(("stage", stage))
                raw = self._timed(lambda: d.stage_message(stage))
                self._publish_deal(raw, now, out)
                return True
            positions = stage_positions(stage, n)
            if all(p in d.opened for p in positions):
                b.deal_board(list(positions))  # [TABLE-10]
                return True
            return False
        live = [i for i, f in enumerate(_bools(b, "folded")) if not f]
        if len(live) < 2:  # [TABLE-8]: one seat left, the hand is over
            d.finish()
            self._finish_complete(now)
            return False
        if d.showdown is None:
            d.start_showdown(self._ms(now))
        if not quiet and me in live and ("show",) not in self._sent:
            self._sent.add(("show",))
            if self._cheats("no_show"):  # stays in the hand but never shows ([DEAL-52])
                return True
            raw = self._timed(d.showdown_message)
            self._publish_deal(raw, now, out)
            return True
        # [DEAL-52]: every seat left shows, or is mucked when its time ran out (its own
        # node included, which holds its cards but did not show them)
        if d.status is Status.COMPLETE or all(i in self._shown for i in live):
            d.finish()
            self._finish_complete(now)
        return False

    def _bet(self, out: list[Out]) -> None:
        assert self.mine is not None and self.me is not None
        b = self.betting
        cards = self.dealing.cards_of(self.mine)
        seed = self.config.seed + self.id + b.machine.state.seq.to_bytes(4, "little")
        c = choose(self.config.bot(self.me), b.legal_actions(), cards, seed)
        before = len(b.events)
        b.act(c.kind, c.amount)
        out.extend(Out(ev.encode()) for ev in b.events[before:] if ev.signer != self.dealer
                   .public_key.raw)

    def view(self) -> HandView:
        """This node's view of the hand with real cards: the hold'em machine's snapshot,
        its board and hole cards replaced by the cards this node opened (its own seat's,
        the board's, and those shown at showdown); unopened cards are left out."""
        v = self.betting.view(viewer=self.mine)
        seats = tuple(
            replace(s, hole=tuple(self.dealing.cards_of(i) or ()))
            for i, s in enumerate(v.seats)
        )
        return replace(v, board=tuple(self.dealing.board()), seats=seats)

    # ------------------------------------------------------------------ time

    def tick(self, now: float) -> None:
        """Name every seat whose time ran out ([DEAL-50], [DEAL-52], [TABLE-7])."""
        if self.outcome is not None:
            return
        d = self.dealing
        for fault in self._timed(lambda: d.tick(self._ms(now))):
            if fault.rule != "DEAL-52":
                self._note(fault)
        if d.status is Status.VOID:
            self._finish_void(now)
            return
        if d.showdown is not None and now >= d.showdown[1] / 1000 + self.config.timeout:
            for i in sorted(d.showdown[0] - self._shown):  # [DEAL-52]: mucked
                self._mucked.add(i)
                self._faults.append((self.playing[i], Reason.DEALING_TIMEOUT.value, "DEAL-52",
                                     False))
            d.finish()
        b = self.betting
        if (self.dealing.status is Status.RUNNING and self._actor_since is not None
                and b.actor is not None and b.machine.state.seq == self._actor_since[0]
                and now >= self._actor_since[1] + self.config.timeout):
            seat = self.playing[b.actor]
            self._faults.append((seat, Reason.DEALING_TIMEOUT.value, "TABLE-7", False))
            self._finish_void(now)

    def complaints(self, now: float) -> list[Out]:
        """Complaints about late hole shares ([DEAL-51]) and this seat's public answers."""
        if self.outcome is not None or self.mine is None or self.key is None or self.silent:
            return []
        out: list[Out] = []
        for raw in self._timed(lambda: self.dealing.complaint_messages(self._ms(now))):
            self._publish_deal(raw, now, out)
        d = self.dealing
        if d.status is Status.RUNNING and d.phase is Phase.DEAL and not self._cheats("withhold"):
            owners = sorted(o for o, accused in d.complaints if accused == self.mine)
            new = [o for o in owners if ("answer", o) not in self._sent]
            if new:  # each complaint answered once, with one message ([DEAL-51])
                for owner, raw in zip(owners, self._timed(d.answer_messages), strict=True):
                    if owner in new:
                        self._sent.add(("answer", owner))
                        self._publish_deal(raw, now, out)
        return out

    def next_deadline(self) -> float | None:
        """The next time :meth:`tick` may name a late seat, or ``None``."""
        if self.outcome is not None:
            return None
        t = self.config.timeout
        times = [since / 1000 + t for since in self.dealing.awaited().values()]
        if self._actor_since is not None and self.betting.actor is not None:
            times.append(self._actor_since[1] + t)
        if self._deal_since is not None and self.mine is not None:
            complained = any(o == self.mine for o, _ in self.dealing.complaints)
            if self.dealing.cards_of(self.mine) is None and not complained:
                times.append(self._deal_since + t)  # when to complain ([DEAL-51])
        if self.dealing.showdown is not None:
            times.append(self.dealing.showdown[1] / 1000 + t)
        return min(times) if times else None

    # ------------------------------------------------------------------ outcome

    def _finish_void(self, now: float) -> None:
        """[TABLE-12], [DEAL-55]: committed chips go back, the faulty seats' shared out."""
        committed = _ints(self.betting, "contrib")
        behind = self.betting.stacks
        faulty = {self.idx[s] for s, _, _, _ in self._faults if s is not None}
        paid = settle_void(committed, faulty)  # [TABLE-12], [DEAL-55]
        stacks = tuple(a + p for a, p in zip(behind, paid, strict=True))
        self.outcome = Outcome(
            True, stacks, frozenset(self.playing[i] for i in faulty),
            any(f[3] for f in self._faults), (), self._fault_texts(),
            self.betting.machine.state_hash, tuple(self.dealing.board()),
        )  # fmt: skip
        self.finished = now

    def _finish_complete(self, now: float) -> None:
        """[TABLE-11]: the pots split by the opened cards; a mucked seat has no claim."""
        b, d = self.betting, self.dealing
        folded = [f or i in self._mucked for i, f in enumerate(_bools(b, "folded"))]
        board = d.board()
        holes = [d.cards_of(i) if not f else None for i, f in enumerate(folded)]
        contrib = _ints(b, "contrib")
        dead = b.var("dead")
        assert isinstance(dead, int)
        payouts = showdown_payouts(contrib, folded, holes, board, self.button, dead)
        stacks = tuple(s + p for s, p in zip(b.stacks, payouts, strict=True))
        winners = tuple(self.playing[i] for i, p in enumerate(payouts) if p > contrib[i])
        self.outcome = Outcome(False, stacks, frozenset(), False, winners, self._fault_texts(),
                               b.machine.state_hash, tuple(board))
        self.finished = now

    def _fault_texts(self) -> tuple[str, ...]:
        texts = []
        for seat, reason, rule, _ in self._faults:
            who = "nobody" if seat is None else self.config.name(seat)
            texts.append(f"{who}: {reason} ({rule})")
        return tuple(dict.fromkeys(texts))


def showdown_payouts(
    contrib: Sequence[int],
    folded: Sequence[bool],
    holes: Sequence[tuple[int, int] | None],
    board: Sequence[int],
    button: int,
    dead: int = 0,
) -> list[int]:
    """What each seat wins when a hand completes ([TABLE-11]).

    ``folded`` marks the seats out of the hand (folded, or mucked by [DEAL-52]);
    ``holes`` are the opened hole cards of the others. With one seat left it takes
    every pot; otherwise each seat's value is its best five of seven cards. The pots
    are the machine's side pots of ``contrib`` split as the hold'em machine splits them.
    """
    live = [i for i, f in enumerate(folded) if not f]
    values = [0] * len(folded)
    for i in live:
        hole = holes[i]
        if len(live) == 1:
            values[i] = 1
        else:
            require(hole is not None and len(board) == 5, Reason.POKER_BAD_DEAL,
                    "a live seat's cards and the whole board are needed")
            assert hole is not None
            values[i] = hand_value([*hole, *board])  # [TABLE-11]
    return split_pots(side_pots(contrib, folded, dead), values, button)  # [TABLE-11]

