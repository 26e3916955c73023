"""The canonical encoding of a table book, so that the cashier FSM can carry it as one value.

Spec: ``spec/04-cashier.md`` section 9 (``[CASH-70]``). The encoding holds
everything :class:`~chipstack.cashier.book.TableBook` decides with: issued
deposits (request, coins, height), used nonces, the authoritative and the
settled positions (with a standing dispute's trace), the status, the
closing time, redemptions and chips paid. Signatures already checked are
not kept. Decoding needs the table, notary set and game, which the cashier
machine holds as parameters.
"""

from __future__ import annotations

from chipstack.cashier.book import Issued, Position, Status, TableBook
from chipstack.cashier.dispute import DisputeResult, Step
from chipstack.cashier.games import GameRules
from chipstack.cashier.issuance import Certificate, IssueRequest
from chipstack.cashier.params import TableParams
from chipstack.cashier.settlement import MAX_SEATS, MAX_TABLE_DEPOSITS
from chipstack.chain.notary import NotarySet
from chipstack.chain.tx import OutPoint
from chipstack.encoding import Reader, Writer, decode_exact
from chipstack.errors import Reason, Rejected

#: The only book encoding version ([CASH-70]).
BOOK_VERSION = 1
#: Most steps of a standing dispute kept in a book ([CASH-31]).
MAX_TRACE = 4096
_STATUSES = list(Status)


def _write_position(w: Writer, p: Position) -> None:
    w.u64(p.seq).u64(p.time).count(len(p.seats), MAX_SEATS)
    for seat, chips in zip(p.seats, p.balances, strict=True):
        w.fixed(seat, 32).u64(chips)
    w.count(len(p.deposits), MAX_TABLE_DEPOSITS)
    for op in p.deposits:
        w.raw(op.encode())
    w.fixed(p.game_hash, 32).flag(p.dispute is not None)
    if p.dispute is not None:
        d = p.dispute
        w.u64(d.base_seq).count(len(d.penalized), MAX_SEATS)
        for k in d.penalized:
            w.fixed(k, 32)
        w.count(len(d.trace), MAX_TRACE)
        for s in d.trace:
            w.u16(s.hand).u64(s.seq).fixed(s.event_id, 32).boolean(s.via_timeout)


def _read_position(r: Reader) -> Position:
    seq, time = r.u64(), r.u64()
    pairs = r.items(MAX_SEATS, lambda rr: (rr.fixed(32), rr.u64()))
    deposits = tuple(r.items(MAX_TABLE_DEPOSITS, OutPoint.read))
    game_hash = r.fixed(32)
    seats, balances = tuple(k for k, _ in pairs), tuple(c for _, c in pairs)
    dispute = None
    if r.flag():
        base_seq = r.u64()
        penalized = tuple(r.items(MAX_SEATS, lambda rr: rr.fixed(32)))
        trace = tuple(
            r.items(MAX_TRACE, lambda rr: Step(rr.u16(), rr.u64(), rr.fixed(32), rr.boolean()))
        )
        dispute = DisputeResult(base_seq, seq, time, seats, balances, game_hash, penalized, trace)
    return Position(seq, time, seats, balances, deposits, game_hash, dispute)


def encode_book(book: TableBook) -> bytes:
    """Return the canonical encoding of ``book``'s state ([CASH-70])."""
    w = Writer().u8(BOOK_VERSION).u8(_STATUSES.index(book.status))
    w.u64(book.created).u64(book.closing_since).u64(book.paid_chips)
    w.count(len(book.issued), MAX_TABLE_DEPOSITS)
    for op in sorted(book.issued):
        i = book.issued[op]
        w.raw(i.certificate.request.encode()).u64(i.amount).u32(i.height)
    w.count(len(book.nonces), MAX_TABLE_DEPOSITS)
    for player, nonce in sorted(book.nonces):
        w.fixed(player, 32).fixed(nonce, 16)
    _write_position(w, book.position)
    _write_position(w, book.settled)
    w.count(len(book.redeemed), MAX_TABLE_DEPOSITS)
    for (table_id, seq), txid in sorted(book.redeemed.items()):
        w.fixed(table_id, 32).u64(seq).fixed(txid, 32)
    return w.getvalue()


def decode_book(
    data: bytes, table: TableParams, notaries: NotarySet, game: GameRules | None
) -> TableBook:
    """Decode a book encoding spanning all of ``data`` for this table ([CASH-70])."""

    def read(r: Reader) -> TableBook:
        r.version(frozenset({BOOK_VERSION}))
        status_index = r.u8()
        if status_index >= len(_STATUSES):
            raise Rejected(Reason.ENCODING_OUT_OF_RANGE, f"status {status_index}")
        created, closing_since, paid = r.u64(), r.u64(), r.u64()
        book = TableBook(table, notaries, game, created)
        book.status = _STATUSES[status_index]
        book.closing_since, book.paid_chips = closing_since, paid
        for _ in range(r.count(MAX_TABLE_DEPOSITS)):
            req = IssueRequest.read(r)
            book.issued[req.outpoint] = Issued(Certificate(req, ()), r.u64(), r.u32())
        for _ in range(r.count(MAX_TABLE_DEPOSITS)):
            book.nonces.add((r.fixed(32), r.fixed(16)))
        book.position = _read_position(r)
        book.settled = _read_position(r)
        for _ in range(r.count(MAX_TABLE_DEPOSITS)):
            table_id, seq = r.fixed(32), r.u64()
            book.redeemed[(table_id, seq)] = r.fixed(32)
        return book

    return decode_exact(data, read)
