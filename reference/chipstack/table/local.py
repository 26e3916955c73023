"""All the nodes of a table in one process: a direct bus on a simulated clock.

:func:`run_local` starts the house and every seat and delivers each published item
to every other node after a simulated delay: :data:`HOP` seconds, plus a seeded
random ``jitter`` when asked (deliveries then overtake each other, as on a network,
and the engines must wait for what they cannot take yet). When nothing is in flight
the clock moves to the earliest deadline. The run is deterministic for a given
configuration and jitter. Used by the tests and the notebooks; ``chipstack.table.net``
runs the same engines as OS processes over TCP.
"""

from __future__ import annotations

import heapq
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from chipstack.sync.item import Item
from chipstack.table.config import TableConfig
from chipstack.table.engine import Engine, house_node, player_node
from chipstack.table.report import SyncFigures, TableReport, build_report

Progress = Callable[[int, int], None]
"""``(hands settled so far, hands planned)``, called when seat 0 records a hand."""

#: Seconds of simulated time one delivery takes on the bus.
HOP = 0.001


@dataclass
class BusStats:
    """What the bus moved: items, deliveries, bytes, and the delay of each delivery."""

    items: int = 0
    deliveries: int = 0
    bytes: int = 0
    delays: list[float] = field(default_factory=list)

    def figures(self, nodes: int) -> SyncFigures:
        """The sync figures of the report: every item reaches every node on this bus."""
        delays = sorted(self.delays)

        def pct(q: float) -> float | None:
            return delays[min(len(delays) - 1, int(q * len(delays)))] * 1000 if delays else None

        return SyncFigures(
            items=self.items,
            in_sync=100.0 * self.deliveries / (self.items * (nodes - 1)) if self.items else None,
            bytes_per_item=self.bytes / self.deliveries if self.deliveries else None,
            p50_ms=pct(0.50),
            p99_ms=pct(0.99),
        )


def run_local(
    config: TableConfig,
    progress: Progress | None = None,
    jitter: float = 0.0,
    max_steps: int = 2_000_000,
    restart: tuple[int, int] | None = None,
    watch: Callable[[float, Sequence[Engine]], None] | None = None,
) -> TableReport:
    """Run the whole table in this process; return its report.

    ``jitter`` adds a uniform random delay in ``[0, jitter)`` seconds to every
    delivery (seeded by the configuration), so that items arrive out of order.
    ``max_steps`` bounds the run (deliveries plus clock moves). ``restart`` is
    ``(seat, deliveries)``: after that many deliveries the seat's node is replaced by
    a fresh one fed every item it had stored (received or published) before it starts
    again ([TABLE-5]); items in flight to it are lost, as in a crash, and it then
    gets every item another node holds and it does not, as reconciliation would.
    ``watch`` is called with ``(now, nodes)`` after every delivery and clock move (the
    house first, then the seats), e.g. to draw a seat's view of the hand in progress
    (``nodes[1].round.betting.view(viewer=0)``).
    """
    started = time.perf_counter()
    nodes: list[Engine] = [house_node(config)]
    nodes += [player_node(config, s) for s in range(config.seats)]
    rng = random.Random(config.seed + b"/bus")
    now = 0.0
    heap: list[tuple[float, int, int, Item]] = []
    order = 0
    stats = BusStats()
    stores: list[dict[bytes, Item]] = [{} for _ in nodes]

    def post(origin: int, items: list[Item]) -> None:
        nonlocal order
        for item in items:
            stats.items += 1
            stores[origin][item.id] = item
            for i in range(len(nodes)):
                if i != origin:
                    delay = HOP + (rng.random() * jitter if jitter else 0.0)
                    order += 1
                    heapq.heappush(heap, (now + delay, order, i, item))

    for i, node in enumerate(nodes):
        post(i, node.start(now))
    seen = 0
    stalled: float | None = None
    for _ in range(max_steps):
        if all(n.done for n in nodes):
            break
        deadlines = [d for n in nodes if (d := n.next_deadline()) is not None]
        due = min(deadlines) if deadlines else None
        if heap and (due is None or heap[0][0] <= due):
            at, _, i, item = heapq.heappop(heap)
            stats.delays.append(at - (item.timestamp / 1000))
            now = max(now, at)
            stats.deliveries += 1
            stats.bytes += item.size
            stores[i][item.id] = item
            post(i, nodes[i].receive(item, now))
            if restart is not None and stats.deliveries == restart[1]:
                i = restart[0] + 1
                heap = [h for h in heap if h[2] != i]  # in flight to it: lost
                heapq.heapify(heap)
                nodes[i] = player_node(config, restart[0])
                for kept in sorted(stores[i].values(), key=lambda x: x.key):
                    nodes[i].receive(kept, now)
                post(i, nodes[i].start(now))
                # reconciliation: it fetches what the others hold and it does not
                missing = {k: x for s in stores for k, x in s.items() if k not in stores[i]}
                for item in sorted(missing.values(), key=lambda x: x.key):
                    order += 1
                    heapq.heappush(heap, (now + HOP, order, i, item))
        elif due is not None:
            if due <= now and due == stalled:
                break  # a deadline that ticking does not move: nothing can happen any more
            stalled = due
            now = max(now, due)
            for i, node in enumerate(nodes):
                post(i, node.tick(now))
        else:
            break
        if watch is not None:
            watch(now, nodes)
        if progress is not None:
            done = nodes[1].summary().hands_done
            if done != seen:
                seen = done
                progress(done, config.hands)
    return build_report(config, [n.summary() for n in nodes], stats.figures(len(nodes)),
                        time.perf_counter() - started)
