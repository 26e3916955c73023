"""The ``sync/negentropy-bound`` vector suite (spec/01-sync.md, NEG rules)."""

from __future__ import annotations

from chipstack.sync.negentropy.varint import encode_varint
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.testvectors.sync.negentropy_ops import (
    BOUND_OPS,
    U64,
    label_id,
    op_bounds_encode,
)
from chipstack.vectors.model import Case, Suite, make_case


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
        ([{"timestamp": U64 - 1, "id_prefix": ""}], "largest finite timestamp"),
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
    over = (encode_varint(U64) + b"\x00" + encode_varint(2) + b"\x00").hex()
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
    a, b = label_id("a"), label_id("b")
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


#: The ``sync/negentropy-bound`` suite.
SUITE = Suite(
    name="sync/negentropy-bound",
    description="Negentropy bounds: delta-encoded timestamps, id prefixes, minimal bounds",
    notes=FLAGS,
    reason_flags=REASON_FLAGS,
    operations=BOUND_OPS,
    build_cases=_bound_cases,
)
