"""Node-protocol messages: a type byte then the fields, decoded strictly.

Spec: ``spec/01-sync.md`` section "Node protocol", rules ``[SYNC-20]`` .. ``[SYNC-23]``.

=====  ===========  ==========================================================
type   name         fields
=====  ===========  ==========================================================
0x01   HELLO        version u8, network_id 32, node_key 32, challenge 32
0x02   AUTH         signature 64 (over the peer's challenge, ``[SYNC-25]``)
0x03   ITEMS        count, then each item as var_bytes (its canonical encoding)
0x04   HAVE         count, then 32-byte ids (announcement)
0x05   WANT         count, then 32-byte ids (fetch request)
0x06   RECON        session u32, frame var_bytes (client to server)
0x07   RECON_REPLY  session u32, frame var_bytes (server to client)
0x08   BYE          reason string (at most 64 bytes)
0x09   PRUNE        author 32: announce (HAVE) this author's items to me, do not push them
0x0A   GRAFT        author 32: push this author's items to me in full again
0x0C   ADDR         count (at most 64), then addresses: family u8 (4 or 6), IP, port u16
=====  ===========  ==========================================================

(0x0B is unassigned.)
"""

from __future__ import annotations

import ipaddress
import struct
from dataclasses import dataclass
from enum import IntEnum

from chipstack.crypto import PUBLIC_KEY_LEN, SIGNATURE_LEN
from chipstack.encoding import Reader, Writer, decode_exact, encode_compact_size
from chipstack.errors import Reason, Rejected, require
from chipstack.sync.item import Item, decode_item
from chipstack.sync.params import (
    MAX_IDS_PER_MESSAGE,
    MAX_ITEMS_PER_MESSAGE,
    MAX_MESSAGE,
    MAX_PAYLOAD,
    MAX_RECON_FRAME,
)

#: Length of an item id (a tagged SHA-256 hash).
ID_LEN = 32
#: Longest reason text in BYE.
MAX_BYE_REASON = 64
#: Most addresses in one ADDR message ([SYNC-60]).
MAX_ADDRESSES = 64
#: Longest item encoding (two 32-byte tags, a destination, the largest payload).
MAX_ITEM_ENCODING = 1 + 8 + 8 + 33 * 2 + 33 + 32 + 3 + MAX_PAYLOAD + 8 + 64


class MsgType(IntEnum):
    """The type byte of every node-protocol message ([SYNC-20])."""

    HELLO = 0x01
    AUTH = 0x02
    ITEMS = 0x03
    HAVE = 0x04
    WANT = 0x05
    RECON = 0x06
    RECON_REPLY = 0x07
    BYE = 0x08
    PRUNE = 0x09
    GRAFT = 0x0A
    ADDR = 0x0C


@dataclass(frozen=True)
class Hello:
    """First message on a connection: who I am and what you must sign ([SYNC-24])."""

    version: int
    network_id: bytes
    node_key: bytes
    challenge: bytes


@dataclass(frozen=True)
class Auth:
    """Answer to a HELLO: the signature of the peer's challenge ([SYNC-25])."""

    signature: bytes


@dataclass(frozen=True)
class Items:
    """Full items, pushed or delivered after a WANT."""

    items: tuple[Item, ...]


@dataclass(frozen=True)
class Have:
    """Announcement of item ids the sender holds."""

    ids: tuple[bytes, ...]


@dataclass(frozen=True)
class Want:
    """Request for the items with these ids."""

    ids: tuple[bytes, ...]


@dataclass(frozen=True)
class Recon:
    """A Negentropy frame from the session's client."""

    session: int
    frame: bytes


@dataclass(frozen=True)
class ReconReply:
    """A Negentropy frame from the session's server."""

    session: int
    frame: bytes


@dataclass(frozen=True)
class Bye:
    """Last message before closing, with a reason code."""

    reason: str


@dataclass(frozen=True)
class Prune:
    """Ask the peer to announce ``author``'s new items to us instead of pushing them ([SYNC-30])."""

    author: bytes


@dataclass(frozen=True)
class Graft:
    """Ask the peer to push ``author``'s new items to us in full again ([SYNC-30])."""

    author: bytes


@dataclass(frozen=True)
class Addr:
    """Addresses where nodes listen: ``(ip text, port)`` pairs ([SYNC-60]).

    The unspecified address (``0.0.0.0`` or ``::``) stands for "the address you see
    this connection come from".
    """

    addresses: tuple[tuple[str, int], ...]


#: Any node-protocol message ([SYNC-20]).
Message = Hello | Auth | Items | Have | Want | Recon | ReconReply | Bye | Prune | Graft | Addr


def _write_address(w: Writer, host: str, port: int) -> None:
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        raise Rejected(Reason.ENCODING_OUT_OF_RANGE, f"not an IP address: {host!r}") from None
    require(0 < port < 65536, Reason.ENCODING_OUT_OF_RANGE, f"port {port}")
    w.u8(ip.version).fixed(ip.packed, 4 if ip.version == 4 else 16).u16(port)


