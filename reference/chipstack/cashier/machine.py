"""The cashier as an FSM definition (``cashier.yaml``) and the ``cashier/1`` built-ins.

Spec: ``spec/04-cashier.md`` section 9 (rules ``[CASH-70]`` .. ``[CASH-72]``).
The definition holds the table's life (open, closing, closed, redeemed),
who may sign each step, and the timeout; each built-in checks one kind of
proof against the table's book, passed in and returned as bytes
(:mod:`chipstack.cashier.bookcodec`). The built-ins are pure: their result
is a function of their arguments and of the game definitions they are
given, which are named by content (the table's ``game_id``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib import resources

from chipstack.cashier.book import TableBook
from chipstack.cashier.bookcodec import decode_book, encode_book
from chipstack.cashier.deposit import DepositProof
from chipstack.cashier.dispute import decode_dispute
from chipstack.cashier.games import GameRules
from chipstack.cashier.issuance import Certificate
from chipstack.cashier.params import TableParams
from chipstack.cashier.peg import PriceAttestation
from chipstack.cashier.settlement import SignedSettlement
from chipstack.chain.notary import NotarySet
from chipstack.chain.tx import OutPoint, Tx
from chipstack.encoding import decode_exact
from chipstack.errors import Reason, Rejected
from chipstack.fsm.definition import Definition
from chipstack.fsm.expr import BOOL, BYTES, DEFAULT_LIBRARY, INT, Library, ListType, Type, Value
from chipstack.fsm.expr.cost import CALL_COST, Cost, args_weight, linear_cost, max_weight
from chipstack.fsm.expr.library import Builtin, Impl, TypeRule, type_error
from chipstack.fsm.expr.types import MAX_BYTES_LEN
from chipstack.fsm.loader import load_definition

#: Version of the cashier built-in library ([CASH-71]).
CASHIER_LIBRARY_VERSION = 1
#: Cost units of one Ed25519 check, about 95 us at 80 ns a unit ([CASH-72], spec/03 note).
VERIFY_COST = 1_200
#: Cost units per unit of argument weight, for decoding it ([CASH-72]).
DECODE_COST = 20
#: Most cost units a table game's event may spend for the machine form to replay it.
MAX_GAME_BUDGET = 60_000
#: Cost units of one claim part at the dearest game: a signature and a game event ([CASH-72]).
PART_COST = VERIFY_COST + MAX_GAME_BUDGET
#: Most cost units the parts of one claim may charge: 8 parts at the dearest game ([CASH-72]).
CLAIM_COST_CAP = 8 * PART_COST
#: Most parts of a claim the machine form accepts, whatever its game ([CASH-72]).
MAX_FSM_CLAIM_PARTS = 64


def _rule(*pattern: Type) -> TypeRule:
    *params, result = pattern

    def rule(args: tuple[Type, ...]) -> Type:
        if tuple(args) != tuple(params):
            raise type_error(f"expected ({', '.join(map(str, params))})")
        return result

    return rule


def _b(v: Value) -> bytes:
    if type(v) is not bytes:
        raise type_error("expected bytes")
    return v


def _i(v: Value) -> int:
    if type(v) is not int:
        raise type_error("expected int")
    return v


def _parts(v: Value) -> list[bytes]:
    if type(v) is not tuple:
        raise type_error("expected list[bytes]")
    return [_b(p) for p in v]


class _Books:
    """Decodes the table, notary set and book from built-in arguments."""

    def __init__(self, games: Mapping[bytes, GameRules]) -> None:
        self.games = dict(games)

    def open(self, table: Value, notaries: Value, book: Value) -> TableBook:
        t = TableParams.decode(_b(table))
        n = NotarySet.decode(_b(notaries))
        return decode_book(_b(book), t, n, self.games.get(t.game_id))


def _price(v: Value) -> PriceAttestation | None:
    data = _b(v)
    return PriceAttestation.decode(data) if data else None


def _reserve(v: Value) -> tuple[OutPoint, int] | None:
    data = _b(v)
    if not data:
        return None
    return decode_exact(data, lambda r: (OutPoint.read(r), r.u64()))


def _claim_parts(v: Value, part_cost: int) -> list[bytes]:
    """The parts of a claim; over the machine form's limits is refused before any work."""
    parts = _parts(v)
    if len(parts) > MAX_FSM_CLAIM_PARTS or len(parts) * part_cost > CLAIM_COST_CAP:
        raise Rejected(
            Reason.FSM_EXPR_BAD_ARGUMENT,
            f"{len(parts)} claim parts at {part_cost} units: over {MAX_FSM_CLAIM_PARTS} parts"
            f" or {CLAIM_COST_CAP} units",
        )
    return parts


