"""PHH hand histories: read and write the Poker Hand History format (spec/06-poker.md, PHH rules).

A PHH record is TOML (``uoftcprg/phh-std``). :func:`read_phh` accepts the
no-limit hold'em variant ``NT`` with every card known and returns a
:class:`PhhHand`; :func:`write_phh` writes one back so that it reads to an
equal hand [PHH-10].

Amounts are exact. TOML numbers are read as :class:`~decimal.Decimal`, never
binary floats [PHH-4], and each record gets a *chip unit* ``10**-k``, the
coarsest that makes every amount whole [PHH-5]: every amount in a
:class:`PhhHand` is an ``int`` count of that unit (``hand.unit * amount`` is
the amount in chips). Pluribus split pots that leave half chips
(``10387.5``) give unit ``0.1``: the stack ``10387.5`` is ``103875``.

Seats follow the record: index 0 is ``p1``, the first player after the button
(the small blind), and the last index is the button [PHH-9]. In a heads-up
record the PHH standard assigns ``antes`` and ``blinds_or_straddles`` in
reverse (``p2``, the button, posts the first entry, the small blind); the
arrays are kept as written and the replay applies the reversal.

A messy record is rejected with a ``phh.*`` (or ``poker.*`` card) reason whose
detail names the source and, for an action, its index in the record's
``actions`` array: ``data/x.phh: actions[7] 'p3 cbr 6OO': bad amount``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from chipstack.errors import Reason, Rejected
from chipstack.poker.cards import Card, format_cards, parse_cards

MAX_RECORD_BYTES = 1 << 20
"""The largest record read, in bytes of UTF-8 [PHH-1]."""

MAX_PLAYERS = 10
"""The most players a record may have (chipstack tables seat 2 to 10) [PHH-3]."""

MAX_DECIMALS = 6
"""The finest chip unit is ``10**-MAX_DECIMALS`` [PHH-4]."""

AMOUNT_LIMIT = 10**15
"""Every amount must be below this many chips [PHH-4]."""

ACTION_KINDS = frozenset({"dh", "db", "f", "cc", "cbr", "sm"})
"""The action kinds of the NT variant [PHH-6]."""

_REQUIRED = ("variant", "antes", "blinds_or_straddles", "min_bet", "starting_stacks", "actions")
_KNOWN = frozenset({*_REQUIRED, "finishing_stacks", "ante_trimming_status"})
_PLAYER = re.compile(r"p([1-9][0-9]{0,2})")
_AMOUNT = re.compile(r"[0-9]{1,20}(\.[0-9]{1,20})?")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class PhhAction:
    """One action of a record, with seats 0-based and the amount in the record's unit.

    ``actor`` is the acting player's index; for ``dh`` it is the player dealt
    to, and for ``db`` (a dealer action) it is ``None``. ``cards`` is set for
    ``dh``, ``db`` and a shown ``sm``, ``None`` otherwise (``sm`` with
    ``cards=None`` is a muck). ``amount`` is set for ``cbr`` only: the total
    the player bets or raises *to* on this street, in units of ``PhhHand.unit``.
    """

    actor: int | None
    kind: str
    cards: tuple[Card, ...] | None = None
    amount: int | None = None


@dataclass(frozen=True)
class PhhHand:
    """One no-limit hold'em hand as a PHH record gives it, amounts in integer units of ``unit``.

    Per-player tuples are in the record's order (index 0 is ``p1``, the small
    blind; see [PHH-9] for heads-up). ``finishing_stacks`` is ``None`` when
    the record has none. ``extra`` holds every other field (``players``,
    ``hand``, ``event`` ...) as TOML gave it (floats as ``Decimal``), in order.
    """

    variant: str
    unit: Decimal
    antes: tuple[int, ...]
    blinds_or_straddles: tuple[int, ...]
    min_bet: int
    starting_stacks: tuple[int, ...]
    finishing_stacks: tuple[int, ...] | None
    actions: tuple[PhhAction, ...]
    ante_trimming_status: bool = False
    extra: Mapping[str, object] = field(default_factory=dict)

    @property
    def players(self) -> int:
        """The number of players."""
        return len(self.starting_stacks)

    def chips(self, amount: int) -> Decimal:
        """An amount of this hand's units in chips (``unit * amount``)."""
        return self.unit * amount


