"""Canonical encoding: unit tests against Bitcoin's CompactSize table, and properties."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chipstack.encoding import MAX_COMPACTSIZE, Reader, Writer, decode_exact, encode_compact_size
from chipstack.errors import Reason, Rejected


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
