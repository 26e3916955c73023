"""The dealing protocol's messages and their one canonical encoding.

Spec: ``spec/07-dealing.md`` section 6 ([DEAL-40] .. [DEAL-44]). Every message starts
with ``u8 version (1) || u8 kind || hand_id (32) || u8 sender``; the body depends on
the kind. A message is the payload of an FSM event (spec/03-fsm.md), whose signature
names its author; the dealing layer checks that ``sender`` is that author.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from coincurve import PublicKey

from chipstack.dealing.elgamal import DECK_SIZE, Ciphertext
from chipstack.dealing.group import encode_point, encode_scalar, read_point, read_scalar
from chipstack.dealing.keys import SchnorrProof
from chipstack.dealing.shares import ShareProof
from chipstack.dealing.shuffle import ShuffleProof
from chipstack.encoding import Reader
from chipstack.errors import Reason, Rejected

#: The message format version.
VERSION = 1
#: Seats at a table: 2 .. MAX_SEATS.
MAX_SEATS = 10
#: The ``recipient`` byte of a share message meant for every seat.
EVERYONE = 0xFF
#: Message kinds ([DEAL-40]).
KIND_KEY = 1
KIND_SHUFFLE = 2
KIND_SHARES = 3
KIND_COMPLAINT = 4
HAND_ID_LEN = 32


@dataclass(frozen=True)
class KeyMessage:
    """A seat's key share ``Y_i`` and its Schnorr proof ([DEAL-41])."""

    hand_id: bytes
    sender: int
    key: PublicKey
    proof: SchnorrProof

    def encode(self) -> bytes:
        """The canonical bytes ([DEAL-41])."""
        return (
            _header(KIND_KEY, self.hand_id, self.sender)
            + encode_point(self.key)
            + (self.proof.encode())
        )


@dataclass(frozen=True)
class ShuffleMessage:
    """A seat's shuffled deck and its proof of a correct shuffle ([DEAL-42])."""

    hand_id: bytes
    sender: int
    deck: tuple[Ciphertext, ...]
    proof: ShuffleProof

    def encode(self) -> bytes:
        """The canonical bytes ([DEAL-42])."""
        body = bytes([len(self.deck)]) + b"".join(ct.encode() for ct in self.deck)
        return _header(KIND_SHUFFLE, self.hand_id, self.sender) + body + self.proof.encode()


@dataclass(frozen=True)
class SharesMessage:
    """A seat's decryption shares for some deck positions, for one recipient or all ([DEAL-43])."""

    hand_id: bytes
    sender: int
    recipient: int
    positions: tuple[int, ...]
    shares: tuple[PublicKey, ...]
    proof: ShareProof

    def encode(self) -> bytes:
        """The canonical bytes ([DEAL-43])."""
        return b"".join(
            [
                _header(KIND_SHARES, self.hand_id, self.sender),
                bytes([self.recipient, len(self.positions), *self.positions]),
                *(encode_point(d) for d in self.shares),
                encode_scalar(self.proof.e),
                encode_scalar(self.proof.s),
            ]
        )


@dataclass(frozen=True)
class ComplaintMessage:
    """A public complaint that ``accused`` sent no valid hole shares in time ([DEAL-51])."""

    hand_id: bytes
    sender: int
    accused: int

    def encode(self) -> bytes:
        """The canonical bytes: the header then ``u8 accused`` ([DEAL-51])."""
        return _header(KIND_COMPLAINT, self.hand_id, self.sender) + bytes([self.accused])


Message = KeyMessage | ShuffleMessage | SharesMessage | ComplaintMessage
"""Any dealing message."""


def _header(kind: int, hand_id: bytes, sender: int) -> bytes:
    if len(hand_id) != HAND_ID_LEN:
        raise ValueError("a hand id is 32 bytes")
    return bytes([VERSION, kind]) + hand_id + bytes([sender])


