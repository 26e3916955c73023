"""Named rule tests for the hold'em machine: every tricky rule, each with a hand that shows it.

Expected stacks are computed by hand from the rule cited (spec/06-poker.md
and the rule texts quoted below), not read back from the code. The PokerKit
regressions replay the hands reported in its issue tracker
(https://github.com/uoftcprg/pokerkit/issues/25, /40, /45).
"""

from __future__ import annotations

import pytest

from chipstack.errors import Reason, Rejected
from chipstack.fsm import Arg, Event
from chipstack.fsm.expr import INT, ListType
from chipstack.poker.cards import parse_cards
from chipstack.poker.hand import Hand, seat_key
from chipstack.poker.table import forced_bets


def deck(holes: list[str], board: str = "") -> list[int]:
    """A deck dealing ``holes`` (seat order) then ``board``, the other cards after."""
    top = [c for h in holes for c in parse_cards(h)] + list(parse_cards(board))
    return top + [c for c in range(52) if c not in top]


def play(hand: Hand, *actions: str | int) -> None:
    """Take ``actions`` in turn: ``fold``, ``check``, ``call`` or an int (raise to)."""
    for a in actions:
        if isinstance(a, int):
            hand.raise_to(a)
        else:
            hand.act(a)


def kinds(hand: Hand) -> dict[str, object]:
    out: dict[str, object] = {}
    for a in hand.legal_actions():
        out[a.kind] = (a.min_to, a.max_to) if a.kind == "raise" else a.amount or None
    return out


def rejected(reason: Reason, fn: object, *args: object) -> None:
    with pytest.raises(Rejected) as exc:
        fn(*args)  # type: ignore[operator]
    assert exc.value.reason is reason


# ---------------------------------------------------------------- PokerKit issues


def test_pokerkit_25_call_after_a_short_all_in_raise() -> None:
    """PokerKit #25: after a short all-in raise, the caller's amount to call was missing.

    Blinds 2/5, six players. Pre-flop p4 raises to 15, p1 re-raises to 109 and
    p4 calls. Flop: p1 bets 55, p4 raises to 123, p1 goes all in for 154 (31
    more: less than the 68 a full raise needs). p4 has already acted and faces
    less than a full raise (WSOP Rule 96), and nobody could call a raise: p4
    may only call 31 or fold.
    """
    holes = ["2c3d", "KcKh", "4c5d", "6c7d", "AsAd", "8c9d"]
    h = Hand([928, 263, 930, 417, 775, 350], blinds=[2, 5, 0, 0, 0, 0], button=5,
             deck=deck(holes, "QsTd3h7c2d"))
    play(h, "fold", "fold", 15, "fold", "fold")  # p2 p3 p4 p5 p0
    play(h, 109, "call")  # p1, p4
    assert h.board == list(parse_cards("QsTd3h"))
    play(h, 55, 123, 154)  # p1, p4, p1 all in
    assert h.actor == 4
    assert kinds(h) == {"fold": None, "call": 31}
    rejected(Reason.POKER_NOT_REOPENED, h.raise_to, 300)
    h.call()
    # p4's aces win 2 (p0's blind) + 263 + 263.
    assert h.is_over
    assert h.stacks == [926, 0, 930, 417, 775 - 263 + 528, 350]


def test_pokerkit_40_min_raise_is_not_capped_by_the_short_stack() -> None:
    """PokerKit #40: the minimum raise was capped at the opponent's stack.

    Heads-up, blinds 10/20, the button (small blind) has 1,000 and the big
    blind 200. The button raises to 100, the big blind to 180 (an 80 raise,
    20 behind). A full raise is to 180 + 80 = 260; the big blind can only
    put in 200 in all, so 60 of the raise comes back uncalled.
    """
    antes, blinds = forced_bets(2, 1, 10, 20)
    assert blinds == [20, 10]  # [HOLDEM-13] heads-up: the button posts the small blind
    h = Hand([200, 1000], blinds=blinds, antes=antes, button=1, deck=deck(["2c7d", "AhAd"],
             "KsQs9h5c3d"))
    assert h.actor == 1  # the button acts first pre-flop
    h.raise_to(100)
    h.raise_to(180)
    assert kinds(h) == {"fold": None, "call": 80, "raise": (260, 1000)}
    rejected(Reason.POKER_BAD_AMOUNT, h.raise_to, 200)
    h.raise_to(260)
    assert kinds(h) == {"fold": None, "call": 20}
    h.call()
    assert h.is_over
    assert h.stacks == [0, 1200]


