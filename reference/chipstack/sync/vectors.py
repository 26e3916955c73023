"""Vector suites for sync items, the store and the node protocol (spec/01-sync.md).

``sync/items``: item encoding, ids, work hashes, priorities, and every rejection
reason of ``[SYNC-1]`` .. ``[SYNC-11]``; store eviction and expiry
(``[SYNC-12]`` .. ``[SYNC-15]``). ``sync/wire``: node-protocol messages, valid
and malformed (``[SYNC-20]`` .. ``[SYNC-25]``). Keys come from the 32-byte
seeds given in each case's input.
"""

from __future__ import annotations

from chipstack.crypto import PrivateKey
from chipstack.encoding import Writer, from_hex
from chipstack.errors import Reason, Rejected
from chipstack.sync import pow as pow_
from chipstack.sync.item import Item, check_structure, check_valid, decode_item, make_item
from chipstack.sync.node import check_hello, sign_challenge, verify_challenge
from chipstack.sync.params import MAX_PAYLOAD, MAX_TAG_LEN, MAX_TTL_MS
from chipstack.sync.store import Store
from chipstack.sync.wire import (
    Auth,
    Bye,
    Graft,
    Have,
    Hello,
    Items,
    Message,
    MsgType,
    Prune,
    Recon,
    ReconReply,
    Want,
    decode_message,
    encode_message,
)
from chipstack.vectors.model import Case, JSONObject, Operation, Suite, make_case

# -- item operations ---------------------------------------------------------------------


def _item_json(item: Item) -> JSONObject:
    return {
        "version": item.version,
        "timestamp": item.timestamp,
        "expiry": item.expiry,
        "tag1": item.tag1,
        "tag2": item.tag2,
        "destination": item.destination.hex() if item.destination is not None else None,
        "author": item.author.hex(),
        "payload": item.payload.hex(),
        "nonce": item.nonce,
        "signature": item.signature.hex(),
        "id": item.id.hex(),
        "work_hash": pow_.work_hash(item.body).hex(),
        "priority": item.priority,
    }


def op_item_sign(case_input: JSONObject) -> JSONObject:
    """Build an item from fields and a key seed, sign it, return its encoding and derived values."""
    key = PrivateKey(from_hex(case_input["seed"]))
    dest = case_input["destination"]
    unsigned = Item(
        int(case_input["timestamp"]), int(case_input["expiry"]), str(case_input["tag1"]),
        str(case_input["tag2"]), from_hex(dest) if dest is not None else None,
        key.public_key.raw, from_hex(case_input["payload"]), int(case_input["nonce"]), b"",
    )
    check_structure(unsigned)
    item = Item(unsigned.timestamp, unsigned.expiry, unsigned.tag1, unsigned.tag2,
                unsigned.destination, unsigned.author, unsigned.payload, unsigned.nonce,
                key.sign(unsigned.id))
    return {"encoded": item.encoding.hex(), **_item_json(item)}


def op_item_decode(case_input: JSONObject) -> JSONObject:
    """Decode an item strictly and return its fields, id, work hash and priority."""
    return _item_json(decode_item(from_hex(case_input["encoded"])))


def op_item_validate(case_input: JSONObject) -> JSONObject:
    """Decode and validate an item at ``now`` against ``min_priority`` and ``max_clock_skew_ms``."""
    item = decode_item(from_hex(case_input["encoded"]))
    check_valid(item, int(case_input["now"]), int(case_input["min_priority"]),
                int(case_input["max_clock_skew_ms"]))
    return {"id": item.id.hex(), "priority": item.priority}


def op_size_penalty(case_input: JSONObject) -> JSONObject:
    """Return the size penalty of a payload length."""
    return {"penalty": pow_.size_penalty(int(case_input["payload_len"]))}


