"""The on-chain form on a real devnet ledger: D, C, E and T transactions (FSM-40 .. FSM-47)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chipstack.chain.conditions import EVAL_FSM, KeyCondition, OpReturn
from chipstack.chain.devnet import mine_block, new_devnet
from chipstack.chain.ledger import Ledger
from chipstack.chain.sighash import sign_input
from chipstack.chain.tx import OutPoint, Tx, TxIn, TxOut
from chipstack.crypto import PrivateKey
from chipstack.errors import Reason, Rejected
from chipstack.fsm import load_machine
from chipstack.fsm.onchain import (
    FUNC_DEFINE,
    FUNC_EVENT,
    FUNC_TIMEOUT,
    FsmIndex,
    Payload,
    create_tx,
    decode_payload,
    define_tx,
    event_tx,
    parse_marker,
    tx_payload,
)
from chipstack.fsm.scenario import Script, make_instance

MINER = PrivateKey.from_label("chipstack-devnet/miner")


class Wallet:
    """Spends the miner's coins: one unspent key output at a time, change back to the miner."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.coin = OutPoint(ledger.block_at(0).txs[0].txid, 0)

    def spent_output(self, outpoint: OutPoint) -> TxOut:
        """Return the unspent output at ``outpoint`` (the sighash commits to it)."""
        utxo = self.ledger.lookup(outpoint)
        assert utxo is not None
        return utxo.output

    def fund(self, tx: Tx, fee: int = 1000) -> Tx:
        utxo = self.ledger.lookup(self.coin)
        assert utxo is not None
        change = TxOut(utxo.output.amount - fee, KeyCondition(MINER.public_key))
        outs = (*tx.outputs[:-1], change, tx.outputs[-1])
        body = replace(tx, inputs=(*tx.inputs, TxIn(self.coin)), outputs=outs)
        spent = [self.spent_output(i.prevout) for i in body.inputs]  # all, in input order
        signed = sign_input(body, len(body.inputs) - 1, spent, self.ledger.params.chain_id, [MINER])
        self.coin = OutPoint(signed.txid, len(outs) - 2)
        return signed


def test_payload_bytes() -> None:
    p = Payload(FUNC_EVENT, (b"ab", b"c"))
    assert p.encode() == bytes([0xE7, ord("E"), 2]) + b"ab" + bytes([1]) + b"c"
    assert decode_payload(p.encode()) == p
    for bad, reason in (
        (b"", Reason.FSM_ONCHAIN_NOT_FSM),
        (b"\xe6D\x00", Reason.FSM_ONCHAIN_NOT_FSM),
        (b"\xe7Z\x00", Reason.FSM_ONCHAIN_BAD_FUNCID),
        (b"\xe7D\x00\x00", Reason.ENCODING_TRAILING_BYTES),
        (b"\xe7E\x00", Reason.ENCODING_TRUNCATED),
    ):
        with pytest.raises(Rejected) as info:
            decode_payload(bad)
        assert info.value.reason == reason


def test_turnstile_lives_on_the_devnet() -> None:
    index = FsmIndex()
    ledger, _ = new_devnet(cc_validators={EVAL_FSM: index.cc_validator()})
    wallet = Wallet(ledger)
    defn = load_machine("turnstile")
    inst = make_instance(defn, {"fare": 25}, {"operator": ["op"], "riders": ["r0"]}, 1_000)
    script = Script(defn, inst)

    def submit(tx: Tx) -> None:
        facts = index.check(tx, ledger)
        mine_block(ledger, [tx])
        index.record(tx, facts)

    d_tx = wallet.fund(define_tx(defn, ()))
    assert tx_payload(d_tx).funcid == FUNC_DEFINE
    assert isinstance(d_tx.outputs[-1].condition, OpReturn)
    submit(d_tx)
    submit(wallet.fund(create_tx(defn, inst, ())))
    marker = index.marker_of(inst.id)
    assert marker is not None
    utxo = ledger.lookup(marker)
    assert utxo is not None and parse_marker(utxo.output) == (inst.id, script.machine.state_hash)

    funcids = []
    for name, args, who, dt in (
        ("coin", {"amount": 25}, "r0", 5),
        ("push", {}, "r0", 5),
        ("coin", {"amount": 40}, "r0", 5),
        ("relock", {}, "x", 30),
    ):
        prev = script.machine.state
        out = script.step(name, args, who, dt)
        tx = event_tx(defn, prev, marker, script.events[-1], out.state_hash, out.via_timeout)
        funcids.append(tx_payload(tx).funcid)
        submit(tx)
        assert ledger.lookup(marker) is None  # the old marker is spent
        marker = index.marker_of(inst.id)
        assert marker is not None and marker.txid == tx.txid
    assert funcids == [FUNC_EVENT, FUNC_EVENT, FUNC_EVENT, FUNC_TIMEOUT]
    utxo = ledger.lookup(marker)
    assert utxo is not None and parse_marker(utxo.output) == (inst.id, script.machine.state_hash)

    # the ledger itself refuses a block spending the marker with a bad event
    bad = script.draft("push", {}, "op")
    bad_tx = event_tx(defn, script.machine.state, marker, bad, bytes(32), False)
    height = ledger.height
    with pytest.raises(Rejected) as info:
        mine_block(ledger, [bad_tx])
    assert info.value.reason == Reason.FSM_UNAUTHORIZED_SIGNER
    assert ledger.height == height
    # and a spend of the marker by a transaction that is not an FSM event
    steal = Tx((TxIn(marker),), (TxOut(0, KeyCondition(MINER.public_key)),))
    with pytest.raises(Rejected) as info:
        mine_block(ledger, [steal])
    assert info.value.reason == Reason.FSM_ONCHAIN_NOT_FSM
