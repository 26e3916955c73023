"""Fair-dealing figures (spec/07-dealing.md section 9), with the raw coincurve anchor.

Run: ``python benchmarks/dealing.py`` (``--quick``: one hand per table size).

For 2, 6 and 9 seats it deals whole hands in one process (``chipstack.dealing.local``):
every key proof, every shuffle made and checked by every other seat, hole-card shares
to their owners and the whole board, all proofs included. It prints the CPU time each
seat spent (``time.process_time`` around that seat's own work only; the worst seat and
the mean), the bytes of every message of the hand sent once, and the message count.
The anchor is the raw libsecp256k1 scalar multiplication through coincurve, measured in
the same run; the last column says how many such multiplications a seat's CPU time
would buy, which shows how much of the cost is the group arithmetic itself.
"""

from __future__ import annotations

import sys
import time

from coincurve import PublicKey
from timing import timed
from tqdm import tqdm

from chipstack.dealing.group import G
from chipstack.dealing.local import LocalHand

TARGET_CPU_6 = 2.0
TARGET_BYTES_9 = 80_000


def multiply_rate(seconds: float) -> float:
    """Raw coincurve ``PublicKey.multiply`` calls per CPU second (the anchor)."""
    scalar = (0x1234567890ABCDEF * 0xFEDCBA987654321).to_bytes(32, "big")
    point: PublicKey = G

    def run() -> int:
        for _ in range(200):
            point.multiply(scalar)
        return 200

    return timed(run, seconds, clock=time.process_time)


def deal(seats: int, hands: int) -> tuple[float, float, int, int]:
    """Worst-seat and mean-seat CPU seconds per hand, bytes and messages per hand."""
    worst = mean = 0.0
    size = messages = 0
    for h in range(hands):
        table = LocalHand(seats, bytes([seats, h]) * 16)
        table.deal()
        assert not table.faults and len(table.nodes[0].board()) == 5
        worst += max(table.cpu)
        mean += sum(table.cpu) / seats
        size, messages = table.bytes_sent, table.messages
    return worst / hands, mean / hands, size, messages


def main(argv: list[str]) -> int:
    """Print the table; ``--quick`` deals one hand per size instead of three."""
    hands = 1 if "--quick" in argv else 3
    rate = multiply_rate(0.5 if "--quick" in argv else 2.0)
    rows = []
    for seats in tqdm((2, 6, 9), desc="dealing", unit="table"):
        rows.append((seats, *deal(seats, hands)))
    print(f"raw coincurve scalar multiplication: {rate:,.0f} per CPU second (anchor)")
    print(f"hands per size: {hands}")
    print(
        f"{'seats':>5} {'worst seat CPU s':>17} {'mean seat CPU s':>16} {'bytes/hand':>11} "
        f"{'messages':>9} {'worst CPU in mults':>19}"
    )
    for seats, worst, mean, size, messages in rows:
        print(
            f"{seats:>5} {worst:>17.3f} {mean:>16.3f} {size:>11,} {messages:>9} "
            f"{worst * rate:>19,.0f}"
        )
    six = next(r for r in rows if r[0] == 6)
    nine = next(r for r in rows if r[0] == 9)
    print(
        f"target: 6 seats within {TARGET_CPU_6} s per seat: "
        f"{'met' if six[1] <= TARGET_CPU_6 else 'missed'} ({six[1]:.3f} s)"
    )
    print(
        f"target: 9 seats within {TARGET_BYTES_9:,} bytes: "
        f"{'met' if nine[3] <= TARGET_BYTES_9 else 'missed'} ({nine[3]:,} bytes; "
        "9 decks of 3,432 and 9 linear proofs of 6,920 bytes bound it)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
