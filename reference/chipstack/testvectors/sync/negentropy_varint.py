"""The ``sync/negentropy-varint`` vector suite (spec/01-sync.md, NEG rules)."""

from __future__ import annotations

from chipstack.sync.negentropy.varint import encode_varint
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.testvectors.sync.negentropy_ops import (
    U64,
    VARINT_OPS,
)
from chipstack.vectors.model import Case, Suite, make_case


def _varint_cases() -> list[Case]:
    ops = VARINT_OPS
    c: list[Case] = []
    for v in (0, 1, 0x7F, 0x80, 0x3FFF, 0x4000, 1677970534, U64):
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


#: The ``sync/negentropy-varint`` suite.
SUITE = Suite(
    name="sync/negentropy-varint",
    description="Negentropy varints: base-128, most significant digit first, minimal, 64-bit",
    notes=FLAGS,
    reason_flags=REASON_FLAGS,
    operations=VARINT_OPS,
    build_cases=_varint_cases,
)
