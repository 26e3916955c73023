"""Demo section: one table's money from deposit to redemption, with a dispute decided by replay."""

from __future__ import annotations

from chipstack.cashier.dispute import Dispute, Hand
from chipstack.cashier.redemption import cosign_payout
from chipstack.cashier.scenario import START, new_world, play_oddeven
from chipstack.chain.devnet import mine_block
from chipstack.chain.tx import COIN
from chipstack.errors import Rejected


def run() -> list[str]:
    """Two buy-ins, a settlement, a hand whose loser goes silent, the dispute, one payout."""
    w = new_world(dispute_timeout=600)
    a, b = (p.public_key.raw for p in w.players)
    for p, chips in zip(w.players, (50, 70), strict=True):
        w.buy_in(p, chips)
    base = w.sign(w.settlement({a: 50, b: 70}, START + 100))
    w.book.settle(base)
    lines = [
        f"table {w.table.table_id.hex()[:16]}...: 2-of-3 cashiers, deposits of 50 and 70 chips "
        f"proved by SPV and certified; settlement 1 signed by both seats",
    ]
    hand = play_oddeven(w, 2, (50, 70), 10, b"\x03", 1, reveal=False)
    claim = Dispute(base, (Hand(hand.instance, tuple(hand.events)),), (), (40, 80))
    now = base.settlement.time + w.table.dispute_timeout
    try:
        w.book.close(now, Dispute(base, claim.hands, (), (30, 90)))
    except Rejected as exc:
        lines.append(f"an inflated dispute claim (30, 90): rejected, {exc.reason.value}")
    w.book.close(now, claim)
    w.book.finalize(now + w.table.dispute_timeout)
    lines.append(
        f"player-0 went silent after losing: {len(hand.events)} signed events replayed by the "
        f"game's FSM, closing balances {w.book.position.balances}"
    )
    payout = cosign_payout(w.book.plan(), w.table, w.ledger.params.chain_id, w.cashier_keys[:2])
    w.book.redeem(payout)
    mine_block(w.ledger, [payout])
    paid = [o.amount / COIN for o in payout.outputs[:-1]]
    lines.append(f"payout co-signed by 2 cashiers and mined: {paid} coins")
    try:
        w.book.redeem(payout)
    except Rejected as exc:
        lines.append(f"the same payout again: rejected, {exc.reason.value}")
    w.book.check_conservation()
    return lines