def load_phh(path: str | Path) -> PhhHand:
    """Read the PHH record in the file ``path`` (see :func:`read_phh`); OS errors propagate."""
    source = str(path)
    with open(path, "rb") as f:
        data = f.read(MAX_RECORD_BYTES + 1)
    if len(data) > MAX_RECORD_BYTES:  # [PHH-1]
        raise Rejected(Reason.PHH_TOO_LARGE, f"{source}: over {MAX_RECORD_BYTES} bytes")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise Rejected(Reason.PHH_BAD_TOML, f"{source}: not UTF-8 ({e.reason})") from None
    return read_phh(text.removeprefix("\ufeff"), source=source)


def read_phh(text: str, *, source: str = "<string>") -> PhhHand:
    """Read one PHH record of the ``NT`` variant; anything else is rejected naming ``source``."""
    return _Reader(source).read(text)


class _Reader:
    """One read of one record: holds the source name for error details."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, reason: Reason, what: str) -> Rejected:
        return Rejected(reason, f"{self.source}: {what}")

    def read(self, text: str) -> PhhHand:
        fields = self.parse_toml(text)
        for name in _REQUIRED:
            if name not in fields:  # [PHH-2]
                raise self.fail(Reason.PHH_MISSING_FIELD, f"no field {name!r}")
        variant = fields["variant"]
        if not isinstance(variant, str):
            raise self.fail(Reason.PHH_BAD_FIELD, "field 'variant': not a string")
        if variant != "NT":  # [PHH-2]
            what = f"variant {variant[:20]!r}: only 'NT' is read"
            raise self.fail(Reason.PHH_UNKNOWN_VARIANT, what)
        trimming = fields.get("ante_trimming_status", False)
        if not isinstance(trimming, bool):
            raise self.fail(Reason.PHH_BAD_FIELD, "field 'ante_trimming_status': not a boolean")
        starting = self.amounts(fields, "starting_stacks", None, positive=True)
        n = len(starting)
        if not 2 <= n <= MAX_PLAYERS:  # [PHH-3]
            raise self.fail(Reason.PHH_BAD_FIELD, f"field 'starting_stacks': {n} players (2..10)")
        antes = self.amounts(fields, "antes", n)
        blinds = self.amounts(fields, "blinds_or_straddles", n)
        min_bet = self.amount(fields["min_bet"], "field 'min_bet'", positive=True)
        finishing = (
            self.amounts(fields, "finishing_stacks", n) if "finishing_stacks" in fields else None
        )
        raw_actions = fields["actions"]
        if not isinstance(raw_actions, list):
            raise self.fail(Reason.PHH_BAD_FIELD, "field 'actions': not an array")
        parsed = _ActionParser(self, n).parse_all(raw_actions)
        everything = [*starting, *antes, *blinds, min_bet, *(finishing or ())]
        everything += [a[3] for a in parsed if a[3] is not None]
        k = max((_decimals(d) for d in everything), default=0)  # [PHH-5]
        scale = 10**k

        def units(values: Sequence[Decimal]) -> tuple[int, ...]:
            return tuple(int(d * scale) for d in values)

        actions = tuple(
            PhhAction(actor, kind, cards, None if amt is None else int(amt * scale))
            for actor, kind, cards, amt in parsed
        )
        return PhhHand(
            variant=variant,
            unit=Decimal(1).scaleb(-k),
            antes=units(antes),
            blinds_or_straddles=units(blinds),
            min_bet=int(min_bet * scale),
            starting_stacks=units(starting),
            finishing_stacks=None if finishing is None else units(finishing),
            actions=actions,
            ante_trimming_status=trimming,
            extra={k2: v for k2, v in fields.items() if k2 not in _KNOWN},
        )

    def parse_toml(self, text: str) -> dict[str, object]:
        if not isinstance(text, str):
            raise self.fail(Reason.PHH_BAD_TOML, f"not text: {type(text).__name__}")
        if len(text) > MAX_RECORD_BYTES or len(text.encode("utf-8", "replace")) > MAX_RECORD_BYTES:
            raise self.fail(Reason.PHH_TOO_LARGE, f"over {MAX_RECORD_BYTES} bytes")  # [PHH-1]
        try:
            return tomllib.loads(text, parse_float=Decimal)  # [PHH-4]: no binary floats
        except (ValueError, RecursionError) as e:  # TOMLDecodeError is a ValueError
            raise self.fail(Reason.PHH_BAD_TOML, f"not TOML: {str(e)[:120]}") from None

    def amounts(
        self, fields: Mapping[str, object], name: str, n: int | None, *, positive: bool = False
    ) -> list[Decimal]:
        values = fields[name]
        if not isinstance(values, list):
            raise self.fail(Reason.PHH_BAD_FIELD, f"field {name!r}: not an array")
        if n is not None and len(values) != n:  # [PHH-3]
            what = f"field {name!r}: {len(values)} entries, {n} players"
            raise self.fail(Reason.PHH_BAD_FIELD, what)
        return [
            self.amount(v, f"field {name!r}[{i}]", positive=positive) for i, v in enumerate(values)
        ]

    def amount(self, value: object, where: str, *, positive: bool = False) -> Decimal:
        if type(value) is int:
            if abs(value) >= AMOUNT_LIMIT:
                raise self.fail(Reason.PHH_BAD_AMOUNT, f"{where}: too large")
            value = Decimal(value)
        if not isinstance(value, Decimal):
            raise self.fail(Reason.PHH_BAD_FIELD, f"{where}: not a number")
        return _check_amount(
            value, lambda what: self.fail(Reason.PHH_BAD_AMOUNT, f"{where}: {what}"), positive
        )


def _check_amount(value: Decimal, fail: Callable[[str], Rejected], positive: bool) -> Decimal:
    """Return ``value`` if it is a valid amount [PHH-4]; else raise ``fail(what)``."""
    if not value.is_finite():
        raise fail("not a finite number")
    if value < 0 or (positive and value == 0):
        raise fail("must be positive" if positive else "negative")
    if value >= AMOUNT_LIMIT:
        raise fail("too large")
    if _decimals(value) > MAX_DECIMALS:
        raise fail(f"finer than {MAX_DECIMALS} decimals")
    return value


def _decimals(value: Decimal) -> int:
    """How many digits after the point ``value`` needs (trailing zeros dropped), exactly.

    (``Decimal.normalize`` would round to the context's 28 digits first.)
    """
    _, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    if exponent >= 0 or not any(digits):
        return 0
    places = -exponent
    for digit in reversed(digits):
        if digit or not places:
            break
        places -= 1
    return places


_Parsed = tuple[int | None, str, tuple[Card, ...] | None, Decimal | None]


class _ActionParser:
    """Parses the ``actions`` array [PHH-6..8], tracking dealt cards across actions."""

    def __init__(self, reader: _Reader, players: int) -> None:
        self.reader = reader
        self.players = players
        self.dealt: set[Card] = set()
        self.hole: dict[int, tuple[Card, ...]] = {}

    def parse_all(self, raw: list[object]) -> list[_Parsed]:
        out: list[_Parsed] = []
        for i, text in enumerate(raw):
            if not isinstance(text, str):
                raise self.reader.fail(Reason.PHH_BAD_FIELD, f"actions[{i}]: not a string")
            try:
                action = self.parse(text)
            except Rejected as e:  # [PHH-7]: name the action by its index
                what = f"actions[{i}] {text[:60]!r}: {e.detail}"
                raise self.reader.fail(e.reason, what) from None
            if action is not None:
                out.append(action)
        return out

    def parse(self, text: str) -> _Parsed | None:
        words = text.split("#", 1)[0].split()
        if not words:
            return None  # a no-op or a lone commentary [PHH-6]
        if words[0] == "d":
            if words[1:2] == ["dh"] and len(words) == 4:
                seat = self.player(words[2])
                cards = self.deal(words[3])
                self.hole[seat] = cards
                return seat, "dh", cards, None
            if words[1:2] == ["db"] and len(words) == 3:
                return None, "db", self.deal(words[2]), None
            raise Rejected(Reason.PHH_BAD_ACTION, "expected 'd dh pN CARDS' or 'd db CARDS'")
        seat = self.player(words[0])
        kind, args = (words[1], words[2:]) if len(words) > 1 else ("", [])
        if kind in ("f", "cc") and not args:
            return seat, kind, None, None
        if kind == "cbr" and len(args) == 1:
            if not _AMOUNT.fullmatch(args[0]):
                raise Rejected(Reason.PHH_BAD_ACTION, f"bad amount {args[0][:30]!r}")
            amount = _check_amount(Decimal(args[0]), _action_amount_error, positive=True)
            return seat, kind, None, amount
        if kind == "sm" and len(args) <= 1:
            if not args:
                return seat, kind, None, None  # a muck
            if args[0] == "-":
                if seat not in self.hole:
                    raise Rejected(Reason.PHH_BAD_ACTION, "'sm -' before any hole cards")
                return seat, kind, self.hole[seat], None
            return seat, kind, self.cards(args[0]), None
        raise Rejected(Reason.PHH_BAD_ACTION, "not an NT action (f, cc, cbr X, sm [CARDS])")

    def player(self, word: str) -> int:
        m = _PLAYER.fullmatch(word)
        if m is None or int(m.group(1)) > self.players:
            raise Rejected(Reason.PHH_BAD_ACTION, f"no player {word[:12]!r} (p1..p{self.players})")
        return int(m.group(1)) - 1

    def cards(self, word: str) -> tuple[Card, ...]:
        if "?" in word:  # [PHH-8]
            raise Rejected(Reason.PHH_UNKNOWN_CARD, f"unknown card in {word[:30]!r}")
        cards = parse_cards(word)
        if not cards:
            raise Rejected(Reason.PHH_BAD_ACTION, "no cards")
        return cards

    def deal(self, word: str) -> tuple[Card, ...]:
        cards = self.cards(word)
        again = self.dealt.intersection(cards)
        if again:  # [PHH-8]
            what = f"{format_cards(sorted(again))} dealt again"
            raise Rejected(Reason.POKER_DUPLICATE_CARD, what)
        self.dealt.update(cards)
        return cards


def _action_amount_error(what: str) -> Rejected:
    return Rejected(Reason.PHH_BAD_AMOUNT, f"amount {what}")


# ---------------------------------------------------------------- writing


def write_phh(hand: PhhHand) -> str:
    """The PHH text of ``hand``: it reads back to an equal hand [PHH-10].

    Fields come in PokerKit's order, amounts in chips (an amount or array
    written whole when it is, else with exactly the unit's decimals), strings
    single-quoted where TOML allows, each action on one array line.
    """
    k = _unit_decimals(hand.unit)
    n = hand.players
    lists = [hand.antes, hand.blinds_or_straddles]
    if hand.finishing_stacks is not None:
        lists.append(hand.finishing_stacks)
    if not 2 <= n <= MAX_PLAYERS or any(len(x) != n for x in lists):
        raise Rejected(Reason.PHH_BAD_FIELD, "per-player fields need the same 2..10 entries")
    if any(a.actor is not None and not 0 <= a.actor < n for a in hand.actions):
        raise Rejected(Reason.PHH_BAD_ACTION, f"an action names a player outside 0..{n - 1}")
    clash = _KNOWN.intersection(hand.extra)
    if clash:
        raise Rejected(Reason.PHH_BAD_FIELD, f"extra fields shadow PHH fields: {sorted(clash)}")

    def amounts(values: Sequence[int]) -> str:
        # An array is written whole when every entry is, else every entry with k decimals.
        places = 0 if all(type(v) is int and v % 10**k == 0 for v in values) else k
        return "[" + ", ".join(_chips(v, k, places) for v in values) + "]"

    lines = [
        f"variant = {_string(hand.variant)}",
        f"ante_trimming_status = {_value(hand.ante_trimming_status)}",
        f"antes = {amounts(hand.antes)}",
        f"blinds_or_straddles = {amounts(hand.blinds_or_straddles)}",
        f"min_bet = {_chips(hand.min_bet, k)}",
        f"starting_stacks = {amounts(hand.starting_stacks)}",
        "actions = [" + ", ".join(_string(_action_text(a, k)) for a in hand.actions) + "]",
        *(f"{_key(name)} = {_value(v)}" for name, v in hand.extra.items()),
    ]
    if hand.finishing_stacks is not None:
        lines.append(f"finishing_stacks = {amounts(hand.finishing_stacks)}")
    return "\n".join(lines) + "\n"


def _unit_decimals(unit: Decimal) -> int:
    """The k of a unit ``10**-k`` (0..6); anything else is rejected."""
    if isinstance(unit, Decimal) and unit.is_finite() and unit > 0:
        k = _decimals(unit)
        if k <= MAX_DECIMALS and unit == Decimal(1).scaleb(-k):
            return k
    raise Rejected(Reason.PHH_BAD_AMOUNT, f"unit {unit!r} is not 10**-k for k in 0..{MAX_DECIMALS}")


def _chips(amount: int, k: int, places: int | None = None) -> str:
    """An amount of units ``10**-k`` in chips: whole if it is, else with ``places`` (k) decimals."""
    if type(amount) is not int or amount < 0:
        raise Rejected(Reason.PHH_BAD_AMOUNT, f"amount {amount!r} is not a whole number of units")
    whole, frac = divmod(amount, 10**k)
    if places is None:
        places = 0 if frac == 0 else k
    return f"{whole}.{frac:0{k}d}" if places else str(whole)


def _action_text(action: PhhAction, k: int) -> str:
    """The PHH notation of one action (``d dh p1 AcKd``, ``p2 cbr 600``, ``p3 sm``)."""
    player = f"p{action.actor + 1}" if isinstance(action.actor, int) else "?"
    cards = format_cards(action.cards) if action.cards is not None else None
    if action.kind == "dh" and cards and action.actor is not None:
        return f"d dh {player} {cards}"
    if action.kind == "db" and cards and action.actor is None:
        return f"d db {cards}"
    if action.actor is not None:
        if action.kind in ("f", "cc") and cards is None and action.amount is None:
            return f"{player} {action.kind}"
        if action.kind == "cbr" and action.amount is not None and cards is None:
            return f"{player} cbr {_chips(action.amount, k)}"
        if action.kind == "sm" and action.amount is None and action.cards != ():
            return f"{player} sm {cards}" if cards else f"{player} sm"
    raise Rejected(Reason.PHH_BAD_ACTION, f"cannot write {action!r}"[:160])


_ESCAPES = {
    '"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r",
}


def _string(text: str) -> str:
    """A TOML string: literal ``'...'`` when TOML allows it, else basic with escapes."""
    if "'" not in text and not any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text):
        return f"'{text}'"
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _key(name: str) -> str:
    """A TOML key: bare when it can be, else a quoted string."""
    if not isinstance(name, str):
        raise Rejected(Reason.PHH_BAD_FIELD, f"field name {name!r} is not a string")
    return name if _BARE_KEY.fullmatch(name) else _string(name)


def _value(value: object) -> str:
    """A TOML value for an extra field: strings, numbers, booleans, dates, arrays, tables."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal | float):
        return _float(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + "}"
    raise Rejected(Reason.PHH_BAD_FIELD, f"cannot write a {type(value).__name__} in TOML")


def _float(value: Decimal | float) -> str:
    """A TOML float with the exact digits of ``value`` (``nan``, ``inf`` as TOML has them)."""
    number = Decimal(value) if isinstance(value, float) else value
    if number.is_nan():
        return "nan"
    if number.is_infinite():
        return "-inf" if number < 0 else "inf"
    text = str(number) if isinstance(value, Decimal) else repr(value)
    return text if any(ch in text for ch in ".eE") else text + ".0"


def shared_phh_dir(start: str | Path = ".") -> Path | None:
    """The shared PHH data: ``shared/data/phh`` beside the repository holding ``start``.

    That is ``../shared/data/phh`` from the repository root; a work tree kept
    deeper looks beside each folder above it too. ``None`` if there is none.
    """
    here = Path(start).resolve()
    roots = [f for f in (here, *here.parents) if (f / "pyproject.toml").is_file()]
    if not roots:
        return None
    for folder in roots[0].parents:
        candidate = folder / "shared" / "data" / "phh"
        if candidate.is_dir():
            return candidate
    return None
