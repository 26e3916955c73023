"""``chipstack demo``: the main job, showing what the reference does today."""

from __future__ import annotations

import argparse

from chipstack.cli.vectors_cmd import coverage_lines, run_checks
from chipstack.vectors import files
from chipstack.vectors.check import format_table
from chipstack.vectors.registry import all_suites


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``demo`` command."""
    p = subparsers.add_parser("demo", help="check every vector suite and print a summary")
    p.set_defaults(func=cmd_demo)


def cmd_demo(args: argparse.Namespace) -> int:
    """Regenerate every suite in memory, compare with the committed files, check and summarise."""
    root = files.default_vectors_dir()
    suites = all_suites()
    print(f"chipstack demo: {len(suites)} vector suites in {root}\n")
    stale = [s.name for s in suites if (root / s.path).read_text(encoding="utf-8") != s.render()]
    print(
        "regenerated from the reference:",
        "identical to the committed files" if not stale else f"DIFFERS for {stale}",
    )
    reports = run_checks(root, suites)
    print()
    print(format_table(reports))
    lines, uncovered = coverage_lines(root, root.parent / "spec")
    print("\nrule coverage:", lines[-1])
    return 0 if not stale and all(r.ok for r in reports) and not uncovered else 1
