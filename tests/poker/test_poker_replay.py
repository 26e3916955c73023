"""Every shared PHH hand replayed through the hold'em machine ends with its recorded stacks.

The records are real hands other people played and wrote down (Pluribus
against professionals, WSOP 2019 and 2023; ``shared/data/phh/SOURCE.md``).
No record is skipped: a hand that could not match would be listed here with
its specific reason, and there is none.
"""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest

from chipstack.cli import main
from chipstack.poker.replay import phh_files, replay_files

#: Where the shared PHH data lives: next to the repository (CI) or the workspace copy.
CANDIDATES = (
    Path(__file__).resolve().parents[2].parent / "shared" / "data" / "phh",
    Path("/work/shared/data/phh"),
)
EXPECTED_HANDS = 145


@pytest.fixture(scope="module")
def phh_root() -> Path:
    env = os.environ.get("CHIPSTACK_PHH_DATA")
    for root in ([Path(env)] if env else []) + list(CANDIDATES):
        if root.is_dir():
            return root
    pytest.fail(f"the shared PHH data is missing: looked in {[str(c) for c in CANDIDATES]}")


def test_every_shared_hand_matches(phh_root: Path) -> None:
    results = list(replay_files([phh_root]))
    assert len(results) == EXPECTED_HANDS
    failures = [f"{r.source}: {r.reason}" for r in results if not r.matched]
    assert failures == []
    # Chips are conserved and every state was hashed (a few per action).
    assert all(sum(r.final or ()) == sum(r.expected) for r in results)
    assert min(r.states for r in results) >= 6


def test_half_chip_records_run_in_half_chips(phh_root: Path) -> None:
    """Split pots recorded with halves (``10387.5``) run exactly in tenths of a chip.

    The PHH reader picks the unit ``10^-k`` from the record's finest decimal place,
    so the odd chip of the 775 split is split too, as recorded.
    """
    path = phh_root / "data" / "pluribus" / "32" / "23.phh"
    (result,) = replay_files([path])
    assert result.matched and result.unit == Decimal("0.1")
    assert result.final == (99500, 92750, 103875, 100000, 100000, 103875)


def test_wsop_2019_big_blind_ante_comes_out_as_recorded(phh_root: Path) -> None:
    """[HOLDEM-3], [HOLDEM-15]: the big blind's ante is dead money; the button's fold is implied."""
    path = phh_root / "data" / "wsop" / "2019" / "42" / "3" / "00-01-07.phh"
    (result,) = replay_files([path])
    assert result.matched, result.reason
    assert result.final == (18100000, 5625000, 6675000, 5750000, 9150000, 6525000, 12950000,
                            7300000)
    assert result.implied == 1


def test_a_changed_record_is_a_mismatch_with_its_reason(phh_root: Path, tmp_path: Path) -> None:
    src = (phh_root / "data" / "pluribus" / "83" / "84.phh").read_text(encoding="utf-8")
    bad = tmp_path / "wrong_finish.phh"
    bad.write_text(src.replace("finishing_stacks = [9950, 9800, 10250",
                               "finishing_stacks = [9950, 9850, 10200"), encoding="utf-8")
    illegal = tmp_path / "illegal.phh"
    illegal.write_text(src.replace("'p3 cbr 200'", "'p3 cbr 150'"), encoding="utf-8")
    results = {Path(r.source).name: r for r in replay_files([tmp_path])}
    assert not results["wrong_finish.phh"].matched
    assert "finishing stacks" in results["wrong_finish.phh"].reason
    assert not results["illegal.phh"].matched
    assert "action 6" in results["illegal.phh"].reason
    assert "poker.bad_amount" in results["illegal.phh"].reason


def test_cli_replay(phh_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = phh_root / "data" / "wsop"
    assert main(["poker", "replay", str(folder)]) == 0
    out = capsys.readouterr().out
    assert f"{len(phh_files([folder]))} of {len(phh_files([folder]))} hands matched" in out
    junk = tmp_path / "junk.phh"
    junk.write_text("this is = not [ a hand", encoding="utf-8")
    assert main(["poker", "replay", str(junk), str(folder)]) == 1
    out = capsys.readouterr().out
    assert "junk.phh: unreadable" in out
    assert main(["poker", "replay", str(tmp_path / "missing.phh")]) == 1
