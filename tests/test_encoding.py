"""Canonical encoding: unit tests against Bitcoin's CompactSize table, and properties."""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chipstack.encoding import (
    MAX_COMPACTSIZE,
    Reader,
    Writer,
    decode_exact,
    encode_compact_size,
    from_hex,
)
from chipstack.errors import Reason, Rejected
from chipstack.vectors import files
from chipstack.vectors.check import json_equal

VECTORS = Path(__file__).resolve().parents[1] / "vectors"


def independent_compact_size(n: int) -> bytes:
    """CompactSize written from the table in spec/00-encoding.md with struct, not our Writer."""
    if n < 0xFD:
        return struct.pack("<B", n)
    if n <= 0xFFFF:
        return b"\xfd" + struct.pack("<H", n)
    if n <= 0xFFFFFFFF:
        return b"\xfe" + struct.pack("<I", n)
    return b"\xff" + struct.pack("<Q", n)


@pytest.mark.parametrize(
    ("value", "encoded"),
    [
        (0, "00"),
        (252, "fc"),
        (253, "fdfd00"),
        (0xFFFF, "fdffff"),
        (0x10000, "fe00000100"),
        (0xFFFFFFFF, "feffffffff"),
        (0x100000000, "ff0000000001000000"),
    ],
)
def test_compact_size_table(value: int, encoded: str) -> None:
    assert encode_compact_size(value).hex() == encoded
    assert decode_exact(bytes.fromhex(encoded), lambda r: r.compact_size(2**64 - 1)) == value


@given(st.integers(min_value=0, max_value=2**64 - 1))
def test_compact_size_matches_independent_encoder(n: int) -> None:
    assert encode_compact_size(n) == independent_compact_size(n)
    assert decode_exact(independent_compact_size(n), lambda r: r.compact_size(2**64 - 1)) == n


@given(st.integers(min_value=0, max_value=0xFFFFFFFF))
def test_every_longer_form_is_rejected(n: int) -> None:
    longer = [b"\xfd" + struct.pack("<H", n)] if n <= 0xFFFF else []
    longer.append(b"\xfe" + struct.pack("<I", n))
    longer.append(b"\xff" + struct.pack("<Q", n))
    minimal = independent_compact_size(n)
    for form in longer:
        if form == minimal:
            continue
        with pytest.raises(Rejected) as exc:
            decode_exact(form, lambda r: r.compact_size(2**64 - 1))
        assert exc.value.reason is Reason.ENCODING_NON_MINIMAL_COMPACTSIZE


def test_default_limit_is_bitcoin_max_size() -> None:
    assert MAX_COMPACTSIZE == 32 * 1024 * 1024
    with pytest.raises(Rejected) as exc:
        Reader(encode_compact_size(MAX_COMPACTSIZE + 1)).var_bytes()
    assert exc.value.reason is Reason.ENCODING_OVER_LENGTH


@given(
    st.integers(0, 255),
    st.integers(0, 2**16 - 1),
    st.integers(0, 2**32 - 1),
    st.integers(0, 2**64 - 1),
    st.integers(-(2**63), 2**63 - 1),
    st.booleans(),
    st.binary(max_size=300),
    st.text(max_size=50),
    st.lists(st.integers(0, 2**16 - 1), max_size=20),
    st.none() | st.integers(0, 2**32 - 1),
)
def test_round_trip(
    u8: int,
    u16: int,
    u32: int,
    u64: int,
    i64: int,
    flag: bool,
    blob: bytes,
    text: str,
    items: list[int],
    opt: int | None,
) -> None:
    w = Writer().u8(u8).u16(u16).u32(u32).u64(u64).i64(i64).boolean(flag).var_bytes(blob)
    w.string(text, 400).count(len(items), 20)
    for it in items:
        w.u16(it)
    w.flag(opt is not None)
    if opt is not None:
        w.u32(opt)
    data = w.getvalue()
    # The fixed part must equal struct's little-endian packing (an independent encoder).
    assert data[:24] == struct.pack("<BHIQq?", u8, u16, u32, u64, i64, flag)

    def read(r: Reader) -> tuple[object, ...]:
        return (
            r.u8(),
            r.u16(),
            r.u32(),
            r.u64(),
            r.i64(),
            r.boolean(),
            r.var_bytes(),
            r.string(400),
            r.items(20, Reader.u16),
            r.u32() if r.flag() else None,
        )

    assert decode_exact(data, read) == (u8, u16, u32, u64, i64, flag, blob, text, items, opt)


@given(st.binary(min_size=1, max_size=40), st.integers(1, 8))
def test_trailing_bytes_rejected(data: bytes, extra: int) -> None:
    encoded = Writer().var_bytes(data).getvalue() + b"\x00" * extra
    with pytest.raises(Rejected) as exc:
        decode_exact(encoded, lambda r: r.var_bytes())
    assert exc.value.reason is Reason.ENCODING_TRAILING_BYTES


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("u8", 256),
        ("u16", -1),
        ("u32", 2**32),
        ("u64", 2**64),
        ("i64", 2**63),
        ("i64", -(2**63) - 1),
    ],
)
def test_out_of_range_refused(kind: str, value: int) -> None:
    with pytest.raises(Rejected) as exc:
        getattr(Writer(), kind)(value)
    assert exc.value.reason is Reason.ENCODING_OUT_OF_RANGE


