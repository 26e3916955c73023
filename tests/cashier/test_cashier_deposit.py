"""Cashier sets, table ids and deposit proofs (spec/04-cashier.md sections 1-2)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.cashier.deposit import (
    MAX_DEPOSIT_HEADERS,
    MAX_DEPOSIT_PROOF,
    DepositMemo,
    DepositProof,
    deposit_tx,
    verify_deposit,
)
from chipstack.cashier.params import CashierSet, TableParams
from chipstack.cashier.scenario import CHIP_UNIT, World, key, new_world
from chipstack.chain.conditions import KeyCondition, OpReturn
from chipstack.chain.devnet import mine_block
from chipstack.chain.merkle import MerkleBranch
from chipstack.chain.proofs import SpvProof
from chipstack.chain.sighash import sign_input
from chipstack.chain.tx import OutPoint, Tx, TxIn, TxOut
from chipstack.crypto import PrivateKey, PublicKey
from chipstack.errors import Reason, Rejected


def _keys(n: int) -> tuple[PublicKey, ...]:
    return tuple(key(f"t-{i}").public_key for i in range(n))


@pytest.mark.parametrize(
    ("n", "m", "ok"),
    [(1, 1, True), (2, 2, True), (2, 1, False), (3, 2, True), (3, 1, False), (4, 3, True),
     (4, 2, False), (5, 3, True), (16, 9, True), (16, 8, False), (3, 4, False)],
)  # fmt: skip
def test_cashier_threshold_is_a_majority(n: int, m: int, ok: bool) -> None:
    # CASH-1: floor(N/2) + 1 <= M <= N
    if ok:
        assert CashierSet(m, _keys(n)).condition().threshold == m
    else:
        with pytest.raises(Rejected) as exc:
            CashierSet(m, _keys(n))
        assert exc.value.reason is Reason.CASHIER_BAD_CASHIER_SET


def test_cashier_set_refuses_repeats_and_size() -> None:
    k = _keys(1)[0]
    for bad in [(k, k), _keys(17), ()]:
        with pytest.raises(Rejected) as exc:
            CashierSet(max(1, len(bad) // 2 + 1), bad)
        assert exc.value.reason is Reason.CASHIER_BAD_CASHIER_SET


def test_table_id_commits_to_every_parameter() -> None:
    t = new_world().table
    assert TableParams.decode(t.encode()) == t
    variants = [
        replace(t, chip_unit=t.chip_unit + 1),
        replace(t, min_buyin=2),
        replace(t, max_buyin=t.max_buyin - 1),
        replace(t, dispute_timeout=t.dispute_timeout + 1),
        replace(t, penalty=t.penalty + 1),
        replace(t, salt=bytes(32)),
        replace(t, game_id=bytes(32)),
        replace(t, cashiers=CashierSet(3, t.cashiers.keys)),
        replace(t, bits=t.bits - 1),
    ]
    ids = {v.table_id for v in variants} | {t.table_id}
    assert len(ids) == len(variants) + 1


@pytest.mark.parametrize(
    "change",
    [{"chip_unit": 0}, {"min_buyin": 0}, {"min_buyin": 5, "max_buyin": 4},
     {"dispute_timeout": 0}, {"salt": b"x"}],
)  # fmt: skip
def test_bad_table_params(change: dict[str, object]) -> None:
    t = new_world().table
    with pytest.raises(Rejected) as exc:
        replace(t, **change)  # type: ignore[arg-type]
    assert exc.value.reason is Reason.CASHIER_BAD_TABLE_PARAMS


@given(st.binary(max_size=400))
@settings(max_examples=150, deadline=None)
def test_table_decoder_fuzz(data: bytes) -> None:
    try:
        TableParams.decode(data)
    except Rejected:
        pass


# ------------------------------------------------------------------ deposits


@pytest.fixture(scope="module")
def world() -> World:
    return new_world()


def test_valid_deposit_proof(world: World) -> None:
    p0 = world.players[0]
    proof = world.deposit(p0, 40)
    decoded = DepositProof.decode(proof.encode())
    facts = verify_deposit(decoded, world.table, world.ledger.params.notaries, p0.public_key.raw)
    assert facts.amount == 40 * CHIP_UNIT
    assert facts.chips == 40
    assert facts.player == p0.public_key.raw
    loc = world.ledger.find_tx(facts.outpoint.txid)
    assert (facts.height, facts.block_hash) == (loc.height, loc.block_hash)
    assert world.ledger.lookup(facts.outpoint) is not None


def _rejects(
    world: World, proof: DepositProof, reason: Reason, player: bytes | None = None
) -> None:
    with pytest.raises(Rejected) as exc:
        verify_deposit(proof, world.table, world.ledger.params.notaries, player)
    assert exc.value.reason is reason, exc.value


def test_deposit_to_wrong_output(world: World) -> None:
    proof = world.deposit(world.players[0], 10)
    _rejects(world, replace(proof, output=1), Reason.CASHIER_WRONG_OUTPUT)  # change output
    _rejects(world, replace(proof, output=2), Reason.CASHIER_WRONG_OUTPUT)  # the memo itself


def test_deposit_for_wrong_player(world: World) -> None:
    proof = world.deposit(world.players[0], 10)
    _rejects(world, proof, Reason.CASHIER_WRONG_PLAYER, world.players[1].public_key.raw)


def test_deposit_for_another_table(world: World) -> None:
    other = replace(world.table, salt=bytes(32))
    proof = world.deposit(world.players[0], 10, table=other)
    _rejects(world, proof, Reason.CASHIER_WRONG_TABLE)
    # and the other table accepts it
    assert verify_deposit(proof, other, world.ledger.params.notaries).chips == 10


def _pay(world: World, player: PrivateKey, outputs: list[TxOut], memo: bytes | None) -> SpvProof:
    """Pay ``outputs``, then change, then (if given) an OP_RETURN ``memo`` as the last output."""
    coins = world.wallets[player.public_key.raw]
    op, out = coins.pop(0)
    rest = out.amount - sum(o.amount for o in outputs)
    change = TxOut(rest, KeyCondition(player.public_key))
    tail = (TxOut(0, OpReturn(memo)),) if memo is not None else ()
    tx = deposit_tx(world.table, player.public_key, b"n" * 16, 0, (TxIn(op),))
    tx = replace(tx, outputs=(*outputs, change, *tail))
    tx = sign_input(tx, 0, [out], world.ledger.params.chain_id, [player])
    world.mine([tx])
    coins.append((OutPoint(tx.txid, len(outputs)), change))
    return world.ledger.spv_proof(tx.txid)


def test_payment_without_memo_is_not_a_deposit(world: World) -> None:
    p = world.players[0]
    cond = world.table.cashiers.condition()
    spv = _pay(world, p, [TxOut(10 * CHIP_UNIT, cond)], None)
    _rejects(world, DepositProof(spv, 0), Reason.CASHIER_NOT_A_DEPOSIT)
    memo = DepositMemo(world.table.table_id, p.public_key.raw, b"m" * 16).encode()
    spv = _pay(world, p, [TxOut(10 * CHIP_UNIT, cond)], memo[:-1])
    _rejects(world, DepositProof(spv, 0), Reason.CASHIER_NOT_A_DEPOSIT)
    spv = _pay(world, p, [TxOut(10 * CHIP_UNIT, cond)], b"CSHX" + memo[4:])
    _rejects(world, DepositProof(spv, 0), Reason.CASHIER_NOT_A_DEPOSIT)
    spv = _pay(world, p, [TxOut(10 * CHIP_UNIT, cond)], memo)
    assert (
        verify_deposit(DepositProof(spv, 0), world.table, world.ledger.params.notaries).chips == 10
    )


def test_amount_must_be_whole_chips_within_buyin() -> None:
    w = new_world(max_buyin=50)
    p = w.players[0]
    memo = DepositMemo(w.table.table_id, p.public_key.raw, b"a" * 16).encode()
    cond = w.table.cashiers.condition()
    for amount in (10 * CHIP_UNIT + 1, 51 * CHIP_UNIT, CHIP_UNIT - 1, 0):
        spv = _pay(w, p, [TxOut(amount, cond)], memo)
        _rejects(w, DepositProof(spv, 0), Reason.CASHIER_BAD_AMOUNT)
    for chips in (1, 50):
        spv = _pay(w, p, [TxOut(chips * CHIP_UNIT, cond)], memo)
        assert (
            verify_deposit(DepositProof(spv, 0), w.table, w.ledger.params.notaries).chips == chips
        )


def test_unnotarized_block_is_refused(world: World) -> None:
    p = world.players[0]
    tx = _signed_deposit(world, p, 10)
    mine_block(world.ledger, [tx])  # mined, not notarized
    last = world.ledger.last_notarization
    assert last is not None
    loc = world.ledger.find_tx(tx.txid)
    # headers from the deposit's block to the tip, but the notarization is an older block's
    chain = world.ledger.header_chain(loc.height, world.ledger.height)
    spv = SpvProof(world.ledger.tx_proof(tx.txid), chain, last)
    _rejects(world, DepositProof(spv, 0), Reason.CHAIN_NOTARY_WRONG_BLOCK)
    world.mine()  # notarize now: the same deposit proves
    verify_deposit(DepositProof(world.ledger.spv_proof(tx.txid), 0), world.table,
                   world.ledger.params.notaries)  # fmt: skip


def _signed_deposit(world: World, p: PrivateKey, chips: int) -> Tx:
    coins = world.wallets[p.public_key.raw]
    op, out = coins.pop(0)
    amount = chips * CHIP_UNIT
    change = TxOut(out.amount - amount, KeyCondition(p.public_key))
    world.nonce_counter += 1
    tx = deposit_tx(world.table, p.public_key, world.nonce_counter.to_bytes(16, "big"), amount,
                    (TxIn(op),), (change,))  # fmt: skip
    tx = sign_input(tx, 0, [out], world.ledger.params.chain_id, [p])
    coins.append((OutPoint(tx.txid, 1), change))
    return tx


def test_bad_branch_is_refused(world: World) -> None:
    proof = world.deposit(world.players[1], 10)
    tp = proof.spv.tx_proof
    siblings = tp.branch.siblings
    bad = MerkleBranch(tp.branch.index, (bytes(32), *siblings[1:]) if siblings else (bytes(32),))
    spv = replace(proof.spv, tx_proof=replace(tp, branch=bad))
    _rejects(world, replace(proof, spv=spv), Reason.CHAIN_MERKLE_MISMATCH)


def test_oversize_proofs_are_refused() -> None:
    w = new_world()
    p = w.players[0]
    tx = _signed_deposit(w, p, 10)
    mine_block(w.ledger, [tx])
    for _ in range(MAX_DEPOSIT_HEADERS):
        mine_block(w.ledger)
    w.mine()
    proof = DepositProof(w.ledger.spv_proof(tx.txid), 0)
    assert len(proof.spv.header_chain.headers) == MAX_DEPOSIT_HEADERS + 2
    _rejects(w, proof, Reason.CASHIER_PROOF_TOO_LARGE)
    assert DepositProof.decode(proof.encode()) == proof  # small in bytes, too long in headers
    with pytest.raises(Rejected) as exc2:
        DepositProof.decode(b"\x01" + bytes(MAX_DEPOSIT_PROOF))
    assert exc2.value.reason is Reason.CASHIER_PROOF_TOO_LARGE


@given(st.binary(max_size=600))
@settings(max_examples=200, deadline=None)
def test_deposit_proof_decoder_fuzz(data: bytes) -> None:
    try:
        DepositProof.decode(data)
    except Rejected:
        pass


def test_deposit_proof_mutations_never_crash(world: World) -> None:
    proof = world.deposit(world.players[0], 12).encode()
    for i in range(0, len(proof), 7):
        mutated = proof[:i] + bytes([proof[i] ^ 0x01]) + proof[i + 1 :]
        try:
            p = DepositProof.decode(mutated)
            verify_deposit(p, world.table, world.ledger.params.notaries)
        except Rejected:
            continue
