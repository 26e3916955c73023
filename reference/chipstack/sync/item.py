"""Items (datablobs): the signed, self-contained unit of data that sync moves.

Spec: ``spec/01-sync.md`` section "Items", rules ``[SYNC-1]`` .. ``[SYNC-11]``.
Layout (all integers little-endian)::

    version u8 | timestamp u64 (ms) | expiry u64 (ms) | tag1 str | tag2 str
    | destination flag (+ 32 bytes) | author 32 | payload var_bytes | nonce u64
    | signature 64

``body`` is everything before the signature; ``id = tagged_hash(SYNC_ITEM, body)``
and the signature is the author's Ed25519 signature of ``id``.
"""

from __future__ import annotations

import hashlib
import struct
from collections.abc import Callable
from dataclasses import FrozenInstanceError

from chipstack.crypto import (
    PUBLIC_KEY_LEN,
    SIGNATURE_LEN,
    PrivateKey,
    PublicKey,
    Tag,
    is_weak_public_key,
)
from chipstack.encoding import Reader, Writer, decode_exact
from chipstack.errors import Reason, Rejected, require
from chipstack.sync import pow as pow_
from chipstack.sync.params import ITEM_VERSION, MAX_PAYLOAD, MAX_TAG_LEN, MAX_TTL_MS

#: Bytes of an item besides its tags and payload (with a one-byte length prefix each).
FIXED_OVERHEAD = 1 + 8 + 8 + 1 + 1 + 1 + PUBLIC_KEY_LEN + 1 + 8 + SIGNATURE_LEN


_ITEM_FIELDS = ("timestamp", "expiry", "tag1", "tag2", "destination", "author", "payload",
                "nonce", "signature", "version")


class Item:
    """One item. Build with :func:`make_item` (mines and signs) or :func:`decode_item`.

    Immutable; equality and hashing go by :attr:`id`. Field meanings are in
    ``[SYNC-1]`` .. ``[SYNC-5]``. The encoding, id and priority are computed once, when
    first asked for (a decoded item keeps the bytes it was decoded from as its encoding).
    """

    __slots__ = (*_ITEM_FIELDS, "_encoding", "_id", "_priority")

    timestamp: int
    expiry: int
    tag1: str
    tag2: str
    destination: bytes | None
    author: bytes
    payload: bytes
    nonce: int
    signature: bytes
    version: int
    _encoding: bytes | None
    _id: bytes | None
    _priority: int | None

    def __init__(self, timestamp: int, expiry: int, tag1: str, tag2: str,
                 destination: bytes | None, author: bytes, payload: bytes, nonce: int,
                 signature: bytes, version: int = ITEM_VERSION) -> None:
        for name, value in zip(_ITEM_FIELDS, (timestamp, expiry, tag1, tag2, destination,
                                              author, payload, nonce, signature, version),
                               strict=True):
            _set(self, name, value)
        _set(self, "_encoding", None)
        _set(self, "_id", None)
        _set(self, "_priority", None)

    def __setattr__(self, name: str, value: object) -> None:
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise FrozenInstanceError(f"cannot delete field {name!r}")

    def __reduce__(self) -> tuple[type[Item], tuple[object, ...]]:
        return (Item, tuple(getattr(self, name) for name in _ITEM_FIELDS))

    def __repr__(self) -> str:
        return (f"Item(id={self.id.hex()[:16]}.., timestamp={self.timestamp}, "
                f"tags=({self.tag1!r}, {self.tag2!r}), payload={len(self.payload)} bytes)")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Item) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    @property
    def body(self) -> bytes:
        """The encoding without the signature: what the id and the work hash cover."""
        enc = self._encoding
        if enc is not None and len(self.signature) == SIGNATURE_LEN:
            return enc[:-SIGNATURE_LEN]
        return _body_prefix(self) + self.nonce.to_bytes(8, "little")

    @property
    def encoding(self) -> bytes:
        """The canonical encoding ([SYNC-5])."""
        enc = self._encoding
        if enc is None:
            enc = self.body + self.signature
            _set(self, "_encoding", enc)
        return enc

    @property
    def id(self) -> bytes:
        """The 32-byte item id: ``tagged_hash(SYNC_ITEM, body)`` ([SYNC-6])."""
        iid = self._id
        if iid is None:
            iid = _hash_body(_ID_HASH, self)
            _set(self, "_id", iid)
        return iid

    @property
    def priority(self) -> int:
        """Work bits less the size penalty ([SYNC-7])."""
        prio = self._priority
        if prio is None:
            prio = (256 - int.from_bytes(_hash_body(_WORK_HASH, self), "big").bit_length()
                    - pow_.size_penalty(len(self.payload)))
            _set(self, "_priority", prio)
        return prio

    @property
    def key(self) -> tuple[int, bytes]:
        """The ``(timestamp, id)`` pair items are ordered and reconciled by ([SYNC-15])."""
        return (self.timestamp, self.id)

    @property
    def size(self) -> int:
        """Length of the encoding in bytes (what a store counts against its byte limit)."""
        return len(self.encoding)

    def has_tag(self, tag: str) -> bool:
        """Whether ``tag`` is one of the item's two tags."""
        return tag in (self.tag1, self.tag2)


