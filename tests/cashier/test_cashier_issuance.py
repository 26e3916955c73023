"""Issuance certificates and the table book's issue step (spec/04-cashier.md section 3)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.cashier.deposit import DepositProof
from chipstack.cashier.issuance import (
    CashierNode,
    Certificate,
    IssueRequest,
    assemble_certificate,
    double_signers,
    verify_certificate,
)
from chipstack.cashier.scenario import World, key, new_world
from chipstack.cashier.settlement import MAX_TABLE_DEPOSITS
from chipstack.chain.tx import OutPoint
from chipstack.crypto import Tag
from chipstack.errors import Reason, Rejected


def _deposit(w: World, player: int = 0, chips: int = 30) -> tuple[IssueRequest, DepositProof]:
    proof = w.deposit(w.players[player], chips)
    return w.request(proof), proof


def _reason(fn: object, *args: object) -> Reason:
    with pytest.raises(Rejected) as exc:
        fn(*args)  # type: ignore[operator]
    return exc.value.reason


def test_certificate_needs_a_majority_and_offline_minority_is_harmless() -> None:
    w = new_world(n_cashiers=5, threshold=3)
    req, proof = _deposit(w)
    w.nodes[0].online = False
    w.nodes[3].online = False
    cert = w.certify(req, proof)
    assert len(cert.signatures) == 3
    assert verify_certificate(cert, w.table) == (1, 2, 4)
    w.book.issue(cert, proof)
    assert w.book.chips_issued() == 30
    # an offline majority only delays: with three of five away, no certificate
    req2, proof2 = _deposit(w, 1)
    w.nodes[1].online = False
    cert2 = w.certify(req2, proof2)
    assert len(cert2.signatures) == 2
    assert _reason(w.book.issue, cert2, proof2) is Reason.CASHIER_TOO_FEW_SIGNATURES
    assert w.book.chips_issued() == 30
    w.nodes[0].online = True  # back online: the same request is certified
    w.book.issue(w.certify(req2, proof2), proof2)
    assert w.book.chips_issued() == 60


def test_signature_list_order_and_membership() -> None:
    w = new_world()
    req, proof = _deposit(w)
    cert = w.certify(req, proof)
    a, b, c = cert.signatures[0], cert.signatures[1], cert.signatures[2]
    t = w.table
    assert _reason(verify_certificate, replace(cert, signatures=(a, a)), t) is (
        Reason.CASHIER_DUPLICATE_SIGNER
    )
    assert _reason(verify_certificate, replace(cert, signatures=(b, a)), t) is (
        Reason.CASHIER_UNSORTED_SIGNERS
    )
    assert _reason(verify_certificate, replace(cert, signatures=(a,)), t) is (
        Reason.CASHIER_TOO_FEW_SIGNATURES
    )
    foreign = key("not-a-cashier")
    forged = (foreign.public_key.raw, foreign.sign_tagged(Tag.CASHIER_ISSUE, req.encode()))
    assert _reason(verify_certificate, replace(cert, signatures=(a, forged)), t) is (
        Reason.CASHIER_UNKNOWN_SIGNER
    )
    bad_sig = (c[0], b[1])  # cashier 2's key with cashier 1's signature
    assert _reason(verify_certificate, replace(cert, signatures=(a, bad_sig)), t) is (
        Reason.CRYPTO_BAD_SIGNATURE
    )
    more = replace(req, chips=req.chips + 1)  # signatures over another request
    assert _reason(verify_certificate, replace(cert, request=more), t) is (
        Reason.CRYPTO_BAD_SIGNATURE
    )
    other = replace(t, salt=bytes(32))
    assert _reason(verify_certificate, cert, other) is Reason.CASHIER_WRONG_TABLE
    assert Certificate.decode(cert.encode()) == cert


def test_double_issuance_is_refused() -> None:
    w = new_world()
    req, proof = _deposit(w)
    cert = w.certify(req, proof)
    w.book.issue(cert, proof)
    before = dict(w.book.issued)
    assert _reason(w.book.issue, cert, proof) is Reason.CASHIER_DOUBLE_ISSUE
    # the same outpoint for more chips or another join: honest cashiers refuse to sign
    greedy = replace(req, join_seq=req.join_seq + 1)
    for node in w.nodes:
        assert _reason(node.sign, greedy, proof, 0) is Reason.CASHIER_DOUBLE_ISSUE
    assert w.book.issued == before


def test_a_cashier_signing_twice_for_two_tables_is_caught() -> None:
    w = new_world()
    req, proof = _deposit(w)
    cert = w.certify(req, proof)
    other = replace(w.table, salt=bytes(32))
    evil_req = replace(req, table_id=other.table_id)
    # honest cashiers check the memo: it names the first table
    for node in w.nodes[1:]:
        honest = CashierNode(node.key, other, node.notaries)
        assert _reason(honest.sign, evil_req, proof, 0) is Reason.CASHIER_WRONG_TABLE
    # cashier 0 is dishonest and signs anyway: one signature is not a certificate
    evil_sig = (w.cashier_keys[0].public_key.raw,
                w.cashier_keys[0].sign_tagged(Tag.CASHIER_ISSUE, evil_req.encode()))  # fmt: skip
    evil = assemble_certificate(evil_req, other, [evil_sig])
    assert _reason(verify_certificate, evil, other) is Reason.CASHIER_TOO_FEW_SIGNATURES
    # and the pair of signatures names the double signer
    assert double_signers(cert, evil) == {w.cashier_keys[0].public_key.raw}
    assert double_signers(cert, cert) == set()


def test_stale_request_is_refused() -> None:
    w = new_world()
    p0, p1 = w.players
    w.buy_in(p0, 20)
    w.buy_in(p1, 20)
    w.book.settle(w.sign(w.settlement({p0.public_key.raw: 20, p1.public_key.raw: 20}, 10)))
    req, proof = _deposit(w, 0, 5)
    stale = replace(req, join_seq=1)  # the table already settled sequence 1
    for node in w.nodes:
        assert _reason(node.sign, stale, proof, w.book.position.seq) is Reason.CASHIER_STALE_REQUEST
    # a dishonest majority could sign it; the book still refuses
    sigs = [(k.public_key.raw, k.sign_tagged(Tag.CASHIER_ISSUE, stale.encode()))
            for k in w.cashier_keys]  # fmt: skip
    cert = assemble_certificate(stale, w.table, sigs)
    assert _reason(w.book.issue, cert, proof) is Reason.CASHIER_STALE_REQUEST
    w.book.issue(w.certify(req, proof), proof)  # joining at 2 is fine
    assert w.book.chips_issued() == 45


def test_request_must_match_its_deposit() -> None:
    w = new_world()
    req, proof = _deposit(w, 0, 30)
    for node in w.nodes:
        assert _reason(node.sign, replace(req, chips=31), proof, 0) is Reason.CASHIER_WRONG_CHIPS
        wrong_player = replace(req, player=w.players[1].public_key.raw)
        assert _reason(node.sign, wrong_player, proof, 0) is Reason.CASHIER_WRONG_PLAYER
    assert w.nodes[0].signed == {}


def test_replayed_nonce_is_refused() -> None:
    w = new_world()
    req, proof = _deposit(w)
    w.book.issue(w.certify(req, proof), proof)
    w.nonce_counter -= 1  # the next deposit reuses the nonce: a new outpoint, an old memo
    req2, proof2 = _deposit(w)
    assert req2.outpoint != req.outpoint
    cert2 = w.certify(req2, proof2)
    assert _reason(w.book.issue, cert2, proof2) is Reason.CASHIER_REPLAYED_NONCE
    assert w.book.chips_issued() == 30


@given(st.binary(max_size=500))
@settings(max_examples=200, deadline=None)
def test_certificate_decoder_fuzz(data: bytes) -> None:
    try:
        Certificate.decode(data)
    except Rejected:
        pass


def test_a_full_table_refuses_the_1025th_deposit() -> None:
    """[CASH-13]: a settlement lists at most 1024 deposits, so the table issues no more.

    Without the bound, a 1025th deposit joins, and no settlement can list every
    joined deposit any more ([CASH-23]): the table could only be closed by timeout.
    """
    w = new_world()
    w.buy_in(w.players[0], 10)
    one = next(iter(w.book.issued.values()))
    for n in range(1, MAX_TABLE_DEPOSITS):  # fill the book without 1023 real deposits
        w.book.issued[OutPoint(n.to_bytes(32, "big"), 0)] = one
    req, proof = _deposit(w, 1, 30)
    cert = w.certify(req, proof)
    before = dict(w.book.issued)
    with pytest.raises(Rejected) as exc:
        w.book.issue(cert, proof)
    assert exc.value.reason is Reason.CASHIER_TABLE_FULL
    assert w.book.issued == before
    del w.book.issued[OutPoint((1).to_bytes(32, "big"), 0)]  # one place free: accepted
    w.book.issue(cert, proof)
    assert req.outpoint in w.book.issued


def test_settling_first_does_not_freeze_a_certified_deposit() -> None:
    """[CASH-12]: once a certificate's join sequence is settled, a re-join may be signed.

    Seated players who settle before a new certificate is shown make it stale;
    the cashiers then sign the same request joining later, and the deposit is
    issued (else its coins sat at the cashier output, in no payout).
    """
    w = new_world(n_players=3)
    w.buy_in(w.players[0], 50)
    w.buy_in(w.players[1], 70)
    a, b = w.players[0].public_key.raw, w.players[1].public_key.raw
    req, proof = _deposit(w, 2, 30)
    cert = w.certify(req, proof)
    w.book.settle(w.sign(w.settlement({a: 50, b: 70}, 100)))
    assert _reason(w.book.issue, cert, proof) is Reason.CASHIER_STALE_REQUEST
    later = replace(req, join_seq=w.book.position.seq + 1)
    cert2 = w.certify(later, proof)
    assert double_signers(cert, cert2) == set()  # honest: not evidence ([CASH-14])
    w.book.issue(cert2, proof)
    assert _reason(w.book.issue, cert2, proof) is Reason.CASHIER_DOUBLE_ISSUE
    again = w.certify(replace(req, join_seq=later.join_seq + 1), proof)  # `later` still live
    assert len(again.signatures) == 0
    evil = replace(later, chips=31)
    node = w.nodes[0]
    assert _reason(node.sign, evil, proof, w.book.position.seq) is Reason.CASHIER_WRONG_CHIPS
