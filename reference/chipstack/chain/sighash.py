"""The tagged sighash, input signing and witness checks for key and M-of-N conditions.

Spec: ``spec/02-chain.md`` section 4 (rules ``[SIGHASH-1]`` .. ``[SIGHASH-3]``).
The message an input's signer commits to is::

    chain_id[32] || tx encoded without witnesses || u32 input_index || spent output
      || count(n) spent_output[0] .. spent_output[n-1]

and the signature is Ed25519 over ``tagged_hash("chipstack/chain/sighash", message)``.
Committing to the input's own spent output lets a signature be checked
with nothing but the outputs the transaction spends; committing to *every*
spent output (amounts and conditions, in input order, as BIP-341's
``sha_amounts`` / ``sha_scriptpubkeys`` do) means a signer that is lied to
about another input's amount produces a signature that does not verify.
"""

from __future__ import annotations

from collections.abc import Sequence

from chipstack.chain.conditions import KeyCondition, MultisigCondition
from chipstack.chain.tx import MAX_TX_INPUTS, Tx, TxOut
from chipstack.crypto import SIGNATURE_LEN, PrivateKey, Tag, tagged_hash
from chipstack.encoding import Writer
from chipstack.errors import Reason, Rejected, require

#: Size of a chain id, the first field of every sighash message ([SIGHASH-1]).
CHAIN_ID_LEN = 32


def sighash_message(
    tx: Tx, input_index: int, spent_outputs: Sequence[TxOut], chain_id: bytes
) -> bytes:
    """Return the bytes an input's signature commits to ([SIGHASH-1]).

    ``spent_outputs`` holds the output spent by each input of ``tx``, in
    input order (one per input); the signed input's own is
    ``spent_outputs[input_index]``.
    """
    require(  # [SIGHASH-1]: the signed input exists
        0 <= input_index < len(tx.inputs), Reason.CHAIN_BAD_INPUT_INDEX, f"no input {input_index}"
    )
    require(  # [SIGHASH-1]: one spent output per input
        len(spent_outputs) == len(tx.inputs),
        Reason.CHAIN_BAD_WITNESS,
        f"{len(spent_outputs)} spent outputs for {len(tx.inputs)} inputs",
    )
    w = (
        Writer()
        .fixed(chain_id, CHAIN_ID_LEN)
        .raw(tx.encode(with_witness=False))
        .u32(input_index)
        .raw(spent_outputs[input_index].encode())
        .count(len(spent_outputs), MAX_TX_INPUTS)
    )
    for out in spent_outputs:
        w.raw(out.encode())
    return w.getvalue()


def sighash(tx: Tx, input_index: int, spent_outputs: Sequence[TxOut], chain_id: bytes) -> bytes:
    """Return ``tagged_hash(CHAIN_SIGHASH, sighash_message(...))``, what is signed ([SIGHASH-1])."""
    return tagged_hash(
        Tag.CHAIN_SIGHASH, sighash_message(tx, input_index, spent_outputs, chain_id)
    )


def sign_input(
    tx: Tx,
    input_index: int,
    spent_outputs: Sequence[TxOut],
    chain_id: bytes,
    keys: Sequence[PrivateKey],
) -> Tx:
    """Return ``tx`` with input ``input_index``'s witness made by ``keys`` ([SIGHASH-2]).

    ``spent_outputs`` holds the output spent by each input, in input order.
    For a key condition ``keys`` holds its one key; for M-of-N it holds
    exactly ``threshold`` of the condition's keys, in any order.
    """
    digest = sighash(tx, input_index, spent_outputs, chain_id)
    cond = spent_outputs[input_index].condition
    if isinstance(cond, KeyCondition):
        require(len(keys) == 1, Reason.CHAIN_BAD_WITNESS, "a key condition takes one key")
        require(keys[0].public_key == cond.key, Reason.CHAIN_BAD_WITNESS, "not the output's key")
        return tx.with_witness(input_index, (keys[0].sign(digest),))
    if isinstance(cond, MultisigCondition):
        by_key = {k.public_key.raw: k for k in keys}
        require(len(by_key) == cond.threshold, Reason.CHAIN_BAD_WITNESS, "need threshold keys")
        items = [by_key[p.raw].sign(digest) if p.raw in by_key else b"" for p in cond.keys]
        require(
            sum(1 for i in items if i) == cond.threshold, Reason.CHAIN_BAD_WITNESS, "foreign key"
        )
        return tx.with_witness(input_index, tuple(items))
    raise Rejected(  # [SIGHASH-1]: CC and OP_RETURN outputs take no signature witness
        Reason.CHAIN_NOT_SIGNATURE_CONDITION, "only key and multisig outputs are signed here"
    )


def check_signature_witness(
    tx: Tx, input_index: int, spent_outputs: Sequence[TxOut], chain_id: bytes
) -> None:
    """Check the witness of an input spending a key or M-of-N output ([SIGHASH-2], [SIGHASH-3]).

    ``spent_outputs`` holds the output spent by each input, in input order
    ([SIGHASH-1]); the checked input spends ``spent_outputs[input_index]``.

    Key: exactly one item, a valid 64-byte signature. M-of-N: exactly N
    items, item ``i`` empty or a valid signature by key ``i``, exactly M
    of them non-empty (so nobody but the signers can change the txid).
    Order: input index and spent-output count ([SIGHASH-1]), condition kind,
    witness shape (item count, then non-empty count), then each item in key
    order: length, then signature. Both counts are checked before any
    signature, and a wrong-length item is ``chain.bad_witness``, never
    ``crypto.bad_signature_length``.
    """
    digest = sighash(tx, input_index, spent_outputs, chain_id)
    witness = tx.inputs[input_index].witness
    cond = spent_outputs[input_index].condition
    if isinstance(cond, KeyCondition):
        require(len(witness) == 1, Reason.CHAIN_BAD_WITNESS, f"{len(witness)} items, need 1")
        # [SIGHASH-2]: a wrong length is a bad witness, checked before the signature (SIG-1)
        require(len(witness[0]) == SIGNATURE_LEN, Reason.CHAIN_BAD_WITNESS, "signature length")
        cond.key.verify(witness[0], digest)  # [SIGHASH-2]
        return
    if isinstance(cond, MultisigCondition):
        n = len(cond.keys)
        # [SIGHASH-3]: the shape (N items, exactly M non-empty) before any signature
        require(len(witness) == n, Reason.CHAIN_BAD_WITNESS, f"{len(witness)} items, need {n}")
        present = [item for item in witness if item]
        require(
            len(present) == cond.threshold,
            Reason.CHAIN_BAD_WITNESS,
            f"{len(present)} signatures, need exactly {cond.threshold}",
        )
        for key, item in zip(cond.keys, witness, strict=True):
            if item:
                require(len(item) == SIGNATURE_LEN, Reason.CHAIN_BAD_WITNESS, "signature length")
                key.verify(item, digest)  # [SIGHASH-3]
        return
    raise Rejected(  # [SIGHASH-1]: CC (UTXO-5) and OP_RETURN (TX-8) outputs are not signed
        Reason.CHAIN_NOT_SIGNATURE_CONDITION, "not a key or M-of-N condition"
    )
