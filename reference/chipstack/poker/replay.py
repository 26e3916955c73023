"""Replaying PHH hand histories through the hold'em machine (spec/06-poker.md, "PHH replay").

:func:`replay_hand` turns one parsed record (:func:`chipstack.poker.phh.read_phh`)
into FSM events on a :class:`~chipstack.poker.hand.Hand`: the recorded hole
cards in one ``deal_hole``, each ``d db`` a ``deal_board``, each player action
the matching event, then the settlement. Every state is hashed by the engine.
The result says whether the machine's final stacks equal the recorded
``finishing_stacks`` exactly, in the record's chip unit; if not, why.

Seats: PHH lists players by position, the last one on the button (heads-up
too), so seat ``i`` is player ``p{i+1}`` and the button is the last seat.
Heads-up, the PHH standard lists ``antes`` and ``blinds_or_straddles`` in
reverse (the button ``p2`` posts the first entry, the small blind), so the
replay reverses those two arrays for the machine [PHH-9].
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Protocol

from chipstack.errors import Reason, Rejected
from chipstack.poker.hand import Hand


class PhhActionLike(Protocol):
    """The fields of one PHH action that replay reads (``chipstack.poker.phh.PhhAction``)."""

    @property
    def actor(self) -> int | None:
        """The record's ``actor``."""
    @property
    def kind(self) -> str:
        """The record's ``kind``."""
    @property
    def cards(self) -> Sequence[int] | None:
        """The record's ``cards``."""
    @property
    def amount(self) -> int | None:
        """The record's ``amount``."""


class PhhHandLike(Protocol):
    """The fields of one PHH record that replay reads (``chipstack.poker.phh.PhhHand``)."""

    @property
    def unit(self) -> Decimal:
        """The record's ``unit``."""
    @property
    def antes(self) -> Sequence[int]:
        """The record's ``antes``."""
    @property
    def blinds_or_straddles(self) -> Sequence[int]:
        """The record's ``blinds_or_straddles``."""
    @property
    def min_bet(self) -> int:
        """The record's ``min_bet``."""
    @property
    def starting_stacks(self) -> Sequence[int]:
        """The record's ``starting_stacks``."""
    @property
    def finishing_stacks(self) -> Sequence[int] | None:
        """The record's ``finishing_stacks``."""
    @property
    def actions(self) -> Sequence[PhhActionLike]:
        """The record's ``actions``."""


@dataclass(frozen=True)
class ReplayResult:
    """The outcome of replaying one record.

    ``final`` is the machine's final stacks (``None`` if the replay stopped),
    ``expected`` the recorded finishing stacks, both in units of ``unit``
    chips; ``reason`` is empty when they match and otherwise says why not.
    ``states`` counts the states the engine hashed. ``hand`` is the hand as
    far as it got (``None`` if none was built), for stepping through it.
    """

    source: str
    matched: bool
    expected: tuple[int, ...]
    final: tuple[int, ...] | None
    unit: Decimal
    states: int
    reason: str = ""
    implied: int = 0
    hand: Hand | None = field(default=None, compare=False, repr=False)


def _fail(source: str, phh: PhhHandLike, hand: Hand | None, reason: str) -> ReplayResult:
    expected = tuple(phh.finishing_stacks or ())
    states = len(hand.steps) + 1 if hand is not None else 0
    return ReplayResult(source, False, expected, None, phh.unit, states, reason, hand=hand)


def replay_hand(phh: PhhHandLike, source: str = "", sign: bool = False) -> ReplayResult:
    """Replay ``phh`` through the hold'em machine and compare the finishing stacks exactly."""
    n = len(phh.starting_stacks)
    if phh.finishing_stacks is None:
        return _fail(source, phh, None, "the record has no finishing_stacks")
    antes, blinds = list(phh.antes), list(phh.blinds_or_straddles)
    if n == 2:  # [PHH-9]: heads-up, the button p2 posts the first entry, p1 the second
        antes.reverse()
        blinds.reverse()
    try:
        hand = Hand(
            list(phh.starting_stacks),
            antes=antes,
            blinds=blinds,
            min_bet=phh.min_bet,
            button=n - 1,
            auto=False,
            sign=sign,
        )
    except Rejected as exc:
        return _fail(source, phh, None, f"table: {exc.reason.value}: {exc.detail}")
    hole: dict[int, tuple[int, ...]] = {}
    implied = 0
    for index, action in enumerate(phh.actions):
        try:
            implied += _skip_silent(hand, action)
            _step(hand, hole, action, n)
        except Rejected as exc:
            return _fail(
                source, phh, hand,
                f"action {index} ({_describe(action)}): {exc.reason.value}: {exc.detail}",
            )
    try:
        if hand.machine.state.name == "dealing":
            _deal(hand, hole, n)
        if not hand.is_over:
            if hand.dealer_next() != "settle":
                return _fail(source, phh, hand, "the record ends before the hand is over")
            hand.settle()
    except Rejected as exc:
        return _fail(source, phh, hand, f"settlement: {exc.reason.value}: {exc.detail}")
    final = tuple(hand.stacks)
    expected = tuple(phh.finishing_stacks)
    matched = final == expected
    reason = "" if matched else f"finishing stacks {list(final)} != recorded {list(expected)}"
    return ReplayResult(
        source, matched, expected, final, phh.unit, len(hand.steps) + 1, reason, implied, hand
    )


