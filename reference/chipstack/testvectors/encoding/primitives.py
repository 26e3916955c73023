"""The ``encoding/primitives`` vector suite (spec/00-encoding.md sections 1-2): integers,
booleans, byte strings, strings, lists, versions and trailing bytes."""

from __future__ import annotations

from chipstack.encoding import Reader, Writer, decode_exact, from_hex
from chipstack.errors import Reason, Rejected
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.vectors.inputs import as_int, int_field
from chipstack.vectors.model import Case, JSONObject, Operation, Suite, make_case

_INT_KINDS = ("u8", "u16", "u32", "u64", "i64")


def _int_kind(case_input: JSONObject) -> str:
    kind = case_input["type"]
    if kind not in _INT_KINDS:
        raise Rejected(Reason.VECTORS_BAD_INPUT, f"unknown integer type {kind!r}")
    return str(kind)


def op_int_encode(case_input: JSONObject) -> JSONObject:
    """Encode ``value`` as the fixed-width integer ``type``."""
    w = Writer()
    getattr(w, _int_kind(case_input))(int_field(case_input, "value"))
    return {"encoded": w.getvalue().hex()}


def op_int_decode(case_input: JSONObject) -> JSONObject:
    """Decode a fixed-width integer of ``type`` spanning all of ``encoded``."""
    kind = _int_kind(case_input)
    value: int = decode_exact(from_hex(case_input["encoded"]), lambda r: getattr(r, kind)())
    return {"value": value}


def op_bool_decode(case_input: JSONObject) -> JSONObject:
    """Decode a one-byte boolean."""
    return {"value": decode_exact(from_hex(case_input["encoded"]), Reader.boolean)}


def op_var_bytes_decode(case_input: JSONObject) -> JSONObject:
    """Decode length-prefixed bytes of at most ``max_len``."""
    limit = int_field(case_input, "max_len")
    return {
        "data": decode_exact(from_hex(case_input["encoded"]), lambda r: r.var_bytes(limit)).hex()
    }


def op_string_decode(case_input: JSONObject) -> JSONObject:
    """Decode a UTF-8 string of at most ``max_len`` encoded bytes."""
    limit = int_field(case_input, "max_len")
    return {"text": decode_exact(from_hex(case_input["encoded"]), lambda r: r.string(limit))}


def op_u16_list_decode(case_input: JSONObject) -> JSONObject:
    """Decode a counted list of u16 of at most ``max_items`` items."""
    limit = int_field(case_input, "max_items")
    items = decode_exact(from_hex(case_input["encoded"]), lambda r: r.items(limit, Reader.u16))
    return {"items": items}


def op_versioned_decode(case_input: JSONObject) -> JSONObject:
    """Decode a version byte (one of ``supported``) followed by a u32 payload."""
    supported = frozenset(as_int(v, "supported") for v in case_input["supported"])

    def read(r: Reader) -> tuple[int, int]:
        return r.version(supported), r.u32()

    version, payload = decode_exact(from_hex(case_input["encoded"]), read)
    return {"version": version, "payload": payload}


def op_optional_u32_decode(case_input: JSONObject) -> JSONObject:
    """Decode an optional u32: a presence flag, then the value when present."""

    def read(r: Reader) -> int | None:
        return r.u32() if r.flag() else None

    return {"value": decode_exact(from_hex(case_input["encoded"]), read)}



PRIMITIVE_OPS: dict[str, Operation] = {
    "int_encode": op_int_encode,
    "int_decode": op_int_decode,
    "bool_decode": op_bool_decode,
    "var_bytes_decode": op_var_bytes_decode,
    "string_decode": op_string_decode,
    "u16_list_decode": op_u16_list_decode,
    "versioned_decode": op_versioned_decode,
    "optional_u32_decode": op_optional_u32_decode,
}

_U64_MAX = 2**64 - 1