@pytest.mark.parametrize("utg_stack", [16, 200])
def test_pokerkit_45_short_all_in_does_not_reopen(utg_stack: int) -> None:
    """PokerKit #45: a full all-in raise made a later short all-in reopen the betting.

    Blinds 1/2; seats: small blind (19), big blind (200), UTG, button (200).
    UTG raises to 16 (a full raise; with 16 chips it is all in), the button
    calls, the small blind goes all in to 19 (3 more: short of the 14 a full
    raise needs), the big blind calls. The button has acted and faces only 3
    more: it may call or fold, not raise, whatever UTG's stack.
    """
    h = Hand([19, 200, utg_stack, 200], blinds=[1, 2, 0, 0], button=3,
             deck=deck(["2c3d", "4c5d", "6c7d", "AsAd"], "KsQs9h8c2h"))
    play(h, 16, "call", 19, "call")
    if utg_stack > 16:  # UTG, not all in, acts first and is in the same position
        assert h.actor == 2
        assert kinds(h) == {"fold": None, "call": 3}
        h.call()
    assert h.actor == 3
    assert kinds(h) == {"fold": None, "call": 3}
    rejected(Reason.POKER_NOT_REOPENED, h.raise_to, 40)
    h.call()
    assert len(h.board) == 3  # the button's call closed the pre-flop round


def test_wsop_rule_96_short_all_in_does_not_reopen() -> None:
    """WSOP 2023 Rule 96: an all-in wager of less than a full raise does not reopen the
    betting to a player who has already acted and is not facing at least a full raise
    when the action returns.

    Flop, min bet 100: A bets 100, B goes all in for 150 (50 more: short), C calls.
    A may call 50 or fold, not raise.
    """
    h = Hand([1000, 250, 1000], blinds=[50, 100, 0], button=2,
             deck=deck(["AsAd", "KsKd", "2c3d"], "Qh9c4h7s2s"))
    play(h, "call", "call", "check")  # C (button), A (sb), B (bb) pre-flop
    h.raise_to(100)  # A
    h.raise_to(150)  # B, all in
    h.call()  # C
    assert h.actor == 0
    assert kinds(h) == {"fold": None, "call": 50}
    rejected(Reason.POKER_NOT_REOPENED, h.raise_to, 300)


def test_wsop_rule_96a_short_all_ins_together_reopen() -> None:
    """WSOP 2023 Rule 96a: several all-in wagers, each less than a full raise, that
    together total a full raise do reopen the betting to a player who already acted.

    Flop, min bet 100: A bets 100, B all in for 150, C all in for 210 (110 over A's
    bet: a full raise). A may raise, to at least 210 + 100 = 310.
    """
    h = Hand([1000, 250, 310, 1000], blinds=[50, 100, 0, 0], button=3,
             deck=deck(["AsAd", "KsKd", "QsQd", "2c3d"], "Jh9c4h7s2s"))
    play(h, "call", "call", "call", "check")  # pre-flop: C, D, A call, B checks
    h.raise_to(100)  # A
    h.raise_to(150)  # B all in (short)
    h.raise_to(210)  # C all in (short, but together with B's a full raise over 100)
    h.call()  # D
    assert h.actor == 0
    assert kinds(h) == {"fold": None, "call": 110, "raise": (310, 900)}


# ---------------------------------------------------------------- other rules


def test_heads_up_order() -> None:
    """[HOLDEM-13] Heads-up the button posts the small blind, acts first pre-flop, last after."""
    _, blinds = forced_bets(2, 0, 5, 10)
    assert blinds == [5, 10]
    h = Hand([500, 500], blinds=blinds, button=0, seed=3)
    assert h.actor == 0
    h.call()
    assert h.actor == 1 and kinds(h) == {"check": None, "raise": (20, 500)}
    h.check()
    assert len(h.board) == 3 and h.actor == 1  # after the flop the big blind acts first
    h.check()
    assert h.actor == 0


def test_blinds_and_first_actor_with_three_or_more() -> None:
    """[HOLDEM-13] Small blind left of the button, big blind next, first to act after it."""
    _, blinds = forced_bets(5, 2, 5, 10)
    assert blinds == [0, 0, 0, 5, 10]
    h = Hand([500] * 5, blinds=blinds, button=2, seed=1)
    assert h.actor == 0
    assert h.stacks == [500, 500, 500, 495, 490]