def _skip_silent(hand: Hand, action: PhhActionLike) -> int:
    """Fold (or check) the players a record skips before ``action`` ([HOLDEM-15]).

    A record that moves on to a later player while an earlier one is to act
    leaves that player's action out; such a player folds when facing a bet
    and checks otherwise. Returns how many actions were implied.
    """
    if action.kind not in ("f", "cc", "cbr") or action.actor is None:
        return 0
    count = 0
    while (a := hand.actor) is not None and a != action.actor and count < hand.n:
        kinds = {x.kind for x in hand.legal_actions()}
        hand.act("check" if "check" in kinds else "fold", seat=a)
        count += 1
    return count


def _describe(action: PhhActionLike) -> str:
    who = "d" if action.actor is None else f"p{action.actor + 1}"
    extra = f" {action.amount}" if action.amount is not None else ""
    return f"{who} {action.kind}{extra}"


def _deal(hand: Hand, hole: dict[int, tuple[int, ...]], n: int) -> None:
    missing = [i for i in range(n) if len(hole.get(i, ())) != 2]
    if missing:
        i, got = missing[0], len(hole.get(missing[0], ()))
        what = f"{got} hole cards for p{i + 1}, not 2" if got else f"no hole cards for p{i + 1}"
        raise Rejected(Reason.POKER_BAD_DEAL, what)
    hand.deal_hole([c for i in range(n) for c in hole[i]])


def _step(hand: Hand, hole: dict[int, tuple[int, ...]], action: PhhActionLike, n: int) -> None:
    kind = action.kind
    if kind == "dh":
        if action.actor is None or action.cards is None:
            raise Rejected(Reason.POKER_BAD_DEAL, "dh needs a player and cards")
        if action.actor in hole or hand.machine.state.name != "dealing":
            # One deal per player, before the betting: a later one would change the cards
            # that 'sm' is checked against.
            raise Rejected(Reason.POKER_BAD_DEAL, f"p{action.actor + 1} is dealt twice")
        hole[action.actor] = tuple(action.cards)
        return
    if hand.machine.state.name == "dealing":
        _deal(hand, hole, n)
    if kind == "db":
        hand.deal_board(list(action.cards or ()))
    elif kind == "sm":
        shown = tuple(action.cards or ())
        dealt = hole.get(action.actor, ()) if action.actor is not None else ()
        if shown and sorted(shown) != sorted(dealt):
            raise Rejected(Reason.POKER_BAD_DEAL, "shown cards are not the dealt ones")
    elif kind == "f":
        hand.act("fold", seat=action.actor)
    elif kind == "cc":
        legal = {a.kind for a in hand.legal_actions()}
        hand.act("check" if "check" in legal else "call", seat=action.actor)
    elif kind == "cbr":
        hand.act("raise", action.amount, seat=action.actor)
    else:
        raise Rejected(Reason.POKER_ILLEGAL_ACTION, f"unknown action {kind!r}")


def phh_files(paths: Iterable[Path]) -> list[Path]:
    """Expand files and folders into the sorted list of ``.phh`` files they hold."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(p.rglob("*.phh")))
        else:
            out.append(p)
    return out


def replay_files(paths: Iterable[Path], sign: bool = False) -> Iterator[ReplayResult]:
    """Replay every ``.phh`` file under ``paths``; an unreadable file is a failed result."""
    from chipstack.poker.phh import load_phh

    for path in phh_files(paths):
        try:
            phh = load_phh(path)
        except Rejected as exc:
            yield ReplayResult(str(path), False, (), None, Decimal(1), 0,
                               f"unreadable: {exc.reason.value}: {exc.detail}")
            continue
        except (OSError, ValueError) as exc:  # a missing file, bytes that are not UTF-8
            yield ReplayResult(str(path), False, (), None, Decimal(1), 0, f"unreadable: {exc}")
            continue
        yield replay_hand(phh, str(path), sign)
