"""Cases of the ``chain/tx`` vector suite (spec/02-chain.md)."""

from __future__ import annotations

from dataclasses import replace

from chipstack.chain.conditions import KeyCondition, OpReturn
from chipstack.chain.scenario import Scenario, key
from chipstack.chain.sighash import sign_input
from chipstack.chain.tx import COIN, MAX_MONEY, OutPoint, Tx, TxIn, TxOut
from chipstack.chain.utxo import Utxo
from chipstack.crypto import sha256d
from chipstack.encoding import Writer
from chipstack.testvectors.chain import pins
from chipstack.testvectors.chain.common import (
    KEYS_HEADER,
    JSONDict,
    Ops,
    scenario,
)
from chipstack.testvectors.chain.jsonform import (
    output_to_json,
    tx_to_json,
    utxo_to_json,
)
from chipstack.testvectors.chain.ops import (
    op_apply_tx,
    op_check_witness,
    op_sighash,
    op_tx_decode,
    op_tx_encode,
)
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.vectors.model import Case, CaseTable, Suite

# ---------------------------------------------------------------------- tx


def _raw_tx(version: int, inputs: list[bytes], outputs: list[bytes], locktime: int = 0) -> str:
    w = Writer().u8(version).compact_size(len(inputs))
    for i in inputs:
        w.raw(i)
    w.compact_size(len(outputs))
    for o in outputs:
        w.raw(o)
    return w.u32(locktime).getvalue().hex()


def _raw_out(amount: int, condition: bytes) -> bytes:
    return Writer().u64(amount).raw(condition).getvalue()


def _raw_in(txid: bytes, index: int, witness: list[bytes]) -> bytes:
    w = Writer().fixed(txid, 32).u32(index).compact_size(len(witness))
    for item in witness:
        w.compact_size(len(item)).raw(item)
    return w.getvalue()


def _spend_case_input(s: Scenario, tx: Tx, index: int) -> JSONDict:
    return {
        "chain_id": s.ledger.params.chain_id.hex(),
        "tx": tx_to_json(tx),
        "input_index": index,
        "spent_outputs": [output_to_json(o) for o in spent_outputs(s, tx)],
    }


def spent_outputs(s: Scenario, tx: Tx) -> list[TxOut]:
    """Return the scenario outputs ``tx`` spends, in input order."""
    return [find_output(s, txin.prevout) for txin in tx.inputs]


def find_output(s: Scenario, op: OutPoint) -> TxOut:
    """Return the scenario output at ``op``."""
    for b in s.blocks:
        for t in b.txs:
            if t.txid == op.txid:
                return t.outputs[op.index]
    raise KeyError(op)