_set = object.__setattr__
#: SHA-256 states after the two tag hashes of the id and work tags ([HASH-3]): an item's
#: id and work hash are these states fed its body, with no concatenated copy.
_ID_HASH = hashlib.sha256(hashlib.sha256(Tag.SYNC_ITEM.encode()).digest() * 2)
_WORK_HASH = hashlib.sha256(hashlib.sha256(Tag.SYNC_ITEM_WORK.encode()).digest() * 2)


def _hash_body(base: hashlib._Hash, item: Item) -> bytes:
    """The tagged hash whose tag state is ``base``, of ``item``'s body."""
    h = base.copy()
    if len(item.signature) == SIGNATURE_LEN:
        h.update(memoryview(item.encoding)[:-SIGNATURE_LEN])
    else:
        h.update(item.body)
    return h.digest()


def _body_prefix(item: Item) -> bytes:
    w = Writer().u8(item.version).u64(item.timestamp).u64(item.expiry)
    w.string(item.tag1, MAX_TAG_LEN).string(item.tag2, MAX_TAG_LEN)
    w.flag(item.destination is not None)
    if item.destination is not None:
        w.fixed(item.destination, PUBLIC_KEY_LEN)
    w.fixed(item.author, PUBLIC_KEY_LEN).var_bytes(item.payload, MAX_PAYLOAD)
    return w.getvalue()


def _check_expiry(timestamp: int, expiry: int) -> None:
    """``[SYNC-2]``: a decoder checks this as soon as it has read ``expiry``."""
    require(
        timestamp < expiry <= timestamp + MAX_TTL_MS,
        Reason.SYNC_BAD_EXPIRY,
        f"timestamp {timestamp}, expiry {expiry}",
    )


def check_structure(item: Item) -> None:
    """Apply the context-free rules ``[SYNC-1]`` .. ``[SYNC-4]``; raise :class:`Rejected`."""
    # [SYNC-1]
    require(item.version == ITEM_VERSION, Reason.ENCODING_UNKNOWN_VERSION, str(item.version))
    _check_expiry(item.timestamp, item.expiry)
    for tag in (item.tag1, item.tag2):  # [SYNC-3]
        require(len(tag.encode("utf-8")) <= MAX_TAG_LEN, Reason.SYNC_TAG_TOO_LONG, repr(tag))
    # [SYNC-4]
    require(len(item.payload) <= MAX_PAYLOAD, Reason.SYNC_PAYLOAD_TOO_LARGE, f"{len(item.payload)}")


_VERSIONS = frozenset({ITEM_VERSION})


def _read_bounded(r: Reader, limit: int, reason: Reason) -> bytes:
    n = r.compact_size()
    require(n <= limit, reason, f"{n} bytes > {limit}")
    return r.take(n)


def _read_tag(r: Reader) -> str:
    raw = _read_bounded(r, MAX_TAG_LEN, Reason.SYNC_TAG_TOO_LONG)
    try:
        return raw.decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        raise Rejected(Reason.ENCODING_BAD_UTF8, str(exc)) from None