def op_store_insert(case_input: JSONObject) -> JSONObject:
    """Insert items in order into a store of that capacity, purge at ``now``; report the outcome.

    Output: per insertion ``"stored"``, ``"refused"`` (``sync.store_full``), and the ids
    evicted; then the ids remaining in ``(timestamp, id)`` order.
    """
    store = Store(int(case_input["max_items"]), int(case_input["max_bytes"]))
    steps: list[JSONObject] = []
    for enc in case_input["items"]:
        item = decode_item(from_hex(enc))
        try:
            evicted = store.add(item)
            steps.append({"outcome": "stored", "evicted": [e.id.hex() for e in evicted]})
        except Rejected as exc:
            steps.append({"outcome": exc.reason.value, "evicted": []})
    purged = store.purge_expired(int(case_input["now"]))
    return {
        "steps": steps,
        "purged": [p.id.hex() for p in purged],
        "remaining": [iid.hex() for _, iid in store.keys()],
    }


# -- wire operations ---------------------------------------------------------------------


def _message_json(msg: Message) -> JSONObject:
    if isinstance(msg, Hello):
        return {"type": "HELLO", "version": msg.version, "network_id": msg.network_id.hex(),
                "node_key": msg.node_key.hex(), "challenge": msg.challenge.hex()}
    if isinstance(msg, Auth):
        return {"type": "AUTH", "signature": msg.signature.hex()}
    if isinstance(msg, Items):
        return {"type": "ITEMS", "items": [i.encoding.hex() for i in msg.items]}
    if isinstance(msg, Have | Want):
        return {"type": "HAVE" if isinstance(msg, Have) else "WANT",
                "ids": [i.hex() for i in msg.ids]}
    if isinstance(msg, Recon | ReconReply):
        return {"type": "RECON" if isinstance(msg, Recon) else "RECON_REPLY",
                "session": msg.session, "frame": msg.frame.hex()}
    if isinstance(msg, Prune | Graft):
        return {"type": "PRUNE" if isinstance(msg, Prune) else "GRAFT", "author": msg.author.hex()}
    return {"type": "BYE", "reason": msg.reason}


def _message_from_json(m: JSONObject) -> Message:
    kind = m["type"]
    if kind == "HELLO":
        return Hello(int(m["version"]), from_hex(m["network_id"]), from_hex(m["node_key"]),
                     from_hex(m["challenge"]))
    if kind == "AUTH":
        return Auth(from_hex(m["signature"]))
    if kind == "ITEMS":
        return Items(tuple(decode_item(from_hex(e)) for e in m["items"]))
    if kind in ("HAVE", "WANT"):
        ids = tuple(from_hex(i) for i in m["ids"])
        return Have(ids) if kind == "HAVE" else Want(ids)
    if kind in ("RECON", "RECON_REPLY"):
        cls = Recon if kind == "RECON" else ReconReply
        return cls(int(m["session"]), from_hex(m["frame"]))
    if kind == "BYE":
        return Bye(str(m["reason"]))
    if kind in ("PRUNE", "GRAFT"):
        return (Prune if kind == "PRUNE" else Graft)(from_hex(m["author"]))
    raise Rejected(Reason.VECTORS_BAD_INPUT, f"unknown message type {kind!r}")


def op_message_encode(case_input: JSONObject) -> JSONObject:
    """Encode a message given as JSON fields."""
    return {"encoded": encode_message(_message_from_json(case_input["message"])).hex()}


def op_message_decode(case_input: JSONObject) -> JSONObject:
    """Decode a message strictly and return it as JSON fields."""
    return {"message": _message_json(decode_message(from_hex(case_input["encoded"])))}


def op_hello_check(case_input: JSONObject) -> JSONObject:
    """Decode a HELLO and check it against our network id and node key."""
    msg = decode_message(from_hex(case_input["encoded"]))
    if not isinstance(msg, Hello):
        raise Rejected(Reason.SYNC_UNEXPECTED_MESSAGE, "not a HELLO")
    check_hello(msg, from_hex(case_input["network_id"]), from_hex(case_input["own_key"]))
    return {"node_key": msg.node_key.hex(), "challenge": msg.challenge.hex()}


def op_auth_sign(case_input: JSONObject) -> JSONObject:
    """Sign a peer's challenge with the key of ``seed``: the AUTH signature."""
    key = PrivateKey(from_hex(case_input["seed"]))
    sig = sign_challenge(key, from_hex(case_input["network_id"]), from_hex(case_input["challenge"]))
    return {"node_key": key.public_key.hex(), "signature": sig.hex()}


