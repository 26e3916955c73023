"""The item store: bounded, ordered by ``(timestamp, id)``, indexed by tags and destination.

Spec: ``spec/01-sync.md`` section "Store", rules ``[SYNC-12]`` .. ``[SYNC-16]``.
Memory is bounded by ``max_items`` and ``max_bytes`` whatever peers send: when
full, the lowest-priority item goes first, the oldest first among equals
([SYNC-13]); an item that would itself be the first to go is refused with
``sync.store_full``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator

from sortedcontainers import SortedList

from chipstack.errors import Reason, Rejected
from chipstack.sync.item import Item, decode_stored, id_of_encoding
from chipstack.sync.negentropy import Storage
from chipstack.sync.negentropy.bound import item_key

#: Timestamps and expiries are unsigned 64-bit numbers ([SYNC-1]).
_U64_END = 2**64


def _bound(value: int) -> bytes | None:
    """The 8-byte big-endian prefix below which every key of a smaller ``value`` sorts.

    ``b""`` when ``value`` is at most 0 (nothing is below), None when it is past every
    u64 (everything is below).
    """
    if value <= 0:
        return b""
    return value.to_bytes(8, "big") if value < _U64_END else None


def _time_key(item: Item) -> bytes:
    """The 40-byte ``timestamp u64 BE || id`` key: sorts as ``(timestamp, id)`` ([SYNC-15])."""
    return item_key(item.timestamp, item.id)


def _expiry_key(item: Item) -> bytes:
    """``expiry u64 BE || id || timestamp u64 BE``: sorts as ``(expiry, id)``; holds the
    item's ``(timestamp, id)`` key too ([SYNC-14])."""
    return item.expiry.to_bytes(8, "big") + item.id + item.timestamp.to_bytes(8, "big")


def _expiry_entry(key: bytes) -> tuple[int, bytes]:
    """The ``(timestamp, id)`` of an expiry key."""
    return int.from_bytes(key[40:], "big"), key[8:40]


def _time_entry(key: bytes) -> tuple[int, bytes]:
    """The ``(timestamp, id)`` of a time key."""
    return int.from_bytes(key[:8], "big"), key[8:]


