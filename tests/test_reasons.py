"""The rejection vocabulary and the tag registry: spec tables and code hold the same entries."""

from __future__ import annotations

import re
from pathlib import Path

from chipstack.crypto import Tag
from chipstack.errors import Reason

SPEC = Path(__file__).resolve().parents[1] / "spec"
_ROW = re.compile(r"^\|\s*`([a-z]+\.[a-z0-9_]+)`\s*\|")


def spec_reason_codes() -> list[str]:
    codes: list[str] = []
    for path in sorted(SPEC.rglob("*.md")):
        in_table = False
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("#"):
                in_table = line.strip().lower() == "## reason codes"
            elif in_table and (m := _ROW.match(line)):
                codes.append(m.group(1))
    return codes


def test_spec_tables_and_enum_agree() -> None:
    codes = spec_reason_codes()
    assert len(codes) == len(set(codes)), "a code is listed twice"
    assert set(codes) == {r.value for r in Reason}


def test_codes_are_area_dotted() -> None:
    for r in Reason:
        area, _, what = r.value.partition(".")
        assert area and what and r.name.lower().startswith(area)


def test_tag_table_matches_registry() -> None:
    text = (SPEC / "00-encoding.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| `(chipstack/[a-z0-9/-]+)` \|", text, re.MULTILINE))
    assert listed == {t.value for t in Tag}
