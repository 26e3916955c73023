"""``check_yaml`` and ``chipstack fsm check``: every error at once, with file:line:column."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.cli import main
from chipstack.errors import Reason, Rejected
from chipstack.fsm import loader, machine_text
from chipstack.fsm.loader import MAX_YAML_DEPTH, check_yaml, load_definition
from chipstack.vectors import files

VECTORS = Path(__file__).resolve().parents[2] / "vectors" / "fsm" / "definitions.json"

# Line numbers below count from the "name:" line as 1.
MANY_ERRORS = """\
name: multi
version: 1
roles: [a]
variables:
  x: {type: int, init: 0}
states: [s0, s1, lost]
initial: s0
events:
  go:
    params: {n: int}
    signers: [a, nobody]
transitions:
  - from: s0
    on: go
    to: s1
    guard: "args.n > (1"
  - from: s1
    on: go
    to: s0
    guard: "args.n == true"
  - from: s0
    on: gone
    to: nowhere
"""


def test_every_error_is_reported_in_one_run_with_its_position() -> None:
    report = check_yaml(MANY_ERRORS, "multi.yaml")
    assert report.definition is None and report.warnings == ()
    got = [(f.line, f.column, f.code) for f in report.errors]
    assert got == [
        (16, 12, "fsm.def_bad_expression"),  # the guard's scalar
        (11, 18, "fsm.def_unknown_role"),  # "nobody" in signers
        (23, 9, "fsm.def_unknown_state"),  # to: nowhere
        (22, 9, "fsm.def_unknown_event"),  # on: gone
        (20, 12, "fsm.def_ill_typed"),  # int == bool
        (6, 18, "fsm.def_unreachable_state"),  # lost
        (6, 18, "fsm.def_dead_end"),  # lost
    ]
    assert all(f.file == "multi.yaml" and f.severity == "error" for f in report.errors)
    assert str(report.errors[1]).startswith("multi.yaml:11:18: error: fsm.def_unknown_role: ")


def test_the_first_error_is_the_one_load_definition_refuses_with() -> None:
    cases = [
        c for c in files.cases(json.loads(VECTORS.read_text()))
        if c["result"] == "invalid" and c["operation"] == "load_definition"
    ]
    assert len(cases) > 10
    for case in cases:
        text = case["input"]["yaml"]
        report = check_yaml(text)
        assert report.errors and report.errors[0].code == case["reason"], case["comment"]
        with pytest.raises(Rejected) as info:
            load_definition(text)
        assert info.value.reason.value == case["reason"]


WARNINGS = """\
name: warn
version: 1
roles: [a]
variables:
  x: {type: int, init: 0}
  unused: {type: int, init: 0}
states: [s0, s1, late]
initial: s0
finals: [late]
events:
  go: {signers: [a]}
  tick: {}
transitions:
  - {from: s0, on: go, to: s1, effects: [{set: x, to: vars.x + 1}]}
  - {from: s1, on: go, to: s0}
  - {from: s1, on: tick, to: late}
timeouts:
  - {in: s1, after: 1h, fire: tick}
