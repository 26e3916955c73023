"""Demo section: a notarized chain proves a payment to a light client; a forgery fails."""

from __future__ import annotations

from chipstack.chain.proofs import SpvProof, verify_spv_proof
from chipstack.chain.scenario import build_scenario
from chipstack.errors import Rejected


def run() -> list[str]:
    """Build the 7-block devnet, prove a payment by SPV, then tamper with the proof."""
    s = build_scenario()
    params = s.ledger.params
    payment = s.payments[0]
    proof = s.ledger.spv_proof(payment.txid)
    blob = proof.encode()
    facts = verify_spv_proof(SpvProof.decode(blob), params.chain_id, params.notaries, params.bits)
    lines = [
        f"chain of {len(s.blocks)} blocks, notarized at height {facts.notarized_height} by "
        f"{len(s.notarization.signatures)} of {len(params.notaries.keys)} notaries "
        f"(threshold {params.notaries.threshold})",
        f"SPV proof of tx {facts.txid[::-1].hex()[:16]}... : {len(blob)} bytes, "
        f"verified: block height {facts.height}, final under the notarization",
    ]
    for what, pos in (("a byte of the transaction", 10), ("a byte of the notarization", -200)):
        forged = bytearray(blob)
        forged[pos] ^= 0x01
        try:
            verify_spv_proof(SpvProof.decode(bytes(forged)), params.chain_id, params.notaries,
                             params.bits)
            lines.append(f"forged proof ({what} flipped): ACCEPTED (this is a bug)")
        except Rejected as exc:
            lines.append(f"forged proof ({what} flipped): rejected, {exc.reason.value}")
    return lines
