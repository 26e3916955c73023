"""``chipstack fsm``: list the shipped machines and check a YAML machine definition.

``chipstack fsm list`` prints each shipped machine with its definition id;
``chipstack fsm check FILE.yaml`` loads a definition with every check of
spec/03-fsm.md (FSM-1 .. FSM-14) and prints its id and shape, or the reason
code it is refused with (exit status 1).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from chipstack.cli.args import fail
from chipstack.errors import Rejected


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``fsm`` command and its ``list`` and ``check`` sub-commands."""
    p = subparsers.add_parser("fsm", help="FSM machine definitions")
    sub = p.add_subparsers(dest="fsm_command", required=True)
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


def cmd_check(args: argparse.Namespace) -> int:
    """Load ``args.path``; print its id and shape, or the rejection reason (exit 1)."""
    from chipstack.fsm import definition_id, encode_definition, load_definition

    try:
        text = Path(args.path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return fail(f"cannot read {args.path}: {getattr(exc, 'strerror', None) or exc}")
    try:
        d = load_definition(text)
    except Rejected as exc:
        print(f"refused: {exc.reason.value}: {exc.detail}")
        return 1
    print(f"{d.name} v{d.version} ({d.library}): ok")
    print(f"  id        {definition_id(d).hex()}")
    print(f"  encoding  {len(encode_definition(d))} bytes")
    print(f"  states    {', '.join(d.states)} (initial {d.initial}; final {', '.join(d.finals)})")
    print(f"  events    {', '.join(e.name for e in d.events)}")
    for t in d.transitions:
        guard = " [guarded]" if t.guard is not None else ""
        print(f"  {t.source} --{t.on}{guard}--> {t.target}")
    for to in d.timeouts:
        print(f"  timeout: in {to.state} after {to.after}s anyone may fire {to.fire}")
    return 0
