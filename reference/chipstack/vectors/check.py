"""Checking vector files: against the reference, or against another implementation.

Spec: ``spec/05-vectors.md`` sections 3-4. A check runs every case of a file
and compares the outcome with the stored ``result`` and ``expected`` or
``reason``. The same comparison serves the reference and external programs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from chipstack.vectors import files
from chipstack.vectors.model import JSONObject, Suite, outcome

#: What one case produced: ("valid", outputs), ("invalid", reason), ("unsupported", ""), or
#: ("stopped", why) when the implementation stopped answering before this case.
Produced = tuple[str, JSONObject | str]
#: Runs one stored case and says what it produced.
CaseRunner = Callable[[Suite, JSONObject], Produced]


@dataclass
class SuiteReport:
    """The tally of one suite's check, with a line for every failed case."""

    suite: str
    passed: int = 0
    failed: int = 0
    unsupported: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no case failed (unsupported cases do not fail a check)."""
        return self.failed == 0

    @property
    def status(self) -> str:
        """``FAIL`` if a case failed, ``skipped`` if every case was unsupported, else ``ok``."""
        if self.failed:
            return "FAIL"
        return "skipped" if self.passed == 0 else "ok"


def json_equal(a: object, b: object) -> bool:
    """Equality of JSON values: like ``==`` but ``true`` is not ``1`` and ``1.0`` is not ``1``.

    Python's ``==`` says ``True == 1 == 1.0``; an implementation answering ``true``
    where the vector says ``1`` must fail (spec/05-vectors.md section 2).
    """
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        assert isinstance(b, dict)
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        assert isinstance(b, list)
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _as_json(value: object) -> object:
    """``value`` as a JSON reader would see it (tuples become lists, enum members plain)."""
    return json.loads(json.dumps(value))


#: Characters of an expected or produced value quoted in a failure line.
QUOTE_LIMIT = 300


def _quote(value: object) -> str:
    """``value`` as text, cut to :data:`QUOTE_LIMIT` characters (an answer may be huge)."""
    text = str(value)
    if len(text) <= QUOTE_LIMIT:
        return text
    return f"{text[:QUOTE_LIMIT]}... ({len(text)} characters)"


def judge(case: JSONObject, produced: Produced) -> str | None:
    """Compare what a case produced with what it stores; return a failure text or None."""
    result, payload = produced
    if result == "unsupported":
        return None
    if result != case["result"]:
        return f"expected {case['result']}, got {result} ({_quote(payload)})"
    if result == "valid" and not json_equal(_as_json(payload), case["expected"]):
        return f"outputs differ: expected {_quote(case['expected'])}, got {_quote(payload)}"
    if result == "invalid" and payload != case["reason"]:
        return f"reason differs: expected {case['reason']}, got {_quote(payload)}"
    return None


def reference_runner(suite: Suite, case: JSONObject) -> Produced:
    """Run a stored case through this reference implementation."""
    return outcome(lambda inp: suite.run(case["operation"], inp), case["input"])


def check_suite(root: Path, suite: Suite, run: CaseRunner = reference_runner) -> SuiteReport:
    """Check every case of the committed file of ``suite`` with ``run``."""
    report = SuiteReport(suite.name)
    for case in files.cases(files.load(root, suite)):
        produced = run(suite, case)
        if produced[0] == "unsupported":
            report.unsupported += 1
            continue
        if produced[0] == "stopped":  # the runner reports why, once, for the whole run
            report.failed += 1
            continue
        problem = judge(case, produced)
        if problem is None:
            report.passed += 1
        else:
            report.failed += 1
            report.failures.append(f"{suite.name} #{case['id']} ({case['comment']}): {problem}")
    return report


def check_all(
    root: Path,
    suites: Iterable[Suite],
    run: CaseRunner = reference_runner,
) -> list[SuiteReport]:
    """Check several suites; return one report each."""
    return [check_suite(root, s, run) for s in suites]


def format_table(reports: list[SuiteReport]) -> str:
    """Render reports as a fixed-width table with a total line."""
    rows = [("suite", "passed", "failed", "unsupported", "status")]
    for r in reports:
        rows.append((r.suite, str(r.passed), str(r.failed), str(r.unsupported), r.status))
    total = SuiteReport(
        "total",
        passed=sum(r.passed for r in reports),
        failed=sum(r.failed for r in reports),
        unsupported=sum(r.unsupported for r in reports),
    )
    rows.append(
        (total.suite, str(total.passed), str(total.failed), str(total.unsupported), total.status)
    )
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.insert(len(lines) - 1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
