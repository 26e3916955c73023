"""Executable disputes: closing a silent table by replaying the game (spec/04-cashier.md s. 5)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chipstack.cashier.book import Status
from chipstack.cashier.dispute import Dispute, Hand
from chipstack.cashier.games import DeclaredBalances, StakeAdapter
from chipstack.cashier.scenario import (
    START,
    HandPlayer,
    World,
    hand_instance,
    key,
    new_world,
    play_oddeven,
)
from chipstack.cashier.settlement import SignedSettlement
from chipstack.crypto import sha256
from chipstack.errors import Reason, Rejected
from chipstack.fsm.codec import definition_id
from chipstack.fsm.equivocation import make_evidence
from chipstack.fsm.expr import BYTES, INT
from chipstack.fsm.instance import Binding, Instance
from chipstack.fsm.machines import load_machine

TIMEOUT = 600
STAKE = 10


def _table(w: World, chips: tuple[int, int] = (50, 70)) -> SignedSettlement:
    """Buy in both players and settle sequence 1; return that settlement."""
    a, b = (p.public_key.raw for p in w.players[:2])
    w.buy_in(w.players[0], chips[0])
    w.buy_in(w.players[1], chips[1])
    ss = w.sign(w.settlement({a: chips[0], b: chips[1]}, START + 100), w.players[:2])
    w.book.settle(ss)
    return ss


def _dispute(base: SignedSettlement, hands: list[HandPlayer], claim: tuple[int, ...]) -> Dispute:
    return Dispute(base, tuple(Hand(h.instance, tuple(h.events)) for h in hands), (), claim)


def _reason(fn: object, *args: object) -> Reason:
    with pytest.raises(Rejected) as exc:
        fn(*args)  # type: ignore[operator]
    return exc.value.reason


def test_dispute_pays_the_played_result() -> None:
    w = new_world(dispute_timeout=TIMEOUT)
    base = _table(w)
    # seat 0 commits to an even secret, seat 1 guesses odd: the guess is wrong, seat 0 wins
    hp = play_oddeven(w, 2, (50, 70), STAKE, b"\x02secret", 1)
    now = base.settlement.time + TIMEOUT
    w.book.close(now, _dispute(base, [hp], (60, 60)))
    assert w.book.status is Status.CLOSING
    w.book.finalize(now + TIMEOUT)
    _, balances = w.book.final_balances()
    assert balances == (60, 60)  # not the refund (50, 70)
    w.book.check_conservation()


def test_a_silent_loser_is_finished_by_the_timeout() -> None:
    w = new_world(dispute_timeout=TIMEOUT)
    base = _table(w)
    # seat 0 sees the right guess coming and never reveals: after 60 s seat 1 forfeits it
    hp = play_oddeven(w, 2, (50, 70), STAKE, b"\x03", 1, reveal=False)
    assert hp.machine.state.name == "done"
    w.book.close(base.settlement.time + TIMEOUT, _dispute(base, [hp], (40, 80)))
    assert w.book.position.balances == (40, 80)


def test_close_waits_for_the_timeout_and_the_window() -> None:
    w = new_world(dispute_timeout=TIMEOUT)
    base = _table(w)
    t = base.settlement.time
    assert _reason(w.book.close, t + TIMEOUT - 1) is Reason.CASHIER_DISPUTE_TOO_EARLY
    assert w.book.status is Status.OPEN
    w.book.close(t + TIMEOUT)
    assert _reason(w.book.finalize, t + 2 * TIMEOUT - 1) is Reason.CASHIER_DISPUTE_TOO_EARLY
    w.book.finalize(t + 2 * TIMEOUT)
    assert w.book.final_balances()[1] == (50, 70)
    hp = play_oddeven(w, 2, (50, 70), STAKE, b"\x02", 1)
    late = _dispute(base, [hp], (60, 60))
    assert _reason(w.book.challenge, t + 2 * TIMEOUT, late) is Reason.CASHIER_TABLE_NOT_CLOSED


def test_claim_not_produced_by_the_events_is_refused() -> None:
    w = new_world(dispute_timeout=TIMEOUT)
    base = _table(w)
    hp = play_oddeven(w, 2, (50, 70), STAKE, b"\x02", 1)
    now = base.settlement.time + TIMEOUT
    for claim in [(50, 70), (40, 80), (120, 0)]:
        assert _reason(w.book.close, now, _dispute(base, [hp], claim)) is (
            Reason.CASHIER_DISPUTE_MISMATCH
        )
    assert w.book.status is Status.OPEN


def test_unfinished_and_foreign_hands_are_refused() -> None:
    w = new_world(dispute_timeout=TIMEOUT)
    base = _table(w)
    now = base.settlement.time + TIMEOUT
    hp = play_oddeven(w, 2, (50, 70), STAKE, b"\x02", 1)
    unfinished = Dispute(base, (Hand(hp.instance, tuple(hp.events[:2])),), (), (50, 70))
    assert _reason(w.book.close, now, unfinished) is Reason.CASHIER_DISPUTE_UNFINISHED
    wrong_hand = play_oddeven(w, 5, (50, 70), STAKE, b"\x02", 1)
    assert _reason(w.book.close, now, _dispute(base, [wrong_hand], (60, 60))) is (
        Reason.CASHIER_DISPUTE_BAD_GAME
    )
    wrong_stacks = play_oddeven(w, 2, (60, 60), STAKE, b"\x02", 1)
    assert _reason(w.book.close, now, _dispute(base, [wrong_stacks], (70, 50))) is (
        Reason.CASHIER_DISPUTE_BAD_GAME
    )
    # an event that is not the signed one: the engine refuses it
    forged = replace(hp.events[2], time=hp.events[2].time + 1)
    bad = Dispute(base, (Hand(hp.instance, (*hp.events[:2], forged)),), (), (60, 60))
    assert _reason(w.book.close, now, bad) is Reason.FSM_BAD_SIGNATURE
    assert w.book.status is Status.OPEN


def test_two_hands_chain_their_stacks() -> None:
    w = new_world(dispute_timeout=TIMEOUT)
    base = _table(w)
    h1 = play_oddeven(w, 2, (50, 70), STAKE, b"\x02", 1)  # seat 0 wins: (60, 60)
    h2 = play_oddeven(w, 3, (60, 60), 25, b"\x05", 1)  # seat 1 wins 25: (35, 85)
    w.book.close(base.settlement.time + TIMEOUT, _dispute(base, [h1, h2], (35, 85)))
    assert w.book.position.seq == 3
    assert w.book.position.balances == (35, 85)


def test_equivocation_is_penalized() -> None:
    w = new_world(dispute_timeout=TIMEOUT, penalty=7)
    base = _table(w)
    hp = HandPlayer(w, hand_instance(w, 2, (50, 70), STAKE, [p.public_key.raw for p in w.players]))
    p0, p1 = w.players
    hp.play("commit", {"digest": (BYTES, sha256(b"\x02"))}, p0)
    odd = hp.play("guess", {"parity": (INT, 1)}, p1)
    hp.machine = HandPlayer(w, hp.instance).machine  # rewind to sign a second guess
    hp.machine.apply(hp.events[0])
    even = hp.draft("guess", {"parity": (INT, 0)}, p1)
    hp.machine.apply(odd)
    hp.play("reveal", {"secret": (BYTES, b"\x02")}, p0)  # seat 0 wins 10: (60, 60)
    evidence = make_evidence(odd, even)
    d = Dispute(base, (Hand(hp.instance, tuple(hp.events)),), (evidence,), (67, 53))
    w.book.close(base.settlement.time + TIMEOUT, d)
    assert w.book.position.balances == (67, 53)
    assert w.book.position.dispute is not None
    assert w.book.position.dispute.penalized == (p1.public_key.raw,)
    twice = replace(d, evidence=(evidence, evidence))
    assert twice.claim == (67, 53)  # once per signer: the same claim holds


def test_penalty_goes_to_funded_seats_only() -> None:
    w = new_world(dispute_timeout=TIMEOUT, penalty=9)
    p0, p1 = w.players
    c = key("player-watcher")
    w.buy_in(p0, 50)
    w.buy_in(p1, 70)
    seats = (p0.public_key.raw, p1.public_key.raw, c.public_key.raw)
    base = w.sign(w.settlement(dict(zip(seats, (50, 70, 0), strict=True)), START + 100),
                  [p0, p1, c])  # fmt: skip
    w.book.settle(base)
    hp = play_oddeven(w, 2, (50, 70, 0), STAKE, b"\x02", 1, seats=seats)
    hp2 = HandPlayer(w, hp.instance)
    hp2.play("commit", {"digest": (BYTES, sha256(b"\x02"))}, p0)
    other = hp2.draft("guess", {"parity": (INT, 0)}, p1)
    ev = make_evidence(hp.events[1], other)
    # seat 0 won 10 (60, 60, 0); seat 1 equivocated and forfeits 9 to seat 0 alone
    d = Dispute(base, (Hand(hp.instance, tuple(hp.events)),), (ev,), (69, 51, 0))
    w.book.close(base.settlement.time + TIMEOUT, d)
    assert w.book.final_balances()[1] == (69, 51, 0)


def test_a_move_refutes_a_claimed_timeout() -> None:
    w = new_world(dispute_timeout=TIMEOUT)
    base = _table(w)
    honest = play_oddeven(w, 2, (50, 70), STAKE, b"\x02", 1)  # seat 0 revealed and won
    # seat 1 hides the reveal and claims seat 0 went silent (a forfeit it signs itself)
    fake = HandPlayer(w, honest.instance)
    for ev in honest.events[:2]:
        fake.machine.apply(ev)
        fake.events.append(ev)
    fake.play("forfeit", {}, w.players[1], dt=61)
    now = base.settlement.time + TIMEOUT
    w.book.close(now, _dispute(base, [fake], (40, 80)))
    assert w.book.position.balances == (40, 80)
    w.book.challenge(now + 1, _dispute(base, [honest], (60, 60)))
    assert w.book.position.balances == (60, 60)
    # the refuted claim cannot come back
    again = _dispute(base, [fake], (40, 80))
    assert _reason(w.book.challenge, now + 2, again) is Reason.CASHIER_STALE_SETTLEMENT
    w.book.finalize(now + TIMEOUT)
    assert w.book.final_balances()[1] == (60, 60)


def test_newer_signed_settlement_beats_an_older_dispute() -> None:
    w = new_world(dispute_timeout=TIMEOUT)
    base = _table(w)
    a, b = (p.public_key.raw for p in w.players)
    hp = play_oddeven(w, 2, (50, 70), STAKE, b"\x02", 1)
    h3 = play_oddeven(w, 3, (60, 60), STAKE, b"\x02", 1)
    now = base.settlement.time + TIMEOUT
    w.book.close(now, _dispute(base, [hp], (60, 60)))
    newer = w.sign(replace(w.settlement({a: 70, b: 50}, now), seq=3))
    w.book.challenge(now + 1, newer)
    assert (w.book.position.seq, w.book.position.balances) == (3, (70, 50))
    old = _dispute(base, [hp, h3], (70, 50))
    assert _reason(w.book.challenge, now + 2, old) is Reason.CASHIER_STALE_SETTLEMENT


def test_any_game_through_an_adapter_tictactoe() -> None:
    ttt = load_machine("tictactoe")
    rules = StakeAdapter(ttt, ("x", "o"), {"x_won": 0, "o_won": 1, "draw": -1}, stake=15)
    w = new_world(game=rules, dispute_timeout=TIMEOUT)
    base = _table(w)
    x, o = w.players
    inst = Instance(definition_id(ttt), (), (Binding("x", (x.public_key.raw,)),
                                            Binding("o", (o.public_key.raw,))), 2)  # fmt: skip
    hp = HandPlayer(w, inst)
    for cell, who in [(0, x), (3, o), (1, x), (4, o), (2, x)]:  # X takes the top row
        hp.play("move", {"cell": (INT, cell)}, who)
    assert hp.machine.state.name == "x_won"
    w.book.close(base.settlement.time + TIMEOUT, _dispute(base, [hp], (65, 55)))
    assert w.book.position.balances == (65, 55)


def test_game_without_the_convention_is_refused() -> None:
    with pytest.raises(Rejected) as exc:
        DeclaredBalances(load_machine("escrow"))
    assert exc.value.reason is Reason.CASHIER_DISPUTE_BAD_GAME


def test_a_rival_dispute_from_an_older_base_is_stale_even_when_longer() -> None:
    """[CASH-32]: once a dispute shows a newer base, nobody disputes from an older one."""
    w = new_world(dispute_timeout=TIMEOUT)
    s1 = _table(w)
    a, b = (p.public_key.raw for p in w.players)
    s2 = w.sign(w.settlement({a: 60, b: 60}, START + 200))  # hand 2 settled, not yet shown
    now = s1.settlement.time + TIMEOUT
    h3 = play_oddeven(w, 3, (60, 60), STAKE, b"\x02", 1)
    w.book.close(now, _dispute(s2, [h3], (70, 50)))
    assert (w.book.position.seq, w.book.settled.seq) == (3, 2)
    # from s1, three hands reach seq 4 > 3 with the same deposits: compared by sequence
    # ([CASH-35] (a)) it would win; it rolls back the shown s2, so it is stale
    old = [
        play_oddeven(w, 2, (50, 70), STAKE, b"\x03", 1),
        play_oddeven(w, 3, (40, 80), STAKE, b"\x03", 1),
        play_oddeven(w, 4, (30, 90), STAKE, b"\x03", 1),
    ]
    rival = _dispute(s1, old, (20, 100))
    assert _reason(w.book.challenge, now + 1, rival) is Reason.CASHIER_STALE_SETTLEMENT
    assert w.book.position.balances == (70, 50)
    # a longer rival from the shown base is compared under [CASH-35] and wins
    h4 = play_oddeven(w, 4, (70, 50), STAKE, b"\x02", 1)
    w.book.challenge(now + 2, _dispute(s2, [h3, h4], (80, 40)))
    assert (w.book.position.seq, w.book.position.balances) == (4, (80, 40))


def test_a_newcomer_who_never_signs_stalls_settlements_only_until_the_timeout() -> None:
    """[CASH-39]: a depositor who joins and never signs cannot freeze or take anything."""
    w = new_world(dispute_timeout=TIMEOUT, n_players=3)
    s1 = _table(w)
    a, b, c = (p.public_key.raw for p in w.players)
    w.buy_in(w.players[2], 30)  # joins at seq 2, then never signs anything
    # the seated players cannot settle without it: leaving its deposit out, or listing it
    # without its signature, are both refused
    skip = w.settlement({a: 60, b: 60}, START + 200)
    skip = replace(skip, deposits=s1.settlement.deposits)
    assert _reason(w.book.settle, w.sign(skip, w.players[:2])) is Reason.CASHIER_DROPPED_DEPOSIT
    unsigned = w.sign(w.settlement({a: 60, b: 60, c: 30}, START + 200), w.players[:2])
    assert _reason(w.book.settle, unsigned) is Reason.CASHIER_MISSING_SIGNATURE
    # the issuance did not move the clock: the table closes one timeout after s1, with the
    # hands the seated players played since replayed and the newcomer's chips refunded
    now = s1.settlement.time + TIMEOUT
    assert _reason(w.book.close, now - 1) is Reason.CASHIER_DISPUTE_TOO_EARLY
    h2 = play_oddeven(w, 2, (50, 70), STAKE, b"\x02", 1)
    w.book.close(now, _dispute(s1, [h2], (60, 60)))
    w.book.finalize(now + TIMEOUT)
    assert w.book.final_balances() == ((a, b, c), (60, 60, 30))
    w.book.check_conservation()
