"""Consecutive hands at one table: the button moves, stacks carry over, players come and go.

A :class:`Table` has up to ten numbered seats. Each :meth:`Table.start_hand`
deals a :class:`~chipstack.poker.hand.Hand` to the seated players who are not
sitting out and have chips, with antes and blinds from :func:`forced_bets`;
when the hand is over, :meth:`Table.finish_hand` carries the final stacks
back, removes the players who busted and moves the button to the next
player clockwise ([HOLDEM-16]).

Typical use::

    table = Table(small_blind=5, big_blind=10)
    for name in ("ann", "bob", "cid"):
        table.sit(name, 1000)
    hand = table.start_hand(seed=1)
    ...  # hand.act(...) until hand.is_over
    table.finish_hand(hand)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from chipstack.errors import Reason, Rejected, require
from chipstack.poker.hand import MAX_SEATS, MIN_SEATS, Hand


def forced_bets(
    n: int,
    button: int,
    small_blind: int,
    big_blind: int,
    ante: int = 0,
    big_blind_ante: bool = False,
    straddles: Sequence[int] = (),
) -> tuple[list[int], list[int]]:
    """Return ``(antes, blinds)`` per seat for ``n`` players with the button at ``button``.

    [HOLDEM-13] With three or more players the small blind is the first seat
    left of the button and the big blind the next; heads-up, the button posts
    the small blind and the other player the big blind. Straddles follow the
    big blind clockwise. ``ante`` is posted by everyone, or only by the big
    blind when ``big_blind_ante``.
    """
    require(MIN_SEATS <= n <= MAX_SEATS and 0 <= button < n, Reason.POKER_BAD_TABLE, "seats")
    require(len(straddles) <= n - 2, Reason.POKER_BAD_TABLE, "too many straddles")
    sb = button if n == 2 else (button + 1) % n
    bb = (sb + 1) % n
    blinds = [0] * n
    blinds[sb] = small_blind
    blinds[bb] = big_blind
    for k, amount in enumerate(straddles):
        blinds[(bb + 1 + k) % n] = amount
    antes = [0] * n
    if big_blind_ante:
        antes[bb] = ante
    else:
        antes = [ante] * n
    return antes, blinds


@dataclass
class Seat:
    """A seated player: name, chips, and whether they sit out the next hands."""

    name: str
    stack: int
    sitting_out: bool = False


class Table:
    """A table of up to ten seats playing consecutive hands with fixed stakes."""

    def __init__(
        self,
        small_blind: int,
        big_blind: int,
        ante: int = 0,
        big_blind_ante: bool = False,
        seats: int = MAX_SEATS,
    ) -> None:
        require(0 < small_blind <= big_blind, Reason.POKER_BAD_TABLE, "blinds")
        require(MIN_SEATS <= seats <= MAX_SEATS, Reason.POKER_BAD_TABLE, "seat count")
        self.small_blind = small_blind
        self.big_blind = big_blind
        self.ante = ante
        self.big_blind_ante = big_blind_ante
        self.seats: list[Seat | None] = [None] * seats
        #: The table seat of the button; it moves after every hand.
        self.button = -1
        self.hands_played = 0
        self._playing: list[int] = []
        self._hand: Hand | None = None

    def sit(self, name: str, stack: int, seat: int | None = None) -> int:
        """Seat ``name`` with ``stack`` chips at ``seat`` (or the first free one); return it."""
        require(stack > 0, Reason.POKER_BAD_TABLE, "a stack must be positive")
        require(all(s is None or s.name != name for s in self.seats), Reason.POKER_BAD_TABLE,
                f"{name} is already seated")
        free = [i for i, s in enumerate(self.seats) if s is None]
        if seat is None:
            require(bool(free), Reason.POKER_BAD_TABLE, "the table is full")
            seat = free[0]
        require(seat in free, Reason.POKER_BAD_TABLE, f"seat {seat} is not free")
        self.seats[seat] = Seat(name, stack)
        return seat

    def _find(self, name: str) -> int:
        for i, s in enumerate(self.seats):
            if s is not None and s.name == name:
                return i
        raise Rejected(Reason.POKER_BAD_TABLE, f"{name} is not seated")

    def leave(self, name: str) -> int:
        """Remove ``name`` from the table (not during a hand they play); return their chips."""
        i = self._find(name)
        require(i not in self._playing, Reason.POKER_BAD_TABLE, f"{name} is in a hand")
        seat = self.seats[i]
        assert seat is not None
        self.seats[i] = None
        return seat.stack

    def sit_out(self, name: str) -> None:
        """``name`` skips the next hands (keeps the seat and the chips)."""
        seat = self.seats[self._find(name)]
        assert seat is not None
        seat.sitting_out = True

    def sit_in(self, name: str) -> None:
        """``name`` plays again from the next hand."""
        seat = self.seats[self._find(name)]
        assert seat is not None
        seat.sitting_out = False

    def stacks(self) -> dict[str, int]:
        """Chips of every seated player, by name."""
        return {s.name: s.stack for s in self.seats if s is not None}

    def players_for_next_hand(self) -> list[int]:
        """Table seats that will be dealt in: seated, not sitting out, with chips."""
        return [i for i, s in enumerate(self.seats) if s is not None and not s.sitting_out
                and s.stack > 0]

    def start_hand(self, seed: int | None = None, deck: Sequence[int] | None = None) -> Hand:
        """Move the button to the next player and deal a hand to the active players."""
        require(self._hand is None, Reason.POKER_BAD_TABLE, "a hand is in progress")
        playing = self.players_for_next_hand()
        require(len(playing) >= MIN_SEATS, Reason.POKER_BAD_TABLE, "fewer than two players")
        size = len(self.seats)
        nxt = [(self.button + k) % size for k in range(1, size + 1)]
        self.button = next(i for i in nxt if i in playing)
        button = playing.index(self.button)
        antes, blinds = forced_bets(
            len(playing), button, self.small_blind, self.big_blind, self.ante, self.big_blind_ante
        )
        stacks = []
        for i in playing:
            seat = self.seats[i]
            assert seat is not None
            stacks.append(seat.stack)
        hand = Hand(stacks, antes=antes, blinds=blinds, min_bet=self.big_blind, button=button,
                    seed=seed, deck=deck, created=self.hands_played)
        self._playing = playing
        self._hand = hand
        return hand

    def seat_of(self, hand_seat: int) -> int:
        """The table seat of seat ``hand_seat`` of the current hand."""
        return self._playing[hand_seat]

    def finish_hand(self, hand: Hand) -> list[str]:
        """Carry the final stacks back; players left with no chips leave. Return who busted."""
        require(hand is self._hand, Reason.POKER_BAD_TABLE, "not this table's hand")
        require(hand.is_over, Reason.POKER_BAD_TABLE, "the hand is not over")
        busted = []
        for k, i in enumerate(self._playing):
            seat = self.seats[i]
            assert seat is not None
            seat.stack = hand.stacks[k]
            if seat.stack == 0:
                busted.append(seat.name)
                self.seats[i] = None
        self._playing = []
        self._hand = None
        self.hands_played += 1
        return busted
