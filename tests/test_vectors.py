"""Vector files: schema-valid, byte-identical to regeneration, passing, and covering the spec."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from chipstack.cli import main
from chipstack.testvectors import all_suites, suite_by_name
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.vectors import coverage, files
from chipstack.vectors.check import check_suite
from chipstack.vectors.impl import ExternalImpl
from chipstack.vectors.model import BUG_TYPES, MAX_COVERS, Suite

ROOT = Path(__file__).resolve().parents[1]
VECTORS = ROOT / "vectors"
SPEC = ROOT / "spec"
ADAPTER = ROOT / "tests" / "adapters" / "example_adapter.py"
SUITES = all_suites()
SchemaValidator = Callable[[Suite], jsonschema.Draft202012Validator]
IDS = [s.name for s in SUITES]


@pytest.mark.parametrize("suite", SUITES, ids=IDS)
def test_committed_file_is_byte_identical_to_generation(suite: Suite) -> None:
    committed = (VECTORS / suite.path).read_text(encoding="utf-8")
    assert committed == suite.render(), f"run `make vectors` and commit {suite.path}"


@pytest.mark.parametrize("suite", SUITES, ids=IDS)
def test_file_validates_against_its_schema(suite: Suite, vector_schema: SchemaValidator) -> None:
    vector_schema(suite).validate(files.load(VECTORS, suite))


@pytest.mark.parametrize("suite", SUITES, ids=IDS)
def test_suite_schema_uses_the_shared_envelope(suite: Suite) -> None:
    schema = files.load_schema(VECTORS, suite)
    assert schema["$ref"] == "envelope.schema.json"
    assert schema["unevaluatedProperties"] is False
    assert "cases" not in schema.get("properties", {}) and "case" not in schema["$defs"]


@pytest.mark.parametrize("suite", SUITES, ids=IDS)
def test_reference_passes_its_committed_vectors(suite: Suite) -> None:
    report = check_suite(VECTORS, suite)
    assert report.ok, report.failures[:5]
    assert report.passed == len(files.cases(files.load(VECTORS, suite)))


@pytest.mark.parametrize("suite", SUITES, ids=IDS)
def test_cases_are_well_formed(suite: Suite) -> None:
    doc = files.load(VECTORS, suite)
    cases = files.cases(doc)
    assert doc["number_of_cases"] == len(cases)
    assert [c["id"] for c in cases] == list(range(1, len(cases) + 1))
    used = {f for case in cases for f in case["flags"]}
    assert used == set(doc["notes"]), "notes explain exactly the flags used"
    for case in cases:
        assert case["flags"], case
        assert 1 <= len(case["covers"]) <= MAX_COVERS, case
        assert case["operation"] in suite.operations
    results = {c["result"] for c in cases}
    assert results == {"valid", "invalid"}, "every suite needs valid and invalid cases"


@pytest.mark.parametrize("suite", SUITES, ids=IDS)
def test_groups_hold_their_shared_input_once(suite: Suite) -> None:
    doc = files.load(VECTORS, suite)
    seen = set()
    for group in doc["groups"]:
        keys = suite.shared.get(group["operation"], ())
        assert sorted(group["shared"]) == sorted(keys)
        key = json.dumps([group["operation"], group["shared"]], sort_keys=True)
        assert key not in seen, "two groups with the same operation and shared input"
        seen.add(key)
        for case in group["cases"]:
            assert not set(keys) & set(case["input"]), case["id"]


def test_every_flag_note_says_bug_type_and_effect() -> None:
    for flag, note in FLAGS.items():
        assert note.bug_type in BUG_TYPES, flag
        assert note.description and note.effect, flag
    assert set(REASON_FLAGS.values()) <= set(FLAGS)


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
        files.cases(files.load(VECTORS, suite_by_name("encoding/compactsize")))
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
    assert report.passed == 0 and report.failed == len(files.cases(files.load(VECTORS, suite)))
    assert impl.problem == "no response within 0.3 s (at encoding/compactsize #1)"
    assert report.failures == []  # said once, by the run, not once per case
