"""The UTXO set and the rules a transaction must meet against it.

Spec: ``spec/02-chain.md`` sections 4-5 (rules ``[SIGHASH-1]`` .. ``[SIGHASH-3]``,
``[UTXO-1]`` .. ``[UTXO-5]``).
:func:`check_tx_inputs` is the contextual check (inputs exist and are
unspent, witnesses unlock them, value is conserved, locktime has passed);
:meth:`UtxoSet.apply` spends and creates outputs and returns undo data.
CC outputs are unlocked by the validator registered for their eval code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Protocol

from chipstack.chain.conditions import CCCondition, KeyCondition, MultisigCondition, OpReturn
from chipstack.chain.sighash import check_signature_witness
from chipstack.chain.tx import MAX_MONEY, OutPoint, Tx, TxOut
from chipstack.errors import Reason, Rejected, require


@dataclass(frozen=True)
class Utxo:
    """An unspent output with the height of the block that created it."""

    output: TxOut
    height: int
    coinbase: bool


class UtxoView(Protocol):
    """Anything that can look an outpoint up (a :class:`UtxoSet`, a ledger)."""

    def lookup(self, outpoint: OutPoint) -> Utxo | None:
        """Return the unspent output at ``outpoint``, or None if spent or unknown."""
        ...


@dataclass(frozen=True)
class CCSpend:
    """What a CC validator is shown when a CC output is spent ([UTXO-5])."""

    tx: Tx
    input_index: int
    spent: Utxo
    condition: CCCondition
    height: int
    chain_id: bytes
    view: UtxoView


#: A CC validator: returns None to accept the spend, raises ``Rejected`` to refuse it.
CCValidator = Callable[[CCSpend], None]


def check_tx_inputs(
    tx: Tx,
    view: UtxoView,
    height: int,
    chain_id: bytes,
    cc_validators: Mapping[int, CCValidator] | None = None,
) -> int:
    """Check a non-coinbase transaction against ``view`` for a block at ``height``; return its fee.

    Rules [TX-12], [UTXO-1], [UTXO-2], [UTXO-3], [UTXO-5], in the order stated
    in spec/02-chain.md section 5: at least one input; ``locktime <= height``; every input unspent
    in ``view`` (all inputs looked up before any witness is checked); each
    input's witness or CC validator, in input order; the sum of the inputs;
    the inputs cover the outputs (the difference is the fee).
    """
    # [TX-12]
    require(not tx.is_coinbase, Reason.CHAIN_TX_NO_INPUTS, "only a block's first tx has no inputs")
    # [UTXO-3]
    require(tx.locktime <= height, Reason.CHAIN_TX_LOCKTIME, f"locked until {tx.locktime}")
    validators = cc_validators or {}
    spent: list[Utxo] = []
    for index, txin in enumerate(tx.inputs):
        found = view.lookup(txin.prevout)
        if found is None:  # [UTXO-1]
            raise Rejected(
                Reason.CHAIN_MISSING_INPUT,
                f"input {index} spends {txin.prevout.txid[::-1].hex()}:{txin.prevout.index}",
            )
        spent.append(found)
    spent_outputs = [u.output for u in spent]  # every signature commits to all ([SIGHASH-1])
    total_in = 0
    for index, utxo in enumerate(spent):
        total_in += utxo.output.amount
        cond = utxo.output.condition
        if isinstance(cond, KeyCondition | MultisigCondition):
            check_signature_witness(tx, index, spent_outputs, chain_id)  # [SIGHASH-2], [SIGHASH-3]
        elif isinstance(cond, CCCondition):
            validator = validators.get(cond.eval_code)
            if validator is None:  # [UTXO-5]
                raise Rejected(Reason.CHAIN_UNKNOWN_EVAL_CODE, f"eval code 0x{cond.eval_code:02x}")
            validator(CCSpend(tx, index, utxo, cond, height, chain_id, view))
        else:  # [TX-8]: an OP_RETURN output never enters the set; refuse it if a view holds one
            raise Rejected(Reason.CHAIN_MISSING_INPUT, "OP_RETURN outputs are unspendable")
    # [TX-10]: the inputs' sum
    require(total_in <= MAX_MONEY, Reason.CHAIN_BAD_AMOUNT, "inputs sum above MAX_MONEY")
    total_out = sum(o.amount for o in tx.outputs)
    require(  # [UTXO-2]
        total_out <= total_in,
        Reason.CHAIN_VALUE_OUT_EXCEEDS_IN,
        f"outputs {total_out} > inputs {total_in}",
    )
    return total_in - total_out


#: Undo data of one transaction: the outputs it spent, and the outpoints it created.
Undo = tuple[tuple[tuple[OutPoint, Utxo], ...], tuple[OutPoint, ...]]


class UtxoSet:
    """The set of unspent outputs, keyed by outpoint ([UTXO-1], [UTXO-4])."""

    def __init__(self) -> None:
        self._map: dict[OutPoint, Utxo] = {}

    def lookup(self, outpoint: OutPoint) -> Utxo | None:
        """Return the unspent output at ``outpoint`` or None."""
        return self._map.get(outpoint)

    def __len__(self) -> int:
        return len(self._map)

    def __iter__(self) -> Iterator[OutPoint]:
        return iter(self._map)

    def add(self, outpoint: OutPoint, utxo: Utxo) -> None:
        """Insert one entry directly (to state a set in tests and vectors)."""
        self._map[outpoint] = utxo

    def view(self) -> Mapping[OutPoint, Utxo]:
        """Return a read-only live view of the whole set."""
        return MappingProxyType(self._map)

    def apply(self, tx: Tx, height: int) -> Undo:
        """Spend ``tx``'s inputs and add its spendable outputs; return the undo data.

        OP_RETURN outputs are never added ([TX-8]). The caller has checked
        the transaction; a missing input here is still refused.
        """
        new = [
            (OutPoint(tx.txid, i), out)
            for i, out in enumerate(tx.outputs)
            if not isinstance(out.condition, OpReturn)
        ]
        for op, _ in new:
            require(op not in self._map, Reason.CHAIN_DUPLICATE_TX, "txid already has outputs")
        spent: list[tuple[OutPoint, Utxo]] = []
        for txin in tx.inputs:
            utxo = self._map.get(txin.prevout)
            if utxo is None:
                self._restore(spent)
                raise Rejected(Reason.CHAIN_MISSING_INPUT, "input already spent")
            spent.append((txin.prevout, utxo))
            del self._map[txin.prevout]
        created: list[OutPoint] = []
        for op, out in new:
            self._map[op] = Utxo(out, height, tx.is_coinbase)
            created.append(op)
        return tuple(spent), tuple(created)

    def undo(self, undo: Undo) -> None:
        """Reverse one :meth:`apply` (call in reverse order of application)."""
        spent, created = undo
        for op in created:
            self._map.pop(op, None)
        self._restore(list(spent))

    def _restore(self, spent: list[tuple[OutPoint, Utxo]]) -> None:
        for op, utxo in spent:
            self._map[op] = utxo