def read_item(r: Reader) -> Item:
    """Read one item from ``r``, applying the structural rules ``[SYNC-1]`` .. ``[SYNC-5]``."""
    version = r.version(_VERSIONS)
    timestamp = r.u64()
    expiry = r.u64()
    _check_expiry(timestamp, expiry)  # [SYNC-2]: front to back (REJ-1), before the tags
    tag1 = _read_tag(r)
    tag2 = _read_tag(r)
    destination = r.fixed(PUBLIC_KEY_LEN) if r.flag() else None
    author = r.fixed(PUBLIC_KEY_LEN)
    payload = _read_bounded(r, MAX_PAYLOAD, Reason.SYNC_PAYLOAD_TOO_LARGE)
    nonce = r.u64()
    signature = r.fixed(SIGNATURE_LEN)
    item = Item(timestamp, expiry, tag1, tag2, destination, author, payload, nonce, signature,
                version)
    check_structure(item)
    return item


def decode_item(data: bytes) -> Item:
    """Decode an item that spans all of ``data`` (strict, ``[SYNC-5]``).

    The item keeps ``data`` as its encoding. A well-formed encoding is read in one pass
    of slices (:func:`_decode_fast`); anything else goes through :func:`read_item`, so
    every refusal is the one the field-by-field rules give, in their order.
    """
    data = bytes(data)
    item = _decode_fast(data)
    if item is None:
        item = decode_exact(data, read_item)
        _set(item, "_encoding", data)
    return item


def decode_stored(encoding: bytes, item_id: bytes) -> Item:
    """An item a store kept as its encoding, decoded again; its id is known, not rehashed."""
    item = decode_item(encoding)
    _set(item, "_id", item_id)
    return item


_U64 = struct.Struct("<Q")
_U64_PAIR = struct.Struct("<QQ")
_U16 = struct.Struct("<H")
#: Shortest encoding: empty tags and payload, no destination.
_MIN_ENCODING = 1 + 16 + 1 + 1 + 1 + PUBLIC_KEY_LEN + 1 + 8 + SIGNATURE_LEN


def _decode_fast(data: bytes) -> Item | None:
    """The item ``data`` encodes if it is well formed, else None (nothing is raised).

    Accepts exactly what :func:`read_item` accepts (the same checks, by slicing instead
    of a :class:`~chipstack.encoding.Reader`), and returns None for anything it is not
    sure of (a malformed encoding, a payload length written with more than three
    bytes), leaving the precise refusal to the general reader.
    """
    n = len(data)
    if n < _MIN_ENCODING or data[0] != ITEM_VERSION:  # [SYNC-1]
        return None
    timestamp, expiry = _U64_PAIR.unpack_from(data, 1)
    if not timestamp < expiry <= timestamp + MAX_TTL_MS:  # [SYNC-2]
        return None
    n1 = data[17]
    pos = 18 + n1
    if n1 > MAX_TAG_LEN or pos >= n:  # [SYNC-3]
        return None
    n2 = data[pos]
    start2 = pos + 1
    pos = start2 + n2
    if n2 > MAX_TAG_LEN or pos >= n:
        return None
    try:
        tag1 = data[18 : 18 + n1].decode("utf-8", errors="strict")
        tag2 = data[start2:pos].decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        return None
    flag = data[pos]
    if flag == 1:
        destination: bytes | None = data[pos + 1 : pos + 1 + PUBLIC_KEY_LEN]
        pos += 1 + PUBLIC_KEY_LEN
    elif flag == 0:
        destination = None
        pos += 1
    else:
        return None
    author = data[pos : pos + PUBLIC_KEY_LEN]
    pos += PUBLIC_KEY_LEN
    if pos >= n:
        return None
    size = data[pos]
    if size < 0xFD:
        pos += 1
    elif size == 0xFD and pos + 3 <= n:
        size = _U16.unpack_from(data, pos + 1)[0]
        if size < 0xFD or size > MAX_PAYLOAD:  # [SYNC-4], canonical length
            return None
        pos += 3
    else:
        return None
    end = pos + size
    if end + 8 + SIGNATURE_LEN != n:
        return None
    item = Item.__new__(Item)
    for name, value in (("timestamp", timestamp), ("expiry", expiry), ("tag1", tag1),
                        ("tag2", tag2), ("destination", destination), ("author", author),
                        ("payload", data[pos:end]), ("nonce", _U64.unpack_from(data, end)[0]),
                        ("signature", data[end + 8 :]), ("version", ITEM_VERSION),
                        ("_encoding", data), ("_id", None), ("_priority", None)):
        _set(item, name, value)
    return item


