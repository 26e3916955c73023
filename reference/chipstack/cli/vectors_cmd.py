"""``chipstack vectors generate | check | coverage | rule`` (spec/05-vectors.md).

The vector machinery is imported when a sub-command runs, not when the parser
is built: importing every suite takes seconds, and ``chipstack --help`` (or
Ctrl-C while starting) should not wait for it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import chipstack
from chipstack.cli import args as args_

if TYPE_CHECKING:
    from chipstack.vectors.model import Suite


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``vectors`` command and its sub-commands."""
    p = subparsers.add_parser("vectors", help="generate, check and measure the test vectors")
    dir_help = ("the vectors/ folder (default: $CHIPSTACK_VECTORS, else this checkout's "
                "vectors/, else the copy installed with the package)")
    spec_help = "the spec/ folder (default: this checkout's spec/, else the installed copy)"
    # --dir is accepted before or after the sub-command; after wins.
    p.add_argument("--dir", dest="vectors_dir", type=Path, metavar="DIR", help=dir_help)
    sub = p.add_subparsers(dest="vectors_command", required=True, metavar="SUBCOMMAND")

    def with_dir(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
        parser.add_argument("--dir", type=Path, metavar="DIR", help=dir_help)
        return parser

    g = with_dir(sub.add_parser("generate", help="write every suite's file from the reference"))
    g.add_argument("--suite", action="append", metavar="AREA/NAME",
                   help="only this suite (repeatable; default: every suite)")
    g.set_defaults(func=cmd_generate)
    c = with_dir(sub.add_parser("check",
                                help="run the committed vectors against an implementation"))
    c.add_argument("--suite", action="append", metavar="AREA/NAME",
                   help="only this suite (repeatable; default: every suite)")
    c.add_argument("--impl", type=args_.command, metavar="CMD",
                   help="command of an external implementation speaking the JSON-lines "
                        "protocol of spec/05-vectors.md (default: the reference itself)")
    c.add_argument("--timeout", type=args_.finite(0.0, 3600.0, low_open=True), default=10.0,
                   metavar="SECONDS", help="seconds to wait for each answer with --impl")
    c.add_argument("--verbose", action="store_true", help="list every failed case")
    c.set_defaults(func=cmd_check)
    v = with_dir(sub.add_parser("coverage",
                                help="list MUST rules that lack valid or invalid cases"))
    v.add_argument("--spec", type=args_.existing_dir, default=None, metavar="DIR", help=spec_help)
    v.set_defaults(func=cmd_coverage)
    r = with_dir(sub.add_parser("rule",
                                help="show a rule: its spec text, the code citing it, its cases"))
    r.add_argument("rule_id", metavar="ID", help="a rule id, as in the spec's **[AREA-N]** bullets")
    r.add_argument("--spec", type=args_.existing_dir, default=None, metavar="DIR", help=spec_help)
    r.set_defaults(func=cmd_rule)


def _chosen_dir(args: argparse.Namespace) -> Path | None:
    chosen = getattr(args, "dir", None) or getattr(args, "vectors_dir", None)
    return Path(chosen) if chosen else None


def _root(args: argparse.Namespace, must_exist: bool = True) -> Path:
    """The vectors folder: the one given (which must exist unless generating into it)."""
    from chipstack.vectors import files

    chosen = _chosen_dir(args)
    if chosen is not None:
        if must_exist and not chosen.is_dir():
            raise SystemExit(f"chipstack: no such folder: {str(chosen)!r} (--dir)")
        return chosen
    try:
        return files.default_vectors_dir()
    except FileNotFoundError as exc:
        raise SystemExit(str(exc)) from None


def _spec(args: argparse.Namespace) -> Path:
    from chipstack.vectors import files

    if getattr(args, "spec", None):
        return Path(args.spec)
    try:
        return files.default_spec_dir()
    except FileNotFoundError as exc:
        raise SystemExit(str(exc)) from None


def _selected(args: argparse.Namespace) -> list[Suite]:
    from chipstack.testvectors import all_suites

    suites = all_suites()
    if getattr(args, "suite", None):
        unknown = set(args.suite) - {s.name for s in suites}
        if unknown:
            raise SystemExit(f"chipstack: unknown suite(s): {', '.join(sorted(unknown))} "
                             f"(known: {', '.join(s.name for s in suites)})")
        suites = [s for s in suites if s.name in args.suite]
    return suites


def _misshapen(root: Path, exc: Exception) -> int:
    """The one-line error for a vector file that parses as JSON but lacks the expected fields."""
    return args_.fail(f"cannot read the vectors in {root}: a file is not in the vector format "
                      f"of spec/05-vectors.md ({type(exc).__name__}: {exc})")


def cmd_generate(args: argparse.Namespace) -> int:
    """Regenerate files (into a new folder too); print which changed."""
    from chipstack.vectors import files

    root = _root(args, must_exist=False)
    if files.is_packaged(root) and _chosen_dir(args) is None:
        raise SystemExit(
            f"{root} is the installed copy of the vectors: generate into a checkout "
            "(run from it) or pass --dir"
        )
    suites = _selected(args)
    if root.exists() and not root.is_dir():
        return args_.fail(f"cannot write the vectors into {root}: it is not a folder")
    try:
        written = files.write_all(root, suites)
    except OSError as exc:
        return args_.fail(f"cannot write the vectors into {root}: {exc.strerror or exc}")
    for path, changed in written:
        print(f"{'wrote    ' if changed else 'unchanged'} {path}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Check and print the per-suite table; exit 1 if a case failed or nothing was checked."""
    from chipstack.vectors.check import format_table
    from chipstack.vectors.runs import run_checks

    root, suites = _root(args), _selected(args)
    try:
        run = run_checks(root, suites, args.impl, args.timeout)
    except (OSError, ValueError) as exc:
        return args_.fail(f"cannot read the vectors in {root}: {exc}")
    except (KeyError, TypeError, AttributeError) as exc:  # JSON, but not shaped as a vector file
        return _misshapen(root, exc)
    print(f"vectors: {root}", file=sys.stderr)  # after the run: an error stays one line
    print(format_table(run.reports))
    if run.problem is not None:
        print(f"implementation stopped: {run.problem}")
    failures = [f for r in run.reports for f in r.failures]
    for line in failures if args.verbose else failures[:20]:
        print("  " + line)
    if len(failures) > 20 and not args.verbose:
        print(f"  ... {len(failures) - 20} more (use --verbose)")
    if all(r.status == "skipped" for r in run.reports):
        print("no case was checked: every selected suite was skipped")
    return 0 if run.ok else 1


def cmd_coverage(args: argparse.Namespace) -> int:
    """Print coverage; exit 1 if a MUST rule has no case at all."""
    from chipstack.vectors import coverage as cov
    from chipstack.vectors.runs import coverage_lines

    root, spec_dir = _root(args), _spec(args)
    if not spec_dir.is_dir():
        return args_.fail(f"no spec folder at {spec_dir} (give one with --spec DIR)")
    if not cov.parse_rules(spec_dir):
        return args_.fail(f"no MUST rules in {spec_dir}: is it the spec/ folder?")
    try:
        lines, uncovered = coverage_lines(root, spec_dir)
    except (OSError, ValueError) as exc:
        return args_.fail(f"cannot read the vectors in {root}: {exc}")
    except (KeyError, TypeError, AttributeError) as exc:  # JSON, but not shaped as a vector file
        return _misshapen(root, exc)
    print("\n".join(lines))
    return 1 if uncovered else 0


def cmd_rule(args: argparse.Namespace) -> int:
    """Print everything about one rule; a one-line error for an id no spec file defines."""
    from chipstack.testvectors import all_suites
    from chipstack.vectors import rules

    rule_id = rules.normalize_id(args.rule_id)
    if rule_id is None:
        raise SystemExit(f"not a rule id: {args.rule_id!r} (rule ids look like AREA-N)")
    package = Path(chipstack.__file__).resolve().parent
    try:
        report = rules.rule_report(rule_id, _spec(args), _root(args), all_suites(), package)
    except KeyError:
        raise SystemExit(f"unknown rule id {rule_id}: no spec file defines it") from None
    print("\n".join(rules.format_report(report)))
    return 0
