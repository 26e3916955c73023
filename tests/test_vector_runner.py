"""`vectors check --impl` tells the truth: skipped suites, silent and crashed implementations.

Each test drives the real CLI with a tiny fake implementation written to a
temporary file (spec/05-vectors.md section 4, [VEC-5], [VEC-6]).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from chipstack.vectors.check import judge

ROOT = Path(__file__).resolve().parents[1]
ADAPTER = ROOT / "tests" / "adapters" / "example_adapter.py"


def _check(impl: str, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "chipstack.cli", "vectors", "check", *extra, "--impl", impl],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def _fake(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake_impl.py"
    script.write_text("import sys\n" + body, encoding="utf-8")
    return f"{sys.executable} {script}"


def _status(stdout: str, suite: str) -> str:
    row = next(line for line in stdout.splitlines() if line.split()[:1] == [suite])
    return row.split()[-1]


def test_a_suite_whose_cases_were_all_unsupported_is_skipped_not_ok() -> None:
    impl = f"{sys.executable} {ADAPTER}"
    run = _check(impl, "--suite", "encoding/compactsize", "--suite", "crypto/ed25519")
    assert run.returncode == 0, run.stdout + run.stderr
    assert _status(run.stdout, "encoding/compactsize") == "ok"
    assert _status(run.stdout, "crypto/ed25519") == "skipped"
    assert _status(run.stdout, "total") == "ok"


def test_a_run_where_nothing_was_checked_fails(tmp_path: Path) -> None:
    impl = _fake(
        tmp_path, "for line in sys.stdin:\n    print('{\"result\": \"unsupported\"}', flush=True)\n"
    )
    run = _check(impl, "--suite", "crypto/hashes")
    assert run.returncode == 1
    assert _status(run.stdout, "crypto/hashes") == "skipped"
    assert _status(run.stdout, "total") == "skipped"
    assert "no case was checked" in run.stdout


def test_a_silent_implementation_is_reported_once_as_no_response(tmp_path: Path) -> None:
    impl = _fake(tmp_path, "sys.stdin.read()\n")
    run = _check(impl, "--suite", "encoding/compactsize", "--suite", "crypto/hashes",
                 "--timeout", "0.5")
    assert run.returncode == 1
    out = run.stdout
    assert out.count("no response within 0.5 s (at encoding/compactsize #1)") == 1
    assert "Empty" not in out and "Traceback" not in run.stderr
    assert _status(out, "encoding/compactsize") == "FAIL"
    assert _status(out, "crypto/hashes") == "FAIL"  # never run: counted as failed
    assert "skipped" not in out  # the suites failed; they were not skipped


def test_a_crashed_implementation_is_reported_once_with_code_and_stderr(tmp_path: Path) -> None:
    impl = _fake(
        tmp_path,
        "sys.stdin.readline()\n"
        "print('{\"result\": \"unsupported\"}', flush=True)\n"
        "sys.stdin.readline()\n"
        "print('parsing case 2', file=sys.stderr)\n"
        "print('boom: no such field', file=sys.stderr)\n"
        "sys.exit(3)\n",
    )
    run = _check(impl, "--suite", "crypto/hashes")
    assert run.returncode == 1
    out = run.stdout
    assert out.count("exited with code 3 (at crypto/hashes #2)") == 1
    assert "    boom: no such field" in out and "    parsing case 2" in out
    assert "boom: no such field" in run.stderr  # still passed through for debugging
    assert _status(out, "crypto/hashes") == "FAIL"
    assert "<implementation" not in out  # no per-case noise after the crash


def test_malformed_responses_fail_every_case_and_are_not_called_skipped(tmp_path: Path) -> None:
    impl = _fake(
        tmp_path,
        "for line in sys.stdin:\n"
        "    print('not json {', flush=True)\n",
    )
    run = _check(impl, "--suite", "crypto/hashes")
    assert run.returncode == 1
    assert _status(run.stdout, "crypto/hashes") == "FAIL"
    assert "malformed response: not json {" in run.stdout  # VEC-6: a malformed answer fails
    assert "skipped" not in run.stdout and "no case was checked" not in run.stdout


def test_an_oversized_response_stops_the_run_with_bounded_memory(tmp_path: Path) -> None:
    impl = _fake(
        tmp_path,
        "for line in sys.stdin:\n"
        "    sys.stdout.write('{\"result\": \"valid\", \"output\": {\"a\": \"' + 'x' * 9_000_000"
        " + '\"}}\\n')\n"
        "    sys.stdout.flush()\n",
    )
    run = _check(impl, "--suite", "crypto/hashes")
    assert run.returncode == 1
    stop = "a response longer than 8,000,000 characters (at crypto/hashes #1)"
    assert run.stdout.count(stop) == 1
    assert _status(run.stdout, "crypto/hashes") == "FAIL"
    assert "xxxx" not in run.stdout


def test_a_failure_line_quotes_a_long_answer_cut_short() -> None:
    case: dict[str, object] = {"result": "valid", "expected": {"digest": "ab"}}
    text = judge(case, ("valid", {"digest": "c" * 10_000}))
    assert text is not None and len(text) < 400
    assert text.endswith("... (10014 characters)")  # {'digest': '...'} is 14 + 10,000
    assert judge({"result": "invalid", "reason": "x.y"}, ("invalid", "z" * 5000)) == (
        "reason differs: expected x.y, got " + "z" * 300 + "... (5000 characters)"
    )


def test_a_missing_or_corrupt_vector_file_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    root = tmp_path / "vectors"
    shutil.copytree(ROOT / "vectors", root)
    target = root / "crypto" / "hashes.json"
    for damage, said in [
        ('{"groups": [', "not a vector file (JSONDecodeError"),
        (target.read_text(encoding="utf-8").replace('"result": "valid"', '"result": "maybe"', 1),
         "lacks a known result"),
        (None, "cannot read it"),
    ]:
        if damage is None:
            target.unlink()
        else:
            target.write_text(damage, encoding="utf-8")
        run = subprocess.run(
            [sys.executable, "-m", "chipstack.cli", "vectors", "--dir", str(root), "check",
             "--suite", "crypto/hashes"],
            capture_output=True, text=True, check=False, timeout=120,
        )
        assert run.returncode != 0
        assert "Traceback" not in run.stderr
        last = run.stderr.strip().splitlines()[-1].removeprefix("chipstack: ")
        assert last.startswith(f"{target}: ") and said in last, run.stderr
