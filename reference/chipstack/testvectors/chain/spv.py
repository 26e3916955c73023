"""Cases of the ``chain/spv`` vector suite (spec/02-chain.md)."""

from __future__ import annotations

from dataclasses import replace

from chipstack.chain.conditions import OpReturn
from chipstack.chain.header import BlockHeader, mine
from chipstack.chain.merkle import MerkleBranch, merkle_branch
from chipstack.chain.notary import NotarySet, sign_notarization
from chipstack.chain.proofs import HeaderChainProof, TxProof
from chipstack.chain.scenario import OTHER_NOTARY_LABELS
from chipstack.chain.tx import Tx, TxOut
from chipstack.testvectors.chain import pins
from chipstack.testvectors.chain.common import (
    KEYS_HEADER,
    Ops,
    failing_nonce,
    scenario,
)
from chipstack.testvectors.chain.jsonform import (
    notary_set_to_json,
)
from chipstack.testvectors.chain.ops import (
    op_header_chain_verify,
    op_spv_verify,
    op_tx_proof_verify,
)
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.vectors.model import Case, CaseTable, Suite

# -------------------------------------------------------------------- spv


def spv_cases(ops: Ops) -> list[Case]:
    """Cases of ``chain/spv``."""
    c = CaseTable(ops)
    s = scenario()
    led = s.ledger
    bits = led.params.bits
    target = s.payments[1]
    tp = led.tx_proof(target.txid)
    c.valid(
        "tx_proof_verify",
        {"proof": tp.encode().hex(), "bits": bits},
        "2-of-3 spend in block 3",
        ["PROOF-1", "PROOF-2"],
        [],
    )
    cb_proof = led.tx_proof(led.block_at(5).txs[0].txid)
    c.valid(
        "tx_proof_verify",
        {"proof": cb_proof.encode().hex(), "bits": bits},
        "a coinbase alone in its block (empty branch)",
        ["PROOF-1", "PROOF-2"],
        [],
    )
    c.invalid(
        "tx_proof_verify",
        {"proof": "02" + tp.encode().hex()[2:], "bits": bits},
        "version 2",
        ["PROOF-1"],
        ["encoding"],
    )
    flipped = bytearray(tp.branch.siblings[1])
    flipped[31] ^= 0x80
    sib = list(tp.branch.siblings)
    sib[1] = bytes(flipped)
    wrong = replace(tp, branch=replace(tp.branch, siblings=tuple(sib)))
    c.invalid(
        "tx_proof_verify",
        {"proof": wrong.encode().hex(), "bits": bits},
        "a sibling bit flipped",
        ["PROOF-2"],
        ["forged"],
    )
    other_idx = replace(tp, branch=merkle_branch(s.blocks[3].txids(), 3))
    c.invalid(
        "tx_proof_verify",
        {"proof": other_idx.encode().hex(), "bits": bits},
        "the branch of another tx",
        ["PROOF-2"],
        ["forged"],
    )
    c.invalid(
        "tx_proof_verify",
        {"proof": tp.encode().hex(), "bits": 0x1D00FFFF},
        "checked at other bits",
        ["PROOF-2", "CHAIN-5"],
        [],
    )
    fake_header = failing_nonce(tp.header)
    c.invalid(
        "tx_proof_verify",
        {"proof": replace(tp, header=fake_header).encode().hex(), "bits": bits},
        "header without proof of work",
        ["PROOF-2"],
        ["forged"],
    )
    # Written by hand: the encoder itself refuses a branch this deep.
    deep = b"\x01" + tp.tx.encode() + bytes(4) + bytes([33]) + bytes(33 * 32) + tp.header.encode()
    c.invalid(
        "tx_proof_verify",
        {"proof": deep.hex(), "bits": bits},
        "a branch of 33 siblings: longer than any tree (decoder bound)",
        ["PROOF-1", "MERKLE-6"],
        ["encoding", "forged"],
    )
    # 17 bytes of framing + 47 bytes of data: a 64-byte tx, the size of a Merkle inner node.
    t64 = Tx((), (TxOut(0, OpReturn(bytes(47))),))
    h64 = mine(BlockHeader(1, tp.header.hash(), t64.txid, tp.header.time + 1, bits, 0))
    c.invalid(
        "tx_proof_verify",
        {"proof": TxProof(t64, MerkleBranch(0, ()), h64).encode().hex(), "bits": bits},
        "a 64-byte tx alone in a mined header: could pose as a Merkle inner node (TX-14)",
        ["PROOF-2", "TX-14"],
        ["forged"],
    )
    hc = led.header_chain(2, 4)
    c.valid(
        "header_chain_verify",
        {"proof": hc.encode().hex(), "bits": bits},
        "heights 2-4",
        ["PROOF-3", "PROOF-4"],
        [],
    )
    c.valid(
        "header_chain_verify",
        {"proof": led.header_chain(4, 4).encode().hex(), "bits": bits},
        "one header",
        ["PROOF-3", "PROOF-4"],
        [],
    )
    c.invalid(
        "header_chain_verify",
        {"proof": HeaderChainProof(()).encode().hex(), "bits": bits},
        "no headers",
        ["PROOF-4"],
        [],
    )
    gap = HeaderChainProof((hc.headers[0], hc.headers[2]))
    c.invalid(
        "header_chain_verify",
        {"proof": gap.encode().hex(), "bits": bits},
        "height 3 missing",
        ["PROOF-4", "CHAIN-6"],
        ["forged"],
    )
    unmined = HeaderChainProof((*hc.headers[:2], failing_nonce(hc.headers[2])))
    c.invalid(
        "header_chain_verify",
        {"proof": unmined.encode().hex(), "bits": bits},
        "linked, but the last header misses its target",
        ["PROOF-4", "CHAIN-3"],
        ["forged"],
    )
    c.invalid(
        "header_chain_verify",
        {"proof": hc.encode().hex(), "bits": 0x1D00FFFF},
        "checked at other bits",
        ["PROOF-4", "CHAIN-5"],
        [],
    )
    c.invalid(
        "header_chain_verify",
        {"proof": hc.encode().hex()[:-2], "bits": bits},
        "truncated",
        ["PROOF-3"],
        ["encoding"],
    )
    ns = led.params.notaries
    base = {
        "chain_id": led.params.chain_id.hex(),
        "notary_set": notary_set_to_json(ns),
        "bits": bits,
    }
    for txid, what in [
        (target.txid, "2-of-3 spend at height 3"),
        (s.fanout.txid, "fan-out at height 2"),
        (led.block_at(4).txs[0].txid, "coinbase of the notarized block itself"),
        (led.block_at(0).txs[0].txid, "genesis coinbase"),
    ]:
        proof = led.spv_proof(txid)
        c.valid(
            "spv_verify", {**base, "proof": proof.encode().hex()}, what, ["PROOF-5", "PROOF-6"], []
        )
    spv = led.spv_proof(s.fanout.txid)
    fan_tp = spv.tx_proof
    bad_sib = bytearray(fan_tp.branch.siblings[0])
    bad_sib[0] ^= 1
    wrong_fan = replace(fan_tp, branch=replace(fan_tp.branch, siblings=(bytes(bad_sib),)))
    forged = replace(spv, tx_proof=wrong_fan)
    c.invalid(
        "spv_verify",
        {**base, "proof": forged.encode().hex()},
        "wrong branch",
        ["PROOF-6"],
        ["forged"],
    )
    hs = spv.header_chain.headers
    unlinked = replace(spv, header_chain=HeaderChainProof((hs[0], hs[2])))
    c.invalid(
        "spv_verify",
        {**base, "proof": unlinked.encode().hex()},
        "header not linked",
        ["PROOF-6"],
        ["forged"],
    )
    short = replace(spv, header_chain=HeaderChainProof(hs[:1]))
    c.invalid(
        "spv_verify",
        {**base, "proof": short.encode().hex()},
        "headers end at block 2; the notarization is of block 4",
        ["PROOF-6"],
        ["forged"],
    )
    n = s.notarization
    nk = s.notary_keys
    other_block = sign_notarization(
        n.chain_id, 4, hs[0].hash(), n.mom, n.mom_depth, ns, [(i, nk[i]) for i in (0, 1, 2)]
    )
    c.invalid(
        "spv_verify",
        {**base, "proof": replace(spv, notarization=other_block).encode().hex()},
        "notarization of another block",
        ["PROOF-6"],
        ["forged"],
    )
    low = sign_notarization(
        n.chain_id, 1, n.block_hash, n.mom, 2, ns, [(i, nk[i]) for i in (0, 1, 2)]
    )
    c.invalid(
        "spv_verify",
        {**base, "proof": replace(spv, notarization=low).encode().hex()},
        "notarized height 1 but three headers",
        ["PROOF-6"],
        ["forged"],
    )
    mismatch = replace(spv, tx_proof=led.tx_proof(target.txid))
    c.invalid(
        "spv_verify",
        {**base, "proof": mismatch.encode().hex()},
        "tx proof of block 3, header chain from block 2",
        ["PROOF-6"],
        ["forged"],
    )
    few = replace(spv, notarization=replace(n, signatures=n.signatures[:2]))
    c.invalid(
        "spv_verify",
        {**base, "proof": few.encode().hex()},
        "notarization with 2 of 3 signatures",
        ["PROOF-6", "NOTARY-6"],
        ["forged"],
    )
    c.invalid(
        "spv_verify",
        {**base, "proof": spv.encode().hex() + "00"},
        "trailing byte",
        ["PROOF-5"],
        ["encoding"],
    )
    other_ns = NotarySet.from_labels(OTHER_NOTARY_LABELS, 3)[0]
    c.invalid(
        "spv_verify",
        {**base, "notary_set": notary_set_to_json(other_ns), "proof": spv.encode().hex()},
        "client trusts another notary set",
        ["PROOF-6"],
        [],
    )
    return c.cases


#: The operations of ``chain/spv``: name -> adapter.
OPS = {
    "tx_proof_verify": op_tx_proof_verify,
    "header_chain_verify": op_header_chain_verify,
    "spv_verify": op_spv_verify,
}

#: The ``chain/spv`` suite.
SUITE = Suite(
    name="chain/spv",
    description="TxProof, HeaderChainProof and full SPV proofs as a light client checks them",
    notes=FLAGS,
    shared={"spv_verify": ("chain_id", "notary_set", "bits")},
    reason_flags=REASON_FLAGS,
    operations=OPS,
    build_cases=lambda: spv_cases(OPS) + pins.spv_pins(OPS),
    extra_header=KEYS_HEADER,
)
