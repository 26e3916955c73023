"""The networked table (``chipstack table``'s default), with the in-process table as anchor.

Run: ``python benchmarks/table_net.py`` (``--quick``: 3 seats, 2 hands).

It runs the default table (4 seats, 5 hands) as OS processes over TCP on 127.0.0.1
(``chipstack.table.net``), then, in the same run, the same configuration in one process
on the direct bus (``chipstack.table.local.run_local``: no sockets, a simulated clock).
Per table: wall time per hand (from the first hand's start to the last settlement,
over the hands), node-protocol bytes sent per hand by all nodes (pushes, announcements,
reconciliation, fetches), items, percent in sync and propagation p50/p99. The ratio is
what processes, TCP and sync cost over the bare engines.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from chipstack.table.config import TableConfig
from chipstack.table.local import run_local
from chipstack.table.net.table_run import run_table


def main(argv: list[str]) -> int:
    """Print the table of figures."""
    quick = "--quick" in argv
    config = TableConfig(seats=3, hands=2) if quick else TableConfig(seats=4, hands=5)
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        outcome = run_table(config, Path(folder))
        net_wall = time.perf_counter() - start
    report = outcome.report
    assert report is not None and report.conserved and len(report.hands) == config.hands
    sent = sum(r.counts.bytes_sent for r in outcome.run.results.values())
    start = time.perf_counter()
    local = run_local(config)
    local_wall = time.perf_counter() - start
    assert local.conserved and len(local.hands) == config.hands

    def per_hand(seconds: float) -> float:
        return seconds / config.hands

    s = report.sync
    print(f"table: {config.seats} seats, {config.hands} hands; processes: "
          f"{config.seats + 1} (house + seats)")
    print(f"{'runner':<22} {'wall s/hand':>11} {'hand s':>7} {'KB sent/hand':>12} "
          f"{'items':>6} {'in sync':>8} {'p50 ms':>7} {'p99 ms':>7}")
    mean_hand = sum(h.seconds for h in report.hands) / len(report.hands)
    print(f"{'TCP, one process each':<22} {per_hand(net_wall):>11.2f} {mean_hand:>7.2f} "
          f"{sent / config.hands / 1000:>12.1f} {s.items:>6} {s.in_sync or 0:>7.1f}% "
          f"{s.p50_ms or 0:>7.0f} {s.p99_ms or 0:>7.0f}")
    print(f"{'direct bus, one process':<22} {per_hand(local_wall):>11.2f} {'-':>7} "
          f"{'-':>12} {local.sync.items:>6} {'-':>8} {'-':>7} {'-':>7}")
    print(f"ratio (TCP / direct bus, wall per hand): {net_wall / local_wall:.1f}x; "
          f"whole TCP run {net_wall:.1f} s including process start")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
