"""A standard workload (items published at a steady rate) and the figures it yields.

Spec: ``spec/01-sync.md`` section "Performance". Figures are over honest nodes
online for the whole run; a delivery is an item entering a node's store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from chipstack.sync.sim.network import Simulator


@dataclass
class Report:
    """Figures of one run; see :func:`summarise` for their definitions."""

    nodes: int
    items: int
    deliveries: int
    within_1s: float
    all_within_2_intervals: float
    all_eventually: float
    p50_ms: float
    p99_ms: float
    bytes_per_payload_byte: float
    bytes_per_item_delivered: float
    duplicates_per_node: float
    max_store_bytes: int
    samples: list[tuple[float, float]] = field(default_factory=list)

    def rows(self) -> list[tuple[str, str]]:
        """The figures as (name, value) rows for printing."""
        return [
            ("nodes", str(self.nodes)),
            ("items published", str(self.items)),
            ("(item, node) deliveries", str(self.deliveries)),
            ("deliveries within 1 s", f"{self.within_1s:.4%}"),
            ("items at every node within 2 reconcile intervals",
             f"{self.all_within_2_intervals:.4%}"),
            ("items at every node at the end", f"{self.all_eventually:.4%}"),
            ("propagation p50 / p99 (ms)", f"{self.p50_ms:.0f} / {self.p99_ms:.0f}"),
            ("bytes received per node / payload bytes", f"{self.bytes_per_payload_byte:.3f}"),
            ("bytes received per item delivered", f"{self.bytes_per_item_delivered:.0f}"),
            ("duplicate items received per node", f"{self.duplicates_per_node:.1f}"),
            ("largest store (bytes)", str(self.max_store_bytes)),
        ]


def _quantile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def run_steady(
    sim: Simulator,
    rate_per_s: float,
    duration_s: float,
    payload_size: int = 1024,
    drain_s: float = 10.0,
    sample_ms: float = 500.0,
    progress: Callable[[float], None] | None = None,
) -> Report:
    """Publish ``rate_per_s`` items/s at random honest nodes for ``duration_s``, then drain."""
    start = sim.now + 2_000.0  # let handshakes finish
    sim.run_until(start)
    n_items = int(rate_per_s * duration_s)
    gap = 1000.0 / rate_per_s
    end = start + duration_s * 1000 + drain_s * 1000
    sim.sample_every(sample_ms, end)
    for k in range(n_items):
        when = start + k * gap

        def pub(k: int = k) -> None:
            honest = sim.honest_online()
            origin = honest[sim.rng.randrange(len(honest))]
            sim.publish(origin, ("bench", f"t{k % 16}"), sim.rng.randbytes(payload_size))

        sim.at(when, pub)
    sim.run_until(end, progress)
    return summarise(sim)


def summarise(sim: Simulator) -> Report:
    """Compute the :class:`Report` figures over honest nodes that are online now.

    * ``within_1s``: (item, node) pairs delivered within 1 s of publication;
    * ``all_within_2_intervals``: items present at every node within two reconcile intervals;
    * ``bytes_per_payload_byte``: bytes a node received (framing included) over the
      payload bytes of the items it accepted, averaged over nodes.
    """
    honest = sim.honest_online()
    window = 2 * sim.config.params.reconcile_interval_ms
    latencies: list[float] = []
    within = all2 = alle = 0
    for rec in sim.records.values():
        worst = 0.0
        complete = True
        for i in honest:
            t = rec.delivered.get(i)
            if t is None:
                complete = False
                continue
            lat = t - rec.published
            latencies.append(lat)
            worst = max(worst, lat)
            if lat <= 1000:
                within += 1
        if complete:
            alle += 1
            if worst <= window:
                all2 += 1
    latencies.sort()
    n_items = max(1, len(sim.records))
    pairs = max(1, n_items * len(honest))
    ratios = [sim.bytes_received[i] / sim.payload_received[i] for i in honest
              if sim.payload_received[i]]
    delivered = sum(sim.nodes[i].stats.accepted for i in honest)
    return Report(
        nodes=len(honest),
        items=len(sim.records),
        deliveries=len(latencies),
        within_1s=within / pairs,
        all_within_2_intervals=all2 / n_items,
        all_eventually=alle / n_items,
        p50_ms=_quantile(latencies, 0.5),
        p99_ms=_quantile(latencies, 0.99),
        bytes_per_payload_byte=sum(ratios) / max(1, len(ratios)),
        bytes_per_item_delivered=sum(sim.bytes_received[i] for i in honest) / max(1, delivered),
        duplicates_per_node=sum(sim.nodes[i].stats.duplicates for i in honest)
        / max(1, len(honest)),
        max_store_bytes=max((sim.nodes[i].store.bytes_used for i in honest), default=0),
        samples=list(sim.samples),
    )
