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

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from chipstack.crypto import (
    PUBLIC_KEY_LEN,
    SIGNATURE_LEN,
    PrivateKey,
    PublicKey,
    Tag,
    is_weak_public_key,
    tagged_hash,
)
from chipstack.encoding import Reader, Writer, decode_exact
from chipstack.errors import Reason, Rejected, require
from chipstack.sync import pow as pow_
from chipstack.sync.params import ITEM_VERSION, MAX_PAYLOAD, MAX_TAG_LEN, MAX_TTL_MS

#: Bytes of an item besides its tags and payload (with a one-byte length prefix each).
FIXED_OVERHEAD = 1 + 8 + 8 + 1 + 1 + 1 + PUBLIC_KEY_LEN + 1 + 8 + SIGNATURE_LEN


@dataclass(frozen=True, eq=False)
class Item:
    """One item. Build with :func:`make_item` (mines and signs) or :func:`decode_item`.

    Equality and hashing go by :attr:`id`. Field meanings are in ``[SYNC-1]`` .. ``[SYNC-5]``.
    """

    timestamp: int
    expiry: int
    tag1: str
    tag2: str
    destination: bytes | None
    author: bytes
    payload: bytes
    nonce: int
    signature: bytes
    version: int = ITEM_VERSION

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Item) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    @property
    def body(self) -> bytes:
        """The encoding without the signature: what the id and the work hash cover."""
        enc = self.__dict__.get("encoding")
        if enc is not None and len(self.signature) == SIGNATURE_LEN:
            return bytes(enc[:-SIGNATURE_LEN])
        return _body_prefix(self) + self.nonce.to_bytes(8, "little")

    @cached_property
    def encoding(self) -> bytes:
        """The canonical encoding ([SYNC-5])."""
        return self.body + self.signature

    @cached_property
    def id(self) -> bytes:
        """The 32-byte item id: ``tagged_hash(SYNC_ITEM, body)`` ([SYNC-6])."""
        return tagged_hash(Tag.SYNC_ITEM, self.body)

    @cached_property
    def priority(self) -> int:
        """Work bits less the size penalty ([SYNC-7])."""
        return pow_.priority(self.body, len(self.payload))

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
    """Decode an item that spans all of ``data`` (strict, ``[SYNC-5]``)."""
    item = decode_exact(data, read_item)
    # the bytes just read are the canonical encoding: keep them rather than re-encode
    item.__dict__["encoding"] = bytes(data)
    return item


def verify_signature(item: Item) -> None:
    """Check the author's signature of the item's id ([SYNC-6]); raise :class:`Rejected`.

    The author key (weak: SIG-6) and a small-order R (SIG-7) are refused here too.
    """
    PublicKey(item.author).verify(item.signature, item.id)


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
    return tagged_hash(Tag.SYNC_ITEM, encoding[:-SIGNATURE_LEN])
