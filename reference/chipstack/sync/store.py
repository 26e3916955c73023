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
from chipstack.sync.item import Item

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

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._items

    def get(self, item_id: bytes) -> Item | None:
        """Return the item with this id, if stored."""
        return self._items.get(item_id)

    def expiry_of(self, item_id: bytes) -> int:
        """Return the expiry of a stored item (KeyError if absent)."""
        return self._items[item_id].expiry

    def keys_before(self, timestamp: int) -> list[tuple[int, bytes]]:
        """Return the ``(timestamp, id)`` keys with timestamp at most ``timestamp``, in order."""
        return list(self._by_time.irange(None, (timestamp, b"\xff" * 33)))

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
        if item.id in self._items:
            return []
        if item.size > self.max_bytes or self.max_items <= 0:
            raise Rejected(Reason.SYNC_STORE_FULL, "item larger than the store")
        victims: list[Item] = []
        count, used = len(self._items), self.bytes_used
        key = _evict_key(item)
        idx = 0
        while count + 1 > self.max_items or used + item.size > self.max_bytes:
            victim_key: EvictKey = self._by_evict[idx]
            if victim_key >= key:
                raise Rejected(Reason.SYNC_STORE_FULL, f"priority {item.priority} too low to enter")
            victim = self._items[victim_key[2]]
            victims.append(victim)
            count -= 1
            used -= victim.size
            idx += 1
        for victim in victims:
            self.remove(victim.id)
        self._insert(item)
        return victims

    def _insert(self, item: Item) -> None:
        self._items[item.id] = item
        self.bytes_used += item.size
        tkey = item.key
        self._by_time.add(tkey)
        self._by_evict.add(_evict_key(item))
        self._by_expiry.add((item.expiry, item.id))
        for tag in {item.tag1, item.tag2}:
            self._by_tag.setdefault(tag, SortedList()).add(tkey)
        if item.destination is not None:
            self._by_dest.setdefault(item.destination, SortedList()).add(tkey)

    def remove(self, item_id: bytes) -> Item | None:
        """Remove and return the item with this id, if stored."""
        item = self._items.pop(item_id, None)
        if item is None:
            return None
        self.bytes_used -= item.size
        tkey = item.key
        self._by_time.remove(tkey)
        self._by_evict.remove(_evict_key(item))
        self._by_expiry.remove((item.expiry, item.id))
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
