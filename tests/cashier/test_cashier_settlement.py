"""Settlements and the authoritative position (spec/04-cashier.md section 4)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.cashier.book import Status
from chipstack.cashier.scenario import World, key, new_world
from chipstack.cashier.settlement import SignedSettlement, check_signed, sign_settlement
from chipstack.chain.tx import OutPoint
from chipstack.errors import Reason, Rejected


@pytest.fixture
def world() -> World:
    w = new_world()
    w.buy_in(w.players[0], 50)
    w.buy_in(w.players[1], 70)
    return w


def _seats(w: World) -> tuple[bytes, bytes]:
    return w.players[0].public_key.raw, w.players[1].public_key.raw


def _refused(w: World, ss: SignedSettlement, reason: Reason) -> None:
    before = w.book.position
    with pytest.raises(Rejected) as exc:
        w.book.settle(ss)
    assert exc.value.reason is reason, exc.value
    assert w.book.position == before  # REJ-2: nothing changed


def test_fully_signed_settlement_becomes_authoritative(world: World) -> None:
    a, b = _seats(world)
    s = world.settlement({a: 60, b: 60}, 100)
    world.book.settle(world.sign(s))
    assert world.book.position.seq == 1
    assert world.book.position.balances == (60, 60)
    assert SignedSettlement.decode(world.sign(s).encode()) == world.sign(s)
    world.book.check_conservation()


def test_missing_signature(world: World) -> None:
    a, b = _seats(world)
    s = world.settlement({a: 50, b: 70}, 100)
    _refused(world, world.sign(s, [world.players[0]]), Reason.CASHIER_MISSING_SIGNATURE)
    ss = world.sign(s)
    _refused(world, replace(ss, signatures=ss.signatures[:1]), Reason.CASHIER_MISSING_SIGNATURE)
    swapped = replace(ss, signatures=ss.signatures[::-1])
    _refused(world, swapped, Reason.CRYPTO_BAD_SIGNATURE)


def test_stale_sequence_cannot_roll_back(world: World) -> None:
    a, b = _seats(world)
    first = world.sign(world.settlement({a: 50, b: 70}, 100))
    world.book.settle(first)
    second = world.sign(world.settlement({a: 80, b: 40}, 200))
    world.book.settle(second)
    _refused(world, first, Reason.CASHIER_STALE_SETTLEMENT)
    same_seq = world.sign(replace(second.settlement, balances=(40, 80)))
    _refused(world, same_seq, Reason.CASHIER_STALE_SETTLEMENT)
    assert world.book.position.balances == (80, 40)


def test_balances_must_sum_to_deposits(world: World) -> None:
    a, b = _seats(world)
    _refused(world, world.sign(world.settlement({a: 51, b: 70}, 100)),
             Reason.CASHIER_BALANCES_NOT_SUMMING)  # fmt: skip
    _refused(world, world.sign(world.settlement({a: 0, b: 119}, 100)),
             Reason.CASHIER_BALANCES_NOT_SUMMING)  # fmt: skip


def test_deposits_listed_must_be_issued_and_kept(world: World) -> None:
    a, b = _seats(world)
    s = world.settlement({a: 50, b: 70}, 100)
    fake = OutPoint(bytes(32), 0)
    _refused(world, world.sign(replace(s, deposits=(*s.deposits, fake))),
             Reason.CASHIER_UNKNOWN_DEPOSIT)  # fmt: skip
    _refused(world, world.sign(replace(s, deposits=s.deposits[:1], balances=(50, 0))),
             Reason.CASHIER_DROPPED_DEPOSIT)  # fmt: skip


def test_unfunded_seat_holds_no_chips(world: World) -> None:
    a, b = _seats(world)
    c = key("player-free-rider")
    s = world.settlement({a: 50, b: 60, c.public_key.raw: 10}, 100)
    signers = [*world.players, c]
    _refused(world, world.sign(s, signers), Reason.CASHIER_UNFUNDED_PLAYER)
    ok = world.settlement({a: 50, b: 70, c.public_key.raw: 0}, 100)
    world.book.settle(world.sign(ok, signers))  # seated with nothing is fine
    assert world.book.position.seats[2] == c.public_key.raw


def test_seats_distinct_and_table_checked(world: World) -> None:
    a, b = _seats(world)
    s = world.settlement({a: 50, b: 70}, 100)
    dup = replace(s, seats=(a, a))
    _refused(world, world.sign(dup), Reason.CASHIER_DUPLICATE_PLAYER)
    other = replace(s, table_id=bytes(32))
    _refused(world, world.sign(other), Reason.CASHIER_WRONG_TABLE)
    with pytest.raises(Rejected):
        check_signed(sign_settlement(other, world.players), world.table.table_id)


def test_closing_settlement_closes(world: World) -> None:
    a, b = _seats(world)
    world.book.settle(world.sign(world.settlement({a: 20, b: 100}, 100, closing=True)))
    assert world.book.status is Status.CLOSED
    later = world.sign(world.settlement({a: 120, b: 0}, 200))
    _refused(world, later, Reason.CASHIER_TABLE_CLOSED)
    req_proof = world.deposit(world.players[0], 5)
    with pytest.raises(Rejected) as exc:
        world.book.issue(world.certify(world.request(req_proof), req_proof), req_proof)
    assert exc.value.reason is Reason.CASHIER_TABLE_CLOSED


@given(st.binary(max_size=500))
@settings(max_examples=200, deadline=None)
def test_settlement_decoder_fuzz(data: bytes) -> None:
    try:
        SignedSettlement.decode(data)
    except Rejected:
        pass


def test_new_deposit_chips_need_their_owner_seated() -> None:
    """[CASH-25]: seated players cannot share out a deposit issued to someone not seated."""
    w = new_world(n_players=3)
    w.buy_in(w.players[0], 50)
    w.buy_in(w.players[1], 70)
    a, b = _seats(w)
    w.book.settle(w.sign(w.settlement({a: 50, b: 70}, 100)))
    w.buy_in(w.players[2], 30)  # issued, joins at the next seq, its owner not yet seated
    stolen = w.settlement({a: 80, b: 70}, 200)  # sums to the chips of all listed deposits
    _refused(w, w.sign(stolen, w.players[:2]), Reason.CASHIER_MISSING_SIGNATURE)
    c = w.players[2].public_key.raw
    seated = w.settlement({a: 50, b: 70, c: 30}, 200)
    w.book.settle(w.sign(seated))
    assert w.book.position.balances == (50, 70, 30)
    w.book.check_conservation()
