"""``chipstack fsm list`` and ``chipstack fsm check``."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipstack.cli import main
from chipstack.fsm import definition_id, load_machine, machine_text


def test_list_prints_every_machine_with_its_id(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fsm", "list"]) == 0
    out = capsys.readouterr().out
    for name in ("turnstile", "escrow", "tictactoe"):
        assert definition_id(load_machine(name)).hex() in out


def test_check_ok_and_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "t.yaml"
    good.write_text(machine_text("turnstile"), encoding="utf-8")
    assert main(["fsm", "check", str(good)]) == 0
    assert definition_id(load_machine("turnstile")).hex() in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_text(machine_text("turnstile").replace("finals: [closed]", "finals: []"), "utf-8")
    assert main(["fsm", "check", str(bad)]) == 1
    assert "fsm.def_dead_end" in capsys.readouterr().out
