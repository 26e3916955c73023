"""Transactions: encoding, txid, conditions, sighash, witnesses, UTXO rules (spec 02, 3-5)."""

from __future__ import annotations

import hashlib
import struct

import pytest

from chipstack.chain.conditions import (
    EVAL_FSM,
    CCCondition,
    Condition,
    KeyCondition,
    MultisigCondition,
    OpReturn,
    condition_from_json,
    condition_to_json,
)
from chipstack.chain.sighash import check_signature_witness, sighash, sighash_message, sign_input
from chipstack.chain.tx import COIN, MAX_MONEY, OutPoint, Tx, TxIn, TxOut, check_tx_syntax
from chipstack.chain.utxo import CCSpend, Utxo, UtxoSet, check_tx_inputs
from chipstack.crypto import PrivateKey, Tag, tagged_hash
from chipstack.errors import Reason, Rejected
from chipstack.testvectors.chain.jsonform import tx_from_json, tx_to_json

CHAIN = hashlib.sha256(b"test chain").digest()
ALICE, BOB, CAROL = (PrivateKey.from_label(x) for x in ("alice", "bob", "carol"))
PREV = OutPoint(hashlib.sha256(b"prev").digest(), 1)


def reason(fn: object) -> Reason:
    with pytest.raises(Rejected) as e:
        fn()  # type: ignore[operator]
    return e.value.reason


def simple_tx() -> Tx:
    return Tx((TxIn(PREV),), (TxOut(5 * COIN, KeyCondition(BOB.public_key)),), locktime=7)


def test_encoding_matches_a_hand_built_layout() -> None:
    tx = simple_tx()
    # Built by hand from spec 3.1: version, 1 input (outpoint, 0 witness items),
    # 1 output (u64 amount, 0x01 key), u32 locktime.
    expected = (
        b"\x01"
        + b"\x01"
        + PREV.txid
        + struct.pack("<I", 1)
        + b"\x00"
        + b"\x01"
        + struct.pack("<Q", 5 * COIN)
        + b"\x01"
        + BOB.public_key.raw
        + struct.pack("<I", 7)
    )
    assert tx.encode() == expected
    assert tx.txid == hashlib.sha256(hashlib.sha256(expected).digest()).digest()
    assert Tx.decode(expected) == tx


def test_every_condition_kind_round_trips() -> None:
    conds: list[Condition] = [
        KeyCondition(ALICE.public_key),
        MultisigCondition(2, (ALICE.public_key, BOB.public_key, CAROL.public_key)),
        CCCondition(EVAL_FSM, b"\x01\x02"),
        OpReturn(bytes([EVAL_FSM]) + b"payload"),
    ]
    outs = tuple(TxOut(0 if isinstance(c, OpReturn) else 1, c) for c in conds)
    tx = Tx((TxIn(PREV, (b"w1", b"")),), outs)
    assert Tx.decode(tx.encode()) == tx
    assert tx_from_json(tx_to_json(tx)) == tx
    for c in conds:
        assert condition_from_json(condition_to_json(c)) == c
    assert CCCondition(EVAL_FSM, b"\x01\x02").encode() == bytes([0x03, 0xE7, 2, 1, 2])
    assert OpReturn(b"\xe7payload").encode() == bytes([0x04, 8]) + b"\xe7payload"


def test_txid_covers_witness_but_sighash_does_not() -> None:
    tx = simple_tx()
    signed = tx.with_witness(0, (b"\x00" * 64,))
    assert tx.txid != signed.txid
    spent = TxOut(6 * COIN, KeyCondition(ALICE.public_key))
    assert sighash(tx, 0, [spent], CHAIN) == sighash(signed, 0, [spent], CHAIN)


