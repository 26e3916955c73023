"""Cards: the integer encoding and the two-character text form (spec/06-poker.md, CARD rules)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chipstack.errors import Reason, Rejected
from chipstack.poker.cards import (
    DECK,
    format_card,
    format_cards,
    is_card,
    parse_card,
    parse_cards,
    rank_of,
    suit_of,
)


def test_encoding_is_rank_times_four_plus_suit() -> None:
    # [CARD-1]: ranks 23456789TJQKA -> 0..12, suits cdhs -> 0..3.
    assert parse_card("2c") == 0
    assert parse_card("2d") == 1
    assert parse_card("2s") == 3
    assert parse_card("3c") == 4
    assert parse_card("Th") == 8 * 4 + 2
    assert parse_card("Ah") == 50
    assert parse_card("As") == 51
    assert rank_of(parse_card("Kd")) == 11 and suit_of(parse_card("Kd")) == 1


def test_every_card_round_trips() -> None:
    texts = [r + s for r in "23456789TJQKA" for s in "cdhs"]
    assert [parse_card(t) for t in texts] == list(DECK) == list(range(52))
    assert [format_card(c) for c in DECK] == texts
    assert parse_cards("".join(texts)) == DECK


def test_concatenated_cards() -> None:
    # [CARD-2]
    assert parse_cards("AcKd") == (48, 45)
    assert parse_cards("") == ()
    assert format_cards((48, 45)) == "AcKd"
    assert format_cards(()) == ""


@pytest.mark.parametrize(
    "text", ["", "A", "Ahh", "ah", "AH", "1h", "10h", "??", "Ax", " Ah", "Ah ", "♠A", "Th\x00"]
)
def test_bad_single_card(text: str) -> None:
    with pytest.raises(Rejected) as e:
        parse_card(text)
    assert e.value.reason == Reason.POKER_BAD_CARD


@pytest.mark.parametrize("text", ["A", "AhK", "Ah Kd", "Ah,Kd", "????", "AhKx", "ahkd"])
def test_bad_card_sequences(text: str) -> None:
    with pytest.raises(Rejected) as e:
        parse_cards(text)
    assert e.value.reason == Reason.POKER_BAD_CARD


def test_duplicate_card_in_sequence() -> None:
    # [CARD-3]
    with pytest.raises(Rejected) as e:
        parse_cards("AhKdAh")
    assert e.value.reason == Reason.POKER_DUPLICATE_CARD


@pytest.mark.parametrize("value", [-1, 52, 1000, True, 1.0, "Ah", None])
def test_format_rejects_non_cards(value: object) -> None:
    assert not is_card(value)
    with pytest.raises(Rejected) as e:
        format_card(value)  # type: ignore[arg-type]
    assert e.value.reason == Reason.POKER_BAD_CARD


def test_non_string_input_is_rejected() -> None:
    with pytest.raises(Rejected) as e:
        parse_cards(b"AhKd")  # type: ignore[arg-type]
    assert e.value.reason == Reason.POKER_BAD_CARD
    with pytest.raises(Rejected):
        parse_card(51)  # type: ignore[arg-type]


@given(st.text(alphabet="23456789TJQKAcdhs?x ", max_size=30) | st.text(max_size=30))
def test_parse_cards_fuzz(text: str) -> None:
    try:
        cards = parse_cards(text)
    except Rejected as e:
        assert e.reason in (Reason.POKER_BAD_CARD, Reason.POKER_DUPLICATE_CARD)
    else:
        assert format_cards(cards) == text
        assert len(set(cards)) == len(cards) == len(text) // 2


@given(st.lists(st.sampled_from(DECK), unique=True, max_size=52))
def test_format_then_parse_is_identity(cards: list[int]) -> None:
    assert parse_cards(format_cards(cards)) == tuple(cards)
