"""The sorted item set that reconciliation runs over (spec/01-sync.md, [NEG-1], [NEG-11]).

Items are ``(timestamp, id)`` pairs kept in ascending order of timestamp,
then id bytes. Reconciliation asks three things of the set: the item at an
index, the first index at or above a bound, and the fingerprint of an index
range. The last must not cost a pass over the range, so the set is kept as
a list of sorted blocks, each with its id sum and (built on demand) the
running sums inside it, plus running sums over the blocks. A range sum is
then the difference of two prefix sums: ``O(log n)`` once the caches are
warm. Inserting or removing an item touches one block (``O(B)``) and marks
the block-level running sums stale (rebuilt in ``O(n / B)`` on next use).
Building from ``n`` items is one sort plus one pass: ``O(n log n)``.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator

from chipstack.errors import Reason, Rejected
from chipstack.sync.negentropy.bound import ID_SIZE, INFINITY, item_key
from chipstack.sync.negentropy.fingerprint import MODULUS, fingerprint_of_sum

#: Target number of items per block; a block is split when it reaches twice this.
BLOCK_SIZE = 512


#: The timestamp bytes of infinity, which no item has ([NEG-1]).
_INFINITY8 = INFINITY.to_bytes(8, "big")


def _id_value(key: bytes) -> int:
    return int.from_bytes(key[8:], "little")


def check_item(timestamp: int, item_id: bytes) -> bytes:
    """Validate one item and return its 40-byte key ([NEG-1]).

    The timestamp must be an integer in ``0 .. 2^64 - 2`` (``2^64 - 1`` is
    infinity) and the id exactly 32 bytes.
    """
    if isinstance(timestamp, bool) or not isinstance(timestamp, int):
        raise Rejected(Reason.SYNC_NEGENTROPY_BAD_ITEM, "timestamp must be an integer")
    if not 0 <= timestamp < INFINITY:
        raise Rejected(Reason.SYNC_NEGENTROPY_BAD_ITEM, f"timestamp {timestamp} out of range")
    if not isinstance(item_id, bytes | bytearray) or len(item_id) != ID_SIZE:
        raise Rejected(Reason.SYNC_NEGENTROPY_BAD_ITEM, "id must be 32 bytes")
    return item_key(timestamp, bytes(item_id))


class Storage:
    """A sorted set of ``(timestamp, id)`` items with cached id sums ([NEG-1], [NEG-11]).

    ``Storage(items)`` refuses duplicates (``sync.negentropy_duplicate_item``),
    like the reference's ``seal()``; :meth:`insert` and :meth:`remove` are
    idempotent and say whether they changed the set.
    """

    def __init__(self, items: Iterable[tuple[int, bytes]] = ()) -> None:
        self._build(sorted(check_item(ts, i) for ts, i in items))

    @classmethod
    def from_keys(cls, keys: Iterable[bytes]) -> Storage:
        """A set of the 40-byte keys :func:`~chipstack.sync.negentropy.bound.item_key` made.

        For a caller that keeps the same key objects in other orders (the item store):
        the set holds these objects, not copies. The keys are checked as ``Storage(items)``
        checks its items.
        """
        keys = sorted(keys)
        for key in keys:
            if not isinstance(key, bytes) or len(key) != 8 + ID_SIZE or key[:8] == _INFINITY8:
                raise Rejected(Reason.SYNC_NEGENTROPY_BAD_ITEM, "not a 40-byte item key")
        new = cls.__new__(cls)
        new._build(keys)
        return new

    def _build(self, keys: list[bytes]) -> None:
        for a, b in itertools.pairwise(keys):
            if a == b:
                raise Rejected(Reason.SYNC_NEGENTROPY_DUPLICATE_ITEM, b[8:].hex())
        self._blocks: list[list[bytes]] = [
            keys[i : i + BLOCK_SIZE] for i in range(0, len(keys), BLOCK_SIZE)
        ]
        self._sums: list[int] = [sum(map(_id_value, b)) % MODULUS for b in self._blocks]
        self._maxes: list[bytes] = [b[-1] for b in self._blocks]
        self._inner: list[list[int] | None] = [None] * len(self._blocks)
        self._starts: list[int] = []
        self._cum: list[int] = []
        self._stale = True
        self._len = len(keys)

    # -- mutation --------------------------------------------------------------

    def copy(self) -> Storage:
        """An independent copy: pointer copies of the blocks, no sort and no sums ([NEG-11]).

        Lets a node keep one set up to date as items come and go and give each
        reconciliation session a frozen copy of it, instead of rebuilding one per session.
        """
        new = Storage.__new__(Storage)
        new._blocks = [list(b) for b in self._blocks]
        new._sums = list(self._sums)
        new._maxes = list(self._maxes)
        new._inner = list(self._inner)  # inner caches are replaced, never changed in place
        new._starts, new._cum = self._starts, self._cum
        new._stale = self._stale
        new._len = self._len
        return new

    def seal(self) -> None:
        """Accepted for symmetry with the reference API; the set is always ready to use."""

    def insert(self, timestamp: int, item_id: bytes) -> bool:
        """Add an item; return False (and change nothing) if it is already present."""
        return self.insert_key(check_item(timestamp, item_id))

    def insert_key(self, key: bytes) -> bool:
        """:meth:`insert` for a key made by :func:`check_item` (kept as is, not copied)."""
        if not self._blocks:
            self._blocks.append([key])
            self._sums.append(_id_value(key))
            self._maxes.append(key)
            self._inner.append(None)
            self._len = 1
            self._stale = True
            return True
        b = min(bisect_left(self._maxes, key), len(self._blocks) - 1)
        block = self._blocks[b]
        pos = bisect_left(block, key)
        if pos < len(block) and block[pos] == key:
            return False
        block.insert(pos, key)
        self._sums[b] = (self._sums[b] + _id_value(key)) % MODULUS
        self._maxes[b] = block[-1]
        self._inner[b] = None
        self._len += 1
        self._stale = True
        if len(block) >= 2 * BLOCK_SIZE:
            self._split(b)
        return True

    def remove(self, timestamp: int, item_id: bytes) -> bool:
        """Remove an item; return False if it was not present."""
        return self.remove_key(check_item(timestamp, item_id))

    def remove_key(self, key: bytes) -> bool:
        """:meth:`remove` by the item's 40-byte key."""
        b = bisect_left(self._maxes, key)
        if b == len(self._blocks):
            return False
        block = self._blocks[b]
        pos = bisect_left(block, key)
        if pos == len(block) or block[pos] != key:
            return False
        del block[pos]
        self._len -= 1
        self._stale = True
        if not block:
            del self._blocks[b], self._sums[b], self._maxes[b], self._inner[b]
            return True
        self._sums[b] = (self._sums[b] - _id_value(key)) % MODULUS
        self._maxes[b] = block[-1]
        self._inner[b] = None
        return True

    def _split(self, b: int) -> None:
        block = self._blocks[b]
        half = len(block) // 2
        left, right = block[:half], block[half:]
        right_sum = sum(map(_id_value, right)) % MODULUS
        self._blocks[b : b + 1] = [left, right]
        self._sums[b : b + 1] = [(self._sums[b] - right_sum) % MODULUS, right_sum]
        self._maxes[b : b + 1] = [left[-1], right[-1]]
        self._inner[b : b + 1] = [None, None]

    # -- queries -----------------------------------------------------------------

    def __len__(self) -> int:
        return self._len

    def __contains__(self, item: object) -> bool:
        if not isinstance(item, tuple) or len(item) != 2:
            return False
        try:
            key = check_item(item[0], item[1])
        except Rejected:
            return False
        b = bisect_left(self._maxes, key)
        return b < len(self._blocks) and self._blocks[b][bisect_left(self._blocks[b], key)] == key

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        for block in self._blocks:
            for key in block:
                yield int.from_bytes(key[:8], "big"), key[8:]

    def _refresh(self) -> None:
        if not self._stale:
            return
        starts = [0]
        cum = [0]
        for block, s in zip(self._blocks, self._sums, strict=True):
            starts.append(starts[-1] + len(block))
            cum.append((cum[-1] + s) % MODULUS)
        self._starts, self._cum = starts, cum
        self._stale = False

    def _locate(self, index: int) -> tuple[int, int]:
        self._refresh()
        b = bisect_right(self._starts, index) - 1
        return b, index - self._starts[b]

    def key_at(self, index: int) -> bytes:
        """The 40-byte key (big-endian timestamp, id) of the item at ``index``."""
        if not 0 <= index < self._len:
            raise IndexError(index)
        b, off = self._locate(index)
        return self._blocks[b][off]

    def item_at(self, index: int) -> tuple[int, bytes]:
        """The ``(timestamp, id)`` at ``index``."""
        key = self.key_at(index)
        return int.from_bytes(key[:8], "big"), key[8:]

    def keys(self, lower: int, upper: int) -> list[bytes]:
        """The keys of items ``lower .. upper - 1``, in order."""
        if lower >= upper:
            return []
        b, off = self._locate(lower)
        out: list[bytes] = []
        need = upper - lower
        while need > 0:
            chunk = self._blocks[b][off : off + need]
            out.extend(chunk)
            need -= len(chunk)
            b, off = b + 1, 0
        return out

    def ids(self, lower: int, upper: int) -> list[bytes]:
        """The ids of items ``lower .. upper - 1``, in order."""
        return [k[8:] for k in self.keys(lower, upper)]

    def lower_bound(self, key: bytes, lower: int = 0, upper: int | None = None) -> int:
        """First index in ``lower .. upper`` whose key is at or above ``key`` (else ``upper``)."""
        hi = self._len if upper is None else upper
        self._refresh()
        b = bisect_left(self._maxes, key)
        if b == len(self._blocks):
            found = self._len
        else:
            found = self._starts[b] + bisect_left(self._blocks[b], key)
        return max(lower, min(hi, found))

    def _prefix_sum(self, index: int) -> int:
        """Sum of the ids of items ``0 .. index - 1`` (not reduced)."""
        if index >= self._len:
            self._refresh()
            return self._cum[-1]
        b, off = self._locate(index)
        inner = self._inner[b]
        if inner is None:
            inner = [0]
            for key in self._blocks[b]:
                inner.append(inner[-1] + _id_value(key))
            self._inner[b] = inner
        return self._cum[b] + inner[off]

    def id_sum(self, lower: int, upper: int) -> int:
        """Sum modulo 2^256 of the ids of items ``lower .. upper - 1``."""
        if not 0 <= lower <= upper <= self._len:
            raise IndexError((lower, upper))
        return (self._prefix_sum(upper) - self._prefix_sum(lower)) % MODULUS

    def fingerprint(self, lower: int, upper: int) -> bytes:
        """Fingerprint of items ``lower .. upper - 1`` from the cached sums ([NEG-10], [NEG-11])."""
        return fingerprint_of_sum(self.id_sum(lower, upper), upper - lower)