def test_straddle_acts_as_the_last_blind() -> None:
    """[HOLDEM-4], [HOLDEM-5], [HOLDEM-6] A straddle is the bet to call and sets the min raise."""
    _, blinds = forced_bets(4, 3, 1, 2, straddles=[4])
    assert blinds == [1, 2, 4, 0]
    h = Hand([100] * 4, blinds=blinds, button=3, seed=2)
    assert h.actor == 3
    assert kinds(h) == {"fold": None, "call": 4, "raise": (8, 100)}


def test_short_big_blind_must_still_be_called_in_full() -> None:
    """[HOLDEM-4] A big blind posted all in for less is still the bet to call.

    PokerKit differs (it takes the posted amount as the bet, so a call is 1
    here); the rule and the difference are stated in the spec.
    """
    h = Hand([100, 6, 100], blinds=[5, 10, 0], button=2, seed=4)
    assert h.stacks == [95, 0, 100]
    assert kinds(h) == {"fold": None, "call": 10, "raise": (20, 100)}


def test_uncalled_bet_is_returned() -> None:
    """[POT-3] The part of a bet nobody called goes back to its owner."""
    h = Hand([1000, 300, 1000], blinds=[5, 10, 0], button=2,
             deck=deck(["2c3d", "AsAd", "4c5d"], "KsQs9h8c7h"))
    h.fold()  # button
    h.raise_to(1000)  # small blind all in
    h.call()  # big blind all in for 300
    assert h.is_over
    pots = h.var("pots")
    assert pots == ((600, 0, 1), (700, 0))
    assert h.stacks == [700, 600, 1000]


def test_side_pots_and_all_in_run_out() -> None:
    """[POT-1], [POT-2], [HOLDEM-11]: three all in for different amounts; the board runs out."""
    h = Hand([100, 200, 300, 400], blinds=[5, 10, 0, 0], button=3,
             deck=deck(["AsAd", "KsKd", "QsQd", "2c3d"], "8h7h4c9sJc"))
    h.raise_to(300)  # seat 2 all in
    h.fold()  # seat 3
    play(h, "call", "call")  # seat 0 all in for 100, seat 1 all in for 200
    assert h.is_over and h.board == list(parse_cards("8h7h4c9sJc"))
    assert h.var("pots") == ((300, 0, 1, 2), (200, 1, 2), (100, 2))
    assert h.stacks == [300, 200, 100, 400]


def test_split_pot_odd_chip_goes_left_of_the_button() -> None:
    """[POT-5] A tie splits the pot; the odd chip goes to the first winner left of the button."""
    # Seats 0 and 2 tie with the same straight; seat 1 folds its small blind. Pot 5 + 10 + 10 = 25.
    h = Hand([100, 100, 100], blinds=[0, 5, 10], button=0,
             deck=deck(["2c3d", "4c5d", "2d3c"], "AhKhQsJsTd"))
    h.call()  # seat 0 (button) calls 10
    h.fold()  # seat 1
    h.check()
    for _ in range(3):
        play(h, "check", "check")
    assert h.is_over
    # Left of the button (seat 0) come seats 1, 2, 0: seat 2 is the first winner.
    assert h.payouts == [12, 0, 13]
    assert h.stacks == [102, 95, 103]


def test_three_way_split_gives_every_odd_chip_to_the_first_winner() -> None:
    """[POT-5] 11 split three ways: 3 each, and both odd chips go to the first winner left
    of the button (not one each to the first two). PokerKit 0.7.7 pays the same.

    Five seats, antes 1, blinds 1/2, button 4: seats 3 and 4 fold, seats 0, 1 and 2 see a
    royal flush on the board. Pot 5 antes + 3 x 2 = 11.
    """
    h = Hand([100] * 5, antes=[1] * 5, blinds=[1, 2, 0, 0, 0], button=4,
             deck=deck(["2c3d", "2d3c", "2h3s", "4h4s", "5h5s"], "AsKsQsJsTs"))
    play(h, "call", "fold", "fold", "call", "check")
    for _ in range(3):
        play(h, "check", "check", "check")
    assert h.is_over
    assert h.payouts == [5, 3, 3, 0, 0]
    assert h.stacks == [102, 100, 100, 99, 99]


def test_big_blind_ante_is_dead_money() -> None:
    """[HOLDEM-3] A big-blind ante is dead money: it is not matched and never comes back.

    The big blind posts an ante of 100 and a blind of 100, the button moves
    all in for 500 and the big blind calls with 400 (500 in all): the big
    blind's ante is in the main pot, so the button can win it all.
    """
    h = Hand([500, 600, 500], antes=[0, 100, 0], blinds=[50, 100, 0], button=2,
             deck=deck(["2c3d", "4c5d", "AsAd"], "KsQs9h8c7h"))
    assert h.stacks == [450, 400, 500]
    h.raise_to(500)  # button all in
    h.fold()  # small blind
    h.call()  # big blind all in
    assert h.is_over
    assert h.stacks == [450, 0, 1150]