"""


def test_warnings_are_apart_from_errors() -> None:
    report = check_yaml(WARNINGS, "w.yaml")
    assert report.errors == () and report.definition is not None
    assert [(f.line, f.column, f.severity, f.code) for f in report.warnings] == [
        (7, 18, "warning", "timeout_only_state"),
        (6, 11, "warning", "unused_variable"),
    ]
    for name in ("turnstile", "escrow", "tictactoe"):
        assert check_yaml(machine_text(name)).errors == ()


def test_yaml_syntax_errors_name_the_file_and_position() -> None:
    report = check_yaml("name: x\nversion: [1\n", "broken.yaml")
    (err,) = report.errors
    assert (err.file, err.line, err.code) == ("broken.yaml", 3, "fsm.def_malformed")
    assert "unicode string" not in str(err)


def _nested(levels: int) -> str:
    return "name: " + "[" * (levels - 1) + "]" * (levels - 1) + "\n"


def test_nesting_is_refused_at_the_stated_depth() -> None:
    deep = check_yaml(_nested(MAX_YAML_DEPTH + 1))
    assert deep.errors[0].code == "fsm.def_malformed" and "nesting" in deep.errors[0].detail
    at_limit = check_yaml(_nested(MAX_YAML_DEPTH))
    assert "nesting" not in at_limit.errors[0].detail  # refused for its shape, not its depth
    # 2 KB of brackets (the attack) and far deeper texts end the same way
    for levels in (1000, 2000, 100_000):
        report = check_yaml("name: " + "[" * levels + "]" * levels)
        assert report.errors[0].code == "fsm.def_malformed"


@pytest.fixture
def pure_python_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    """Load YAML as PyYAML does without libyaml (its pure-Python parser and composer)."""
    monkeypatch.setattr(loader, "_StrictLoader", loader._strict_loader(yaml.SafeLoader))


@pytest.mark.usefixtures("pure_python_yaml")
def test_without_libyaml_nesting_is_refused_at_the_stated_depth_not_by_recursion() -> None:
    # the pure-Python composer recurses per level: 100,000 levels used to end in a
    # RecursionError; the depth is now counted as each collection starts
    for levels in (MAX_YAML_DEPTH + 1, 1000, 100_000):
        (err,) = check_yaml(_nested(levels), "deep.yaml").errors
        # "name: " then 32 brackets: the 33rd level starts at column 7 + 31
        assert (err.file, err.line, err.column, err.code) == (
            "deep.yaml", 1, 7 + MAX_YAML_DEPTH - 1, "fsm.def_malformed"
        )
        assert f"deeper than {MAX_YAML_DEPTH}" in err.detail
    assert "nesting" not in check_yaml(_nested(MAX_YAML_DEPTH)).errors[0].detail
    for name in ("turnstile", "escrow", "tictactoe"):
        assert check_yaml(machine_text(name)).errors == ()


def _alias_chain(anchors: int, levels: int) -> str:
    lines = [f"a0: &a0 {'[' * levels}1{']' * levels}"]
    lines += [f"a{i}: &a{i} {'[' * levels}*a{i - 1}{']' * levels}" for i in range(1, anchors)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("pure", [False, True])
def test_nesting_through_aliases_keys_or_cycles_is_refused(
    pure: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if pure:
        monkeypatch.setattr(loader, "_StrictLoader", loader._strict_loader(yaml.SafeLoader))
    # each anchor nests the previous one 20 levels deeper: no single path of the text is
    # deeper than 21 levels, but a1 already holds 1 + 20 + 20 = 41 levels of collections
    # the error is at the innermost collection holding more than 32 levels: a1's 8th
    # bracket (column 9 + 7), which holds 13 of a1's brackets and a0's 20
    (err,) = check_yaml(_alias_chain(40, 20), "alias.yaml").errors
    assert (err.line, err.column, err.code) == (2, 16, "fsm.def_malformed")
    assert "nesting deeper" in err.detail
    # at the limit through one alias: 1 (top) + 15 + 16 levels is fine (refused for its shape)
    ok = check_yaml("a0: &a0 " + "[" * 16 + "1" + "]" * 16 + "\nb: " + "[" * 15 + "*a0"
                    + "]" * 15 + "\n")
    assert "nesting" not in ok.errors[0].detail
    over = check_yaml("a0: &a0 " + "[" * 16 + "1" + "]" * 16 + "\nb: " + "[" * 16 + "*a0"
                      + "]" * 16 + "\n")
    assert "nesting deeper" in over.errors[0].detail
    key = check_yaml("? " + "[" * 40 + "1" + "]" * 40 + "\n: 1\n")
    assert key.errors[0].code == "fsm.def_malformed" and "nesting" in key.errors[0].detail
    (cycle,) = check_yaml("a: &x [*x]\n").errors
    assert cycle.code == "fsm.def_malformed" and (cycle.line, cycle.column) == (1, 4)


def test_cli_prints_every_error_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "multi.yaml"
    bad.write_text(MANY_ERRORS, encoding="utf-8")
    assert main(["fsm", "check", str(bad)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert sum(f"{bad}:" in line and ": error: " in line for line in lines) == 7
    warn = tmp_path / "w.yaml"
    warn.write_text(WARNINGS, encoding="utf-8")
    assert main(["fsm", "check", str(warn)]) == 0
    out = capsys.readouterr().out
    assert f"{warn}:7:18: warning: timeout_only_state" in out and ": error: " not in out


def test_load_definition_still_refuses_with_one_reason() -> None:
    with pytest.raises(Rejected) as info:
        load_definition(MANY_ERRORS)
    assert info.value.reason is Reason.FSM_DEF_BAD_EXPRESSION


def test_a_budget_below_a_bound_is_a_warning() -> None:
    text = machine_text("tictactoe").replace("version: 1\n", "version: 1\nbudget: 5000\n", 1)
    report = check_yaml(text, "t.yaml")
    assert report.errors == () and report.definition is not None
    codes = [f.code for f in report.warnings]
    assert codes.count("bound_over_budget") == 2  # move, in x_turn and in o_turn


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_any_text_gets_a_report_never_an_exception(text: str) -> None:
    report = check_yaml(text, "fuzz.yaml")
    assert (report.definition is None) == bool(report.errors)
    for f in report.errors:
        assert f.file == "fuzz.yaml" and f.line >= 1 and f.column >= 1
        assert f.code.startswith("fsm.def_")


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["turnstile", "escrow", "tictactoe"]), st.data())
def test_any_line_dropped_from_a_machine_gets_a_report(name: str, data: st.DataObject) -> None:
    lines = machine_text(name).splitlines()
    i = data.draw(st.integers(0, len(lines) - 1))
    text = "\n".join(lines[:i] + lines[i + 1:])
    report = check_yaml(text)
    try:
        load_definition(text)
    except Rejected as exc:
        assert report.errors[0].code == exc.reason.value
    else:
        assert report.errors == ()
