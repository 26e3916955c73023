"""A minimal engine for checking the network runner on its own: seats counting in lockstep.

Each of ``seats`` nodes publishes one item per round, carrying its seat, the round
and a value; it publishes round ``k + 1`` only once it holds round ``k`` from every
seat, so no node gets ahead of the slowest and every item must cross the network.
A node is done when it holds every round of every seat. It has no cards and no
money: it exists so the runner's processes, links, faults and figures can be tested
in a second, apart from the table's engines.
"""

from __future__ import annotations

from dataclasses import dataclass

from chipstack.crypto import PrivateKey
from chipstack.sync.item import Item, make_item


def _key(label: str, seat: int) -> PrivateKey:
    return PrivateKey.from_label(f"chipstack/lockstep/{label}/{seat}")


@dataclass
class LockstepSummary:
    """What one lockstep node saw: the rounds it holds per seat and the sum of all values."""

    seat: int
    rounds_held: dict[int, int]
    total: int
    published: int


class LockstepEngine:
    """One seat of the lockstep count (the :class:`~chipstack.table.net.plan.MsEngine` calls)."""

    def __init__(self, label: str, seats: int, rounds: int, seat: int) -> None:
        self.label = label
        self.tag = f"lockstep/{label}"[:32]
        self.seats = seats
        self.rounds = rounds
        self.seat = seat
        self.key = _key(label, seat)
        self.authors = {_key(label, s).public_key.raw: s for s in range(seats)}
        self.held: dict[tuple[int, int], int] = {}  # (seat, round) -> value
        self.published = 0
        self.started = False

    @staticmethod
    def value(seat: int, round_: int) -> int:
        """The value seat ``seat`` publishes in round ``round_``."""
        return 1000 * seat + round_

    @property
    def done(self) -> bool:
        """Whether every round of every seat is held."""
        return len(self.held) == self.seats * self.rounds

    @property
    def progress(self) -> int:
        """Rounds complete at this node (held from every seat)."""
        k = 0
        while k < self.rounds and all((s, k) in self.held for s in range(self.seats)):
            k += 1
        return k

    def _next(self, now: int) -> list[Item]:
        k = self.progress
        out: list[Item] = []
        if k < self.rounds and (self.seat, k) not in self.held:
            v = self.value(self.seat, k)
            payload = f"{self.seat}:{k}:{v}".encode()
            out.append(make_item(self.key, (self.tag, ""), payload, now))
            self.held[(self.seat, k)] = v
            self.published += 1
        return out

    def start(self, now: int) -> list[Item]:
        """Publish round 0 (or, after a restart, the round the stored items lead to)."""
        self.started = True
        return self._next(now)

    def receive(self, item: Item, now: int) -> list[Item]:
        """Record a seat's round; publish this seat's next round when one completes."""
        seat = self.authors.get(item.author)
        if item.tag1 != self.tag or seat is None:
            return []
        try:
            s, k, v = (int(x) for x in item.payload.decode().split(":"))
        except ValueError:
            return []
        if s != seat or not 0 <= k < self.rounds:
            return []
        self.held[(s, k)] = v
        return self._next(now) if self.started else []  # a replay before start only records

    def tick(self, now: int) -> list[Item]:
        """No timeouts: nothing to do."""
        return []

    def next_deadline(self) -> int | None:
        """No timeouts."""
        return None

    def summary(self) -> LockstepSummary:
        """Rounds held per seat and the total of the values held."""
        rounds = {s: sum(1 for (t, _) in self.held if t == s) for s in range(self.seats)}
        return LockstepSummary(self.seat, rounds, sum(self.held.values()), self.published)


def lockstep_node(label: str, seats: int, rounds: int, seat: int) -> LockstepEngine:
    """Factory named by an :class:`~chipstack.table.net.plan.EngineRef` in the runner's tests."""
    return LockstepEngine(label, seats, rounds, seat)