def _check_game(book: TableBook) -> None:
    """The machine form replays only games whose events fit its part cost ([CASH-72])."""
    if book.game is not None and book.game.definition.budget > MAX_GAME_BUDGET:
        raise Rejected(Reason.CASHIER_DISPUTE_BAD_GAME, "game budget over 60,000 units")


def _claim(parts: list[bytes]) -> SignedSettlement | object | None:
    if not parts:
        return None
    if len(parts) == 1:
        return SignedSettlement.decode(parts[0])
    return decode_dispute(parts)


def cashier_library(games: Mapping[bytes, GameRules] = {}) -> Library:
    """Return ``core/1+cashier/1`` knowing the game definitions ``games`` (by definition id)."""
    books = _Books(games)
    tp = (BYTES, BYTES, BYTES)
    budgets = {gid: g.definition.budget for gid, g in games.items()}

    def part_cost(a: tuple[Value, ...]) -> int:
        return _part_cost(a, budgets)

    cost = Cost(lambda a: _cashier_exact(a, budgets), _cashier_bound)  # [CASH-72]

    def new_book(a: tuple[Value, ...]) -> Value:
        t = TableParams.decode(_b(a[0]))
        n = NotarySet.decode(_b(a[1]))
        return encode_book(TableBook(t, n, None, _i(a[2])))

    def issue(a: tuple[Value, ...]) -> Value:
        book = books.open(*a[:3])
        cert = Certificate.decode(_b(a[3]))
        book.issue(cert, DepositProof.decode(_b(a[4])), _price(a[5]))
        return encode_book(book)

    def settle(a: tuple[Value, ...]) -> Value:
        book = books.open(*a[:3])
        book.settle(SignedSettlement.decode(_b(a[3])))
        return encode_book(book)

    def close(a: tuple[Value, ...]) -> Value:
        parts = _claim_parts(a[4], part_cost(a))
        book = books.open(*a[:3])
        _check_game(book)
        book.close(_i(a[3]), _claim(parts))  # type: ignore[arg-type]
        return encode_book(book)

    def challenge(a: tuple[Value, ...]) -> Value:
        parts = _claim_parts(a[4], part_cost(a))
        book = books.open(*a[:3])
        _check_game(book)
        claim = _claim(parts)
        if claim is None:
            raise Rejected(Reason.CASHIER_STALE_SETTLEMENT, "an empty challenge")
        book.challenge(_i(a[3]), claim)  # type: ignore[arg-type]
        return encode_book(book)

    def finalize(a: tuple[Value, ...]) -> Value:
        book = books.open(*a[:3])
        book.finalize(_i(a[3]))
        return encode_book(book)

    def redeem(a: tuple[Value, ...]) -> Value:
        book = books.open(*a[:3])
        book.redeem(Tx.decode(_b(a[3])), _price(a[4]), _reserve(a[5]))
        return encode_book(book)

    def seq(a: tuple[Value, ...]) -> Value:
        return books.open(*a[:3]).position.seq

    def issued(a: tuple[Value, ...]) -> Value:
        return books.open(*a[:3]).chips_issued()

    def closing(a: tuple[Value, ...]) -> Value:
        return SignedSettlement.decode(_b(a[0])).settlement.closing

    lb = ListType(BYTES)
    table: list[tuple[str, tuple[Type, ...], Type, Impl, str]] = [
        ("cashier_new_book", (BYTES, BYTES, INT), BYTES, new_book, "an empty book (CASH-70)"),
        ("cashier_issue", (*tp, BYTES, BYTES, BYTES), BYTES, issue, "issue chips (CASH-13)"),
        ("cashier_settle", (*tp, BYTES), BYTES, settle, "a newer settlement (CASH-21..24)"),
        ("cashier_close", (*tp, INT, lb), BYTES, close, "close a table (CASH-31)"),
        ("cashier_challenge", (*tp, INT, lb), BYTES, challenge, "a better claim (CASH-35)"),
        ("cashier_finalize", (*tp, INT), BYTES, finalize, "end the window (CASH-31)"),
        ("cashier_redeem", (*tp, BYTES, BYTES, BYTES), BYTES, redeem, "the payout (CASH-42)"),
    ]
    decode_only: list[tuple[str, tuple[Type, ...], Type, Impl, str]] = [
        ("cashier_seq", tp, INT, seq, "the authoritative sequence of a book"),
        ("cashier_issued", tp, INT, issued, "chips issued at a book's table"),
        ("settlement_closing", (BYTES,), BOOL, closing, "whether a settlement closes the table"),
    ]
    builtins = [
        Builtin(name, f"{name}({', '.join(map(str, ps))}) -> {r}", _rule(*ps, r), impl, doc,
                cost)
        for name, ps, r, impl, doc in table
    ]  # fmt: skip
    builtins += [
        Builtin(name, f"{name}({', '.join(map(str, ps))}) -> {r}", _rule(*ps, r), impl, doc,
                DECODE_ONLY_COST)
        for name, ps, r, impl, doc in decode_only
    ]  # fmt: skip
    return DEFAULT_LIBRARY.extend("cashier", CASHIER_LIBRARY_VERSION, builtins)


