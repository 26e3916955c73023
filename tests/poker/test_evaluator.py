"""The hand evaluator (spec/06-poker.md, EVAL rules), checked against independent sources.

- Every one of the 2,598,960 five-card hands: the category counts are the
  known frequencies and each category has its known number of distinct
  classes (e.g. Wikipedia "Poker probability"; 7,462 classes in all).
- treys (an independent pure-Python evaluator, values 1 = royal flush ..
  7462) agrees exactly, ``ours == 7463 - treys``, on seeded random hands.
- Hand-picked cases whose order any poker rule book fixes.
"""

from __future__ import annotations

import random
from collections import Counter
from itertools import combinations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from treys import Card as TreysCard
from treys import Evaluator as TreysEvaluator

from chipstack.errors import Reason, Rejected
from chipstack.poker.cards import DECK, format_card, parse_cards
from chipstack.poker.evaluator import (
    MAX_VALUE,
    MIN_VALUE,
    HandCategory,
    category,
    describe,
    hand_class,
    hand_value,
)

H = HandCategory

# Known counts of 5-card hands and of distinct classes per category.
FIVE_CARD_HANDS = {
    H.STRAIGHT_FLUSH: 40, H.FOUR_OF_A_KIND: 624, H.FULL_HOUSE: 3_744, H.FLUSH: 5_108,
    H.STRAIGHT: 10_200, H.THREE_OF_A_KIND: 54_912, H.TWO_PAIR: 123_552, H.PAIR: 1_098_240,
    H.HIGH_CARD: 1_302_540,
}  # fmt: skip
FIVE_CARD_CLASSES = {
    H.STRAIGHT_FLUSH: 10, H.FOUR_OF_A_KIND: 156, H.FULL_HOUSE: 156, H.FLUSH: 1_277,
    H.STRAIGHT: 10, H.THREE_OF_A_KIND: 858, H.TWO_PAIR: 858, H.PAIR: 2_860, H.HIGH_CARD: 1_277,
}  # fmt: skip  (two pair: C(13,2) * 11 = 858; one pair: 13 * C(12,3) = 2,860)


def v(text: str) -> int:
    return hand_value(parse_cards(text))


def test_all_five_card_hands() -> None:
    # [EVAL-2]: exhaustive, 2,598,960 hands.
    values = Counter(map(hand_value, combinations(DECK, 5)))
    assert sum(values.values()) == 2_598_960
    assert set(values) == set(range(MIN_VALUE, MAX_VALUE + 1))
    hands: Counter[HandCategory] = Counter()
    classes: Counter[HandCategory] = Counter()
    for value, n in values.items():
        hands[category(value)] += n
        classes[category(value)] += 1
    assert dict(hands) == FIVE_CARD_HANDS
    assert dict(classes) == FIVE_CARD_CLASSES
    royal = values[MAX_VALUE]
    assert royal == 4


def _treys_value(cards: tuple[int, ...]) -> int:
    """treys' value for the same cards (1 = best), converted to our scale (7462 = best)."""
    t = [TreysCard.new(format_card(c)) for c in cards]
    return 7463 - int(_TREYS.evaluate(t[:2], t[2:]))


_TREYS = TreysEvaluator()


@pytest.mark.parametrize("size,count", [(5, 4_000), (6, 4_000), (7, 20_000)])
def test_agrees_with_treys_on_random_hands(size: int, count: int) -> None:
    rng = random.Random(f"treys-{size}")
    for _ in range(count):
        cards = tuple(rng.sample(DECK, size))
        assert hand_value(cards) == _treys_value(cards), cards


def test_seven_card_flushes_and_straights_agree_with_treys() -> None:
    # Random hands rarely hold flushes; draw 7 cards with 5+ of one suit on purpose.
    rng = random.Random("flushes")
    for _ in range(3_000):
        suit = rng.randrange(4)
        suited = rng.sample([c for c in DECK if c & 3 == suit], rng.choice((5, 6, 7)))
        rest = rng.sample([c for c in DECK if c not in suited], 7 - len(suited))
        cards = tuple(suited + rest)
        assert hand_value(cards) == _treys_value(cards)


