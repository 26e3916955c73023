"""Redemption and pegged chips (spec/04-cashier.md sections 6-7)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.cashier.book import Status
from chipstack.cashier.params import PegParams
from chipstack.cashier.peg import (
    PriceAttestation,
    chips_to_coins,
    coins_to_chips,
    pegged_payouts,
    verify_price,
)
from chipstack.cashier.redemption import cosign_payout
from chipstack.cashier.scenario import CHIP_UNIT, START, World, new_world
from chipstack.chain.conditions import KeyCondition, OpReturn
from chipstack.chain.devnet import mine_block
from chipstack.chain.tx import COIN, OutPoint, TxOut
from chipstack.errors import Reason, Rejected


def _closed(w: World, balances: tuple[int, int] = (30, 90)) -> None:
    a, b = (p.public_key.raw for p in w.players)
    w.buy_in(w.players[0], 50)
    w.buy_in(w.players[1], 70)
    w.book.settle(w.sign(w.settlement(dict(zip((a, b), balances, strict=True)), START + 9,
                                      closing=True)))  # fmt: skip


def _reason(fn: object, *args: object) -> Reason:
    with pytest.raises(Rejected) as exc:
        fn(*args)  # type: ignore[operator]
    return exc.value.reason


def test_payout_pays_the_settlement_once() -> None:
    w = new_world()
    _closed(w)
    plan = w.book.plan()
    tx = cosign_payout(plan, w.table, w.ledger.params.chain_id, w.cashier_keys[1:])
    w.book.redeem(tx)
    assert w.book.status is Status.REDEEMED
    mine_block(w.ledger, [tx])
    for i, (p, chips) in enumerate(zip(w.players, (30, 90), strict=True)):
        utxo = w.ledger.lookup(OutPoint(tx.txid, i))
        assert utxo is not None
        assert utxo.output == TxOut(chips * CHIP_UNIT, KeyCondition(p.public_key))
    assert plan.change == 0  # unpegged: the deposits are exactly the chips
    memo = tx.outputs[-1].condition
    assert isinstance(memo, OpReturn) and memo.data[:4] == b"CSHR"
    w.book.check_conservation()
    # a replayed redemption: the book refuses it, and so does the chain
    assert _reason(w.book.redeem, tx) is Reason.CASHIER_ALREADY_REDEEMED
    assert _reason(mine_block, w.ledger, [tx]) is Reason.CHAIN_MISSING_INPUT


def test_payout_not_matching_the_settlement_is_refused() -> None:
    w = new_world()
    _closed(w)
    plan = w.book.plan()
    tx = plan.tx(w.table)
    a, b = tx.outputs[0], tx.outputs[1]
    skim = replace(tx, outputs=(replace(a, amount=a.amount + 1), replace(b, amount=b.amount - 1),
                                *tx.outputs[2:]))  # fmt: skip
    assert _reason(w.book.redeem, skim) is Reason.CASHIER_PAYOUT_MISMATCH
    thief = replace(tx, outputs=(replace(a, condition=KeyCondition(w.cashier_keys[0].public_key)),
                                 *tx.outputs[1:]))  # fmt: skip
    assert _reason(w.book.redeem, thief) is Reason.CASHIER_PAYOUT_MISMATCH
    assert w.book.status is Status.CLOSED and not w.book.redeemed


def test_no_payout_before_close_and_unsettled_chips_are_refunded() -> None:
    w = new_world()
    a, b = (p.public_key.raw for p in w.players)
    w.buy_in(w.players[0], 50)
    w.buy_in(w.players[1], 70)
    w.book.settle(w.sign(w.settlement({a: 40, b: 80}, START + 9)))
    assert _reason(w.book.plan) is Reason.CASHIER_TABLE_NOT_CLOSED
    w.buy_in(w.players[0], 25)  # joins at seq 2, never settled
    w.book.close(START + 9 + w.table.dispute_timeout)
    w.book.finalize(START + 9 + 2 * w.table.dispute_timeout)
    assert w.book.final_balances() == ((a, b), (65, 80))
    plan = w.book.plan()
    assert [c for _, c in plan.payments] == [65 * CHIP_UNIT, 80 * CHIP_UNIT]
    w.book.check_conservation()


# ------------------------------------------------------------------ pegged


def test_conversion_rounds_down_both_ways() -> None:
    # 1 chip = 1 cent; price 12,345 cents per coin
    assert coins_to_chips(COIN, 12_345, 1) == 12_345
    assert coins_to_chips(COIN // 3, 12_345, 1) == 4_114  # 33,333,333 * 12,345 / 10^8 = 4114.99
    assert coins_to_chips(COIN // 7, 12_345, 1) == 1_763  # 12345/7 = 1763.57 -> 1763
    assert chips_to_coins(1_763, 12_345, 1) == 1_763 * COIN // 12_345  # 14,281,085.46 -> floor
    assert chips_to_coins(1_763, 12_345, 1) == 14_281_085


def test_reserve_bears_the_price_fall_up_to_its_limit() -> None:
    # 100 chips each, deposits worth 2 coins, the price halves: 4 coins owed
    owed = chips_to_coins(100, 50, 1)
    assert owed == 2 * COIN
    full = pegged_payouts([100, 100], 50, 1, deposits=2 * COIN, reserve=3 * COIN)
    assert full.coins == (2 * COIN, 2 * COIN) and full.reserve_used == 2 * COIN
    assert not full.exhausted
    cut = pegged_payouts([100, 300], 50, 1, deposits=2 * COIN, reserve=COIN)
    # owed 2 + 6 = 8 coins, 3 available: every seat gets 3/8 of its due
    assert cut.exhausted and cut.coins == (2 * COIN * 3 // 8, 6 * COIN * 3 // 8)
    rise = pegged_payouts([100, 100], 200, 1, deposits=2 * COIN, reserve=COIN)
    assert rise.coins == (COIN // 2, COIN // 2) and rise.reserve_used == 0


def test_pegged_table_end_to_end() -> None:
    w = new_world(peg=PegParams(ref_per_chip=1, reserve=COIN), price=10_000)
    a, b = (p.public_key.raw for p in w.players)
    w.buy_in(w.players[0], 500)  # 500 cents at 100 dollars a coin: 0.05 coin
    w.buy_in(w.players[1], 300)
    assert w.book.chips_issued() == 800
    w.book.settle(w.sign(w.settlement({a: 600, b: 200}, START + 9, closing=True)))
    w.price = 8_000  # the coin falls 20 %
    w.mine()
    att = w.latest_price()
    assert att is not None
    assert verify_price(att, w.ledger.params.notaries, w.table.chain_id, att.block_hash) == 8_000
    reserve = (OutPoint(bytes(31) + b"\x01", 0), COIN)
    plan = w.book.plan(att, reserve)
    assert [c for _, c in plan.payments] == [600 * COIN // 8_000, 200 * COIN // 8_000]
    deposits = 800 * COIN // 10_000
    assert reserve in plan.inputs  # deposits fall short: the reserve joins
    assert plan.change == deposits + COIN - sum(c for _, c in plan.payments)
    # a price of an older block than the deposits is refused
    old = w.prices[w.ledger.block_at(2).hash]
    assert _reason(w.book.plan, old, reserve) is Reason.CASHIER_BAD_PRICE
    forged = replace(att, price=9_000)
    assert _reason(w.book.plan, forged, reserve) is Reason.CRYPTO_BAD_SIGNATURE
    assert _reason(w.book.plan, None, reserve) is Reason.CASHIER_BAD_PRICE


@given(st.binary(max_size=300))
@settings(max_examples=150, deadline=None)
def test_price_attestation_decoder_fuzz(data: bytes) -> None:
    try:
        PriceAttestation.decode(data)
    except Rejected:
        pass


def test_price_attestation_round_trips() -> None:
    w = new_world(peg=PegParams(ref_per_chip=1, reserve=COIN), price=12_345)
    att = w.latest_price()
    assert att is not None
    assert PriceAttestation.decode(att.encode()) == att
    assert att.price == 12_345 and att.height == w.ledger.height
