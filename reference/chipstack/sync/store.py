"""The item store: bounded, ordered by ``(timestamp, id)``, indexed by tags and destination.

Spec: ``spec/01-sync.md`` section "Store", rules ``[SYNC-12]`` .. ``[SYNC-16]``.
Memory is bounded by ``max_items`` and ``max_bytes`` whatever peers send: when
full, the lowest-priority item goes first, the oldest first among equals
([SYNC-13]); an item that would itself be the first to go is refused with
``sync.store_full``.
"""

from __future__ import annotations

from collections.abc import Iterator

from sortedcontainers import SortedList

from chipstack.errors import Reason, Rejected
from chipstack.sync.item import Item, decode_item, id_of_encoding
from chipstack.sync.negentropy import Storage

#: Key of the eviction order: lowest priority first, then oldest, then by id ([SYNC-13]).
EvictKey = tuple[int, int, bytes]


def _evict_key(item: Item) -> EvictKey:
    return (item.priority, item.timestamp, item.id)


class Store:
    """A bounded set of items with the indexes sync needs; see the module docstring."""

    def __init__(self, max_items: int, max_bytes: int) -> None:
        self.max_items = max_items
        self.max_bytes = max_bytes
        self.bytes_used = 0
        self._items: dict[bytes, Item] = {}
        self._by_time = SortedList()  # (timestamp, id)
        self._by_evict = SortedList()  # (priority, timestamp, id)
        self._by_expiry = SortedList()  # (expiry, id)
        self._by_tag: dict[str, SortedList] = {}  # tag -> (timestamp, id)
        self._by_dest: dict[bytes, SortedList] = {}  # destination -> (timestamp, id)
        #: The ``(timestamp, id)`` set with cached id sums that reconciliation runs over,
        #: kept up to date item by item ([NEG-11], [SYNC-17]); sessions take a copy.
        self.index = Storage()

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._items

    def close(self) -> None:
        """Release what the store holds outside memory (nothing for this in-memory store)."""

    def get(self, item_id: bytes) -> Item | None:
        """Return the item with this id, if stored."""
        return self._items.get(item_id)

    def expiry_of(self, item_id: bytes) -> int:
        """Return the expiry of a stored item (KeyError if absent)."""
        return self._items[item_id].expiry

    def keys_before(self, timestamp: int) -> list[tuple[int, bytes]]:
        """Return the ``(timestamp, id)`` keys with timestamp at most ``timestamp``, in order."""
        return list(self._by_time.irange(None, (timestamp, b"\xff" * 33)))

    def keys_after(self, timestamp: int) -> list[tuple[int, bytes]]:
        """Return the ``(timestamp, id)`` keys with timestamp above ``timestamp``, in order."""
        return list(self._by_time.irange((timestamp + 1, b""), None))

    def keys_expiring(self, horizon: int) -> list[tuple[int, bytes]]:
        """Return the ``(timestamp, id)`` keys of the items with ``expiry <= horizon``."""
        return [(self._timestamp_of(iid), iid)
                for _, iid in self._by_expiry.irange(None, (horizon, b"\xff" * 33))]

    def _timestamp_of(self, item_id: bytes) -> int:
        return self._items[item_id].timestamp

    def min_expiry(self) -> int:
        """Return the earliest expiry in the store (a huge number when empty)."""
        return self._by_expiry[0][0] if self._by_expiry else 2**64

    def ids(self) -> set[bytes]:
        """Return the set of stored ids (a copy)."""
        return set(self._items)

    def keys(self) -> list[tuple[int, bytes]]:
        """Return every ``(timestamp, id)`` in order ([SYNC-15])."""
        return list(self._by_time)

    def add(self, item: Item) -> list[Item]:
        """Store ``item`` (a no-op if already present); return the items evicted to make room.

        Raise ``Rejected(sync.store_full)`` if the item alone exceeds the byte
        limit, or if it ranks at or below every item that would have to go ([SYNC-13]).
        """
        if item.id in self:
            return []
        if item.size > self.max_bytes or self.max_items <= 0:
            raise Rejected(Reason.SYNC_STORE_FULL, "item larger than the store")
        victims: list[bytes] = []
        count, used = len(self), self.bytes_used
        key = _evict_key(item)
        idx = 0
        while count + 1 > self.max_items or used + item.size > self.max_bytes:
            victim_key: EvictKey = self._by_evict[idx]
            if victim_key >= key:
                raise Rejected(Reason.SYNC_STORE_FULL, f"priority {item.priority} too low to enter")
            victims.append(victim_key[2])
            count -= 1
            used -= self._size_of(victim_key[2])
            idx += 1
        removed = [self.remove(v) for v in victims]
        self._insert(item)
        return [r for r in removed if r is not None]

    def _size_of(self, item_id: bytes) -> int:
        return self._items[item_id].size

    def _track(self, item: Item) -> None:
        """Count ``item`` and add it to the orders every store keeps (size, Negentropy, time,
        eviction, expiry)."""
        self.bytes_used += item.size
        self.index.insert(item.timestamp, item.id)
        self._by_time.add(item.key)
        self._by_evict.add(_evict_key(item))
        self._by_expiry.add((item.expiry, item.id))

    def _untrack(self, item: Item) -> None:
        """Undo :meth:`_track` for ``item``."""
        self.bytes_used -= item.size
        self.index.remove(item.timestamp, item.id)
        self._by_time.remove(item.key)
        self._by_evict.remove(_evict_key(item))
        self._by_expiry.remove((item.expiry, item.id))

    def _insert(self, item: Item) -> None:
        self._items[item.id] = item
        self._track(item)
        tkey = item.key
        for tag in {item.tag1, item.tag2}:
            self._by_tag.setdefault(tag, SortedList()).add(tkey)
        if item.destination is not None:
            self._by_dest.setdefault(item.destination, SortedList()).add(tkey)

    def remove(self, item_id: bytes) -> Item | None:
        """Remove and return the item with this id, if stored."""
        item = self._items.pop(item_id, None)
        if item is None:
            return None
        self._untrack(item)
        tkey = item.key
        for tag in {item.tag1, item.tag2}:
            index = self._by_tag[tag]
            index.remove(tkey)
            if not index:
                del self._by_tag[tag]
        if item.destination is not None:
            dest = self._by_dest[item.destination]
            dest.remove(tkey)
            if not dest:
                del self._by_dest[item.destination]
        return item

    def purge_expired(self, now: int) -> list[Item]:
        """Remove and return every item with ``expiry <= now`` ([SYNC-14])."""
        out: list[Item] = []
        while self._by_expiry and self._by_expiry[0][0] <= now:
            _, item_id = self._by_expiry[0]
            removed = self.remove(item_id)
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
        if destination is not None:
            index = self._by_dest.get(destination, SortedList())
        elif tag is not None:
            index = self._by_tag.get(tag, SortedList())
        else:
            index = self._by_time
        hi = (until, b"") if until is not None else None
        for _, item_id in index.irange((since, b""), hi, inclusive=(True, False)):
            item = self._items[item_id]
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