def _read_address(r: Reader) -> tuple[str, int]:
    family = r.u8()
    if family not in (4, 6):  # [SYNC-60]
        raise Rejected(Reason.ENCODING_OUT_OF_RANGE, f"address family {family}")
    packed = r.fixed(4 if family == 4 else 16)
    host = str(ipaddress.ip_address(packed))
    port = r.u16()
    require(port != 0, Reason.ENCODING_OUT_OF_RANGE, "port 0")
    return host, port


def encode_message(msg: Message) -> bytes:
    """Return the canonical encoding of ``msg`` ([SYNC-20])."""
    if isinstance(msg, Items):
        fast = _encode_items(msg)
        if fast is not None:
            return fast
    w = Writer()
    if isinstance(msg, Hello):
        w.u8(MsgType.HELLO).u8(msg.version).fixed(msg.network_id, 32)
        w.fixed(msg.node_key, PUBLIC_KEY_LEN).fixed(msg.challenge, 32)
    elif isinstance(msg, Auth):
        w.u8(MsgType.AUTH).fixed(msg.signature, SIGNATURE_LEN)
    elif isinstance(msg, Items):
        w.u8(MsgType.ITEMS).count(len(msg.items), MAX_ITEMS_PER_MESSAGE)
        for item in msg.items:
            w.var_bytes(item.encoding, MAX_ITEM_ENCODING)
    elif isinstance(msg, Have | Want):
        w.u8(MsgType.HAVE if isinstance(msg, Have) else MsgType.WANT)
        w.count(len(msg.ids), MAX_IDS_PER_MESSAGE)
        for item_id in msg.ids:
            w.fixed(item_id, ID_LEN)
    elif isinstance(msg, Recon | ReconReply):
        w.u8(MsgType.RECON if isinstance(msg, Recon) else MsgType.RECON_REPLY)
        w.u32(msg.session).var_bytes(msg.frame, MAX_RECON_FRAME)
    elif isinstance(msg, Bye):
        w.u8(MsgType.BYE).string(msg.reason, MAX_BYE_REASON)
    elif isinstance(msg, Addr):
        w.u8(MsgType.ADDR).count(len(msg.addresses), MAX_ADDRESSES)
        for host, port in msg.addresses:
            _write_address(w, host, port)
    else:
        w.u8(MsgType.PRUNE if isinstance(msg, Prune) else MsgType.GRAFT)
        w.fixed(msg.author, PUBLIC_KEY_LEN)
    out = w.getvalue()
    require(len(out) <= MAX_MESSAGE, Reason.ENCODING_OVER_LENGTH, f"message of {len(out)} bytes")
    return out


def _encode_items(msg: Items) -> bytes | None:
    """ITEMS as one join of the encodings and their lengths; None if a bound is broken
    (the :class:`~chipstack.encoding.Writer` path then gives the refusal)."""
    count = len(msg.items)
    if count > MAX_ITEMS_PER_MESSAGE:
        return None
    parts = [_ITEMS_BYTE, encode_compact_size(count)]
    total = 0
    for item in msg.items:
        encoding = item.encoding
        size = len(encoding)
        if size > MAX_ITEM_ENCODING:
            return None
        parts.append(bytes((size,)) if size < 0xFD else encode_compact_size(size))
        parts.append(encoding)
        total += size
    if total > MAX_MESSAGE:
        return None
    out = b"".join(parts)
    return out if len(out) <= MAX_MESSAGE else None


_ITEMS_BYTE = bytes([0x03])


def _read_ids(r: Reader) -> tuple[bytes, ...]:
    n = r.count(MAX_IDS_PER_MESSAGE)
    if r.remaining < n * ID_LEN:  # truncated: refused id by id, at the first missing one
        return tuple(r.fixed(ID_LEN) for _ in range(n))
    block = r.take(n * ID_LEN)
    return tuple(block[i : i + ID_LEN] for i in range(0, n * ID_LEN, ID_LEN))


def _read(r: Reader) -> Message:
    kind = r.u8()
    if kind == MsgType.HELLO:
        return Hello(r.u8(), r.fixed(32), r.fixed(PUBLIC_KEY_LEN), r.fixed(32))
    if kind == MsgType.AUTH:
        return Auth(r.fixed(SIGNATURE_LEN))
    if kind == MsgType.ITEMS:
        n = r.count(MAX_ITEMS_PER_MESSAGE)
        return Items(tuple(decode_item(r.var_bytes(MAX_ITEM_ENCODING)) for _ in range(n)))
    if kind == MsgType.HAVE:
        return Have(_read_ids(r))
    if kind == MsgType.WANT:
        return Want(_read_ids(r))
    if kind == MsgType.RECON:
        return Recon(r.u32(), r.var_bytes(MAX_RECON_FRAME))
    if kind == MsgType.RECON_REPLY:
        return ReconReply(r.u32(), r.var_bytes(MAX_RECON_FRAME))
    if kind == MsgType.BYE:
        return Bye(r.string(MAX_BYE_REASON))
    if kind == MsgType.PRUNE:
        return Prune(r.fixed(PUBLIC_KEY_LEN))
    if kind == MsgType.GRAFT:
        return Graft(r.fixed(PUBLIC_KEY_LEN))
    if kind == MsgType.ADDR:
        return Addr(tuple(_read_address(r) for _ in range(r.count(MAX_ADDRESSES))))
    raise Rejected(Reason.SYNC_UNKNOWN_MESSAGE, f"type 0x{kind:02x}")


