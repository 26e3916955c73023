"""``chipstack poker replay PATH...``: replay PHH hand histories through the hold'em machine.

Files and folders (searched for ``*.phh``) are replayed one hand at a time
through the FSM (spec/06-poker.md, "PHH replay"); the command prints how many
matched the recorded finishing stacks and each mismatch or unreadable file
with its reason, and exits 1 if there was any. A progress bar shows on a
terminal when there are many files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

#: Show a progress bar from this many files on (and only on a terminal).
PROGRESS_FROM = 20


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``poker`` command and its ``replay`` sub-command."""
    p = subparsers.add_parser("poker", help="no-limit hold'em: replay hand histories")
    sub = p.add_subparsers(dest="poker_command", required=True)
    rp = sub.add_parser("replay", help="replay PHH files or folders through the FSM")
    rp.add_argument("paths", type=Path, nargs="+", help="PHH files or folders")
    rp.set_defaults(func=cmd_replay)


def cmd_replay(args: argparse.Namespace) -> int:
    """Replay every hand under ``args.paths``; print the tally and each failure."""
    from tqdm import tqdm

    from chipstack.poker.replay import phh_files, replay_files

    paths: list[Path] = list(args.paths)
    missing = [p for p in paths if not p.exists()]
    for p in missing:
        print(f"{p}: unreadable: no such file or folder")
    files = phh_files([p for p in paths if p.exists()])
    show = len(files) >= PROGRESS_FROM and sys.stderr.isatty()
    matched = failed = implied = 0
    with tqdm(total=len(files), disable=not show, unit="hand") as bar:
        for result in replay_files(files):
            bar.update(1)
            implied += result.implied
            if result.matched:
                matched += 1
            else:
                failed += 1
                bar.write(f"{result.source}: {result.reason}")
    note = f" ({implied} omitted actions implied)" if implied else ""
    print(f"{matched} of {len(files)} hands matched the recorded finishing stacks{note}")
    return 1 if failed or missing or not files else 0
