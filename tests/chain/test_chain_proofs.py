"""Light-client proofs: TxProof, HeaderChainProof, SpvProof (spec/02-chain.md section 8)."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.chain.conditions import OpReturn
from chipstack.chain.header import BlockHeader, hash_meets_target, mine
from chipstack.chain.merkle import MerkleBranch
from chipstack.chain.proofs import (
    HeaderChainProof,
    SpvFacts,
    SpvProof,
    TxProof,
    verify_header_chain,
    verify_spv_proof,
    verify_tx_proof,
)
from chipstack.chain.scenario import Scenario, build_scenario
from chipstack.chain.tx import Tx, TxOut
from chipstack.errors import Reason, Rejected


@cache
def scenario() -> Scenario:
    return build_scenario()


def verify(proof: SpvProof) -> SpvFacts:
    led = scenario().ledger
    return verify_spv_proof(proof, led.params.chain_id, led.params.notaries, led.params.bits)


def every_proved_tx() -> list[bytes]:
    led = scenario().ledger
    return [tx.txid for h in range(led.notarized_height + 1) for tx in led.block_at(h).txs]


def test_every_tx_under_the_notarization_is_provable() -> None:
    led = scenario().ledger
    for txid in every_proved_tx():
        proof = led.spv_proof(txid)
        facts = verify(SpvProof.decode(proof.encode()))
        loc = led.find_tx(txid)
        assert facts.txid == txid and facts.height == loc.height
        assert facts.block_hash == loc.block_hash and facts.index == loc.index
        assert facts.notarized_height == 4


def test_txs_above_the_notarization_have_no_spv_proof_yet() -> None:
    led = scenario().ledger
    with pytest.raises(Rejected) as e:
        led.spv_proof(led.block_at(5).txs[0].txid)
    assert e.value.reason is Reason.CHAIN_NOTARY_WRONG_HEIGHT


def test_tx_proof_and_header_chain_alone() -> None:
    led = scenario().ledger
    tx = scenario().payments[3]
    tp = led.tx_proof(tx.txid)
    facts = verify_tx_proof(TxProof.decode(tp.encode()), led.params.bits)
    assert facts.index == 4 and facts.block_hash == led.block_at(3).hash
    hc = led.header_chain(1, 4)
    hf = verify_header_chain(HeaderChainProof.decode(hc.encode()), led.params.bits)
    assert (hf.first_hash, hf.last_hash, hf.count) == (
        led.block_at(1).hash,
        led.block_at(4).hash,
        4,
    )


def test_forgeries_fail_with_their_reason() -> None:
    s = scenario()
    led = s.ledger
    good = led.spv_proof(s.fanout.txid)
    hs = good.header_chain.headers
    cases = [
        (
            replace(good, header_chain=HeaderChainProof((hs[0], hs[2]))),
            Reason.CHAIN_HEADERS_NOT_LINKED,
        ),
        (replace(good, header_chain=HeaderChainProof(hs[:2])), Reason.CHAIN_NOTARY_WRONG_BLOCK),
        (replace(good, header_chain=HeaderChainProof(())), Reason.CHAIN_PROOF_EMPTY),
        (
            replace(good, tx_proof=led.tx_proof(s.payments[0].txid)),
            Reason.CHAIN_PROOF_HEADER_MISMATCH,
        ),
        (
            replace(good, tx_proof=replace(good.tx_proof, tx=s.payments[0])),
            Reason.CHAIN_MERKLE_MISMATCH,
        ),
        (
            replace(good, notarization=replace(good.notarization, signatures=())),
            Reason.CHAIN_NOTARY_TOO_FEW_SIGNATURES,
        ),
    ]
    for proof, why in cases:
        with pytest.raises(Rejected) as e:
            verify(proof)
        assert e.value.reason is why


@settings(max_examples=150)
@given(st.data())
def test_any_flipped_bit_of_an_spv_proof_fails(data: st.DataObject) -> None:
    led = scenario().ledger
    txid = data.draw(st.sampled_from(every_proved_tx()))
    enc = bytearray(led.spv_proof(txid).encode())
    bit = data.draw(st.integers(0, len(enc) * 8 - 1))
    enc[bit // 8] ^= 1 << (bit % 8)
    try:
        proof = SpvProof.decode(bytes(enc))
    except Rejected:
        return  # refused while decoding: fine
    with pytest.raises(Rejected):
        verify(proof)


def test_header_chain_checks_proof_of_work_and_bits_not_only_links() -> None:
    led = scenario().ledger
    hc = led.header_chain(2, 4)
    last = hc.headers[2]
    # Any nonce whose hash misses the target: linkage alone does not notice it.
    n = last.nonce + 1
    while hash_meets_target(last.with_nonce(n).hash(), last.bits):
        n += 1
    unmined = HeaderChainProof((*hc.headers[:2], last.with_nonce(n)))
    with pytest.raises(Rejected) as e:
        verify_header_chain(unmined, led.params.bits)
    assert e.value.reason is Reason.CHAIN_POW_FAILED
    with pytest.raises(Rejected) as e:
        verify_header_chain(hc, 0x1D00FFFF)
    assert e.value.reason is Reason.CHAIN_WRONG_BITS


def test_a_64_byte_tx_never_passes_as_a_proved_leaf() -> None:
    # A 64-byte tx hashes like a Merkle inner node (sha256d of 64 bytes); TX-14 refuses it
    # both when decoding and when verifying a proof built in memory.
    led = scenario().ledger
    t64 = Tx((), (TxOut(0, OpReturn(bytes(47))),))
    assert len(t64.encode()) == 64
    header = mine(BlockHeader(1, bytes(32), t64.txid, 1, led.params.bits, 0))
    proof = TxProof(t64, MerkleBranch(0, ()), header)
    with pytest.raises(Rejected) as e:
        verify_tx_proof(proof, led.params.bits)
    assert e.value.reason is Reason.CHAIN_TX_64_BYTES
    with pytest.raises(Rejected) as e:
        TxProof.decode(proof.encode())
    assert e.value.reason is Reason.CHAIN_TX_64_BYTES
