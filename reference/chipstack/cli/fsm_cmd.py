"""``chipstack fsm``: list the shipped machines and check a YAML machine definition.

``chipstack fsm list`` prints each shipped machine with its definition id;
``chipstack fsm check FILE.yaml`` checks a definition, with the built-in
library it names (any library the package registers: :func:`known_libraries`),
against every rule of
spec/03-fsm.md (FSM-1 .. FSM-14, FSM-50, FSM-51) and prints every error found,
then the warnings, each as ``FILE:LINE:COLUMN: error|warning: CODE: detail``
(exit status 1 on any error), then the id and shape of a valid definition.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from chipstack.cli.args import fail
from chipstack.fsm.expr import Library


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``fsm`` command and its ``list`` and ``check`` sub-commands."""
    p = subparsers.add_parser("fsm", help="FSM machine definitions")
    sub = p.add_subparsers(dest="fsm_command", required=True, metavar="SUBCOMMAND")
    ls = sub.add_parser("list", help="list the shipped example machines")
    ls.set_defaults(func=cmd_list)
    check = sub.add_parser("check", help="load and check a YAML machine definition")
    check.add_argument("path", type=Path, metavar="FILE.yaml", help="the YAML file")
    check.set_defaults(func=cmd_check)


def cmd_list(args: argparse.Namespace) -> int:
    """Print every shipped machine: name, id, state and transition counts."""
    from chipstack.fsm import definition_id, load_machine, machine_names

    for name in machine_names():
        d = load_machine(name)
        print(f"{name:<12} {definition_id(d).hex()}  {len(d.states)} states, "
              f"{len(d.transitions)} transitions")
    return 0


def known_libraries() -> dict[str, Library]:
    """Every built-in library the package registers, by identity: ``core/1``,
    ``core/1+poker/1`` (hold'em) and ``core/1+cashier/1`` (the cashier)."""
    from chipstack.cashier.machine import cashier_library
    from chipstack.fsm.expr import DEFAULT_LIBRARY
    from chipstack.poker.builtins import POKER_LIBRARY

    return {lib.ident: lib for lib in (DEFAULT_LIBRARY, POKER_LIBRARY, cashier_library())}


def _library_for(text: str) -> Library:
    """The registered library the definition names; ``core/1`` when it names none we know
    (the check then reports ``fsm.def_unknown_library``) or its shape is refused."""
    from chipstack.errors import Rejected
    from chipstack.fsm.expr import DEFAULT_LIBRARY
    from chipstack.fsm.loader import definition_from_yaml

    try:
        ident = definition_from_yaml(text).library
    except Rejected:
        return DEFAULT_LIBRARY
    return known_libraries().get(ident, DEFAULT_LIBRARY)


def cmd_check(args: argparse.Namespace) -> int:
    """Check ``args.path``: print every error, then every warning, one per line as
    ``FILE:LINE:COLUMN: error|warning: CODE: detail``; on success also the id and shape.
    Exit status 1 when there is an error."""
    from chipstack.fsm import definition_id, encode_definition
    from chipstack.fsm.loader import check_yaml

    try:
        text = Path(args.path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return fail(f"cannot read {args.path}: {getattr(exc, 'strerror', None) or exc}")
    report = check_yaml(text, str(args.path), _library_for(text))
    for finding in (*report.errors, *report.warnings):
        print(finding)
    d = report.definition
    if d is None:
        print(f"{args.path}: refused, {len(report.errors)} error(s)")
        return 1
    print(f"{d.name} v{d.version} ({d.library}): ok, {len(report.warnings)} warning(s)")
    print(f"  id        {definition_id(d).hex()}")
    print(f"  encoding  {len(encode_definition(d))} bytes")
    print(f"  budget    {d.budget} units per event")
    print(f"  states    {', '.join(d.states)} (initial {d.initial}; final {', '.join(d.finals)})")
    print(f"  events    {', '.join(e.name for e in d.events)}")
    for t in d.transitions:
        guard = " [guarded]" if t.guard is not None else ""
        print(f"  {t.source} --{t.on}{guard}--> {t.target}")
    for to in d.timeouts:
        print(f"  timeout: in {to.state} after {to.after}s anyone may fire {to.fire}")
    return 0