def decode_message(raw: bytes) -> Message:
    """Decode one message, checking each field as it is read ([DEAL-44]).

    Order: version (``encoding.unknown_version``), kind (``dealing.bad_message``), hand
    id, sender below ``MAX_SEATS`` (``dealing.bad_message``), then the body field by
    field, then no trailing bytes (ENC-11). A field that ends early is
    ``encoding.truncated``.
    """
    reader = Reader(raw)
    reader.version({VERSION})  # [DEAL-44]
    kind = reader.u8()
    if kind not in (KIND_KEY, KIND_SHUFFLE, KIND_SHARES, KIND_COMPLAINT):
        raise Rejected(Reason.DEALING_BAD_MESSAGE, f"unknown kind {kind}")  # [DEAL-44]
    hand_id = reader.fixed(HAND_ID_LEN)
    sender = reader.u8()
    if sender >= MAX_SEATS:
        raise Rejected(Reason.DEALING_BAD_MESSAGE, f"sender {sender}")  # [DEAL-44]
    message: Message
    if kind == KIND_KEY:
        key = read_point(reader)
        message = KeyMessage(
            hand_id, sender, key, SchnorrProof(read_scalar(reader), read_scalar(reader))
        )
    elif kind == KIND_SHUFFLE:
        count = reader.u8()
        if count != DECK_SIZE:
            raise Rejected(Reason.DEALING_BAD_DECK_SIZE, f"{count} cards")  # [DEAL-42]
        deck = tuple(Ciphertext(read_point(reader), read_point(reader)) for _ in range(count))
        message = ShuffleMessage(hand_id, sender, deck, ShuffleProof.read(reader, count))
    elif kind == KIND_SHARES:
        message = _read_shares(reader, hand_id, sender)
    else:
        accused = reader.u8()
        if accused >= MAX_SEATS or accused == sender:
            raise Rejected(Reason.DEALING_BAD_MESSAGE, f"accused {accused}")  # [DEAL-51]
        message = ComplaintMessage(hand_id, sender, accused)
    reader.finish()
    return message


def _read_shares(reader: Reader, hand_id: bytes, sender: int) -> SharesMessage:
    recipient = reader.u8()
    if recipient >= MAX_SEATS and recipient != EVERYONE:
        raise Rejected(Reason.DEALING_BAD_MESSAGE, f"recipient {recipient}")  # [DEAL-43]
    count = reader.u8()
    if not 1 <= count <= DECK_SIZE:
        raise Rejected(Reason.DEALING_BAD_POSITIONS, f"{count} positions")  # [DEAL-43]
    positions = tuple(reader.u8() for _ in range(count))
    if any(p >= DECK_SIZE for p in positions) or list(positions) != sorted(set(positions)):
        raise Rejected(Reason.DEALING_BAD_POSITIONS, "not increasing below 52")  # [DEAL-43]
    shares = tuple(read_point(reader) for _ in range(count))
    proof = ShareProof(read_scalar(reader), read_scalar(reader))
    return SharesMessage(hand_id, sender, recipient, positions, shares, proof)


#: The largest FSM ``bytes`` value (spec/03-fsm.md), hence the size of a chunk ([DEAL-57]).
CHUNK_LEN = 4096
#: Chunks of one message: a shuffle message (10,388 bytes) needs three.
MAX_CHUNKS = 4


def to_event_argument(raw: bytes) -> tuple[bytes, ...]:
    """Split a message into the FSM event argument ``list<bytes>`` that carries it ([DEAL-57]).

    Every chunk but the last holds exactly ``CHUNK_LEN`` bytes; the last holds 1 to
    ``CHUNK_LEN`` bytes; so each message has exactly one carrying argument.
    """
    if not raw or len(raw) > CHUNK_LEN * MAX_CHUNKS:
        raise Rejected(Reason.DEALING_BAD_MESSAGE, f"{len(raw)} bytes cannot be carried")
    return tuple(raw[i : i + CHUNK_LEN] for i in range(0, len(raw), CHUNK_LEN))


def from_event_argument(chunks: Sequence[bytes]) -> bytes:
    """Join a ``list<bytes>`` event argument back into message bytes, refusing any other split.

    ``dealing.bad_message`` for no chunk, more than ``MAX_CHUNKS``, an empty chunk, or a
    chunk before the last that is not exactly ``CHUNK_LEN`` bytes ([DEAL-57]).
    """
    if not 1 <= len(chunks) <= MAX_CHUNKS:
        raise Rejected(Reason.DEALING_BAD_MESSAGE, f"{len(chunks)} chunks")  # [DEAL-57]
    if any(len(c) != CHUNK_LEN for c in chunks[:-1]) or not 1 <= len(chunks[-1]) <= CHUNK_LEN:
        raise Rejected(Reason.DEALING_BAD_MESSAGE, "chunks not split canonically")  # [DEAL-57]
    return b"".join(chunks)
