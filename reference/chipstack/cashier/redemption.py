"""Redemption: the cashier set co-signs one payout per (table, sequence), exactly as settled.

Spec: ``spec/04-cashier.md`` section 6 (rules ``[CASH-40]`` .. ``[CASH-44]``).
The payout spends every deposit outpoint of the table (and, on a pegged
table that needs it, the cashier reserve), pays each seat's final balance
to the seat's key in seat order, returns the change to the cashier output,
and ends with the memo ``"CSHR" || table id || u64 seq || u64 price``.
Anyone can rebuild the expected transaction from the table's state, so a
cashier co-signs only a transaction equal to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from chipstack.cashier.params import TableParams
from chipstack.cashier.peg import pegged_payouts
from chipstack.chain.conditions import KeyCondition, OpReturn
from chipstack.chain.sighash import sign_input
from chipstack.chain.tx import OutPoint, Tx, TxIn, TxOut
from chipstack.crypto import PrivateKey, PublicKey
from chipstack.encoding import Writer
from chipstack.errors import Reason, require

#: First bytes of a redemption memo ([CASH-41]).
REDEEM_MAGIC = b"CSHR"


@dataclass(frozen=True)
class PayoutPlan:
    """The one payout a settled table allows: inputs, payments in seat order, change, memo."""

    inputs: tuple[tuple[OutPoint, int], ...]
    payments: tuple[tuple[bytes, int], ...]
    change: int
    memo: bytes
    exhausted: bool = False

    def tx(self, table: TableParams) -> Tx:
        """The unsigned payout transaction ([CASH-41])."""
        outs = [TxOut(coins, KeyCondition(PublicKey(k))) for k, coins in self.payments if coins]
        if self.change:
            outs.append(TxOut(self.change, table.cashiers.condition()))
        outs.append(TxOut(0, OpReturn(self.memo)))
        return Tx(tuple(TxIn(op) for op, _ in self.inputs), tuple(outs))

    def spent_outputs(self, table: TableParams) -> list[TxOut]:
        """The outputs the payout spends, in input order (for the sighash)."""
        cond = table.cashiers.condition()
        return [TxOut(amount, cond) for _, amount in self.inputs]


def redeem_memo(table_id: bytes, seq: int, price: int) -> bytes:
    """``"CSHR" || table_id[32] || u64 seq || u64 price`` (price 0 on an unpegged table)."""
    return Writer().raw(REDEEM_MAGIC).fixed(table_id, 32).u64(seq).u64(price).getvalue()


def plan_payout(
    table: TableParams,
    seq: int,
    seats: Sequence[bytes],
    balances: Sequence[int],
    deposits: Sequence[tuple[OutPoint, int]],
    price: int = 0,
    reserve: tuple[OutPoint, int] | None = None,
) -> PayoutPlan:
    """Build the payout of final ``balances`` ([CASH-40], [CASH-41], [CASH-54], [CASH-55]).

    Unpegged: each seat gets ``chips * chip_unit`` coins. Pegged: coins at
    ``price`` (see :func:`chipstack.cashier.peg.pegged_payouts`), the
    ``reserve`` output joining the inputs only when the deposits fall short.
    """
    inputs = sorted(deposits)
    total_in = sum(a for _, a in inputs)
    exhausted = False
    if table.peg is None:
        coins = [c * table.chip_unit for c in balances]
    else:
        reserve_amount = 0 if reserve is None else min(reserve[1], table.peg.reserve)
        split = pegged_payouts(balances, price, table.peg.ref_per_chip, total_in, reserve_amount)
        coins, exhausted = list(split.coins), split.exhausted
        if split.reserve_used and reserve is not None:
            inputs = sorted([*inputs, reserve])
            total_in += reserve[1]
    change = total_in - sum(coins)
    require(change >= 0, Reason.CASHIER_PAYOUT_MISMATCH, "payouts exceed the table's coins")
    return PayoutPlan(
        tuple(inputs),
        tuple(zip(seats, coins, strict=True)),
        change,
        redeem_memo(table.table_id, seq, price),
        exhausted,
    )


def check_payout(tx: Tx, plan: PayoutPlan, table: TableParams) -> None:
    """Reject (``cashier.payout_mismatch``) a payout that is not the plan's ([CASH-42]).

    Witnesses are ignored: they are checked by the chain when the payout is mined.
    """
    expected = plan.tx(table)
    require(
        tx.encode(with_witness=False) == expected.encode(with_witness=False),
        Reason.CASHIER_PAYOUT_MISMATCH,
        "the payout does not pay the settled balances",
    )


def cosign_payout(
    plan: PayoutPlan, table: TableParams, chain_id: bytes, keys: Sequence[PrivateKey]
) -> Tx:
    """Return the plan's payout with every input signed by ``keys`` (M cashier keys) ([CASH-43])."""
    tx = plan.tx(table)
    spent = plan.spent_outputs(table)
    for i in range(len(tx.inputs)):
        tx = sign_input(tx, i, spent, chain_id, keys)
    return tx
