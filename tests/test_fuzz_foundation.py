"""Fuzz every foundation decoder: any bytes give a value or a typed rejection, nothing else."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.encoding import Reader, decode_exact
from chipstack.errors import Reason, Rejected

DECODERS: dict[str, Callable[[Reader], object]] = {
    "u8": Reader.u8,
    "u16": Reader.u16,
    "u32": Reader.u32,
    "u64": Reader.u64,
    "i64": Reader.i64,
    "boolean": Reader.boolean,
    "compact_size": lambda r: r.compact_size(2**64 - 1),
    "fixed32": lambda r: r.fixed(32),
    "u8_list_counted": lambda r: r.items(2**64 - 1, Reader.u8),
    "var_bytes": lambda r: r.var_bytes(1000),
    "string": lambda r: r.string(1000),
    "u32_list": lambda r: r.items(100, Reader.u32),
    "versioned": lambda r: (r.version({1}), r.var_bytes(50)),
    "optional": lambda r: r.var_bytes(50) if r.flag() else None,
}


@settings(max_examples=300)
@given(st.sampled_from(sorted(DECODERS)), st.binary(max_size=64))
def test_decoders_only_reject_with_reasons(name: str, data: bytes) -> None:
    try:
        decode_exact(data, DECODERS[name])
    except Rejected as exc:
        assert isinstance(exc.reason, Reason)
        assert exc.reason.value.startswith("encoding.")


VALID: dict[str, bytes] = {
    "compact_size": bytes.fromhex("fe00000100"),
    "var_bytes": bytes.fromhex("03abcdef"),
    "string": b"\x05hello",
    "u32_list": bytes.fromhex("020100000002000000"),
    "versioned": bytes.fromhex("0102abcd"),
    "optional": bytes.fromhex("0101ff"),
}


@settings(max_examples=300)
@given(st.sampled_from(sorted(VALID)), st.data())
def test_mutated_valid_encodings_only_reject_with_reasons(name: str, data: st.DataObject) -> None:
    blob = bytearray(VALID[name])
    assert decode_exact(bytes(blob), DECODERS[name]) is not None or name == "optional"
    action = data.draw(st.sampled_from(["flip", "truncate", "extend", "insert"]))
    pos = data.draw(st.integers(0, len(blob) - 1))
    if action == "flip":
        blob[pos] ^= 1 << data.draw(st.integers(0, 7))
    elif action == "truncate":
        del blob[pos:]
    elif action == "extend":
        blob += data.draw(st.binary(min_size=1, max_size=8))
    else:
        blob.insert(pos, data.draw(st.integers(0, 255)))
    try:
        decode_exact(bytes(blob), DECODERS[name])
    except Rejected as exc:
        assert isinstance(exc.reason, Reason)
