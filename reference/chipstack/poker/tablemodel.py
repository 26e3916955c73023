"""What the poker widgets show, as plain data: the model behind :mod:`chipstack.poker.widgets`.

A :class:`TableModel` holds one hand at a time, either being *played* at a
:class:`~chipstack.poker.table.Table` (consecutive hands, stacks carried
over) or *replayed* from a PHH record, and a cursor on the hand's
:class:`~chipstack.poker.timeline.HandTimeline`. It answers what a person
sees at the cursor (:meth:`TableModel.seats`, :meth:`TableModel.centre`,
:meth:`TableModel.controls`, :meth:`TableModel.chain`) for the viewer they
chose, and takes their commands (act, step, load a file). Nothing here needs
a browser or a kernel: the tests drive the model and the widgets only render
it. A refused command leaves everything as it was and says why in
:attr:`TableModel.message` (``"poker.bad_amount: raise to 5: must be 20..1000"``).

Typical use::

    model = TableModel(["ann", "bob", "cid"], stack=1000, small_blind=5, big_blind=10, seed=1)
    model.act("call")
    model.step(-1)                       # back one event
    model.load("data/pluribus/30/27.phh")
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from chipstack.errors import Rejected
from chipstack.poker.cards import format_card
from chipstack.poker.hand import HandView, LegalAction, Step
from chipstack.poker.replay import ReplayResult
from chipstack.poker.table import Table
from chipstack.poker.timeline import Frame, HandTimeline

#: Viewer choice: show nobody's hole cards.
NOBODY = "nobody"
#: Viewer choice: show the hole cards of the player to act.
ACTOR = "actor"
#: Viewer choice: show everyone's hole cards.
EVERYONE = "everyone"
Viewer = int | str
#: The bet sizes offered next to the slider, as fractions of the pot (``None``: all in).
SIZES: tuple[tuple[str, Decimal | None], ...] = (
    ("min", Decimal(0)), ("½ pot", Decimal("0.5")), ("pot", Decimal(1)), ("all in", None),
)
#: What a hidden hole card shows.
HIDDEN = "??"


def chip_text(amount: int, unit: Decimal) -> str:
    """``amount`` units of ``unit`` chips as a person writes it (``103875`` at 0.1: ``10387.5``)."""
    value = unit * amount
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


@dataclass(frozen=True)
class SeatDisplay:
    """One seat as shown: name, stack, bet, cards (``??`` when hidden) and status words."""

    seat: int
    name: str
    stack: str
    bet: str
    cards: tuple[str, ...]
    button: bool
    to_act: bool
    folded: bool
    all_in: bool
    won: str

    @property
    def status(self) -> str:
        """A word for the seat's state: ``to act``, ``folded``, ``all in``, ``won X`` or ``""``."""
        if self.to_act:
            return "to act"
        if self.folded:
            return "folded"
        if self.won:
            return f"won {self.won}"
        return "all in" if self.all_in else ""


@dataclass(frozen=True)
class Centre:
    """The middle of the table: board, pots, street and where the hand is."""

    board: tuple[str, ...]
    pots: tuple[str, ...]
    street: str
    state: str
    position: str


@dataclass(frozen=True)
class Controls:
    """The action buttons and the bet-size slider for the cursor's state.

    ``buttons`` are ``(kind, label)`` for each legal action; ``raise_range``
    is ``(min_to, max_to)`` in units, or ``None`` when raising is not legal;
    ``sizes`` are the preset sizes ``(label, raise to)``. Everything is empty
    when nobody can act here (a replay, a past state, the dealer's move).
    """

    buttons: tuple[tuple[str, str], ...]
    raise_range: tuple[int, int] | None
    sizes: tuple[tuple[str, int], ...]
    raise_word: str


@dataclass(frozen=True)
class ChainRow:
    """One event of the hash chain: sequence, event, signer, id, previous and new state hash."""

    seq: int
    event: str
    by: str
    event_id: str
    prev_hash: str
    state_hash: str
    current: bool


_STREETS = ("pre-flop", "flop", "turn", "river")


