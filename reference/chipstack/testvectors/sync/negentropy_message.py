"""The ``sync/negentropy-message`` vector suite (spec/01-sync.md, NEG rules)."""

from __future__ import annotations

from chipstack.sync.negentropy.varint import encode_varint
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.testvectors.sync.negentropy_ops import (
    MESSAGE_OPS,
    SERVER_SET,
    SMALL_CLIENT,
    U64,
    item_set,
    label_id,
    op_fingerprint,
)
from chipstack.vectors.model import Case, Suite, make_case


def _message_cases() -> list[Case]:
    ops = MESSAGE_OPS
    c: list[Case] = []

    def srv(msg: str, what: str, covers: list[str], flags: list[str], expect: str) -> None:
        c.append(
            make_case(
                ops,
                "server_reply",
                {"items": SERVER_SET, "frame_size_limit": 0, "message": msg},
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
            {"items": item_set([(5, label_id("b")), (3, label_id("z")), (5, label_id("a"))])},
            "timestamp then id order",
            ["NEG-1"],
            expect="valid",
        )
    )
    c.append(
        make_case(
            ops,
            "sort_items",
            {"items": item_set([(5, label_id("a")), (5, label_id("a"))])},
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
            {"items": item_set([(U64, label_id("a"))])},
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
            {"items": item_set([(5, "00" * 33)])},
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
            {"items": item_set(), "frame_size_limit": 0},
            "empty set: one empty IdList",
            ["NEG-8", "NEG-13", "NEG-14"],
            expect="valid",
        )
    )
    c.append(
        make_case(
            ops,
            "initiate",
            {"items": SERVER_SET, "frame_size_limit": 0},
            "3 items: one IdList",
            ["NEG-13", "NEG-14"],
            expect="valid",
        )
    )
    c.append(
        make_case(
            ops,
            "initiate",
            {"items": item_set(None, ("i31", 31, 100, 1)), "frame_size_limit": 0},
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
            {"items": item_set(None, ("i32", 32, 100, 1)), "frame_size_limit": 0},
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
            {"items": item_set(None, ("i50", 50, 100, 4)), "frame_size_limit": 0},
            "50 items, 4 per timestamp: uneven buckets, id-prefix bounds",
            ["NEG-7", "NEG-14"],
            expect="valid",
        )
    )
    c.append(
        make_case(
            ops,
            "initiate",
            {"items": SERVER_SET, "frame_size_limit": 4095},
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
            {"items": SERVER_SET, "frame_size_limit": 4096},
            "smallest frame size limit",
            ["NEG-19"],
            ["frame_limit"],
            expect="valid",
        )
    )

    ids3 = [label_id("s1"), label_id("s2"), label_id("s3")]
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
        "61" + encode_varint(U64).hex() + "0000" + "02000000",
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
                {"items": SMALL_CLIENT, "frame_size_limit": 0, "message": msg},
                what,
                covers,
                flags,
                expect="valid" if expect == "valid" else "invalid",
            )
        )

    server_ids = [*sorted([label_id("s1"), label_id("s2")]), label_id("s3")]
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


#: The ``sync/negentropy-message`` suite.
SUITE = Suite(
    name="sync/negentropy-message",
    description="Negentropy v1 single messages: initiate, server and client replies, "
    "version negotiation, malformed frames",
    notes=FLAGS,
    shared={
        "server_reply": ("items", "frame_size_limit"),
        "client_reply": ("items", "frame_size_limit"),
    },
    reason_flags=REASON_FLAGS,
    operations=MESSAGE_OPS,
    build_cases=_message_cases,
)
