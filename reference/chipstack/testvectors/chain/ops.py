"""The operations the chain vector files exercise: plain-JSON in, plain-JSON out.

Spec: ``spec/02-chain.md`` section 9 lists every operation with its input and
output keys. Each raises ``Rejected`` for an invalid input; malformed case
input escapes as KeyError/TypeError, which the suite reports as
``vectors.bad_input``.
"""

from __future__ import annotations

from typing import Any

from chipstack.chain.block import Block, check_block
from chipstack.chain.header import BlockHeader, block_work, check_linked, check_pow, display_hex
from chipstack.chain.header import bits_to_target as _bits_to_target
from chipstack.chain.ledger import Ledger
from chipstack.chain.merkle import MerkleBranch, compute_root, merkle_branch, merkle_root
from chipstack.chain.notary import Notarization, check_notarizes, compute_mom, verify_notarization
from chipstack.chain.params import ChainParams
from chipstack.chain.proofs import (
    HeaderChainProof,
    SpvProof,
    TxProof,
    verify_header_chain,
    verify_spv_proof,
    verify_tx_proof,
)
from chipstack.chain.sighash import check_signature_witness, sighash, sighash_message
from chipstack.chain.tx import Tx, TxOut, check_tx_syntax
from chipstack.chain.utxo import CCSpend, UtxoSet, check_tx_inputs
from chipstack.encoding import from_hex
from chipstack.testvectors.chain.jsonform import (
    header_from_json,
    header_to_json,
    notary_set_from_json,
    output_from_json,
    tx_from_json,
    tx_to_json,
    utxo_from_json,
)
from chipstack.vectors.inputs import fixed_hex_field, hex_field, int_field

JSONDict = dict[str, Any]


def _hex_list(obj: JSONDict, key: str) -> list[bytes]:
    value = obj[key]
    if not isinstance(value, list):
        raise TypeError(f"{key} must be a list")
    return [from_hex(str(v)) for v in value]


def _hash_list(obj: JSONDict, key: str) -> list[bytes]:
    """A list of 32-byte hashes; another length is ``vectors.bad_length`` ([VEC-9])."""
    value = obj[key]
    if not isinstance(value, list):
        raise TypeError(f"{key} must be a list")
    return [fixed_hex_field({key: v}, key) for v in value]


def _u256(n: int) -> str:
    return n.to_bytes(32, "big").hex()


def _bits(obj: JSONDict) -> int:
    return int_field(obj, "bits")


# ------------------------------------------------------------------ header


def op_header_decode(i: JSONDict) -> JSONDict:
    """Decode an 80-byte header; return its fields and hash."""
    h = BlockHeader.decode(hex_field(i, "encoded"))
    return {**header_to_json(h), "hash": h.hash().hex(), "hash_display": display_hex(h.hash())}


def op_header_encode(i: JSONDict) -> JSONDict:
    """Encode header fields; return the 80 bytes and the hash."""
    h = header_from_json(i["header"])
    return {
        "encoded": h.encode().hex(),
        "hash": h.hash().hex(),
        "hash_display": display_hex(h.hash()),
    }


def op_bits_target(i: JSONDict) -> JSONDict:
    """Expand compact bits into target and work (both 32-byte big-endian hex)."""
    bits = _bits(i)
    return {"target": _u256(_bits_to_target(bits)), "work": _u256(block_work(bits))}


def op_check_pow(i: JSONDict) -> JSONDict:
    """Check a header's proof of work, optionally against the chain's fixed bits."""
    expected = i["expected_bits"]
    if expected is not None and not isinstance(expected, int):
        raise TypeError("expected_bits must be an integer or null")
    h = check_pow(BlockHeader.decode(hex_field(i, "header")), expected)
    return {"hash": h.hex()}


def op_headers_linked(i: JSONDict) -> JSONDict:
    """Check that headers link by prev_hash; return their hashes."""
    headers = [BlockHeader.decode(b) for b in _hex_list(i, "headers")]
    return {"hashes": [h.hex() for h in check_linked(headers)]}


# ------------------------------------------------------------------ merkle


def op_merkle_root(i: JSONDict) -> JSONDict:
    """Merkle root of the leaves, refusing an empty or mutated list."""
    return {"root": merkle_root(_hash_list(i, "leaves")).hex()}


def op_compute_root(i: JSONDict) -> JSONDict:
    """Merkle root of the leaves and whether the list is mutated."""
    root, mutated = compute_root(_hash_list(i, "leaves"))
    return {"root": root.hex(), "mutated": mutated}


