"""Chain figures: Merkle roots, branch and SPV proof verification, block checks, mining.

Run: ``python benchmarks/chain.py`` (``--quick`` for a short smoke run).
Pure Python on one core; figures go in spec/02-chain.md section 10.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from functools import partial

from timing import rate

from chipstack.chain.block import check_block
from chipstack.chain.header import REGTEST_BITS, BlockHeader, mine
from chipstack.chain.merkle import merkle_branch, merkle_root
from chipstack.chain.proofs import SpvProof, verify_spv_proof
from chipstack.chain.scenario import build_scenario
from chipstack.crypto import sha256d


def once(fn: Callable[[], object], repeat: int) -> float:
    """Return the best wall time of ``repeat`` calls, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    """Print the figures table."""
    quick = "--quick" in sys.argv
    seconds = 0.2 if quick else 1.0
    repeat = 1 if quick else 3
    sizes = (1_000, 10_000) if quick else (10_000, 100_000)
    rows: list[tuple[str, str]] = []
    for n in sizes:
        txids = [sha256d(i.to_bytes(8, "little")) for i in range(n)]
        t = once(partial(merkle_root, txids), repeat)
        rows.append((f"Merkle root of {n:,} txids", f"{t * 1000:,.1f} ms"))
    txids = [sha256d(i.to_bytes(8, "little")) for i in range(sizes[0])]
    root = merkle_root(txids)
    branch = merkle_branch(txids, 777)
    per_s = rate(lambda: branch.verify(txids[777], root), seconds)
    rows.append((f"branch verify ({len(branch.siblings)} levels)", f"{per_s:,.0f} /s"))
    s = build_scenario()
    led = s.ledger
    p = led.params
    proof = led.spv_proof(s.fanout.txid)
    enc = proof.encode()
    per_s = rate(lambda: verify_spv_proof(proof, p.chain_id, p.notaries, p.bits), seconds)
    rows.append(("SPV proof verify (3 headers, 3-of-5)", f"{per_s:,.0f} /s"))
    per_s = rate(
        lambda: verify_spv_proof(SpvProof.decode(enc), p.chain_id, p.notaries, p.bits), seconds
    )
    rows.append((f"SPV decode + verify ({len(enc)} bytes)", f"{per_s:,.0f} /s"))
    block = s.blocks[3]
    per_s = rate(lambda: check_block(block, p.bits), seconds)
    rows.append((f"check_block ({len(block.txs)} txs)", f"{per_s:,.0f} /s"))
    header = BlockHeader(1, bytes(32), bytes(32), 0, REGTEST_BITS, 0)
    mines = rate(lambda: mine(header.with_nonce(int(time.perf_counter_ns()) & 0xFFFF)), seconds)
    rows.append(("mine a header at regtest bits", f"{mines:,.0f} /s"))
    print(f"{'operation':<40} {'figure':>14}")
    print(f"{'-' * 40} {'-' * 14}")
    for name, fig in rows:
        print(f"{name:<40} {fig:>14}")


if __name__ == "__main__":
    main()