def test_list_count_larger_than_input_is_refused_before_allocating() -> None:
    data = encode_compact_size(1_000_000) + b"\x00" * 10
    with pytest.raises(Rejected) as exc:
        Reader(data).items(2_000_000, Reader.u8)
    assert exc.value.reason is Reason.ENCODING_TRUNCATED


def test_version_and_utf8() -> None:
    with pytest.raises(Rejected) as exc:
        Reader(b"\x07").version({1, 2})
    assert exc.value.reason is Reason.ENCODING_UNKNOWN_VERSION
    with pytest.raises(Rejected) as exc:
        Reader(b"\x02\xc0\xaf").string(10)  # overlong encoding of '/'
    assert exc.value.reason is Reason.ENCODING_BAD_UTF8


@pytest.mark.parametrize(
    "text", [" 00", "00 ", "fd 0001", "00\n", "0", "0g", "0x00", "\u0660\u0660"]
)
def test_from_hex_refuses_what_is_not_pairs_of_hex_digits(text: str) -> None:
    # bytes.fromhex alone skips whitespace; ENC-13 says such text is not hex.
    with pytest.raises(Rejected) as exc:
        from_hex(text)
    assert exc.value.reason is Reason.ENCODING_BAD_HEX


def test_from_hex_accepts_either_case() -> None:
    assert from_hex("") == b"" and from_hex("aB0f") == b"\xab\x0f"


def test_writer_refuses_text_with_no_utf8_encoding() -> None:
    with pytest.raises(Rejected) as exc:
        Writer().string("a\ud800b", 16)  # a lone surrogate is not a Unicode scalar value
    assert exc.value.reason is Reason.ENCODING_OUT_OF_RANGE


# --- encoding/primitives vectors, re-derived by a reader written from the spec with struct ---
_FMT = {"u8": "<B", "u16": "<H", "u32": "<I", "u64": "<Q", "i64": "<q"}
_MINIMUM = {2: 0xFD, 4: 0x1_0000, 8: 0x1_0000_0000}


class _Bad(Exception):
    pass


def _take(buf: bytes, pos: int, n: int) -> tuple[bytes, int]:
    if pos + n > len(buf):
        raise _Bad("encoding.truncated")
    return buf[pos : pos + n], pos + n


def _size(buf: bytes, pos: int, limit: int) -> tuple[int, int]:
    first, pos = _take(buf, pos, 1)
    width = {0xFD: 2, 0xFE: 4, 0xFF: 8}.get(first[0], 0)
    if not width:
        value = first[0]
    else:
        raw, pos = _take(buf, pos, width)
        value = int.from_bytes(raw, "little")
        if value < _MINIMUM[width]:
            raise _Bad("encoding.non_minimal_compactsize")
    if value > limit:
        raise _Bad("encoding.over_length")
    return value, pos


def _independent_primitive(op: str, inp: dict[str, Any]) -> dict[str, Any]:
    if op == "int_encode":
        try:
            return {"encoded": struct.pack(_FMT[inp["type"]], inp["value"]).hex()}
        except struct.error:
            raise _Bad("encoding.out_of_range") from None
    buf, out = bytes.fromhex(inp["encoded"]), {}
    if op == "int_decode":
        raw, pos = _take(buf, 0, struct.calcsize(_FMT[inp["type"]]))
        out = {"value": struct.unpack(_FMT[inp["type"]], raw)[0]}
    elif op in ("bool_decode", "optional_u32_decode"):
        raw, pos = _take(buf, 0, 1)
        if raw[0] > 1:
            raise _Bad("encoding.bad_flag")
        if op == "bool_decode":
            out = {"value": raw[0] == 1}
        else:
            value = None
            if raw[0]:
                raw, pos = _take(buf, pos, 4)
                value = struct.unpack("<I", raw)[0]
            out = {"value": value}
    elif op in ("var_bytes_decode", "string_decode"):
        n, pos = _size(buf, 0, inp["max_len"])
        raw, pos = _take(buf, pos, n)
        try:
            out = {"data": raw.hex()} if op == "var_bytes_decode" else {"text": raw.decode()}
        except UnicodeDecodeError:
            raise _Bad("encoding.bad_utf8") from None
    elif op == "u16_list_decode":
        n, pos = _size(buf, 0, inp["max_items"])
        if n > len(buf) - pos:
            raise _Bad("encoding.truncated")
        items = []
        for _ in range(n):
            raw, pos = _take(buf, pos, 2)
            items.append(struct.unpack("<H", raw)[0])
        out = {"items": items}
    elif op == "versioned_decode":
        raw, pos = _take(buf, 0, 1)
        if raw[0] not in inp["supported"]:
            raise _Bad("encoding.unknown_version")
        payload, pos = _take(buf, pos, 4)
        out = {"version": raw[0], "payload": struct.unpack("<I", payload)[0]}
    else:
        raise AssertionError(op)
    if pos != len(buf):
        raise _Bad("encoding.trailing_bytes")
    return out


def test_primitives_vectors_agree_with_an_independent_reader() -> None:
    doc = json.loads((VECTORS / "encoding" / "primitives.json").read_text(encoding="utf-8"))
    cases = files.cases(doc)
    assert len(cases) > 40
    for case in cases:
        try:
            outputs = _independent_primitive(case["operation"], case["input"])
            got: tuple[str, Any] = ("valid", outputs)
        except _Bad as exc:
            got = ("invalid", str(exc))
        want = case.get("expected", case.get("reason"))
        assert got[0] == case["result"] and json_equal(got[1], want), case
