"""`chipstack vectors rule ID`: the rule's spec text, the code citing it, its cases."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from chipstack.cli import main
from chipstack.vectors.rules import normalize_id

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "reference"


def _cases_covering(rule_id: str) -> set[tuple[str, int]]:
    """Read the files directly, as another tool would."""
    out = set()
    for path in (ROOT / "vectors").glob("*/*.json"):
        if path.parent.name == "schema":
            continue
        doc = json.loads(path.read_text(encoding="utf-8"))
        for group in doc["groups"]:
            for case in group["cases"]:
                if rule_id in case["covers"]:
                    out.add((f"{doc['area']}/{doc['suite']}", case["id"]))
    return out


def test_rule_prints_spec_text_code_sites_and_cases(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["vectors", "rule", "sync-8"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "[SYNC-8]  spec/01-sync.md  (MUST)"
    assert "below the network's `min_priority` with `sync.low_priority`" in " ".join(out.split())
    sites = [line.strip() for line in lines if ".py:" in line]
    assert sites, out
    for site in sites:  # every listed site really names the rule on that line
        path, number, _ = site.split(":", 2)
        text = (PACKAGE / path).read_text(encoding="utf-8").splitlines()[int(number) - 1]
        assert "SYNC-8" in text and "testvectors" not in path
    listed = {
        (line.split()[0], int(line.split()[1].lstrip("#")))
        for line in lines
        if line.startswith("  ") and " #" in line and ".py:" not in line
    }
    assert listed == _cases_covering("SYNC-8") and listed


def test_rule_lists_range_citations_apart(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["vectors", "rule", "[BLOCK-2]"]) == 0
    out = capsys.readouterr().out
    ranged = out.split("cited only inside a range:", 1)[1].split("\n\n", 1)[0]
    assert "chipstack/chain/block.py" in ranged and "[BLOCK-1] .. [BLOCK-3]" in ranged


def test_unknown_or_malformed_rule_id_is_a_one_line_error() -> None:
    for arg, words in (("NOPE-99", "unknown rule id NOPE-99"), ("hello", "not a rule id")):
        run = subprocess.run(
            [sys.executable, "-m", "chipstack.cli", "vectors", "rule", arg],
            capture_output=True, text=True, check=False,
        )
        assert run.returncode != 0 and run.stdout == ""
        assert run.stderr.strip().splitlines() == [run.stderr.strip()]
        assert words in run.stderr


def test_normalize_id() -> None:
    assert normalize_id("fsm-26") == "FSM-26"
    assert normalize_id(" [ENC-03] ") == "ENC-3"
    assert normalize_id("FSM26") is None and normalize_id("FSM-") is None
