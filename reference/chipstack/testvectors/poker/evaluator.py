"""The ``poker/evaluator`` vector suite (spec/06-poker.md, Hand evaluation).

One operation, ``hand_value``: 5, 6 or 7 card integers in, the value (1..7462,
EVAL-2) and category out. Ties show as equal values of two cases, and the
order of categories and kickers as increasing values.
"""

from __future__ import annotations

from typing import Any

from chipstack.poker.cards import parse_cards
from chipstack.poker.evaluator import category, hand_value
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.vectors.model import Case, JSONObject, Operation, Suite, make_case


def op_hand_value(case_input: JSONObject) -> JSONObject:
    """The value of the best five of ``cards`` and its category's name."""
    cards: Any = case_input["cards"]
    value = hand_value(cards)
    return {"value": value, "category": category(value).name.lower()}


OPS: dict[str, Operation] = {"hand_value": op_hand_value}

#: (cards as text, comment, covers, flags), all valid.
VALID: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]] = [
    ("AsKsQsJsTs", "royal flush: the best hand, 7462", ("EVAL-2",), ("hand_category",)),
    ("9h8h7h6h5h", "straight flush, nine high", ("EVAL-2",), ("hand_category",)),
    ("5d4d3d2dAd", "steel wheel: the lowest straight flush, 7453", ("EVAL-3", "EVAL-2"),
     ("wheel",)),
    ("6h5h4h3h2h", "six-high straight flush beats the steel wheel", ("EVAL-3",), ("wheel",)),
    ("AcAdAhAsKc", "four aces, king kicker", ("EVAL-2",), ("hand_category", "kicker")),
    ("AcAdAhAsQc", "four aces, queen kicker: below the king kicker", ("EVAL-2",), ("kicker",)),
    ("KcKdKh7s7c", "full house, kings over sevens", ("EVAL-2",), ("hand_category",)),
    ("7c7d7hKsKc", "full house, sevens over kings: the trips decide first", ("EVAL-2",),
     ("kicker",)),
    ("Ah9h7h4h2h", "flush, ace high", ("EVAL-2",), ("hand_category",)),
    ("Ah9h7h4h3h", "flush decided by its fifth card", ("EVAL-2",), ("kicker",)),
    ("AcKdQhJsTc", "broadway: the best straight", ("EVAL-2",), ("hand_category",)),
    ("Tc9d8h7s6c", "straight, ten high", ("EVAL-2",), ("hand_category",)),
    ("6c5d4h3s2c", "six-high straight", ("EVAL-3",), ("wheel",)),
    ("Ac2d3h4s5c", "wheel: the lowest straight, 5854", ("EVAL-3", "EVAL-2"), ("wheel",)),
    ("QcKdAh2s3c", "no wrap-around: Q-K-A-2-3 is ace high", ("EVAL-3",), ("wheel",)),
    ("5c5d5hKs2c", "three fives", ("EVAL-2",), ("hand_category",)),
    ("5c5d5hKs3c", "three fives, second kicker decides", ("EVAL-2",), ("kicker",)),
    ("KcKd7h7sAc", "two pair, kings and sevens, ace kicker", ("EVAL-2",), ("hand_category",)),
    ("KhKs7c7dAd", "the same two pair in other suits ties", ("EVAL-1",), ("tie",)),
    ("KcKd7h7sQc", "two pair, queen kicker: below the ace kicker", ("EVAL-2",), ("kicker",)),
    ("KcKdAhQs4c", "pair of kings", ("EVAL-2",), ("hand_category",)),
    ("KcKdAhQs3c", "pair of kings, third kicker decides", ("EVAL-2",), ("kicker",)),
    ("Ac9d7h4s2c", "ace high", ("EVAL-2",), ("hand_category",)),
    ("Ad9h7s4c2d", "the same ranks in other suits tie", ("EVAL-1",), ("tie",)),
    ("7c5d4h3s2c", "the worst hand: 1", ("EVAL-2", "EVAL-4"), ("hand_category",)),
    ("AhKhQhJh9h9c9d", "7 cards: the flush beats the trips", ("EVAL-1",), ("best_five",)),
    ("9h8h7h6h5h9c9d", "7 cards: straight flush", ("EVAL-1",), ("best_five",)),
    ("9c9d9h5s5c5dKh", "7 cards: two trips make nines full of fives", ("EVAL-1",),
     ("best_five",)),
    ("AcAdKhKsQcQd2h", "7 cards: three pairs play the best two and a queen", ("EVAL-1",),
     ("best_five",)),
    ("2c3d4h5s6c7d8h", "7 cards: a run of seven plays its top five", ("EVAL-1", "EVAL-4"),
     ("best_five",)),
    ("AhKhQdJc2sTc3d", "7 cards: the board's broadway, the hole cards do not play", ("EVAL-1",),
     ("best_five", "tie")),
    ("AhKhQdJc2sTs4c", "the same board, other hole cards: a tie", ("EVAL-1",),
     ("best_five", "tie")),
    ("Ac2d3h4s5c9h", "6 cards: the wheel with an extra nine", ("EVAL-3", "EVAL-1"),
     ("best_five",)),
    ("AsKsQsJsTs9s", "6 cards: six spades hold the royal flush", ("EVAL-1", "EVAL-4"),
     ("best_five",)),
]

