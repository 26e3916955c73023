"""The ``sync/items`` vector suite (spec/01-sync.md).

Item encoding, ids, work hashes, priorities, and every rejection reason of
``[SYNC-1]`` .. ``[SYNC-11]``; store eviction and expiry (``[SYNC-12]`` ..
``[SYNC-15]``). Keys come from the 32-byte seeds given in each case's input.
"""

from __future__ import annotations

from chipstack.crypto import PrivateKey
from chipstack.encoding import from_hex
from chipstack.errors import Rejected
from chipstack.sync import pow as pow_
from chipstack.sync.item import Item, check_structure, check_valid, decode_item
from chipstack.sync.params import MAX_PAYLOAD, MAX_TAG_LEN, MAX_TTL_MS
from chipstack.sync.store import Store
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.testvectors.sync import pins
from chipstack.testvectors.sync.common import (
    HOUR,
    T0,
    label_key,
    mk_item,
    raw_item,
    validate_input,
)
from chipstack.vectors.inputs import fixed_hex_field
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
    dest = (  # [VEC-9]
        None if case_input["destination"] is None else fixed_hex_field(case_input, "destination")
    )
    key = PrivateKey(from_hex(case_input["seed"]))
    unsigned = Item(
        int(case_input["timestamp"]), int(case_input["expiry"]), str(case_input["tag1"]),
        str(case_input["tag2"]), dest,
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


ITEM_OPS: dict[str, Operation] = {
    "item_sign": op_item_sign,
    "item_decode": op_item_decode,
    "item_validate": op_item_validate,
    "size_penalty": op_size_penalty,
    "store_insert": op_store_insert,
}

def _item_cases() -> list[Case]:
    ops = ITEM_OPS
    cases: list[Case] = []
    add = cases.append
    seed = label_key(1).seed.hex()
    base_sign: JSONObject = {"seed": seed, "timestamp": T0, "expiry": T0 + HOUR, "tag1": "table",
                             "tag2": "t-0001", "destination": None, "payload": b"hello".hex(),
                             "nonce": 0}
    add(make_case(ops, "item_sign", base_sign, "a minimal item, nonce 0",
                  ("SYNC-5", "SYNC-6", "SYNC-7"),
                  expect="valid"))
    add(make_case(ops, "item_sign", {**base_sign, "destination": label_key(2).public_key.hex(),
                                     "payload": bytes(range(256)).hex(), "nonce": 12345},
                  "with a destination and a 256-byte payload (penalty 1)",
                  ("SYNC-5", "SYNC-6", "SYNC-7"), expect="valid"))
    add(make_case(ops, "item_sign", {**base_sign, "tag1": "", "tag2": "é" * 16},
                  "empty first tag, 32-byte UTF-8 second tag (the limit)", ("SYNC-3", "SYNC-5"),
                  expect="valid"))
    add(make_case(ops, "item_sign", {**base_sign, "payload": bytes(MAX_PAYLOAD).hex()},
                  "largest payload", ("SYNC-4",), ["boundary"], expect="valid"))
    add(make_case(ops, "item_sign", {**base_sign, "tag1": "x" * (MAX_TAG_LEN + 1)},
                  "tag of 33 bytes", ("SYNC-3",), expect="invalid"))
    add(make_case(ops, "item_sign", {**base_sign, "payload": bytes(MAX_PAYLOAD + 1).hex()},
                  "payload one byte over the limit", ("SYNC-4",), expect="invalid"))
    add(make_case(ops, "item_sign", {**base_sign, "expiry": T0}, "expiry equal to timestamp",
                  ("SYNC-2",), expect="invalid"))
    add(make_case(ops, "item_sign", {**base_sign, "expiry": T0 + MAX_TTL_MS},
                  "longest lifetime", ("SYNC-2",), ["boundary"], expect="valid"))
    add(make_case(ops, "item_sign", {**base_sign, "expiry": T0 + MAX_TTL_MS + 1},
                  "lifetime one ms over the limit", ("SYNC-2",), expect="invalid"))
    for n in (0, 255, 256, 511, 512, 1024, 4096, MAX_PAYLOAD):
        add(make_case(ops, "size_penalty", {"payload_len": n}, f"penalty of {n} bytes", ("SYNC-7",),
                      expect="valid"))

    good = mk_item(1, b"payload", prio=8)
    add(make_case(ops, "item_decode", {"encoded": good.encoding.hex()}, "mined item, priority >= 8",
                  ("SYNC-5", "SYNC-6", "SYNC-7"), expect="valid"))
    dest_item = mk_item(2, bytes(600), tags=("dm", ""), destination=label_key(3).public_key.raw)
    add(make_case(ops, "item_decode", {"encoded": dest_item.encoding.hex()},
                  "addressed item, 600-byte payload", ("SYNC-5", "SYNC-7"), expect="valid"))
    enc = good.encoding
    malformed: list[tuple[bytes, str, tuple[str, ...]]] = [
        (b"\x02" + enc[1:], "version 2", ("SYNC-1",)),
        (b"\x00" + enc[1:], "version 0", ("SYNC-1",)),
        (enc[:-1], "truncated signature", ("SYNC-5",)),
        (enc + b"\x00", "trailing byte", ("SYNC-5",)),
        (b"", "empty input", ("SYNC-5",)),
        (raw_item({"tag1": b"x" * 33}), "tag of 33 bytes", ("SYNC-3",)),
        (raw_item({"tag2": b"\xff\xfe"}), "tag not UTF-8", ("SYNC-3",)),
        (raw_item({"payload": bytes(MAX_PAYLOAD + 1)}), "payload over the limit", ("SYNC-4",)),
        (raw_item({"expiry": T0}), "expiry equal to timestamp", ("SYNC-2",)),
        (raw_item({"expiry": T0 - 1}), "expiry before timestamp", ("SYNC-2",)),
        (raw_item({})[:21] + b"\x02" + raw_item({})[22:], "destination flag 2", ("SYNC-5",)),
    ]
    for data, comment, covers in malformed:
        add(make_case(ops, "item_decode", {"encoded": data.hex()}, comment, covers,
                      expect="invalid"))

    add(make_case(ops, "item_validate", validate_input(good.encoding), "valid at a later time",
                  ("SYNC-9", "SYNC-10", "SYNC-11"), expect="valid"))
    low = mk_item(1, b"low", prio=0)
    while low.priority >= 4:
        low = mk_item(1, low.payload + b"!", prio=0)
    add(make_case(ops, "item_validate", validate_input(low.encoding, prio=low.priority),
                  "priority exactly at the minimum", ("SYNC-8",), ["boundary"], expect="valid"))
    add(make_case(ops, "item_validate", validate_input(low.encoding, prio=low.priority + 1),
                  "priority one below the minimum", ("SYNC-8",), expect="invalid"))
    add(make_case(ops, "item_validate", validate_input(good.encoding, now=T0 - 30_000),
                  "timestamp exactly max skew ahead", ("SYNC-9",), ["boundary"], expect="valid"))
    add(make_case(ops, "item_validate", validate_input(good.encoding, now=T0 - 30_001),
                  "timestamp too far in the future", ("SYNC-9",), expect="invalid"))
    add(make_case(ops, "item_validate", validate_input(good.encoding, now=good.expiry),
                  "expired: now equals expiry", ("SYNC-10",), expect="invalid"))
    add(make_case(ops, "item_validate", validate_input(good.encoding, now=good.expiry - 1),
                  "last live millisecond", ("SYNC-10",), ["boundary"], expect="valid"))
    bad_sig = good.encoding[:-64] + bytes([good.signature[0] ^ 1]) + good.signature[1:]
    add(make_case(ops, "item_validate", validate_input(bad_sig), "signature with one bit flipped",
                  ("SYNC-6",), expect="invalid"))
    other = label_key(2).public_key.raw
    swapped = Item(good.timestamp, good.expiry, good.tag1, good.tag2, None, other, good.payload,
                   good.nonce, good.signature)
    add(make_case(ops, "item_validate", validate_input(swapped.encoding, prio=0),
                  "author replaced by another key", ("SYNC-6",), expect="invalid"))
    add(make_case(ops, "item_validate", validate_input(low.encoding, now=T0 - 60_000,
                                                  prio=low.priority + 1),
                  "low priority and future: priority is checked first", ("SYNC-11",),
                  expect="invalid"))
    add(make_case(ops, "item_validate", validate_input(bad_sig, now=good.expiry),
                  "expired and badly signed: expiry is checked first", ("SYNC-11",),
                  expect="invalid"))

    # store
    a = mk_item(1, b"a" * 10, ts=T0, prio=8)
    b = mk_item(2, b"b" * 10, ts=T0 + 1, prio=8)
    c = mk_item(3, b"c" * 10, ts=T0 + 2, ttl=1000, prio=8)
    lo = low if low.priority < min(a.priority, b.priority, c.priority) else None
    seq = [a, b, c] + ([lo] if lo else [])
    store_in: JSONObject = {"max_items": 10, "max_bytes": 1_000_000, "now": T0 + 2000,
                            "items": [i.encoding.hex() for i in seq] + [a.encoding.hex()]}
    add(make_case(ops, "store_insert", store_in, "room for all; duplicate is a no-op; c expires",
                  ("SYNC-12", "SYNC-14", "SYNC-15"), expect="valid"))
    ranked = sorted([a, b, c], key=lambda i: (i.priority, i.timestamp, i.id))
    add(make_case(ops, "store_insert", {"max_items": 2, "max_bytes": 1_000_000, "now": T0,
                                        "items": [i.encoding.hex() for i in (a, b, c)]},
                  "count limit 2: the lowest (priority, timestamp, id) goes "
                  f"(priorities {[i.priority for i in ranked]})", ("SYNC-12", "SYNC-13"),
                  expect="valid"))
    if lo is not None:
        add(make_case(ops, "store_insert", {"max_items": 2, "max_bytes": 1_000_000, "now": T0,
                                            "items": [a.encoding.hex(), b.encoding.hex(),
                                                      lo.encoding.hex()]},
                      "full store refuses an item ranking below every stored one",
                      ("SYNC-13",), expect="valid"))
    add(make_case(ops, "store_insert", {"max_items": 10, "max_bytes": a.size + b.size, "now": T0,
                                        "items": [a.encoding.hex(), b.encoding.hex(),
                                                  c.encoding.hex()]},
                  "byte limit holds exactly two items", ("SYNC-12", "SYNC-13"), expect="valid"))
    # cases added later go last, so that earlier case ids stay stable
    add(make_case(ops, "item_decode", {"encoded": (enc[:17] + b"\xfd\x01\x00" + enc[18:]).hex()},
                  "tag length as a non-minimal CompactSize", ("SYNC-5",), expect="invalid"))
    add(make_case(ops, "store_insert", {"max_items": 10, "max_bytes": a.size - 1, "now": T0,
                                        "items": [a.encoding.hex()]},
                  "an item larger than the byte capacity is refused", ("SYNC-13",),
                  expect="valid"))
    if lo is not None:
        # the newcomer outranks the first item that would go but not the second: refused,
        # and nothing is evicted
        top = max((a, b, c), key=lambda i: (i.priority, i.timestamp, i.id))
        mid = mk_item(4, b"m" * 40, ts=T0 + 3, prio=lo.priority + 1)
        k = 0
        while (mid.priority, mid.timestamp, mid.id) >= (top.priority, top.timestamp, top.id):
            k += 1
            mid = mk_item(4, b"m" * 40 + k.to_bytes(2, "big"), ts=T0 + 3, prio=lo.priority + 1)
        assert lo.priority < mid.priority and mid.size > lo.size  # both would have to go
        add(make_case(ops, "store_insert", {"max_items": 10, "max_bytes": lo.size + top.size,
                                            "now": T0, "items": [lo.encoding.hex(),
                                                                  top.encoding.hex(),
                                                                  mid.encoding.hex()]},
                      f"priorities {lo.priority} and {top.priority} stored; a {mid.size}-byte "
                      f"item of priority {mid.priority} would need both to go: refused",
                      ("SYNC-13",), expect="valid"))
    return cases


#: The ``sync/items`` suite.
SUITE = Suite(
    name="sync/items",
    description="Sync items: encoding, id, work hash, priority, validity and rejection "
    "reasons; store capacity, eviction order and expiry. Keys: the seed in the input "
    "(item_sign) or labels 'sync-vectors-N' via chipstack.crypto.derive_seed.",
    notes=FLAGS,
    reason_flags=REASON_FLAGS,
    operations=ITEM_OPS,
    build_cases=lambda: _item_cases() + pins.item_pins(ITEM_OPS),
)
