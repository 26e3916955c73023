"""Chain cases that pin the order of checks and the choices of issue 8 (spec/02-chain.md).

Most inputs have two faults and expect the reason of the check the spec puts
first (flag ``check_order``); the rest pin a choice the spec settles (the median
of an even count, a provable coinbase, spendable genesis outputs) or a reason
added for a malformed operation input (VEC-9, SIGHASH-1). Each suite's
``build_cases`` appends these after its own cases.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from chipstack.chain.block import Block, assemble_block, make_coinbase
from chipstack.chain.conditions import Condition, KeyCondition, OpReturn
from chipstack.chain.header import BlockHeader, mine
from chipstack.chain.merkle import MerkleBranch, merkle_branch
from chipstack.chain.notary import sign_notarization
from chipstack.chain.proofs import HeaderChainProof, TxProof
from chipstack.chain.scenario import Scenario
from chipstack.chain.tx import COIN, MAX_MONEY, OutPoint, Tx, TxIn, TxOut
from chipstack.chain.utxo import Utxo
from chipstack.crypto import sha256d
from chipstack.encoding import Writer
from chipstack.testvectors.chain.common import Ops, failing_nonce, hexes, scenario
from chipstack.testvectors.chain.jsonform import (
    notary_set_to_json,
    output_to_json,
    tx_to_json,
    utxo_to_json,
)
from chipstack.testvectors.pins import TWO_FAULTS, Pins
from chipstack.vectors.model import Case

JSONDict = dict[str, Any]
#: Bits that are not the scenario chain's (regtest) but a valid target of their own.
FOREIGN_BITS = 0x2000FFFF
#: A forged 64-byte signature.
FORGED = bytes(64)


def _raw_tx(inputs: list[bytes], outputs: list[bytes]) -> str:
    w = Writer().u8(1).compact_size(len(inputs))
    for i in inputs:
        w.raw(i)
    w.compact_size(len(outputs))
    for o in outputs:
        w.raw(o)
    return w.u32(0).getvalue().hex()


def _raw_out(amount: int, condition: bytes) -> bytes:
    return Writer().u64(amount).raw(condition).getvalue()


def header_pins(ops: Ops) -> list[Case]:
    """CHAIN-5's order: wrong bits, then bad bits, then proof of work."""
    p = Pins(ops)
    s = scenario()
    bits = s.ledger.params.bits
    h = s.blocks[1].header
    negative = replace(h, bits=0x04923456)  # sign bit set with a non-zero word
    p.add(
        "check_pow",
        {"header": negative.encode().hex(), "expected_bits": bits},
        "bits both negative (CHAIN-3) and not the chain's: the chain's bits first",
        ["CHAIN-5", "CHAIN-3"],
        [TWO_FAULTS, "bits"],
        "chain.wrong_bits",
    )
    foreign = failing_nonce(replace(h, bits=FOREIGN_BITS))
    p.add(
        "check_pow",
        {"header": foreign.encode().hex(), "expected_bits": bits},
        "bits not the chain's and a hash above their target: the chain's bits first",
        ["CHAIN-5", "CHAIN-3"],
        [TWO_FAULTS, "bits"],
        "chain.wrong_bits",
    )
    return p.cases


def merkle_pins(ops: Ops) -> list[Case]:
    """VEC-9: a leaf that is not 32 bytes is refused, not hashed."""
    p = Pins(ops)
    leaves = [sha256d(b"leaf 0"), sha256d(b"leaf 1") + b"\x00"]
    p.add(
        "merkle_root",
        {"leaves": hexes(leaves)},
        "a leaf of 33 bytes",
        ["VEC-9"],
        ["hash_length"],
        "vectors.bad_length",
    )
    return p.cases


def tx_pins(ops: Ops) -> list[Case]:
    """TX-1's decoding order, SIGHASH-1 .. SIGHASH-3, section 5's order of apply_tx."""
    p = Pins(ops)
    s = scenario()
    _decode_pins(p, s)
    _witness_pins(p, s)
    _apply_pins(p, s)
    return p.cases


