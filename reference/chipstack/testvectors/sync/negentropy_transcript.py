"""The ``sync/negentropy-transcript`` vector suite (spec/01-sync.md, NEG rules)."""

from __future__ import annotations

from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.testvectors.sync.negentropy_ops import (
    SERVER_SET,
    SMALL_CLIENT,
    TRANSCRIPT_OPS,
    item_set,
    label_id,
)
from chipstack.vectors.model import Case, JSONObject, Suite, make_case


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

    rec(item_set(), item_set(), "both empty", ["NEG-13", "NEG-17", "NEG-22"], ["small"])
    rec(SMALL_CLIENT, SERVER_SET, "small sets, one round", ["NEG-16", "NEG-22"], ["small"])
    rec(
        item_set(None, ("shared", 40, 500, 2)),
        item_set(None, ("shared", 40, 500, 2)),
        "40 identical items",
        ["NEG-15", "NEG-22"],
        ["small"],
    )
    rec(
        item_set(None, ("shared", 300, 1000, 3), ("conly", 5, 1010, 1)),
        item_set(None, ("shared", 300, 1000, 3), ("sonly", 7, 1050, 2)),
        "300 shared, 5 client-only, 7 server-only",
        ["NEG-15", "NEG-16"],
        ["medium"],
    )
    rec(
        item_set(None, ("shared", 2000, 100000, 1), ("conly", 1, 100500, 1)),
        item_set(None, ("shared", 2000, 100000, 1)),
        "2000 shared, one client-only item",
        ["NEG-14", "NEG-22"],
        ["medium"],
    )
    rec(
        item_set(None, ("shared", 1500, 7000, 5)),
        item_set(None, ("shared", 1500, 7000, 5), ("sonly", 60, 7000, 5)),
        "1500 shared, 60 server-only at colliding timestamps",
        ["NEG-7", "NEG-14"],
        ["medium"],
    )
    rec(
        item_set(None, ("shared", 600, 1000, 2), ("conly", 150, 1000, 3)),
        item_set(None, ("shared", 600, 1000, 2), ("sonly", 250, 1100, 1)),
        "frame limit 4096 on both sides, hundreds of differences",
        ["NEG-19", "NEG-20"],
        ["medium", "frame_limit"],
        4096,
        4096,
    )
    rec(
        item_set(),
        item_set(None, ("sonly", 400, 1, 1)),
        "empty client, 400-item server limited to 4096 bytes",
        ["NEG-20", "NEG-22"],
        ["medium", "frame_limit"],
        0,
        4096,
    )
    rec(
        item_set(None, ("conly", 400, 1, 1)),
        item_set(),
        "400-item client limited to 4096 bytes, empty server",
        ["NEG-20", "NEG-22"],
        ["medium", "frame_limit"],
        4096,
        0,
    )
    rec(
        item_set([(7, label_id("d")), (7, label_id("d"))]),
        item_set(),
        "client set holds a record twice",
        ["NEG-1"],
        ["duplicate"],
        expect="invalid",
    )
    rec(
        item_set(),
        item_set(None, ("sonly", 10, 1, 1)),
        "server frame size limit 1000",
        ["NEG-19"],
        ["frame_limit"],
        0,
        1000,
        expect="invalid",
    )
    return c


#: The ``sync/negentropy-transcript`` suite.
SUITE = Suite(
    name="sync/negentropy-transcript",
    description="Complete Negentropy v1 reconciliations: every message byte for byte",
    notes=FLAGS,
    reason_flags=REASON_FLAGS,
    operations=TRANSCRIPT_OPS,
    build_cases=_transcript_cases,
)
