"""The simulator's event queue: events in (time, sequence) order, bucketed by millisecond.

Spec: ``spec/01-sync.md`` section "Simulation" (informative). A calendar queue: an
event goes, in O(1), into the list of its millisecond; only the milliseconds
themselves are kept in a heap, and a millisecond's list is sorted once when the
clock reaches it. The order is exactly that of a heap of ``(time, sequence)``
(sequence numbers are unique and increase with each push), so a seeded run does not
depend on the queue's layout. An event pushed into the millisecond being drained
(or an earlier one) is inserted in order into what is left of it.
"""

from __future__ import annotations

import heapq
from bisect import insort
from collections.abc import Callable

#: What an event carries: a callable to run, or a (pipe, message) delivery (see network).
Event = tuple[float, int, object, bytes | None]


class EventQueue:
    """A calendar queue of :data:`Event` s; see the module docstring."""

    __slots__ = ("_buckets", "_cur", "_cur_key", "_keys", "_pos", "seq")

    def __init__(self) -> None:
        self._buckets: dict[int, list[Event]] = {}
        self._keys: list[int] = []  # a heap of the milliseconds in _buckets
        self._cur: list[Event] = []  # the millisecond being drained, sorted
        self._cur_key = -(2**62)
        self._pos = 0  # next event of _cur
        #: The sequence number of the last event pushed.
        self.seq = 0

    def __len__(self) -> int:
        return len(self._cur) - self._pos + sum(map(len, self._buckets.values()))

    def push(self, when: float, target: object, data: bytes | None = None) -> None:
        """Add an event at time ``when`` (ms) with the next sequence number."""
        self.seq += 1
        ev = (when, self.seq, target, data)
        k = int(when)
        if k <= self._cur_key:
            insort(self._cur, ev, lo=self._pos)
            return
        bucket = self._buckets.get(k)
        if bucket is None:
            self._buckets[k] = [ev]
            heapq.heappush(self._keys, k)
        else:
            bucket.append(ev)

    def pop(self, until: float) -> Event | None:
        """Remove and return the first event if it is due at or before ``until``, else None."""
        while True:
            pos = self._pos
            cur = self._cur
            if pos < len(cur):
                ev = cur[pos]
                if ev[0] > until:
                    return None
                self._pos = pos + 1
                return ev
            keys = self._keys
            if not keys or keys[0] > until:
                return None
            k = heapq.heappop(keys)
            cur = self._buckets.pop(k)
            cur.sort()
            self._cur, self._cur_key, self._pos = cur, k, 0

    def drain(self, until: float, run: Callable[[Event], None]) -> None:
        """Pop every event due at or before ``until`` in order, calling ``run`` on each."""
        buckets, keys = self._buckets, self._keys
        heappop = heapq.heappop
        while True:
            cur = self._cur
            while self._pos < len(cur):  # run may insert into this millisecond
                ev = cur[self._pos]
                if ev[0] > until:
                    return
                self._pos += 1
                run(ev)
                if self._cur is not cur:  # run drained further itself (a nested run_until)
                    break
            else:
                if not keys or keys[0] > until:
                    return
                k = heappop(keys)
                cur = buckets.pop(k)
                cur.sort()
                self._cur, self._cur_key, self._pos = cur, k, 0