def op_merkle_branch(i: JSONDict) -> JSONDict:
    """Branch of leaf ``index``: siblings, encoding and root."""
    leaves = _hash_list(i, "leaves")
    b = merkle_branch(leaves, int_field(i, "index"))
    return {
        "siblings": [s.hex() for s in b.siblings],
        "encoded": b.encode().hex(),
        "root": compute_root(leaves)[0].hex(),
    }


def op_branch_verify(i: JSONDict) -> JSONDict:
    """Verify that ``leaf`` at ``index`` with ``siblings`` leads to ``root``."""
    b = MerkleBranch(int_field(i, "index"), tuple(_hash_list(i, "siblings")))
    leaf, root = fixed_hex_field(i, "leaf"), fixed_hex_field(i, "root")
    b.verify(leaf, root)
    return {"root": root.hex()}


def op_branch_decode(i: JSONDict) -> JSONDict:
    """Decode a branch encoding."""
    b = MerkleBranch.decode(hex_field(i, "encoded"))
    return {"index": b.index, "siblings": [s.hex() for s in b.siblings]}


# ---------------------------------------------------------------------- tx


def _tx_out(tx: Tx) -> JSONDict:
    return {"txid": tx.txid.hex(), "txid_display": display_hex(tx.txid), "size": len(tx.encode())}


def op_tx_encode(i: JSONDict) -> JSONDict:
    """Check and encode a transaction; return encoding, txid and size."""
    tx = tx_from_json(i["tx"])
    check_tx_syntax(tx)
    return {"encoded": tx.encode().hex(), **_tx_out(tx)}


def op_tx_decode(i: JSONDict) -> JSONDict:
    """Decode and syntax-check a transaction."""
    tx = Tx.decode(hex_field(i, "encoded"))
    return {"tx": tx_to_json(tx), **_tx_out(tx)}


def _spent_outputs(i: JSONDict) -> list[TxOut]:
    """The ``spent_outputs`` list: the output each input spends, in input order."""
    outs = i["spent_outputs"]
    if not isinstance(outs, list):
        raise TypeError("spent_outputs must be a list")
    return [output_from_json(o) for o in outs]


def op_sighash(i: JSONDict) -> JSONDict:
    """The sighash message and digest of one input."""
    tx, idx = tx_from_json(i["tx"]), int_field(i, "input_index")
    spent, cid = _spent_outputs(i), fixed_hex_field(i, "chain_id")
    return {
        "message": sighash_message(tx, idx, spent, cid).hex(),
        "sighash": sighash(tx, idx, spent, cid).hex(),
    }


def op_check_witness(i: JSONDict) -> JSONDict:
    """Check the witness of one input spending a key or M-of-N output."""
    tx, idx = tx_from_json(i["tx"]), int_field(i, "input_index")
    spent, cid = _spent_outputs(i), fixed_hex_field(i, "chain_id")
    check_signature_witness(tx, idx, spent, cid)
    return {"sighash": sighash(tx, idx, spent, cid).hex()}


def _accept_all(spend: CCSpend) -> None:
    """A CC validator that accepts every spend (vectors test the dispatch, not a contract)."""


def op_apply_tx(i: JSONDict) -> JSONDict:
    """Check a non-coinbase tx against a UTXO set at ``height``, apply it, report the change.

    ``accept_eval_codes`` lists eval codes for which an accept-everything CC
    validator is registered; other CC outputs have no validator.
    """
    chain_id = fixed_hex_field(i, "chain_id")
    utxos = UtxoSet()
    entries = i["utxos"]
    if not isinstance(entries, list):
        raise TypeError("utxos must be a list")
    for e in entries:
        op, u = utxo_from_json(e)
        utxos.add(op, u)
    tx = tx_from_json(i["tx"])
    check_tx_syntax(tx)
    height = int_field(i, "height")
    codes = i["accept_eval_codes"]
    if not isinstance(codes, list):
        raise TypeError("accept_eval_codes must be a list")
    accept = {int(code): _accept_all for code in codes}
    fee = check_tx_inputs(tx, utxos, height, chain_id, accept)
    spent, created = utxos.apply(tx, height)
    return {
        "fee": fee,
        "spent": [{"txid": op.txid.hex(), "index": op.index} for op, _ in spent],
        "created": [{"txid": op.txid.hex(), "index": op.index} for op in created],
    }


