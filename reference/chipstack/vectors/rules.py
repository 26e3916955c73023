"""Everything about one spec rule: its text, the code that cites it, the cases that cover it.

Backs ``chipstack vectors rule ID`` (spec/README.md, "Rule ids"). A code site
cites a rule when its id appears on the line (``[AREA-N]`` or ``AREA-N``); a
line naming a range such as ``[AREA-1] .. [AREA-9]`` is listed apart, since it
does not say which line enforces which rule. Vector generation
(:mod:`chipstack.testvectors`) is left out of the code sites: its citations
are the cases themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from chipstack.vectors import files
from chipstack.vectors.coverage import Rule, parse_rules
from chipstack.vectors.model import JSONObject, Suite

_ID = re.compile(r"^\[?([A-Za-z]+)-(\d+)\]?$")
_RANGE = re.compile(r"\b([A-Z]+)-(\d+)\]?\s*(?:\.\.|to)\s*\[?([A-Z]+)-(\d+)\b")
#: Package folders whose rule ids are not enforcement sites.
_NOT_SITES = ("testvectors",)


@dataclass(frozen=True)
class Site:
    """A line of the package that names a rule: path relative to the package's parent."""

    path: str
    line: int
    text: str


@dataclass(frozen=True)
class RuleReport:
    """One rule with its citing code lines, the range citations including it, and its cases."""

    rule: Rule
    sites: list[Site]
    range_sites: list[Site]
    cases: list[tuple[str, JSONObject]]


def normalize_id(text: str) -> str | None:
    """Return ``text`` as a rule id (``area-n`` or ``[AREA-N]`` -> ``AREA-N``), or None."""
    m = _ID.match(text.strip())
    return f"{m.group(1).upper()}-{int(m.group(2))}" if m else None


def _in_range(rule_id: str, line: str) -> bool:
    prefix, number = rule_id.rsplit("-", 1)
    for m in _RANGE.finditer(line):
        if m.group(1) == m.group(3) == prefix and int(m.group(2)) <= int(number) <= int(
            m.group(4)
        ):
            return True
    return False


def code_sites(rule_id: str, package: Path) -> tuple[list[Site], list[Site]]:
    """Return the lines of ``package`` citing ``rule_id``, and those citing it inside a range."""
    exact = re.compile(rf"(?<![A-Za-z0-9-]){re.escape(rule_id)}(?![0-9])")
    direct: list[Site] = []
    ranged: list[Site] = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package)
        if rel.parts[0] in _NOT_SITES:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            site = Site(str(Path(package.name) / rel), n, line.strip())
            if exact.search(line):
                direct.append(site)
            elif _in_range(rule_id, line):
                ranged.append(site)
    return direct, ranged


def rule_report(
    rule_id: str, spec_dir: Path, vectors_dir: Path, suites: list[Suite], package: Path
) -> RuleReport:
    """Collect everything about ``rule_id``; raise KeyError if no spec file defines it."""
    rule = next((r for r in parse_rules(spec_dir) if r.rule_id == rule_id), None)
    if rule is None:
        raise KeyError(rule_id)
    direct, ranged = code_sites(rule_id, package)
    cases = [
        (suite.name, case)
        for suite in suites
        for case in files.cases(files.load(vectors_dir, suite))
        if rule_id in case["covers"]
    ]
    return RuleReport(rule, direct, ranged, cases)


def format_report(report: RuleReport) -> list[str]:
    """Render a report as printable lines."""
    r = report.rule
    lines = [f"[{r.rule_id}]  spec/{r.spec_file}{'  (MUST)' if r.is_must else ''}", ""]
    lines += ["  " + chunk for chunk in _wrap(r.text, 88)]
    lines += ["", f"cited in code: {len(report.sites)}"]
    lines += [f"  {s.path}:{s.line}: {s.text}" for s in report.sites]
    if report.range_sites:
        lines += [f"cited only inside a range: {len(report.range_sites)}"]
        lines += [f"  {s.path}:{s.line}: {s.text}" for s in report.range_sites]
    valid = sum(1 for _, c in report.cases if c["result"] == "valid")
    invalid = len(report.cases) - valid
    lines += ["", f"cases: {len(report.cases)} ({valid} valid, {invalid} invalid)"]
    for suite, c in report.cases:
        outcome = "valid" if c["result"] == "valid" else f"invalid {c['reason']}"
        lines.append(f"  {suite} #{c['id']} {c['operation']}: {outcome}: {c['comment']}")
    return lines


def _wrap(text: str, width: int) -> list[str]:
    out: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*out, line] if line else out