def test_everyone_all_in_preflop_runs_the_board_out() -> None:
    """[HOLDEM-11] With nobody able to bet, the dealer deals every street then settles."""
    h = Hand([50, 50], blinds=[10, 5], button=1,
             deck=deck(["AsAd", "KsKd"], "2c7h9dJc3s"))
    play(h, 50, "call")
    assert h.is_over and len(h.board) == 5
    assert h.stacks == [100, 0]


def test_fold_to_one_player_ends_the_hand() -> None:
    h = Hand([100, 100, 100], blinds=[5, 10, 0], button=2, seed=9)
    play(h, "fold", "fold")
    assert h.is_over and h.board == []
    assert h.stacks == [95, 105, 100]
    assert h.var("shown") == ()


# ---------------------------------------------------------------- illegal actions


def test_illegal_actions_are_refused_and_change_nothing() -> None:
    h = Hand([100, 100, 100], blinds=[5, 10, 0], button=2, seed=5)
    before = h.machine.state_hash
    rejected(Reason.POKER_ILLEGAL_ACTION, h.act, "check")  # facing the big blind
    rejected(Reason.POKER_BAD_AMOUNT, h.raise_to, 15)  # below a full raise
    rejected(Reason.POKER_BAD_AMOUNT, h.raise_to, 101)  # more than the stack
    rejected(Reason.POKER_NOT_YOUR_TURN, h.act, "call", None, 0)
    rejected(Reason.POKER_ILLEGAL_ACTION, h.act, "dance")
    rejected(Reason.POKER_BAD_AMOUNT, h.act, "call", 50)  # a call is 10: no amount is taken
    rejected(Reason.POKER_BAD_AMOUNT, h.act, "fold", 0)
    rejected(Reason.POKER_BAD_AMOUNT, h.raise_to, -20)
    rejected(Reason.POKER_BAD_AMOUNT, h.raise_to, 10**40)
    rejected(Reason.POKER_BAD_AMOUNT, h.act, "raise", True)  # a bool is not an amount
    assert h.machine.state_hash == before and h.actor == 2 and h.stacks == [95, 90, 100]
    play(h, "call", "call")
    rejected(Reason.POKER_ILLEGAL_ACTION, h.act, "fold")  # the big blind can check
    play(h, 100, "fold", "fold")
    rejected(Reason.POKER_HAND_OVER, h.act, "check")


def test_the_machine_itself_refuses_what_the_api_would() -> None:
    """The rules are in the FSM: events that skip the Hand API are refused by the engine."""
    h = Hand([100, 100, 100], blinds=[5, 10, 0], button=2, seed=6, sign=False)
    m = h.machine

    def event(name: str, args: tuple[Arg, ...], seat: int) -> Event:
        st = m.state
        return Event(h.instance.id, st.seq + 1, m.state_hash, name, args,
                     seat_key(seat).public_key.raw, st.time + 1)

    with pytest.raises(Rejected) as exc:  # seat 0 is not to act
        m.apply(event("call", (), 0), check_signature=False)
    assert exc.value.reason is Reason.FSM_GUARD_FALSE
    with pytest.raises(Rejected) as exc:  # a raise below the minimum
        m.apply(event("raise_to", (Arg("amount", INT, 15),), 2), check_signature=False)
    assert exc.value.reason is Reason.FSM_GUARD_FALSE


def test_a_deal_with_repeated_cards_is_refused() -> None:
    """[HOLDEM-10], [HOLDEM-11]: the Hand API and the machine both refuse a bad deal."""
    h = Hand([100, 100], blinds=[10, 5], button=1, auto=False)
    rejected(Reason.POKER_BAD_DEAL, h.deal_hole, [0, 1, 2, 2])
    rejected(Reason.POKER_BAD_DEAL, h.deal_hole, [0, 1, 2])
    with pytest.raises(Rejected) as exc:  # straight to the machine
        h._dealer_event("deal_hole", (Arg("cards", ListType(INT), (0, 1, 2, 2)),))
    assert exc.value.reason is Reason.FSM_GUARD_FALSE
    h.deal_hole([0, 1, 2, 3])
    rejected(Reason.POKER_BAD_DEAL, h.deal_board, [4, 5, 6])  # betting is open
    play(h, "call", "check")
    rejected(Reason.POKER_BAD_DEAL, h.settle)
    rejected(Reason.POKER_BAD_DEAL, h.deal_board, [3, 4, 5])  # card 3 is in a hand
    with pytest.raises(Rejected) as exc:
        h._dealer_event("deal_board", (Arg("cards", ListType(INT), (3, 4, 5)),))
    assert exc.value.reason is Reason.FSM_GUARD_FALSE


