"""Whole-table figures (spec/08-table.md section 7), with the bare dealing protocol as anchor.

Run: ``python benchmarks/table.py`` (``--quick``: 2 hands at 3 seats only).

For 3 and 6 seats it runs a whole table in one process (``chipstack.table.local``): the
house (devnet chain, notaries, cashier set), deposits with proofs and certificates, every
hand dealt with proofs and bet on the hold'em machine, the FSM events inside signed and
mined sync items, a settlement signed by every seat after each hand, and the payout. It
prints the wall time per hand (simulated clock aside: this is CPU of all nodes on one
machine), the worst seat's dealing CPU and the dealing bytes per hand, the items and
bytes per item the bus moved. The anchor, in the same run, deals the same number of
bare hands (``chipstack.dealing.local.LocalHand``: keys, shuffles, hole and board shares,
no items, no betting, no cashier); the ratio is what the table adds around dealing.
"""

from __future__ import annotations

import sys
import time

from tqdm import tqdm

from chipstack.dealing.local import LocalHand
from chipstack.table.config import TableConfig
from chipstack.table.local import run_local


def anchor(seats: int, hands: int) -> float:
    """Process CPU seconds per bare dealt hand (every seat's work, one process)."""
    start = time.process_time()
    for h in range(hands):
        LocalHand(seats, bytes([seats, h]) * 16).deal()
    return (time.process_time() - start) / hands


def main(argv: list[str]) -> int:
    """Print the table of figures."""
    quick = "--quick" in argv
    sizes = (3,) if quick else (3, 6)
    hands = 2 if quick else 4
    rows = []
    for seats in tqdm(sizes, desc="tables", unit="table"):
        config = TableConfig(seats=seats, hands=hands, label=f"bench-{seats}",
                             bots=("station",) * seats)
        start = time.process_time()
        report = run_local(config)
        cpu = (time.process_time() - start) / max(1, len(report.hands))
        assert report.conserved and len(report.hands) == hands
        deal_cpu = max(h.dealing_cpu for h in report.hands)
        kb = max(h.dealing_bytes for h in report.hands) / 1000
        rows.append((seats, cpu, anchor(seats, hands), deal_cpu, kb, report.sync.items,
                     report.sync.bytes_per_item or 0.0))
    print(f"hands per table: {hands} (calling stations: every hand reaches showdown)")
    print(f"{'seats':>5} {'CPU s/hand':>11} {'bare deal s':>12} {'ratio':>6} "
          f"{'seat deal CPU s':>16} {'deal KB':>8} {'items':>6} {'B/item':>7}")
    for seats, cpu, bare, deal_cpu, kb, items, per_item in rows:
        print(f"{seats:>5} {cpu:>11.3f} {bare:>12.3f} {cpu / bare:>6.2f} {deal_cpu:>16.3f} "
              f"{kb:>8.1f} {items:>6} {per_item:>7.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
