"""The ``poker/phh`` vector suite (spec/06-poker.md, PHH): reading PHH records.

``read_phh``: a record's text in; out, the hand as JSON, with amounts as
integers of the chip unit (``unit``, a decimal string such as ``"0.1"``) and
actions with 0-based seats; or the rejection's reason. ``write_read_phh``:
the same record read, written and read again, which must give the same hand.
"""

from __future__ import annotations

from typing import Any

from chipstack.poker.phh import read_phh, write_phh
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.testvectors.poker.phh_records import PLURIBUS_30_27, PLURIBUS_41B_204, WSOP_2023_68
from chipstack.vectors.model import Case, JSONObject, Operation, Suite, make_case


def op_read_phh(case_input: JSONObject) -> JSONObject:
    """Read the record ``text``; the hand with integer amounts in its unit."""
    text: Any = case_input["text"]
    hand = read_phh(text, source="vector")
    return {
        "unit": str(hand.unit),
        "antes": list(hand.antes),
        "blinds_or_straddles": list(hand.blinds_or_straddles),
        "min_bet": hand.min_bet,
        "starting_stacks": list(hand.starting_stacks),
        "finishing_stacks": None if hand.finishing_stacks is None else list(hand.finishing_stacks),
        "ante_trimming_status": hand.ante_trimming_status,
        "actions": [
            {
                "actor": a.actor,
                "kind": a.kind,
                "cards": None if a.cards is None else list(a.cards),
                "amount": a.amount,
            }
            for a in hand.actions
        ],
        "other_fields": list(hand.extra),
    }


def op_write_read_phh(case_input: JSONObject) -> JSONObject:
    """Read the record ``text``, write it, and read what was written: the same hand [PHH-10]."""
    text: Any = case_input["text"]
    return op_read_phh({"text": write_phh(read_phh(text, source="vector"))})


OPS: dict[str, Operation] = {"read_phh": op_read_phh, "write_read_phh": op_write_read_phh}

_BASE = {
    "variant": "'NT'",
    "antes": "[0, 0, 0]",
    "blinds_or_straddles": "[1, 2, 0]",
    "min_bet": "2",
    "starting_stacks": "[200, 200, 200]",
}
_DEAL = "'d dh p1 AcKd', 'd dh p2 2c2d', 'd dh p3 7h8h'"


def record(actions: str | None = _DEAL, **fields: str | None) -> str:
    """A small 3-player record: the base fields, ``fields`` overriding (None drops one)."""
    values = {**_BASE, "actions": None if actions is None else f"[{actions}]", **fields}
    return "\n".join(f"{k} = {v}" for k, v in values.items() if v is not None)


#: (text, comment, covers, flags), all valid.
VALID: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]] = [
    (PLURIBUS_30_27, "a real Pluribus hand (pluribus/30/27): whole chips, unit 1",
     ("PHH-2", "PHH-6"), ("real_record",)),
    (PLURIBUS_41B_204, "a real split pot with half chips (pluribus/41b/204): unit 0.1",
     ("PHH-5", "PHH-4"), ("real_record", "decimal")),
    (WSOP_2023_68, "a real WSOP hand: big-blind ante, shows before the run-out, extra fields",
     ("PHH-2", "PHH-6"), ("real_record",)),
    (record(_DEAL + ", 'p3 cbr 6', 'p1 f', 'p2 cc', 'd db 9s9c9d', 'p2 cc', 'p3 cc'"),
     "a minimal record: no finishing stacks, trimming false by default",
     ("PHH-2", "PHH-3", "PHH-1"),
     ("normal",)),
    (record("'# shuffle', '  d dh p1 AcKd  # nice', '', '   ', 'p1\tf'"),
     "commentary and no-ops are dropped; any whitespace separates words", ("PHH-6",),
     ("commentary",)),
    (record(_DEAL + ", 'p1 sm -', 'p2 sm', 'p3 sm 8h7h'"),
     "'sm -' shows the dealt cards, 'sm' mucks, 'sm CARDS' shows", ("PHH-8", "PHH-6"),
     ("normal",)),
    (record(_DEAL + ", 'p3 cbr 0.25'", blinds_or_straddles="[0.1, 0.2, 0]", min_bet="0.2",
            starting_stacks="[10, 1e1, 10.000]"),
     "decimal amounts: unit 0.01, exact (0.1 + 0.2 is 30 units)", ("PHH-5", "PHH-4"),
     ("decimal",)),
    (record("'d dh p1 AcKd', 'd dh p2 2c2d'", antes="[0, 0]", blinds_or_straddles="[1, 2]",
            starting_stacks="[100, 100]"),
     "heads-up: the blinds are kept as written (the replay reverses them)", ("PHH-9", "PHH-3"),
     ("heads_up",)),
]

