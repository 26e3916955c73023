"""``chipstack vectors generate | check | coverage`` (spec/05-vectors.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from chipstack.testvectors import all_suites
from chipstack.vectors import files
from chipstack.vectors.check import format_table
from chipstack.vectors.model import Suite
from chipstack.vectors.runs import coverage_lines, run_checks


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``vectors`` command and its three sub-commands."""
    p = subparsers.add_parser("vectors", help="generate, check and measure the test vectors")
    p.add_argument("--dir", type=Path, default=None, help="the vectors/ folder (default: found)")
    sub = p.add_subparsers(dest="vectors_command", required=True)
    g = sub.add_parser("generate", help="write every suite's file from the reference")
    g.add_argument("--suite", action="append", help="only this suite (repeatable)")
    g.set_defaults(func=cmd_generate)
    c = sub.add_parser("check", help="run the committed vectors against an implementation")
    c.add_argument("--suite", action="append", help="only this suite (repeatable)")
    c.add_argument("--impl", help="command of an external implementation (JSON-lines protocol)")
    c.add_argument("--timeout", type=float, default=10.0, help="seconds per case with --impl")
    c.add_argument("--verbose", action="store_true", help="list every failed case")
    c.set_defaults(func=cmd_check)
    v = sub.add_parser("coverage", help="list MUST rules that lack valid or invalid cases")
    v.add_argument("--spec", type=Path, default=None, help="the spec/ folder")
    v.set_defaults(func=cmd_coverage)


def _root(args: argparse.Namespace) -> Path:
    return Path(args.dir) if args.dir else files.default_vectors_dir()


def _selected(args: argparse.Namespace) -> list[Suite]:
    suites = all_suites()
    if getattr(args, "suite", None):
        unknown = set(args.suite) - {s.name for s in suites}
        if unknown:
            raise SystemExit(f"unknown suite(s): {', '.join(sorted(unknown))}")
        suites = [s for s in suites if s.name in args.suite]
    return suites


def cmd_generate(args: argparse.Namespace) -> int:
    """Regenerate files; print which changed."""
    root = _root(args)
    for suite in _selected(args):
        path, changed = files.write(root, suite)
        print(f"{'wrote    ' if changed else 'unchanged'} {path}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Check and print the per-suite table; exit 1 if any case failed."""
    reports = run_checks(_root(args), _selected(args), args.impl, args.timeout)
    print(format_table(reports))
    failures = [f for r in reports for f in r.failures]
    for line in failures if args.verbose else failures[:20]:
        print("  " + line)
    if len(failures) > 20 and not args.verbose:
        print(f"  ... {len(failures) - 20} more (use --verbose)")
    return 0 if all(r.ok for r in reports) else 1


def cmd_coverage(args: argparse.Namespace) -> int:
    """Print coverage; exit 1 if a MUST rule has no case at all."""
    root = _root(args)
    spec_dir = Path(args.spec) if args.spec else root.parent / "spec"
    lines, uncovered = coverage_lines(root, spec_dir)
    print("\n".join(lines))
    return 1 if uncovered else 0
