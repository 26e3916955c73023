"""``chipstack vectors generate | check | coverage`` (spec/05-vectors.md)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tqdm import tqdm

from chipstack.cli import args as args_
from chipstack.vectors import coverage as cov
from chipstack.vectors import files
from chipstack.vectors.check import SuiteReport, check_suite, format_table, reference_runner
from chipstack.vectors.impl import ExternalImpl
from chipstack.vectors.model import Suite
from chipstack.vectors.registry import all_suites


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``vectors`` command and its three sub-commands."""
    p = subparsers.add_parser("vectors", help="generate, check and measure the test vectors")
    dir_help = ("the vectors/ folder (default: $CHIPSTACK_VECTORS, else this checkout's "
                "vectors/, else ./vectors)")
    # --dir is accepted before or after the sub-command; after wins.
    p.add_argument("--dir", dest="vectors_dir", type=args_.existing_dir, metavar="DIR",
                   help=dir_help)
    sub = p.add_subparsers(dest="vectors_command", required=True, metavar="SUBCOMMAND")

    def with_dir(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
        parser.add_argument("--dir", type=args_.existing_dir, metavar="DIR", help=dir_help)
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
    v.add_argument("--spec", type=args_.existing_dir, default=None, metavar="DIR",
                   help="the spec/ folder (default: spec/ beside the vectors/ folder)")
    v.set_defaults(func=cmd_coverage)


def _root(args: argparse.Namespace) -> Path:
    chosen = getattr(args, "dir", None) or getattr(args, "vectors_dir", None)
    return Path(chosen) if chosen else files.default_vectors_dir()


def _selected(args: argparse.Namespace) -> list[Suite]:
    suites = all_suites()
    if getattr(args, "suite", None):
        unknown = set(args.suite) - {s.name for s in suites}
        if unknown:
            raise SystemExit(f"chipstack: unknown suite(s): {', '.join(sorted(unknown))} "
                             f"(known: {', '.join(s.name for s in suites)})")
        suites = [s for s in suites if s.name in args.suite]
    return suites


def cmd_generate(args: argparse.Namespace) -> int:
    """Regenerate files; print which changed."""
    root = _root(args)
    for suite in _selected(args):
        try:
            path, changed = files.write(root, suite)
        except OSError as exc:
            return args_.fail(f"cannot write {suite.name} under {root}: {exc}")
        print(f"{'wrote    ' if changed else 'unchanged'} {path}")
    return 0


def run_checks(
    root: Path, suites: list[Suite], impl: str | None = None, timeout: float = 10.0
) -> list[SuiteReport]:
    """Check ``suites`` against the reference, or against ``impl``, with a progress bar."""
    bar = tqdm(suites, desc="checking vectors", unit="suite", file=sys.stderr, leave=False,
               disable=None)  # None: no bar when standard error is not a terminal
    if impl is None:
        return [check_suite(root, s, reference_runner) for s in bar]
    try:
        runner = ExternalImpl(impl, timeout)
    except OSError as exc:
        bar.close()
        raise SystemExit(f"chipstack: cannot start {impl!r}: {exc}") from None
    with runner:
        return [check_suite(root, s, runner) for s in bar]


def cmd_check(args: argparse.Namespace) -> int:
    """Check and print the per-suite table; exit 1 if any case failed."""
    try:
        reports = run_checks(_root(args), _selected(args), args.impl, args.timeout)
    except (OSError, ValueError) as exc:
        return args_.fail(f"cannot read the vectors in {_root(args)}: {exc}")
    print(format_table(reports))
    failures = [f for r in reports for f in r.failures]
    for line in failures if args.verbose else failures[:20]:
        print("  " + line)
    if len(failures) > 20 and not args.verbose:
        print(f"  ... {len(failures) - 20} more (use --verbose)")
    return 0 if all(r.ok for r in reports) else 1


def coverage_lines(root: Path, spec_dir: Path) -> tuple[list[str], int]:
    """Return printable coverage lines and the number of MUST rules with no case at all."""
    rules = cov.parse_rules(spec_dir)
    docs = [files.load(root, s) for s in all_suites()]
    table = cov.coverage(rules, docs)
    lines: list[str] = []
    uncovered = 0
    for rc in table:
        if rc.valid and rc.invalid:
            continue
        if not rc.valid and not rc.invalid:
            uncovered += 1
        missing = " or ".join(
            k for k, n in (("valid", rc.valid), ("invalid", rc.invalid)) if not n
        )
        lines.append(f"{rc.rule.spec_file:<18} {rc.rule.rule_id:<10} no {missing} case")
    for rid in sorted(cov.unknown_covers(rules, docs)):
        lines.append(f"{'?':<18} {rid:<10} named by a case but defined by no spec rule")
    full = sum(1 for rc in table if rc.valid and rc.invalid)
    lines.append(
        f"{len(table)} MUST rules: {full} with valid and invalid cases, {uncovered} with no case"
    )
    return lines, uncovered


def cmd_coverage(args: argparse.Namespace) -> int:
    """Print coverage; exit 1 if a MUST rule has no case at all."""
    root = _root(args)
    spec_dir = Path(args.spec) if args.spec else root.parent / "spec"
    if not spec_dir.is_dir():
        return args_.fail(f"no spec folder at {spec_dir} (give one with --spec DIR)")
    if not cov.parse_rules(spec_dir):
        return args_.fail(f"no MUST rules in {spec_dir}: is it the spec/ folder?")
    try:
        lines, uncovered = coverage_lines(root, spec_dir)
    except (OSError, ValueError) as exc:
        return args_.fail(f"cannot read the vectors in {root}: {exc}")
    print("\n".join(lines))
    return 1 if uncovered else 0
