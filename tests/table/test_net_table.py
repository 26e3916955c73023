"""The poker table as OS processes over TCP, with each fault ``chipstack table`` offers.

Every run is small (two or three seats, one or two hands, a short step timeout) and
asserts the outcome the flag promises: the hands are played or voided by the rule,
the faulty seat is named, nothing is lost, and conservation holds.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from chipstack.cli import main
from chipstack.table.config import TableConfig
from chipstack.table.net.links import LinkFaults
from chipstack.table.net.table_run import NetTableResult, run_table
from chipstack.table.report import HandRecord, TableReport


def _report(outcome: NetTableResult) -> TableReport:
    assert not outcome.run.timed_out
    assert all(r.done for r in outcome.run.results.values())
    report = outcome.report
    assert report is not None
    assert report.conserved
    assert sum(report.deposits.values()) == report.seats * 1000
    assert not multiprocessing.active_children()
    return report


def test_loss_and_latency_on_every_link_lose_nothing(tmp_path: Path) -> None:
    config = TableConfig(seats=2, hands=1)
    outcome = run_table(config, tmp_path, faults=LinkFaults(loss=0.2, latency_ms=20, seed=3))
    report = _report(outcome)
    assert [h.outcome for h in report.hands] == ["complete"]
    assert report.sync.in_sync == 100.0
    counts = [r.counts for r in outcome.run.results.values()]
    assert sum(c.dropped + c.retransmitted for c in counts) > 0
    assert min(d for r in outcome.run.results.values() for d in r.delays_ms) >= 20


def test_a_silent_seat_is_timed_out_named_and_the_table_settles(tmp_path: Path) -> None:
    config = TableConfig(seats=3, hands=1, timeout=2.0, silent=1, fault_hand=1)
    report = _report(run_table(config, tmp_path))
    assert [h.outcome for h in report.hands] == ["void"]
    assert any(f.startswith("p1:") and "timeout" in f for f in report.hands[0].faults)
    # DEAL-55: the faulty seat gets none of its committed chips back, the others get
    # theirs plus a share of its; nothing is created or lost
    assert report.redeemed["p1"] <= 1000
    assert report.redeemed["p0"] >= 1000 and report.redeemed["p2"] >= 1000
    assert sum(report.redeemed.values()) == 3000


def test_a_restarted_seat_loses_nothing_it_stored_and_the_table_ends(tmp_path: Path) -> None:
    config = TableConfig(seats=2, hands=1)
    outcome = run_table(config, tmp_path, restart="p1", restart_after=4)
    report = _report(outcome)
    assert [h.outcome for h in report.hands] == ["complete"]
    record = outcome.run.restart
    assert record is not None and record.name == "p1"
    final = outcome.run.results["p1"]
    assert len(record.stored_at_kill) > 0
    assert final.resumed_with == len(record.stored_at_kill)
    assert record.stored_at_kill <= set(final.ids)
    assert report.sync.in_sync == 100.0


def test_cheat_flag_names_the_cheater_and_closes_the_table(
        capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["table", "--players", "2", "--hands", "2", "--cheat", "1",
                 "--no-progress"])
    out = capsys.readouterr().out
    assert code == 0
    assert "closed after a proven fault" in out
    assert "fault: p1: dealing.bad_shuffle_proof" in out
    assert "conservation: deposits 2000 == redeemed 2000 + remaining 0: holds" in out
    assert not multiprocessing.active_children()


@pytest.mark.parametrize(("argv", "message"), [
    (["--silent", "5"], "--silent 5: there are only seats 0 to 3"),
    (["--loss", "2"], "expected a finite number at least 0 and at most 0.9"),
    (["--local", "house,p9"], "--local: no node named p9"),
    (["--silent", "1", "--cheat", "1"], "--silent and --cheat name the same seat"),
])
def test_bad_flags_are_refused_in_one_line(argv: list[str], message: str,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    try:
        code = main(["table", *argv])
    except SystemExit as stop:  # argparse's own refusals
        code = int(stop.code or 0)
    err = capsys.readouterr().err
    assert code != 0
    assert message in err and len(err.strip().splitlines()) == 1
    assert not multiprocessing.active_children()


def test_one_table_across_two_machines_by_listen_and_peer(tmp_path: Path) -> None:
    with socket.socket() as s:  # a free port for the "first machine"
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = TableConfig(seats=2, hands=1)
    first: list[NetTableResult] = []
    host = threading.Thread(target=lambda: first.append(run_table(
        config, tmp_path / "a", local=["house", "p0"], listen=("127.0.0.1", port))))
    host.start()
    second = run_table(config, tmp_path / "b", local=["p1"], peers=[("127.0.0.1", port)])
    host.join(120)
    report = _report(first[0])
    assert second.report is None  # the money is reported where the house runs
    assert [h.outcome for h in report.hands] == ["complete"]
    def agreed(hands: list[HandRecord]) -> list[tuple[object, ...]]:
        return [(h.hand_id, h.outcome, h.winners, h.net, h.board) for h in hands]

    assert agreed(second.summaries["p1"].hands) == agreed(report.hands)
    assert first[0].run.results["house"].port == port


def _children(pid: int) -> list[int]:
    """Live child processes of ``pid``, read from /proc."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[1] == str(pid) and fields[0] != "Z":
                out.append(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        return (Path(f"/proc/{pid}") / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_ctrl_c_stops_the_table_and_leaves_no_process() -> None:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.Popen(
        [sys.executable, "-m", "chipstack", "table", "--players", "2", "--hands", "50"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        assert proc.stderr is not None
        line = proc.stderr.readline()  # once the nodes listen, they are all started
        assert line.startswith("nodes listening on 127.0.0.1: house ")
        nodes = _children(proc.pid)
        assert len(nodes) >= 3  # the house and two seats (and multiprocessing's tracker)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(60) == 130
        assert "chipstack: interrupted" in proc.stderr.read()
        deadline = time.monotonic() + 10
        while any(_alive(n) for n in nodes):
            assert time.monotonic() < deadline, "node processes outlived the command"
            time.sleep(0.1)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