#: (text, comment, covers, flags), all invalid.
INVALID: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]] = [
    ("variant = 'NT'\nvariant = 'NT'", "a key twice is not TOML", ("PHH-1",), ()),
    (record() + "\nplayers = ['a', 'b'", "an unclosed array", ("PHH-1",), ()),
    (record(variant=None), "no variant", ("PHH-2",), ()),
    (record(None), "no actions", ("PHH-2",), ()),
    (record(min_bet=None), "no min_bet", ("PHH-2",), ()),
    (record(variant="'FT'"), "fixed-limit hold'em is another variant", ("PHH-2",),
     ()),
    (record(antes="[0, 0]"), "antes for 2 of 3 players", ("PHH-3",), ()),
    (record(starting_stacks="[200]"), "one player", ("PHH-3",), ()),
    (record(starting_stacks=str([9] * 11)), "eleven players", ("PHH-3",), ()),
    (record(antes="[0, true, 0]"), "a boolean is not an amount", ("PHH-3",), ()),
    (record(None) + "\nactions = 'p1 f'", "actions is not an array", ("PHH-3",), ()),
    (record(starting_stacks="[200, inf, 200]"), "an unknown (infinite) stack", ("PHH-4",),
     ()),
    (record(antes="[0, -1, 0]"), "a negative ante", ("PHH-4",), ()),
    (record(starting_stacks="[200, 0, 200]"), "an empty stack", ("PHH-4",), ()),
    (record(min_bet="0.0000001"), "seven decimals: no unit 10^-k, k <= 6", ("PHH-4", "PHH-5"),
     ()),
    (record(min_bet="1e15"), "10^15 chips", ("PHH-4",), ()),
    (record(_DEAL + ", 'p3 cbr 0'"), "a raise to 0", ("PHH-4",), ()),
    (record("'d dh p1 ????'"), "unknown hole cards", ("PHH-8",), ()),
    (record(_DEAL + ", 'p1 sm ??Kd'"), "a partly unknown show", ("PHH-8",), ()),
    (record(_DEAL + ", 'p4 f'"), "no player 4 among 3", ("PHH-6",), ()),
    (record("'p01 f'"), "a player number with a leading zero", ("PHH-6",), ()),
    (record(_DEAL + ", 'p3 cbr'"), "a raise without an amount", ("PHH-6",), ()),
    (record("'p3 cbr 1e3'"), "an amount with an exponent", ("PHH-6",), ()),
    (record("'p3 cbr 6OO'"), "letters O for zeros", ("PHH-6",), ()),
    (record("'p1 pb'"), "a stud bring-in is not an NT action", ("PHH-6",), ()),
    (record("'p1 sd AcKd'"), "a draw discard is not an NT action", ("PHH-6",), ()),
    (record("'d dh AcKd'"), "hole cards dealt to nobody", ("PHH-6",), ()),
    (record("'p1 sm -'"), "'sm -' before any hole cards", ("PHH-8",), ()),
    (record("'d db AcKx9d'"), "a bad card on the board", ("PHH-8", "CARD-2"), ()),
    (record("'d dh p1 AcAc'"), "one card twice in a deal", ("PHH-8", "CARD-3"),
     ()),
    (record(_DEAL + ", 'd db Ac5s6s'"), "a hole card dealt again on the board", ("PHH-8",),
     ()),
]


def _cases() -> list[Case]:
    cases = [
        make_case(OPS, "read_phh", {"text": text}, comment, covers, flags, expect="valid")
        for text, comment, covers, flags in VALID
    ]
    cases += [
        make_case(OPS, "read_phh", {"text": text}, comment, covers, flags, expect="invalid")
        for text, comment, covers, flags in INVALID
    ]
    # [PHH-10]: the hand read back from the written record equals the read above.
    cases += [
        make_case(OPS, "write_read_phh", {"text": text}, f"write and re-read: {comment}",
                  ("PHH-10",), flags, expect="valid")
        for text, comment, _, flags in VALID
    ]
    return cases


#: The ``poker/phh`` suite.
SUITE = Suite(
    name="poker/phh",
    description="Reading PHH hand-history records (variant NT): exact amounts, typed refusals.",
    notes=FLAGS,
    reason_flags=REASON_FLAGS,
    operations=OPS,
    build_cases=_cases,
)
