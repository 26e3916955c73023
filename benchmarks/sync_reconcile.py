"""Benchmark: Negentropy v1 reconciliation of N vs N records with d differences.

Run ``python benchmarks/sync_reconcile.py`` (N = 1 000 000) or ``--quick``
(N = 10 000). For each d, half the differing records (rounded up) exist only
on the client and the rest only on the server. Reported per run: round
trips, bytes client -> server and server -> client, wall time of the
reconciliation (both sides, in this process) and of building both record
sets. Frame size limit: none, then 60 000 bytes (the Negentropy test suite's
client limit) for the largest d. Spec: spec/01-sync.md, section
"Reconciliation".
"""

from __future__ import annotations

import argparse
import hashlib
import time

from chipstack.sync.negentropy import Negentropy, Storage


def record(i: int) -> tuple[int, bytes]:
    """Record ``i``: ten records per timestamp second, id = SHA-256(i)."""
    return 1_700_000_000 + i // 10, hashlib.sha256(i.to_bytes(8, "big")).digest()


def scenario(n: int, d: int) -> tuple[Storage, Storage, float]:
    """Client and server sets of about ``n`` records differing in ``d`` of them."""
    t0 = time.perf_counter()
    step = max(1, n // max(d, 1))
    diff = [(k * step + step // 2) % n for k in range(d)]
    client_only = set(diff[: (d + 1) // 2])
    server_only = set(diff[(d + 1) // 2 :])
    client = Storage(record(i) for i in range(n) if i not in server_only)
    server = Storage(record(i) for i in range(n) if i not in client_only)
    return client, server, time.perf_counter() - t0


def reconcile(
    client: Storage, server: Storage, limit: int
) -> tuple[int, int, int, int, int, float]:
    """Run one reconciliation; return (rounds, up, down, have, need, seconds)."""
    t0 = time.perf_counter()
    c, s = Negentropy(client, limit), Negentropy(server, limit)
    msg: bytes | None = c.initiate()
    rounds = up = down = have = need = 0
    while msg is not None:
        up += len(msg)
        reply = s.reconcile(msg)
        down += len(reply)
        rounds += 1
        msg, h, nd = c.reconcile_client(reply)
        have += len(h)
        need += len(nd)
    return rounds, up, down, have, need, time.perf_counter() - t0


def main() -> None:
    """Print the benchmark table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="N = 10 000 instead of 1 000 000")
    parser.add_argument("--n", type=int, default=0, help="override N")
    args = parser.parse_args()
    n = args.n or (10_000 if args.quick else 1_000_000)
    runs = [(1, 0), (100, 0), (10_000, 0), (10_000, 60_000)]
    print(f"Negentropy v1 reconciliation, N = {n:,} records per side")
    header = (
        f"{'diffs':>7} {'limit':>7} {'rounds':>6} {'bytes c->s':>11} {'bytes s->c':>11} "
        f"{'have':>6} {'need':>6} {'reconcile s':>11} {'build s':>8}"
    )
    print(header)
    print("-" * len(header))
    for d, limit in runs:
        client, server, build = scenario(n, min(d, n // 2))
        rounds, up, down, have, need, secs = reconcile(client, server, limit)
        assert have + need == min(d, n // 2)
        print(
            f"{d:>7,} {limit or '-':>7} {rounds:>6} {up:>11,} {down:>11,} "
            f"{have:>6,} {need:>6,} {secs:>11.2f} {build:>8.2f}"
        )


if __name__ == "__main__":
    main()