def _decode_pins(p: Pins, s: Scenario) -> None:
    bob = s.keys["bob"].public_key.raw
    outpoint = Writer().fixed(sha256d(b"prev"), 32).u32(0).compact_size(0).getvalue()
    big = _raw_out(MAX_MONEY, b"\x01" + bob)
    p.add(
        "tx_decode",
        {"encoded": _raw_tx([outpoint, outpoint], [])},
        "no outputs and one outpoint twice: TX-11 before TX-13",
        ["TX-1", "TX-11", "TX-13"],
        [TWO_FAULTS],
        "chain.tx_no_outputs",
    )
    p.add(
        "tx_decode",
        {"encoded": _raw_tx([outpoint, outpoint], [big, big])},
        "outputs summing over MAX_MONEY and one outpoint twice: TX-10 before TX-13",
        ["TX-1", "TX-10", "TX-13"],
        [TWO_FAULTS, "amount"],
        "chain.bad_amount",
    )
    p.add(
        "tx_decode",
        {"encoded": _raw_tx([outpoint], [_raw_out(MAX_MONEY + 1, b"\x09")])},
        "an amount over MAX_MONEY on an output of unknown kind: the amount is checked "
        "once the whole output is read",
        ["TX-1", "TX-9", "TX-10"],
        [TWO_FAULTS, "amount"],
        "chain.unknown_condition",
    )


def _spend(s: Scenario, tx: Tx, index: int, spent: list[TxOut]) -> JSONDict:
    return {
        "chain_id": s.ledger.params.chain_id.hex(),
        "tx": tx_to_json(tx),
        "input_index": index,
        "spent_outputs": [output_to_json(o) for o in spent],
    }


def _witness_pins(p: Pins, s: Scenario) -> None:
    alice_to_bob, multisig_to_bob, _, _ = s.payments
    fan = s.fanout
    key_spent = [fan.outputs[0]]
    short = alice_to_bob.with_witness(0, (alice_to_bob.inputs[0].witness[0][:63],))
    p.add(
        "check_witness",
        _spend(s, short, 0, key_spent),
        "key spend with a 63-byte signature: a bad witness, not SIG-1's length code",
        ["SIGHASH-2", "SIG-1"],
        [TWO_FAULTS, "signature"],
        "chain.bad_witness",
    )
    w = multisig_to_bob.inputs[0].witness  # (alice, empty, carol)
    for witness, comment, why in [
        (
            (w[0], FORGED, w[2]),
            "2-of-3 with three non-empty items, one forged: the shape before any signature",
            "chain.bad_witness",
        ),
        (
            (FORGED, b"", w[2][:63]),
            "2-of-3, item 0 forged and item 2 of 63 bytes: items in key order, so the signature",
            "crypto.bad_signature",
        ),
        (
            (w[0][:63], b"", FORGED),
            "2-of-3, item 0 of 63 bytes and item 2 forged: items in key order, so the length",
            "chain.bad_witness",
        ),
    ]:
        p.add(
            "check_witness",
            _spend(s, multisig_to_bob.with_witness(0, witness), 0, [fan.outputs[1]]),
            comment,
            ["SIGHASH-3"],
            [TWO_FAULTS, "multisig"],
            why,
        )
    for op in ("sighash", "check_witness"):
        p.add(
            op,
            _spend(s, alice_to_bob, 1, key_spent),
            "input_index 1 of a one-input transaction",
            ["SIGHASH-1"],
            ["no_such_input"],
            "chain.bad_input_index",
        )
    p.add(
        "check_witness",
        _spend(s, alice_to_bob, 2, key_spent * 3),
        "input_index out of range and three spent outputs for one input: the index first",
        ["SIGHASH-1"],
        [TWO_FAULTS, "no_such_input"],
        "chain.bad_input_index",
    )
    to_bob = KeyCondition(s.keys["bob"].public_key)
    for index, amount, what, rule in [
        (2, COIN - 100, "a CC output (its validator decides)", "UTXO-5"),
        (3, 1, "an OP_RETURN output (never spendable)", "TX-8"),
    ]:
        tx = Tx((TxIn(fan.outpoint(index)),), (TxOut(amount, to_bob),))
        p.add(
            "check_witness",
            _spend(s, tx, 0, [fan.outputs[index]]),
            f"a signature check of {what}",
            ["SIGHASH-1", rule],
            ["unsigned_output"],
            "chain.not_signature_condition",
        )
    short_id = {**_spend(s, alice_to_bob, 0, key_spent)}
    short_id["chain_id"] = short_id["chain_id"][:62]
    p.add(
        "sighash", short_id, "a chain id of 31 bytes", ["VEC-9"], ["hash_length"],
        "vectors.bad_length",
    )


