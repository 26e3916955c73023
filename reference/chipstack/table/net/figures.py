"""The sync figures of a networked run, from the nodes' final results.

"Mostly in sync" as measured numbers (``DESIGN.md``): how many distinct items the
run produced, the share of (item, node) pairs present at the end, the bytes the
nodes sent per item delivered, and the propagation delay of items from their author
to the other nodes (arrival time less the item's own timestamp; every process reads
the same clock when they share one machine). They fill the report's
:class:`~chipstack.table.report.SyncFigures`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from chipstack.table.net.child import NodeResult
from chipstack.table.report import SyncFigures


def percentile(values: Sequence[int], p: float) -> int:
    """The ``p``-th percentile (0..100) of ``values`` by the nearest-rank method (0 if empty)."""
    if not values:
        return 0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))  # ceil(n * p / 100), at least 1
    return ordered[int(rank) - 1]


def net_sync_figures(results: Iterable[NodeResult]) -> SyncFigures:
    """The report's sync figures from the nodes' final results.

    ``items`` are the distinct items any node holds; ``in_sync`` the percent of
    (item, node) pairs present; ``bytes_per_item`` the node-protocol bytes sent per
    item delivered from a peer; ``p50_ms``/``p99_ms`` the propagation delays.
    """
    results = list(results)
    held = [set(r.ids) for r in results]
    union: set[bytes] = set().union(*held) if held else set()
    pairs = sum(len(h) for h in held)
    delays = [d for r in results for d in r.delays_ms]
    sent = sum(r.counts.bytes_sent for r in results)
    return SyncFigures(
        items=len(union),
        in_sync=100.0 * pairs / (len(union) * len(held)) if union else None,
        bytes_per_item=sent / len(delays) if delays else None,
        p50_ms=float(percentile(delays, 50)) if delays else None,
        p99_ms=float(percentile(delays, 99)) if delays else None)
