"""One hand of no-limit hold'em for people: legal actions, acting, a snapshot for widgets.

A :class:`Hand` runs the hold'em machine (``machines/holdem.yaml``) on the
generic FSM engine: every action becomes a signed FSM event, every state is
hashed, and :meth:`Hand.legal_actions` tells a person (or a widget) what the
machine will accept. An action that is not legal is refused with a
``poker.*`` reason before it reaches the machine, so nothing changes.

The dealer is a role of the machine: by default the hand deals from a deck
shuffled with a seed (a stand-in for the fair-dealing protocol) and settles
by itself; ``auto=False`` leaves the dealer's events to the caller (PHH
replay does that with the recorded cards).

Typical use::

    hand = Hand([1000, 1000, 1000], blinds=[5, 10, 0], button=2, seed=7)
    hand.legal_actions()     # [fold, call 10, raise 20..1000]
    hand.act("raise", 30)
    hand.act("fold"); hand.act("call")
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from chipstack.crypto import PrivateKey
from chipstack.errors import Reason, Rejected, require
from chipstack.fsm import Arg, Binding, Event, Instance, Machine, ParamValue
from chipstack.fsm.event import sign_event
from chipstack.fsm.expr import INT, ListType, Value
from chipstack.poker import pots
from chipstack.poker.builtins import DECK_SIZE, POKER_LIBRARY
from chipstack.poker.machines import holdem_id, load_holdem

#: Fewest and most seats in one hand ([HOLDEM-1]).
MIN_SEATS = 2
MAX_SEATS = 10
_INTS = ListType(INT)
#: Action kinds a player may take.
ACTIONS = ("fold", "check", "call", "raise")


@cache
def seat_key(i: int) -> PrivateKey:
    """The default (test) key of seat ``i``: ``PrivateKey.from_label("chipstack/poker/seat/i")``."""
    return PrivateKey.from_label(f"chipstack/poker/seat/{i}")


@cache
def dealer_key() -> PrivateKey:
    """The default (test) key of the dealer role."""
    return PrivateKey.from_label("chipstack/poker/dealer")


@cache
def watcher_key() -> PrivateKey:
    """A key holding no role, for the ``timeout`` events anyone may send ([HOLDEM-17])."""
    return PrivateKey.from_label("chipstack/poker/anyone")


@dataclass(frozen=True)
class LegalAction:
    """One action the player to act may take.

    ``kind`` is ``fold``, ``check``, ``call`` or ``raise``. For ``call``,
    ``amount`` is the chips it puts in (less than the bet when all in). For
    ``raise`` (a bet when nobody has bet), ``min_to`` and ``max_to`` bound the
    street total the player may raise to; ``max_to`` is all in.
    """

    kind: str
    amount: int = 0
    min_to: int = 0
    max_to: int = 0

    def __str__(self) -> str:
        if self.kind == "call":
            return f"call {self.amount}"
        if self.kind == "raise":
            return f"raise to {self.min_to}..{self.max_to}"
        return self.kind


@cache
def _var_names() -> tuple[str, ...]:
    """The hold'em machine's variable names, in the order of a state's values."""
    return tuple(v.name for v in load_holdem().variables)


_FOLD = LegalAction("fold")
_CHECK = LegalAction("check")


@dataclass(frozen=True)
class SeatView:
    """What a seat shows: stack behind, bet this round, chips in the pot, status and cards.

    ``hole`` is empty when the viewer may not see the cards.
    """

    seat: int
    stack: int
    bet: int
    contributed: int
    folded: bool
    all_in: bool
    hole: tuple[int, ...]


@dataclass(frozen=True)
class Step:
    """One accepted event of the hand: its name, signer role, event and resulting state hash.

    ``args`` and ``event_id`` are read from ``event`` when asked for (the id
    is a hash of the event's encoding: a replay that never reads it does not
    pay for it).
    """

    seq: int
    name: str
    by: str
    event: Event
    state_hash: bytes

    @property
    def args(self) -> dict[str, Value]:
        """The event's arguments, by name."""
        return self.event.arg_values()

    @property
    def event_id(self) -> bytes:
        """The event id ([FSM-22])."""
        return self.event.id


