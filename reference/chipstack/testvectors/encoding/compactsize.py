"""The ``encoding/compactsize`` vector suite (spec/00-encoding.md section 1): CompactSize
round trips and every way a CompactSize can be refused."""

from __future__ import annotations

from chipstack.encoding import MAX_COMPACTSIZE, Writer, decode_exact, from_hex
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.vectors.inputs import int_field
from chipstack.vectors.model import Case, JSONObject, Operation, Suite, make_case


def op_compact_size_encode(case_input: JSONObject) -> JSONObject:
    """Encode ``value`` as a CompactSize."""
    return {"encoded": Writer().compact_size(int_field(case_input, "value")).getvalue().hex()}


def op_compact_size_decode(case_input: JSONObject) -> JSONObject:
    """Decode one CompactSize spanning all of ``encoded``, at most ``max``."""
    limit = int_field(case_input, "max")
    value = decode_exact(from_hex(case_input["encoded"]), lambda r: r.compact_size(limit))
    return {"value": value}



COMPACTSIZE_OPS: dict[str, Operation] = {
    "compact_size_encode": op_compact_size_encode,
    "compact_size_decode": op_compact_size_decode,
}

_U64_MAX = 2**64 - 1


def _compactsize_cases() -> list[Case]:
    ops = COMPACTSIZE_OPS
    cases: list[Case] = []
    # Boundaries of each CompactSize form (Bitcoin serialize.h, WriteCompactSize).
    for value in (0, 1, 0xFC, 0xFD, 0xFFFF, 0x1_0000, 0xFFFF_FFFF, 0x1_0000_0000, _U64_MAX):
        cases.append(
            make_case(
                ops,
                "compact_size_encode",
                {"value": value},
                f"encode {value}",
                ["ENC-3"],
                ["boundary"],
                expect="valid",
            )
        )
        enc = op_compact_size_encode({"value": value})["encoded"]
        cases.append(
            make_case(
                ops,
                "compact_size_decode",
                {"encoded": enc, "max": _U64_MAX},
                f"decode {value}",
                ["ENC-3"],
                ["boundary"],
                expect="valid",
            )
        )
    for value in (-1, 2**64):
        cases.append(
            make_case(
                ops,
                "compact_size_encode",
                {"value": value},
                f"{value} is not a CompactSize",
                ["ENC-12"],
                ["out_of_range"],
                expect="invalid",
            )
        )
    non_minimal = [
        ("fd0000", "0 in the 3-byte form"),
        ("fdfc00", "0xfc in the 3-byte form"),
        ("fe00000000", "0 in the 5-byte form"),
        ("feffff0000", "0xffff in the 5-byte form"),
        ("ff0000000000000000", "0 in the 9-byte form"),
        ("ffffffffff00000000", "0xffffffff in the 9-byte form"),
    ]
    for enc, what in non_minimal:
        cases.append(
            make_case(
                ops,
                "compact_size_decode",
                {"encoded": enc, "max": _U64_MAX},
                f"non-minimal: {what}",
                ["ENC-3", "REJ-1"],
                ["non_minimal"],
                expect="invalid",
            )
        )
    for enc in ("", "fd", "fd00", "fe000001", "ff00000000000001"):
        cases.append(
            make_case(
                ops,
                "compact_size_decode",
                {"encoded": enc, "max": _U64_MAX},
                f"truncated {enc or 'empty input'}",
                ["ENC-2", "REJ-1"],
                ["truncated"],
                expect="invalid",
            )
        )
    over = Writer().compact_size(MAX_COMPACTSIZE + 1).getvalue().hex()
    at = Writer().compact_size(MAX_COMPACTSIZE).getvalue().hex()
    cases.append(
        make_case(
            ops,
            "compact_size_decode",
            {"encoded": at, "max": MAX_COMPACTSIZE},
            "exactly MAX_COMPACTSIZE",
            ["ENC-4"],
            ["boundary"],
            expect="valid",
        )
    )
    cases.append(
        make_case(
            ops,
            "compact_size_decode",
            {"encoded": over, "max": MAX_COMPACTSIZE},
            "MAX_COMPACTSIZE + 1",
            ["ENC-4"],
            ["over_length"],
            expect="invalid",
        )
    )
    cases.append(
        make_case(
            ops,
            "compact_size_decode",
            {"encoded": "0500", "max": _U64_MAX},
            "a byte after the CompactSize",
            ["ENC-11"],
            ["trailing"],
            expect="invalid",
        )
    )
    cases.append(
        make_case(
            ops,
            "compact_size_decode",
            {"encoded": "0g", "max": _U64_MAX},
            "input is not hex",
            ["ENC-13"],
            ["bad_hex"],
            expect="invalid",
        )
    )
    cases.append(
        make_case(
            ops,
            "compact_size_decode",
            {"encoded": "fd 0001", "max": _U64_MAX},
            "hex with a space is not hex (skipping it would give 256)",
            ["ENC-13"],
            ["bad_hex"],
            expect="invalid",
        )
    )
    cases.append(
        make_case(
            ops,
            "compact_size_decode",
            {"encoded": "feffff0000", "max": 0xFF},
            "non-minimal and over the limit: minimality is checked first",
            ["ENC-3", "ENC-4"],
            ["non_minimal"],
            expect="invalid",
        )
    )
    cases.append(
        make_case(
            ops,
            "compact_size_decode",
            {"encoded": "FDFD00", "max": _U64_MAX},
            "upper-case hex input: 253 in its 3-byte form",
            ["ENC-13", "ENC-3"],
            ["upper_case_hex"],
            expect="valid",
        )
    )
    return cases


#: The ``encoding/compactsize`` suite.
SUITE = Suite(
    name="encoding/compactsize",
    description="CompactSize encoding (Bitcoin serialize.h form) and strict decoding.",
    notes=FLAGS,
    reason_flags=REASON_FLAGS,
    operations=COMPACTSIZE_OPS,
    build_cases=_compactsize_cases,
)
