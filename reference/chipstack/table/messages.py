"""Table messages: the payload of every item a table node publishes ([TABLE-3]).

Spec: ``spec/08-table.md`` section 2. A payload is ``u8 version (1) || u8 kind || body``;
the item's second tag names the kind (:data:`KIND_TAGS`) for people reading a log,
the payload is what counts. Bodies:

- ``open`` (house): ``var_bytes table_params || chain_id 32 || u64 created || count n ||
  n x (outpoint || u64 amount)``: the table, its chain and each seat's funded wallet;
- ``deposit`` (seat): ``var_bytes tx``: the seat's signed deposit transaction;
- ``issued`` (house): ``var_bytes certificate``: the cashier set's issuance certificate;
- ``event`` (seat): ``u32 hand || var_bytes fsm_event``: a hand's FSM event, a betting
  action of the hold'em machine or a dealing message (``deal``, [TABLE-6]);
- ``sign`` (seat): ``u32 hand || var_bytes settlement_body || signature 64``: the seat's
  signature of the settlement after a hand ([TABLE-9]);
- ``redeemed`` (house): ``txid 32 || count n || n x u64 chips``: the payout, per seat.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

from chipstack.cashier.settlement import MAX_SEATS
from chipstack.chain.tx import OutPoint
from chipstack.crypto import SIGNATURE_LEN
from chipstack.encoding import Reader, Writer, decode_exact
from chipstack.errors import Reason, Rejected
from chipstack.sync.params import MAX_PAYLOAD

#: The only table message version ([TABLE-3]).
MESSAGE_VERSION = 1


class Kind(IntEnum):
    """What a table message is; the byte after the version ([TABLE-3])."""

    OPEN = 1
    DEPOSIT = 2
    ISSUED = 3
    EVENT = 4
    SIGN = 5
    REDEEMED = 6


#: The item's second tag for each kind.
KIND_TAGS = {k: k.name.lower() for k in Kind}


@dataclass(frozen=True)
class Open:
    """The house opens the table: its cashier parameters, chain, start time and wallets."""

    table_params: bytes
    chain_id: bytes
    created: int
    wallets: tuple[tuple[OutPoint, int], ...]


@dataclass(frozen=True)
class Deposit:
    """A seat's signed deposit transaction, for the house to mine and prove."""

    tx: bytes


@dataclass(frozen=True)
class Issued:
    """An issuance certificate of the cashier set for one seat's deposit."""

    certificate: bytes


@dataclass(frozen=True)
class HandEvent:
    """One FSM event of hand ``hand`` (a betting action or a dealing message)."""

    hand: int
    event: bytes


@dataclass(frozen=True)
class Sign:
    """A seat's signature of the settlement after hand ``hand``."""

    hand: int
    body: bytes
    signature: bytes


@dataclass(frozen=True)
class Redeemed:
    """The payout of the closed table: its transaction id and each seat's chips."""

    txid: bytes
    chips: tuple[int, ...]


Message = Open | Deposit | Issued | HandEvent | Sign | Redeemed


def kind_of(message: Message) -> Kind:
    """The kind byte of ``message``."""
    return {
        Open: Kind.OPEN, Deposit: Kind.DEPOSIT, Issued: Kind.ISSUED, HandEvent: Kind.EVENT,
        Sign: Kind.SIGN, Redeemed: Kind.REDEEMED,
    }[type(message)]


def encode_message(message: Message) -> bytes:
    """The payload bytes of ``message`` ([TABLE-3])."""
    w = Writer().u8(MESSAGE_VERSION).u8(kind_of(message))
    if isinstance(message, Open):
        w.var_bytes(message.table_params, MAX_PAYLOAD).fixed(message.chain_id, 32)
        w.u64(message.created).count(len(message.wallets), MAX_SEATS)
        for op, amount in message.wallets:
            w.raw(op.encode()).u64(amount)
    elif isinstance(message, Deposit):
        w.var_bytes(message.tx, MAX_PAYLOAD)
    elif isinstance(message, Issued):
        w.var_bytes(message.certificate, MAX_PAYLOAD)
    elif isinstance(message, HandEvent):
        w.u32(message.hand).var_bytes(message.event, MAX_PAYLOAD)
    elif isinstance(message, Sign):
        w.u32(message.hand).var_bytes(message.body, MAX_PAYLOAD)
        w.fixed(message.signature, SIGNATURE_LEN)
    else:
        w.fixed(message.txid, 32).count(len(message.chips), MAX_SEATS)
        for c in message.chips:
            w.u64(c)
    return w.getvalue()


def _read(r: Reader) -> Message:
    r.version(frozenset({MESSAGE_VERSION}))
    kind = r.u8()
    if kind == Kind.OPEN:
        params, chain_id, created = r.var_bytes(MAX_PAYLOAD), r.fixed(32), r.u64()
        wallets = r.items(MAX_SEATS, lambda rr: (OutPoint.read(rr), rr.u64()))
        return Open(params, chain_id, created, tuple(wallets))
    if kind == Kind.DEPOSIT:
        return Deposit(r.var_bytes(MAX_PAYLOAD))
    if kind == Kind.ISSUED:
        return Issued(r.var_bytes(MAX_PAYLOAD))
    if kind == Kind.EVENT:
        return HandEvent(r.u32(), r.var_bytes(MAX_PAYLOAD))
    if kind == Kind.SIGN:
        return Sign(r.u32(), r.var_bytes(MAX_PAYLOAD), r.fixed(SIGNATURE_LEN))
    if kind == Kind.REDEEMED:
        txid = r.fixed(32)
        return Redeemed(txid, tuple(r.items(MAX_SEATS, lambda rr: rr.u64())))
    raise Rejected(Reason.TABLE_BAD_MESSAGE, f"unknown kind {kind}")  # [TABLE-3]


def decode_message(data: bytes) -> Message:
    """Decode a payload, strictly: version, kind, body, no trailing bytes ([TABLE-3])."""
    return decode_exact(data, _read)
