"""The ``sync/negentropy-fingerprint`` vector suite (spec/01-sync.md, NEG rules)."""

from __future__ import annotations

from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.testvectors.sync.negentropy_ops import (
    FINGERPRINT_OPS,
    label_id,
)
from chipstack.vectors.model import Case, Suite, make_case


def _fingerprint_cases() -> list[Case]:
    ops = FINGERPRINT_OPS
    c: list[Case] = []
    c.append(make_case(ops, "fingerprint", {"ids": []}, "empty set", ["NEG-10"], expect="valid"))
    c.append(
        make_case(
            ops, "fingerprint", {"ids": [label_id("x")]}, "one id", ["NEG-10"], expect="valid"
        )
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
            {"ids": [label_id(f"m{i}") for i in range(200)]},
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


#: The ``sync/negentropy-fingerprint`` suite.
SUITE = Suite(
    name="sync/negentropy-fingerprint",
    description="Negentropy range fingerprints: SHA-256 of the id sum mod 2^256 and the count",
    notes=FLAGS,
    reason_flags=REASON_FLAGS,
    operations=FINGERPRINT_OPS,
    build_cases=_fingerprint_cases,
)
