"""The command line as a user meets it: help, version, one-line errors, Ctrl-C, logging."""

from __future__ import annotations

import argparse
import asyncio
import importlib.metadata
import logging
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import chipstack
from chipstack.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[1]
VECTORS = ROOT / "vectors"


def _chipstack(*argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "chipstack", *argv], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT, stdin=subprocess.DEVNULL)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point HOME at a temporary folder: `chipstack node` keeps its key under ~/.chipstack."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))


@pytest.fixture(scope="module")
def busy_port() -> Iterator[int]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        yield s.getsockname()[1]


BAD_INPUT = [
    ["node", "--listen", "127.0.0.1:70000"],
    ["node", "--listen", "127.0.0.1:-1"],
    ["node", "--listen", "nosuchhost.invalid:4000"],
    ["node", "--peer", "nosuchhost.invalid:4000"],
    ["node", "--peer", "no-port-here"],
    ["node", "--network", "\udcff"],  # a byte that is not UTF-8, as Python passes it on
    ["node", "--duration", "nan"],
    ["node", "--duration", "-1"],
    ["node", "--publish-every", "inf"],
    ["net", "--payload", "-1"],
    ["net", "--payload", "100000"],
    ["net", "--duration", "inf"],
    ["net", "--duration", "nan"],
    ["net", "--rate", "nan"],
    ["net", "--rate", "inf"],
    ["net", "--nodes", "0"],
    ["net", "--log-level", "loud"],
    ["vectors", "check", "--timeout", "-1"],
    ["vectors", "check", "--timeout", "nan"],
    ["vectors", "check", "--impl", 'python "unbalanced'],
    ["vectors", "check", "--impl", ""],
    ["vectors", "check", "--dir", "/nonexistent/vectors"],
    ["vectors", "check", "--suite", "no/such-suite"],
    ["vectors", "coverage", "--spec", "/nonexistent/spec"],
    ["vectors", "coverage", "--dir", "/nonexistent/vectors"],
    ["vectors", "check", "--impl", "/nonexistent/implementation", "--suite", "crypto/hashes"],
    ["vectors", "generate", "--dir", "/proc/no-such-folder", "--suite", "crypto/hashes"],
    ["vectors", "generate", "--dir", str(ROOT / "README.md"), "--suite", "crypto/hashes"],
    ["vectors", "rule", "not-a-rule"],
    ["vectors", "rule", "SYNC-999999"],
    ["fsm", "check", "/nonexistent/machine.yaml"],
    ["fsm", "check", str(ROOT / "notebooks")],
    ["fsm", "check", sys.executable],
    ["fsm", "list", "extra"],
    ["no-such-command"],
    [],
]


@pytest.mark.parametrize("argv", BAD_INPUT, ids=[" ".join(a) or "(none)" for a in BAD_INPUT])
def test_bad_input_is_one_line_and_nonzero(argv: list[str]) -> None:
    r = _chipstack(*argv)
    assert r.returncode != 0
    assert "Traceback" not in r.stderr
    assert len(r.stderr.splitlines()) == 1, r.stderr
    assert r.stderr.startswith("chipstack"), r.stderr


def test_port_in_use_is_one_line(busy_port: int, tmp_path: Path) -> None:
    r = _chipstack("node", "--listen", f"127.0.0.1:{busy_port}", "--duration", "1",
                   "--data", str(tmp_path / "node"))
    assert r.returncode == 1
    assert r.stderr.splitlines() == [
        f"chipstack: cannot listen on 127.0.0.1:{busy_port}: the address is already in use"]


def test_coverage_of_a_folder_without_rules_fails(tmp_path: Path) -> None:
    r = _chipstack("vectors", "coverage", "--spec", str(tmp_path))
    assert r.returncode == 1 and len(r.stderr.splitlines()) == 1
    assert "no MUST rules" in r.stderr


@pytest.mark.parametrize("text", ["[]", '{"cases": [{"id": 1}]}', '{"broken'])
def test_a_misshapen_vector_file_is_one_line(tmp_path: Path, text: str) -> None:
    (tmp_path / "crypto").mkdir()
    (tmp_path / "crypto" / "hashes.json").write_text(text, encoding="utf-8")
    r = _chipstack("vectors", "check", "--dir", str(tmp_path), "--suite", "crypto/hashes")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert len(r.stderr.splitlines()) == 1, r.stderr
    assert r.stderr.startswith("chipstack: ") and "hashes.json" in r.stderr, r.stderr


def test_version_is_one_and_the_same() -> None:
    assert chipstack.__version__ == importlib.metadata.version("chipstack")
    r = _chipstack("--version")
    assert r.returncode == 0 and r.stdout.strip() == f"chipstack {chipstack.__version__}"


def test_top_level_help_is_plain_text() -> None:
    r = _chipstack("--help")
    assert r.returncode == 0 and r.stderr == ""
    assert "``" not in r.stdout and ":data:" not in r.stdout
    for command in ("vectors", "demo", "node", "net", "fsm"):
        assert re.search(rf"^\s+{command}\s+\S", r.stdout, re.M), command


def _parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _parsers(sub)


def test_every_command_and_option_has_help_showing_its_default() -> None:
    for parser in _parsers(build_parser()):
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for choice in action._choices_actions:
                    assert choice.help, f"{parser.prog} {choice.dest} has no help"
                continue
            if isinstance(action, (argparse._HelpAction, argparse._VersionAction)):
                continue
            assert action.help, f"{parser.prog} {action.option_strings or action.dest}"
            if action.option_strings:
                helped = parser._get_formatter()._expand_help(action)  # what --help prints
                assert "default" in helped, f"{parser.prog} {action.option_strings}: {helped}"