class TableModel:
    """A hand on the table for people: play it at a :class:`Table` or replay a PHH record.

    ``names`` seat the players of a fresh table with ``stack`` chips each and
    blinds ``small_blind``/``big_blind``; hands are shuffled from ``seed``
    (one more per hand) unless ``deck`` fixes the cards of the first one.
    ``phh_dir`` is where :meth:`phh_files` looks for records to offer.
    """

    def __init__(
        self,
        names: Sequence[str] = ("ann", "bob", "cid"),
        stack: int = 1000,
        small_blind: int = 5,
        big_blind: int = 10,
        seed: int = 0,
        deck: Sequence[int] | None = None,
        phh_dir: str | Path | None = None,
    ) -> None:
        self.table = Table(small_blind, big_blind, seats=max(2, len(names)))
        for name in names:
            self.table.sit(name, stack)
        self.seed = seed
        self.phh_dir = Path(phh_dir) if phh_dir is not None else None
        #: ``"play"`` or ``"replay"``.
        self.mode = "play"
        #: The last command's outcome, or why it was refused.
        self.message = ""
        #: For a replay: the record's file and whether its finishing stacks matched.
        self.source = ""
        self.viewer: Viewer = ACTOR
        self.cursor = 0
        self.unit = Decimal(1)
        self.names: list[str] = []
        #: For a replay: the replay's outcome (recorded and final stacks, why they differ).
        self.result: ReplayResult | None = None
        self._listeners: list[Callable[[], None]] = []
        self._start(deck)

    # ------------------------------------------------------------ plumbing

    def on_change(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` after every command that changes what is shown."""
        self._listeners.append(callback)

    def _changed(self) -> None:
        for callback in self._listeners:
            callback()

    def _refuse(self, exc: Rejected) -> bool:
        self.message = f"{exc.reason.value}: {exc.detail}"
        self._changed()
        return False

    def _start(self, deck: Sequence[int] | None = None) -> None:
        hand = self.table.start_hand(seed=self.seed, deck=deck)
        self.hand = hand
        self.timeline = HandTimeline(hand)
        self.names = []
        for k in range(hand.n):
            seat = self.table.seats[self.table.seat_of(k)]
            assert seat is not None
            self.names.append(seat.name)
        self.mode, self.unit, self.source, self.result = "play", Decimal(1), "", None
        self.cursor = len(self.timeline) - 1

    # ------------------------------------------------------------ where we are

    @property
    def frame(self) -> Frame:
        """The frame under the cursor."""
        return self.timeline.frames[self.cursor]

    @property
    def at_end(self) -> bool:
        """Whether the cursor is on the latest state (the only one a player can act in)."""
        return self.cursor == len(self.timeline) - 1

    def viewer_seat(self) -> int | None:
        """The seat whose hole cards are shown at the cursor (``None``: nobody's, or everyone's)."""
        if isinstance(self.viewer, int):
            return self.viewer
        if self.viewer == ACTOR:
            return self.frame.public.actor
        return None

    def view(self) -> HandView:
        """The hand at the cursor as the chosen viewer sees it."""
        return self.frame.view(self.viewer_seat(), reveal=self.viewer == EVERYONE)

    def chips(self, amount: int) -> str:
        """``amount`` units as chips text."""
        return chip_text(amount, self.unit)

    def seats(self) -> list[SeatDisplay]:
        """Every seat at the cursor, as the viewer sees it."""
        v = self.view()
        out = []
        for s in v.seats:
            if s.hole:
                cards = tuple(format_card(c) for c in s.hole)
            elif s.folded or self.frame.state == "dealing":
                cards = ()
            else:
                cards = (HIDDEN, HIDDEN)
            won = self.chips(v.payouts[s.seat]) if v.payouts and v.payouts[s.seat] else ""
            out.append(SeatDisplay(
                s.seat, self.names[s.seat], self.chips(s.stack), self.chips(s.bet) if s.bet else "",
                cards, s.seat == v.button, s.seat == v.actor, s.folded, s.all_in, won,
            ))
        return out

    def centre(self) -> Centre:
        """Board, pots (main first; the current round's bets are in front of the seats), street."""
        v = self.view()
        pots = []
        for k, (amount, _eligible) in enumerate(p for p in v.pots if p[0]):
            pots.append(f"{'main pot' if k == 0 else f'side pot {k}'} {self.chips(amount)}")
        if v.payouts:
            street = "settled"
        else:
            street = _STREETS[v.street]
        if self.frame.state == "cancelled":
            street = "cancelled"
        return Centre(
            tuple(format_card(c) for c in v.board), tuple(pots), street, self.frame.state,
            f"{self.cursor}/{len(self.timeline) - 1}",
        )

    def actor_text(self) -> str:
        """Who moves next at the cursor: a player, the dealer, or nobody (the hand is over)."""
        v = self.frame.public
        if v.actor is not None:
            return f"{self.names[v.actor]} to act"
        if self.frame.state in self.hand.machine.definition.finals:
            return "hand over"
        return "dealer to deal" if self.frame.state == "dealing" or len(v.board) < 5 else "dealer"

    def controls(self) -> Controls:
        """Buttons for the legal actions at the cursor (only in play, on the latest state)."""
        v = self.frame.public
        if self.mode != "play" or not self.at_end or v.actor is None:
            return Controls((), None, (), "raise")
        buttons: list[tuple[str, str]] = []
        rng: tuple[int, int] | None = None
        facing = max(s.bet for s in v.seats) > 0
        word = "raise to" if facing else "bet"
        for a in v.legal:
            if a.kind == "raise":
                rng = (a.min_to, a.max_to)
            buttons.append((a.kind, self._label(a, word)))
        return Controls(tuple(buttons), rng, self._sizes(v, rng), word)

    def _label(self, a: LegalAction, word: str) -> str:
        if a.kind == "call":
            return f"call {self.chips(a.amount)}"
        if a.kind == "raise":
            return word
        return a.kind

    def _sizes(self, v: HandView, rng: tuple[int, int] | None) -> tuple[tuple[str, int], ...]:
        if rng is None or v.actor is None:
            return ()
        lo, hi = rng
        top = max(s.bet for s in v.seats)
        pot = sum(s.contributed for s in v.seats)
        call = top - v.seats[v.actor].bet
        out = []
        for label, frac in SIZES:
            if frac is None:
                to = hi
            elif frac == 0:
                to = lo
            else:  # raise by that part of the pot after calling
                to = top + int(frac * (pot + call))
            out.append((label, min(max(to, lo), hi)))
        return tuple(out)

    def chain(self) -> list[ChainRow]:
        """The hash chain up to the latest event, the cursor's row marked ``current``."""
        rows = []
        for f in self.timeline.frames[1:]:
            step = f.step
            assert step is not None
            rows.append(ChainRow(
                step.seq, _event_text(step, self), self._who(step.by), step.event_id.hex()[:16],
                f.prev_hash.hex()[:16], f.state_hash.hex()[:16], f.index == self.cursor,
            ))
        return rows

    def _who(self, role: str) -> str:
        if role.startswith("seat "):
            k = int(role.removeprefix("seat "))
            return self.names[k] if k < len(self.names) else role
        return role

    # ------------------------------------------------------------ commands

    def set_viewer(self, viewer: Viewer) -> None:
        """Show the hole cards of seat ``viewer``, of the player to act, of nobody or everyone."""
        self.viewer = viewer
        self._changed()

    def go(self, index: int) -> None:
        """Put the cursor on state ``index`` (clamped to the hand's states)."""
        self.cursor = min(max(index, 0), len(self.timeline) - 1)
        self._changed()

    def step(self, delta: int) -> None:
        """Move the cursor ``delta`` events forward (negative: back)."""
        self.go(self.cursor + delta)

    def act(self, kind: str, amount: int | None = None) -> bool:
        """The player to act takes ``kind`` (``raise`` with the street total ``amount``).

        Only in play and on the latest state; a refused action changes nothing
        and its reason goes to :attr:`message`. Returns whether it was taken.
        """
        if self.mode != "play":
            return self.say("a replayed hand cannot be played; deal a new hand to play")
        if not self.at_end:
            return self.say("go to the latest state to act")
        actor = self.hand.actor
        try:
            self.hand.act(kind, amount)
        except Rejected as exc:
            return self._refuse(exc)
        self.timeline.sync()
        self.cursor = len(self.timeline) - 1
        who = self.names[actor] if actor is not None else "?"
        extra = f" {self.chips(amount)}" if kind in ("raise", "bet") and amount is not None else ""
        self.message = f"{who}: {kind}{extra}"
        self._changed()
        return True

    def say(self, text: str) -> bool:
        """Show ``text`` as the message (a refusal that has no reason code); returns False."""
        self.message = text
        self._changed()
        return False

    def next_hand(self) -> bool:
        """Finish the hand at the table and deal the next one (the button moves).

        From a replay, deals a hand at the table again. Refused while the hand
        is being played and is not over, or when fewer than two players have chips.
        """
        if self.mode == "play":
            if not self.hand.is_over:
                return self.say("the hand is not over")
            busted = self.table.finish_hand(self.hand)
            self.seed += 1
            if busted:
                self.message = f"busted: {', '.join(busted)}"
        try:
            self._start()
        except Rejected as exc:
            return self._refuse(exc)
        if self.mode == "play" and not self.message.startswith("busted"):
            self.message = f"hand {self.table.hands_played + 1}"
        self._changed()
        return True

    def phh_files(self) -> list[Path]:
        """The ``.phh`` records under :attr:`phh_dir`, sorted (empty when there is none)."""
        if self.phh_dir is None or not self.phh_dir.is_dir():
            return []
        return sorted(self.phh_dir.rglob("*.phh"))

    def load(self, path: str | Path) -> bool:
        """Replay the PHH record in ``path`` and put the cursor on its first state.

        An unreadable record is refused with its reason (file and action index
        in the detail) and the hand shown stays. A record whose replay stops or
        ends with other stacks than recorded is shown as far as it got, with why.
        """
        from chipstack.poker.phh import load_phh
        from chipstack.poker.replay import replay_hand

        try:
            phh = load_phh(path)
        except Rejected as exc:
            return self._refuse(exc)
        except (OSError, ValueError) as exc:
            return self.say(f"cannot read {path}: {exc}")
        result = replay_hand(phh, str(path), sign=True)
        if result.hand is None:
            return self.say(f"{path}: {result.reason}")
        players = phh.extra.get("players")
        names = [str(x) for x in players] if isinstance(players, list) else []
        if len(names) != result.hand.n:
            names = [f"p{i + 1}" for i in range(result.hand.n)]
        self.hand = result.hand
        self.timeline = HandTimeline(result.hand)
        self.names, self.unit, self.mode = names, phh.unit, "replay"
        self.source, self.result = str(path), result
        self.cursor = 0
        if result.matched:
            self.message = f"{Path(path).name}: {len(self.timeline) - 1} events; " \
                "final stacks match the record"
        else:
            self.message = f"{Path(path).name}: {result.reason}"
        self._changed()
        return True

    def recorded_stacks(self) -> list[str]:
        """For a replay: the record's finishing stacks, as chips text (empty in play)."""
        if self.mode != "replay" or self.result is None:
            return []
        return [self.chips(x) for x in self.result.expected]


def _event_text(step: Step, model: TableModel) -> str:
    args = step.args
    if step.name in ("deal_hole", "deal_board"):
        cards = args.get("cards")
        assert isinstance(cards, tuple)
        if step.name == "deal_hole":
            return f"deal_hole ({len(cards)} cards)"
        return "deal_board " + " ".join(format_card(c) for c in cards)  # type: ignore[arg-type]
    if step.name == "raise_to":
        amount = args.get("amount")
        assert isinstance(amount, int)
        return f"raise_to {model.chips(amount)}"
    return step.name
