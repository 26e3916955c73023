"""The cashier as an FSM definition (``cashier.yaml``) and the ``cashier/1`` built-ins.

Spec: ``spec/04-cashier.md`` section 9 (rules ``[CASH-70]`` .. ``[CASH-73]``).
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
from chipstack.fsm.expr.library import Builtin, TypeRule, type_error
from chipstack.fsm.loader import load_definition

#: Version of the cashier built-in library ([CASH-71]).
CASHIER_LIBRARY_VERSION = 1
#: Cost units of one Ed25519 verification ([CASH-72]).
VERIFY_COST = 1_000
#: Cost units of one replayed game event, signature included ([CASH-72]).
EVENT_COST = 1_500
#: Cost units per argument byte (hashing and decoding) ([CASH-72]).
BYTE_COST = 1


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
        book = books.open(*a[:3])
        book.close(_i(a[3]), _claim(_parts(a[4])))  # type: ignore[arg-type]
        return encode_book(book)

    def challenge(a: tuple[Value, ...]) -> Value:
        book = books.open(*a[:3])
        claim = _claim(_parts(a[4]))
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

    builtins = [
        Builtin("cashier_new_book", "(bytes, bytes, int) -> bytes", _rule(BYTES, BYTES, INT, BYTES),
                new_book, "an empty book for the table (CASH-70)"),
        Builtin("cashier_issue", "(table, notaries, book, cert, proof, price) -> bytes",
                _rule(*tp, BYTES, BYTES, BYTES, BYTES), issue, "issue chips (CASH-13)"),
        Builtin("cashier_settle", "(table, notaries, book, settlement) -> bytes",
                _rule(*tp, BYTES, BYTES), settle, "a newer settlement (CASH-21 .. CASH-24)"),
        Builtin("cashier_close", "(table, notaries, book, now, claim) -> bytes",
                _rule(*tp, INT, ListType(BYTES), BYTES), close, "close a table (CASH-31)"),
        Builtin("cashier_challenge", "(table, notaries, book, now, claim) -> bytes",
                _rule(*tp, INT, ListType(BYTES), BYTES), challenge, "a better claim (CASH-35)"),
        Builtin("cashier_finalize", "(table, notaries, book, now) -> bytes",
                _rule(*tp, INT, BYTES), finalize, "end the challenge window (CASH-31)"),
        Builtin("cashier_redeem", "(table, notaries, book, payout, price, reserve) -> bytes",
                _rule(*tp, BYTES, BYTES, BYTES, BYTES), redeem, "the payout (CASH-42)"),
        Builtin("cashier_seq", "(table, notaries, book) -> int", _rule(*tp, INT), seq,
                "the authoritative sequence of a book"),
        Builtin("cashier_issued", "(table, notaries, book) -> int", _rule(*tp, INT), issued,
                "chips issued at a book's table"),
        Builtin("settlement_closing", "(bytes) -> bool", _rule(BYTES, BOOL), closing,
                "whether a signed settlement closes the table"),
    ]  # fmt: skip
    return DEFAULT_LIBRARY.extend("cashier", CASHIER_LIBRARY_VERSION, builtins)


def builtin_cost(args: Sequence[Value]) -> int:
    """The cost bound of a cashier built-in call, from its argument sizes alone ([CASH-72]).

    With ``n`` argument bytes (every ``bytes`` value and every item of a
    ``list[bytes]``; an ``int`` counts 8) and ``k`` list items, the cost is
    ``n * BYTE_COST + ceil(n / 64) * VERIFY_COST + k * EVENT_COST``: every
    signature a call can check occupies at least 64 argument bytes, and
    every replayed event is one list item.
    """
    n = k = 0
    for a in args:
        if isinstance(a, bytes):
            n += len(a)
        elif isinstance(a, tuple):
            k += len(a)
            n += sum(len(p) for p in a if isinstance(p, bytes))
        else:
            n += 8
    return n * BYTE_COST + -(-n // 64) * VERIFY_COST + k * EVENT_COST


def cashier_definition(library: Library | None = None) -> Definition:
    """Load and check ``cashier.yaml`` with the cashier library ([CASH-71])."""
    text = resources.files(__package__).joinpath("cashier.yaml").read_text(encoding="utf-8")
    return load_definition(text, library or cashier_library())
