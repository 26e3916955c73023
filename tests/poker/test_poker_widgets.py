"""The poker widgets, headless: the model they render, driven as a person would, and what they show.

Expected values come from the rules of spec/06-poker.md (who posts which
blind, who acts first, the minimum raise), from the deck the test fixes, and
from the shared PHH records (their recorded finishing stacks and board), not
from the widgets' own output.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from chipstack.poker.cards import format_card, parse_cards
from chipstack.poker.hand import Hand
from chipstack.poker.phh import load_phh
from chipstack.poker.tablemodel import EVERYONE, HIDDEN, NOBODY, TableModel, chip_text
from chipstack.poker.timeline import HandTimeline
from chipstack.poker.widgets import PokerWidget

#: A fixed deck: seat k of the hand gets cards 2k, 2k+1; then flop, turn, river.
DECK = list(parse_cards("AsAhKsKhQsQh2c7d9cJdTc3s4d"))
DECK += [c for c in range(52) if c not in DECK]


def _model(**kwargs: object) -> TableModel:
    return TableModel(["ann", "bob", "cid"], stack=1000, small_blind=5, big_blind=10,
                      deck=DECK, **kwargs)  # type: ignore[arg-type]


def _stacks(model: TableModel) -> list[str]:
    return [s.stack for s in model.seats()]


def test_fresh_table_shows_blinds_actor_and_legal_actions() -> None:
    m = _model()
    # First hand: the button goes to the first player (ann); three-handed the
    # small blind is left of the button, the big blind next ([HOLDEM-13]), and
    # the first to act pre-flop is left of the big blind: the button.
    seats = m.seats()
    assert [s.button for s in seats] == [True, False, False]
    assert _stacks(m) == ["1000", "995", "990"]
    assert [s.bet for s in seats] == ["", "5", "10"]
    assert [s.status for s in seats] == ["to act", "", ""]
    assert m.actor_text() == "ann to act"
    c = m.controls()
    # Facing the big blind: fold, call 10, raise to at least 10 + 10 (min raise = big blind).
    assert c.buttons == (("fold", "fold"), ("call", "call 10"), ("raise", "raise to"))
    assert c.raise_range == (20, 1000)
    assert dict(c.sizes)["min"] == 20 and dict(c.sizes)["all in"] == 1000
    # Pot after calling is 5 + 10 + 10 = 25: a pot-sized raise goes to 10 + 25.
    assert dict(c.sizes)["pot"] == 35
    assert m.centre().street == "pre-flop" and m.centre().board == ()


def test_hole_cards_are_hidden_except_for_the_chosen_viewer() -> None:
    m = _model()
    own = tuple(format_card(c) for c in DECK[0:2])
    bobs = tuple(format_card(c) for c in DECK[2:4])
    assert [s.cards for s in m.seats()] == [own, (HIDDEN, HIDDEN), (HIDDEN, HIDDEN)]
    m.set_viewer(NOBODY)
    assert all(s.cards == (HIDDEN, HIDDEN) for s in m.seats())
    m.set_viewer(1)
    assert [s.cards for s in m.seats()] == [(HIDDEN, HIDDEN), bobs, (HIDDEN, HIDDEN)]
    # The FSM state panel masks the other seats' hole cards as well.
    hole = m.frame.variables(1)["hole"]
    assert hole == (-1, -1, *DECK[2:4], -1, -1)
    m.set_viewer(EVERYONE)
    assert m.seats()[2].cards == tuple(format_card(c) for c in DECK[4:6])
    # Rendered: only the viewer's cards as faces, the rest as backs.
    w = PokerWidget(_model())
    w.model.set_viewer(NOBODY)
    assert w.table.value.count('class="cs-card cs-back"') == 6
    assert "A♠" not in w.table.value


def test_clicking_through_a_hand_updates_what_the_table_shows() -> None:
    w = PokerWidget(_model())
    m = w.model
    assert [b.description for b in w.action_box.children] == ["fold", "call 10", "raise to 20"]
    w.slider.value = 30
    assert w.action_buttons["raise"].description == "raise to 30"
    w.click("raise")
    assert _stacks(m) == ["970", "995", "990"] and m.seats()[0].bet == "30"
    assert m.actor_text() == "bob to act"
    # bob has 5 in: calling costs 25; a re-raise must add at least the last raise (20).
    assert [b.description for b in w.action_box.children] == ["fold", "call 25", "raise to 50"]
    w.click("call")
    w.click("fold")  # cid folds his big blind
    # The betting round closes: the dealer deals the flop (DECK[6:9]) by itself.
    assert m.centre().board == tuple(format_card(c) for c in DECK[6:9])
    assert m.centre().street == "flop"
    assert m.centre().pots == ("main pot 70",)
    assert m.seats()[2].status == "folded"
    # After the flop the first live seat left of the button acts: bob.
    assert m.actor_text() == "bob to act"
    assert [b.description for b in w.action_box.children] == ["check", "bet 10"]
    for _ in range(6):
        w.click("check")
    assert m.hand.is_over and m.actor_text() == "hand over"
    # Aces beat kings on a board of 2c 7d 9c Jd Tc: ann wins the 70.
    assert _stacks(m) == ["1040", "970", "990"]
    assert m.seats()[0].status == "won 70"
    assert "won 70" in w.table.value and 'data-seat="2"' in w.table.value
    assert not w.action_box.children and not w.next_hand.disabled


def test_a_refused_action_changes_nothing_and_says_why() -> None:
    m = _model()
    before = (len(m.timeline), _stacks(m), m.frame.state_hash)
    assert not m.act("raise", 15)
    assert m.message.startswith("poker.bad_amount")
    assert not m.act("check")
    assert m.message.startswith("poker.illegal_action")
    assert (len(m.timeline), _stacks(m), m.frame.state_hash) == before


def test_the_timeline_steps_back_and_forth_without_changing_the_hand() -> None:
    w = PokerWidget(_model())
    m = w.model
    w.click("call")
    w.click("call")
    w.click("check")  # flop dealt
    end = len(m.timeline) - 1
    assert m.centre().board and m.at_end
    w.first.click()
    assert m.cursor == 0 and m.frame.state == "dealing" and m.centre().board == ()
    assert m.controls().buttons == () and w.back.disabled
    assert not m.act("call") and m.message == "go to the latest state to act"
    w.forward.click()
    assert m.cursor == 1 and m.actor_text() == "ann to act"
    w.position.value = 3
    assert m.cursor == 3 and _stacks(m) == ["990", "990", "990"]
    w.last.click()
    assert m.cursor == end and m.centre().board and w.forward.disabled
    assert len(m.hand.steps) == end


def test_hash_chain_links_every_event_to_the_previous_state() -> None:
    m = _model()
    m.act("raise", 40)
    m.act("call")
    m.act("call")
    rows = m.chain()
    assert [r.event for r in rows[:4]] == ["deal_hole (6 cards)", "raise_to 40", "call", "call"]
    assert [r.by for r in rows[:4]] == ["dealer", "ann", "bob", "cid"]
    assert rows[0].prev_hash == m.timeline.frames[0].state_hash.hex()[:16]
    assert all(a.state_hash == b.prev_hash for a, b in itertools.pairwise(rows))
    # The frames are re-run events: their hashes are the live hand's own.
    assert [f.state_hash for f in m.timeline.frames[1:]] == [s.state_hash for s in m.hand.steps]
    assert [r.event_id for r in rows] == [s.event_id.hex()[:16] for s in m.hand.steps]
    m.go(2)
    assert [r.current for r in rows[:3]] != [r.current for r in m.chain()[:3]]
    assert [r.current for r in m.chain()].index(True) == 1


def test_timeline_follows_a_hand_played_outside_the_model() -> None:
    hand = Hand([100, 100], blinds=[10, 5], button=1, deck=DECK)
    timeline = HandTimeline(hand)
    assert len(timeline) == 2  # created, hole cards dealt
    hand.act("raise", 100)
    hand.act("call")  # both all in: the dealer runs out the board and settles
    assert timeline.sync() == 6  # raise, call, flop, turn, river, settle = 6 events
    assert len(timeline) == len(hand.steps) + 1
    last = timeline.frames[-1]
    assert last.state == "settled" and last.public.board == tuple(DECK[4:9])
    # At showdown both hands are shown to everyone.
    assert all(s.hole for s in last.view().seats)


def test_next_hand_moves_the_button_and_carries_the_stacks() -> None:
    m = _model()
    m.act("fold")  # ann folds
    m.act("fold")  # bob folds: cid wins the blinds
    assert m.hand.is_over and _stacks(m) == ["1000", "995", "1005"]
    assert m.next_hand()
    seats = m.seats()
    # bob has the button now; cid posts the small blind, ann the big blind.
    assert [s.button for s in seats] == [False, True, False]
    assert _stacks(m) == ["990", "995", "1000"]
    assert m.actor_text() == "bob to act"
    m2 = _model()
    assert not m2.next_hand() and m2.message == "the hand is not over"


def test_replay_a_recorded_hand_step_by_step(phh_data: Path) -> None:
    path = phh_data / "data" / "pluribus" / "30" / "27.phh"
    phh = load_phh(path)
    w = PokerWidget(TableModel(phh_dir=phh_data))
    m = w.model
    assert str(path) in [v for _label, v in w.files.options]
    w.path.value = str(path)
    w.load.click()
    assert m.mode == "replay" and m.cursor == 0 and "match the record" in m.message
    assert [s.name for s in m.seats()] == phh.extra["players"]
    assert m.controls().buttons == () and not m.act("fold")
    recorded_board = [c for a in phh.actions if a.kind == "db" for c in (a.cards or ())]
    w.last.click()
    assert list(m.centre().board) == [format_card(c) for c in recorded_board]
    assert _stacks(m) == [str(x) for x in phh.finishing_stacks or ()]
    assert m.recorded_stacks() == _stacks(m)
    # Player and dealer events are all in the timeline, one state each.
    player_actions = [a for a in phh.actions if a.kind in ("f", "cc", "cbr")]
    names = [f.step.name for f in m.timeline.frames[1:] if f.step is not None]
    assert sum(n in ("fold", "check", "call", "raise_to") for n in names) == len(player_actions)
    assert names.count("deal_board") == 3 and names[-1] == "settle"
    w.back.click()
    assert m.cursor == len(m.timeline) - 2 and m.frame.state != "settled"


def test_replay_keeps_half_chips_exact(phh_data: Path) -> None:
    m = TableModel()
    assert m.load(phh_data / "data" / "pluribus" / "32" / "23.phh")
    m.go(len(m.timeline))
    # finishing_stacks = [9950.0, 9275.0, 10387.5, 10000.0, 10000.0, 10387.5] in the record
    assert _stacks(m) == ["9950", "9275", "10387.5", "10000", "10000", "10387.5"]
    assert chip_text(103875, m.unit) == "10387.5"


def test_a_messy_record_is_refused_and_the_hand_shown_stays(tmp_path: Path) -> None:
    m = _model()
    before = (m.mode, m.frame.state_hash)
    bad = tmp_path / "bad.phh"
    bad.write_text(
        "variant = 'NT'\nantes = [0, 0]\nblinds_or_straddles = [1, 2]\nmin_bet = 2\n"
        "starting_stacks = [100, 100]\nactions = ['d dh p1 ????', 'd dh p2 AcKd']\n"
    )
    assert not m.load(bad)
    assert m.message.startswith("phh.unknown_card") and "bad.phh" in m.message
    assert "actions[0]" in m.message
    assert (m.mode, m.frame.state_hash) == before
    assert not m.load(tmp_path / "missing.phh") and "cannot read" in m.message
    w = PokerWidget(m)
    w.path.value = str(bad)
    w.load.click()
    assert "phh.unknown_card" in w.status.value


@pytest.mark.parametrize("n", [2, 10])
def test_every_table_size_renders_each_seat_in_its_own_place(n: int) -> None:
    w = PokerWidget(TableModel([f"p{k}" for k in range(n)], seed=3))
    places = re.findall(r'data-seat="(\d+)" style="left:(-?\d+)px;top:(-?\d+)px"', w.table.value)
    assert [int(k) for k, _x, _y in places] == list(range(n))
    assert len({(x, y) for _k, x, y in places}) == n
    # Heads-up the button posts the small blind and acts first pre-flop ([HOLDEM-13]).
    if n == 2:
        seats = w.model.seats()
        assert seats[0].button and seats[0].bet == "5" and seats[0].to_act
