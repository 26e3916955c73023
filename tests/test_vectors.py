"""Vector files: schema-valid, byte-identical to regeneration, passing, and covering the spec."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from chipstack.cli import main
from chipstack.testvectors import all_suites, suite_by_name
from chipstack.vectors import coverage, files
from chipstack.vectors.check import check_suite
from chipstack.vectors.impl import ExternalImpl
from chipstack.vectors.model import Suite

ROOT = Path(__file__).resolve().parents[1]
VECTORS = ROOT / "vectors"
SPEC = ROOT / "spec"
ADAPTER = ROOT / "tests" / "adapters" / "example_adapter.py"
SUITES = all_suites()
IDS = [s.name for s in SUITES]


@pytest.mark.parametrize("suite", SUITES, ids=IDS)
def test_committed_file_is_byte_identical_to_generation(suite: Suite) -> None:
    committed = (VECTORS / suite.path).read_text(encoding="utf-8")
    assert committed == suite.render(), f"run `make vectors` and commit {suite.path}"


@pytest.mark.parametrize("suite", SUITES, ids=IDS)
def test_file_validates_against_its_schema(suite: Suite) -> None:
    schema = files.load_schema(VECTORS, suite)
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(files.load(VECTORS, suite))


@pytest.mark.parametrize("suite", SUITES, ids=IDS)
def test_reference_passes_its_committed_vectors(suite: Suite) -> None:
    report = check_suite(VECTORS, suite)
    assert report.ok, report.failures[:5]
    assert report.passed == len(files.load(VECTORS, suite)["cases"])


@pytest.mark.parametrize("suite", SUITES, ids=IDS)
def test_cases_are_well_formed(suite: Suite) -> None:
    doc = files.load(VECTORS, suite)
    assert [c["id"] for c in doc["cases"]] == list(range(1, len(doc["cases"]) + 1))
    for case in doc["cases"]:
        assert set(case["flags"]) <= set(doc["notes"]), case
        assert case["operation"] in suite.operations
    results = {c["result"] for c in doc["cases"]}
    assert results == {"valid", "invalid"}, "every suite needs valid and invalid cases"


def test_no_must_rule_without_a_case() -> None:
    rules = coverage.parse_rules(SPEC)
    docs = [files.load(VECTORS, s) for s in SUITES]
    table = coverage.coverage(rules, docs)
    assert table, "the spec defines MUST rules"
    bare = [rc.rule.rule_id for rc in table if rc.valid == 0 and rc.invalid == 0]
    assert bare == []
    assert coverage.unknown_covers(rules, docs) == set()


def test_rule_ids_are_unique() -> None:
    ids = [r.rule_id for r in coverage.parse_rules(SPEC)]
    assert len(ids) == len(set(ids))


def test_check_with_example_adapter_passes() -> None:
    cmd = f"{sys.executable} {ADAPTER}"
    with ExternalImpl(cmd) as impl:
        for name in ("encoding/compactsize", "crypto/hashes"):
            report = check_suite(VECTORS, suite_by_name(name), impl)
            assert report.ok and report.passed > 0 and report.unsupported == 0, report.failures
        other = check_suite(VECTORS, suite_by_name("crypto/ed25519"), impl)
        assert other.unsupported > 0 and other.passed == 0 and other.ok


def test_check_with_wrong_adapter_fails() -> None:
    with ExternalImpl(f"{sys.executable} {ADAPTER} --wrong") as impl:
        report = check_suite(VECTORS, suite_by_name("encoding/compactsize"), impl)
    assert not report.ok
    # Only the small values are encoded differently by the wrong adapter; 2^64-1 agrees.
    assert any("outputs differ" in f for f in report.failures)
    assert report.passed > 0


def test_check_survives_a_crashing_implementation() -> None:
    with ExternalImpl(f"{sys.executable} -c 'import sys; sys.stdin.readline()'") as impl:
        report = check_suite(VECTORS, suite_by_name("encoding/compactsize"), impl)
    assert report.passed == 0 and report.failed == len(
        files.load(VECTORS, suite_by_name("encoding/compactsize"))["cases"]
    )


def test_cli_check_exit_codes() -> None:
    ok = subprocess.run(
        [
            sys.executable,
            "-m",
            "chipstack.cli",
            "vectors",
            "check",
            "--suite",
            "encoding/compactsize",
            "--impl",
            f"{sys.executable} {ADAPTER}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "encoding/compactsize" in ok.stdout
    bad = subprocess.run(
        [
            sys.executable,
            "-m",
            "chipstack.cli",
            "vectors",
            "check",
            "--suite",
            "encoding/compactsize",
            "--impl",
            f"{sys.executable} {ADAPTER} --wrong",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 1
    assert "FAIL" in bad.stdout


def test_cli_coverage_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["vectors", "coverage"]) == 0
    assert "MUST rules" in capsys.readouterr().out


def test_check_fails_every_case_after_a_timeout() -> None:
    # Reads everything, never answers: the first case times out, the rest fail without waiting.
    silent = f"{sys.executable} -c 'import sys; sys.stdin.read()'"
    suite = suite_by_name("encoding/compactsize")
    with ExternalImpl(silent, timeout=0.3) as impl:
        report = check_suite(VECTORS, suite, impl)
    assert report.passed == 0 and report.failed == len(files.load(VECTORS, suite)["cases"])
    assert "no response: Empty" in report.failures[0]
