"""Hold'em hands disputed at a cashier table ([CASH-30], [CASH-38], spec/04-cashier.md s. 5)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.cashier.dispute import Dispute, Hand, decode_dispute, encode_dispute
from chipstack.cashier.scenario import START, World, key, new_world
from chipstack.cashier.settlement import SignedSettlement
from chipstack.errors import Reason, Rejected
from chipstack.fsm.equivocation import make_evidence
from chipstack.fsm.event import Event, sign_event
from chipstack.poker.cards import parse_cards
from chipstack.poker.cashier_rules import HoldemRules, dispute_hand
from chipstack.poker.hand import Hand as PokerHand

TIMEOUT = 600
BUY_INS = (30, 60, 90)
# seat 0 aces, seat 1 kings, seat 2 queens; a board with no straight or flush
DECK = parse_cards("AsAhKsKhQsQh2c3d7c8d9h")
# Seat 0 wins the main pot 3 x 30, seat 1 the side pot 2 x 30, seat 2 keeps its
# uncalled 30 ([POT-1], [POT-2]); the chips sum to the 180 bought in.
RESULT = (90, 60, 30)


def _table(penalty: int = 10) -> tuple[World, SignedSettlement]:
    w = new_world(n_players=3, game=HoldemRules(), dispute_timeout=TIMEOUT, penalty=penalty)
    for p, chips in zip(w.players, BUY_INS, strict=True):
        w.buy_in(p, chips)
    seats = [p.public_key.raw for p in w.players]
    base = w.sign(w.settlement(dict(zip(seats, BUY_INS, strict=True)), START + 100))
    w.book.settle(base)
    return w, base


def _all_in_hand(w: World, base: SignedSettlement) -> PokerHand:
    """Seat 0 shoves 30, seat 1 re-shoves 60, seat 2 calls: a main pot and a side pot."""
    hand = PokerHand(
        list(base.settlement.balances), blinds=[0, 1, 2], button=0, deck=DECK,
        created=base.settlement.time, keys=w.players, dealer=key("dealer"),
    )  # fmt: skip
    hand.raise_to(30)
    hand.raise_to(60)
    hand.call()
    assert hand.is_over and len(hand.settled_pots()) == 2
    return hand


def _reason(fn: object, *args: object) -> Reason:
    with pytest.raises(Rejected) as exc:
        fn(*args)  # type: ignore[operator]
    return exc.value.reason


def test_a_replayed_all_in_hand_is_paid_exactly() -> None:
    w, base = _table()
    hand = _all_in_hand(w, base)
    d = Dispute(base, (dispute_hand(hand, w.table.table_id, 2, w.players),), (), RESULT)
    now = base.settlement.time + TIMEOUT
    w.book.close(now, decode_dispute(encode_dispute(d)))  # through its encoding ([CASH-37])
    w.book.finalize(now + TIMEOUT)
    assert w.book.final_balances()[1] == RESULT
    assert w.book.position.seq == 2
    w.book.check_conservation()


def test_a_claim_the_events_do_not_give_is_refused() -> None:
    w, base = _table()
    hand = _all_in_hand(w, base)
    bound = dispute_hand(hand, w.table.table_id, 2, w.players)
    now = base.settlement.time + TIMEOUT
    for claim in [BUY_INS, (150, 0, 30), (90, 30, 60)]:
        assert _reason(w.book.close, now, Dispute(base, (bound,), (), claim)) is (
            Reason.CASHIER_DISPUTE_MISMATCH
        )
    # the hand stopped before the settlement
    cut = replace(bound, events=bound.events[:-1])
    assert _reason(w.book.close, now, Dispute(base, (cut,), (), RESULT)) is (
        Reason.CASHIER_DISPUTE_UNFINISHED
    )
    assert w.book.position.seq == 1 and w.book.status.value == "open"


def test_a_hand_signed_for_table_a_is_refused_at_table_b() -> None:
    wa, base_a = _table()
    wb, base_b = _table(penalty=11)  # same players and buy-ins, another table id
    assert wa.table.table_id != wb.table.table_id
    hand = _all_in_hand(wa, base_a)
    for_a = dispute_hand(hand, wa.table.table_id, 2, wa.players)
    now = base_b.settlement.time + TIMEOUT
    at_b = Dispute(base_b, (for_a,), (), RESULT)
    assert _reason(wb.book.close, now, at_b) is Reason.CRYPTO_BAD_SIGNATURE
    unbound = Dispute(base_b, (Hand(hand.instance, tuple(hand.events)),), (), RESULT)
    assert _reason(wb.book.close, now, unbound) is Reason.CASHIER_DISPUTE_BAD_GAME
    assert wb.book.position.seq == 1


def test_hand_n_is_refused_as_hand_n_plus_1() -> None:
    w, base = _table()
    hand = _all_in_hand(w, base)
    as_2 = dispute_hand(hand, w.table.table_id, 2, w.players)
    # a newer settlement at sequence 2 with the same balances: the next hand is number 3
    seats = [p.public_key.raw for p in w.players]
    base3 = w.sign(replace(w.settlement(dict(zip(seats, BUY_INS, strict=True)), START + 200),
                           seq=2))  # fmt: skip
    now = base3.settlement.time + TIMEOUT
    assert _reason(w.book.close, now, Dispute(base3, (as_2,), (), RESULT)) is (
        Reason.CRYPTO_BAD_SIGNATURE
    )
    # nor replayed as the next hand of the same dispute (its stacks are already spent)
    twice = Dispute(base, (as_2, as_2), (), RESULT)
    assert _reason(w.book.close, now, twice) is Reason.CASHIER_DISPUTE_BAD_GAME
    assert w.book.position.seq == 1


def test_an_equivocating_seat_forfeits_the_penalty() -> None:
    w, base = _table(penalty=10)
    hand = _all_in_hand(w, base)
    shove = hand.events[1]  # seat 0's raise to 30, after the deal
    assert shove.name == "raise_to"
    fold = sign_event(Event(shove.instance_id, shove.seq, shove.prev_hash, "fold", (), b"",
                            shove.time, b""), w.players[0])  # fmt: skip
    evidence = make_evidence(shove, fold)
    bound = dispute_hand(hand, w.table.table_id, 2, w.players)
    # seat 0 won 90 and forfeits min(10, 90), 5 to each other funded seat ([CASH-34])
    claim = (80, 65, 35)
    w.book.close(base.settlement.time + TIMEOUT, Dispute(base, (bound,), (evidence,), claim))
    assert w.book.position.balances == claim
    assert w.book.position.dispute is not None
    assert w.book.position.dispute.penalized == (w.players[0].public_key.raw,)


def test_a_mixed_binding_does_not_encode() -> None:
    w, base = _table()
    bound = dispute_hand(_all_in_hand(w, base), w.table.table_id, 2, w.players)
    mixed = Dispute(base, (bound, replace(bound, binding=())), (), RESULT)
    assert _reason(encode_dispute, mixed) is Reason.ENCODING_OUT_OF_RANGE


def test_binding_parts_decode_strictly() -> None:
    w, base = _table()
    bound = dispute_hand(_all_in_hand(w, base), w.table.table_id, 2, w.players)
    parts = encode_dispute(Dispute(base, (bound,), (), RESULT))
    assert parts[0][0] == 2  # version 2: a binding part follows the hand's events
    assert parts[-1] == bytes([3]) + b"".join(bound.binding)
    assert decode_dispute(parts).hands[0].binding == bound.binding
    assert _reason(decode_dispute, parts[:-1]) is Reason.ENCODING_TRUNCATED
    assert _reason(decode_dispute, (*parts[:-1], b"\x00")) is Reason.ENCODING_OUT_OF_RANGE
    assert _reason(decode_dispute, (*parts[:-1], parts[-1][:-1])) is Reason.ENCODING_TRUNCATED
    assert _reason(decode_dispute, (*parts[:-1], parts[-1] + b"\x00")) is (
        Reason.ENCODING_TRAILING_BYTES
    )
    # the version 1 header with the binding part still there: one part too many
    v1 = (bytes([1]) + parts[0][1:], *parts[1:])
    assert _reason(decode_dispute, v1) is Reason.ENCODING_TRUNCATED


@given(st.binary(max_size=300))
@settings(max_examples=100, deadline=None)
def test_binding_part_fuzz(data: bytes) -> None:
    parts = _fuzz_parts()
    try:
        d = decode_dispute((*parts[:-1], data))
    except Rejected:
        return
    assert encode_dispute(d)[-1] == data  # whatever decodes is canonical


_PARTS: list[tuple[bytes, ...]] = []


def _fuzz_parts() -> tuple[bytes, ...]:
    if not _PARTS:
        w, base = _table()
        bound = dispute_hand(_all_in_hand(w, base), w.table.table_id, 2, w.players)
        _PARTS.append(encode_dispute(Dispute(base, (bound,), (), RESULT)))
    return _PARTS[0]