def tx_cases(ops: Ops) -> list[Case]:
    """Cases of ``chain/tx``."""
    c = CaseTable(ops)
    s = scenario()
    cid = s.ledger.params.chain_id
    alice_to_bob, multisig_to_bob, _, erin_two = s.payments
    c.valid(
        "tx_encode",
        {"tx": tx_to_json(s.fanout)},
        "fan-out: key, 2-of-3, CC (0xe7) and OP_RETURN outputs",
        ["TX-4", "TX-7", "TX-8"],
        ["multisig", "cc"],
    )
    c.valid(
        "tx_encode",
        {"tx": tx_to_json(s.ledger.block_at(0).txs[0])},
        "a coinbase (no inputs)",
        ["TX-1", "TX-2", "TX-12"],
        [],
    )
    for t, what in [
        (alice_to_bob, "key spend"),
        (multisig_to_bob, "2-of-3 spend"),
        (erin_two, "two inputs, locktime 3"),
    ]:
        c.valid(
            "tx_decode",
            {"encoded": t.encode().hex()},
            what,
            ["TX-1", "TX-2", "TX-3"],
            [],
        )
    c.valid(
        "tx_decode",
        {"encoded": s.fanout.encode().hex()},
        "fan-out: all four condition kinds decode",
        ["TX-5", "TX-6", "TX-7"],
        ["multisig", "cc"],
    )
    key_out = KeyCondition(s.keys["bob"].public_key).encode()
    txid = s.fanout.txid
    one_in = [_raw_in(txid, 0, [])]
    c.invalid(
        "tx_decode",
        {"encoded": _raw_tx(2, one_in, [_raw_out(1, key_out)])},
        "version 2",
        ["TX-1"],
        ["encoding"],
    )
    c.invalid(
        "tx_decode",
        {"encoded": _raw_tx(1, one_in, [_raw_out(1, key_out)]) + "00"},
        "trailing byte",
        ["TX-1"],
        ["encoding"],
    )
    c.invalid(
        "tx_decode",
        {"encoded": _raw_tx(1, one_in, [_raw_out(1, key_out[:32])])},
        "key condition with a 31-byte key",
        ["TX-5"],
        ["encoding"],
    )
    c.invalid(
        "tx_decode",
        {"encoded": _raw_tx(1, one_in, [_raw_out(1, b"\x05")])},
        "condition kind 0x05",
        ["TX-9"],
        ["encoding"],
    )
    pk = [key(u).public_key.raw for u in ("alice", "bob", "carol")]
    for thr, keys, what in [
        (0, pk, "0-of-3"),
        (3, pk[:2], "3-of-2"),
        (2, [pk[0], pk[0]], "same key twice"),
    ]:
        ms = bytes([0x02, thr, len(keys)]) + b"".join(keys)
        c.invalid(
            "tx_decode",
            {"encoded": _raw_tx(1, one_in, [_raw_out(1, ms)])},
            f"multisig {what}",
            ["TX-6"],
            ["multisig"],
        )
    ms17 = bytes([0x02, 1, 17]) + b"".join(key(f"k{i}").public_key.raw for i in range(17))
    c.invalid(
        "tx_decode",
        {"encoded": _raw_tx(1, one_in, [_raw_out(1, ms17)])},
        "17 keys",
        ["TX-6"],
        ["multisig"],
    )
    cc_big = Writer().u8(0x03).u8(0xE7).compact_size(10_001).raw(bytes(10_001)).getvalue()
    c.invalid(
        "tx_decode",
        {"encoded": _raw_tx(1, one_in, [_raw_out(1, cc_big)])},
        "CC data of 10001 bytes",
        ["TX-7"],
        ["cc"],
    )
    opr = OpReturn(b"\xe7data").encode()
    c.invalid(
        "tx_decode",
        {"encoded": _raw_tx(1, one_in, [_raw_out(1, opr)])},
        "OP_RETURN carrying value",
        ["TX-8"],
        ["cc"],
    )
    c.invalid(
        "tx_decode",
        {"encoded": _raw_tx(1, one_in, [_raw_out(MAX_MONEY + 1, key_out)])},
        "amount above MAX_MONEY",
        ["TX-10"],
        [],
    )
    two_half = [_raw_out(MAX_MONEY // 2 + 1, key_out), _raw_out(MAX_MONEY // 2 + 1, key_out)]
    c.invalid(
        "tx_decode",
        {"encoded": _raw_tx(1, one_in, two_half)},
        "outputs sum above MAX_MONEY",
        ["TX-10"],
        [],
    )
    c.invalid("tx_decode", {"encoded": _raw_tx(1, one_in, [])}, "no outputs", ["TX-11"], [])
    c.invalid(
        "tx_decode",
        {"encoded": _raw_tx(1, one_in * 2, [_raw_out(1, key_out)])},
        "same outpoint twice",
        ["TX-13"],
        [],
    )
    sixty_four = _raw_tx(1, [], [_raw_out(0, OpReturn(bytes(47)).encode())])
    c.invalid("tx_decode", {"encoded": sixty_four}, "a 64-byte transaction", ["TX-14"], [])
    c.valid(
        "tx_decode",
        {"encoded": _raw_tx(1, [], [_raw_out(0, OpReturn(bytes(48)).encode())])},
        "65 bytes is fine",
        ["TX-14"],
        [],
    )
    big_item = [_raw_in(txid, 0, [bytes(10_001)])]
    c.invalid(
        "tx_decode",
        {"encoded": _raw_tx(1, big_item, [_raw_out(1, key_out)])},
        "witness item of 10001 bytes",
        ["TX-3"],
        ["encoding"],
    )
    for t, i, what in [
        (alice_to_bob, 0, "key spend"),
        (multisig_to_bob, 0, "2-of-3 spend"),
        (erin_two, 1, "second input of two"),
    ]:
        c.valid("sighash", _spend_case_input(s, t, i), what, ["SIGHASH-1"], ["signature"])
    c.valid(
        "check_witness",
        _spend_case_input(s, alice_to_bob, 0),
        "alice signs",
        ["SIGHASH-1", "SIGHASH-2"],
        ["signature"],
    )
    c.valid(
        "check_witness",
        _spend_case_input(s, multisig_to_bob, 0),
        "alice and carol of 2-of-3",
        ["SIGHASH-1", "SIGHASH-3"],
        ["signature", "multisig"],
    )
    c.valid(
        "check_witness",
        _spend_case_input(s, erin_two, 1),
        "erin's second input",
        ["SIGHASH-1", "SIGHASH-2"],
        ["signature"],
    )
    base = _spend_case_input(s, alice_to_bob, 0)
    sig = bytearray(alice_to_bob.inputs[0].witness[0])
    sig[10] ^= 1
    c.invalid(
        "check_witness",
        {**base, "tx": tx_to_json(alice_to_bob.with_witness(0, (bytes(sig),)))},
        "signature bit flipped",
        ["SIGHASH-2"],
        ["signature", "tampered"],
    )
    c.invalid(
        "check_witness",
        {**base, "chain_id": sha256d(b"another chain").hex()},
        "signature made for another chain id",
        ["SIGHASH-1"],
        ["signature"],
    )
    more = replace(
        alice_to_bob,
        outputs=(TxOut(5 * COIN, alice_to_bob.outputs[0].condition), alice_to_bob.outputs[1]),
    )
    c.invalid(
        "check_witness",
        {**base, "tx": tx_to_json(more)},
        "output amount changed after signing",
        ["SIGHASH-1"],
        ["signature", "tampered"],
    )
    c.invalid(
        "check_witness",
        {**base, "tx": tx_to_json(alice_to_bob.with_witness(0, ()))},
        "no witness",
        ["SIGHASH-2"],
        ["signature"],
    )
    two = alice_to_bob.with_witness(0, (bytes(sig), bytes(sig)))
    c.invalid(
        "check_witness",
        {**base, "tx": tx_to_json(two)},
        "two items for a key",
        ["SIGHASH-2"],
        ["signature"],
    )
    by_bob = sign_input(
        alice_to_bob,
        0,
        [TxOut(10 * COIN, KeyCondition(s.keys["bob"].public_key))],
        cid,
        [s.keys["bob"]],
    )
    c.invalid(
        "check_witness",
        {**base, "tx": tx_to_json(by_bob)},
        "signed by bob, locked to alice",
        ["SIGHASH-2"],
        ["signature"],
    )
    ms_base = _spend_case_input(s, multisig_to_bob, 0)
    w = multisig_to_bob.inputs[0].witness
    bob_sig = (
        sign_input(
            multisig_to_bob,
            0,
            spent_outputs(s, multisig_to_bob),
            cid,
            [s.keys["bob"], s.keys["alice"]],
        )
        .inputs[0]
        .witness[1]
    )
    all_three = multisig_to_bob.with_witness(0, (w[0], bob_sig, w[2]))
    c.invalid(
        "check_witness",
        {**ms_base, "tx": tx_to_json(all_three)},
        "three signatures for 2-of-3",
        ["SIGHASH-3"],
        ["signature", "multisig"],
    )
    only_one = multisig_to_bob.with_witness(0, (w[0], b"", b""))
    c.invalid(
        "check_witness",
        {**ms_base, "tx": tx_to_json(only_one)},
        "one signature for 2-of-3",
        ["SIGHASH-3"],
        ["signature", "multisig"],
    )
    short = multisig_to_bob.with_witness(0, (w[0], w[2]))
    c.invalid(
        "check_witness",
        {**ms_base, "tx": tx_to_json(short)},
        "two items for three keys",
        ["SIGHASH-3"],
        ["signature", "multisig"],
    )
    swapped = multisig_to_bob.with_witness(0, (w[2], b"", w[0]))
    c.invalid(
        "check_witness",
        {**ms_base, "tx": tx_to_json(swapped)},
        "signatures in the wrong slots",
        ["SIGHASH-3"],
        ["signature", "multisig"],
    )
    _apply_tx_cases(c, s)
    _other_input_cases(c, s, erin_two)
    return c.cases


def _other_input_cases(c: CaseTable, s: Scenario, erin_two: Tx) -> None:
    """A signature commits to every input's spent output, not only its own ([SIGHASH-1])."""
    base = _spend_case_input(s, erin_two, 0)
    own, other = spent_outputs(s, erin_two)
    richer = TxOut(other.amount + COIN, other.condition)
    c.invalid(
        "check_witness",
        {**base, "spent_outputs": [output_to_json(own), output_to_json(richer)]},
        "another input's spent amount differs from the one signed",
        ["SIGHASH-1"],
        ["signature", "tampered"],
    )
    elsewhere = TxOut(other.amount, KeyCondition(s.keys["bob"].public_key))
    c.invalid(
        "check_witness",
        {**base, "spent_outputs": [output_to_json(own), output_to_json(elsewhere)]},
        "another input's spent condition differs from the one signed",
        ["SIGHASH-1"],
        ["signature", "tampered"],
    )
    c.invalid(
        "check_witness",
        {**base, "spent_outputs": [output_to_json(own)]},
        "one spent output listed for a two-input transaction",
        ["SIGHASH-1"],
        ["signature"],
    )


def _utxo_entries(s: Scenario, tx: Tx, height: int = 2) -> list[JSONDict]:
    return [
        utxo_to_json(i.prevout, Utxo(find_output(s, i.prevout), height, False)) for i in tx.inputs
    ]


def _apply_tx_cases(c: CaseTable, s: Scenario) -> None:
    cid = s.ledger.params.chain_id.hex()
    alice_to_bob, _, _, erin_two = s.payments
    c.valid(
        "apply_tx",
        {
            "chain_id": cid,
            "accept_eval_codes": [],
            "height": 3,
            "utxos": _utxo_entries(s, alice_to_bob),
            "tx": tx_to_json(alice_to_bob),
        },
        "alice pays bob, fee 1000",
        ["UTXO-1", "UTXO-2", "UTXO-4"],
        [],
    )
    c.valid(
        "apply_tx",
        {
            "chain_id": cid,
            "accept_eval_codes": [],
            "height": 3,
            "utxos": _utxo_entries(s, erin_two),
            "tx": tx_to_json(erin_two),
        },
        "locktime 3 in a block at height 3",
        ["UTXO-1", "UTXO-3"],
        [],
    )
    c.valid(
        "apply_tx",
        {
            "chain_id": cid,
            "accept_eval_codes": [],
            "height": 3,
            "utxos": _utxo_entries(s, s.fanout, 0),
            "tx": tx_to_json(s.fanout),
        },
        "fan-out: the OP_RETURN output is not created",
        ["UTXO-4", "TX-8"],
        ["cc"],
    )
    c.invalid(
        "apply_tx",
        {
            "chain_id": cid,
            "accept_eval_codes": [],
            "height": 3,
            "utxos": [],
            "tx": tx_to_json(alice_to_bob),
        },
        "input not in the set (spent or unknown)",
        ["UTXO-1"],
        [],
    )
    c.invalid(
        "apply_tx",
        {
            "chain_id": cid,
            "accept_eval_codes": [],
            "height": 2,
            "utxos": _utxo_entries(s, erin_two),
            "tx": tx_to_json(erin_two),
        },
        "locktime 3 in a block at height 2",
        ["UTXO-3"],
        [],
    )
    alice = s.keys["alice"]
    spent = find_output(s, alice_to_bob.inputs[0].prevout)
    greedy = Tx(
        alice_to_bob.inputs, (TxOut(10 * COIN + 1, KeyCondition(s.keys["bob"].public_key)),)
    )
    greedy = sign_input(greedy, 0, [spent], s.ledger.params.chain_id, [alice])
    c.invalid(
        "apply_tx",
        {
            "chain_id": cid,
            "accept_eval_codes": [],
            "height": 3,
            "utxos": _utxo_entries(s, greedy),
            "tx": tx_to_json(greedy),
        },
        "outputs exceed inputs by 1",
        ["UTXO-2"],
        [],
    )
    cc_op = s.fanout.outpoint(2)
    cc_spend = Tx((TxIn(cc_op, (b"any",)),), (TxOut(COIN, KeyCondition(alice.public_key)),))
    cc_utxo = [utxo_to_json(cc_op, Utxo(s.fanout.outputs[2], 2, False))]
    c.invalid(
        "apply_tx",
        {
            "chain_id": cid,
            "accept_eval_codes": [],
            "height": 3,
            "utxos": cc_utxo,
            "tx": tx_to_json(cc_spend),
        },
        "CC output with no validator for eval code 0xe7",
        ["UTXO-5"],
        ["cc"],
    )
    c.valid(
        "apply_tx",
        {
            "chain_id": cid,
            "accept_eval_codes": [0xE7],
            "height": 3,
            "utxos": cc_utxo,
            "tx": tx_to_json(cc_spend),
        },
        "CC output with a validator registered for 0xe7 that accepts",
        ["UTXO-5"],
        ["cc"],
    )
    c.invalid(
        "apply_tx",
        {
            "chain_id": cid,
            "accept_eval_codes": [0xE8],
            "height": 3,
            "utxos": cc_utxo,
            "tx": tx_to_json(cc_spend),
        },
        "a validator for 0xe8 does not unlock an 0xe7 output",
        ["UTXO-5"],
        ["cc"],
    )
    op_ret = s.fanout.outpoint(3)
    ret_spend = Tx((TxIn(op_ret),), (TxOut(0, KeyCondition(alice.public_key)),))
    ret_utxo = [utxo_to_json(op_ret, Utxo(s.fanout.outputs[3], 2, False))]
    c.invalid(
        "apply_tx",
        {
            "chain_id": cid,
            "accept_eval_codes": [],
            "height": 3,
            "utxos": ret_utxo,
            "tx": tx_to_json(ret_spend),
        },
        "spending an OP_RETURN output, even if a set lists it",
        ["TX-8", "UTXO-4"],
        ["cc"],
    )
    coinbase = s.ledger.block_at(1).txs[0]
    c.invalid(
        "apply_tx",
        {
            "chain_id": cid,
            "accept_eval_codes": [],
            "height": 3,
            "utxos": [],
            "tx": tx_to_json(coinbase),
        },
        "a coinbase outside a block's first slot",
        ["TX-12"],
        [],
    )


#: The operations of ``chain/tx``: name -> adapter.
OPS = {
    "tx_encode": op_tx_encode,
    "tx_decode": op_tx_decode,
    "sighash": op_sighash,
    "check_witness": op_check_witness,
    "apply_tx": op_apply_tx,
}

#: The ``chain/tx`` suite.
SUITE = Suite(
    name="chain/tx",
    description="transaction encoding, txid, sighash, witnesses, UTXO spending rules",
    notes=FLAGS,
    reason_flags=REASON_FLAGS,
    operations=OPS,
    build_cases=lambda: tx_cases(OPS) + pins.tx_pins(OPS),
    extra_header=KEYS_HEADER,
)
