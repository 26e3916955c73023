"""The JSON forms of chain objects used by the vector files (bytes as lowercase hex).

Spec: ``spec/02-chain.md`` section 9. Hashes are written in internal byte
order (as encoded), never in the reversed explorer order, except in fields
whose name ends in ``_display``.
"""

from __future__ import annotations

from typing import Any

from chipstack.chain.conditions import condition_from_json, condition_to_json
from chipstack.chain.header import BlockHeader
from chipstack.chain.notary import NotarySet
from chipstack.chain.tx import OutPoint, Tx, TxIn, TxOut
from chipstack.chain.utxo import Utxo
from chipstack.crypto import PublicKey
from chipstack.encoding import from_hex
from chipstack.vectors.inputs import fixed_hex_field, int_field

JSONDict = dict[str, Any]


def _list(obj: JSONDict, key: str) -> list[Any]:
    value = obj[key]
    if not isinstance(value, list):
        raise TypeError(f"{key} must be a list")
    return value


def output_to_json(out: TxOut) -> JSONDict:
    """Return ``{"amount", "condition"}``."""
    return {"amount": out.amount, "condition": condition_to_json(out.condition)}


def output_from_json(obj: JSONDict) -> TxOut:
    """Parse the form written by :func:`output_to_json`."""
    cond = obj["condition"]
    if not isinstance(cond, dict):
        raise TypeError("condition must be an object")
    return TxOut(int_field(obj, "amount"), condition_from_json(cond))


def tx_to_json(tx: Tx) -> JSONDict:
    """Return the JSON form of a transaction."""
    return {
        "version": tx.version,
        "inputs": [
            {
                "txid": i.prevout.txid.hex(),
                "index": i.prevout.index,
                "witness": [w.hex() for w in i.witness],
            }
            for i in tx.inputs
        ],
        "outputs": [output_to_json(o) for o in tx.outputs],
        "locktime": tx.locktime,
    }


def tx_from_json(obj: JSONDict) -> Tx:
    """Parse the form written by :func:`tx_to_json` (no rule checks beyond field types)."""
    inputs = tuple(
        TxIn(
            OutPoint(fixed_hex_field(i, "txid"), int_field(i, "index")),
            tuple(from_hex(str(w)) for w in _list(i, "witness")),
        )
        for i in _list(obj, "inputs")
    )
    outputs = tuple(output_from_json(o) for o in _list(obj, "outputs"))
    return Tx(inputs, outputs, int_field(obj, "locktime"), int_field(obj, "version"))


def header_to_json(h: BlockHeader) -> JSONDict:
    """Return the header's fields (hashes in internal order)."""
    return {
        "version": h.version,
        "prev_hash": h.prev_hash.hex(),
        "merkle_root": h.merkle_root.hex(),
        "time": h.time,
        "bits": h.bits,
        "nonce": h.nonce,
    }


def header_from_json(obj: JSONDict) -> BlockHeader:
    """Parse the form written by :func:`header_to_json`."""
    return BlockHeader(
        int_field(obj, "version"),
        fixed_hex_field(obj, "prev_hash"),
        fixed_hex_field(obj, "merkle_root"),
        int_field(obj, "time"),
        int_field(obj, "bits"),
        int_field(obj, "nonce"),
    )


def notary_set_to_json(s: NotarySet) -> JSONDict:
    """Return ``{"threshold", "keys"}``."""
    return {"threshold": s.threshold, "keys": [k.hex() for k in s.keys]}


def notary_set_from_json(obj: JSONDict) -> NotarySet:
    """Parse the form written by :func:`notary_set_to_json`."""
    keys = tuple(PublicKey(from_hex(str(k))) for k in _list(obj, "keys"))
    return NotarySet(int_field(obj, "threshold"), keys)


def utxo_to_json(op: OutPoint, u: Utxo) -> JSONDict:
    """Return one UTXO-set entry."""
    return {
        "txid": op.txid.hex(),
        "index": op.index,
        "output": output_to_json(u.output),
        "height": u.height,
        "coinbase": u.coinbase,
    }


def utxo_from_json(obj: JSONDict) -> tuple[OutPoint, Utxo]:
    """Parse the form written by :func:`utxo_to_json`."""
    out = obj["output"]
    if not isinstance(out, dict):
        raise TypeError("output must be an object")
    coinbase = obj["coinbase"]
    if not isinstance(coinbase, bool):
        raise TypeError("coinbase must be a boolean")
    op = OutPoint(fixed_hex_field(obj, "txid"), int_field(obj, "index"))
    return op, Utxo(output_from_json(out), int_field(obj, "height"), coinbase)