def _entry(tx: Tx, i: int) -> JSONDict:
    return utxo_to_json(tx.outpoint(i), Utxo(tx.outputs[i], 2, False))


def _apply(s: Scenario, tx: Tx, entries: list[JSONDict], height: int = 3) -> JSONDict:
    return {
        "chain_id": s.ledger.params.chain_id.hex(),
        "accept_eval_codes": [],
        "height": height,
        "utxos": entries,
        "tx": tx_to_json(tx),
    }


def _apply_pins(p: Pins, s: Scenario) -> None:
    alice_to_bob, _, _, erin_two = s.payments
    fan = s.fanout
    to_bob = KeyCondition(s.keys["bob"].public_key)
    ghost = TxIn(OutPoint(sha256d(b"no such tx"), 0))
    rows: list[tuple[Tx, list[JSONDict], int, str, list[str], str]] = [
        (
            Tx((ghost, ghost), (TxOut(COIN, to_bob),)),
            [],
            3,
            "one missing outpoint named twice: section 3.3 (step 1) before the set (step 4)",
            ["TX-13", "UTXO-1"],
            "chain.tx_duplicate_input",
        ),
        (
            Tx((), (TxOut(COIN, to_bob),), locktime=10),
            [],
            3,
            "a coinbase locked past the height: no inputs (step 2) before the locktime (step 3)",
            ["TX-12", "UTXO-3"],
            "chain.tx_no_inputs",
        ),
        (
            erin_two,
            [_entry(fan, 5)],
            2,
            "locktime 3 at height 2 and input 1 missing: the locktime (step 3) first",
            ["UTXO-3", "UTXO-1"],
            "chain.tx_locktime",
        ),
        (
            erin_two.with_witness(0, (FORGED,)),
            [_entry(fan, 5)],
            3,
            "input 0 forged and input 1 missing: every input is looked up before any witness",
            ["UTXO-1", "SIGHASH-2"],
            "chain.missing_input",
        ),
        (
            Tx((TxIn(fan.outpoint(2)), TxIn(fan.outpoint(0), (FORGED,))), (TxOut(COIN, to_bob),)),
            [_entry(fan, 2), _entry(fan, 0)],
            3,
            "input 0 a CC output with no validator, input 1 forged: inputs in order (step 5)",
            ["UTXO-5", "SIGHASH-2"],
            "chain.unknown_eval_code",
        ),
        (
            replace(alice_to_bob, outputs=(TxOut(11 * COIN, to_bob),)),
            [_entry(fan, 0)],
            3,
            "output raised above the input after signing: the signature (step 5) before the "
            "value (step 7)",
            ["SIGHASH-2", "UTXO-2"],
            "crypto.bad_signature",
        ),
    ]
    for tx, entries, height, comment, covers, why in rows:
        p.add("apply_tx", _apply(s, tx, entries, height), comment, covers, [TWO_FAULTS], why)
    long_txid = _entry(fan, 0)
    long_txid["txid"] += "00"
    p.add(
        "apply_tx",
        _apply(s, alice_to_bob, [long_txid]),
        "a UTXO entry whose txid is 33 bytes",
        ["VEC-9"],
        ["hash_length"],
        "vectors.bad_length",
    )