@dataclass(frozen=True)
class HandView:
    """A snapshot of a hand for a person or a widget.

    ``pots`` are ``(amount, eligible seats)``, main pot first, from the
    finished betting rounds (the current round's chips are the seats' ``bet``);
    ``actor`` is the seat to act, or ``None``
    when the dealer moves next or the hand is over; ``payouts`` are filled
    once the hand is settled.
    """

    state: str
    street: int
    button: int
    board: tuple[int, ...]
    seats: tuple[SeatView, ...]
    pots: tuple[pots.Pot, ...]
    actor: int | None
    legal: tuple[LegalAction, ...]
    payouts: tuple[int, ...]
    state_hash: bytes
    steps: tuple[Step, ...] = field(default=())


class Hand:
    """One hand of no-limit hold'em run by the FSM engine on the hold'em machine.

    ``stacks``, ``antes`` and ``blinds`` are per seat, in clockwise seat order
    (:func:`chipstack.poker.table.forced_bets` computes antes and blinds for a
    button, heads-up rule included). ``min_bet`` defaults to the largest
    blind. ``deck`` fixes the cards (hole cards two per seat from the top,
    then the board); otherwise ``seed`` shuffles one. ``sign=False`` builds
    unsigned events and skips signature checks (replay benchmarks). ``keys``
    (one per seat) and ``dealer`` sign the events; they default to the test
    keys :func:`seat_key` and :func:`dealer_key`.
    """

    def __init__(
        self,
        stacks: Sequence[int],
        *,
        blinds: Sequence[int],
        antes: Sequence[int] | None = None,
        min_bet: int | None = None,
        button: int = 0,
        deck: Sequence[int] | None = None,
        seed: int | None = None,
        auto: bool = True,
        sign: bool = True,
        created: int = 0,
        keys: Sequence[PrivateKey] | None = None,
        dealer: PrivateKey | None = None,
        seat_keys: Sequence[bytes] | None = None,
    ) -> None:
        n = len(stacks)
        antes = list(antes) if antes is not None else [0] * n
        require(MIN_SEATS <= n <= MAX_SEATS, Reason.POKER_BAD_TABLE, f"{n} seats")
        require(len(blinds) == n and len(antes) == n, Reason.POKER_BAD_TABLE, "one entry per seat")
        require(
            all(type(x) is int for x in (*stacks, *blinds, *antes, button))
            and (min_bet is None or type(min_bet) is int),
            Reason.POKER_BAD_TABLE,
            "stacks, antes, blinds, min_bet and the button are integers (chip units)",
        )
        require(0 <= button < n, Reason.POKER_BAD_TABLE, f"button {button}")
        require(all(s > 0 for s in stacks), Reason.POKER_BAD_TABLE, "every stack must be positive")
        # [HOLDEM-1]: the machine's integers are i64; a pot of 2**63 could never be settled.
        require(sum(stacks) < 2**63, Reason.POKER_BAD_TABLE, "the stacks add up to 2**63 or more")
        require(
            all(x >= 0 for x in (*blinds, *antes)), Reason.POKER_BAD_TABLE, "negative ante or blind"
        )
        self.min_bet = min_bet if min_bet is not None else max(max(blinds), 1)
        require(self.min_bet > 0, Reason.POKER_BAD_TABLE, "min_bet must be positive")
        self.n = n
        self.button = button
        self.auto = auto
        self.sign = sign
        self.starting = tuple(stacks)
        if deck is None and auto:  # (only the automatic dealer deals from the deck)
            cards = list(range(DECK_SIZE))
            random.Random(seed).shuffle(cards)
            deck = cards
        self._deck = list(deck or ())
        self._dealer = dealer or dealer_key()
        signing: list[PrivateKey | None]
        if seat_keys is None:
            require(keys is None or len(keys) == n, Reason.POKER_BAD_TABLE, "one key per seat")
            given = list(keys) if keys is not None else [seat_key(i) for i in range(n)]
            self._pub = [k.public_key.raw for k in given]
            signing = list(given)
        else:  # a node holding one seat's key (or none): the others' events come by :meth:`take`
            require(len(seat_keys) == n, Reason.POKER_BAD_TABLE, "one public key per seat")
            self._pub = [bytes(k) for k in seat_keys]
            own = {k.public_key.raw: k for k in keys or ()}
            signing = [own.get(k) for k in self._pub]
        self._keys: list[PrivateKey | None] = list(signing)
        require(
            len({*self._pub, self._dealer.public_key.raw}) == n + 1,
            Reason.POKER_BAD_TABLE,
            "every seat and the dealer need their own key",
        )
        self._role_of = {k: f"seat {i}" for i, k in enumerate(self._pub)}
        self._role_of[self._dealer.public_key.raw] = "dealer"
        defn = load_holdem()
        params = (
            ParamValue("stacks", _INTS, tuple(stacks)),
            ParamValue("antes", _INTS, tuple(antes)),
            ParamValue("blinds", _INTS, tuple(blinds)),
            ParamValue("min_bet", INT, self.min_bet),
            ParamValue("button", INT, button),
        )
        roles = (
            Binding("dealer", (self._dealer.public_key.raw,)),
            Binding("seats", tuple(self._pub)),
        )
        self.instance = Instance(holdem_id(), params, roles, created)
        self.machine = Machine(defn, self.instance, POKER_LIBRARY)
        self._instance_id = self.instance.id
        self._vars_of: object = None
        self._vars_cache: dict[str, Value] = {}
        self._legal_of: object = None
        self._legal: list[LegalAction] = []
        self.steps: list[Step] = []
        #: Every accepted event, signed, in order (what a cashier dispute replays).
        self.events: list[Event] = []
        if auto:
            self.deal_hole(self._deck[: 2 * n])

    # ------------------------------------------------------------------ state

    def _vars(self) -> dict[str, Value]:
        state = self.machine.state
        if self._vars_of is not state:
            self._vars_cache = dict(zip(_var_names(), state.values, strict=True))
            self._vars_of = state
        return self._vars_cache

    def var(self, name: str) -> Value:
        """Return the current value of the machine variable ``name``."""
        return self._vars()[name]

    def _ints(self, name: str) -> list[int]:
        return list(self.var(name))  # type: ignore[arg-type]

    def settled_pots(self) -> list[list[int]]:
        """The pots of the settlement as ``[amount, seat, ...]`` (empty before)."""
        return [list(p) for p in self.var("pots")]  # type: ignore[union-attr, arg-type]

    def values(self) -> list[int]:
        """Each seat's hand value at the settlement (0 for folded seats; empty before)."""
        return self._ints("values")

    def shown(self) -> list[int]:
        """The order in which the hands left were shown at the settlement ([HOLDEM-14])."""
        return self._ints("shown")

    @property
    def stacks(self) -> list[int]:
        """Chips behind for every seat (after the hand: the final stacks)."""
        return self._ints("stacks")

    @property
    def board(self) -> list[int]:
        """The board cards dealt so far."""
        return self._ints("board")

    @property
    def street(self) -> int:
        """0 pre-flop, 1 flop, 2 turn, 3 river (from the number of board cards)."""
        return {0: 0, 3: 1, 4: 2, 5: 3}[len(self.board)]

    @property
    def actor(self) -> int | None:
        """The seat to act, or ``None`` when the dealer moves next or the hand is over."""
        a = self.var("actor")
        assert isinstance(a, int)
        return None if a < 0 or self.is_over else a

    @property
    def is_over(self) -> bool:
        """Whether the hand is over: settled, or cancelled by a dealer's stall ([HOLDEM-17])."""
        return self.machine.state.name in self.machine.definition.finals

    @property
    def cancelled(self) -> bool:
        """Whether the hand was cancelled (every stack back to its start, [HOLDEM-17])."""
        return self.machine.state.name == "cancelled"

    @property
    def payouts(self) -> list[int]:
        """What each seat won at the settlement (empty before)."""
        return self._ints("payouts")

    def pots(self) -> list[pots.Pot]:
        """The pots of the finished betting rounds, main pot first ([POT-2]).

        The chips bet in the current round are not in them yet: they are each
        seat's ``bet`` in :meth:`view`.
        """
        dead = self.var("dead")
        assert isinstance(dead, int)
        folded = [f is True for f in self.var("folded")]  # type: ignore[union-attr]
        bets = self._ints("bets")
        collected = [c - b for c, b in zip(self._ints("contrib"), bets, strict=True)]
        return pots.side_pots(collected, folded, dead)

    # -------------------------------------------------------------- actions

    def legal_actions(self) -> list[LegalAction]:
        """The actions the player to act may take now (empty when nobody is to act).

        Mirrors the guards of the machine's ``fold``, ``check``, ``call`` and
        ``raise_to`` transitions ([HOLDEM-7] .. [HOLDEM-9]).
        """
        state = self.machine.state
        if self._legal_of is not state:  # the same state has the same legal actions
            self._legal = self._legal_now()
            self._legal_of = state
        return list(self._legal)

    def _legal_now(self) -> list[LegalAction]:
        a = self.actor
        if a is None:
            return []
        v = self._vars()
        stacks: tuple[int, ...] = v["stacks"]  # type: ignore[assignment]
        bets: tuple[int, ...] = v["bets"]  # type: ignore[assignment]
        max_bet: int = v["max_bet"]  # type: ignore[assignment]
        min_raise: int = v["min_raise"]  # type: ignore[assignment]
        out: list[LegalAction] = []
        to_call = max_bet - bets[a]
        if to_call > 0:
            out.append(_FOLD)
            out.append(LegalAction("call", amount=min(to_call, stacks[a])))
        else:
            out.append(_CHECK)
        if self._may_raise(a):
            all_in = bets[a] + stacks[a]
            out.append(LegalAction("raise", min_to=min(max_bet + min_raise, all_in), max_to=all_in))
        return out

    def _may_raise(self, a: int) -> bool:
        v = self._vars()
        stacks: tuple[int, ...] = v["stacks"]  # type: ignore[assignment]
        bets: tuple[int, ...] = v["bets"]  # type: ignore[assignment]
        folded: tuple[bool, ...] = v["folded"]  # type: ignore[assignment]
        max_bet: int = v["max_bet"]  # type: ignore[assignment]
        if bets[a] + stacks[a] <= max_bet or not self._reopened(a):
            return False
        above = sum(
            1 for f, b, s in zip(folded, bets, stacks, strict=True) if not f and b + s > max_bet
        )
        return above >= 2

    def _reopened(self, a: int) -> bool:
        """Whether betting is open to seat ``a`` (WSOP Rule 96/96a, [HOLDEM-9])."""
        v = self._vars()
        faced: tuple[int, ...] = v["faced"]  # type: ignore[assignment]
        max_bet: int = v["max_bet"]  # type: ignore[assignment]
        min_raise: int = v["min_raise"]  # type: ignore[assignment]
        face = faced[a]
        return face < 0 or max_bet - face >= min_raise

    def act(self, kind: str, amount: int | None = None, seat: int | None = None) -> None:
        """Take action ``kind`` for the player to act (``raise`` needs the street total ``amount``).

        ``bet`` is accepted as a synonym of ``raise``. When ``seat`` is given it
        must be the seat to act. An illegal action is refused with a
        ``poker.*`` reason and changes nothing.
        """
        require(not self.is_over, Reason.POKER_HAND_OVER, "the hand is settled")
        a = self.actor
        require(a is not None, Reason.POKER_NOT_YOUR_TURN, "the dealer moves next")
        assert a is not None
        require(seat is None or seat == a, Reason.POKER_NOT_YOUR_TURN, f"seat {a} is to act")
        kind = "raise" if kind == "bet" else kind
        legal = {x.kind: x for x in self.legal_actions()}
        if kind == "raise":
            if "raise" not in legal:
                reopened = self._reopened(a)
                reason = Reason.POKER_ILLEGAL_ACTION if reopened else Reason.POKER_NOT_REOPENED
                raise Rejected(reason, f"seat {a} may not raise")
            r = legal["raise"]
            require(
                type(amount) is int and r.min_to <= amount <= r.max_to,
                Reason.POKER_BAD_AMOUNT,
                f"raise to {amount}: must be {r.min_to}..{r.max_to}",
            )
            assert isinstance(amount, int)
            self._player_event(a, "raise_to", (Arg("amount", INT, amount),))
        else:
            require(kind in legal, Reason.POKER_ILLEGAL_ACTION, f"{kind} is not legal now")
            require(amount is None, Reason.POKER_BAD_AMOUNT, f"{kind} takes no amount")
            self._player_event(a, kind, ())
        self._advance()

    def fold(self) -> None:
        """Fold (only when facing a bet)."""
        self.act("fold")

    def check(self) -> None:
        """Check (only when not facing a bet)."""
        self.act("check")

    def call(self) -> None:
        """Call the bet, or go all in for less."""
        self.act("call")

    def raise_to(self, amount: int) -> None:
        """Bet or raise to a street total of ``amount``."""
        self.act("raise", amount)

    def check_or_call(self) -> None:
        """Check if possible, else call (the PHH ``cc`` action)."""
        self.act("check" if any(x.kind == "check" for x in self.legal_actions()) else "call")

    # -------------------------------------------------------------- dealer

    def _check_cards(self, cards: Sequence[int], count: int) -> None:
        used = [*self._ints("hole"), *self.board]
        require(len(cards) == count, Reason.POKER_BAD_DEAL, f"{len(cards)} cards, need {count}")
        require(
            all(type(c) is int and 0 <= c < DECK_SIZE for c in cards)
            and len(set(cards)) == len(cards) and not set(cards) & set(used),
            Reason.POKER_BAD_DEAL,
            "a card is not 0..51, repeats, or was dealt already",
        )

    def deal_hole(self, cards: Sequence[int]) -> None:
        """The dealer deals two hole cards per seat (seat ``i`` gets ``cards[2i:2i+2]``)."""
        require(self.machine.state.name == "dealing", Reason.POKER_BAD_DEAL, "hole cards dealt")
        self._check_cards(cards, 2 * self.n)  # [HOLDEM-10]
        self._dealer_event("deal_hole", (Arg("cards", _INTS, tuple(cards)),))
        self._advance()

    def deal_board(self, cards: Sequence[int]) -> None:
        """The dealer deals the flop (3 cards), the turn or the river (1 card)."""
        require(self.dealer_next() == "deal_board", Reason.POKER_BAD_DEAL, "no board card due")
        self._check_cards(cards, 3 if not self.board else 1)  # [HOLDEM-11]
        self._dealer_event("deal_board", (Arg("cards", _INTS, tuple(cards)),))
        self._advance()

    def settle(self) -> None:
        """The dealer settles the hand: shows down, splits the pots, pays the winners."""
        require(self.dealer_next() == "settle", Reason.POKER_BAD_DEAL, "the hand is not over")
        self._dealer_event("settle", ())  # [HOLDEM-12]

    def deadline(self) -> int | None:
        """The time at which the current state's clock runs out ([HOLDEM-17]), or ``None``."""
        timeout = self.machine.definition.timeout_in(self.machine.state.name)
        return None if timeout is None else self.machine.state.time + timeout.after

    def time_out(self, key: PrivateKey | None = None) -> None:
        """Send ``timeout`` at the deadline: the stalled player folds or checks, a stalled
        dealer is replaced (settlement) or the hand is cancelled ([HOLDEM-17]).

        Anyone may sign it; ``key`` defaults to :func:`watcher_key`.
        """
        deadline = self.deadline()
        require(deadline is not None, Reason.POKER_HAND_OVER, "the hand is over")
        assert deadline is not None
        self._apply("timeout", (), key or watcher_key(), deadline)
        self._advance()

    def dealer_next(self) -> str | None:
        """What the dealer must do now: ``deal_board``, ``settle`` or ``None``."""
        if self.is_over or self.machine.state.name == "dealing" or self.actor is not None:
            return None
        folded = self.var("folded")
        assert isinstance(folded, tuple)
        if sum(1 for f in folded if not f) >= 2 and len(self.board) < 5:
            return "deal_board"
        return "settle"

    def _advance(self) -> None:
        if not self.auto:
            return
        while (step := self.dealer_next()) is not None:
            if step == "settle":
                self.settle()
                return
            used = 2 * self.n + len(self.board)
            count = 3 if not self.board else 1
            self._dealer_event(
                "deal_board", (Arg("cards", _INTS, tuple(self._deck[used : used + count])),)
            )

    # -------------------------------------------------------------- events

    def _player_event(self, seat: int, name: str, args: tuple[Arg, ...]) -> None:
        key = self._keys[seat]
        require(key is not None, Reason.POKER_NOT_YOUR_TURN, f"no key for seat {seat} here")
        assert key is not None
        self._apply(name, args, key)

    def take(self, event: Event) -> None:
        """Apply a player's signed action made elsewhere (a table node receiving it).

        Only ``fold``, ``check``, ``call`` and ``raise_to`` are taken: the dealer's
        events are made by every node itself. The machine checks the rest (sequence,
        state hash, signer, guard and signature); a refused event changes nothing.
        """
        require(event.name in ("fold", "check", "call", "raise_to"), Reason.POKER_ILLEGAL_ACTION,
                f"{event.name} is not a player's action")
        self.machine.apply(event, check_signature=self.sign)
        self.events.append(event)
        self.steps.append(
            Step(event.seq, event.name, self._role_of.get(event.signer, "anyone"), event,
                 self.machine.state_hash)
        )
        self._advance()

    def _dealer_event(self, name: str, args: tuple[Arg, ...]) -> None:
        self._apply(name, args, self._dealer)

    def _apply(
        self, name: str, args: tuple[Arg, ...], key: PrivateKey, time: int | None = None
    ) -> None:
        m = self.machine
        st = m.state
        ev = Event(
            self._instance_id, st.seq + 1, m.state_hash, name, args,
            key.public_key.raw, st.time + 1 if time is None else time, b"",
        )
        if self.sign:
            ev = sign_event(ev, key)
        m.apply(ev, check_signature=self.sign)
        self.events.append(ev)
        self.steps.append(
            Step(ev.seq, name, self._role_of.get(ev.signer, "anyone"), ev, m.state_hash)
        )

    # -------------------------------------------------------------- views

    def view(self, viewer: int | None = None, reveal: bool = False) -> HandView:
        """Snapshot of the hand; hole cards shown to ``viewer``, at showdown, or if ``reveal``."""
        v = self._vars()
        stacks, bets, contrib = self._ints("stacks"), self._ints("bets"), self._ints("contrib")
        folded, hole = v["folded"], self._ints("hole")
        assert isinstance(folded, tuple)
        shown = set(self._ints("shown"))
        seats = []
        for i in range(self.n):
            visible = reveal or i == viewer or i in shown
            cards = tuple(hole[2 * i : 2 * i + 2]) if visible and hole else ()
            seats.append(
                SeatView(i, stacks[i], bets[i], contrib[i], bool(folded[i]),
                         stacks[i] == 0 and not folded[i] and not self.is_over, cards)
            )
        return HandView(
            state=self.machine.state.name,
            street=self.street,
            button=self.button,
            board=tuple(self.board),
            seats=tuple(seats),
            pots=tuple(self.pots()) if not self.is_over else (),
            actor=self.actor,
            legal=tuple(self.legal_actions()),
            payouts=tuple(self.payouts),
            state_hash=self.machine.state_hash,
            steps=tuple(self.steps),
        )

    def net(self) -> list[int]:
        """Each seat's gain or loss so far (final once the hand is over)."""
        if self.is_over:
            return [s - s0 for s, s0 in zip(self.stacks, self.starting, strict=True)]
        return [-c for c in self._ints("contrib")]
