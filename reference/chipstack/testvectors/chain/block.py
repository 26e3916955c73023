"""Cases of the ``chain/block`` vector suite (spec/02-chain.md)."""

from __future__ import annotations

from typing import Any

from chipstack.chain.block import Block, assemble_block, make_coinbase
from chipstack.chain.conditions import KeyCondition
from chipstack.chain.notary import sign_notarization
from chipstack.chain.scenario import Scenario, key
from chipstack.chain.sighash import sign_input
from chipstack.chain.tx import COIN, Tx, TxOut
from chipstack.crypto import sha256d
from chipstack.testvectors.chain import pins
from chipstack.testvectors.chain.common import (
    KEYS_HEADER,
    JSONDict,
    Ops,
    failing_nonce,
    scenario,
)
from chipstack.testvectors.chain.jsonform import (
    notary_set_to_json,
)
from chipstack.testvectors.chain.ops import (
    op_block_check,
    op_ledger_replay,
)
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.vectors.model import Case, CaseTable, Suite

# ------------------------------------------------------------------- block


def _remine(block: Block, txs: list[Tx]) -> Block:
    h = block.header
    return assemble_block(h.prev_hash, txs, h.time, h.bits, h.version)


def block_cases(ops: Ops) -> list[Case]:
    """Cases of ``chain/block``."""
    c = CaseTable(ops)
    s = scenario()
    bits = s.ledger.params.bits
    b3 = s.blocks[3]
    c.valid(
        "block_check",
        {"block": b3.encode().hex(), "bits": bits},
        "height 3: coinbase and 4 payments",
        ["BLOCK-1", "BLOCK-2", "BLOCK-3"],
        [],
    )
    c.valid(
        "block_check",
        {"block": s.blocks[0].encode().hex(), "bits": bits},
        "genesis",
        ["BLOCK-1"],
        [],
    )
    mutated = Block(b3.header, (*b3.txs, b3.txs[-1]))
    c.invalid(
        "block_check",
        {"block": mutated.encode().hex(), "bits": bits},
        "last tx repeated: same Merkle root, mutated list (CVE-2012-2459)",
        ["BLOCK-3", "MERKLE-3"],
        ["mutated"],
    )
    dropped = Block(b3.header, b3.txs[:-1])
    c.invalid(
        "block_check",
        {"block": dropped.encode().hex(), "bits": bits},
        "a tx removed",
        ["BLOCK-3"],
        ["tampered"],
    )
    no_cb = _remine(b3, list(b3.txs[1:]))
    c.invalid(
        "block_check", {"block": no_cb.encode().hex(), "bits": bits}, "no coinbase", ["BLOCK-2"], []
    )
    two_cb = _remine(b3, [b3.txs[0], make_coinbase(3, [TxOut(1, b3.txs[0].outputs[0].condition)])])
    c.invalid(
        "block_check",
        {"block": two_cb.encode().hex(), "bits": bits},
        "two coinbases",
        ["BLOCK-2", "TX-12"],
        [],
    )
    dup = _remine(b3, [b3.txs[0], b3.txs[1], b3.txs[2], b3.txs[1]])
    c.invalid(
        "block_check",
        {"block": dup.encode().hex(), "bits": bits},
        "a tx twice, not adjacent",
        ["BLOCK-3"],
        [],
    )
    bad_pow = Block(failing_nonce(b3.header), b3.txs)
    c.invalid(
        "block_check",
        {"block": bad_pow.encode().hex(), "bits": bits},
        "nonce misses the target",
        ["CHAIN-3"],
        ["tampered"],
    )
    c.invalid(
        "block_check",
        {"block": b3.encode().hex(), "bits": 0x1D00FFFF},
        "checked at other bits",
        ["CHAIN-5"],
        [],
    )
    c.invalid(
        "block_check",
        {"block": b3.encode().hex() + "00", "bits": bits},
        "trailing byte",
        ["BLOCK-1"],
        ["encoding"],
    )
    _replay_cases(c, s)
    return c.cases


def _params_json(s: Scenario) -> JSONDict:
    p = s.ledger.params
    return {
        "chain_id": p.chain_id.hex(),
        "notary_set": notary_set_to_json(p.notaries),
        "bits": p.bits,
        "subsidy": p.subsidy,
    }


