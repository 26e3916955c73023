"""Cards: one ``int`` per card and the two-character text form (spec/06-poker.md, CARD rules).

A card is ``rank_index * 4 + suit_index`` [CARD-1], with ranks
``23456789TJQKA`` -> 0..12 and suits ``cdhs`` -> 0..3, so ``2c`` is 0, ``2d``
is 1 and ``As`` is 51. The text form of a card is its rank character followed
by its suit character (``"Ah"``); several cards are written concatenated with
no separator (``"AcKd"``) [CARD-2].
"""

from __future__ import annotations

from collections.abc import Iterable

from chipstack.errors import Reason, Rejected

Card = int
"""A card: ``rank_index * 4 + suit_index``, in 0..51."""

RANKS = "23456789TJQKA"
"""Rank characters, lowest (deuce, index 0) to highest (ace, index 12)."""

SUITS = "cdhs"
"""Suit characters: clubs 0, diamonds 1, hearts 2, spades 3."""

DECK: tuple[Card, ...] = tuple(range(52))
"""The 52 cards in ascending order (``2c 2d 2h 2s 3c ... As``)."""

_TEXT: tuple[str, ...] = tuple(r + s for r in RANKS for s in SUITS)
_BY_TEXT: dict[str, Card] = {text: card for card, text in enumerate(_TEXT)}


def rank_of(card: Card) -> int:
    """The rank index of ``card`` (0 = deuce ... 12 = ace)."""
    return card >> 2


def suit_of(card: Card) -> int:
    """The suit index of ``card`` (0 = clubs, 1 = diamonds, 2 = hearts, 3 = spades)."""
    return card & 3


def is_card(value: object) -> bool:
    """Whether ``value`` is a card: an ``int`` (not a ``bool``) in 0..51."""
    return type(value) is int and 0 <= value < 52


def parse_card(text: str) -> Card:
    """The card written as ``text`` (rank then suit, e.g. ``"Ah"``); anything else is rejected."""
    card = _BY_TEXT.get(text) if isinstance(text, str) else None
    if card is None:  # [CARD-2]
        raise Rejected(Reason.POKER_BAD_CARD, f"not a card: {_show(text)}")
    return card


def parse_cards(text: str) -> tuple[Card, ...]:
    """The distinct cards written concatenated in ``text`` (``"AcKd"``); ``""`` is ``()``.

    Rejects an odd length or a bad pair with ``poker.bad_card`` and a card
    written twice with ``poker.duplicate_card`` [CARD-3].
    """
    if not isinstance(text, str) or len(text) % 2:
        raise Rejected(Reason.POKER_BAD_CARD, f"not a sequence of cards: {_show(text)}")
    cards = tuple(parse_card(text[i : i + 2]) for i in range(0, len(text), 2))
    if len(set(cards)) != len(cards):  # [CARD-3]
        raise Rejected(Reason.POKER_DUPLICATE_CARD, f"a card appears twice in {text!r}")
    return cards


def format_card(card: Card) -> str:
    """The two-character text of ``card`` (``51`` -> ``"As"``)."""
    if not is_card(card):
        raise Rejected(Reason.POKER_BAD_CARD, f"not a card: {_show(card)}")
    return _TEXT[card]


def format_cards(cards: Iterable[Card]) -> str:
    """The cards' texts concatenated in the given order (``(48, 45)`` -> ``"AcKd"``)."""
    return "".join(format_card(c) for c in cards)


def _show(value: object) -> str:
    """A short, safe rendering of a bad input for an error detail."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