def op_auth_verify(case_input: JSONObject) -> JSONObject:
    """Verify an AUTH signature over our challenge."""
    verify_challenge(from_hex(case_input["node_key"]), from_hex(case_input["network_id"]),
                     from_hex(case_input["challenge"]), from_hex(case_input["signature"]))
    return {}


ITEM_OPS: dict[str, Operation] = {
    "item_sign": op_item_sign,
    "item_decode": op_item_decode,
    "item_validate": op_item_validate,
    "size_penalty": op_size_penalty,
    "store_insert": op_store_insert,
}
WIRE_OPS: dict[str, Operation] = {
    "message_encode": op_message_encode,
    "message_decode": op_message_decode,
    "hello_check": op_hello_check,
    "auth_sign": op_auth_sign,
    "auth_verify": op_auth_verify,
}

# -- case builders ---------------------------------------------------------------------

_T0 = 1_700_000_000_000
_HOUR = 3_600_000


def _key(n: int) -> PrivateKey:
    return PrivateKey.from_label(f"sync-vectors-{n}")


def _mk(n: int, payload: bytes, ts: int = _T0, ttl: int = _HOUR, tags: tuple[str, str] = ("t", "u"),
        prio: int = 8, destination: bytes | None = None) -> Item:
    return make_item(_key(n), tags, payload, ts, ttl, destination, prio)


def _raw_item(fields: dict[str, object]) -> bytes:
    """Hand-encode an item body + signature, bypassing every check (for malformed cases)."""
    f: dict[str, object] = {
        "version": 1, "timestamp": _T0, "expiry": _T0 + _HOUR, "tag1": b"t", "tag2": b"u",
        "dest": None, "author": _key(1).public_key.raw, "payload": b"x", "nonce": 0,
        "signature": bytes(64),
    }
    f.update(fields)
    w = Writer().u8(int(f["version"])).u64(int(f["timestamp"])).u64(int(f["expiry"]))  # type: ignore[call-overload]
    for tag in (f["tag1"], f["tag2"]):
        assert isinstance(tag, bytes)
        w.var_bytes(tag)
    dest = f["dest"]
    w.flag(dest is not None)
    if isinstance(dest, bytes):
        w.raw(dest)
    author, payload, sig = f["author"], f["payload"], f["signature"]
    assert isinstance(author, bytes) and isinstance(payload, bytes) and isinstance(sig, bytes)
    w.raw(author).var_bytes(payload).u64(int(f["nonce"])).raw(sig)  # type: ignore[call-overload]
    return w.getvalue()


def _validate(enc: bytes, now: int = _T0 + 1000, prio: int = 8, skew: int = 30_000) -> JSONObject:
    return {"encoded": enc.hex(), "now": now, "min_priority": prio, "max_clock_skew_ms": skew}


