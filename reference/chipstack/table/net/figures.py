"""The sync figures of a networked run, from the nodes' final results.

"Mostly in sync" as measured numbers (``DESIGN.md``): how many distinct items the
run produced, the share of them that every node holds at the end, the bytes the
nodes sent per item, and the propagation delay of items from their author to the
other nodes (arrival time less the item's own timestamp; every process reads the
same clock when they share one machine).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from chipstack.table.net.child import NodeResult


def percentile(values: Sequence[int], p: float) -> int:
    """The ``p``-th percentile (0..100) of ``values`` by the nearest-rank method (0 if empty)."""
    if not values:
        return 0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil(n * p / 100), at least 1
    return ordered[int(rank) - 1]


@dataclass(frozen=True)
class SyncFigures:
    """How well the nodes of one run kept in sync (see the module docstring)."""

    nodes: int
    items: int
    at_every_node: int
    bytes_sent: int
    deliveries: int
    p50_ms: int
    p99_ms: int
    dropped: int
    retransmitted: int

    @property
    def percent_in_sync(self) -> float:
        """Share of the run's items that every node holds, in percent."""
        return 100.0 * self.at_every_node / self.items if self.items else 100.0

    @property
    def bytes_per_item(self) -> float:
        """Bytes of node-protocol messages sent, in all, per distinct item."""
        return self.bytes_sent / self.items if self.items else 0.0

    def lines(self) -> list[str]:
        """The figures as report lines."""
        out = [
            f"items           {self.items} distinct, {self.at_every_node} at every one of "
            f"{self.nodes} nodes ({self.percent_in_sync:.1f}% in sync)",
            f"traffic         {self.bytes_sent:,} bytes sent, {self.bytes_per_item:,.0f} "
            f"bytes per item",
            f"propagation     p50 {self.p50_ms} ms, p99 {self.p99_ms} ms "
            f"over {self.deliveries} deliveries",
        ]
        if self.dropped or self.retransmitted:
            out.append(f"link faults     {self.dropped} item messages lost, "
                       f"{self.retransmitted} control messages resent late")
        return out


def sync_figures(results: Iterable[NodeResult]) -> SyncFigures:
    """Compute the figures over the given nodes' final results."""
    results = list(results)
    held = [set(r.ids) for r in results]
    union: set[bytes] = set().union(*held) if held else set()
    common = set.intersection(*held) if held else set()
    delays = [d for r in results for d in r.delays_ms]
    return SyncFigures(
        nodes=len(results), items=len(union), at_every_node=len(common),
        bytes_sent=sum(r.counts.bytes_sent for r in results), deliveries=len(delays),
        p50_ms=percentile(delays, 50), p99_ms=percentile(delays, 99),
        dropped=sum(r.counts.dropped for r in results),
        retransmitted=sum(r.counts.retransmitted for r in results))