def test_help_of_every_command_answers() -> None:
    for parser in _parsers(build_parser()):
        text = parser.format_help()
        assert text.startswith("usage: ") and "``" not in text, parser.prog


def test_options_work_after_the_sub_command(capsys: pytest.CaptureFixture[str]) -> None:
    suite = ["--suite", "encoding/compactsize"]
    assert main(["vectors", "check", "--dir", str(VECTORS), *suite]) == 0
    assert main(["vectors", "--dir", str(VECTORS), "check", *suite]) == 0
    out, err = capsys.readouterr()
    assert out.count("encoding/compactsize") == 2
    assert "checking vectors" not in err  # standard error is not a terminal: no progress bar


def test_interrupted_while_starting_is_one_line(monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    def ctrl_c(name: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("chipstack.cli.importlib.import_module", ctrl_c)
    assert main(["demo"]) == 130
    assert capsys.readouterr().err.splitlines() == ["chipstack: interrupted"]


def test_output_into_a_closed_pipe_ends_quietly() -> None:
    # ``chipstack fsm list | head -0``: the reader is gone before the first line.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        r = subprocess.run([sys.executable, "-m", "chipstack", "fsm", "list"], stdout=write_end,
                           stderr=subprocess.PIPE, text=True, timeout=60, cwd=ROOT,
                           stdin=subprocess.DEVNULL)
    finally:
        os.close(write_end)
    assert r.returncode == 141  # 128 + SIGPIPE, as a shell reports a tool stopped by it
    assert r.stderr == ""


def test_negentropy_harness_refuses_bad_arguments_in_one_line() -> None:
    r = subprocess.run([sys.executable, "-m", "chipstack.sync.negentropy_harness", "--bogus"],
                       capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.splitlines() == ["python -m chipstack.sync.negentropy_harness: "
                                     "unrecognized arguments: --bogus (see --help)"]


def test_negentropy_harness_answers_help() -> None:
    r = subprocess.run([sys.executable, "-m", "chipstack.sync.negentropy_harness", "--help"],
                       capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    assert r.returncode == 0 and r.stdout.startswith("usage: ")
    assert "FRAMESIZELIMIT" in r.stdout


@pytest.mark.parametrize(("argv", "summary"), [
    (["node", "--memory", "--publish-every", "0.2"], "stopped after"),
    (["net", "--nodes", "2", "--rate", "20", "--duration", "60"], "done:"),
])
def test_ctrl_c_stops_cleanly_with_a_summary(argv: list[str], summary: str) -> None:
    proc = subprocess.Popen([sys.executable, "-m", "chipstack", *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            stdin=subprocess.DEVNULL)
    assert proc.stdout is not None
    first = proc.stdout.readline()  # the command is up once it has said where it listens
    assert first, proc.stderr.read() if proc.stderr else ""
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "Traceback" not in err and "CancelledError" not in err
    assert out.splitlines()[-1].startswith(summary)


def test_ctrl_c_twice_still_stops_with_a_summary() -> None:
    # asyncio's own handler raised KeyboardInterrupt inside the clean-up on the
    # second press, which could leave a task that never ended: the process hung.
    proc = subprocess.Popen([sys.executable, "-m", "chipstack", "node"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT,
                            stdin=subprocess.DEVNULL)
    assert proc.stdout is not None
    assert proc.stdout.readline().startswith("listening on")
    proc.send_signal(signal.SIGINT)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode in (130, -signal.SIGINT)  # the second press may land as it exits
    assert "Traceback" not in err
    assert out.splitlines()[-1].startswith("stopped after")


def test_readme_first_example_runs_as_pasted(tmp_path: Path) -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks, "the README has no Python example"
    script = tmp_path / "example.py"
    script.write_text(blocks[0], encoding="utf-8")
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                       timeout=60, stdin=subprocess.DEVNULL, env={**os.environ})
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "b'hello'"


def test_node_log_reports_peers_and_reconciliation(caplog: pytest.LogCaptureFixture) -> None:
    from chipstack.cli.sync_log import NodeLog
    from chipstack.sync.spawn import spawn

    async def scenario() -> None:
        async with spawn(2) as net:
            log = NodeLog(net[0], "n0")
            log.poll()
            await net[1].publish(("log", "test"), b"x")
            while net[0].node.stats.reconciliations == 0:
                await asyncio.sleep(0.05)
            while len(net[0].node.store) == 0:
                await asyncio.sleep(0.05)
            log.poll()
            await net[1].close()
            while net[0].node.ready_peers():
                await asyncio.sleep(0.05)
            log.poll()

    with caplog.at_level(logging.DEBUG, logger="chipstack"):
        asyncio.run(asyncio.wait_for(scenario(), 30))
    lines = [r.getMessage() for r in caplog.records if r.name == "chipstack.sync.node"]
    assert any("peer connected" in m for m in lines), lines
    assert any("reconciled" in m for m in lines), lines
    assert any("peer gone" in m for m in lines), lines


def test_node_with_a_damaged_store_or_key_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "store.sqlite").write_bytes(b"not a database " * 10)
    r = _chipstack("node", "--data", str(tmp_path), "--listen", "127.0.0.1:0",
                   "--duration", "1")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert len(r.stderr.splitlines()) == 1, r.stderr
    assert r.stderr.startswith("chipstack: cannot use the store: sync.bad_store"), r.stderr
    (tmp_path / "node.key").write_bytes(b"short")
    r = _chipstack("node", "--data", str(tmp_path), "--listen", "127.0.0.1:0",
                   "--duration", "1")
    assert r.returncode == 1 and len(r.stderr.splitlines()) == 1, r.stderr
    assert r.stderr.startswith("chipstack: cannot use the node key"), r.stderr