def test_sighash_is_the_tagged_hash_of_the_documented_message() -> None:
    tx = simple_tx()
    spent = TxOut(6 * COIN, KeyCondition(ALICE.public_key))
    # Spec 4: ... || u32 input_index || own spent output || count(1) || the spent outputs.
    msg = (
        CHAIN
        + tx.encode(with_witness=False)
        + struct.pack("<I", 0)
        + spent.encode()
        + b"\x01"
        + spent.encode()
    )
    assert sighash_message(tx, 0, [spent], CHAIN) == msg
    assert sighash(tx, 0, [spent], CHAIN) == tagged_hash(Tag.CHAIN_SIGHASH, msg)


def test_key_spend_signs_and_verifies() -> None:
    spent = TxOut(6 * COIN, KeyCondition(ALICE.public_key))
    tx = sign_input(simple_tx(), 0, [spent], CHAIN, [ALICE])
    check_signature_witness(tx, 0, [spent], CHAIN)
    other_chain = hashlib.sha256(b"other").digest()
    assert (
        reason(lambda: check_signature_witness(tx, 0, [spent], other_chain))
        is Reason.CRYPTO_BAD_SIGNATURE
    )
    richer = TxOut(7 * COIN, spent.condition)
    assert (
        reason(lambda: check_signature_witness(tx, 0, [richer], CHAIN))
        is Reason.CRYPTO_BAD_SIGNATURE
    )
    assert (
        reason(lambda: sign_input(simple_tx(), 0, [spent], CHAIN, [BOB]))
        is Reason.CHAIN_BAD_WITNESS
    )


def two_input_tx() -> tuple[Tx, list[TxOut]]:
    prev2 = OutPoint(hashlib.sha256(b"prev 2").digest(), 0)
    tx = Tx((TxIn(PREV), TxIn(prev2)), (TxOut(5 * COIN, KeyCondition(CAROL.public_key)),))
    return tx, [
        TxOut(3 * COIN, KeyCondition(ALICE.public_key)),
        TxOut(4 * COIN, KeyCondition(BOB.public_key)),
    ]


def test_sighash_message_lists_every_spent_output_in_input_order() -> None:
    tx, spent = two_input_tx()
    msg = (
        CHAIN
        + tx.encode(with_witness=False)
        + struct.pack("<I", 1)
        + spent[1].encode()
        + b"\x02"
        + spent[0].encode()
        + spent[1].encode()
    )
    assert sighash_message(tx, 1, spent, CHAIN) == msg
    assert sighash(tx, 0, spent, CHAIN) != sighash(tx, 0, spent[::-1], CHAIN)
    assert reason(lambda: sighash(tx, 0, spent[:1], CHAIN)) is Reason.CHAIN_BAD_WITNESS
    assert reason(lambda: sighash(tx, 0, [*spent, spent[0]], CHAIN)) is Reason.CHAIN_BAD_WITNESS


def test_signature_commits_to_the_other_inputs_spent_outputs() -> None:
    tx, spent = two_input_tx()
    tx = sign_input(tx, 0, spent, CHAIN, [ALICE])
    check_signature_witness(tx, 0, spent, CHAIN)
    # A signer told input 1 spends 4 coins (fee 2) must not end up signing a
    # transaction whose input 1 really spends another amount or condition.
    richer_other = [spent[0], TxOut(9 * COIN, spent[1].condition)]
    moved_other = [spent[0], TxOut(spent[1].amount, KeyCondition(CAROL.public_key))]
    for wrong in (richer_other, moved_other):
        assert (
            reason(lambda w=wrong: check_signature_witness(tx, 0, w, CHAIN))
            is Reason.CRYPTO_BAD_SIGNATURE
        )
    # The same through the UTXO rules: the set holds another amount for input 1.
    tx = sign_input(tx, 1, spent, CHAIN, [BOB])
    utxos = UtxoSet()
    for txin, out in zip(tx.inputs, spent, strict=True):
        utxos.add(txin.prevout, Utxo(out, 1, False))
    assert check_tx_inputs(tx, utxos, 5, CHAIN) == 2 * COIN
    lied = UtxoSet()
    for txin, out in zip(tx.inputs, richer_other, strict=True):
        lied.add(txin.prevout, Utxo(out, 1, False))
    assert reason(lambda: check_tx_inputs(tx, lied, 5, CHAIN)) is Reason.CRYPTO_BAD_SIGNATURE


