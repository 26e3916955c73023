"""A table whose items move through the sync protocol on the seeded network simulator.

:func:`run_sync_sim` gives each table node (the house, every seat) a sync node of
:class:`chipstack.sync.sim.Simulator`: an item an engine publishes is published at its
sync node, pushed and reconciled over simulated links with latency, jitter and loss,
and every item a sync node accepts from a peer is fed to its engine. The report's sync
figures are the simulator's: share of (item, node) pairs delivered, bytes on the
links per item delivered, and propagation from publication to acceptance.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace

from chipstack.sync.item import Item
from chipstack.sync.node.outputs import Accepted, Output
from chipstack.sync.sim import SimConfig, Simulator
from chipstack.table.config import TableConfig
from chipstack.table.engine import Engine, house_node, player_node
from chipstack.table.report import SyncFigures, TableReport, build_report

#: Longest simulated run, in seconds, before the runner gives up.
MAX_SECONDS = 3_600.0


class _TableSim(Simulator):
    """The simulator, with each node's accepted items handed to its table engine."""

    engines: list[Engine]
    scheduled: list[float | None]

    def _handle(self, src: int, outputs: list[Output]) -> None:
        super()._handle(src, outputs)
        for o in outputs:
            if isinstance(o, Accepted) and o.peer is not None:
                self.feed(src, self.engines[src].receive(o.item, self.now / 1000))

    def feed(self, i: int, items: list[Item]) -> None:
        """Publish what engine ``i`` returned at its sync node; schedule its next tick."""
        for item in items:
            self.inject(i, item)
        deadline = self.engines[i].next_deadline()
        if deadline is not None and deadline != self.scheduled[i]:
            self.scheduled[i] = deadline
            self.at(max(deadline * 1000, self.now), lambda: self._tick_engine(i))

    def _tick_engine(self, i: int) -> None:
        deadline = self.engines[i].next_deadline()
        if deadline is None or deadline * 1000 > self.now + 1e-6:
            return
        self.scheduled[i] = None
        self.feed(i, self.engines[i].tick(self.now / 1000))


def run_sync_sim(
    config: TableConfig,
    sim: SimConfig | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> TableReport:
    """Run the table over simulated sync links; return its report.

    ``sim`` sets latency, jitter, loss and the seed (its ``nodes`` and ``degree`` are
    set here: one sync node per table node, fully connected). ``progress`` gets
    ``(hands done, hands planned)`` as seat 0 records hands.
    """
    started = time.perf_counter()
    engines: list[Engine] = [house_node(config)]
    engines += [player_node(config, s) for s in range(config.seats)]
    n = len(engines)
    base = sim or SimConfig(latency_ms=(20.0, 60.0), jitter_ms=5.0)
    s = _TableSim(replace(base, nodes=n, degree=n - 1))
    s.engines, s.scheduled = engines, [None] * n
    s.run_until(1.0)  # the links come up
    for i, engine in enumerate(engines):
        s.feed(i, engine.start(s.now / 1000))
    seen = 0
    while s.now < MAX_SECONDS * 1000 and not all(e.done for e in engines):
        s.run_until(s.now + 100.0)
        if progress is not None:
            done = engines[1].summary().hands_done
            if done != seen:
                seen = done
                progress(done, config.hands)
    s.run_until(s.now + 2_000.0)  # let the last items settle everywhere
    delays = sorted(d - r.published for r in s.records.values()
                    for node, d in r.delivered.items() if node != r.origin)

    def pct(q: float) -> float | None:
        return delays[min(len(delays) - 1, int(q * len(delays)))] if delays else None

    figures = SyncFigures(
        items=len(s.records),
        in_sync=100.0 * s.in_sync_fraction(),
        bytes_per_item=sum(s.bytes_received) / len(delays) if delays else None,
        p50_ms=pct(0.5),
        p99_ms=pct(0.99),
    )
    return build_report(config, [e.summary() for e in engines], figures,
                        time.perf_counter() - started)
