"""PHH reading and writing (spec/06-poker.md, PHH rules): the 145 shared real hands, bad input."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.errors import Reason, Rejected
from chipstack.poker.cards import DECK, parse_cards
from chipstack.poker.phh import PhhAction, PhhHand, load_phh, read_phh, write_phh


def manifest(root: Path) -> list[dict[str, str]]:
    with open(root / "MANIFEST.tsv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def test_every_shared_hand_reads_and_writes_back(phh_data: Path) -> None:
    rows = manifest(phh_data)
    assert len(rows) == 145
    kinds = {"pluribus": 0, "wsop": 0}
    for row in rows:
        path = phh_data / row["path"]
        text = path.read_text(encoding="utf-8")
        hand = load_phh(path)
        kinds[row["path"].split("/")[1]] += 1
        assert hand.variant == "NT" and 2 <= hand.players <= 10
        # SOURCE.md: no rake, so chips are conserved exactly (in the record's unit).
        assert hand.finishing_stacks is not None
        assert sum(hand.finishing_stacks) == sum(hand.starting_stacks), row["path"]
        # [PHH-5]: half chips in a record (and only then) make the unit a tenth.
        half = any(v.endswith(".5") for v in _array(text, "finishing_stacks"))
        assert hand.unit == (Decimal("0.1") if half else Decimal(1)), row["path"]
        # [PHH-10]: the writer reproduces PokerKit's file byte for byte (up to a final newline)
        out = write_phh(hand)
        assert out.rstrip("\n") == text.rstrip("\n"), row["path"]
        assert read_phh(out) == hand
    assert kinds == {"pluribus": 136, "wsop": 9}


def _array(text: str, name: str) -> list[str]:
    line = next(x for x in text.splitlines() if x.startswith(name + " = "))
    return [v.strip() for v in line.split("=", 1)[1].strip(" []").split(",")]


def test_one_hand_in_detail(phh_data: Path) -> None:
    hand = load_phh(phh_data / "data/pluribus/30/27.phh")  # values below read off the file
    assert hand.unit == 1 and hand.ante_trimming_status is True
    assert hand.antes == (0,) * 6 and hand.blinds_or_straddles == (50, 100, 0, 0, 0, 0)
    assert hand.min_bet == 100 and hand.starting_stacks == (10000,) * 6
    assert hand.finishing_stacks == (9950, 9800, 0, 10000, 10000, 20250)
    assert hand.actions[0] == PhhAction(0, "dh", parse_cards("Qc4h"))
    assert hand.actions[6] == PhhAction(2, "cbr", None, 200)
    assert hand.actions[7] == PhhAction(3, "f")
    assert hand.actions[9] == PhhAction(5, "cc")
    assert hand.actions[12] == PhhAction(None, "db", parse_cards("3h7s5c"))
    assert hand.actions[-1] == PhhAction(5, "sm", parse_cards("5h5d"))
    assert len(hand.actions) == 27
    assert hand.extra == {
        "hand": 27, "players": ["Eddie", "Bill", "Pluribus", "MrWhite", "Gogo", "Budd"],
    }


def test_half_chips_are_exact(phh_data: Path) -> None:
    hand = load_phh(phh_data / "data/pluribus/41b/204.phh")
    assert hand.unit == Decimal("0.1")
    # finishing_stacks = [10162.5, 9900.0, 10000.0, 10162.5, 10000.0, 9775.0]
    assert hand.finishing_stacks == (101625, 99000, 100000, 101625, 100000, 97750)
    assert hand.chips(101625) == Decimal("10162.5")
    assert hand.blinds_or_straddles == (500, 1000, 0, 0, 0, 0)
    assert PhhAction(0, "cbr", None, 13870) in hand.actions  # 'p1 cbr 1387'


def test_big_blind_ante_and_extra_fields(phh_data: Path) -> None:
    hand = load_phh(phh_data / "data/wsop/2019/42/3/00-01-07.phh")
    assert hand.players == 8 and hand.unit == 1
    assert hand.antes == (0, 500000, 0, 0, 0, 0, 0, 0)
    assert hand.extra["event"] == (
        "2019 World Series of Poker Event #42: $600 Mixed No-Limit Hold\u2019em / "
        "Pot-Limit Omaha Deepstack | Day 3"
    )
    assert hand.extra["year"] == 2019 and hand.extra["author"] == "Juho Kim"


def test_mucks(phh_data: Path) -> None:
    hand = load_phh(phh_data / "data/pluribus/102/57.phh")
    mucks = [a for a in hand.actions if a.kind == "sm" and a.cards is None]
    assert mucks, "this record has a muck ('pN sm' with no cards)"


BASE = {
    "variant": "'NT'",
    "antes": "[0, 0, 0]",
    "blinds_or_straddles": "[1, 2, 0]",
    "min_bet": "2",
    "starting_stacks": "[200, 200, 200]",
}
DEAL = "'d dh p1 AcKd', 'd dh p2 2c2d', 'd dh p3 7h8h'"


def record(actions: str | None = DEAL, **fields: str | None) -> str:
    values = {**BASE, "actions": None if actions is None else f"[{actions}]", **fields}
    return "\n".join(f"{k} = {v}" for k, v in values.items() if v is not None)


def test_minimal_record() -> None:
    hand = read_phh(record(DEAL + ", 'p3 cbr 6', 'p1 f', 'p2 cc', 'd db 9s9c9d', 'p2 cc', 'p3 cc'"))
    assert hand.ante_trimming_status is False and hand.finishing_stacks is None
    assert hand.extra == {}
    assert [a.kind for a in hand.actions] == ["dh"] * 3 + ["cbr", "f", "cc", "db", "cc", "cc"]


def test_commentary_and_no_ops_are_dropped() -> None:
    # [PHH-6]
    hand = read_phh(record("'# shuffle', '  d dh p1 AcKd  # nice', '', '   ', 'p1\tf'"))
    assert hand.actions == (PhhAction(0, "dh", parse_cards("AcKd")), PhhAction(0, "f"))


def test_show_dash_means_the_dealt_cards() -> None:
    # [PHH-8]
    hand = read_phh(record(DEAL + ", 'p1 sm -', 'p2 sm', 'p3 sm 8h7h'"))
    assert hand.actions[3:] == (
        PhhAction(0, "sm", parse_cards("AcKd")),
        PhhAction(1, "sm", None),
        PhhAction(2, "sm", parse_cards("8h7h")),
    )


def test_decimal_amounts_pick_the_unit() -> None:
    # [PHH-4], [PHH-5]: floats read as exact decimals; the unit is the coarsest that fits.
    hand = read_phh(record(DEAL + ", 'p3 cbr 0.25'", blinds_or_straddles="[0.1, 0.2, 0]",
                           min_bet="0.2", starting_stacks="[10, 1e1, 10.000]"))
    assert hand.unit == Decimal("0.01")
    assert hand.blinds_or_straddles == (10, 20, 0)
    assert hand.starting_stacks == (1000, 1000, 1000)
    assert hand.actions[-1].amount == 25
    # 0.1 is exact here, where a binary float would not be: 0.1 + 0.2 == 0.3 in units.
    assert hand.blinds_or_straddles[0] + hand.blinds_or_straddles[1] == 30


@pytest.mark.parametrize(
    "text,places",
    [("0", 0), ("0.000", 0), ("100", 0), ("1E+3", 0), ("10.50", 1), ("0.25", 2), ("1e-6", 6),
     ("123456789012345.123456", 6), ("7.10000000000000000000000000000000000", 1)],
)
def test_decimal_places_are_exact(text: str, places: int) -> None:
    hand = read_phh(record(min_bet=text if Decimal(text) else "1", antes=f"[0, {text}, 0]"))
    assert hand.unit == Decimal(1).scaleb(-places)
    assert hand.chips(hand.antes[1]) == Decimal(text)


def test_heads_up_blinds_are_kept_as_written() -> None:
    # [PHH-9]: the replay reverses them; the reader does not.
    hand = read_phh(record("'d dh p1 AcKd', 'd dh p2 2c2d'", antes="[0, 0]",
                           blinds_or_straddles="[1, 2]", starting_stacks="[100, 100]"))
    assert hand.blinds_or_straddles == (1, 2) and hand.players == 2


INVALID: list[tuple[str, str, Reason, str]] = [
    ("not toml", "variant = 'NT'\nvariant = 'NT'", Reason.PHH_BAD_TOML, "not TOML"),
    ("not toml 2", "actions = [", Reason.PHH_BAD_TOML, ""),
    ("deep nesting", "x = " + "[" * 5000 + "]" * 5000, Reason.PHH_BAD_TOML, ""),
    ("no variant", record(variant=None), Reason.PHH_MISSING_FIELD, "'variant'"),
    ("no antes", record(antes=None), Reason.PHH_MISSING_FIELD, "'antes'"),
    ("no blinds", record(blinds_or_straddles=None), Reason.PHH_MISSING_FIELD, ""),
    ("no min_bet", record(min_bet=None), Reason.PHH_MISSING_FIELD, ""),
    ("no stacks", record(starting_stacks=None), Reason.PHH_MISSING_FIELD, ""),
    ("no actions", record(None), Reason.PHH_MISSING_FIELD, "'actions'"),
    ("limit hold'em", record(variant="'FT'"), Reason.PHH_UNKNOWN_VARIANT, "'FT'"),
    ("variant not a string", record(variant="5"), Reason.PHH_BAD_FIELD, "variant"),
    ("antes too short", record(antes="[0, 0]"), Reason.PHH_BAD_FIELD, "2 entries, 3 players"),
    ("antes not an array", record(antes="0"), Reason.PHH_BAD_FIELD, "not an array"),
    ("one player", record(starting_stacks="[200]"), Reason.PHH_BAD_FIELD, "1 players"),
    ("eleven players", record(starting_stacks=str([9] * 11)), Reason.PHH_BAD_FIELD, "11 players"),
    ("boolean amount", record(antes="[0, true, 0]"), Reason.PHH_BAD_FIELD, "'antes'[1]"),
    ("string amount", record(min_bet="'2'"), Reason.PHH_BAD_FIELD, "min_bet"),
    ("unknown stack", record(starting_stacks="[200, inf, 200]"), Reason.PHH_BAD_AMOUNT, "finite"),
    ("nan", record(antes="[0, nan, 0]"), Reason.PHH_BAD_AMOUNT, "finite"),
    ("negative", record(antes="[0, -1, 0]"), Reason.PHH_BAD_AMOUNT, "negative"),
    ("zero stack", record(starting_stacks="[200, 0, 200]"), Reason.PHH_BAD_AMOUNT, "positive"),
    ("zero min bet", record(min_bet="0"), Reason.PHH_BAD_AMOUNT, "positive"),
    ("too fine", record(min_bet="0.0000001"), Reason.PHH_BAD_AMOUNT, "decimals"),
    ("too fine past 28 digits", record(min_bet="1.00000000000000000000000000001"),
     Reason.PHH_BAD_AMOUNT, "decimals"),
    ("too fine raise past 28 digits", record("'p3 cbr 2.00000000000000000001'"),
     Reason.PHH_BAD_AMOUNT, "decimals"),
    ("too large", record(min_bet="1000000000000000"), Reason.PHH_BAD_AMOUNT, "too large"),
    ("too large float", record(min_bet="1e300"), Reason.PHH_BAD_AMOUNT, "too large"),
    ("huge int", record(min_bet="9" * 4000), Reason.PHH_BAD_AMOUNT, "too large"),
    ("int over Python's digit limit", record(min_bet="9" * 5000), Reason.PHH_BAD_TOML, ""),
    ("trimming", record(ante_trimming_status="1"), Reason.PHH_BAD_FIELD, "ante_trimming"),
    ("actions not an array", record(None) + "\nactions = 'p1 f'", Reason.PHH_BAD_FIELD, ""),
    ("action not a string", record(DEAL + ", 5"), Reason.PHH_BAD_FIELD, "actions[3]"),
    ("unknown hole cards", record("'d dh p1 ????'"), Reason.PHH_UNKNOWN_CARD, "actions[0]"),
    ("partly unknown", record(DEAL + ", 'p1 sm ??Kd'"), Reason.PHH_UNKNOWN_CARD, "actions[3]"),
    ("no such player", record(DEAL + ", 'p4 f'"), Reason.PHH_BAD_ACTION, "actions[3] 'p4 f'"),
    ("player zero", record("'p0 f'"), Reason.PHH_BAD_ACTION, "actions[0]"),
    ("leading zero", record("'p01 f'"), Reason.PHH_BAD_ACTION, "actions[0]"),
    ("no amount", record(DEAL + ", 'p3 cbr'"), Reason.PHH_BAD_ACTION, "actions[3]"),
    ("signed amount", record("'p3 cbr -5'"), Reason.PHH_BAD_ACTION, "bad amount"),
    ("exponent amount", record("'p3 cbr 1e3'"), Reason.PHH_BAD_ACTION, "bad amount"),
    ("letter O amount", record("'p3 cbr 6OO'"), Reason.PHH_BAD_ACTION, "bad amount"),
    ("zero raise", record("'p3 cbr 0'"), Reason.PHH_BAD_AMOUNT, "actions[0]"),
    ("too fine raise", record("'p3 cbr 1.0000001'"), Reason.PHH_BAD_AMOUNT, "decimals"),
    ("bring-in (stud)", record("'p1 pb'"), Reason.PHH_BAD_ACTION, "not an NT action"),
    ("discard (draw)", record("'p1 sd AcKd'"), Reason.PHH_BAD_ACTION, "not an NT action"),
    ("extra word", record("'p1 f now'"), Reason.PHH_BAD_ACTION, ""),
    ("bare player", record("'p1'"), Reason.PHH_BAD_ACTION, ""),
    ("unknown actor", record("'x f'"), Reason.PHH_BAD_ACTION, ""),
    ("dealer verb", record("'d dx p1 AcKd'"), Reason.PHH_BAD_ACTION, ""),
    ("deal to nobody", record("'d dh AcKd'"), Reason.PHH_BAD_ACTION, ""),
    ("bad card", record("'d db AcKx9d'"), Reason.POKER_BAD_CARD, "actions[0]"),
    ("ten as 10", record("'d dh p1 10cKd'"), Reason.POKER_BAD_CARD, ""),
    ("a card twice in a deal", record("'d dh p1 AcAc'"), Reason.POKER_DUPLICATE_CARD, ""),
    ("a card dealt twice", record(DEAL + ", 'd db Ac5s6s'"), Reason.POKER_DUPLICATE_CARD,
     "actions[3]"),
    ("show before deal", record("'p1 sm -'"), Reason.PHH_BAD_ACTION, "'sm -'"),
]


@pytest.mark.parametrize(
    "text,reason,detail", [c[1:] for c in INVALID], ids=[c[0] for c in INVALID]
)
def test_invalid_records(text: str, reason: Reason, detail: str) -> None:
    with pytest.raises(Rejected) as e:
        read_phh(text, source="bad.phh")
    assert e.value.reason == reason
    assert e.value.detail.startswith("bad.phh: ")
    assert detail in e.value.detail


def test_oversized_record(tmp_path: Path) -> None:
    # [PHH-1]: refused before parsing, as text or as a file.
    big = record() + "\n# " + "x" * (1 << 20)
    with pytest.raises(Rejected) as e:
        read_phh(big)
    assert e.value.reason == Reason.PHH_TOO_LARGE
    path = tmp_path / "big.phh"
    path.write_text(big, encoding="utf-8")
    with pytest.raises(Rejected) as e:
        load_phh(path)
    assert e.value.reason == Reason.PHH_TOO_LARGE and str(path) in e.value.detail


def test_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.phh"
    path.write_bytes(record().encode("utf-8") + b"\nevent = '\xe9'")
    with pytest.raises(Rejected) as e:
        load_phh(path)
    assert e.value.reason == Reason.PHH_BAD_TOML


def test_file_with_byte_order_mark(tmp_path: Path) -> None:
    path = tmp_path / "bom.phh"
    path.write_bytes(b"\xef\xbb\xbf" + record().encode("utf-8"))
    assert load_phh(path).players == 3


# ------------------------------------------------------------------ fuzzing

def _only_rejected(text: str) -> PhhHand | None:
    try:
        return read_phh(text, source="fuzz")
    except Rejected as e:
        assert e.reason.value.startswith(("phh.", "poker.")), e
        assert e.detail.startswith("fuzz: ")
        return None


@given(st.text(max_size=300))
def test_read_phh_fuzz_text(text: str) -> None:
    _only_rejected(text)


@settings(max_examples=300)
@given(st.data())
def test_read_phh_fuzz_mutated_real_record(phh_data: Path, data: st.DataObject) -> None:
    text = phh_data.joinpath("data/pluribus/41b/204.phh").read_text(encoding="utf-8")
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 3))
        text = text[:i] + data.draw(st.text("0123456789.,-[]'\" #?pdhbcrfsmAKQJT\n=", max_size=3)) \
            + text[i + cut:]
    hand = _only_rejected(text)
    if hand is not None:
        assert read_phh(write_phh(hand)) == hand


_ACTION_WORDS = st.sampled_from(
    ["d", "dh", "db", "p1", "p2", "p3", "p4", "f", "cc", "cbr", "sm", "-", "AcKd", "2h", "??", "#",
     "10", "2.5", "0", "9s8s7s", "Ac", "pb", "", "p0"]
)


@given(st.lists(st.lists(_ACTION_WORDS, max_size=5).map(" ".join), max_size=8))
def test_read_phh_fuzz_actions(actions: list[str]) -> None:
    text = record(", ".join(repr(a) for a in actions))
    hand = _only_rejected(text)
    if hand is not None:
        assert read_phh(write_phh(hand)) == hand


# ------------------------------------------------------- generated round trips

_KNOWN = {"variant", "antes", "blinds_or_straddles", "min_bet", "starting_stacks", "actions",
          "finishing_stacks", "ante_trimming_status"}
_SCALARS = (
    st.text(max_size=12)
    | st.integers(-(2**63), 2**63 - 1)
    | st.booleans()
    | st.decimals(allow_nan=False, allow_infinity=False)
    | st.dates()
    | st.datetimes()
    | st.times()
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)


@st.composite
def phh_hands(draw: st.DrawFn) -> PhhHand:
    n = draw(st.integers(2, 10))
    k = draw(st.integers(0, 6))
    top = 10**15 * 10**k - 1
    amount = st.integers(0, top)
    positive = st.integers(1, top)
    deck = list(draw(st.permutations(DECK)))
    actions: list[PhhAction] = []
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["dh", "db", "f", "cc", "cbr", "sm"]))
        seat = draw(st.integers(0, n - 1))
        if kind in ("dh", "db") and len(deck) >= 5:
            cards = tuple(deck.pop() for _ in range(draw(st.integers(1, 5))))
            actions.append(PhhAction(seat if kind == "dh" else None, kind, cards))
        elif kind == "cbr":
            actions.append(PhhAction(seat, kind, None, draw(positive)))
        elif kind == "sm":
            shown = draw(st.none() | st.lists(st.sampled_from(DECK), min_size=1, max_size=4,
                                              unique=True).map(tuple))
            actions.append(PhhAction(seat, kind, shown))
        elif kind in ("f", "cc"):
            actions.append(PhhAction(seat, kind))
    stacks = draw(st.lists(positive, min_size=n, max_size=n))
    antes = tuple(draw(st.lists(amount, min_size=n, max_size=n)))
    blinds = tuple(draw(st.lists(amount, min_size=n, max_size=n)))
    min_bet = draw(positive)
    finishing = draw(st.none() | st.lists(amount, min_size=n, max_size=n).map(tuple))
    every = [*stacks, *antes, *blinds, min_bet, *(finishing or ())]
    every += [a.amount for a in actions if a.amount is not None]
    if k and all(v % 10 == 0 for v in every):
        stacks[0] += 1  # keep the unit the coarsest that fits [PHH-5]
    extra = draw(st.dictionaries(st.text(max_size=10).filter(lambda s: s not in _KNOWN), _VALUES,
                                 max_size=4))
    return PhhHand("NT", Decimal(1).scaleb(-k), antes, blinds, min_bet, tuple(stacks), finishing,
                   tuple(actions), draw(st.booleans()), extra)


@settings(max_examples=150)
@given(phh_hands())
def test_written_hands_read_back_equal(hand: PhhHand) -> None:
    # [PHH-10]
    assert read_phh(write_phh(hand)) == hand


@pytest.mark.parametrize(
    "hand",
    [
        PhhHand("NT", Decimal("0.5"), (0, 0), (1, 2), 2, (10, 10), None, ()),
        PhhHand("NT", Decimal(1), (0, 0), (1, 2), 2, (10, -10), None, ()),
        PhhHand("NT", Decimal(1), (0, 0), (1, 2), 2, (10, 10), None, (PhhAction(0, "xx"),)),
        PhhHand("NT", Decimal(1), (0, 0), (1, 2), 2, (10, 10), None, (PhhAction(None, "f"),)),
        PhhHand("NT", Decimal(1), (0, 0), (1, 2), 2, (10, 10), None, (), extra={"antes": 1}),
        PhhHand("NT", Decimal(1), (0, 0), (1, 2), 2, (10, 10), None, (), extra={"x": object()}),
        PhhHand("NT", Decimal(1), (0,), (1, 2), 2, (10, 10), None, ()),
        PhhHand("NT", Decimal(1), (0, 0), (1, 2), 2, (10, 10), (20,), ()),
        PhhHand("NT", Decimal(1), (0, 0), (1, 2), 2, (10, 10), None, (PhhAction(2, "f"),)),
        PhhHand("NT", Decimal(1), (0, 0), (1, 2), 2, (10, 10), None, (PhhAction(0, "sm", ()),)),
    ],
    ids=["unit not a power of ten", "negative", "unknown kind", "player action without a player",
         "extra shadows a field", "unwritable value", "antes too short", "finishing too short",
         "no such player", "show no cards"],
)
def test_writer_rejects_hands_it_cannot_write(hand: PhhHand) -> None:
    with pytest.raises(Rejected) as e:
        write_phh(hand)
    assert e.value.reason.value.startswith("phh.")
