"""``chipstack demo``: the main job, one short section per protocol area."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from chipstack.demo import cashier_part, chain_part, fsm_part, sync_part, vectors_part


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``demo`` command."""
    p = subparsers.add_parser("demo", help="run every area end to end and print a summary")
    p.set_defaults(func=cmd_demo)


def _section(title: str, body: Callable[[], list[str]]) -> None:
    print(f"\n== {title}")
    for line in body():
        print("   " + line)


def cmd_demo(args: argparse.Namespace) -> int:
    """Run the sections in layer order; exit 1 if the vectors disagree with the reference."""
    print("chipstack demo: the reference implementation, end to end")
    _section("sync: a p2p network that keeps any data mostly in sync", sync_part.run)
    _section("chain: a notarized ledger and an SPV proof", chain_part.run)
    _section("fsm: a YAML machine played by the generic engine", fsm_part.run)
    _section("cashier: deposit, dispute by replay, one redemption", cashier_part.run)
    lines, ok = vectors_part.run()
    _section("vectors: what other implementations check themselves against", lambda: lines)
    print("\nall good" if ok else "\nSOMETHING DISAGREES (see above)")
    return 0 if ok else 1