@pytest.mark.parametrize(
    "text,cat",
    [
        ("AsKsQsJsTs", H.STRAIGHT_FLUSH),
        ("5d4d3d2dAd", H.STRAIGHT_FLUSH),
        ("9c9d9h9s2c", H.FOUR_OF_A_KIND),
        ("KcKdKh7s7c", H.FULL_HOUSE),
        ("Ah9h7h4h2h", H.FLUSH),
        ("Tc9d8h7s6c", H.STRAIGHT),
        ("Ac2d3h4s5c", H.STRAIGHT),
        ("5c5d5hKs2c", H.THREE_OF_A_KIND),
        ("KcKd7h7sAc", H.TWO_PAIR),
        ("KcKdAh9s4c", H.PAIR),
        ("Ac9d7h4s2c", H.HIGH_CARD),
    ],
)
def test_each_category(text: str, cat: HandCategory) -> None:
    assert category(v(text)) == cat


def test_order_across_and_within_categories() -> None:
    # [EVAL-2]: each hand beats the next.
    ladder = [
        "AsKsQsJsTs",  # royal flush
        "6h5h4h3h2h",  # six-high straight flush
        "5d4d3d2dAd",  # steel wheel: the lowest straight flush [EVAL-3]
        "AcAdAhAsKc",  # quad aces, king kicker
        "AcAdAhAsQc",  # quad aces, queen kicker
        "KcKdKhKsAc",
        "AcAdAhKsKc",  # aces full
        "KcKdKhAsAc",  # kings full of aces
        "KcKdKhQsQc",
        "AhKh9h7h4h",  # flush, decided on the third card
        "AhKh8h7h6h",
        "AcKdQhJsTc",  # broadway
        "6c5d4h3s2c",
        "5c4d3h2sAc",  # wheel [EVAL-3]
        "AcAdAhKsQc",  # trips, kickers
        "AcAdAhKsJc",
        "AcAdKhKs3c",  # two pair, kicker
        "AcAdKhKs2c",
        "AcAdQhQsKc",
        "AcAdKhQsJc",  # one pair, kickers
        "AcAdKhQsTc",
        "KcKdAhQsJc",
        "AcKdQhJs9c",  # high card
        "AcKdQhJs8c",
        "7c5d4h3s2c",  # the worst hand
    ]
    values = [v(h) for h in ladder]
    assert values == sorted(values, reverse=True)
    assert len(set(values)) == len(values)
    assert values[0] == MAX_VALUE and values[-1] == MIN_VALUE


def test_ties_are_equal_values() -> None:
    # [EVAL-1]: suits never break a tie; a sixth and seventh card only count in the best five.
    assert v("AcKdQhJs9c") == v("AdKhQsJc9h")
    assert v("KcKd7h7sAc") == v("KhKs7c7dAd")
    board = "AhKhQdJc2s"
    assert v(board + "Tc3d") == v(board + "Ts4c")  # both play the broadway straight
    assert v("AcAdKhKsQc2h3h") == v("AcAdKhKsQd4s5s")  # the same two pair and kicker
    assert v("2c2d2h2s3c4d5h") == v("2c2d2h2s5c")  # best five: quads plus the five


def test_kickers_break_ties() -> None:
    assert v("AcAd9h7s4c") > v("AhAs9c7d3h")
    assert v("AcAdKhKs9c") > v("AhAsKcKd8h")
    assert v("7c7d7hAsKc2d3h") > v("7c7d7hAsQc2d3h")


def test_wheel_is_the_lowest_straight() -> None:
    # [EVAL-3]: A-2-3-4-5 ranks below 2-3-4-5-6; an ace never wraps (Q-K-A-2-3 is no straight).
    assert v("Ac2d3h4s5c") < v("2c3d4h5s6c")
    assert category(v("QcKdAh2s3c")) == H.HIGH_CARD
    assert category(v("As2s3s4s5s")) == H.STRAIGHT_FLUSH
    assert v("As2s3s4s5s") < v("2h3h4h5h6h")
    assert hand_class(v("Ac2d3h4s5c")) == (H.STRAIGHT, (3,))


def test_seven_cards_pick_the_best_five() -> None:
    assert category(v("AhKhQhJh9h9c9d")) == H.FLUSH  # flush beats trips
    assert category(v("9h8h7h6h5h9c9d")) == H.STRAIGHT_FLUSH
    assert category(v("AhKhQhJhThAcAd")) == H.STRAIGHT_FLUSH
    assert category(v("9c9d9h5s5c5dKh")) == H.FULL_HOUSE  # two trips make a full house
    assert v("9c9d9h5s5c5dKh") == v("9c9d9h5s5c")
    assert category(v("AcAdKhKsQcQd2h")) == H.TWO_PAIR
    assert v("AcAdKhKsQcQd2h") == v("AcAdKhKsQc")
    assert v("2c3d4h5s6c7d8h") == v("4c5d6h7s8c")  # longest run: the top five