def notary_pins(ops: Ops) -> list[Case]:
    """NOTARY-7 after NOTARY-6, height before block."""
    p = Pins(ops)
    s = scenario()
    params = s.ledger.params
    n = s.notarization
    hashes = s.ledger.best_hashes()
    base = {
        "chain_id": params.chain_id.hex(),
        "notary_set": notary_set_to_json(params.notaries),
        "notarization": n.encode().hex(),
    }
    sigs = list(n.signatures)
    index, sig = sigs[1]
    sigs[1] = (index, bytes([sig[0] ^ 1]) + sig[1:])
    broken = replace(n, signatures=tuple(sigs))
    p.add(
        "notarization_verify",
        {
            **base,
            "notarization": broken.encode().hex(),
            "expect": {"height": 5, "block_hash": hashes[4].hex()},
        },
        "a bad signature, and another height expected: NOTARY-6 before NOTARY-7",
        ["NOTARY-6", "NOTARY-7"],
        [TWO_FAULTS, "context"],
        "crypto.bad_signature",
    )
    p.add(
        "notarization_verify",
        {**base, "expect": {"height": 5, "block_hash": hashes[5].hex()}},
        "another height and another block expected: the height first",
        ["NOTARY-7"],
        [TWO_FAULTS, "context"],
        "chain.notary_wrong_height",
    )
    return p.cases


def block_pins(ops: Ops) -> list[Case]:
    """BLOCK-3's order, BLOCK-9 (genesis), NOTARY-8's wrong height, CHAIN-7's median."""
    p = Pins(ops)
    s = scenario()
    bits = s.ledger.params.bits
    b3 = s.blocks[3]
    t1 = b3.txs[1]
    for block, comment, covers, why in [
        (
            assemble_block(b3.header.prev_hash, list(b3.txs[1:]), b3.header.time, FOREIGN_BITS),
            "mined at foreign bits and without a coinbase: the bits first",
            ["BLOCK-3", "CHAIN-5", "BLOCK-2"],
            "chain.wrong_bits",
        ),
        (
            Block(b3.header, b3.txs[1:]),
            "coinbase removed, so the root differs too: the coinbase position first",
            ["BLOCK-3", "BLOCK-2"],
            "chain.no_coinbase",
        ),
        (
            Block(b3.header, (b3.txs[0], replace(t1, inputs=t1.inputs * 2), *b3.txs[2:])),
            "tx 1 names its outpoint twice, so the root differs too: section 3.3 first",
            ["BLOCK-3", "TX-13"],
            "chain.tx_duplicate_input",
        ),
        (
            Block(b3.header, (b3.txs[0], t1, b3.txs[2], t1)),
            "tx 1 again at position 3 (not a mutation) and a root that differs: the root "
            "before duplicates",
            ["BLOCK-3"],
            "chain.merkle_mismatch",
        ),
           (
            Block(b3.header, (t1, b3.txs[0], *b3.txs[2:])),
            "a payment first and the coinbase second: the first tx not a coinbase, before "
            "the later one that is",
            ["BLOCK-3", "BLOCK-2"],
            "chain.no_coinbase",
        ),
        (
            Block(mine(replace(b3.header, merkle_root=sha256d(b"another root"))),
                  (*b3.txs, b3.txs[-1])),
            "last tx repeated (mutated) under a header whose root differs: mutation before root",
            ["BLOCK-3", "MERKLE-3"],
            "chain.merkle_mutated",
        ),
    ]:
        p.add(
            "block_check", {"block": block.encode().hex(), "bits": bits}, comment, covers,
            [TWO_FAULTS], why,
        )
    _replay_pins(p, s)
    return p.cases


def _child(parent: Block, height: int, pay_to: Condition, time: int) -> Block:
    coinbase = make_coinbase(height, [TxOut(50 * COIN, pay_to)])
    return assemble_block(parent.hash, [coinbase], time, parent.header.bits)