#: Bytes of the length header of a frame ([SYNC-21]).
FRAME_HEADER = 4


def frame(message: bytes) -> bytes:
    """One message as a frame: its length as u32 little-endian, then its bytes ([SYNC-21])."""
    require(len(message) <= MAX_MESSAGE, Reason.ENCODING_OVER_LENGTH,
            f"message of {len(message)} bytes")
    return len(message).to_bytes(FRAME_HEADER, "little") + message


def take_frames(buffer: bytearray) -> list[bytes]:
    """Remove and return the whole frames at the start of ``buffer`` ([SYNC-21]).

    A length header above ``MAX_MESSAGE`` is refused with ``encoding.over_length`` as soon
    as it is read, before any of the frame is waited for; a partial frame stays.
    """
    messages: list[bytes] = []
    pos = 0
    while len(buffer) - pos >= FRAME_HEADER:
        n = int.from_bytes(buffer[pos : pos + FRAME_HEADER], "little")
        if n > MAX_MESSAGE:
            raise Rejected(Reason.ENCODING_OVER_LENGTH, f"frame of {n} bytes")
        if len(buffer) - pos - FRAME_HEADER < n:
            break
        messages.append(bytes(buffer[pos + FRAME_HEADER : pos + FRAME_HEADER + n]))
        pos += FRAME_HEADER + n
    del buffer[:pos]
    return messages


def split_items(data: bytes) -> list[bytes]:
    """The raw item encodings of an ITEMS message, framing checked strictly, items not decoded.

    Lets a node recognise an item it holds by its id (the tagged hash of the encoding
    without its last 64 bytes) before paying for decoding it ([SYNC-52]); the items it
    does not hold must then be decoded with ``decode_item`` before the message is acted
    on, so that a malformed item still refuses the whole message ([SYNC-21]).
    """
    require(len(data) <= MAX_MESSAGE, Reason.ENCODING_OVER_LENGTH, f"message of {len(data)} bytes")
    fast = _split_fast(data)
    if fast is not None:
        return fast

    def read(r: Reader) -> list[bytes]:
        kind = r.u8()
        if kind != MsgType.ITEMS:
            raise Rejected(Reason.SYNC_UNKNOWN_MESSAGE, f"type 0x{kind:02x} is not ITEMS")
        n = r.count(MAX_ITEMS_PER_MESSAGE)
        return [r.var_bytes(MAX_ITEM_ENCODING) for _ in range(n)]

    return decode_exact(data, read)


_U16 = struct.Struct("<H")
_U32 = struct.Struct("<I")


def _split_fast(data: bytes) -> list[bytes] | None:
    """:func:`split_items` by slicing, for a well-formed ITEMS message; None otherwise.

    Accepts exactly what the :class:`~chipstack.encoding.Reader` path accepts (minimal
    lengths within their bounds, no trailing bytes) and leaves every refusal to it.
    """
    n = len(data)
    if n < 2 or data[0] != MsgType.ITEMS:
        return None
    count = data[1]
    pos = 2
    if count >= 0xFD:
        if count != 0xFD or n < 4:
            return None
        count = _U16.unpack_from(data, 2)[0]
        if count < 0xFD:
            return None
        pos = 4
    if count > MAX_ITEMS_PER_MESSAGE:
        return None
    out: list[bytes] = []
    append = out.append
    for _ in range(count):
        if pos >= n:
            return None
        size = data[pos]
        if size < 0xFD:
            pos += 1
        elif size == 0xFD and pos + 3 <= n:
            size = _U16.unpack_from(data, pos + 1)[0]
            if size < 0xFD:
                return None
            pos += 3
        elif size == 0xFE and pos + 5 <= n:
            size = _U32.unpack_from(data, pos + 1)[0]
            if size < 0x1_0000:
                return None
            pos += 5
        else:
            return None
        end = pos + size
        if size > MAX_ITEM_ENCODING or end > n:
            return None
        append(data[pos:end])
        pos = end
    return out if pos == n else None


def decode_message(data: bytes) -> Message:
    """Decode one message spanning all of ``data``; any failure is :class:`Rejected` ([SYNC-21])."""
    require(len(data) <= MAX_MESSAGE, Reason.ENCODING_OVER_LENGTH, f"message of {len(data)} bytes")
    return decode_exact(data, _read)
