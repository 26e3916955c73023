"""The ``poker/cards`` vector suite (spec/06-poker.md, Cards): card integers and their text."""

from __future__ import annotations

from typing import Any

from chipstack.poker.cards import format_cards, parse_cards
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.vectors.model import Case, JSONObject, Operation, Result, Suite, make_case


def op_parse_cards(case_input: JSONObject) -> JSONObject:
    """The card integers written in ``text`` (two characters a card, concatenated)."""
    return {"cards": list(parse_cards(case_input["text"]))}


def op_format_cards(case_input: JSONObject) -> JSONObject:
    """The text of the card integers ``cards``."""
    cards: Any = case_input["cards"]
    return {"text": format_cards(cards)}


OPS: dict[str, Operation] = {"parse_cards": op_parse_cards, "format_cards": op_format_cards}

_ALL = "".join(r + s for r in "23456789TJQKA" for s in "cdhs")


def _cases() -> list[Case]:
    def parse(text: str, comment: str, covers: tuple[str, ...], flags: tuple[str, ...],
              expect: Result) -> Case:
        return make_case(OPS, "parse_cards", {"text": text}, comment, covers, flags, expect=expect)

    def fmt(cards: list[Any], comment: str, covers: tuple[str, ...], flags: tuple[str, ...],
            expect: Result) -> Case:
        return make_case(OPS, "format_cards", {"cards": cards}, comment, covers, flags,
                         expect=expect)

    return [
        parse("2c", "the lowest card is 0", ("CARD-1", "CARD-2"), ("normal",), "valid"),
        parse("2d", "suits count first: 2d is 1", ("CARD-1",), ("normal",), "valid"),
        parse("3c", "the next rank starts at 4", ("CARD-1",), ("normal",), "valid"),
        parse("Ah", "Ah is 12*4+2 = 50", ("CARD-1",), ("normal",), "valid"),
        parse("As", "the highest card is 51", ("CARD-1",), ("normal",), "valid"),
        parse("AcKd", "two cards concatenated", ("CARD-2",), ("normal",), "valid"),
        parse("", "the empty string is no cards", ("CARD-2",), ("boundary",), "valid"),
        parse(_ALL, "the whole deck in order is 0..51", ("CARD-1", "CARD-2", "CARD-3"), ("normal",),
              "valid"),
        parse("Td9s", "ten is T", ("CARD-2",), ("normal",), "valid"),
        parse("AH", "suit letters are lower case", ("CARD-2",), (), "invalid"),
        parse("ah", "rank letters are upper case", ("CARD-2",), (), "invalid"),
        parse("10h", "ten is T, never 10", ("CARD-2",), (), "invalid"),
        parse("??", "an unknown card is not a card", ("CARD-2",), (), "invalid"),
        parse("A", "one character", ("CARD-2",), (), "invalid"),
        parse("AhK", "an odd length", ("CARD-2",), (), "invalid"),
        parse("Ah Kd", "no separators", ("CARD-2",), (), "invalid"),
        parse("1h", "no rank 1", ("CARD-2",), (), "invalid"),
        parse("Ax", "no suit x", ("CARD-2",), (), "invalid"),
        parse("AhKdAh", "a card twice", ("CARD-3",), (), "invalid"),
        fmt([48, 45], "48 and 45 are AcKd", ("CARD-1", "CARD-2"), ("normal",), "valid"),
        fmt([], "no cards is the empty string", ("CARD-2",), ("boundary",), "valid"),
        fmt([0, 51], "the lowest and the highest card", ("CARD-1",), ("normal",), "valid"),
        fmt([52], "52 is not a card", ("CARD-1",), (), "invalid"),
        fmt([-1], "-1 is not a card", ("CARD-1",), (), "invalid"),
        fmt(["Ah"], "a card is an integer, not text", ("CARD-1",), (), "invalid"),
    ]


#: The ``poker/cards`` suite.
SUITE = Suite(
    name="poker/cards",
    description="Cards as integers rank*4+suit (0..51) and as two-character text.",
    notes=FLAGS,
    reason_flags=REASON_FLAGS,
    operations=OPS,
    build_cases=_cases,
)