def _replay_pins(p: Pins, s: Scenario) -> None:
    params = s.ledger.params
    blocks = s.blocks
    base = {
        "params": {
            "chain_id": params.chain_id.hex(),
            "notary_set": notary_set_to_json(params.notaries),
            "bits": params.bits,
            "subsidy": params.subsidy,
        },
        "genesis": blocks[0].encode().hex(),
    }

    def steps(*bs: Block) -> list[JSONDict]:
        return [{"block": b.encode().hex()} for b in bs]

    g = blocks[0]
    orphan = assemble_block(sha256d(b"a parent"), list(g.txs), g.header.time, g.header.bits)
    p.add(
        "ledger_replay",
        {**base, "genesis": orphan.encode().hex(), "steps": []},
        "a genesis block with a parent",
        ["BLOCK-9"],
        ["structure"],
        "chain.bad_genesis",
    )
    lazy: BlockHeader = failing_nonce(orphan.header)
    p.add(
        "ledger_replay",
        {**base, "genesis": Block(lazy, orphan.txs).encode().hex(), "steps": []},
        "a genesis block with a parent and no work: the parent first",
        ["BLOCK-9"],
        [TWO_FAULTS, "pow"],
        "chain.bad_genesis",
    )
    p.add(
        "ledger_replay",
        {**base, "steps": steps(blocks[1], blocks[2])},
        "block 2 spends the genesis coinbase output: genesis outputs are spendable",
        ["BLOCK-9", "UTXO-1"],
        ["ledger"],
        "valid",
    )
    misplaced = sign_notarization(
        params.chain_id,
        3,
        blocks[4].hash,
        sha256d(b"any mom"),
        4,
        params.notaries,
        [(i, s.notary_keys[i]) for i in (0, 2, 4)],
    )
    p.add(
        "ledger_replay",
        {**base, "steps": [*steps(*blocks[1:5]), {"notarization": misplaced.encode().hex()}]},
        "a notarization of height 3 naming the block the ledger holds at height 4",
        ["NOTARY-8"],
        ["context"],
        "chain.notary_wrong_height",
    )
    stray = failing_nonce(replace(blocks[2].header, prev_hash=sha256d(b"unknown parent")))
    p.add(
        "ledger_replay",
        {**base, "steps": [{"block": Block(stray, blocks[2].txs).encode().hex()}]},
        "an unknown parent and no work: the parent before the context-free checks",
        ["BLOCK-6", "BLOCK-3"],
        [TWO_FAULTS, "ledger"],
        "chain.unknown_parent",
    )
    t0 = g.header.time
    assert blocks[1].header.time == t0 + 60
    miner = blocks[1].txs[0].outputs[0].condition
    for when, why, comment in [
        (
            t0 + 45,
            "chain.time_too_old",
            "ancestor times t and t+60: the median of two is the higher (t+60), so t+45 is "
            "too old (the lower one or the mean would accept it)",
        ),
        (t0 + 61, "valid", "ancestor times t and t+60: t+61 is above the median t+60"),
    ]:
        p.add(
            "ledger_replay",
            {**base, "steps": steps(blocks[1], _child(blocks[1], 2, miner, when))},
            comment,
            ["CHAIN-7"],
            ["timing"],
            why,
        )
    _notary_order_pins(p, s, base)
    late_clock = t0 - 10_000
    p.add(
        "ledger_replay",
        {
            **base,
            "steps": [
                *steps(blocks[1]),
                {"block": _child(blocks[1], 2, miner, t0 + 45).encode().hex(), "now": late_clock},
            ],
        },
        "block 2 at t+45, at most the median t+60 and over 7200 s ahead of a clock at "
        "t-10000: too old before too new",
        ["CHAIN-7"],
        [TWO_FAULTS, "timing"],
        "chain.time_too_old",
    )


