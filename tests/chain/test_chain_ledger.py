"""The ledger: best chain, UTXO set, reorganizations, finality (spec/02-chain.md sections 6-7)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from chipstack.chain.block import Block, assemble_block, make_coinbase
from chipstack.chain.conditions import KeyCondition
from chipstack.chain.devnet import mine_block, new_devnet
from chipstack.chain.header import REGTEST_BITS
from chipstack.chain.ledger import BlockStatus, Ledger
from chipstack.chain.scenario import build_scenario
from chipstack.chain.sighash import sign_input
from chipstack.chain.tx import COIN, OutPoint, Tx, TxIn, TxOut
from chipstack.chain.utxo import Utxo
from chipstack.crypto import PrivateKey
from chipstack.errors import Reason, Rejected

MINER = PrivateKey.from_label("ledger-test/miner")
ALICE = PrivateKey.from_label("alice")
OTHER = KeyCondition(PrivateKey.from_label("fork-miner").public_key)


def reason(fn: object) -> Reason:
    with pytest.raises(Rejected) as e:
        fn()  # type: ignore[operator]
    return e.value.reason


def devnet() -> Ledger:
    return new_devnet("ledger-test", miner=MINER)[0]


def child(
    ledger: Ledger,
    parent: Block,
    txs: Sequence[Tx] = (),
    reward: int = 50 * COIN,
    time: int | None = None,
    pay_to: KeyCondition = OTHER,
) -> Block:
    height = parent.txs[0].locktime + 1  # the coinbase locktime is the height (BLOCK-4)
    cb = make_coinbase(height, [TxOut(reward, pay_to)])
    return assemble_block(
        parent.hash,
        [cb, *txs],
        parent.header.time + 60 if time is None else time,
        parent.header.bits,
    )


def spend_genesis(ledger: Ledger, to: PrivateKey, amount: int) -> Tx:
    cb = ledger.block_at(0).txs[0]
    tx = Tx((TxIn(cb.outpoint(0)),), (TxOut(amount, KeyCondition(to.public_key)),))
    return sign_input(tx, 0, [cb.outputs[0]], ledger.params.chain_id, [MINER])


def test_mining_extends_the_chain_and_the_utxo_set() -> None:
    led = devnet()
    assert led.height == 0 and len(led.utxos()) == 1
    tx = spend_genesis(led, ALICE, 49 * COIN)
    mine_block(led, [tx])
    assert led.height == 1
    assert led.lookup(led.block_at(0).txs[0].outpoint(0)) is None
    got = led.lookup(tx.outpoint(0))
    assert got is not None and got.output.amount == 49 * COIN and got.height == 1
    # The coinbase collected the 1-coin fee.
    assert led.block_at(1).txs[0].outputs[0].amount == 51 * COIN
    assert led.utxos_for(KeyCondition(ALICE.public_key)) == [(tx.outpoint(0), got)]
    assert led.find_tx(tx.txid).height == 1


def test_side_chain_then_reorganization_then_back() -> None:
    led = devnet()
    tx = spend_genesis(led, ALICE, 50 * COIN)
    a1 = mine_block(led, [tx])
    a2 = mine_block(led)
    g = led.block_at(0)
    b1 = child(led, g, time=g.header.time + 61)
    assert led.apply_block(b1) is BlockStatus.SIDE_CHAIN
    b2 = child(led, b1)
    assert led.apply_block(b2) is BlockStatus.SIDE_CHAIN  # equal work: first seen stays
    assert led.tip.hash == a2.hash
    b3 = child(led, b2)
    assert led.apply_block(b3) is BlockStatus.REORGANIZED
    assert led.best_hashes() == [g.hash, b1.hash, b2.hash, b3.hash]
    # tx is no longer in the best chain; the genesis output is unspent again.
    assert led.lookup(g.txs[0].outpoint(0)) is not None
    assert reason(lambda: led.find_tx(tx.txid)) is Reason.CHAIN_UNKNOWN_TX
    assert led.lookup(tx.outpoint(0)) is None
    # The old branch comes back when it grows heavier.
    a3 = child(led, a2, pay_to=KeyCondition(MINER.public_key))
    a4 = child(led, a3, pay_to=KeyCondition(MINER.public_key))
    assert led.apply_block(a3) is BlockStatus.SIDE_CHAIN
    assert led.apply_block(a4) is BlockStatus.REORGANIZED
    assert led.find_tx(tx.txid).block_hash == a1.hash
    assert led.lookup(g.txs[0].outpoint(0)) is None


def utxo_snapshot(led: Ledger) -> dict[OutPoint, Utxo]:
    return dict(led.utxos())


def test_failed_reorganization_restores_the_old_chain() -> None:
    led = devnet()
    tx = spend_genesis(led, ALICE, 50 * COIN)
    mine_block(led, [tx])
    mine_block(led)
    before = (led.best_hashes(), utxo_snapshot(led))
    g = led.block_at(0)
    # A fork whose second block spends an output that does not exist on that fork.
    b1 = child(led, g, time=g.header.time + 61)
    bogus = sign_input(
        Tx((TxIn(tx.outpoint(0)),), (TxOut(COIN, OTHER),)),
        0,
        [tx.outputs[0]],
        led.params.chain_id,
        [ALICE],
    )
    b2 = child(led, b1, [bogus])
    b3 = child(led, b2)
    assert led.apply_block(b1) is BlockStatus.SIDE_CHAIN
    assert led.apply_block(b2) is BlockStatus.SIDE_CHAIN
    assert reason(lambda: led.apply_block(b3)) is Reason.CHAIN_MISSING_INPUT
    assert (led.best_hashes(), utxo_snapshot(led)) == before
    # The bad block and its descendant were dropped; the good fork block stays.
    assert led.entry(b2.hash) is None and led.entry(b3.hash) is None
    assert led.entry(b1.hash) is not None


def test_notarized_block_is_final() -> None:
    led, notaries = new_devnet("ledger-test", miner=MINER)
    for _ in range(4):
        mine_block(led)
    n = led.notarize(3, [(0, notaries[0]), (1, notaries[1])])
    led.apply_notarization(n)
    assert led.notarized_height == 3
    # A heavier fork from height 2 would undo height 3: refused outright.
    fork = child(led, led.block_at(2), time=led.block_at(2).header.time + 7)
    assert reason(lambda: led.apply_block(fork)) is Reason.CHAIN_REORG_BELOW_NOTARIZATION
    # A fork above the notarized block is allowed.
    above = child(led, led.block_at(3), time=led.block_at(3).header.time + 7)
    assert led.apply_block(above) is BlockStatus.SIDE_CHAIN
    assert reason(lambda: led.apply_notarization(n)) is Reason.CHAIN_NOTARY_STALE
    # The next notarization covers heights 4.. with MoM depth 1.
    mom, depth = led.mom_window(4)
    assert depth == 1 and mom == led.block_at(4).hash  # one leaf: the root is the leaf
    n2 = led.notarize(4, [(1, notaries[1]), (2, notaries[2])])
    led.apply_notarization(n2)
    assert led.last_notarization == n2


def test_notarization_must_match_the_ledger() -> None:
    led, notaries = new_devnet("ledger-test", miner=MINER)
    for _ in range(3):
        mine_block(led)
    good = led.notarize(2, [(0, notaries[0]), (2, notaries[2])])
    from dataclasses import replace

    from chipstack.chain.notary import sign_notarization

    signers = [(0, notaries[0]), (2, notaries[2])]
    ns, cid = led.params.notaries, led.params.chain_id
    bad_mom = sign_notarization(cid, 2, good.block_hash, bytes(32), good.mom_depth, ns, signers)
    assert reason(lambda: led.apply_notarization(bad_mom)) is Reason.CHAIN_NOTARY_BAD_MOM
    wrong_h = sign_notarization(cid, 1, good.block_hash, good.mom, 2, ns, signers)
    assert reason(lambda: led.apply_notarization(wrong_h)) is Reason.CHAIN_NOTARY_WRONG_HEIGHT
    unknown = sign_notarization(cid, 2, bytes(32), good.mom, good.mom_depth, ns, signers)
    assert reason(lambda: led.apply_notarization(unknown)) is Reason.CHAIN_NOTARY_WRONG_BLOCK
    assert reason(
        lambda: led.apply_notarization(replace(good, signatures=good.signatures[:1]))
    ) is (Reason.CHAIN_NOTARY_TOO_FEW_SIGNATURES)
    led.apply_notarization(good)


def test_block_level_rules() -> None:
    led = devnet()
    g = led.block_at(0)
    assert reason(lambda: led.apply_block(g)) is Reason.CHAIN_DUPLICATE_BLOCK
    orphan = assemble_block(
        bytes(32).replace(b"\x00", b"\x01"),
        [make_coinbase(1, [TxOut(1, OTHER)])],
        g.header.time + 60,
        REGTEST_BITS,
    )
    assert reason(lambda: led.apply_block(orphan)) is Reason.CHAIN_UNKNOWN_PARENT
    rich = child(led, g, reward=50 * COIN + 1)
    assert reason(lambda: led.apply_block(rich)) is Reason.CHAIN_COINBASE_TOO_LARGE
    wrong_h = assemble_block(
        g.hash, [make_coinbase(5, [TxOut(1, OTHER)])], g.header.time + 60, REGTEST_BITS
    )
    assert reason(lambda: led.apply_block(wrong_h)) is Reason.CHAIN_COINBASE_HEIGHT
    stale = child(led, g, time=g.header.time)
    assert reason(lambda: led.apply_block(stale)) is Reason.CHAIN_TIME_TOO_OLD
    future = child(led, g, time=g.header.time + 10_000)
    assert reason(lambda: led.apply_block(future, now=g.header.time)) is Reason.CHAIN_TIME_TOO_NEW
    assert led.apply_block(future, now=g.header.time + 3_000) is BlockStatus.CONNECTED
    assert led.height == 1


def test_double_spend_inside_one_block_is_refused() -> None:
    led = devnet()
    t1 = spend_genesis(led, ALICE, 10 * COIN)
    t2 = spend_genesis(led, ALICE, 20 * COIN)
    blk = child(led, led.block_at(0), [t1, t2], reward=50 * COIN)
    assert reason(lambda: led.apply_block(blk)) is Reason.CHAIN_MISSING_INPUT
    assert led.height == 0 and len(led.utxos()) == 1  # nothing half-applied


def test_chained_spend_inside_one_block() -> None:
    led = devnet()
    t1 = spend_genesis(led, ALICE, 50 * COIN)
    t2 = sign_input(
        Tx((TxIn(t1.outpoint(0)),), (TxOut(50 * COIN, OTHER),)),
        0,
        [t1.outputs[0]],
        led.params.chain_id,
        [ALICE],
    )
    mine_block(led, [t1, t2])
    assert led.lookup(t1.outpoint(0)) is None and led.lookup(t2.outpoint(0)) is not None


def test_bad_genesis() -> None:
    led = devnet()
    not_genesis = child(led, led.block_at(0))
    assert reason(lambda: Ledger(led.params, not_genesis)) is Reason.CHAIN_BAD_GENESIS


def test_scenario_builds_and_is_deterministic() -> None:
    a, b = build_scenario(), build_scenario()
    assert a.ledger.best_hashes() == b.ledger.best_hashes()
    assert a.ledger.height == 6 and a.ledger.notarized_height == 4
    total = sum(u.output.amount for u in a.ledger.utxos().values())
    # Seven subsidies minted; fees go back to miners; OP_RETURN carried no value.
    assert total == 7 * 50 * COIN
