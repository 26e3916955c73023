"""The vector machinery guards itself: mislabelled cases, unknown flags, bad responses."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipstack.errors import Reason, Rejected
from chipstack.vectors.check import judge
from chipstack.vectors.coverage import parse_rules
from chipstack.vectors.encoding_suites import COMPACTSIZE_OPS
from chipstack.vectors.impl import parse_response
from chipstack.vectors.model import Case, Suite, make_case


def test_make_case_refuses_a_case_that_does_not_do_what_it_says() -> None:
    with pytest.raises(ValueError, match="expected invalid"):
        make_case(COMPACTSIZE_OPS, "compact_size_encode", {"value": 5}, "c", ["ENC-3"],
                  expect="invalid")


def test_document_refuses_unexplained_flags() -> None:
    suite = Suite("x/y", "d", {}, COMPACTSIZE_OPS, lambda: [
        Case("compact_size_encode", {"value": 1}, "valid", "c", ("ENC-3",), ("mystery",),
             expected={"encoded": "01"})])
    with pytest.raises(ValueError, match="flags without a note"):
        suite.document()


def test_unknown_operation_and_missing_input_are_typed_rejections() -> None:
    suite = Suite("x/y", "d", {}, COMPACTSIZE_OPS, list)
    with pytest.raises(Rejected) as exc:
        suite.run("nope", {})
    assert exc.value.reason is Reason.VECTORS_UNKNOWN_OPERATION
    with pytest.raises(Rejected) as exc:
        suite.run("compact_size_decode", {"encoded": "00"})
    assert exc.value.reason is Reason.VECTORS_BAD_INPUT


def test_judge() -> None:
    valid = {"result": "valid", "expected": {"a": 1}}
    invalid = {"result": "invalid", "reason": "encoding.truncated"}
    assert judge(valid, ("valid", {"a": 1})) is None
    assert judge(valid, ("valid", {"a": 2})) is not None
    assert judge(valid, ("invalid", "encoding.truncated")) is not None
    assert judge(invalid, ("invalid", "encoding.truncated")) is None
    assert judge(invalid, ("invalid", "encoding.over_length")) is not None
    assert judge(invalid, ("unsupported", "")) is None


@pytest.mark.parametrize("line", ["not json", "[]", '{"result": "valid"}',
                                  '{"result": "invalid"}', '{"result": "maybe"}'])
def test_malformed_responses_fail(line: str) -> None:
    result, payload = parse_response(line)
    assert result == "invalid" and str(payload).startswith("<")


def test_rule_parser(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(
        "# T\n\n- **[AB-1]** X MUST do y\n  and more.\n- **[AB-2]** X SHOULD do z.\n\n"
        "```\n- **[AB-9]** inside a fence MUST be ignored\n```\n", encoding="utf-8")
    rules = parse_rules(tmp_path)
    assert [(r.rule_id, r.is_must) for r in rules] == [("AB-1", True), ("AB-2", False)]
    assert rules[0].text.endswith("and more.")