def _notary_order_pins(p: Pins, s: Scenario, base: JSONDict) -> None:
    """NOTARY-8's order, after the scenario's notarization of height 4 and a side block 5."""
    params = s.ledger.params
    blocks = s.blocks
    side = _child(blocks[4], 5, blocks[5].txs[0].outputs[0].condition, blocks[4].header.time + 61)
    assert side.hash != blocks[5].hash
    before = [{"block": b.encode().hex()} for b in blocks[1:5]]
    before.append({"notarization": s.notarization.encode().hex()})
    before += [{"block": blocks[5].encode().hex()}, {"block": side.encode().hex()}]
    signers = [(i, s.notary_keys[i]) for i in (0, 1, 2)]

    def notarize(height: int, block_hash: bytes, mom: bytes) -> str:
        n = sign_notarization(params.chain_id, height, block_hash, mom, 1, params.notaries, signers)
        return n.encode().hex()

    forged = replace(
        s.notarization,
        signatures=((s.notarization.signatures[0][0], FORGED), *s.notarization.signatures[1:]),
    ).encode().hex()
    for notarization, comment, why, flag in [
        (
            forged,
            "height 4 again with its first signature forged: NOTARY-6 before stale",
            "crypto.bad_signature",
            "signature",
        ),
        (
            notarize(3, sha256d(b"no such block"), sha256d(b"any mom")),
            "height 3 (stale) of a block the ledger does not have: stale first",
            "chain.notary_stale",
            "context",
        ),
        (
            notarize(5, side.hash, sha256d(b"not the MoM")),
            "height 5 of the side block with a MoM that is not the chain's: the best chain "
            "before the MoM",
            "chain.notary_wrong_block",
            "context",
        ),
    ]:
        p.add(
            "ledger_replay",
            {**base, "steps": [*before, {"notarization": notarization}]},
            comment,
            ["NOTARY-8", "NOTARY-6"] if flag == "signature" else ["NOTARY-8"],
            [TWO_FAULTS, flag],
            why,
        )


def spv_pins(ops: Ops) -> list[Case]:
    """PROOF-2's order and a provable coinbase; PROOF-4: every header's work before links."""
    p = Pins(ops)
    s = scenario()
    bits = s.ledger.params.bits
    b3 = s.blocks[3]
    txids = b3.txids()
    t64 = Tx((TxIn(OutPoint(sha256d(b"x"), 0)),), (TxOut(0, OpReturn(b"0123456789")),))
    assert len(t64.encode()) == 64
    off_root = failing_nonce(replace(b3.header, merkle_root=sha256d(b"another root")))
    for proof, comment, covers, flags, why in [
        (
            TxProof(t64, MerkleBranch(0, ()), failing_nonce(b3.header)),
            "a 64-byte tx under a header without work: the transaction first",
            ["PROOF-2", "TX-14"],
            [TWO_FAULTS, "ambiguous_64"],
            "chain.tx_64_bytes",
        ),
        (
            TxProof(b3.txs[1], merkle_branch(txids, 1), off_root),
            "a header without work whose root the branch does not reach: the header first",
            ["PROOF-2", "MERKLE-5"],
            [TWO_FAULTS, "pow"],
            "chain.pow_failed",
        ),
        (
            TxProof(b3.txs[0], merkle_branch(txids, 0), b3.header),
            "the proof of a block's coinbase: a coinbase is provable",
            ["PROOF-2", "TX-12"],
            ["normal"],
            "valid",
        ),
    ]:
        p.add(
            "tx_proof_verify", {"proof": proof.encode().hex(), "bits": bits}, comment, covers,
            flags, why,
        )
    h = [b.header for b in s.blocks]
    chain = HeaderChainProof((h[1], h[3], failing_nonce(h[4])))
    p.add(
        "header_chain_verify",
        {"proof": chain.encode().hex(), "bits": bits},
        "header 2 does not link and header 3 has no work: every header's work before any link",
        ["PROOF-4", "CHAIN-6"],
        [TWO_FAULTS, "pow"],
        "chain.pow_failed",
    )
    return p.cases
