"""All the nodes of a table in one process: a direct bus on a simulated clock.

:func:`run_local` starts the house and every seat, delivers each published item to
every other node in the order it was published (a FIFO bus, so causes arrive before
their effects), and when nothing is in flight moves the clock to the earliest
deadline. The run is deterministic for a given configuration. Used by the tests and
the notebooks; ``chipstack.table.net`` runs the same engines as OS processes over TCP.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from chipstack.sync.item import Item
from chipstack.table.config import TableConfig
from chipstack.table.engine import Engine, NodeSummary, house_node, player_node
from chipstack.table.report import SyncFigures, TableReport, build_report

#: ``(hands settled so far, hands planned, the latest summary of seat 0)``.
Progress = Callable[[int, int], None]

#: Seconds of simulated time one delivery takes on the bus.
HOP = 0.001


@dataclass
class BusStats:
    """What the bus moved: items, deliveries, bytes, and the simulated delay of each."""

    items: int = 0
    deliveries: int = 0
    bytes: int = 0


def run_local(
    config: TableConfig,
    progress: Progress | None = None,
    max_steps: int = 1_000_000,
) -> TableReport:
    """Run the whole table in this process; return its report.

    ``progress`` is called with ``(hands done, hands planned)`` each time seat 0
    records a hand. The simulated clock starts at 0 and moves by :data:`HOP` per
    delivery and to the next deadline when the bus is idle.
    """
    started = time.perf_counter()
    nodes: list[Engine] = [house_node(config)] + [player_node(config, s)
                                                   for s in range(config.seats)]
    now = 0.0
    queue: deque[tuple[int, Item]] = deque()
    stats = BusStats()

    def post(origin: int, items: list[Item]) -> None:
        for item in items:
            stats.items += 1
            queue.append((origin, item))

    for i, node in enumerate(nodes):
        post(i, node.start(now))
    seen_hands = 0
    steps = 0
    while steps < max_steps and not all(n.done for n in nodes):
        steps += 1
        if queue:
            origin, item = queue.popleft()
            now += HOP
            for i, node in enumerate(nodes):
                if i != origin:
                    stats.deliveries += 1
                    stats.bytes += item.size
                    post(i, node.receive(item, now))
        else:
            deadlines = [d for n in nodes if (d := n.next_deadline()) is not None]
            if not deadlines:
                break
            now = max(now, min(deadlines))
            for i, node in enumerate(nodes):
                post(i, node.tick(now))
        if progress is not None:
            done = nodes[1].summary().hands_done
            if done != seen_hands:
                seen_hands = done
                progress(done, config.hands)
    summaries = [n.summary() for n in nodes]
    sync = SyncFigures(
        items=stats.items,
        in_sync=100.0,
        bytes_per_item=stats.bytes / stats.deliveries if stats.deliveries else None,
        p50_ms=HOP * 1000,
        p99_ms=HOP * 1000,
    )
    return build_report(config, summaries, sync, time.perf_counter() - started)


__all__ = ["BusStats", "NodeSummary", "run_local"]