def _primitive_cases() -> list[Case]:
    ops = PRIMITIVE_OPS
    c: list[Case] = []

    def add(
        op: str, inp: JSONObject, comment: str, covers: list[str], flags: list[str], expect: str
    ) -> None:
        c.append(
            make_case(
                ops,
                op,
                inp,
                comment,
                covers,
                flags,
                expect="valid" if expect == "valid" else "invalid",
            )
        )

    samples = [
        ("u8", 0),
        ("u8", 255),
        ("u16", 0x1234),
        ("u32", 0xDEADBEEF),
        ("u64", _U64_MAX),
        ("i64", -1),
        ("i64", -(2**63)),
        ("i64", 2**63 - 1),
    ]
    for kind, value in samples:
        add("int_encode", {"type": kind, "value": value}, f"{kind} {value}", ["ENC-1"], [], "valid")
        enc = op_int_encode({"type": kind, "value": value})["encoded"]
        add(
            "int_decode",
            {"type": kind, "encoded": enc},
            f"{kind} {value} back",
            ["ENC-1"],
            [],
            "valid",
        )
    for kind, value in [("u8", 256), ("u16", -1), ("u32", 2**32), ("i64", 2**63)]:
        add(
            "int_encode",
            {"type": kind, "value": value},
            f"{kind} cannot hold {value}",
            ["ENC-12"],
            ["out_of_range"],
            "invalid",
        )
    add(
        "int_decode",
        {"type": "u32", "encoded": "010203"},
        "u32 with three bytes",
        ["ENC-2"],
        ["truncated"],
        "invalid",
    )
    add(
        "int_decode",
        {"type": "u16", "encoded": "010203"},
        "u16 followed by a byte",
        ["ENC-11"],
        ["trailing"],
        "invalid",
    )
    add("bool_decode", {"encoded": "00"}, "false", ["ENC-7"], [], "valid")
    add("bool_decode", {"encoded": "01"}, "true", ["ENC-7"], [], "valid")
    add("bool_decode", {"encoded": "02"}, "2 is not a boolean", ["ENC-7"], ["bad_flag"], "invalid")
    add("var_bytes_decode", {"encoded": "00", "max_len": 8}, "empty bytes", ["ENC-5"], [], "valid")
    add(
        "var_bytes_decode",
        {"encoded": "03abcdef", "max_len": 8},
        "three bytes",
        ["ENC-5"],
        [],
        "valid",
    )
    add(
        "var_bytes_decode",
        {"encoded": "03abcd", "max_len": 8},
        "length says 3, 2 follow",
        ["ENC-2", "ENC-5"],
        ["truncated"],
        "invalid",
    )
    add(
        "var_bytes_decode",
        {"encoded": "09" + "00" * 9, "max_len": 8},
        "9 bytes where 8 is the limit",
        ["ENC-4", "ENC-5"],
        ["over_length"],
        "invalid",
    )
    add(
        "var_bytes_decode",
        {"encoded": "fd0300abcdef", "max_len": 8},
        "length 3 in the 3-byte CompactSize form",
        ["ENC-3", "ENC-5"],
        ["non_minimal"],
        "invalid",
    )
    add(
        "string_decode",
        {"encoded": "06" + "héllo".encode().hex(), "max_len": 16},
        "UTF-8 text with a two-byte character",
        ["ENC-6"],
        [],
        "valid",
    )
    add(
        "string_decode",
        {"encoded": "02c328", "max_len": 16},
        "invalid UTF-8 continuation",
        ["ENC-6"],
        ["bad_utf8"],
        "invalid",
    )
    add(
        "string_decode",
        {"encoded": "03eda080", "max_len": 16},
        "UTF-8 encoded surrogate U+D800",
        ["ENC-6"],
        ["bad_utf8"],
        "invalid",
    )
    add(
        "string_decode",
        {"encoded": "06" + "héllo".encode().hex(), "max_len": 5},
        "6 bytes where 5 is the limit",
        ["ENC-4", "ENC-6"],
        ["over_length"],
        "invalid",
    )
    add("u16_list_decode", {"encoded": "00", "max_items": 4}, "empty list", ["ENC-8"], [], "valid")
    add(
        "u16_list_decode",
        {"encoded": "020100ffff", "max_items": 4},
        "two items",
        ["ENC-8"],
        [],
        "valid",
    )
    add(
        "u16_list_decode",
        {"encoded": "05" + "0000" * 5, "max_items": 4},
        "5 items, limit 4",
        ["ENC-8"],
        ["over_length"],
        "invalid",
    )
    add(
        "u16_list_decode",
        {"encoded": "fdffff", "max_items": 0xFFFF},
        "count of 65535 with no bytes behind it",
        ["ENC-8"],
        ["truncated"],
        "invalid",
    )
    add(
        "versioned_decode",
        {"encoded": "0178563412", "supported": [1]},
        "version 1",
        ["ENC-10"],
        [],
        "valid",
    )
    add(
        "versioned_decode",
        {"encoded": "0278563412", "supported": [1]},
        "version 2 is unknown",
        ["ENC-10"],
        ["unknown_version"],
        "invalid",
    )
    add("optional_u32_decode", {"encoded": "00"}, "absent", ["ENC-9"], [], "valid")
    add("optional_u32_decode", {"encoded": "0107000000"}, "present", ["ENC-9"], [], "valid")
    add(
        "optional_u32_decode",
        {"encoded": "0207000000"},
        "presence byte 2",
        ["ENC-9"],
        ["bad_flag"],
        "invalid",
    )
    add(
        "optional_u32_decode",
        {"encoded": "0007000000"},
        "absent but a value follows",
        ["ENC-9", "ENC-11"],
        ["trailing"],
        "invalid",
    )
    add(
        "string_decode",
        {"encoded": "02c0af", "max_len": 16},
        "overlong two-byte encoding of '/'",
        ["ENC-6"],
        ["bad_utf8"],
        "invalid",
    )
    add(
        "string_decode",
        {"encoded": "04f4908080", "max_len": 16},
        "four-byte sequence above U+10FFFF",
        ["ENC-6"],
        ["bad_utf8"],
        "invalid",
    )
    add(
        "var_bytes_decode",
        {"encoded": "09", "max_len": 8},
        "length 9 over the limit 8 with nothing behind it: the limit is checked before reading",
        ["ENC-4", "ENC-5"],
        ["over_length"],
        "invalid",
    )
    return c


#: The ``encoding/primitives`` suite.
SUITE = Suite(
    name="encoding/primitives",
    description="Fixed-width integers, booleans, byte strings, strings, lists, optional "
    "fields, versions and trailing bytes.",
    notes=FLAGS,
    reason_flags=REASON_FLAGS,
    operations=PRIMITIVE_OPS,
    build_cases=_primitive_cases,
)