def _slots(args: tuple[Value, ...]) -> int:
    """64-byte signature slots of the proof arguments (those after table, notaries, book)."""
    return sum(len(a) // 64 for a in args[3:] if isinstance(a, bytes))


def _part_cost(args: tuple[Value, ...], budgets: Mapping[bytes, int]) -> int:
    """One claim part's units: a signature and one event of the table's game ([CASH-72]).

    The game is the one the first argument's table names, at its declared
    budget when the library holds it and the budget is at most
    :data:`MAX_GAME_BUDGET`; otherwise the dearest game's.
    """
    budget = MAX_GAME_BUDGET
    if args and type(args[0]) is bytes:
        try:
            budget = budgets.get(TableParams.decode(args[0]).game_id, MAX_GAME_BUDGET)
        except Rejected:
            pass
    return VERIFY_COST + min(budget, MAX_GAME_BUDGET)


def _cashier_exact(args: tuple[Value, ...], budgets: Mapping[bytes, int] = {}) -> int:
    items = sum(len(a) for a in args if isinstance(a, tuple))
    parts = min(items * _part_cost(args, budgets), CLAIM_COST_CAP + PART_COST) if items else 0
    return CALL_COST + DECODE_COST * args_weight(args) + VERIFY_COST * _slots(args) + parts


def _cashier_bound(types: tuple[Type, ...]) -> int:
    weights = 0
    slots = 0
    items = 0
    for i, t in enumerate(types):
        if isinstance(t, ListType):
            items += 1
            weights += 1 + MAX_FSM_CLAIM_PARTS * max_weight(t.elem)
        else:
            weights += max_weight(t)
            if i >= 3 and t == BYTES:
                slots += MAX_BYTES_LEN // 64
    parts = items * (CLAIM_COST_CAP + PART_COST)
    return CALL_COST + DECODE_COST * weights + VERIFY_COST * slots + parts


#: The cost rule of the cashier built-ins that only decode ([CASH-72]).
DECODE_ONLY_COST = linear_cost(CALL_COST, DECODE_COST)


def builtin_cost(args: Sequence[Value], games: Mapping[bytes, GameRules] = {}) -> int:
    """The units a proof-checking cashier built-in charges for ``args`` ([CASH-72]).

    ``games`` are the game definitions the library holds, by id: a claim
    part at a table of one of them costs that game's declared budget.
    """
    return _cashier_exact(tuple(args), {gid: g.definition.budget for gid, g in games.items()})


def cashier_definition(library: Library | None = None) -> Definition:
    """Load and check ``cashier.yaml`` with the cashier library ([CASH-71])."""
    text = resources.files(__package__).joinpath("cashier.yaml").read_text(encoding="utf-8")
    return load_definition(text, library or cashier_library())
