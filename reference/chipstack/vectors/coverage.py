"""Rule coverage: which MUST rules of the spec the vectors exercise (spec/README.md, "Rule ids").

A rule is a bullet starting ``**[ID]**``; it is a MUST rule when its text says
MUST. A case covers the ids it lists in ``covers``. Rules of spec/05-vectors.md
(prefix ``VEC``) constrain the vector files themselves and are checked by the
test suite instead, so they are left out here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from chipstack.vectors import files
from chipstack.vectors.model import JSONObject

_RULE = re.compile(r"^\s*[-*]\s+\*\*\[([A-Z]+-\d+)\]\*\*(.*)$")
_BULLET = re.compile(r"^\s*[-*]\s+|^#|^\s*$|^\|")

#: Rule prefixes not covered by vector cases (see module docstring).
META_PREFIXES = frozenset({"VEC"})


@dataclass(frozen=True)
class Rule:
    """One normative rule: its id, the spec file it is in, whether it says MUST, its text."""

    rule_id: str
    spec_file: str
    is_must: bool
    text: str


def parse_rules(spec_dir: Path) -> list[Rule]:
    """Read every rule bullet in the ``*.md`` files under ``spec_dir``.

    Continuation lines belong to the bullet; fenced code blocks are skipped.
    """
    rules: list[Rule] = []
    for path in sorted(spec_dir.rglob("*.md")):
        current: list[str] | None = None
        current_id = ""
        in_fence = False
        for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
            if line.lstrip().startswith("```"):
                in_fence = not in_fence
                continue
            if in_fence:
                continue
            m = _RULE.match(line)
            if m or (current is not None and _BULLET.match(line)):
                if current is not None:
                    text = " ".join(current)
                    rules.append(Rule(current_id, path.name, "MUST" in text, text))
                    current = None
            if m:
                current_id, current = m.group(1), [m.group(2).strip()]
            elif current is not None:
                current.append(line.strip())
    return rules


@dataclass(frozen=True)
class RuleCoverage:
    """How one MUST rule is covered: counts of valid and invalid cases naming it."""

    rule: Rule
    valid: int
    invalid: int


def coverage(rules: Iterable[Rule], docs: Iterable[JSONObject]) -> list[RuleCoverage]:
    """Count, for every MUST rule, the valid and invalid cases that cover it."""
    valid: dict[str, int] = {}
    invalid: dict[str, int] = {}
    for doc in docs:
        for case in files.cases(doc):
            bucket = valid if case["result"] == "valid" else invalid
            for rid in case["covers"]:
                bucket[rid] = bucket.get(rid, 0) + 1
    return [
        RuleCoverage(r, valid.get(r.rule_id, 0), invalid.get(r.rule_id, 0))
        for r in rules
        if r.is_must and r.rule_id.split("-")[0] not in META_PREFIXES
    ]


def unknown_covers(rules: Iterable[Rule], docs: Iterable[JSONObject]) -> set[str]:
    """Return rule ids named by some case's ``covers`` that no spec file defines."""
    known = {r.rule_id for r in rules}
    named = {rid for doc in docs for case in files.cases(doc) for rid in case["covers"]}
    return named - known
