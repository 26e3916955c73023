"""Operations adapters and shared inputs of the Negentropy vector suites.

The suites: five files under ``vectors/sync/``: ``negentropy-varint``, ``negentropy-bound``,
``negentropy-fingerprint``, ``negentropy-message`` (single messages, version
negotiation and every way a frame is refused) and ``negentropy-transcript``
(complete client/server runs, every message byte for byte).

Item sets in inputs are ``{"items": [[timestamp, id hex], ...], "generated":
[{"label", "count", "first_timestamp", "per_timestamp"}, ...]}``; generated
item ``k`` of a block has id ``SHA-256(utf8(label) || k as 4-byte big-endian)``
and timestamp ``first_timestamp + k // per_timestamp`` ([NEG-27]).
"""

from __future__ import annotations

from typing import Any

from chipstack.crypto import sha256
from chipstack.encoding import from_hex
from chipstack.errors import Reason, Rejected
from chipstack.sync.negentropy.bound import (
    INFINITY,
    Bound,
    TimestampDecoder,
    TimestampEncoder,
    decode_bound,
    encode_bound,
    minimal_bound,
)
from chipstack.sync.negentropy.fingerprint import MODULUS, fingerprint, id_value
from chipstack.sync.negentropy.protocol import Negentropy
from chipstack.sync.negentropy.storage import Storage, check_item
from chipstack.sync.negentropy.varint import Cursor, decode_varint, encode_varint
from chipstack.vectors.inputs import as_int
from chipstack.vectors.model import JSONObject, Operation

# -- input helpers ---------------------------------------------------------------