@given(st.lists(st.sampled_from(DECK), min_size=6, max_size=7, unique=True), st.randoms())
def test_value_is_the_best_five_card_subset(cards: list[int], rnd: random.Random) -> None:
    best = max(hand_value(five) for five in combinations(cards, 5))
    assert hand_value(cards) == best
    rnd.shuffle(cards)
    assert hand_value(tuple(cards)) == best


@pytest.mark.parametrize(
    "cards,reason",
    [
        ((0, 1, 2, 3), Reason.POKER_BAD_HAND_SIZE),
        (tuple(range(8)), Reason.POKER_BAD_HAND_SIZE),
        ((), Reason.POKER_BAD_HAND_SIZE),
        ((0, 1, 2, 3, 3), Reason.POKER_DUPLICATE_CARD),
        ((51, 51, 51, 51, 51, 51, 51), Reason.POKER_DUPLICATE_CARD),
        ((0, 0, 0, 0, 4, 8, 12), Reason.POKER_DUPLICATE_CARD),
        ((2, 6, 10, 14, 18, 18), Reason.POKER_DUPLICATE_CARD),  # duplicate inside a flush
        ((0, 1, 2, 3, 52), Reason.POKER_BAD_CARD),
        ((0, 1, 2, 3, -1), Reason.POKER_BAD_CARD),
        ((0, 1, 2, 3, "Ah"), Reason.POKER_BAD_CARD),
        ((0, 1, 2, 3, None), Reason.POKER_BAD_CARD),
        ((0, 1, 2, 3, [4]), Reason.POKER_BAD_CARD),
        ((True, False, 2, 3, 4), Reason.POKER_BAD_CARD),  # bools equal 1 and 0, not cards
        ((2, 3, 4, 5, 6, False), Reason.POKER_BAD_CARD),
        ((2, 3, 4, 5, True, 1), Reason.POKER_BAD_CARD),  # not a card wins over the duplicate
    ],
)
def test_bad_input_is_rejected(cards: tuple[object, ...], reason: Reason) -> None:
    # [EVAL-4]
    with pytest.raises(Rejected) as e:
        hand_value(cards)  # type: ignore[arg-type]
    assert e.value.reason == reason


def test_non_sequences_are_rejected() -> None:
    for bad in (None, 7, object()):
        with pytest.raises(Rejected) as e:
            hand_value(bad)  # type: ignore[arg-type]
        assert e.value.reason == Reason.POKER_BAD_CARD


@given(st.lists(st.integers(-3, 60) | st.none() | st.booleans() | st.text(max_size=2), max_size=9))
def test_evaluator_fuzz(cards: list[object]) -> None:
    try:
        value = hand_value(cards)  # type: ignore[arg-type]
    except Rejected as e:
        assert e.reason.value.startswith("poker.")
    else:
        assert 5 <= len(cards) <= 7 and len(set(cards)) == len(cards)
        assert all(type(c) is int and 0 <= c < 52 for c in cards)
        assert MIN_VALUE <= value <= MAX_VALUE


@pytest.mark.parametrize(
    "text,name",
    [
        ("AsKsQsJsTs", "Royal Flush"),
        ("9h8h7h6h5h", "Straight Flush, Nine High"),
        ("AcAdAhAsKc", "Four of a Kind, Aces (King)"),
        ("KcKdKh7s7c", "Full House, Kings over Sevens"),
        ("Ah9h7h4h2h", "Flush, Ace High (Nine, Seven, Four, Two)"),
        ("5c4d3h2sAc", "Straight, Five High"),
        ("6c6d6hKs2c", "Three of a Kind, Sixes (King, Two)"),
        ("KcKd7h7sAc", "Two Pair, Kings and Sevens (Ace)"),
        ("TcTdAh9s4c", "Pair, Tens (Ace, Nine, Four)"),
        ("Ac9d7h4s2c", "High Card, Ace High (Nine, Seven, Four, Two)"),
    ],
)
def test_describe(text: str, name: str) -> None:
    assert describe(v(text)) == name


@pytest.mark.parametrize("value", [0, MAX_VALUE + 1, -5, True, 1.5, "7462"])
def test_value_functions_reject_non_values(value: object) -> None:
    for fn in (category, describe, hand_class):
        with pytest.raises(Rejected) as e:
            fn(value)  # type: ignore[arg-type]
        assert e.value.reason == Reason.POKER_BAD_HAND_VALUE