#: (cards as integers, comment, covers, flags), all invalid.
INVALID: list[tuple[list[Any], str, tuple[str, ...], tuple[str, ...]]] = [
    ([0, 1, 2, 3], "four cards", ("EVAL-4",), ()),
    ([0, 1, 2, 3, 4, 5, 6, 7], "eight cards", ("EVAL-4",), ()),
    ([], "no cards", ("EVAL-4",), ()),
    ([0, 1, 2, 3, 3], "a card twice", ("EVAL-4",), ()),
    ([51, 51, 51, 51, 51, 51, 51], "one card seven times", ("EVAL-4",), ()),
    ([2, 6, 10, 14, 18, 18], "a card twice among hearts", ("EVAL-4",), ()),
    ([0, 1, 2, 3, 52], "52 is not a card", ("EVAL-4", "CARD-1"), ()),
    ([0, 1, 2, 3, -1], "-1 is not a card", ("EVAL-4", "CARD-1"), ()),
    ([0, 1, 2, 3, "Ah"], "a card is an integer", ("EVAL-4", "CARD-1"), ()),
    ([True, False, 2, 3, 4], "a boolean is not a card, although true and false equal 1 and 0 "
     "in some languages", ("EVAL-4", "CARD-1"), ()),
    ([2, 3, 4, 5, True, 1], "true beside card 1: not a card wins over the duplicate",
     ("EVAL-4", "CARD-1"), ("check_order",)),
    ([0, 0, 0, 0], "four cards and a card twice: the size is checked first", ("EVAL-4",),
     ("check_order",)),
    ([52, 52, 1, 2, 3], "a non-card twice: not a card wins over the duplicate", ("EVAL-4",),
     ("check_order",)),
]


def _cases() -> list[Case]:
    cases = [
        make_case(OPS, "hand_value", {"cards": list(parse_cards(text))}, f"{text}: {comment}",
                  covers, flags, expect="valid")
        for text, comment, covers, flags in VALID
    ]
    cases += [
        make_case(OPS, "hand_value", {"cards": cards}, comment, covers, flags, expect="invalid")
        for cards, comment, covers, flags in INVALID
    ]
    return cases


#: The ``poker/evaluator`` suite.
SUITE = Suite(
    name="poker/evaluator",
    description="The value (1..7462, higher wins, equal ties) of the best five of 5-7 cards.",
    notes=FLAGS,
    reason_flags=REASON_FLAGS,
    operations=OPS,
    build_cases=_cases,
)