class Store:
    """A bounded set of items with the indexes sync needs; see the module docstring.

    Memory per item is about twice its encoding: each item is kept as its encoding
    bytes (decoded again when asked for; the ``cache_size`` most recently stored or
    read are kept decoded), and each order holds the same 40-byte ``(timestamp, id)``
    key object: the Negentropy index (which is also the time order), the eviction
    order (one list per priority) and the tag and destination indexes; the expiry
    order has its own 48-byte keys.
    """

    #: Decoded items kept for the next read (most recently stored or read).
    cache_size = 256

    def __init__(self, max_items: int, max_bytes: int) -> None:
        self.max_items = max_items
        self.max_bytes = max_bytes
        self.bytes_used = 0
        self._items: dict[bytes, bytes | None] = {}  # id -> encoding (None: kept elsewhere)
        self._cache: OrderedDict[bytes, Item] = OrderedDict()  # oldest first
        self._by_evict: dict[int, SortedList] = {}  # priority -> time keys ([SYNC-13])
        self._by_expiry = SortedList()  # expiry keys ([SYNC-14])
        self._by_tag: dict[str, SortedList] = {}  # tag -> time keys
        self._by_dest: dict[bytes, SortedList] = {}  # destination -> time keys
        #: The ``(timestamp, id)`` set with cached id sums that reconciliation runs over,
        #: kept up to date item by item ([NEG-11], [SYNC-17]); sessions take a copy. It
        #: is also the store's time order ([SYNC-15]).
        self.index = Storage()

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._items

    def close(self) -> None:
        """Release what the store holds outside memory (nothing for this in-memory store)."""

    def get(self, item_id: bytes) -> Item | None:
        """Return the item with this id, if stored."""
        item = self._cache.get(item_id)
        if item is None:
            item = self._load(item_id)
            if item is not None:
                self._remember(item)
        return item

    def _load(self, item_id: bytes) -> Item | None:
        """The stored item with this id, decoded from where it is kept (not cached)."""
        encoding = self._items.get(item_id)
        return None if encoding is None else decode_stored(encoding, item_id)

    def _peek(self, item_id: bytes) -> Item:
        """A stored item, from the cache or decoded, leaving the cache as it is."""
        item = self._cache.get(item_id) or self._load(item_id)
        assert item is not None
        return item

    def _remember(self, item: Item) -> None:
        cache = self._cache
        cache[item.id] = item
        if len(cache) > self.cache_size:
            cache.popitem(last=False)

    def expiry_of(self, item_id: bytes) -> int:
        """Return the expiry of a stored item (KeyError if absent)."""
        encoding = self._items[item_id]
        if encoding is not None:  # [SYNC-5] expiry is the u64 after version and timestamp
            return int.from_bytes(encoding[9:17], "little")
        return self._peek(item_id).expiry

    def _keys(self, lower: int, upper: int) -> list[tuple[int, bytes]]:
        index = self.index
        lo, hi = _bound(lower), _bound(upper)
        start = len(index) if lo is None else index.lower_bound(lo)
        stop = len(index) if hi is None else index.lower_bound(hi)
        return [_time_entry(k) for k in index.keys(start, stop)]

    def keys_before(self, timestamp: int) -> list[tuple[int, bytes]]:
        """Return the ``(timestamp, id)`` keys with timestamp at most ``timestamp``, in order."""
        return self._keys(0, timestamp + 1)

    def keys_after(self, timestamp: int) -> list[tuple[int, bytes]]:
        """Return the ``(timestamp, id)`` keys with timestamp above ``timestamp``, in order."""
        return self._keys(timestamp + 1, _U64_END)

    def keys_expiring(self, horizon: int) -> list[tuple[int, bytes]]:
        """Return the ``(timestamp, id)`` keys of the items with ``expiry <= horizon``."""
        hi = _bound(horizon + 1)
        keys: Iterable[bytes] = (self._by_expiry if hi is None else
                                 self._by_expiry.irange(None, hi, inclusive=(True, False)))
        return [_expiry_entry(k) for k in keys]

    def min_expiry(self) -> int:
        """Return the earliest expiry in the store (a huge number when empty)."""
        return int.from_bytes(self._by_expiry[0][:8], "big") if self._by_expiry else 2**64

    def ids(self) -> set[bytes]:
        """Return the set of stored ids (a copy)."""
        return set(self._items)

    def keys(self) -> list[tuple[int, bytes]]:
        """Return every ``(timestamp, id)`` in order ([SYNC-15])."""
        return list(self.index)

    def _eviction_order(self) -> Iterator[tuple[int, bytes]]:
        """``(priority, time key)`` of every item, lowest priority then oldest first ([SYNC-13])."""
        for priority in sorted(self._by_evict):
            for key in self._by_evict[priority]:
                yield priority, key

    def add(self, item: Item) -> list[Item]:
        """Store ``item`` (a no-op if already present); return the items evicted to make room.

        Raise ``Rejected(sync.store_full)`` if the item alone exceeds the byte
        limit, or if it ranks at or below every item that would have to go ([SYNC-13]).
        """
        if item.id in self._items:
            return []
        size = len(item.encoding)
        if size > self.max_bytes or self.max_items <= 0:
            raise Rejected(Reason.SYNC_STORE_FULL, "item larger than the store")
        victims: list[bytes] = []
        count, used = len(self), self.bytes_used
        if count + 1 > self.max_items or used + size > self.max_bytes:
            rank = (item.priority, _time_key(item))
            for victim in self._eviction_order():
                if count + 1 <= self.max_items and used + size <= self.max_bytes:
                    break
                if victim >= rank:
                    raise Rejected(Reason.SYNC_STORE_FULL,
                                   f"priority {item.priority} too low to enter")
                victims.append(victim[1][8:])
                count -= 1
                used -= self._size_of(victim[1][8:])
        removed = [self.remove(v) for v in victims]
        self._insert(item)
        return [r for r in removed if r is not None]

    def _size_of(self, item_id: bytes) -> int:
        encoding = self._items[item_id]
        return len(encoding) if encoding is not None else self._peek(item_id).size

    def _track(self, item: Item, key: bytes) -> None:
        """Count ``item`` and add its time ``key`` to the orders every store keeps (size,
        Negentropy and time, eviction, expiry)."""
        self.bytes_used += len(item.encoding)
        self.index.insert_key(key)
        prio = item.priority
        evict = self._by_evict.get(prio)
        if evict is None:
            evict = self._by_evict[prio] = SortedList()
        evict.add(key)
        self._by_expiry.add(item.expiry.to_bytes(8, "big") + key[8:] + key[:8])  # _expiry_key

    def _untrack(self, item: Item) -> None:
        """Undo :meth:`_track` for ``item``."""
        key = _time_key(item)
        self.bytes_used -= item.size
        self.index.remove_key(key)
        evict = self._by_evict[item.priority]
        evict.remove(key)
        if not evict:
            del self._by_evict[item.priority]
        self._by_expiry.remove(_expiry_key(item))

    def _insert(self, item: Item) -> None:
        iid = item.id
        key = item.timestamp.to_bytes(8, "big") + iid  # _time_key
        self._items[iid] = item.encoding
        self._track(item, key)
        by_tag = self._by_tag
        for tag in (item.tag1,) if item.tag1 == item.tag2 else (item.tag1, item.tag2):
            index = by_tag.get(tag)
            if index is None:
                index = by_tag[tag] = SortedList()
            index.add(key)
        if item.destination is not None:
            self._by_dest.setdefault(item.destination, SortedList()).add(key)
        cache = self._cache  # _remember
        cache[iid] = item
        if len(cache) > self.cache_size:
            cache.popitem(last=False)

    def remove(self, item_id: bytes) -> Item | None:
        """Remove and return the item with this id, if stored."""
        if item_id not in self._items:
            return None
        item = self._peek(item_id)
        del self._items[item_id]
        self._cache.pop(item_id, None)
        self._untrack(item)
        key = _time_key(item)
        for tag in {item.tag1, item.tag2}:
            index = self._by_tag[tag]
            index.remove(key)
            if not index:
                del self._by_tag[tag]
        if item.destination is not None:
            dest = self._by_dest[item.destination]
            dest.remove(key)
            if not dest:
                del self._by_dest[item.destination]
        return item

    def purge_expired(self, now: int) -> list[Item]:
        """Remove and return every item with ``expiry <= now`` ([SYNC-14])."""
        out: list[Item] = []
        while self._by_expiry and int.from_bytes(self._by_expiry[0][:8], "big") <= now:
            removed = self.remove(self._by_expiry[0][8:40])
            assert removed is not None
            out.append(removed)
        return out

    def query(
        self,
        tag: str | None = None,
        tag2: str | None = None,
        since: int = 0,
        until: int | None = None,
        destination: bytes | None = None,
    ) -> Iterator[Item]:
        """Yield items in ``(timestamp, id)`` order with ``since <= timestamp < until``.

        ``tag`` matches either tag; ``tag2`` additionally requires the second tag;
        ``destination`` restricts to items addressed to that key ([SYNC-16]).
        """
        lo = _bound(since)
        hi = _bound(until) if until is not None else None
        if lo is None or hi == b"":
            return
        if destination is not None or tag is not None:
            index = (self._by_dest.get(destination, SortedList()) if destination is not None
                     else self._by_tag.get(tag or "", SortedList()))
            keys: Iterable[bytes] = index.irange(lo, hi, inclusive=(True, False))
        else:
            start = self.index.lower_bound(lo)
            stop = len(self.index) if hi is None else self.index.lower_bound(hi)
            keys = self.index.keys(start, stop)
        for key in keys:
            item = self._peek(key[8:])
            if tag is not None and not item.has_tag(tag):
                continue
            if tag2 is not None and item.tag2 != tag2:
                continue
            yield item