def test_multisig_needs_exactly_m_signatures_in_their_slots() -> None:
    cond = MultisigCondition(2, (ALICE.public_key, BOB.public_key, CAROL.public_key))
    spent = TxOut(6 * COIN, cond)
    tx = sign_input(simple_tx(), 0, [spent], CHAIN, [CAROL, ALICE])
    w = tx.inputs[0].witness
    assert len(w) == 3 and w[1] == b"" and len(w[0]) == len(w[2]) == 64
    check_signature_witness(tx, 0, [spent], CHAIN)
    three = (
        sign_input(
            simple_tx(),
            0,
            [TxOut(6 * COIN, MultisigCondition(3, cond.keys))],
            CHAIN,
            [ALICE, BOB, CAROL],
        )
        .inputs[0]
        .witness
    )
    bad = [
        (three, Reason.CHAIN_BAD_WITNESS),  # all three signed a 2-of-3
        ((w[0], b"", b""), Reason.CHAIN_BAD_WITNESS),
        ((w[0], w[2]), Reason.CHAIN_BAD_WITNESS),
        ((w[2], b"", w[0]), Reason.CRYPTO_BAD_SIGNATURE),
        ((w[0], b"", w[2][:63]), Reason.CHAIN_BAD_WITNESS),
    ]
    for witness, why in bad:
        t = tx.with_witness(0, witness)
        assert reason(lambda t=t: check_signature_witness(t, 0, [spent], CHAIN)) is why


def test_witness_check_order_is_the_specs() -> None:
    """Spec 02 section 4: shape before signatures; a short signature is a bad witness."""
    key_spent = TxOut(6 * COIN, KeyCondition(ALICE.public_key))
    signed = sign_input(simple_tx(), 0, [key_spent], CHAIN, [ALICE])
    short = signed.with_witness(0, (signed.inputs[0].witness[0][:63],))
    # SIGHASH-2 wins over SIG-1: a 63-byte item is chain.bad_witness, not a length error
    assert reason(lambda: check_signature_witness(short, 0, [key_spent], CHAIN)) is (
        Reason.CHAIN_BAD_WITNESS
    )
    cond = MultisigCondition(2, (ALICE.public_key, BOB.public_key, CAROL.public_key))
    spent = TxOut(6 * COIN, cond)
    w = sign_input(simple_tx(), 0, [spent], CHAIN, [ALICE, CAROL]).inputs[0].witness
    forged = bytes(64)
    faults = [
        # three non-empty items (shape) and a forged signature: the shape is reported
        ((w[0], forged, w[2]), Reason.CHAIN_BAD_WITNESS),
        # a forged item 0 before a short item 2: key order, so the signature is reported
        ((forged, b"", w[2][:63]), Reason.CRYPTO_BAD_SIGNATURE),
        # a short item 0 before a forged item 2: the length is reported
        ((w[0][:63], b"", forged), Reason.CHAIN_BAD_WITNESS),
    ]
    for witness, why in faults:
        t = simple_tx().with_witness(0, witness)
        assert reason(lambda t=t: check_signature_witness(t, 0, [spent], CHAIN)) is why