def _item_cases() -> list[Case]:
    ops = ITEM_OPS
    cases: list[Case] = []
    add = cases.append
    seed = _key(1).seed.hex()
    base_sign: JSONObject = {"seed": seed, "timestamp": _T0, "expiry": _T0 + _HOUR, "tag1": "table",
                             "tag2": "t-0001", "destination": None, "payload": b"hello".hex(),
                             "nonce": 0}
    add(make_case(ops, "item_sign", base_sign, "a minimal item, nonce 0",
                  ("SYNC-5", "SYNC-6", "SYNC-7"),
                  expect="valid"))
    add(make_case(ops, "item_sign", {**base_sign, "destination": _key(2).public_key.hex(),
                                     "payload": bytes(range(256)).hex(), "nonce": 12345},
                  "with a destination and a 256-byte payload (penalty 1)",
                  ("SYNC-5", "SYNC-6", "SYNC-7"), expect="valid"))
    add(make_case(ops, "item_sign", {**base_sign, "tag1": "", "tag2": "é" * 16},
                  "empty first tag, 32-byte UTF-8 second tag (the limit)", ("SYNC-3", "SYNC-5"),
                  expect="valid"))
    add(make_case(ops, "item_sign", {**base_sign, "payload": bytes(MAX_PAYLOAD).hex()},
                  "largest payload", ("SYNC-4",), ["edge"], expect="valid"))
    add(make_case(ops, "item_sign", {**base_sign, "tag1": "x" * (MAX_TAG_LEN + 1)},
                  "tag of 33 bytes", ("SYNC-3",), expect="invalid"))
    add(make_case(ops, "item_sign", {**base_sign, "payload": bytes(MAX_PAYLOAD + 1).hex()},
                  "payload one byte over the limit", ("SYNC-4",), expect="invalid"))
    add(make_case(ops, "item_sign", {**base_sign, "expiry": _T0}, "expiry equal to timestamp",
                  ("SYNC-2",), expect="invalid"))
    add(make_case(ops, "item_sign", {**base_sign, "expiry": _T0 + MAX_TTL_MS},
                  "longest lifetime", ("SYNC-2",), ["edge"], expect="valid"))
    add(make_case(ops, "item_sign", {**base_sign, "expiry": _T0 + MAX_TTL_MS + 1},
                  "lifetime one ms over the limit", ("SYNC-2",), expect="invalid"))
    for n in (0, 255, 256, 511, 512, 1024, 4096, MAX_PAYLOAD):
        add(make_case(ops, "size_penalty", {"payload_len": n}, f"penalty of {n} bytes", ("SYNC-7",),
                      expect="valid"))

    good = _mk(1, b"payload", prio=8)
    add(make_case(ops, "item_decode", {"encoded": good.encoding.hex()}, "mined item, priority >= 8",
                  ("SYNC-1", "SYNC-5", "SYNC-6", "SYNC-7"), expect="valid"))
    dest_item = _mk(2, bytes(600), tags=("dm", ""), destination=_key(3).public_key.raw)
    add(make_case(ops, "item_decode", {"encoded": dest_item.encoding.hex()},
                  "addressed item, 600-byte payload", ("SYNC-5", "SYNC-7"), expect="valid"))
    enc = good.encoding
    malformed: list[tuple[bytes, str, tuple[str, ...]]] = [
        (b"\x02" + enc[1:], "version 2", ("SYNC-1",)),
        (b"\x00" + enc[1:], "version 0", ("SYNC-1",)),
        (enc[:-1], "truncated signature", ("SYNC-5",)),
        (enc + b"\x00", "trailing byte", ("SYNC-5",)),
        (b"", "empty input", ("SYNC-5",)),
        (_raw_item({"tag1": b"x" * 33}), "tag of 33 bytes", ("SYNC-3",)),
        (_raw_item({"tag2": b"\xff\xfe"}), "tag not UTF-8", ("SYNC-3",)),
        (_raw_item({"payload": bytes(MAX_PAYLOAD + 1)}), "payload over the limit", ("SYNC-4",)),
        (_raw_item({"expiry": _T0}), "expiry equal to timestamp", ("SYNC-2",)),
        (_raw_item({"expiry": _T0 - 1}), "expiry before timestamp", ("SYNC-2",)),
        (_raw_item({})[:21] + b"\x02" + _raw_item({})[22:], "destination flag 2", ("SYNC-5",)),
    ]
    for data, comment, covers in malformed:
        add(make_case(ops, "item_decode", {"encoded": data.hex()}, comment, covers,
                      expect="invalid"))

    add(make_case(ops, "item_validate", _validate(good.encoding), "valid at a later time",
                  ("SYNC-6", "SYNC-8", "SYNC-9", "SYNC-10", "SYNC-11"), expect="valid"))
    low = _mk(1, b"low", prio=0)
    while low.priority >= 4:
        low = _mk(1, low.payload + b"!", prio=0)
    add(make_case(ops, "item_validate", _validate(low.encoding, prio=low.priority),
                  "priority exactly at the minimum", ("SYNC-8",), ["edge"], expect="valid"))
    add(make_case(ops, "item_validate", _validate(low.encoding, prio=low.priority + 1),
                  "priority one below the minimum", ("SYNC-8",), expect="invalid"))
    add(make_case(ops, "item_validate", _validate(good.encoding, now=_T0 - 30_000),
                  "timestamp exactly max skew ahead", ("SYNC-9",), ["edge"], expect="valid"))
    add(make_case(ops, "item_validate", _validate(good.encoding, now=_T0 - 30_001),
                  "timestamp too far in the future", ("SYNC-9",), expect="invalid"))
    add(make_case(ops, "item_validate", _validate(good.encoding, now=good.expiry),
                  "expired: now equals expiry", ("SYNC-10",), expect="invalid"))
    add(make_case(ops, "item_validate", _validate(good.encoding, now=good.expiry - 1),
                  "last live millisecond", ("SYNC-10",), ["edge"], expect="valid"))
    bad_sig = good.encoding[:-64] + bytes([good.signature[0] ^ 1]) + good.signature[1:]
    add(make_case(ops, "item_validate", _validate(bad_sig), "signature with one bit flipped",
                  ("SYNC-6",), expect="invalid"))
    other = _key(2).public_key.raw
    swapped = Item(good.timestamp, good.expiry, good.tag1, good.tag2, None, other, good.payload,
                   good.nonce, good.signature)
    add(make_case(ops, "item_validate", _validate(swapped.encoding, prio=0),
                  "author replaced by another key", ("SYNC-6",), expect="invalid"))
    add(make_case(ops, "item_validate", _validate(low.encoding, now=_T0 - 60_000,
                                                  prio=low.priority + 1),
                  "low priority and future: priority is checked first", ("SYNC-11",),
                  expect="invalid"))
    add(make_case(ops, "item_validate", _validate(bad_sig, now=good.expiry),
                  "expired and badly signed: expiry is checked first", ("SYNC-11",),
                  expect="invalid"))

    # store
    a = _mk(1, b"a" * 10, ts=_T0, prio=8)
    b = _mk(2, b"b" * 10, ts=_T0 + 1, prio=8)
    c = _mk(3, b"c" * 10, ts=_T0 + 2, ttl=1000, prio=8)
    lo = low if low.priority < min(a.priority, b.priority, c.priority) else None
    seq = [a, b, c] + ([lo] if lo else [])
    store_in: JSONObject = {"max_items": 10, "max_bytes": 1_000_000, "now": _T0 + 2000,
                            "items": [i.encoding.hex() for i in seq] + [a.encoding.hex()]}
    add(make_case(ops, "store_insert", store_in, "room for all; duplicate is a no-op; c expires",
                  ("SYNC-12", "SYNC-14", "SYNC-15"), expect="valid"))
    ranked = sorted([a, b, c], key=lambda i: (i.priority, i.timestamp, i.id))
    add(make_case(ops, "store_insert", {"max_items": 2, "max_bytes": 1_000_000, "now": _T0,
                                        "items": [i.encoding.hex() for i in (a, b, c)]},
                  "count limit 2: the lowest (priority, timestamp, id) goes "
                  f"(priorities {[i.priority for i in ranked]})", ("SYNC-12", "SYNC-13"),
                  expect="valid"))
    if lo is not None:
        add(make_case(ops, "store_insert", {"max_items": 2, "max_bytes": 1_000_000, "now": _T0,
                                            "items": [a.encoding.hex(), b.encoding.hex(),
                                                      lo.encoding.hex()]},
                      "full store refuses an item ranking below every stored one",
                      ("SYNC-13",), expect="valid"))
    add(make_case(ops, "store_insert", {"max_items": 10, "max_bytes": a.size + b.size, "now": _T0,
                                        "items": [a.encoding.hex(), b.encoding.hex(),
                                                  c.encoding.hex()]},
                  "byte limit holds exactly two items", ("SYNC-12", "SYNC-13"), expect="valid"))
    # cases added later go last, so that earlier case ids stay stable
    add(make_case(ops, "item_decode", {"encoded": (enc[:17] + b"\xfd\x01\x00" + enc[18:]).hex()},
                  "tag length as a non-minimal CompactSize", ("SYNC-5",), expect="invalid"))
    add(make_case(ops, "store_insert", {"max_items": 10, "max_bytes": a.size - 1, "now": _T0,
                                        "items": [a.encoding.hex()]},
                  "an item larger than the byte capacity is refused", ("SYNC-13",),
                  expect="valid"))
    if lo is not None:
        # the newcomer outranks the first item that would go but not the second: refused,
        # and nothing is evicted
        top = max((a, b, c), key=lambda i: (i.priority, i.timestamp, i.id))
        mid = _mk(4, b"m" * 40, ts=_T0 + 3, prio=lo.priority + 1)
        k = 0
        while (mid.priority, mid.timestamp, mid.id) >= (top.priority, top.timestamp, top.id):
            k += 1
            mid = _mk(4, b"m" * 40 + k.to_bytes(2, "big"), ts=_T0 + 3, prio=lo.priority + 1)
        assert lo.priority < mid.priority and mid.size > lo.size  # both would have to go
        add(make_case(ops, "store_insert", {"max_items": 10, "max_bytes": lo.size + top.size,
                                            "now": _T0, "items": [lo.encoding.hex(),
                                                                  top.encoding.hex(),
                                                                  mid.encoding.hex()]},
                      f"priorities {lo.priority} and {top.priority} stored; a {mid.size}-byte "
                      f"item of priority {mid.priority} would need both to go: refused",
                      ("SYNC-13",), expect="valid"))
    return cases


