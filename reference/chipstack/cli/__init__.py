"""The ``chipstack`` command: one sub-command module per concern.

Each module in :data:`COMMAND_MODULES` exposes ``register(subparsers)``, which
adds its sub-commands and sets ``func`` (taking the parsed args, returning an
exit code) on each parser.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

#: Modules that contribute sub-commands; adding a command means adding a module here.
COMMAND_MODULES: tuple[str, ...] = (
    "chipstack.cli.vectors_cmd",
    "chipstack.cli.demo_cmd",
    "chipstack.cli.sync_cmd",
    "chipstack.cli.fsm_cmd",
    "chipstack.cli.poker_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    """Return the full argument parser with every registered sub-command."""
    parser = argparse.ArgumentParser(prog="chipstack", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``chipstack`` console script; returns the exit code."""
    args = build_parser().parse_args(argv)
    code: int = args.func(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