def test_input_index_and_unsigned_conditions_have_their_own_reasons() -> None:
    spent = [TxOut(6 * COIN, KeyCondition(ALICE.public_key))]
    tx = simple_tx()
    for index in (1, -1):
        assert reason(lambda i=index: sighash(tx, i, spent, CHAIN)) is (
            Reason.CHAIN_BAD_INPUT_INDEX
        )
    # the index is checked before the spent-output count
    assert reason(lambda: sighash(tx, 3, [], CHAIN)) is Reason.CHAIN_BAD_INPUT_INDEX
    for cond in (CCCondition(EVAL_FSM, b"m"), OpReturn(b"data")):
        amount = 0 if isinstance(cond, OpReturn) else COIN
        out = [TxOut(amount, cond)]
        assert reason(lambda o=out: check_signature_witness(tx, 0, o, CHAIN)) is (
            Reason.CHAIN_NOT_SIGNATURE_CONDITION
        )
        assert reason(lambda o=out: sign_input(tx, 0, o, CHAIN, [ALICE])) is (
            Reason.CHAIN_NOT_SIGNATURE_CONDITION
        )


@pytest.mark.parametrize(
    ("make", "why"),
    [
        (lambda: MultisigCondition(0, (ALICE.public_key,)), Reason.CHAIN_BAD_MULTISIG),
        (lambda: MultisigCondition(2, (ALICE.public_key,)), Reason.CHAIN_BAD_MULTISIG),
        (
            lambda: MultisigCondition(1, (ALICE.public_key, ALICE.public_key)),
            Reason.CHAIN_BAD_MULTISIG,
        ),
        (lambda: MultisigCondition(1, ()), Reason.CHAIN_BAD_MULTISIG),
        (lambda: TxOut(1, OpReturn(b"x")), Reason.CHAIN_BAD_AMOUNT),
        (lambda: TxOut(MAX_MONEY + 1, KeyCondition(ALICE.public_key)), Reason.CHAIN_BAD_AMOUNT),
        (lambda: TxOut(-1, KeyCondition(ALICE.public_key)), Reason.CHAIN_BAD_AMOUNT),
        (lambda: CCCondition(256, b""), Reason.ENCODING_OUT_OF_RANGE),
        (lambda: CCCondition(1, bytes(10_001)), Reason.ENCODING_OVER_LENGTH),
        (lambda: OpReturn(bytes(100_001)), Reason.ENCODING_OVER_LENGTH),
        (lambda: OutPoint(bytes(31), 0), Reason.ENCODING_OUT_OF_RANGE),
    ],
)
def test_constructors_refuse_invalid_values(make: object, why: Reason) -> None:
    assert reason(make) is why


def test_syntax_rules() -> None:
    key = KeyCondition(ALICE.public_key)
    assert reason(lambda: check_tx_syntax(Tx((TxIn(PREV),), ()))) is Reason.CHAIN_TX_NO_OUTPUTS
    dup = Tx((TxIn(PREV), TxIn(PREV)), (TxOut(1, key),))
    assert reason(lambda: check_tx_syntax(dup)) is Reason.CHAIN_TX_DUPLICATE_INPUT
    big = Tx((TxIn(PREV),), (TxOut(MAX_MONEY, key), TxOut(1, key)))
    assert reason(lambda: check_tx_syntax(big)) is Reason.CHAIN_BAD_AMOUNT
    # 17 bytes of framing + 47 bytes of OP_RETURN data = 64 bytes.
    t64 = Tx((), (TxOut(0, OpReturn(bytes(47))),))
    assert len(t64.encode()) == 64
    assert reason(lambda: check_tx_syntax(t64)) is Reason.CHAIN_TX_64_BYTES
    assert reason(lambda: Tx.decode(t64.encode())) is Reason.CHAIN_TX_64_BYTES
    check_tx_syntax(Tx((), (TxOut(0, OpReturn(bytes(48))),)))
    assert reason(lambda: check_tx_syntax(Tx((), (TxOut(1, key),), version=2))) is (
        Reason.ENCODING_UNKNOWN_VERSION
    )


def fund(utxos: UtxoSet, owner: PrivateKey, amount: int, n: int = 0) -> tuple[OutPoint, TxOut]:
    op = OutPoint(hashlib.sha256(b"fund %d" % n).digest(), 0)
    out = TxOut(amount, KeyCondition(owner.public_key))
    utxos.add(op, Utxo(out, 1, False))
    return op, out


