"""Consecutive hands at one table ([HOLDEM-13], [HOLDEM-16]): button, stacks, busts, sitting out."""

from __future__ import annotations

import pytest

from chipstack.crypto import PrivateKey
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


def test_hand_view_for_a_widget() -> None:
    """The snapshot a widget draws: seats, bets, pots, actor, legal actions, the hash chain."""
    top = [c for h in ("AsAd", "KsKd", "2c3d", "Qh9c4h7s2s") for c in parse_cards(h)]
    hand = Hand([1000, 1000, 1000], blinds=[5, 10, 0], button=2,
                deck=top + [c for c in range(52) if c not in top])
    hand.raise_to(30)
    view = hand.view(viewer=0)
    assert view.actor == 0 and view.state == "betting" and view.street == 0
    assert [s.hole for s in view.seats] == [parse_cards("AsAd"), (), ()]
    assert [(s.stack, s.bet) for s in view.seats] == [(995, 5), (990, 10), (970, 30)]
    assert view.pots == ((0, (0, 1, 2)),)  # nothing collected yet: the bets are on the seats
    assert [str(a) for a in view.legal] == ["fold", "call 25", "raise to 50..1000"]
    # The hash chain: one step per accepted event, each naming the state it produced.
    assert [s.name for s in view.steps] == ["deal_hole", "raise_to"]
    assert [s.state_hash for s in view.steps] == hand.machine.hashes[1:]
    assert view.steps[0].by == "dealer" and view.steps[1].by == "seat 2"
    assert view.state_hash == hand.machine.hashes[-1]
    hand.fold()
    hand.call()
    assert hand.view().pots == ((65, (1, 2)),)  # the flop: seat 0's blind is in, seat 0 is out
    while not hand.is_over:
        hand.check()
    final = hand.view()
    assert final.state == "settled" and final.actor is None and final.legal == ()
    # At the showdown the hands left are shown to everyone; the folded one is not.
    assert [s.hole for s in final.seats] == [(), parse_cards("KsKd"), parse_cards("2c3d")]
    assert final.payouts == (0, 65, 0) and final.board == parse_cards("Qh9c4h7s2s")


def test_hands_signed_with_the_players_own_keys() -> None:

    keys = [PrivateKey.from_label(f"test/player/{i}") for i in range(3)]
    hand = Hand([100, 100, 100], blinds=[1, 2, 0], button=2, seed=5, keys=keys)
    hand.fold()
    assert hand.machine.history[-1].signer == keys[2].public_key.raw
    assert hand.machine.instance.roles[1].keys == tuple(k.public_key.raw for k in keys)
    with pytest.raises(Rejected) as exc:
        Hand([100, 100], blinds=[1, 2], keys=[keys[0], keys[0]])
    assert exc.value.reason is Reason.POKER_BAD_TABLE