def verify_signature(item: Item) -> None:
    """Check the author's signature of the item's id ([SYNC-6]); raise :class:`Rejected`.

    The author key (weak: SIG-6) and a small-order R (SIG-7) are refused here too.
    """
    _author_key(item.author).verify(item.signature, item.id)


def check_valid(item: Item, now: int, min_priority: int, max_clock_skew_ms: int,
                verify: Callable[[Item], None] = verify_signature) -> None:
    """Apply the contextual rules in the order of ``[SYNC-11]``; raise :class:`Rejected`.

    Order: priority ``[SYNC-8]``, future timestamp ``[SYNC-9]``, expiry ``[SYNC-10]``,
    signature ``[SYNC-6]`` (the expensive check last), by ``verify`` (a driver running
    many nodes in one process may pass a memoising one; its outcome must be that of
    :func:`verify_signature`).
    """
    require(item.priority >= min_priority, Reason.SYNC_LOW_PRIORITY,
            f"{item.priority} < {min_priority}")
    require(
        item.timestamp <= now + max_clock_skew_ms,
        Reason.SYNC_FUTURE_TIMESTAMP,
        f"timestamp {item.timestamp} > now {now} + {max_clock_skew_ms}",
    )
    require(now < item.expiry, Reason.SYNC_EXPIRED, f"expiry {item.expiry} <= now {now}")
    if item.destination is not None:  # [SYNC-6]: a destination names a key too, never a weak one
        require(not is_weak_public_key(item.destination), Reason.CRYPTO_WEAK_PUBLIC_KEY,
                "destination is a weak key (SIG-6)")
    # [SYNC-6]: the author key (weak: SIG-6) and a small-order R (SIG-7) are checked here, last
    verify(item)


#: Author keys kept checked and loaded, at most (most items come from few authors).
AUTHOR_KEYS = 4096
_author_keys: dict[bytes, PublicKey] = {}


def _author_key(author: bytes) -> PublicKey:
    """``PublicKey(author)`` (which refuses a weak key, [SIG-6]), kept for the next item.

    Only keys that passed the check are kept, so a refusal is raised every time."""
    key = _author_keys.get(author)
    if key is None:
        key = PublicKey(author)
        if len(_author_keys) >= AUTHOR_KEYS:
            del _author_keys[next(iter(_author_keys))]
        _author_keys[author] = key
    return key


def make_item(
    key: PrivateKey,
    tags: tuple[str, str] | list[str] | str,
    payload: bytes,
    timestamp: int,
    ttl_ms: int = 3_600_000,
    destination: bytes | None = None,
    min_priority: int = 6,
) -> Item:
    """Build, mine and sign an item with priority at least ``min_priority``.

    ``tags`` is ``(tag1, tag2)``; a single tag (a one-element list, or a plain string)
    gets an empty second tag. More than two tags is a ``ValueError``.
    """
    tag_list = [tags] if isinstance(tags, str) else list(tags)
    if len(tag_list) > 2:
        raise ValueError(f"an item has at most two tags, got {len(tag_list)}")
    tag1, tag2 = [*tag_list, "", ""][:2]
    unsigned = Item(
        timestamp, timestamp + ttl_ms, tag1, tag2, destination, key.public_key.raw, payload, 0, b""
    )
    check_structure(unsigned)
    nonce = pow_.mine_nonce(_body_prefix(unsigned), len(payload), min_priority)
    mined = Item(timestamp, timestamp + ttl_ms, tag1, tag2, destination, key.public_key.raw,
                 payload, nonce, b"")
    return Item(
        timestamp, mined.expiry, tag1, tag2, destination, mined.author, payload, nonce,
        key.sign(mined.id),
    )


def id_of_encoding(encoding: bytes) -> bytes | None:
    """The id an item encoding would have: the tagged hash of all but its last 64 bytes.

    Equal to ``decode_item(encoding).id`` whenever the encoding is well formed; None when
    it is too short to hold a signature. Used to recognise a known item before decoding
    it (a malformed encoding cannot hash to a known id: its body would be a valid body).
    """
    if len(encoding) <= SIGNATURE_LEN:
        return None
    h = _ID_HASH.copy()
    h.update(memoryview(encoding)[:-SIGNATURE_LEN])
    return h.digest()
