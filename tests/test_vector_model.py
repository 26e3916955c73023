"""The vector machinery guards itself: mislabelled cases, unknown flags, bad responses."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.errors import Reason, Rejected
from chipstack.testvectors import suite_by_name
from chipstack.testvectors.encoding.compactsize import COMPACTSIZE_OPS
from chipstack.testvectors.flags import FLAGS
from chipstack.vectors.check import json_equal, judge
from chipstack.vectors.coverage import parse_rules
from chipstack.vectors.impl import parse_response
from chipstack.vectors.model import Case, CaseTable, Suite, make_case


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


def test_case_table_states_intent_and_document_groups_and_flags() -> None:
    t = CaseTable(COMPACTSIZE_OPS)
    with pytest.raises(ValueError, match="expected valid"):
        t.valid("compact_size_decode", {"encoded": "fd0100", "max": 9}, "non-minimal", ["ENC-3"])
    t.valid("compact_size_encode", {"value": 1}, "one", ["ENC-3"])
    t.invalid("compact_size_decode", {"encoded": "", "max": 9}, "empty", ["ENC-4"])
    t.valid("compact_size_encode", {"value": 2}, "two", ["ENC-3"], ["boundary"])
    notes = {f: FLAGS[f] for f in ("normal", "boundary", "truncated")}
    suite = Suite("x/y", "d", notes, COMPACTSIZE_OPS, lambda: t.cases,
                  shared={"compact_size_decode": ("max",)},
                  reason_flags={"encoding.truncated": "truncated"})
    doc = suite.document()
    assert [(g["operation"], g["shared"]) for g in doc["groups"]] == [
        ("compact_size_encode", {}), ("compact_size_decode", {"max": 9})]
    encode, decode = doc["groups"]
    assert [(c["id"], c["flags"]) for c in encode["cases"]] == [(1, ["normal"]), (2, ["boundary"])]
    assert decode["cases"][0]["input"] == {"encoded": ""}  # "max" is stored once, in the group
    assert decode["cases"][0]["flags"] == ["truncated"]  # from its reason
    assert list(doc["notes"]) == ["boundary", "normal", "truncated"]
    assert doc["number_of_cases"] == 3


def test_document_refuses_omnibus_covers_and_unflaggable_cases() -> None:
    t = CaseTable(COMPACTSIZE_OPS)
    t.valid("compact_size_encode", {"value": 1}, "one", ["ENC-1", "ENC-2", "ENC-3", "ENC-4"])
    with pytest.raises(ValueError, match="more than 3 rules"):
        Suite("x/y", "d", FLAGS, COMPACTSIZE_OPS, lambda: t.cases).document()
    t = CaseTable(COMPACTSIZE_OPS)
    t.invalid("compact_size_decode", {"encoded": "", "max": 9}, "empty", ["ENC-4"])
    with pytest.raises(ValueError, match=r"no flag for reason encoding\.truncated"):
        Suite("x/y", "d", FLAGS, COMPACTSIZE_OPS, lambda: t.cases).document()


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


def test_judge_compares_json_types_not_python_equality() -> None:
    # Python says True == 1 == 1.0; JSON does not, and neither may the checker.
    assert judge({"result": "valid", "expected": {"v": 1}}, ("valid", {"v": True})) is not None
    assert judge({"result": "valid", "expected": {"v": False}}, ("valid", {"v": 0})) is not None
    assert judge({"result": "valid", "expected": {"v": 1}}, ("valid", {"v": 1.0})) is not None
    assert judge({"result": "valid", "expected": {"v": [1]}}, ("valid", {"v": [1, 2]})) is not None
    assert judge({"result": "valid", "expected": {"v": [1]}}, ("valid", {"v": (1,)})) is None
    assert json_equal({"a": [1, {"b": None}]}, {"a": [1, {"b": None}]})
    assert not json_equal({"a": 1}, {"a": 1, "b": 2})


_FOUNDATION = [suite_by_name(n) for n in
               ("encoding/compactsize", "encoding/primitives", "crypto/hashes", "crypto/ed25519")]
_KEYS = ["encoded", "max", "value", "type", "max_len", "max_items", "supported", "data", "tag",
         "label", "seed", "message", "signature", "public_key"]
_LEAF = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(),
                  st.text(max_size=6), st.sampled_from(["00", "u8", "chipstack/sync/item"]))


@settings(max_examples=300)
@given(st.sampled_from(_FOUNDATION), st.data())
def test_foundation_operations_refuse_any_json_input_with_a_reason(
    suite: Suite, data: st.DataObject
) -> None:
    op = data.draw(st.sampled_from(sorted(suite.operations)))
    case_input = data.draw(st.dictionaries(
        st.sampled_from(_KEYS), _LEAF | st.lists(_LEAF, max_size=3), max_size=5))
    try:
        suite.run(op, case_input)
    except Rejected as exc:
        assert isinstance(exc.reason, Reason)