def test_utxo_rules_value_conservation_and_double_spend() -> None:
    utxos = UtxoSet()
    op, out = fund(utxos, ALICE, 10 * COIN)
    pay = Tx((TxIn(op),), (TxOut(9 * COIN, KeyCondition(BOB.public_key)),))
    pay = sign_input(pay, 0, [out], CHAIN, [ALICE])
    assert check_tx_inputs(pay, utxos, 5, CHAIN) == COIN
    undo = utxos.apply(pay, 5)
    assert utxos.lookup(op) is None
    created = utxos.lookup(OutPoint(pay.txid, 0))
    assert created is not None and created.output.amount == 9 * COIN and created.height == 5
    # The same tx again: its input is spent now.
    assert reason(lambda: check_tx_inputs(pay, utxos, 5, CHAIN)) is Reason.CHAIN_MISSING_INPUT
    utxos.undo(undo)
    assert utxos.lookup(op) is not None and utxos.lookup(OutPoint(pay.txid, 0)) is None
    greedy = sign_input(
        Tx((TxIn(op),), (TxOut(10 * COIN + 1, KeyCondition(BOB.public_key)),)),
        0,
        [out],
        CHAIN,
        [ALICE],
    )
    assert (
        reason(lambda: check_tx_inputs(greedy, utxos, 5, CHAIN))
        is Reason.CHAIN_VALUE_OUT_EXCEEDS_IN
    )
    locked = sign_input(
        Tx((TxIn(op),), (TxOut(COIN, KeyCondition(BOB.public_key)),), locktime=6),
        0,
        [out],
        CHAIN,
        [ALICE],
    )
    assert reason(lambda: check_tx_inputs(locked, utxos, 5, CHAIN)) is Reason.CHAIN_TX_LOCKTIME
    assert check_tx_inputs(locked, utxos, 6, CHAIN) == 9 * COIN
    coinbase = Tx((), (TxOut(COIN, KeyCondition(BOB.public_key)),), locktime=5)
    assert reason(lambda: check_tx_inputs(coinbase, utxos, 5, CHAIN)) is Reason.CHAIN_TX_NO_INPUTS


def test_op_return_outputs_never_enter_the_set() -> None:
    utxos = UtxoSet()
    op, out = fund(utxos, ALICE, COIN)
    tx = Tx((TxIn(op),), (TxOut(COIN, KeyCondition(BOB.public_key)), TxOut(0, OpReturn(b"\xe7hi"))))
    utxos.apply(sign_input(tx, 0, [out], CHAIN, [ALICE]), 3)
    assert len(utxos) == 1


def test_cc_outputs_follow_their_validator() -> None:
    utxos = UtxoSet()
    op = OutPoint(hashlib.sha256(b"cc").digest(), 0)
    cond = CCCondition(EVAL_FSM, b"table")
    utxos.add(op, Utxo(TxOut(COIN, cond), 1, False))
    tx = Tx((TxIn(op, (b"open sesame",)),), (TxOut(COIN, KeyCondition(BOB.public_key)),))
    assert reason(lambda: check_tx_inputs(tx, utxos, 2, CHAIN)) is Reason.CHAIN_UNKNOWN_EVAL_CODE
    seen: list[CCSpend] = []

    def validator(spend: CCSpend) -> None:
        seen.append(spend)
        if spend.tx.inputs[spend.input_index].witness != (b"open sesame",):
            raise Rejected(Reason.CHAIN_BAD_WITNESS, "wrong word")

    assert check_tx_inputs(tx, utxos, 2, CHAIN, {EVAL_FSM: validator}) == 0
    assert seen[0].condition == cond and seen[0].height == 2 and seen[0].chain_id == CHAIN
    wrong = tx.with_witness(0, (b"nope",))
    assert reason(lambda: check_tx_inputs(wrong, utxos, 2, CHAIN, {EVAL_FSM: validator})) is (
        Reason.CHAIN_BAD_WITNESS
    )
