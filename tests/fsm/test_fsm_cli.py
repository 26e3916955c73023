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


def test_check_knows_every_registered_library(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """hold'em names core/1+poker/1: it checks, with the id the poker package computes; the
    cashier's core/1+cashier/1 is known too; a library nobody registers is refused."""
    from chipstack.cli.fsm_cmd import known_libraries
    from chipstack.poker.machines import holdem_id

    assert set(known_libraries()) == {"core/1", "core/1+poker/1", "core/1+cashier/1"}
    root = Path(__file__).resolve().parents[2] / "reference/chipstack"
    holdem = root / "poker/machines/holdem.yaml"
    assert main(["fsm", "check", str(holdem)]) == 0
    out = capsys.readouterr().out
    assert "(core/1+poker/1): ok" in out and holdem_id().hex() in out
    main(["fsm", "check", str(root / "cashier/cashier.yaml")])
    assert "fsm.def_unknown_library" not in capsys.readouterr().out
    other = tmp_path / "other.yaml"
    other.write_text(
        holdem.read_text("utf-8").replace("library: core/1+poker/1", "library: core/1+dice/1"),
        "utf-8",
    )
    assert main(["fsm", "check", str(other)]) == 1
    assert "fsm.def_unknown_library" in capsys.readouterr().out