def _child(
    parent: Block,
    height: int,
    txs: list[Tx],
    pay_to: Any,
    time: int | None = None,
    reward: int = 50 * COIN,
) -> Block:
    cb = make_coinbase(height, [TxOut(reward, pay_to)])
    when = parent.header.time + 60 if time is None else time
    return assemble_block(parent.hash, [cb, *txs], when, parent.header.bits)


def alice_to_bob_again(s: Scenario) -> Tx:
    """Return the scenario's first payment (already mined at height 3)."""
    return s.payments[0]


def _replay_cases(c: CaseTable, s: Scenario) -> None:
    blocks = s.blocks
    params = _params_json(s)
    genesis = blocks[0].encode().hex()
    steps: list[JSONDict] = [{"block": b.encode().hex()} for b in blocks[1:5]]
    steps.append({"notarization": s.notarization.encode().hex()})
    steps.append({"block": blocks[5].encode().hex()})
    good = {"params": params, "genesis": genesis, "steps": steps}
    c.valid(
        "ledger_replay",
        good,
        "the scenario: 6 blocks and a notarization of height 4",
        ["BLOCK-6", "UTXO-4", "NOTARY-8"],
        ["ledger"],
    )
    miner_cond = blocks[1].txs[0].outputs[0].condition
    other_cond = KeyCondition(key("fork-miner").public_key)
    # A competing branch forking after height 4 (above the notarization).
    f5 = _child(blocks[4], 5, [], other_cond, time=blocks[4].header.time + 61)
    f6 = _child(f5, 6, [], other_cond)
    side = {**good, "steps": [*steps, {"block": f5.encode().hex()}]}
    c.valid(
        "ledger_replay",
        side,
        "equal-work fork at height 5 stays a side chain",
        ["BLOCK-7"],
        ["reorg", "ledger"],
    )
    reorg = {**good, "steps": [*steps, {"block": f5.encode().hex()}, {"block": f6.encode().hex()}]}
    c.valid(
        "ledger_replay",
        reorg,
        "heavier fork above the notarization: reorganization",
        ["BLOCK-7", "BLOCK-8", "NOTARY-9"],
        ["reorg", "ledger"],
    )
    bad5 = _child(
        blocks[4], 5, [alice_to_bob_again(s)], other_cond, time=blocks[4].header.time + 62
    )
    bad6 = _child(bad5, 6, [], other_cond)
    failed = {
        **good,
        "steps": [*steps, {"block": bad5.encode().hex()}, {"block": bad6.encode().hex()}],
    }
    c.invalid(
        "ledger_replay",
        failed,
        "heavier fork whose first block double-spends: reorganization refused",
        ["BLOCK-7", "BLOCK-8", "UTXO-1"],
        ["reorg", "ledger"],
    )
    # A fork below the notarized height 4.
    g4 = _child(blocks[3], 4, [], other_cond, time=blocks[3].header.time + 61)
    below = {**good, "steps": [*steps, {"block": g4.encode().hex()}]}
    c.invalid(
        "ledger_replay",
        below,
        "a block forking at height 4 after height 4 was notarized",
        ["NOTARY-9"],
        ["reorg", "ledger"],
    )
    pre = [{"block": b.encode().hex()} for b in blocks[1:3]]
    b2 = blocks[2]
    alice_to_bob = s.payments[0]
    again = _child(blocks[3], 4, [alice_to_bob], miner_cond)
    c.invalid(
        "ledger_replay",
        {**good, "steps": [*steps[:3], {"block": again.encode().hex()}]},
        "a block spending an output spent at height 3",
        ["UTXO-1"],
        ["ledger"],
    )
    conflict = sign_input(
        Tx(alice_to_bob.inputs, (TxOut(COIN, miner_cond),)),
        0,
        [s.fanout.outputs[0]],
        s.ledger.params.chain_id,
        [s.keys["alice"]],
    )
    twice = _child(b2, 3, [alice_to_bob, conflict], miner_cond)
    c.invalid(
        "ledger_replay",
        {**good, "steps": [*pre, {"block": twice.encode().hex()}]},
        "two txs of one block spend the same output",
        ["UTXO-1"],
        ["ledger"],
    )
    rich = _child(b2, 3, [], miner_cond, reward=50 * COIN + 1)
    c.invalid(
        "ledger_replay",
        {**good, "steps": [*pre, {"block": rich.encode().hex()}]},
        "coinbase claims subsidy + 1 with no fees",
        ["BLOCK-5"],
        ["ledger"],
    )
    fees_ok = _child(b2, 3, [alice_to_bob], miner_cond, reward=50 * COIN + 1_000)
    c.valid(
        "ledger_replay",
        {**good, "steps": [*pre, {"block": fees_ok.encode().hex()}]},
        "coinbase claims subsidy + the 1000 fee",
        ["BLOCK-5", "UTXO-2"],
        ["ledger"],
    )
    cb_bad = make_coinbase(7, [TxOut(50 * COIN, miner_cond)])
    wrong_h = assemble_block(b2.hash, [cb_bad], b2.header.time + 60, b2.header.bits)
    c.invalid(
        "ledger_replay",
        {**good, "steps": [*pre, {"block": wrong_h.encode().hex()}]},
        "coinbase locktime 7 at height 3",
        ["BLOCK-4"],
        ["ledger"],
    )
    old = _child(b2, 3, [], miner_cond, time=blocks[1].header.time)
    c.invalid(
        "ledger_replay",
        {**good, "steps": [*pre, {"block": old.encode().hex()}]},
        "time equal to the median of the previous blocks",
        ["CHAIN-7"],
        ["ledger"],
    )
    late = _child(b2, 3, [], miner_cond, time=b2.header.time + 7_201)
    c.invalid(
        "ledger_replay",
        {**good, "steps": [*pre, {"block": late.encode().hex(), "now": b2.header.time}]},
        "time 7201 s ahead of the node's clock",
        ["CHAIN-7"],
        ["ledger"],
    )
    c.valid(
        "ledger_replay",
        {**good, "steps": [*pre, {"block": late.encode().hex(), "now": b2.header.time + 1}]},
        "time exactly 7200 s ahead of the node's clock",
        ["CHAIN-7"],
        ["ledger"],
    )
    c.invalid(
        "ledger_replay",
        {**good, "steps": [{"block": blocks[2].encode().hex()}]},
        "height 2 without height 1",
        ["BLOCK-6"],
        ["ledger"],
    )
    c.invalid(
        "ledger_replay",
        {**good, "steps": [*pre, pre[-1]]},
        "the same block twice",
        ["BLOCK-6"],
        ["ledger"],
    )
    c.invalid(
        "ledger_replay",
        {**good, "steps": [*steps, {"notarization": s.notarization.encode().hex()}]},
        "the same notarization twice",
        ["NOTARY-8"],
        ["ledger"],
    )
    nk = s.notary_keys
    signers = [(i, nk[i]) for i in (0, 1, 2)]
    ns = s.ledger.params.notaries
    cid = s.ledger.params.chain_id
    bad_mom = sign_notarization(cid, 4, blocks[4].hash, sha256d(b"not the MoM"), 5, ns, signers)
    c.invalid(
        "ledger_replay",
        {**good, "steps": [*steps[:4], {"notarization": bad_mom.encode().hex()}]},
        "a notarization whose MoM is not the chain's",
        ["NOTARY-3", "NOTARY-8"],
        ["ledger"],
    )
    ghost = sign_notarization(cid, 4, f5.hash, s.notarization.mom, 5, ns, signers)
    c.invalid(
        "ledger_replay",
        {**good, "steps": [*steps[:4], {"notarization": ghost.encode().hex()}]},
        "a notarization of a block the ledger does not have",
        ["NOTARY-8"],
        ["ledger"],
    )


#: The operations of ``chain/block``: name -> adapter.
OPS = {"block_check": op_block_check, "ledger_replay": op_ledger_replay}

#: The ``chain/block`` suite.
SUITE = Suite(
    name="chain/block",
    description="context-free block checks and ledger replays (UTXO, best chain, finality)",
    notes=FLAGS,
    shared={"ledger_replay": ("params", "genesis")},
    reason_flags=REASON_FLAGS,
    operations=OPS,
    build_cases=lambda: block_cases(OPS) + pins.block_pins(OPS),
    extra_header=KEYS_HEADER,
)