# ------------------------------------------------------------------ notary


def op_notary_set(i: JSONDict) -> JSONDict:
    """Encode a notary set and return its id."""
    s = notary_set_from_json(i["notary_set"])
    return {"encoded": s.encode().hex(), "id": s.id.hex()}


def op_compute_mom(i: JSONDict) -> JSONDict:
    """MoM of block hashes (oldest first)."""
    return {"mom": compute_mom(_hash_list(i, "block_hashes")).hex()}


def op_notarization_verify(i: JSONDict) -> JSONDict:
    """Verify a notarization; with ``expect``, also that it is of that height and block."""
    chain_id = fixed_hex_field(i, "chain_id")
    expect = i["expect"]
    want = (
        None
        if expect is None
        else (int_field(expect, "height"), fixed_hex_field(expect, "block_hash"))
    )
    n = Notarization.decode(hex_field(i, "notarization"))
    facts = verify_notarization(n, notary_set_from_json(i["notary_set"]), chain_id)
    if want is not None:
        check_notarizes(facts, *want)
    return {
        "height": facts.height,
        "block_hash": facts.block_hash.hex(),
        "mom": facts.mom.hex(),
        "mom_depth": facts.mom_depth,
        "signers": list(facts.signers),
    }


# ------------------------------------------------------------------- block


def op_block_check(i: JSONDict) -> JSONDict:
    """Context-free block check at the chain's ``bits``."""
    block = Block.decode(hex_field(i, "block"))
    h = check_block(block, _bits(i))
    return {"hash": h.hex(), "txids": [t.hex() for t in block.txids()]}


def _params(obj: JSONDict) -> ChainParams:
    return ChainParams(
        fixed_hex_field(obj, "chain_id"),
        notary_set_from_json(obj["notary_set"]),
        int_field(obj, "bits"),
        int_field(obj, "subsidy"),
    )


def op_ledger_replay(i: JSONDict) -> JSONDict:
    """Start a ledger from ``genesis`` and apply ``steps`` (blocks or notarizations) in order.

    A block step may carry ``now``, the node's clock in unix seconds ([CHAIN-7]).
    """
    ledger = Ledger(_params(i["params"]), Block.decode(hex_field(i, "genesis")))
    statuses: list[str] = []
    steps = i["steps"]
    if not isinstance(steps, list):
        raise TypeError("steps must be a list")
    for step in steps:
        if "block" in step:
            now = int_field(step, "now") if "now" in step else None
            block = Block.decode(hex_field(step, "block"))
            statuses.append(ledger.apply_block(block, now=now).value)
        else:
            ledger.apply_notarization(Notarization.decode(hex_field(step, "notarization")))
            statuses.append("notarized")
    utxos = sorted(ledger.utxos().items())
    return {
        "statuses": statuses,
        "tip": ledger.tip.hash.hex(),
        "height": ledger.height,
        "notarized_height": ledger.notarized_height,
        "utxos": [
            {"txid": op.txid.hex(), "index": op.index, "amount": u.output.amount} for op, u in utxos
        ],
    }


# -------------------------------------------------------------------- spv


def op_tx_proof_verify(i: JSONDict) -> JSONDict:
    """Verify a TxProof at the chain's bits."""
    f = verify_tx_proof(TxProof.decode(hex_field(i, "proof")), _bits(i))
    return {"txid": f.txid.hex(), "block_hash": f.block_hash.hex(), "index": f.index}


def op_header_chain_verify(i: JSONDict) -> JSONDict:
    """Verify a HeaderChainProof at the chain's bits."""
    f = verify_header_chain(HeaderChainProof.decode(hex_field(i, "proof")), _bits(i))
    return {
        "first_hash": f.first_hash.hex(),
        "last_hash": f.last_hash.hex(),
        "count": f.count,
        "work": _u256(f.work),
    }


def op_spv_verify(i: JSONDict) -> JSONDict:
    """Verify a full SPV proof against a chain id, notary set and bits."""
    chain_id = fixed_hex_field(i, "chain_id")
    proof = SpvProof.decode(hex_field(i, "proof"))
    f = verify_spv_proof(
        proof, chain_id, notary_set_from_json(i["notary_set"]), _bits(i)
    )
    return {
        "txid": f.txid.hex(),
        "block_hash": f.block_hash.hex(),
        "height": f.height,
        "index": f.index,
        "notarized_hash": f.notarized_hash.hex(),
        "notarized_height": f.notarized_height,
    }