#: Items kept decoded in memory by a :class:`SqliteStore` (most recently used).
ITEM_CACHE = 1024

_SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    id BLOB PRIMARY KEY, timestamp INTEGER NOT NULL, expiry INTEGER NOT NULL,
    priority INTEGER NOT NULL, size INTEGER NOT NULL, tag1 TEXT NOT NULL, tag2 TEXT NOT NULL,
    destination BLOB, encoding BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS items_time ON items (timestamp, id);
CREATE INDEX IF NOT EXISTS items_tag1 ON items (tag1, timestamp, id);
CREATE INDEX IF NOT EXISTS items_tag2 ON items (tag2, timestamp, id);
CREATE INDEX IF NOT EXISTS items_destination ON items (destination, timestamp, id);
"""


#: The columns of the items table, in order (a file with others is not a store of ours).
_COLUMNS = ("id", "timestamp", "expiry", "priority", "size", "tag1", "tag2", "destination",
            "encoding")


def _u64s(*values: object) -> bool:
    return all(type(v) is int and 0 <= v < _U64_END for v in values)


class SqliteStore(Store):
    """The store kept in a SQLite database: a file per node, or ``":memory:"``.

    The rules are those of :class:`Store` ([SYNC-12] .. [SYNC-16]); every change is
    committed at once, so a node restarted on the same file has every item it had
    stored ([SYNC-17]). Memory holds only the ids and the order, eviction and expiry
    keys (as :class:`Store` keeps them) and the ``ITEM_CACHE`` most recently used items;
    queries by tag and destination are answered by the database's indexes.

    Opening reads every row once and refuses, with ``Rejected(sync.bad_store)`` and the
    connection closed, a file that is not SQLite, has another ``items`` table, or holds
    a row whose id is not the tagged hash of its encoding's body ([SYNC-17]).
    """

    cache_size = ITEM_CACHE

    def __init__(self, max_items: int, max_bytes: int, path: str) -> None:
        super().__init__(max_items, max_bytes)
        import sqlite3

        self.path = path
        times: list[bytes] = []
        evict: dict[int, list[bytes]] = {}
        expiry: list[bytes] = []
        self._db = sqlite3.connect(path)
        try:  # [SYNC-17] a foreign or damaged file is refused whole, in one line
            tables = [row[0] for row in self._db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
            columns = tuple(row[1] for row in self._db.execute("PRAGMA table_info(items)"))
            if tables not in ([], ["items"]) or (tables and columns != _COLUMNS):
                raise Rejected(Reason.SYNC_BAD_STORE, f"{path}: not a chipstack store "
                               f"(tables {', '.join(tables)}; items: {', '.join(columns)})")
            self._db.executescript(_SCHEMA)  # checked first: a foreign file is not written
            for iid, ts, exp, prio, size, encoding in self._db.execute(
                    "SELECT id, timestamp, expiry, priority, size, encoding FROM items"):
                if (not isinstance(encoding, bytes) or id_of_encoding(encoding) != iid
                        or size != len(encoding) or not _u64s(ts, exp) or type(prio) is not int):
                    raise Rejected(Reason.SYNC_BAD_STORE, f"{path}: a damaged item row")
                self._items[iid] = None
                self.bytes_used += size
                key = item_key(ts, iid)
                times.append(key)
                evict.setdefault(prio, []).append(key)
                expiry.append(exp.to_bytes(8, "big") + iid + key[:8])
        except sqlite3.Error as exc:
            self._db.close()
            raise Rejected(Reason.SYNC_BAD_STORE, f"{path}: {exc}") from exc
        except Rejected:
            self._db.close()
            raise
        self.index = Storage.from_keys(times)
        self._by_evict = {prio: SortedList(keys) for prio, keys in evict.items()}
        self._by_expiry = SortedList(expiry)
        # a file written under larger capacities is brought within these ones ([SYNC-12])
        while len(self) > max_items or self.bytes_used > max_bytes:
            self.remove(next(self._eviction_order())[1][8:])

    def close(self) -> None:
        """Close the database (every change is already committed)."""
        self._db.close()

    def _load(self, item_id: bytes) -> Item | None:
        if item_id not in self._items:
            return None
        row = self._db.execute("SELECT encoding FROM items WHERE id = ?", (item_id,)).fetchone()
        return decode_stored(row[0], item_id)

    def _insert(self, item: Item) -> None:
        self._db.execute(
            "INSERT INTO items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (item.id, item.timestamp, item.expiry, item.priority, item.size, item.tag1,
             item.tag2, item.destination, item.encoding))
        self._db.commit()
        self._items[item.id] = None
        self._track(item, _time_key(item))
        self._remember(item)

    def remove(self, item_id: bytes) -> Item | None:
        """Remove and return the item with this id, if stored."""
        if item_id not in self._items:
            return None
        item = self._peek(item_id)
        self._db.execute("DELETE FROM items WHERE id = ?", (item_id,))
        self._db.commit()
        del self._items[item_id]
        self._cache.pop(item_id, None)
        self._untrack(item)
        return item

    def query(
        self,
        tag: str | None = None,
        tag2: str | None = None,
        since: int = 0,
        until: int | None = None,
        destination: bytes | None = None,
    ) -> Iterator[Item]:
        """As :meth:`Store.query`, answered by the database's indexes ([SYNC-16])."""
        where: list[str] = ["timestamp >= ?"]
        args: list[object] = [since]
        if until is not None:
            where.append("timestamp < ?")
            args.append(until)
        if destination is not None:
            where.append("destination = ?")
            args.append(destination)
        if tag is not None:
            where.append("(tag1 = ? OR tag2 = ?)")
            args += [tag, tag]
        if tag2 is not None:
            where.append("tag2 = ?")
            args.append(tag2)
        sql = f"SELECT id, encoding FROM items WHERE {' AND '.join(where)} ORDER BY timestamp, id"
        for iid, encoding in self._db.execute(sql, args).fetchall():
            yield decode_stored(encoding, iid)


def open_store(max_items: int, max_bytes: int, path: str | None = None) -> Store:
    """A :class:`SqliteStore` on ``path``, or an in-memory :class:`Store` when None."""
    return Store(max_items, max_bytes) if path is None else SqliteStore(max_items, max_bytes, path)