def _ints(*values: object) -> bool:
    return all(type(v) is int for v in values)


class SqliteStore(Store):
    """The store kept in a SQLite database: a file per node, or ``":memory:"``.

    The rules are those of :class:`Store` ([SYNC-12] .. [SYNC-16]); every change is
    committed at once, so a node restarted on the same file has every item it had
    stored ([SYNC-17]). Memory holds only the order and eviction indexes (the
    ``(timestamp, id)``, ``(priority, timestamp, id)`` and ``(expiry, id)`` keys and each
    item's size) and the ``ITEM_CACHE`` most recently used items; queries by tag and
    destination are answered by the database's indexes.

    Opening reads every row once and refuses, with ``Rejected(sync.bad_store)`` and the
    connection closed, a file that is not SQLite, has another ``items`` table, or holds
    a row whose id is not the tagged hash of its encoding's body ([SYNC-17]).
    """

    def __init__(self, max_items: int, max_bytes: int, path: str) -> None:
        super().__init__(max_items, max_bytes)
        import sqlite3

        self.path = path
        self._meta: dict[bytes, tuple[int, int, int]] = {}  # id -> (timestamp, expiry, size)
        self._cache: dict[bytes, Item] = {}
        times: list[tuple[int, bytes]] = []
        evict: list[tuple[int, int, bytes]] = []
        expiry: list[tuple[int, bytes]] = []
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
                        or size != len(encoding) or not _ints(ts, exp, prio)):
                    raise Rejected(Reason.SYNC_BAD_STORE, f"{path}: a damaged item row")
                self._meta[iid] = (ts, exp, size)
                self.bytes_used += size
                times.append((ts, iid))
                evict.append((prio, ts, iid))
                expiry.append((exp, iid))
        except sqlite3.Error as exc:
            self._db.close()
            raise Rejected(Reason.SYNC_BAD_STORE, f"{path}: {exc}") from exc
        except Rejected:
            self._db.close()
            raise
        self._by_time = SortedList(times)
        self.index = Storage(times)
        self._by_evict = SortedList(evict)
        self._by_expiry = SortedList(expiry)
        # a file written under larger capacities is brought within these ones ([SYNC-12])
        while len(self) > max_items or self.bytes_used > max_bytes:
            self.remove(self._by_evict[0][2])

    def __len__(self) -> int:
        return len(self._meta)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._meta

    def close(self) -> None:
        """Close the database (every change is already committed)."""
        self._db.close()

    def _size_of(self, item_id: bytes) -> int:
        return self._meta[item_id][2]

    def _timestamp_of(self, item_id: bytes) -> int:
        return self._meta[item_id][0]

    def get(self, item_id: bytes) -> Item | None:
        """Return the item with this id, if stored (decoded from the database if not cached)."""
        item = self._cache.get(item_id)
        if item is not None or item_id not in self._meta:
            return item
        row = self._db.execute("SELECT encoding FROM items WHERE id = ?", (item_id,)).fetchone()
        item = decode_item(row[0])
        self._remember(item)
        return item

    def _remember(self, item: Item) -> None:
        cache = self._cache
        cache[item.id] = item
        if len(cache) > ITEM_CACHE:
            del cache[next(iter(cache))]

    def expiry_of(self, item_id: bytes) -> int:
        """Return the expiry of a stored item (KeyError if absent)."""
        return self._meta[item_id][1]

    def ids(self) -> set[bytes]:
        """Return the set of stored ids (a copy)."""
        return set(self._meta)

    def _insert(self, item: Item) -> None:
        self._db.execute(
            "INSERT INTO items VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (item.id, item.timestamp, item.expiry, item.priority, item.size, item.tag1,
             item.tag2, item.destination, item.encoding))
        self._db.commit()
        self._meta[item.id] = (item.timestamp, item.expiry, item.size)
        self._track(item)
        self._remember(item)

    def remove(self, item_id: bytes) -> Item | None:
        """Remove and return the item with this id, if stored."""
        item = self.get(item_id)
        if item is None:
            return None
        self._db.execute("DELETE FROM items WHERE id = ?", (item_id,))
        self._db.commit()
        del self._meta[item_id]
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
        sql = f"SELECT encoding FROM items WHERE {' AND '.join(where)} ORDER BY timestamp, id"
        for (encoding,) in self._db.execute(sql, args).fetchall():
            yield decode_item(encoding)


def open_store(max_items: int, max_bytes: int, path: str | None = None) -> Store:
    """A :class:`SqliteStore` on ``path``, or an in-memory :class:`Store` when None."""
    return Store(max_items, max_bytes) if path is None else SqliteStore(max_items, max_bytes, path)
