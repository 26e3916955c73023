"""Consecutive hands at one table ([HOLDEM-13], [HOLDEM-16]): button, stacks, busts, sitting out."""

from __future__ import annotations

import pytest

from chipstack.errors import Reason, Rejected
from chipstack.poker.cards import parse_cards
from chipstack.poker.hand import Hand
from chipstack.poker.table import Table, forced_bets


def finish_by_folding(hand: Hand) -> None:
    """Everyone folds to the big blind."""
    while not hand.is_over:
        kinds = {a.kind for a in hand.legal_actions()}
        hand.act("fold" if "fold" in kinds else "check")


def test_button_moves_and_stacks_carry_over() -> None:
    t = Table(small_blind=5, big_blind=10)
    for name in ("ann", "bob", "cid"):
        t.sit(name, 1000)
    buttons = []
    for k in range(4):
        hand = t.start_hand(seed=k)
        buttons.append(t.button)
        finish_by_folding(hand)
        t.finish_hand(hand)
    assert buttons == [0, 1, 2, 0]
    # Each hand the big blind wins the small blind. In three hands everyone was small
    # blind once and big blind once (net 0); the fourth hand repeats the first.
    assert t.stacks() == {"ann": 1000, "bob": 995, "cid": 1005}
    assert t.hands_played == 4


def test_busted_player_leaves_and_heads_up_follows() -> None:
    t = Table(small_blind=5, big_blind=10)
    t.sit("ann", 1000)
    t.sit("bob", 1000)
    t.sit("cid", 20)
    top = [c for h in ("2c3d", "4c5d", "AsAd", "KcQd9h6s4h") for c in parse_cards(h)]
    hand = t.start_hand(deck=top + [c for c in range(52) if c not in top])
    # Button: ann; bob posts 5, cid 10. ann moves all in, bob folds, cid calls all in
    # for 20 with aces and wins 20 + 5 + 20; ann's unmatched 980 come back.
    assert t.seat_of(2) == 2
    hand.raise_to(1000)
    hand.fold()
    hand.call()
    assert hand.is_over
    busted = t.finish_hand(hand)
    assert busted == []
    assert t.stacks() == {"ann": 980, "bob": 995, "cid": 45}
    # Now make cid bust: the next hand deals ann the aces.
    top = [c for h in ("AsAd", "2c3d", "4c5d", "KcQd9h6s4h") for c in parse_cards(h)]
    hand = t.start_hand(deck=top + [c for c in range(52) if c not in top])
    assert t.button == 1
    # Seats: ann 0 (big blind 10), bob 1 (button), cid 2 (small blind 5).
    assert hand.stacks == [970, 995, 40]
    assert hand.actor == 1
    hand.fold()  # bob
    hand.raise_to(45)  # cid all in
    hand.call()  # ann
    assert hand.is_over
    assert t.finish_hand(hand) == ["cid"]
    assert t.stacks() == {"ann": 1025, "bob": 995}
    hand = t.start_hand(seed=1)
    assert t.button == 0  # the next player clockwise after bob, cid's seat is empty
    assert hand.n == 2 and hand.button == 0
    assert hand.stacks == [1020, 985]  # heads-up: the button posts the small blind


def test_sitting_out_and_back_in() -> None:
    t = Table(small_blind=1, big_blind=2)
    for name in ("ann", "bob", "cid", "dan"):
        t.sit(name, 100)
    t.sit_out("cid")
    assert t.players_for_next_hand() == [0, 1, 3]
    hand = t.start_hand(seed=3)
    assert hand.n == 3
    finish_by_folding(hand)
    t.finish_hand(hand)
    assert t.stacks()["cid"] == 100
    t.sit_in("cid")
    hand = t.start_hand(seed=4)
    assert hand.n == 4
    finish_by_folding(hand)
    t.finish_hand(hand)
    assert sum(t.stacks().values()) == 400


def test_table_refusals() -> None:
    t = Table(small_blind=1, big_blind=2, seats=3)
    t.sit("ann", 100)
    with pytest.raises(Rejected) as exc:
        t.start_hand()
    assert exc.value.reason is Reason.POKER_BAD_TABLE
    with pytest.raises(Rejected):
        t.sit("ann", 50)
    t.sit("bob", 100)
    hand = t.start_hand(seed=1)
    with pytest.raises(Rejected):
        t.start_hand()
    with pytest.raises(Rejected):
        t.finish_hand(hand)  # not over yet
    with pytest.raises(Rejected):
        t.leave("ann")  # in the hand
    finish_by_folding(hand)
    t.finish_hand(hand)
    assert t.leave("ann") in (99, 101)


def test_forced_bets_positions_and_antes() -> None:
    assert forced_bets(6, 5, 50, 100) == ([0] * 6, [50, 100, 0, 0, 0, 0])
    assert forced_bets(3, 1, 1, 2, ante=1) == ([1, 1, 1], [2, 0, 1])
    assert forced_bets(4, 0, 1, 2, ante=2, big_blind_ante=True) == ([0, 0, 2, 0], [0, 1, 2, 0])
    assert forced_bets(2, 1, 1, 2) == ([0, 0], [2, 1])