def _wire_cases() -> list[Case]:
    ops = WIRE_OPS
    cases: list[Case] = []
    add = cases.append
    net = bytes(32)
    k1, k2 = _key(1), _key(2)
    hello: JSONObject = {"type": "HELLO", "version": 1, "network_id": net.hex(),
                         "node_key": k1.public_key.hex(), "challenge": bytes(range(32)).hex()}
    item = _mk(1, b"wire")
    msgs: list[tuple[JSONObject, str]] = [
        (hello, "HELLO"),
        ({"type": "AUTH", "signature": bytes(64).hex()}, "AUTH (encoding only)"),
        ({"type": "ITEMS", "items": [item.encoding.hex()]}, "ITEMS with one item"),
        ({"type": "ITEMS", "items": []}, "ITEMS, empty"),
        ({"type": "HAVE", "ids": [item.id.hex(), bytes(32).hex()]}, "HAVE with two ids"),
        ({"type": "WANT", "ids": [item.id.hex()]}, "WANT with one id"),
        ({"type": "RECON", "session": 7, "frame": "6100"}, "RECON"),
        ({"type": "RECON_REPLY", "session": 0xFFFFFFFF, "frame": ""},
         "RECON_REPLY, largest session"),
        ({"type": "BYE", "reason": "sync.timeout"}, "BYE"),
        ({"type": "PRUNE", "author": k1.public_key.hex()}, "PRUNE"),
        ({"type": "GRAFT", "author": k2.public_key.hex()}, "GRAFT"),
    ]
    for m, comment in msgs:
        add(make_case(ops, "message_encode", {"message": m}, comment, ("SYNC-20",), expect="valid"))
        encoded = op_message_encode({"message": m})["encoded"]
        add(make_case(ops, "message_decode", {"encoded": encoded}, comment, ("SYNC-20", "SYNC-21"),
                      expect="valid"))
    hello_enc = from_hex(op_message_encode({"message": hello})["encoded"])
    have_enc = from_hex(op_message_encode({"message": msgs[4][0]})["encoded"])
    items_enc = from_hex(op_message_encode({"message": msgs[2][0]})["encoded"])
    bad_item = _raw_item({"payload": bytes(MAX_PAYLOAD + 1)})
    malformed: list[tuple[bytes, str, tuple[str, ...]]] = [
        (b"", "empty message", ("SYNC-21",)),
        (b"\x00", "type 0x00", ("SYNC-20",)),
        (b"\x0b", "type 0x0b", ("SYNC-20",)),
        (b"\x09" + bytes(31), "PRUNE with a 31-byte author", ("SYNC-21",)),
        (b"\xff" + bytes(10), "type 0xff", ("SYNC-20",)),
        (hello_enc[:-1], "truncated HELLO", ("SYNC-21",)),
        (hello_enc + b"\x00", "HELLO with a trailing byte", ("SYNC-21",)),
        (have_enc[:-5], "HAVE with a truncated id", ("SYNC-21",)),
        (bytes([MsgType.HAVE]) + b"\xfd\x01\x10" + bytes(32 * 4097),
         "HAVE with 4097 ids", ("SYNC-22",)),
        (bytes([MsgType.HAVE, 0xFD, 0x02, 0x00]) + bytes(64), "HAVE count not minimal",
         ("SYNC-21",)),
        (bytes([MsgType.ITEMS]) + b"\xfd\x01\x01" + b"\x00" * 257, "ITEMS with 257 entries",
         ("SYNC-22",)),
        (items_enc[:2] + b"\x00" + items_enc[3:], "ITEMS entry length wrong", ("SYNC-21",)),
        (bytes([MsgType.ITEMS, 1]) + Writer().var_bytes(bad_item).getvalue(),
         "ITEMS with an oversize payload", ("SYNC-4", "SYNC-21")),
        (bytes([MsgType.RECON]) + (1).to_bytes(4, "little") + b"\xfe\x01\x00\x10\x00",
         "RECON frame over 1 MiB", ("SYNC-22",)),
        (bytes([MsgType.BYE]) + Writer().var_bytes(b"x" * 65).getvalue(),
         "BYE reason over 64 bytes",
         ("SYNC-22",)),
        (bytes([MsgType.BYE]) + Writer().var_bytes(b"\xc3").getvalue(), "BYE reason not UTF-8",
         ("SYNC-21",)),
    ]
    for data, comment, covers in malformed:
        add(make_case(ops, "message_decode", {"encoded": data.hex()}, comment, covers,
                      expect="invalid"))
    own = k2.public_key.hex()
    add(make_case(ops, "hello_check", {"encoded": hello_enc.hex(), "network_id": net.hex(),
                                       "own_key": own}, "matching HELLO", ("SYNC-23", "SYNC-24"),
                  expect="valid"))
    add(make_case(ops, "hello_check", {"encoded": hello_enc.hex(), "network_id": "01" * 32,
                                       "own_key": own}, "another network", ("SYNC-24",),
                  expect="invalid"))
    v2 = hello_enc[:1] + b"\x02" + hello_enc[2:]
    add(make_case(ops, "hello_check", {"encoded": v2.hex(), "network_id": net.hex(),
                                       "own_key": own}, "protocol version 2", ("SYNC-24",),
                  expect="invalid"))
    add(make_case(ops, "hello_check", {"encoded": hello_enc.hex(), "network_id": net.hex(),
                                       "own_key": k1.public_key.hex()}, "HELLO from ourselves",
                  ("SYNC-24",), expect="invalid"))
    add(make_case(ops, "hello_check", {"encoded": have_enc.hex(), "network_id": net.hex(),
                                       "own_key": own}, "first message is not HELLO",
                  ("SYNC-23", "SYNC-26"), expect="invalid"))
    challenge = bytes(range(32, 64))
    add(make_case(ops, "auth_sign", {"seed": k1.seed.hex(), "network_id": net.hex(),
                                     "challenge": challenge.hex()}, "AUTH signature",
                  ("SYNC-25",), expect="valid"))
    sig = sign_challenge(k1, net, challenge)
    good_auth: JSONObject = {"node_key": k1.public_key.hex(), "network_id": net.hex(),
                             "challenge": challenge.hex(), "signature": sig.hex()}
    add(make_case(ops, "auth_verify", good_auth, "AUTH verifies", ("SYNC-25",), expect="valid"))
    add(make_case(ops, "auth_verify", {**good_auth, "challenge": bytes(32).hex()},
                  "AUTH over another challenge (replay)", ("SYNC-25",), expect="invalid"))
    add(make_case(ops, "auth_verify", {**good_auth, "network_id": "01" * 32},
                  "AUTH made for another network", ("SYNC-25",), expect="invalid"))
    add(make_case(ops, "auth_verify", {**good_auth, "node_key": own},
                  "AUTH claimed by another key", ("SYNC-25",), expect="invalid"))
    return cases


NOTES = {"edge": "exactly at a limit: checks that the boundary is inclusive/exclusive as stated"}

SUITES: list[Suite] = [
    Suite(
        name="sync/items",
        description="Sync items: encoding, id, work hash, priority, validity and rejection "
        "reasons; store capacity, eviction order and expiry. Keys: the seed in the input "
        "(item_sign) or labels 'sync-vectors-N' via chipstack.crypto.derive_seed.",
        notes=NOTES,
        operations=ITEM_OPS,
        build_cases=_item_cases,
    ),
    Suite(
        name="sync/wire",
        description="Node-protocol messages (valid and malformed), HELLO checks and the AUTH "
        "challenge signature.",
        notes=NOTES,
        operations=WIRE_OPS,
        build_cases=_wire_cases,
    ),
]
