"""Vector suites for Negentropy reconciliation (spec/01-sync.md, NEG rules).

Five files under ``vectors/sync/``: ``negentropy-varint``, ``negentropy-bound``,
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
from chipstack.vectors.model import Case, JSONObject, Operation, Suite, make_case

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

_U64 = 2**64 - 1


def _id(label: str) -> str:
    return sha256(label.encode()).hex()


def _set(items: list[tuple[int, str]] | None = None, *gen: tuple[str, int, int, int]) -> JSONObject:
    return {
        "items": [[ts, h] for ts, h in (items or [])],
        "generated": [
            {"label": lab, "count": n, "first_timestamp": t0, "per_timestamp": per}
            for lab, n, t0, per in gen
        ],
    }


# -- case builders -----------------------------------------------------------------


def _varint_cases() -> list[Case]:
    ops = VARINT_OPS
    c: list[Case] = []
    for v in (0, 1, 0x7F, 0x80, 0x3FFF, 0x4000, 1677970534, _U64):
        c.append(
            make_case(ops, "varint_encode", {"value": v}, f"encode {v}", ["NEG-2"], expect="valid")
        )
        enc = encode_varint(v).hex()
        c.append(
            make_case(
                ops,
                "varint_decode",
                {"encoded": enc},
                f"decode {v}",
                ["NEG-2", "NEG-3"],
                expect="valid",
            )
        )
    bad = [
        ("8000", "zero with a leading zero digit", ["NEG-2"], "non_minimal"),
        ("807f", "0x7f with a leading zero digit", ["NEG-2"], "non_minimal"),
        ("", "empty input", ["NEG-2"], "truncated"),
        ("81", "continuation bit on the last byte", ["NEG-2"], "truncated"),
        ("82808080808080808000", "2^64", ["NEG-3"], "overflow"),
        ("ffffffffffffffffffff7f", "far above 2^64", ["NEG-3"], "overflow"),
    ]
    for enc, what, covers, flag in bad:
        c.append(
            make_case(
                ops, "varint_decode", {"encoded": enc}, what, covers, [flag], expect="invalid"
            )
        )
    c.append(
        make_case(
            ops,
            "varint_encode",
            {"value": 2**64},
            "2^64 does not fit",
            ["NEG-3"],
            ["overflow"],
            expect="invalid",
        )
    )
    c.append(
        make_case(
            ops,
            "varint_decode",
            {"encoded": "0100"},
            "a byte after the varint",
            ["NEG-2"],
            ["trailing"],
            expect="invalid",
        )
    )
    return c


def _bound_cases() -> list[Case]:
    ops = BOUND_OPS
    c: list[Case] = []
    seqs = [
        ([{"timestamp": "infinity", "id_prefix": ""}], "infinity alone"),
        ([{"timestamp": 0, "id_prefix": ""}], "timestamp 0"),
        (
            [
                {"timestamp": 1677970534, "id_prefix": ""},
                {"timestamp": 1677970534, "id_prefix": "ab"},
                {"timestamp": 1677970600, "id_prefix": "00ff"},
                {"timestamp": "infinity", "id_prefix": ""},
            ],
            "deltas, a repeated timestamp, prefixes, then infinity",
        ),
        ([{"timestamp": 5, "id_prefix": "11" * 32}], "full 32-byte id"),
        ([{"timestamp": _U64 - 1, "id_prefix": ""}], "largest finite timestamp"),
    ]
    for bounds, what in seqs:
        c.append(
            make_case(
                ops, "bounds_encode", {"bounds": bounds}, what, ["NEG-4", "NEG-5"], expect="valid"
            )
        )
        enc = op_bounds_encode({"bounds": bounds})["encoded"]
        c.append(
            make_case(
                ops,
                "bounds_decode",
                {"encoded": enc},
                what + " (decode)",
                ["NEG-4", "NEG-5", "NEG-6"],
                expect="valid",
            )
        )
    c.append(
        make_case(
            ops,
            "bounds_encode",
            {"bounds": [{"timestamp": 10, "id_prefix": "00" * 33}]},
            "33-byte prefix",
            ["NEG-4"],
            ["bad_prefix"],
            expect="invalid",
        )
    )
    c.append(
        make_case(
            ops,
            "bounds_decode",
            {"encoded": "0b21" + "00" * 33},
            "prefix length 33",
            ["NEG-4"],
            ["bad_prefix"],
            expect="invalid",
        )
    )
    c.append(
        make_case(
            ops,
            "bounds_decode",
            {"encoded": "0b0300"},
            "prefix shorter than its length",
            ["NEG-4"],
            ["truncated"],
            expect="invalid",
        )
    )
    c.append(
        make_case(
            ops,
            "bounds_decode",
            {"encoded": "0b"},
            "length missing",
            ["NEG-4"],
            ["truncated"],
            expect="invalid",
        )
    )
    over = (encode_varint(_U64) + b"\x00" + encode_varint(2) + b"\x00").hex()
    c.append(
        make_case(
            ops,
            "bounds_decode",
            {"encoded": over},
            "second timestamp reaches 2^64-1",
            ["NEG-6"],
            ["overflow"],
            expect="invalid",
        )
    )
    c.append(
        make_case(
            ops,
            "bounds_decode",
            {"encoded": "000002"},
            "a finite timestamp after infinity",
            ["NEG-6"],
            ["overflow"],
            expect="invalid",
        )
    )
    a, b = _id("a"), _id("b")
    pairs = [
        ((10, a), (11, b), "different timestamps: empty prefix"),
        ((10, "00" * 31 + "01"), (10, "00" * 31 + "02"), "ids differ only in the last byte"),
        ((10, "abcd" + "00" * 30), (10, "abce" + "00" * 30), "ids differ in the second byte"),
        ((10, "10" + "ff" * 31), (10, "11" + "00" * 31), "ids differ in the first byte"),
    ]
    for (t1, i1), (t2, i2), what in pairs:
        c.append(
            make_case(
                ops,
                "minimal_bound",
                {"previous": {"timestamp": t1, "id": i1}, "current": {"timestamp": t2, "id": i2}},
                what,
                ["NEG-7"],
                expect="valid",
            )
        )
    c.append(
        make_case(
            ops,
            "minimal_bound",
            {"previous": {"timestamp": 11, "id": a}, "current": {"timestamp": 10, "id": b}},
            "records not in order",
            ["NEG-7"],
            ["order"],
            expect="invalid",
        )
    )
    c.append(
        make_case(
            ops,
            "bounds_encode",
            {"bounds": [{"timestamp": 20, "id_prefix": ""}, {"timestamp": 19, "id_prefix": ""}]},
            "a timestamp below the previous one has no encoding",
            ["NEG-5"],
            ["order"],
            expect="invalid",
        )
    )
    return c


def _fingerprint_cases() -> list[Case]:
    ops = FINGERPRINT_OPS
    c: list[Case] = []
    c.append(make_case(ops, "fingerprint", {"ids": []}, "empty set", ["NEG-10"], expect="valid"))
    c.append(
        make_case(ops, "fingerprint", {"ids": [_id("x")]}, "one id", ["NEG-10"], expect="valid")
    )
    c.append(
        make_case(
            ops,
            "fingerprint",
            {"ids": ["ff" * 32, "01" + "00" * 31]},
            "sum wraps to zero mod 2^256",
            ["NEG-10"],
            ["wrap"],
            expect="valid",
        )
    )
    c.append(
        make_case(
            ops,
            "fingerprint",
            {"ids": ["ff" * 32, "02" + "00" * 31]},
            "carry through all 32 bytes",
            ["NEG-10"],
            ["wrap"],
            expect="valid",
        )
    )
    c.append(
        make_case(
            ops,
            "fingerprint",
            {"ids": [_id(f"m{i}") for i in range(200)]},
            "200 ids (count varint of 2 bytes)",
            ["NEG-10"],
            expect="valid",
        )
    )
    c.append(
        make_case(
            ops,
            "fingerprint",
            {"ids": ["00" * 31]},
            "31-byte id",
            ["NEG-10"],
            ["bad_item"],
            expect="invalid",
        )
    )
    return c


_SERVER_SET = _set([(1000, _id("s1")), (1000, _id("s2")), (2000, _id("s3"))])
_SMALL_CLIENT = _set([(1000, _id("s1")), (1500, _id("c1"))])


def _message_cases() -> list[Case]:
    ops = MESSAGE_OPS
    c: list[Case] = []

    def srv(msg: str, what: str, covers: list[str], flags: list[str], expect: str) -> None:
        c.append(
            make_case(
                ops,
                "server_reply",
                {"items": _SERVER_SET, "frame_size_limit": 0, "message": msg},
                what,
                covers,
                flags,
                expect="valid" if expect == "valid" else "invalid",
            )
        )

    c.append(
        make_case(
            ops,
            "sort_items",
            {"items": _set([(5, _id("b")), (3, _id("z")), (5, _id("a"))])},
            "timestamp then id order",
            ["NEG-1"],
            expect="valid",
        )
    )
    c.append(
        make_case(
            ops,
            "sort_items",
            {"items": _set([(5, _id("a")), (5, _id("a"))])},
            "same item twice",
            ["NEG-1"],
            ["duplicate"],
            expect="invalid",
        )
    )
    c.append(
        make_case(
            ops,
            "sort_items",
            {"items": _set([(_U64, _id("a"))])},
            "timestamp 2^64-1 is reserved",
            ["NEG-1"],
            ["bad_item"],
            expect="invalid",
        )
    )
    c.append(
        make_case(
            ops,
            "sort_items",
            {"items": _set([(5, "00" * 33)])},
            "33-byte id",
            ["NEG-1"],
            ["bad_item"],
            expect="invalid",
        )
    )

    c.append(
        make_case(
            ops,
            "initiate",
            {"items": _set(), "frame_size_limit": 0},
            "empty set: one empty IdList",
            ["NEG-8", "NEG-13", "NEG-14"],
            expect="valid",
        )
    )
    c.append(
        make_case(
            ops,
            "initiate",
            {"items": _SERVER_SET, "frame_size_limit": 0},
            "3 items: one IdList",
            ["NEG-13", "NEG-14"],
            expect="valid",
        )
    )
    c.append(
        make_case(
            ops,
            "initiate",
            {"items": _set(None, ("i31", 31, 100, 1)), "frame_size_limit": 0},
            "31 items: still one IdList",
            ["NEG-14"],
            ["boundary"],
            expect="valid",
        )
    )
    c.append(
        make_case(
            ops,
            "initiate",
            {"items": _set(None, ("i32", 32, 100, 1)), "frame_size_limit": 0},
            "32 items: 16 fingerprints of 2",
            ["NEG-14"],
            ["boundary"],
            expect="valid",
        )
    )
    c.append(
        make_case(
            ops,
            "initiate",
            {"items": _set(None, ("i50", 50, 100, 4)), "frame_size_limit": 0},
            "50 items, 4 per timestamp: uneven buckets, id-prefix bounds",
            ["NEG-7", "NEG-14"],
            expect="valid",
        )
    )
    c.append(
        make_case(
            ops,
            "initiate",
            {"items": _SERVER_SET, "frame_size_limit": 4095},
            "frame size limit below 4096",
            ["NEG-19"],
            ["frame_limit"],
            expect="invalid",
        )
    )
    c.append(
        make_case(
            ops,
            "initiate",
            {"items": _SERVER_SET, "frame_size_limit": 4096},
            "smallest frame size limit",
            ["NEG-19"],
            ["frame_limit"],
            expect="valid",
        )
    )

    ids3 = [_id("s1"), _id("s2"), _id("s3")]
    srv(
        "6100000200",
        "client has nothing: server lists its ids",
        ["NEG-9", "NEG-15", "NEG-26"],
        [],
        "valid",
    )
    srv(
        "61000002" + "03" + "".join([*sorted(ids3[:2]), ids3[2]]),
        "same ids: server still answers its IdList",
        ["NEG-15"],
        [],
        "valid",
    )
    fp_all = op_fingerprint({"ids": ids3})["fingerprint"]
    srv("61000001" + fp_all, "matching fingerprint: empty reply", ["NEG-15", "NEG-18"], [], "valid")
    srv(
        "61000001" + "00" * 16,
        "differing fingerprint over 3 items: IdList",
        ["NEG-15"],
        [],
        "valid",
    )
    srv(
        "61" + "8b5d00" + "00" + "000001" + "00" * 16,
        "skip, then a differing fingerprint",
        ["NEG-12", "NEG-18"],
        [],
        "valid",
    )
    srv(
        "61" + "8b5d00" + "01" + "00" * 16,
        "range ending before infinity: rest is an implicit skip",
        ["NEG-12"],
        [],
        "valid",
    )
    srv("62aabbccddeeff", "version 2 requested: answer 0x61", ["NEG-21"], ["version"], "valid")
    srv("60000000", "version 0 requested: answer 0x61", ["NEG-21"], ["version"], "valid")
    srv("6f", "version 0x6f, no ranges: answer 0x61", ["NEG-21"], ["version"], "valid")
    srv("", "empty message", ["NEG-8"], ["truncated"], "invalid")
    srv("5f00000200", "first byte below 0x60", ["NEG-8"], ["version"], "invalid")
    srv("7000000200", "first byte above 0x6f", ["NEG-8"], ["version"], "invalid")
    srv("6100", "bound without length", ["NEG-9"], ["truncated"], "invalid")
    srv("610000", "range without mode", ["NEG-9"], ["truncated"], "invalid")
    srv("61000001" + "00" * 15, "15-byte fingerprint", ["NEG-9"], ["truncated"], "invalid")
    srv("6100000202" + ids3[0], "IdList says 2 ids, 1 follows", ["NEG-9"], ["truncated"], "invalid")
    srv(
        "61000002" + encode_varint(2**40).hex(),
        "IdList count far beyond the message",
        ["NEG-9"],
        ["truncated"],
        "invalid",
    )
    srv("61000003", "mode 3", ["NEG-9"], ["mode"], "invalid")
    srv("6100008100", "mode 128", ["NEG-9"], ["mode"], "invalid")
    srv("6180010000", "non-minimal timestamp varint", ["NEG-2"], ["non_minimal"], "invalid")
    srv(
        "61" + "ff" * 10 + "7f0000",
        "timestamp varint above 2^64",
        ["NEG-3"],
        ["overflow"],
        "invalid",
    )
    srv("6100210000", "prefix length 33", ["NEG-4"], ["bad_prefix"], "invalid")
    srv(
        "61" + encode_varint(_U64).hex() + "0000" + "02000000",
        "finite timestamp reaching 2^64-1",
        ["NEG-6"],
        ["overflow"],
        "invalid",
    )
    srv("6101000000", "first bound equals the zero bound", ["NEG-12"], ["order"], "invalid")
    srv("61" + "8f6900" + "00" + "010000", "same bound twice", ["NEG-12"], ["order"], "invalid")
    srv(
        "61" + "8f690101" + "00" + "0100" + "00",
        "bound with prefix 01 then the same timestamp with no prefix",
        ["NEG-12"],
        ["order"],
        "invalid",
    )
    srv(
        "61" + "000000" + "000000",
        "a range after the infinity bound",
        ["NEG-12"],
        ["order"],
        "invalid",
    )
    srv(
        "618b5d0000" + "0000",
        "valid range, then a truncated one",
        ["NEG-9", "NEG-26"],
        ["truncated"],
        "invalid",
    )

    def cli(msg: str, what: str, covers: list[str], flags: list[str], expect: str) -> None:
        c.append(
            make_case(
                ops,
                "client_reply",
                {"items": _SMALL_CLIENT, "frame_size_limit": 0, "message": msg},
                what,
                covers,
                flags,
                expect="valid" if expect == "valid" else "invalid",
            )
        )

    server_ids = [*sorted([_id("s1"), _id("s2")]), _id("s3")]
    cli(
        "61000002" + "03" + "".join(server_ids),
        "server IdList: have and need",
        ["NEG-16", "NEG-17"],
        [],
        "valid",
    )
    cli("61", "empty reply: done", ["NEG-17"], [], "valid")
    cli(
        "61000001" + "00" * 16,
        "differing fingerprint: client answers with an IdList",
        ["NEG-15", "NEG-17"],
        [],
        "valid",
    )
    cli("62", "server speaks another version", ["NEG-21"], ["version"], "invalid")
    cli("61000003", "mode 3 to a client", ["NEG-9"], ["mode"], "invalid")
    return c


def _transcript_cases() -> list[Case]:
    ops = TRANSCRIPT_OPS
    c: list[Case] = []

    def rec(
        client: JSONObject,
        server: JSONObject,
        what: str,
        covers: list[str],
        flags: list[str],
        cl: int = 0,
        sl: int = 0,
        expect: str = "valid",
    ) -> None:
        c.append(
            make_case(
                ops,
                "reconcile",
                {
                    "client": client,
                    "server": server,
                    "client_frame_size_limit": cl,
                    "server_frame_size_limit": sl,
                },
                what,
                covers + (["NEG-27"] if "medium" in flags else []),
                flags,
                expect="valid" if expect == "valid" else "invalid",
            )
        )

    rec(_set(), _set(), "both empty", ["NEG-13", "NEG-17", "NEG-22"], ["small"])
    rec(_SMALL_CLIENT, _SERVER_SET, "small sets, one round", ["NEG-16", "NEG-22"], ["small"])
    rec(
        _set(None, ("shared", 40, 500, 2)),
        _set(None, ("shared", 40, 500, 2)),
        "40 identical items",
        ["NEG-15", "NEG-22"],
        ["small"],
    )
    rec(
        _set(None, ("shared", 300, 1000, 3), ("conly", 5, 1010, 1)),
        _set(None, ("shared", 300, 1000, 3), ("sonly", 7, 1050, 2)),
        "300 shared, 5 client-only, 7 server-only",
        ["NEG-14", "NEG-15", "NEG-16", "NEG-18", "NEG-22"],
        ["medium"],
    )
    rec(
        _set(None, ("shared", 2000, 100000, 1), ("conly", 1, 100500, 1)),
        _set(None, ("shared", 2000, 100000, 1)),
        "2000 shared, one client-only item",
        ["NEG-14", "NEG-22"],
        ["medium"],
    )
    rec(
        _set(None, ("shared", 1500, 7000, 5)),
        _set(None, ("shared", 1500, 7000, 5), ("sonly", 60, 7000, 5)),
        "1500 shared, 60 server-only at colliding timestamps",
        ["NEG-7", "NEG-14", "NEG-22"],
        ["medium"],
    )
    rec(
        _set(None, ("shared", 600, 1000, 2), ("conly", 150, 1000, 3)),
        _set(None, ("shared", 600, 1000, 2), ("sonly", 250, 1100, 1)),
        "frame limit 4096 on both sides, hundreds of differences",
        ["NEG-19", "NEG-20", "NEG-22"],
        ["medium", "frame_limit"],
        4096,
        4096,
    )
    rec(
        _set(),
        _set(None, ("sonly", 400, 1, 1)),
        "empty client, 400-item server limited to 4096 bytes",
        ["NEG-20", "NEG-22"],
        ["medium", "frame_limit"],
        0,
        4096,
    )
    rec(
        _set(None, ("conly", 400, 1, 1)),
        _set(),
        "400-item client limited to 4096 bytes, empty server",
        ["NEG-20", "NEG-22"],
        ["medium", "frame_limit"],
        4096,
        0,
    )
    rec(
        _set([(7, _id("d")), (7, _id("d"))]),
        _set(),
        "client set holds a record twice",
        ["NEG-1"],
        ["duplicate"],
        expect="invalid",
    )
    rec(
        _set(),
        _set(None, ("sonly", 10, 1, 1)),
        "server frame size limit 1000",
        ["NEG-19"],
        ["frame_limit"],
        0,
        1000,
        expect="invalid",
    )
    return c


_NOTES = {
    "boundary": "a value at the edge of a form or a threshold",
    "non_minimal": "a varint with a leading zero digit",
    "truncated": "the input ends inside a field",
    "overflow": "a number above its 64-bit range",
    "trailing": "bytes left after the value",
    "bad_prefix": "a bound id prefix longer than 32 bytes",
    "wrap": "the id sum wraps modulo 2^256",
    "bad_item": "an item or id of the wrong shape",
    "duplicate": "the same item twice",
    "version": "protocol version negotiation",
    "mode": "an unknown range mode",
    "order": "bounds not strictly ascending",
    "frame_limit": "a frame size limit is in force",
    "small": "sets small enough to check by hand",
    "medium": "sets large enough to split ranges (generated items)",
}


def _notes(*flags: str) -> dict[str, str]:
    return {f: _NOTES[f] for f in flags}


SUITES: list[Suite] = [
    Suite(
        name="sync/negentropy-varint",
        description="Negentropy varints: base-128, most significant digit first, minimal, 64-bit",
        notes=_notes("non_minimal", "overflow", "trailing", "truncated"),
        operations=VARINT_OPS,
        build_cases=_varint_cases,
    ),
    Suite(
        name="sync/negentropy-bound",
        description="Negentropy bounds: delta-encoded timestamps, id prefixes, minimal bounds",
        notes=_notes("bad_prefix", "order", "overflow", "truncated"),
        operations=BOUND_OPS,
        build_cases=_bound_cases,
    ),
    Suite(
        name="sync/negentropy-fingerprint",
        description="Negentropy range fingerprints: SHA-256 of the id sum mod 2^256 and the count",
        notes=_notes("bad_item", "wrap"),
        operations=FINGERPRINT_OPS,
        build_cases=_fingerprint_cases,
    ),
    Suite(
        name="sync/negentropy-message",
        description="Negentropy v1 single messages: initiate, server and client replies, "
        "version negotiation, malformed frames",
        notes=_notes(
            "bad_item",
            "bad_prefix",
            "boundary",
            "duplicate",
            "frame_limit",
            "mode",
            "non_minimal",
            "order",
            "overflow",
            "truncated",
            "version",
        ),
        operations=MESSAGE_OPS,
        build_cases=_message_cases,
    ),
    Suite(
        name="sync/negentropy-transcript",
        description="Complete Negentropy v1 reconciliations: every message byte for byte",
        notes=_notes("duplicate", "frame_limit", "medium", "small"),
        operations=TRANSCRIPT_OPS,
        build_cases=_transcript_cases,
    ),
]
