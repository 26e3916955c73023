"""The ``chipstack`` command: one sub-command module per concern.

Each module in :data:`COMMAND_MODULES` exposes ``register(subparsers)``, which
adds its sub-commands and sets ``func`` (taking the parsed args, returning an
exit code) on each parser. Parsing conventions (one-line errors, defaults in
help) live in :mod:`chipstack.cli.args`.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from chipstack import __version__
from chipstack.cli.args import BROKEN_PIPE, INTERRUPTED, Parser, fail

#: Modules that contribute sub-commands; adding a command means adding a module here.
COMMAND_MODULES: tuple[str, ...] = (
    "chipstack.cli.vectors_cmd",
    "chipstack.cli.demo_cmd",
    "chipstack.cli.sync_cmd",
    "chipstack.cli.fsm_cmd",
    "chipstack.cli.poker_cmd",
    "chipstack.cli.table_cmd",
)

DESCRIPTION = """\
chipstack: the reference implementation of the chipstack protocols for
decentralized real-time table games (sync, chain, fsm), with the test vectors
other implementations check themselves against.

Run 'chipstack COMMAND --help' for a command's options."""


def build_parser() -> argparse.ArgumentParser:
    """Return the full argument parser with every registered sub-command."""
    parser = Parser(prog="chipstack", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"chipstack {__version__}",
                        help="print the version and exit")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``chipstack`` console script; returns the exit code.

    Ctrl-C at any point (while starting too) ends with one line, status 130; a
    command that stops with a message (``SystemExit("...")``) gets it printed
    as one ``chipstack: ...`` line, status 1; output cut short by a closed pipe
    ends quietly, status 141.
    """
    try:
        args = build_parser().parse_args(argv)
        code: int = args.func(args)
    except KeyboardInterrupt:
        print("chipstack: interrupted", file=sys.stderr)
        return INTERRUPTED
    except SystemExit as stop:
        if isinstance(stop.code, str):
            return fail(stop.code.removeprefix("chipstack: "))
        raise
    except BrokenPipeError:
        # The reader went away (``chipstack ... | head``): stop quietly, as Unix tools do,
        # and keep Python from complaining when it flushes standard output at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return BROKEN_PIPE
    return code


if __name__ == "__main__":
    sys.exit(main())
