"""Whole runs over every suite, shared by the CLI and the demo: checking, and coverage lines.

Spec: ``spec/05-vectors.md`` sections 3-4.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from chipstack.testvectors import all_suites
from chipstack.vectors import coverage as cov
from chipstack.vectors import files
from chipstack.vectors.check import SuiteReport, check_suite, reference_runner
from chipstack.vectors.impl import ExternalImpl
from chipstack.vectors.model import Suite


@dataclass
class CheckRun:
    """The outcome of a whole check: one report per suite, and why the implementation
    stopped answering if it did (said once for the run, not once per case)."""

    reports: list[SuiteReport]
    problem: str | None = None

    @property
    def ok(self) -> bool:
        """True when no case failed, the implementation never stopped, and some case passed."""
        return (
            self.problem is None
            and all(r.ok for r in self.reports)
            and any(r.passed for r in self.reports)
        )


#: The keys every stored case needs, and those a valid or an invalid one adds.
_CASE_KEYS = ("id", "comment", "result", "input", "operation")
_RESULT_KEYS = {"valid": "expected", "invalid": "reason"}


def require_readable(root: Path, suites: list[Suite]) -> None:
    """Exit with one line naming the first file of ``suites`` that is missing or not a vector
    file (not JSON, or a case without its keys), before anything runs on it."""
    for suite in suites:
        path = root / suite.path
        try:
            for case in files.cases(files.load(root, suite)):
                needed = [*_CASE_KEYS, _RESULT_KEYS.get(case.get("result", ""), "a known result")]
                missing = [k for k in needed if k not in case]
                if missing:
                    raise ValueError(f"case {case.get('id')!r} lacks {', '.join(missing)}")
        except OSError as exc:
            raise SystemExit(f"{path}: cannot read it ({exc.strerror or exc})") from None
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise SystemExit(f"{path}: not a vector file ({type(exc).__name__}: {exc})") from None


def run_checks(
    root: Path, suites: list[Suite], impl: str | None = None, timeout: float = 10.0
) -> CheckRun:
    """Check ``suites`` against the reference, or against ``impl``, with a progress bar."""
    require_readable(root, suites)
    bar = tqdm(suites, desc="checking vectors", unit="suite", file=sys.stderr, leave=False,
               disable=None)  # None: no bar when standard error is not a terminal
    if impl is None:
        return CheckRun([check_suite(root, s, reference_runner) for s in bar])
    try:
        runner = ExternalImpl(impl, timeout)
    except OSError as exc:
        bar.close()
        raise SystemExit(f"cannot start {impl!r}: {exc}") from None
    with runner:
        reports = [check_suite(root, s, runner) for s in bar]
    return CheckRun(reports, runner.problem)


def coverage_lines(root: Path, spec_dir: Path) -> tuple[list[str], int]:
    """Return printable coverage lines and the number of MUST rules with no case at all."""
    rules = cov.parse_rules(spec_dir)
    require_readable(root, all_suites())
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