def generated_items(block: JSONObject) -> list[tuple[int, bytes]]:
    """Expand one ``generated`` block of an item set ([NEG-27])."""
    label = str(block["label"]).encode("utf-8")
    count = as_int(block["count"], "count")
    first = as_int(block["first_timestamp"], "first_timestamp")
    per = as_int(block["per_timestamp"], "per_timestamp")
    if count < 0 or count > 100_000 or per < 1:
        raise Rejected(Reason.VECTORS_BAD_INPUT, "count or per_timestamp out of range")
    return [(first + k // per, sha256(label + k.to_bytes(4, "big"))) for k in range(count)]


def item_list(item_set: JSONObject) -> list[tuple[int, bytes]]:
    """All items of an item set, listed and generated, in input order."""
    out: list[tuple[int, bytes]] = []
    for pair in item_set["items"]:
        if not isinstance(pair, list) or len(pair) != 2:
            raise Rejected(Reason.VECTORS_BAD_INPUT, "an item is [timestamp, id hex]")
        out.append((as_int(pair[0], "timestamp"), from_hex(pair[1])))
    for block in item_set["generated"]:
        out.extend(generated_items(block))
    return out


def _storage(item_set: JSONObject) -> Storage:
    return Storage(item_list(item_set))


def _ts_in(value: Any) -> int:
    return INFINITY if value == "infinity" else as_int(value, "timestamp")


def _ts_out(value: int) -> int | str:
    return "infinity" if value == INFINITY else value


# -- operations -----------------------------------------------------------------


def op_varint_encode(inp: JSONObject) -> JSONObject:
    """Encode ``value`` as a varint ([NEG-2], [NEG-3])."""
    return {"encoded": encode_varint(as_int(inp["value"], "value")).hex()}


def op_varint_decode(inp: JSONObject) -> JSONObject:
    """Decode one varint spanning all of ``encoded``."""
    return {"value": decode_varint(from_hex(inp["encoded"]))}


def op_bounds_encode(inp: JSONObject) -> JSONObject:
    """Encode a sequence of bounds as one message would (shared timestamp state) ([NEG-4])."""
    ts = TimestampEncoder()
    out = b""
    for b in inp["bounds"]:
        out += encode_bound(Bound(_ts_in(b["timestamp"]), from_hex(b["id_prefix"])), ts)
    return {"encoded": out.hex()}


def op_bounds_decode(inp: JSONObject) -> JSONObject:
    """Decode consecutive bounds until the end of ``encoded`` ([NEG-4] .. [NEG-6])."""
    cur = Cursor(from_hex(inp["encoded"]))
    ts = TimestampDecoder()
    bounds = []
    while not cur.at_end():
        b = decode_bound(cur, ts)
        bounds.append({"timestamp": _ts_out(b.timestamp), "id_prefix": b.id_prefix.hex()})
    return {"bounds": bounds}


def op_minimal_bound(inp: JSONObject) -> JSONObject:
    """The shortest bound between two adjacent items ([NEG-7])."""
    prev = check_item(
        as_int(inp["previous"]["timestamp"], "timestamp"), from_hex(inp["previous"]["id"])
    )
    curr = check_item(
        as_int(inp["current"]["timestamp"], "timestamp"), from_hex(inp["current"]["id"])
    )
    if not prev < curr:
        raise Rejected(Reason.SYNC_NEGENTROPY_RANGE_ORDER, "previous must sort before current")
    b = minimal_bound(prev, curr)
    return {"bound": {"timestamp": b.timestamp, "id_prefix": b.id_prefix.hex()}}


def op_fingerprint(inp: JSONObject) -> JSONObject:
    """The id sum and fingerprint of a list of ids ([NEG-10])."""
    ids = [from_hex(h) for h in inp["ids"]]
    for i in ids:
        if len(i) != 32:
            raise Rejected(Reason.SYNC_NEGENTROPY_BAD_ITEM, "id must be 32 bytes")
    total = sum(id_value(i) for i in ids) % MODULUS
    return {"sum": total.to_bytes(32, "little").hex(), "fingerprint": fingerprint(ids).hex()}


def op_sort_items(inp: JSONObject) -> JSONObject:
    """Validate an item set and list it in protocol order ([NEG-1])."""
    s = _storage(inp["items"])
    return {"items": [[ts, i.hex()] for ts, i in s]}


def op_initiate(inp: JSONObject) -> JSONObject:
    """The client's first message ([NEG-13], [NEG-14])."""
    ne = Negentropy(_storage(inp["items"]), as_int(inp["frame_size_limit"], "frame_size_limit"))
    return {"message": ne.initiate().hex()}


def op_server_reply(inp: JSONObject) -> JSONObject:
    """A server's answer to one message ([NEG-15], [NEG-21])."""
    ne = Negentropy(_storage(inp["items"]), as_int(inp["frame_size_limit"], "frame_size_limit"))
    return {"reply": ne.reconcile(from_hex(inp["message"])).hex()}


def op_client_reply(inp: JSONObject) -> JSONObject:
    """A client's processing of one server message (after its own initiate) ([NEG-16])."""
    ne = Negentropy(_storage(inp["items"]), as_int(inp["frame_size_limit"], "frame_size_limit"))
    ne.initiate()
    reply, have, need = ne.reconcile_client(from_hex(inp["message"]))
    return {
        "reply": None if reply is None else reply.hex(),
        "have": [h.hex() for h in have],
        "need": [n.hex() for n in need],
    }


def op_reconcile(inp: JSONObject) -> JSONObject:
    """A complete reconciliation: every message, final have/need (sorted) ([NEG-22])."""
    client = Negentropy(
        _storage(inp["client"]), as_int(inp["client_frame_size_limit"], "client_frame_size_limit")
    )
    server = Negentropy(
        _storage(inp["server"]), as_int(inp["server_frame_size_limit"], "server_frame_size_limit")
    )
    messages: list[JSONObject] = []
    have: list[bytes] = []
    need: list[bytes] = []
    up = down = rounds = 0
    msg: bytes | None = client.initiate()
    while msg is not None:
        messages.append({"from": "client", "message": msg.hex()})
        up += len(msg)
        reply = server.reconcile(msg)
        messages.append({"from": "server", "message": reply.hex()})
        down += len(reply)
        rounds += 1
        msg, h, n = client.reconcile_client(reply)
        have += h
        need += n
        if rounds > 1000:
            raise Rejected(Reason.SYNC_BAD_RECONCILIATION, "no convergence")
    return {
        "messages": messages,
        "have": sorted(h.hex() for h in have),
        "need": sorted(n.hex() for n in need),
        "round_trips": rounds,
        "bytes_client_to_server": up,
        "bytes_server_to_client": down,
    }


VARINT_OPS: dict[str, Operation] = {
    "varint_encode": op_varint_encode,
    "varint_decode": op_varint_decode,
}
BOUND_OPS: dict[str, Operation] = {
    "bounds_encode": op_bounds_encode,
    "bounds_decode": op_bounds_decode,
    "minimal_bound": op_minimal_bound,
}
FINGERPRINT_OPS: dict[str, Operation] = {"fingerprint": op_fingerprint}
MESSAGE_OPS: dict[str, Operation] = {
    "sort_items": op_sort_items,
    "initiate": op_initiate,
    "server_reply": op_server_reply,
    "client_reply": op_client_reply,
}
TRANSCRIPT_OPS: dict[str, Operation] = {"reconcile": op_reconcile}

U64 = 2**64 - 1


def label_id(label: str) -> str:
    """Return the 32-byte id (hex) named by ``label``: its SHA-256."""
    return sha256(label.encode()).hex()


def item_set(
    items: list[tuple[int, str]] | None = None, *gen: tuple[str, int, int, int]
) -> JSONObject:
    """Return an item-set input: explicit ``(timestamp, id)`` items plus generated blocks."""
    return {
        "items": [[ts, h] for ts, h in (items or [])],
        "generated": [
            {"label": lab, "count": n, "first_timestamp": t0, "per_timestamp": per}
            for lab, n, t0, per in gen
        ],
    }


# -- case builders -----------------------------------------------------------------


SERVER_SET = item_set([(1000, label_id("s1")), (1000, label_id("s2")), (2000, label_id("s3"))])
SMALL_CLIENT = item_set([(1000, label_id("s1")), (1500, label_id("c1"))])


