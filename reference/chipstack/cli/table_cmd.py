"""``chipstack table``: a poker table whose house and seats are OS processes talking over TCP.

With no options it is the demo (``make demo``): four seats and the house on
127.0.0.1, five hands dealt fairly, then the report. Faults on demand: loss and
latency on the links, a seat that goes silent, a seat whose process is killed and
restarted, a cheating seat. ``--listen`` and ``--peer`` spread one table over
several machines (see the README). Exit status 1 when conservation fails or the run
does not finish.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

from chipstack.cli import args as args_

#: Items a restarted seat publishes before its process is killed (mid-hand in the demo).
RESTART_AFTER = 5


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``table`` command."""
    p = subparsers.add_parser(
        "table", help="play a poker table: the house and each seat an OS process over TCP")
    p.add_argument("--players", type=args_.int_range(2, 10), default=4, help="seats at the table")
    p.add_argument("--hands", type=args_.int_range(1, 1000), default=5, help="hands to play")
    p.add_argument("--seed", type=args_.utf8, default="chipstack/table",
                   help="the table's seed (every machine of one table uses the same)")
    p.add_argument("--label", type=args_.utf8, default="demo",
                   help="the table's name (every machine of one table uses the same)")
    p.add_argument("--timeout", type=args_.finite(0.0, 600.0, low_open=True), default=10.0,
                   metavar="SECONDS", help="step timeout: a seat silent this long is timed out")
    p.add_argument("--listen", type=args_.hostport, default=None, metavar="HOST:PORT",
                   help="address the first node run here listens on, for other machines "
                        "(default: 127.0.0.1, any free port)")
    p.add_argument("--peer", type=args_.hostport, action="append", default=[],
                   metavar="HOST:PORT", help="a node of this table on another machine; every "
                                             "node here dials it (repeatable)")
    p.add_argument("--local", type=_names, default=None, metavar="NAMES",
                   help="the nodes to run on this machine, comma-separated, from house, p0, "
                        "p1, ... (default: all of them)")
    p.add_argument("--loss", type=args_.finite(0.0, 0.9), default=0.0, metavar="P",
                   help="probability that a message on a link is lost")
    p.add_argument("--latency", type=args_.int_range(0, 10_000), default=0, metavar="MS",
                   help="one-way delay added to every message on a link")
    p.add_argument("--silent", type=args_.int_range(0, 9), default=None, metavar="SEAT",
                   help="this seat goes silent in the middle of hand 2 (hand 1 if only one) "
                        "(default: none)")
    p.add_argument("--restart", type=args_.int_range(0, 9), default=None, metavar="SEAT",
                   help="this seat's process is killed mid-run and restarted on its store "
                        "(default: none)")
    p.add_argument("--cheat", type=args_.int_range(0, 9), default=None, metavar="SEAT",
                   help="this seat cheats in hand 2 (hand 1 if only one) (default: none)")
    p.add_argument("--cheat-kind", choices=("bad_shuffle", "bad_share", "withhold"),
                   default="bad_shuffle", help="how the --cheat seat cheats")
    p.add_argument("--data", type=Path, default=None, metavar="DIR",
                   help="folder for the nodes' SQLite stores, kept after the run "
                        "(default: a temporary folder, removed)")
    p.add_argument("--max-time", type=args_.finite(1.0, 86_400.0), default=600.0,
                   metavar="SECONDS", help="give up after this long")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_table)


