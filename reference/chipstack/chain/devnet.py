"""Helpers to stand up a small test chain quickly: genesis, mining on the tip, paying keys.

Not consensus code: everything here only builds blocks that the rules in
:mod:`chipstack.chain.ledger` then check like any other.
"""

from __future__ import annotations

from collections.abc import Sequence

from chipstack.chain.block import Block, assemble_block, make_coinbase
from chipstack.chain.conditions import Condition, KeyCondition
from chipstack.chain.header import REGTEST_BITS, ZERO_HASH
from chipstack.chain.ledger import Ledger
from chipstack.chain.notary import NotarySet
from chipstack.chain.params import ChainParams, chain_id_from_name
from chipstack.chain.tx import OutPoint, Tx, TxOut
from chipstack.chain.utxo import CCValidator
from chipstack.crypto import PrivateKey

#: Time of every devnet genesis block (2026-01-01T00:00:00Z).
GENESIS_TIME = 1_767_225_600
#: Seconds between consecutive devnet blocks.
BLOCK_INTERVAL = 60


def genesis_block(params: ChainParams, pay_to: Condition, time: int = GENESIS_TIME) -> Block:
    """Return a mined genesis block whose coinbase pays the subsidy to ``pay_to``."""
    coinbase = make_coinbase(0, [TxOut(params.subsidy, pay_to)])
    return assemble_block(ZERO_HASH, [coinbase], time, params.bits)


def new_devnet(
    name: str = "chipstack-devnet",
    notary_labels: Sequence[str] = ("notary-0", "notary-1", "notary-2"),
    threshold: int = 2,
    miner: PrivateKey | None = None,
    bits: int = REGTEST_BITS,
    cc_validators: dict[int, CCValidator] | None = None,
) -> tuple[Ledger, list[PrivateKey]]:
    """Return a ledger with a mined genesis, and the notaries' private keys in set order."""
    notaries, keys = NotarySet.from_labels(notary_labels, threshold)
    params = ChainParams(chain_id_from_name(name), notaries, bits=bits)
    miner = miner or PrivateKey.from_label(f"{name}/miner")
    genesis = genesis_block(params, KeyCondition(miner.public_key))
    return Ledger(params, genesis, cc_validators), keys


def mine_block(
    ledger: Ledger, txs: Sequence[Tx] = (), pay_to: Condition | None = None, time: int | None = None
) -> Block:
    """Mine a block with ``txs`` on the ledger's tip, apply it and return it.

    The coinbase pays the subsidy plus fees to ``pay_to`` (default: the
    condition of the genesis coinbase output). ``time`` defaults to one
    :data:`BLOCK_INTERVAL` after the tip.
    """
    tip = ledger.tip
    height = tip.height + 1
    fees = 0
    earlier: dict[OutPoint, int] = {}  # outputs of earlier txs of this block
    for tx in txs:
        spent = 0
        for i in tx.inputs:
            u = ledger.lookup(i.prevout)
            spent += u.output.amount if u is not None else earlier.get(i.prevout, 0)
        fees += max(0, spent - sum(o.amount for o in tx.outputs))
        earlier.update({OutPoint(tx.txid, n): o.amount for n, o in enumerate(tx.outputs)})
    if pay_to is None:
        pay_to = ledger.block_at(0).txs[0].outputs[0].condition
    coinbase = make_coinbase(height, [TxOut(ledger.params.subsidy + fees, pay_to)])
    when = tip.block.header.time + BLOCK_INTERVAL if time is None else time
    block = assemble_block(tip.hash, [coinbase, *txs], when, ledger.params.bits)
    ledger.apply_block(block)
    return block
