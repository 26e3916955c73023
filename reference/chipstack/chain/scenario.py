"""A small deterministic chain used by the vectors, the notebook and the benchmark.

Heights 0-6 of a devnet (3-of-5 notaries, regtest bits): a payment fan-out,
key, M-of-N and chained spends, a CC output and an OP_RETURN, a notarization
of height 4. Everything is derived from fixed labels, so every run builds
byte-identical blocks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from chipstack.chain.block import Block
from chipstack.chain.conditions import (
    EVAL_FSM,
    CCCondition,
    KeyCondition,
    MultisigCondition,
    OpReturn,
)
from chipstack.chain.devnet import mine_block, new_devnet
from chipstack.chain.ledger import Ledger
from chipstack.chain.notary import Notarization
from chipstack.chain.sighash import sign_input
from chipstack.chain.tx import COIN, Tx, TxIn, TxOut
from chipstack.crypto import PrivateKey

CHAIN_NAME = "chipstack-vectors"
NOTARY_LABELS = tuple(f"{CHAIN_NAME}/notary-{i}" for i in range(5))
NOTARY_THRESHOLD = 3
USER_LABELS = ("alice", "bob", "carol", "dave", "erin")
MINER_LABEL = f"{CHAIN_NAME}/miner"
#: Signers (index in the notary set) of the scenario's notarization.
NOTARIZATION_SIGNERS = (0, 2, 4)
NOTARIZED_HEIGHT = 4


@dataclass
class Scenario:
    """The built chain, its keys, its notable transactions and its notarization."""

    ledger: Ledger
    notary_keys: list[PrivateKey]
    keys: dict[str, PrivateKey]
    blocks: list[Block]
    fanout: Tx
    payments: list[Tx]
    notarization: Notarization


def key(label: str) -> PrivateKey:
    """Return the test key of ``label``."""
    return PrivateKey.from_label(label)


def _pay(
    tx: Tx, index: int, spent_outputs: Sequence[TxOut], chain_id: bytes, *signers: PrivateKey
) -> Tx:
    return sign_input(tx, index, spent_outputs, chain_id, list(signers))


def build_scenario() -> Scenario:
    """Build the scenario chain from scratch (a few milliseconds)."""
    miner = key(MINER_LABEL)
    ledger, notary_keys = new_devnet(CHAIN_NAME, NOTARY_LABELS, NOTARY_THRESHOLD, miner=miner)
    cid = ledger.params.chain_id
    keys = {label: key(label) for label in USER_LABELS}
    keys["miner"] = miner
    alice, bob, carol, dave, erin = (keys[u] for u in USER_LABELS)
    kc = {u: KeyCondition(keys[u].public_key) for u in USER_LABELS}
    blocks = [ledger.block_at(0), mine_block(ledger)]

    genesis_cb = ledger.block_at(0).txs[0]
    funds = genesis_cb.outputs[0]
    multisig = MultisigCondition(2, (alice.public_key, bob.public_key, carol.public_key))
    outputs = (
        TxOut(10 * COIN, kc["alice"]),
        TxOut(20 * COIN, multisig),
        TxOut(1 * COIN, CCCondition(EVAL_FSM, b"table-1")),
        TxOut(0, OpReturn(bytes([EVAL_FSM, ord("C")]) + b"create table-1")),
        TxOut(5 * COIN, kc["dave"]),
        TxOut(5 * COIN, kc["erin"]),
        TxOut(funds.amount - 41 * COIN - 10_000, KeyCondition(miner.public_key)),
    )
    fanout = _pay(Tx((TxIn(genesis_cb.outpoint(0)),), outputs), 0, [funds], cid, miner)
    blocks.append(mine_block(ledger, [fanout]))

    f = fanout.outpoint
    alice_to_bob = _pay(
        Tx((TxIn(f(0)),), (TxOut(4 * COIN, kc["bob"]), TxOut(6 * COIN - 1_000, kc["alice"]))),
        0,
        [outputs[0]],
        cid,
        alice,
    )
    multisig_to_bob = _pay(
        Tx((TxIn(f(1)),), (TxOut(20 * COIN - 2_000, kc["bob"]),)),
        0,
        [outputs[1]],
        cid,
        carol,
        alice,
    )
    dave_to_erin = _pay(
        Tx((TxIn(f(4)),), (TxOut(5 * COIN - 500, kc["erin"]),)), 0, [outputs[4]], cid, dave
    )
    erin_two_inputs = Tx(
        (TxIn(f(5)), TxIn(dave_to_erin.outpoint(0))),
        (TxOut(10 * COIN - 1_500, kc["alice"]),),
        locktime=3,
    )
    erin_spends = [outputs[5], dave_to_erin.outputs[0]]
    erin_two_inputs = _pay(erin_two_inputs, 0, erin_spends, cid, erin)
    erin_two_inputs = _pay(erin_two_inputs, 1, erin_spends, cid, erin)
    payments = [alice_to_bob, multisig_to_bob, dave_to_erin, erin_two_inputs]
    blocks.append(mine_block(ledger, payments))
    blocks.append(mine_block(ledger))
    blocks.append(mine_block(ledger))
    signers = [(i, notary_keys[i]) for i in NOTARIZATION_SIGNERS]
    notarization = ledger.notarize(NOTARIZED_HEIGHT, signers)
    ledger.apply_notarization(notarization)
    blocks.append(mine_block(ledger))
    return Scenario(ledger, notary_keys, keys, blocks, fanout, payments, notarization)


def key_table() -> dict[str, str]:
    """Return ``{label: public key hex}`` for every key the scenario uses (seeds: derive_seed)."""
    labels = [*USER_LABELS, MINER_LABEL, *NOTARY_LABELS, *OTHER_NOTARY_LABELS]
    return {label: key(label).public_key.hex() for label in labels}


#: A second notary set's labels, for "signed by another set" vectors.
OTHER_NOTARY_LABELS = tuple(f"other-chain/notary-{i}" for i in range(5))