def _names(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise argparse.ArgumentTypeError("expected node names such as house,p0,p1")
    return names


def _config(args: argparse.Namespace) -> Any:
    from chipstack.table.config import TableConfig

    for flag in ("silent", "restart", "cheat"):
        seat = getattr(args, flag)
        if seat is not None and seat >= args.players:
            raise SystemExit(f"--{flag} {seat}: there are only seats 0 to {args.players - 1}")
    if args.silent is not None and args.silent == args.cheat:
        raise SystemExit("--silent and --cheat name the same seat; pick one fault per seat")
    try:
        return TableConfig(
            seats=args.players, hands=args.hands, timeout=args.timeout,
            seed=args.seed.encode("utf-8"), label=args.label, silent=args.silent,
            cheat=args.cheat, cheat_kind=args.cheat_kind, fault_hand=min(2, args.hands))
    except ValueError as exc:
        raise SystemExit(f"bad table settings: {exc}") from None


def cmd_table(args: argparse.Namespace) -> int:
    """Run the table; print the report; 0 if it finished and conservation holds."""
    config = _config(args)
    from chipstack.table.net.table_run import node_names

    known = node_names(config)
    if args.local is not None:
        unknown = [n for n in args.local if n not in known]
        if unknown:
            raise SystemExit(f"--local: no node named {', '.join(unknown)} "
                             f"(the nodes are {', '.join(known)})")
    if args.restart is not None and args.local is not None \
            and config.name(args.restart) not in args.local:
        raise SystemExit(f"--restart {args.restart}: that seat does not run on this machine")
    if args.data is not None:
        return _run(args, config, args.data)
    with tempfile.TemporaryDirectory(prefix="chipstack-table-") as folder:
        return _run(args, config, Path(folder))


def _run(args: argparse.Namespace, config: Any, run_dir: Path) -> int:
    from tqdm import tqdm

    from chipstack.table.net.links import LinkFaults
    from chipstack.table.net.runner import NodeFailed
    from chipstack.table.net.table_run import run_table

    local = args.local
    print(f"chipstack table {config.label}: {config.seats} seats, {config.hands} hands; "
          f"stores in {run_dir}", flush=True)
    bar = tqdm(total=config.hands, unit="hand", desc="hands", file=sys.stderr,
               disable=args.no_progress or not sys.stderr.isatty())
    seat_names = [config.name(s) for s in range(config.seats)]
    watched = next((n for n in seat_names if local is None or n in local), None)

    def on_event(kind: str, name: str, value: Any) -> None:
        if kind == "started":
            ports = ", ".join(f"{n} {p}" for n, p in value.items())
            tqdm.write(f"nodes listening on 127.0.0.1: {ports}", file=sys.stderr)
        elif kind == "progress" and name == watched and isinstance(value, tuple):
            bar.n = min(value[0], config.hands)
            bar.refresh()
        elif kind == "restart":
            tqdm.write(f"{name}: process killed with {value} items stored; restarting it",
                       file=sys.stderr)

    restart = config.name(args.restart) if args.restart is not None else None
    try:
        outcome = run_table(
            config, run_dir, local=local, listen=args.listen, peers=args.peer,
            faults=LinkFaults(args.loss, args.latency, seed=1), restart=restart,
            restart_after=RESTART_AFTER, timeout_s=args.max_time, on_event=on_event)
    except NodeFailed as exc:
        bar.close()
        return args_.fail(str(exc).splitlines()[0] + " (run with --data DIR to keep its store)")
    finally:
        bar.close()
    print()
    if outcome.report is not None:
        print(outcome.report.render())
    else:
        s = outcome.sync
        print(f"the house runs on another machine: money and conservation are reported "
              f"there\nsync here: {s.items} items, {s.in_sync or 0:.1f}% in sync, "
              f"propagation p50 {s.p50_ms} ms, p99 {s.p99_ms} ms")
    record = outcome.run.restart
    if record is not None:
        final = outcome.run.results[record.name]
        kept = record.stored_at_kill <= set(final.ids)
        print(f"restart: {record.name} killed after publishing {record.published_before} items, "
              f"{len(record.stored_at_kill)} stored; restarted with {final.resumed_with}, "
              f"ended with {len(final.ids)}; {'nothing lost' if kept else 'ITEMS LOST'}")
    links = [r.counts for r in outcome.run.results.values()]
    if args.loss or args.latency:
        print(f"links: loss {args.loss:g}, latency {args.latency} ms: "
              f"{sum(c.dropped for c in links)} item messages lost, "
              f"{sum(c.retransmitted for c in links)} control messages resent late")
    ok = not outcome.run.timed_out and all(r.done for r in outcome.run.results.values())
    if outcome.report is not None and not outcome.report.conserved:
        return args_.fail("conservation FAILS (see the report)")
    if not ok:
        return args_.fail(f"the table did not finish within {args.max_time:g} s")
    if args.restart is not None and record is None:
        return args_.fail(f"--restart {args.restart}: the seat finished before it published "
                          f"{RESTART_AFTER} items, so it was never killed")
    if record is not None and not record.stored_at_kill <= set(
            outcome.run.results[record.name].ids):
        return args_.fail("the restarted node lost items it had stored")
    return 0
