"""Shared inputs of the cashier vector suites: the scenario world and JSON helpers."""

from __future__ import annotations

from typing import Any

from chipstack.cashier.scenario import World, new_world
from chipstack.chain.tx import OutPoint
from chipstack.encoding import from_hex
from chipstack.errors import Reason, Rejected
from chipstack.fsm.expr import Type, Value, parse_type, value_from_json, value_to_json
from chipstack.vectors.inputs import hex_field


def world(**kwargs: Any) -> World:
    """A fresh deterministic scenario world (spec/04-cashier.md examples)."""
    return new_world(**kwargs)


def outpoint_json(op: OutPoint) -> dict[str, Any]:
    """``{txid, index}`` with the txid in internal byte order."""
    return {"txid": op.txid.hex(), "index": op.index}


def opt_hex(obj: dict[str, Any], key: str) -> bytes:
    """``obj[key]`` as hex bytes, empty when the key is missing or empty."""
    if not obj.get(key):
        return b""
    return hex_field(obj, key)


def hex_list(obj: dict[str, Any], key: str) -> list[bytes]:
    """``obj[key]`` as a list of hex strings."""
    items = obj[key]
    if not isinstance(items, list):
        raise Rejected(Reason.VECTORS_BAD_INPUT, f"{key} must be a list")
    out = []
    for item in items:
        if not isinstance(item, str):
            raise Rejected(Reason.VECTORS_BAD_INPUT, f"{key} holds hex strings")
        out.append(from_hex(item))
    return out


def typed_args(obj: dict[str, Any], key: str) -> tuple[list[Type], tuple[Value, ...]]:
    """``obj[key]`` as a list of ``{type, value}`` expression values (spec/03 EXPR-6)."""
    items = obj[key]
    if not isinstance(items, list):
        raise Rejected(Reason.VECTORS_BAD_INPUT, f"{key} must be a list")
    types = [parse_type(str(i["type"])) for i in items]
    values = tuple(value_from_json(i["value"], t) for i, t in zip(items, types, strict=True))
    return types, values


def typed_json(t: Type, v: Value) -> dict[str, Any]:
    """``{type, value}`` of one expression value."""
    return {"type": str(t), "value": value_to_json(v, t)}