def test_bad_tables_are_refused() -> None:
    rejected(Reason.POKER_BAD_TABLE, lambda: Hand([100], blinds=[1]))
    rejected(Reason.POKER_BAD_TABLE, lambda: Hand([100, 0], blinds=[1, 2]))
    rejected(Reason.POKER_BAD_TABLE, lambda: Hand([100, 100], blinds=[1, 2], button=2))
    rejected(Reason.POKER_BAD_TABLE, lambda: Hand([100] * 11, blinds=[0] * 11))
    # [HOLDEM-1] Chips that add up to 2**63 could never be settled: with both all in, the
    # pot overflows the machine's i64 and neither settle nor the dealer's timeout succeeds.
    rejected(Reason.POKER_BAD_TABLE, lambda: Hand([2**62, 2**62], blinds=[2, 1], button=1))
    h = Hand([2**62, 2**62 - 1], blinds=[2, 1], button=1, sign=False,
             deck=deck(["AsAd", "KsKd"], "2c7h9dJc3s"))
    play(h, 2**62 - 1, "call")  # both all in: the board runs out and the pot is settled
    assert h.is_over and h.stacks == [2**63 - 1, 0]


def test_bad_inputs_are_rejections_not_crashes() -> None:
    rejected(Reason.POKER_BAD_TABLE, lambda: Hand([100.5, 100], blinds=[1, 2]))  # type: ignore[list-item]
    rejected(Reason.POKER_BAD_TABLE, lambda: Hand([100, 100], blinds=[1, 2], button="0"))  # type: ignore[arg-type]
    h = Hand([100, 100], blinds=[2, 1], button=1, seed=1)
    rejected(Reason.POKER_BAD_AMOUNT, h.raise_to, True)
    rejected(Reason.POKER_BAD_AMOUNT, h.act, "raise", None)
    rejected(Reason.POKER_BAD_AMOUNT, h.act, "raise", 2**70)


# ---------------------------------------------------------------- stalls ([HOLDEM-17])


def test_a_stalled_player_folds_or_checks() -> None:
    h = Hand([100, 100, 100], blinds=[5, 10, 0], button=2, seed=11)
    assert h.deadline() == h.machine.state.time + 120
    h.time_out()  # seat 2 faces the big blind: it folds
    assert h.var("folded") == (False, False, True)
    h.call()  # small blind
    h.time_out()  # the big blind may check: it checks
    assert len(h.board) == 3 and h.steps[-2].by == "anyone"
    before = h.machine.state
    with pytest.raises(Rejected) as exc:  # early: only the players may act
        h._apply("timeout", (), seat_key(0), before.time + 1)
    assert exc.value.reason is Reason.FSM_TIMEOUT_NOT_DUE


def test_after_the_deadline_only_the_timeout_is_accepted() -> None:
    h = Hand([100, 100], blinds=[10, 5], button=1, seed=12, auto=False)
    h.deal_hole([0, 1, 2, 3])
    deadline = h.deadline()
    assert deadline is not None
    with pytest.raises(Rejected) as exc:
        h._apply("call", (), seat_key(1), deadline)
    assert exc.value.reason is Reason.FSM_DEADLINE_PASSED


def test_a_stalled_dealer_is_replaced_or_the_hand_cancelled() -> None:
    # Everyone folded but the dealer does not settle: the machine settles.
    h = Hand([100, 100, 100], blinds=[5, 10, 0], button=2, auto=False)
    h.deal_hole(list(range(6)))
    h.fold()
    h.fold()
    h.time_out()
    assert h.is_over and not h.cancelled and h.stacks == [95, 105, 100]
    # The dealer does not deal the flop: the hand is cancelled, every stack restored.
    h = Hand([100, 100, 100], blinds=[5, 10, 0], button=2, auto=False, antes=[0, 3, 0])
    h.deal_hole(list(range(6)))
    h.raise_to(40)
    h.call()
    h.call()
    h.time_out()
    assert h.cancelled and h.stacks == [100, 100, 100]
    # The dealer never deals the hole cards: cancelled too.
    h = Hand([100, 100], blinds=[10, 5], button=1, auto=False)
    h.time_out()
    assert h.cancelled and h.stacks == [100, 100]
    rejected(Reason.POKER_HAND_OVER, h.time_out)
