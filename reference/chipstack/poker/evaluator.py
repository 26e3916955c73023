"""Poker hand evaluation: the value of the best five of 5, 6 or 7 cards (spec/06-poker.md, EVAL).

:func:`hand_value` returns an ``int``: higher is better and two hands tie
exactly when their values are equal [EVAL-1]. Values run 1..7462, one per
distinct 5-card class (1 = 7-5-4-3-2 offsuit, 7462 = a royal flush) in the
standard order of categories and, within a category, of the ranks that
decide it [EVAL-2]. :func:`category` and :func:`describe` name a value.

How it is fast (pure Python, about 1 M seven-card hands per second): every
card has one precomputed integer key holding three fields side by side,

- bits 0..31, ``5 ** rank``: the sum over a hand identifies its rank
  multiset (at most four cards share a rank, so base-5 digits never carry);
- bits 32..47, one 4-bit counter per suit, started at 3 so that a fifth card
  of one suit sets the counter's top bit (the flush flag);
- bits 48..99, one bit per card: a sum of n powers of two has n bits set
  exactly when they are distinct, so a repeated card shows as a short count.

A hand is one ``sum`` of its keys. With no flush (about 97% of 7-card hands)
the rank sum indexes a dict of the 73,775 rank multisets of 5, 6 and 7
cards; otherwise the flush suit's 13-bit rank mask indexes a table of the
best flush or straight flush. With 7 cards a flush excludes quads and a full
house (those need 8 cards with a 5-card flush), so the flush table's answer
is the best hand. The tables (a few MB) are built at import in well under a
second from the ordered list of 5-card classes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from enum import IntEnum
from itertools import combinations, combinations_with_replacement

from chipstack.errors import Reason, Rejected
from chipstack.poker.cards import Card, is_card


class HandCategory(IntEnum):
    """The nine hand categories, weakest first [EVAL-2]."""

    HIGH_CARD = 0
    PAIR = 1
    TWO_PAIR = 2
    THREE_OF_A_KIND = 3
    STRAIGHT = 4
    FLUSH = 5
    FULL_HOUSE = 6
    FOUR_OF_A_KIND = 7
    STRAIGHT_FLUSH = 8


MIN_VALUE = 1
"""The value of the weakest 5-card hand (7-5-4-3-2 of at least two suits)."""

MAX_VALUE = 7462
"""The value of a royal flush, the best hand."""

_Class = tuple[HandCategory, tuple[int, ...]]
"""A 5-card class: its category and the rank indices that order it within the category."""

_WHEEL = (12, 3, 2, 1, 0)


def _straight_high(ranks_desc: tuple[int, ...]) -> int | None:
    """The top rank of a straight made by five distinct ranks (given high to low), else None."""
    if ranks_desc == _WHEEL:
        return 3  # the wheel A-2-3-4-5 is a five-high straight [EVAL-3]
    if ranks_desc[0] - ranks_desc[4] == 4:
        return ranks_desc[0]
    return None


def _class_of(ranks: tuple[int, ...], flush: bool) -> _Class:
    """The class of five cards with these rank indices (any order), all suited when ``flush``."""
    counts = {r: ranks.count(r) for r in set(ranks)}
    # Ranks ordered by how many cards share them, then by rank: the tiebreak [EVAL-2].
    order = tuple(sorted(counts, key=lambda r: (counts[r], r), reverse=True))
    shape = tuple(sorted(counts.values(), reverse=True))
    if len(order) == 5:
        high = _straight_high(order)
        if high is not None:
            cat = HandCategory.STRAIGHT_FLUSH if flush else HandCategory.STRAIGHT
            return cat, (high,)
        return (HandCategory.FLUSH if flush else HandCategory.HIGH_CARD), order
    by_shape = {
        (4, 1): HandCategory.FOUR_OF_A_KIND,
        (3, 2): HandCategory.FULL_HOUSE,
        (3, 1, 1): HandCategory.THREE_OF_A_KIND,
        (2, 2, 1): HandCategory.TWO_PAIR,
        (2, 1, 1, 1): HandCategory.PAIR,
    }
    return by_shape[shape], order


def _rank_multisets(n: int) -> list[tuple[int, ...]]:
    """Every multiset of ``n`` ranks with at most four of a rank (a real hand's ranks)."""
    return [
        combo
        for combo in combinations_with_replacement(range(13), n)
        if all(combo.count(r) <= 4 for r in set(combo))
    ]


def _build() -> tuple[dict[int, int], list[int], list[_Class]]:
    """Build the rank-sum dict, the flush-mask table and the value -> class list."""
    plain5 = _rank_multisets(5)
    suited5: list[tuple[int, ...]] = list(combinations(range(13), 5))
    classes = sorted({_class_of(c, False) for c in plain5} | {_class_of(c, True) for c in suited5})
    value_of = {cls: i + 1 for i, cls in enumerate(classes)}  # [EVAL-2]
    by_sum = {sum(_RANK_KEY[r] for r in c): value_of[_class_of(c, False)] for c in plain5}
    for n in (6, 7):
        for combo in _rank_multisets(n):
            total = sum(_RANK_KEY[r] for r in combo)
            by_sum[total] = max(by_sum[total - _RANK_KEY[r]] for r in set(combo))
    flush = [0] * 8192
    for c in suited5:
        flush[sum(1 << r for r in c)] = value_of[_class_of(c, True)]
    for n in (6, 7):
        for c in combinations(range(13), n):
            mask = sum(1 << r for r in c)
            flush[mask] = max(flush[mask & ~(1 << r)] for r in c)
    return by_sum, flush, [(HandCategory.HIGH_CARD, ()), *classes]


_RANK_KEY = tuple(5**r for r in range(13))
_SUIT_SHIFT = 32
_CARD_SHIFT = 48
_START = 0x3333 << _SUIT_SHIFT
_FLUSH_FLAGS = 0x8888 << _SUIT_SHIFT
_RANK_BITS = (1 << _SUIT_SHIFT) - 1
_KEY: dict[Card, int] = {
    c: _RANK_KEY[c >> 2] + (1 << (_SUIT_SHIFT + 4 * (c & 3))) + (1 << (_CARD_SHIFT + c))
    for c in range(52)
}
_BY_SUM, _FLUSH, _CLASSES = _build()
_CATEGORY: tuple[HandCategory, ...] = tuple(cls[0] for cls in _CLASSES)
_key = _KEY.__getitem__
_BOOL_CARDS = 3 << _CARD_SHIFT
"""The bits of cards 0 and 1 in a sum of keys: the cards a bool would pass for."""


def hand_value(cards: Sequence[Card]) -> int:
    """The value (1..7462, higher is better) of the best five of 5, 6 or 7 distinct cards.

    Two hands tie exactly when their values are equal [EVAL-1]. Rejects a
    wrong count with ``poker.bad_hand_size``, a non-card with
    ``poker.bad_card`` and a repeated card with ``poker.duplicate_card``.
    """
    try:
        n = len(cards)
        if n < 5 or n > 7:  # [EVAL-4]
            raise Rejected(Reason.POKER_BAD_HAND_SIZE, f"{n} cards; 5, 6 or 7 are evaluated")
        total = sum(map(_key, cards), _START)
        if total & _BOOL_CARDS and bool in map(type, cards):
            raise _bad_cards(cards)  # [EVAL-4]: False and True equal cards 0 and 1, not cards
        if (total >> _CARD_SHIFT).bit_count() != n:  # [EVAL-4]
            if bool in map(type, cards):  # a bool beside its card: the carry hid its bit
                raise _bad_cards(cards)
            raise Rejected(Reason.POKER_DUPLICATE_CARD, "a card is given twice")
        if total & _FLUSH_FLAGS:
            return _flush_value(cards, total)
        return _BY_SUM[total & _RANK_BITS]
    except (KeyError, TypeError):
        raise _bad_cards(cards) from None


def _flush_value(cards: Sequence[Card], total: int) -> int:
    """The value of distinct cards of which five or more share a suit: the flush table's entry."""
    suits = total >> _SUIT_SHIFT
    suit = next(s for s in range(4) if (suits >> (4 * s)) & 8)
    mask = 0
    for c in cards:
        if c & 3 == suit:
            mask |= 1 << (c >> 2)
    return _FLUSH[mask]


def _bad_cards(cards: object) -> Rejected:
    """The rejection for an argument that is not a sequence of cards."""
    if not isinstance(cards, Iterable):
        return Rejected(Reason.POKER_BAD_CARD, f"not a sequence of cards: {type(cards).__name__}")
    bad = next((c for c in cards if not is_card(c)), None)
    return Rejected(Reason.POKER_BAD_CARD, f"not a card: {bad!r}"[:80])


def category(value: int) -> HandCategory:
    """The category of a hand value (e.g. 7462 -> ``STRAIGHT_FLUSH``)."""
    _check_value(value)
    return _CATEGORY[value]


def hand_class(value: int) -> tuple[HandCategory, tuple[int, ...]]:
    """The category and deciding rank indices (high to low) of a value.

    For straights and straight flushes the ranks are just the top card's
    (3 for the wheel); otherwise ranks are ordered by how many cards share
    them, then by rank: a full house of kings over sevens is ``(11, 5)``.
    """
    _check_value(value)
    return _CLASSES[value]


_NAMES = ("Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten",
          "Jack", "Queen", "King", "Ace")  # fmt: skip
_PLURALS = tuple("Sixes" if n == "Six" else n + "s" for n in _NAMES)
_TITLES = {
    HandCategory.HIGH_CARD: "High Card",
    HandCategory.PAIR: "Pair",
    HandCategory.TWO_PAIR: "Two Pair",
    HandCategory.THREE_OF_A_KIND: "Three of a Kind",
    HandCategory.STRAIGHT: "Straight",
    HandCategory.FLUSH: "Flush",
    HandCategory.FULL_HOUSE: "Full House",
    HandCategory.FOUR_OF_A_KIND: "Four of a Kind",
    HandCategory.STRAIGHT_FLUSH: "Straight Flush",
}


def describe(value: int) -> str:
    """A person's name for a value: ``"Two Pair, Kings and Sevens (Ace)"``, ``"Royal Flush"``.

    The kickers that can decide a tie follow in parentheses.
    """
    cat, ranks = hand_class(value)
    title = _TITLES[cat]
    names = [_NAMES[r] for r in ranks]

    def kickers(start: int) -> str:
        return f" ({', '.join(names[start:])})" if len(names) > start else ""

    if cat == HandCategory.STRAIGHT_FLUSH and ranks == (12,):
        return "Royal Flush"
    if cat in (HandCategory.STRAIGHT, HandCategory.STRAIGHT_FLUSH):
        return f"{title}, {names[0]} High"
    if cat in (HandCategory.HIGH_CARD, HandCategory.FLUSH):
        return f"{title}, {names[0]} High{kickers(1)}"
    if cat == HandCategory.TWO_PAIR:
        return f"{title}, {_PLURALS[ranks[0]]} and {_PLURALS[ranks[1]]}{kickers(2)}"
    if cat == HandCategory.FULL_HOUSE:
        return f"{title}, {_PLURALS[ranks[0]]} over {_PLURALS[ranks[1]]}"
    return f"{title}, {_PLURALS[ranks[0]]}{kickers(1)}"


def _check_value(value: int) -> None:
    """Reject anything that is not a hand value (an ``int`` in 1..7462)."""
    if type(value) is not int or not MIN_VALUE <= value <= MAX_VALUE:
        raise Rejected(Reason.POKER_BAD_HAND_VALUE, f"not a hand value: {value!r}"[:80])


__all__ = [
    "MAX_VALUE",
    "MIN_VALUE",
    "HandCategory",
    "category",
    "describe",
    "hand_class",
    "hand_value",
]
