"""Every shared PHH hand replayed through the hold'em machine ends with its recorded stacks.

The records are real hands other people played and wrote down (Pluribus
against professionals, WSOP 2019 and 2023; ``shared/data/phh/SOURCE.md``).
No record is skipped: a hand that could not match would be listed here with
its specific reason, and there is none.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from chipstack.cli import main
from chipstack.poker.phh import read_phh
from chipstack.poker.replay import phh_files, replay_files, replay_hand

EXPECTED_HANDS = 145


def test_every_shared_hand_matches(phh_data: Path) -> None:
    results = list(replay_files([phh_data]))
    assert len(results) == EXPECTED_HANDS
    failures = [f"{r.source}: {r.reason}" for r in results if not r.matched]
    assert failures == []
    # Chips are conserved and every state was hashed (a few per action).
    assert all(sum(r.final or ()) == sum(r.expected) for r in results)
    assert min(r.states for r in results) >= 6
    # [HOLDEM-15] is read into exactly one record: the WSOP 2019 button never folds pre-flop
    # in its actions (p8 does not act before the flop); every other record is complete.
    assert [Path(r.source).name for r in results if r.implied] == ["00-01-07.phh"]
    assert sum(r.implied for r in results) == 1


def test_half_chip_records_run_in_half_chips(phh_data: Path) -> None:
    """Split pots recorded with halves (``10387.5``) run exactly in tenths of a chip.

    The PHH reader picks the unit ``10^-k`` from the record's finest decimal place,
    so the odd chip of the 775 split is split too, as recorded.
    """
    path = phh_data / "data" / "pluribus" / "32" / "23.phh"
    (result,) = replay_files([path])
    assert result.matched and result.unit == Decimal("0.1")
    assert result.final == (99500, 92750, 103875, 100000, 100000, 103875)


def test_wsop_2019_big_blind_ante_comes_out_as_recorded(phh_data: Path) -> None:
    """[HOLDEM-3], [HOLDEM-15]: the big blind's ante is dead money; the button's fold is implied."""
    path = phh_data / "data" / "wsop" / "2019" / "42" / "3" / "00-01-07.phh"
    (result,) = replay_files([path])
    assert result.matched, result.reason
    assert result.final == (18100000, 5625000, 6675000, 5750000, 9150000, 6525000, 12950000,
                            7300000)
    assert result.implied == 1


def test_a_changed_record_is_a_mismatch_with_its_reason(phh_data: Path, tmp_path: Path) -> None:
    src = (phh_data / "data" / "pluribus" / "83" / "84.phh").read_text(encoding="utf-8")
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


def test_cli_replay(phh_data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = phh_data / "data" / "wsop"
    assert main(["poker", "replay", str(folder)]) == 0
    out = capsys.readouterr().out
    assert f"{len(phh_files([folder]))} of {len(phh_files([folder]))} hands matched" in out
    junk = tmp_path / "junk.phh"
    junk.write_text("this is = not [ a hand", encoding="utf-8")
    assert main(["poker", "replay", str(junk), str(folder)]) == 1
    out = capsys.readouterr().out
    assert "junk.phh: unreadable" in out
    assert main(["poker", "replay", str(tmp_path / "missing.phh")]) == 1


HEADS_UP = """variant = 'NT'
antes = [{antes}]
blinds_or_straddles = [1, 2]
min_bet = 2
starting_stacks = [100, 100]
actions = [{actions}]
finishing_stacks = [{finish}]
"""


@pytest.mark.parametrize(
    "antes,actions,finish",
    [
        # The button p2 (small blind 1) acts first pre-flop and raises to 6; p1 (big blind 2)
        # calls; after the flop p1 acts first; aces win 6 from kings.
        ("0, 0", "'d dh p1 AcAd', 'd dh p2 KcKd', 'p2 cbr 6', 'p1 cc', 'd db 2h7s9c', "
         "'p1 cc', 'p2 cc', 'd db Td', 'p1 cc', 'p2 cc', 'd db 3s', 'p1 cc', 'p2 cc', "
         "'p1 sm AcAd', 'p2 sm KcKd'", "106, 94"),
        # Antes are reversed too: the button p2 posts the 5 listed first, then folds its
        # small blind: it loses 6.
        ("5, 0", "'d dh p1 AcAd', 'd dh p2 KcKd', 'p2 f'", "106, 94"),
    ],
)
def test_heads_up_record_reverses_blinds_and_antes(antes: str, actions: str,
                                                   finish: str) -> None:
    """[PHH-9], [HOLDEM-13]: in a heads-up record the button p2 posts the first entries.

    Expected stacks worked by hand; PokerKit 0.7.7 (``HandHistory.loads``) ends both
    records with the same stacks.
    """
    hand = read_phh(HEADS_UP.format(antes=antes, actions=actions, finish=finish))
    result = replay_hand(hand, "heads-up.phh")
    assert result.matched, result.reason
    assert result.final == (106, 94)


@pytest.mark.parametrize(
    "actions,reason",
    [
        ("'d dh p1 AcKd', 'd dh p1 2c3c', 'd dh p2 4c5c', 'p2 f'", "p1 is dealt twice"),
        ("'d dh p1 AcKd', 'd dh p2 4c5c', 'p2 f', 'd dh p1 2c3c'", "p1 is dealt twice"),
        ("'d dh p1 AcKdQd', 'd dh p2 4c5c', 'p2 f'", "3 hole cards for p1, not 2"),
        ("'d dh p1 AcKd', 'p2 f'", "no hole cards for p2"),
    ],
)
def test_messy_deals_are_mismatches_with_a_reason(actions: str, reason: str) -> None:
    """A record that deals a player twice (which would change the cards a show is checked
    against) or deals other than two hole cards is refused with ``poker.bad_deal``."""
    hand = read_phh(HEADS_UP.format(antes="0, 0", actions=actions, finish="101, 99"))
    result = replay_hand(hand, "messy.phh")
    assert not result.matched
    assert "poker.bad_deal" in result.reason and reason in result.reason
