"""The chain vector suites: headers, Merkle trees, transactions, notarizations, blocks, SPV proofs.

Spec: ``spec/02-chain.md``; files ``vectors/chain/*.json``. Real Bitcoin data
comes from :mod:`chipstack.chain.realdata`; everything else from the
deterministic :mod:`chipstack.chain.scenario` chain, whose keys derive from
the labels the files state.
"""

from __future__ import annotations

from chipstack.chain.cases.block import block_cases
from chipstack.chain.cases.header import header_cases
from chipstack.chain.cases.merkle import merkle_cases
from chipstack.chain.cases.notary import notary_cases
from chipstack.chain.cases.spv import spv_cases
from chipstack.chain.cases.tx import tx_cases
from chipstack.chain.scenario import key_table
from chipstack.chain.vector_ops import (
    op_apply_tx,
    op_bits_target,
    op_block_check,
    op_branch_decode,
    op_branch_verify,
    op_check_pow,
    op_check_witness,
    op_compute_mom,
    op_compute_root,
    op_header_chain_verify,
    op_header_decode,
    op_header_encode,
    op_headers_linked,
    op_ledger_replay,
    op_merkle_branch,
    op_merkle_root,
    op_notarization_verify,
    op_notary_set,
    op_sighash,
    op_spv_verify,
    op_tx_decode,
    op_tx_encode,
    op_tx_proof_verify,
)
from chipstack.vectors.model import Suite

HEADER_OPS = {
    "header_decode": op_header_decode,
    "header_encode": op_header_encode,
    "bits_target": op_bits_target,
    "check_pow": op_check_pow,
    "headers_linked": op_headers_linked,
}
MERKLE_OPS = {
    "merkle_root": op_merkle_root,
    "compute_root": op_compute_root,
    "merkle_branch": op_merkle_branch,
    "branch_verify": op_branch_verify,
    "branch_decode": op_branch_decode,
}
TX_OPS = {
    "tx_encode": op_tx_encode,
    "tx_decode": op_tx_decode,
    "sighash": op_sighash,
    "check_witness": op_check_witness,
    "apply_tx": op_apply_tx,
}
NOTARY_OPS = {
    "notary_set": op_notary_set,
    "compute_mom": op_compute_mom,
    "notarization_verify": op_notarization_verify,
}
BLOCK_OPS = {"block_check": op_block_check, "ledger_replay": op_ledger_replay}
SPV_OPS = {
    "tx_proof_verify": op_tx_proof_verify,
    "header_chain_verify": op_header_chain_verify,
    "spv_verify": op_spv_verify,
}

_COMMON_NOTES = {
    "real_bitcoin": "data of a real Bitcoin mainnet block, cited in spec/02-chain.md section 2.4",
    "encoding": "a malformed or non-canonical encoding",
    "tampered": "a valid object with bytes changed after signing or mining",
}
_KEYS_HEADER = {"keys": key_table()}

SUITES = [
    Suite(
        name="chain/header",
        description="80-byte headers, double-SHA-256 hashes, compact bits, work, linking",
        notes={
            **_COMMON_NOTES,
            "bits": "compact-target edge cases (sign bit, overflow, zero)",
            "pow": "proof-of-work and fixed-bits checks",
        },
        operations=HEADER_OPS,
        build_cases=lambda: header_cases(HEADER_OPS),
    ),
    Suite(
        name="chain/merkle",
        description="Bitcoin Merkle roots, branches, odd levels and CVE-2012-2459 mutation",
        notes={
            **_COMMON_NOTES,
            "odd": "a level with an odd number of nodes duplicates its last node",
            "mutated": "a leaf list with a duplicated subtree (CVE-2012-2459)",
        },
        operations=MERKLE_OPS,
        build_cases=lambda: merkle_cases(MERKLE_OPS),
    ),
    Suite(
        name="chain/tx",
        description="transaction encoding, txid, sighash, witnesses, UTXO spending rules",
        notes={
            **_COMMON_NOTES,
            "multisig": "an M-of-N condition",
            "cc": "a CC (eval code) condition or an OP_RETURN payload",
            "signature": "a signature or witness check",
        },
        operations=TX_OPS,
        build_cases=lambda: tx_cases(TX_OPS),
        extra_header=_KEYS_HEADER,
    ),
    Suite(
        name="chain/notary",
        description="notary sets, MoM and M-of-N notarizations",
        notes={
            **_COMMON_NOTES,
            "signers": "signer indices: count, order, repeats, range",
            "context": "a valid notarization checked against another chain, set, height or block",
        },
        operations=NOTARY_OPS,
        build_cases=lambda: notary_cases(NOTARY_OPS),
        extra_header=_KEYS_HEADER,
    ),
    Suite(
        name="chain/block",
        description="context-free block checks and ledger replays (UTXO, best chain, finality)",
        notes={
            **_COMMON_NOTES,
            "mutated": "a block whose tx list duplicates a subtree (CVE-2012-2459)",
            "reorg": "a competing chain: side chain, reorganization, or fork below a notarization",
            "ledger": "a rule that needs the chain (parent, time, UTXO set, coinbase value)",
        },
        operations=BLOCK_OPS,
        build_cases=lambda: block_cases(BLOCK_OPS),
        extra_header=_KEYS_HEADER,
    ),
    Suite(
        name="chain/spv",
        description="TxProof, HeaderChainProof and full SPV proofs as a light client checks them",
        notes={
            **_COMMON_NOTES,
            "forged": "a proof built to deceive: wrong branch, unlinked headers, other block",
        },
        operations=SPV_OPS,
        build_cases=lambda: spv_cases(SPV_OPS),
        extra_header=_KEYS_HEADER,
    ),
]
