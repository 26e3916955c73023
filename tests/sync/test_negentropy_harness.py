"""The conformance line harness (spec/01-sync.md [NEG-23] .. [NEG-25]).

The line protocol is that of hoytech/negentropy ``test/cpp/harness.cpp`` as
driven by ``test/fuzz.pl`` and ``test/protoversion.pl``.
"""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from chipstack.sync.negentropy_harness import run

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "reference")}
CMD = [sys.executable, "-m", "chipstack.sync.negentropy_harness"]
EEE = "e" * 64


def rid(i: int) -> str:
    return hashlib.sha256(b"h" + i.to_bytes(4, "big")).hexdigest()


def run_lines(lines: list[str], env: dict[str, str] | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = run([line + "\n" for line in lines], out, err, env or {})
    return status, out.getvalue(), err.getvalue()


def test_protoversion_script_in_process() -> None:
    # test/protoversion.pl: unknown version -> "61"; then a v1 message is answered normally.
    status, out, _ = run_lines(
        [f"item,12345,{EEE}", "seal", "msg,62aabbccddeeff", "msg,6100000200"]
    )
    assert status == 0
    assert out.splitlines() == ["msg,61", f"msg,6100000201{EEE}"]


def test_client_lines_and_done() -> None:
    status, out, _ = run_lines(
        [f"item,1,{rid(1)}", f"item,2,{rid(2)}", "seal", "initiate", f"msg,6100000201{rid(3)}"]
    )
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == f"msg,6100000202{rid(1)}{rid(2)}"
    assert lines[1:] == [f"have,{rid(1)}", f"have,{rid(2)}", f"need,{rid(3)}", "done"]


@pytest.mark.parametrize(
    "lines",
    [
        ["bogus"],
        ["item,1"],
        ["item,x,00"],
        [f"item,\u00b2,{EEE}"],  # a Unicode digit: not a decimal timestamp
        [f"item,1,{EEE}", f"item,1,{EEE}", "seal"],
        ["item,1,abcd", "seal"],
        ["msg,61"],
        ["seal", "msg,zz"],
        ["seal", "msg,"],
        ["seal", "msg,5f"],
        ["seal", f"item,1,{EEE}"],
        ["seal", "initiate", "initiate"],
    ],
)
def test_errors_exit_non_zero_with_a_reason(lines: list[str]) -> None:
    status, _, err = run_lines(lines)
    assert status == 1
    assert err.startswith("error,") and "." in err.split(",")[1]


@pytest.mark.parametrize(
    ("value", "ok"),
    [("", True), ("0", True), ("4096", True), ("100", False), ("\u00b2", False)],
)
def test_framesizelimit_environment(value: str, ok: bool) -> None:
    status, _, _ = run_lines(["seal"], {"FRAMESIZELIMIT": value})
    assert (status == 0) is ok


def _spawn(limit: int) -> subprocess.Popen[str]:
    env = dict(ENV)
    env["FRAMESIZELIMIT"] = str(limit)
    return subprocess.Popen(
        CMD, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, bufsize=1
    )


def test_two_harness_processes_reconcile_like_fuzz_pl() -> None:
    # The driver loop of test/fuzz.pl: client and server are separate processes;
    # each client line is read as soon as it is flushed.
    shared = [f"item,{1677970534 + i % 50},{rid(i)}" for i in range(600)]
    only1 = [f"item,{1677970534 + i % 50},{rid(i)}" for i in range(1000, 1080)]
    only2 = [f"item,{1677970534 + i % 50},{rid(i)}" for i in range(2000, 2120)]
    client, server = _spawn(4096), _spawn(4096)
    assert client.stdin and client.stdout and server.stdin and server.stdout
    try:
        client.stdin.write("\n".join([*shared, *only1, "seal", "initiate"]) + "\n")
        client.stdin.flush()
        server.stdin.write("\n".join([*shared, *only2, "seal"]) + "\n")
        server.stdin.flush()
        have: set[str] = set()
        need: set[str] = set()
        rounds = 0
        while True:
            line = client.stdout.readline().strip()
            kind, _, value = line.partition(",")
            if kind in ("have", "need"):
                target = have if kind == "have" else need
                assert value not in target
                target.add(value)
                continue
            if kind == "done":
                break
            assert kind == "msg" and len(value) // 2 <= 4096
            server.stdin.write(line + "\n")
            server.stdin.flush()
            answer = server.stdout.readline().strip()
            assert answer.startswith("msg,") and len(answer) // 2 - 2 <= 4096
            client.stdin.write(answer + "\n")
            client.stdin.flush()
            rounds += 1
            assert rounds < 100
        assert have == {rid(i) for i in range(1000, 1080)}
        assert need == {rid(i) for i in range(2000, 2120)}
        client.stdin.close()
        server.stdin.close()
        assert client.wait(timeout=30) == 0
        assert server.wait(timeout=30) == 0
    finally:
        for p in (client, server):
            if p.poll() is None:
                p.kill()
                p.wait()


def test_subprocess_error_exit() -> None:
    proc = subprocess.run(
        CMD, input="seal\nmsg,00\n", capture_output=True, text=True, env=ENV, timeout=30
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("error,sync.negentropy_bad_version,")
