"""Canonical binary encoding: a :class:`Writer` and a strict :class:`Reader`.

Spec: ``spec/00-encoding.md`` sections 1-2 (rules ``[ENC-1]`` .. ``[ENC-12]``).
The style is Bitcoin's ``CDataStream``: little-endian fixed-width integers,
CompactSize lengths, length-prefixed bytes. Every encodable value has exactly
one encoding, and the reader refuses every other byte string with a reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from chipstack.errors import Reason, Rejected

T = TypeVar("T")

#: Largest CompactSize value any chipstack object accepts ([ENC-4]); the same as
#: Bitcoin's ``MAX_SIZE`` (32 MiB).
MAX_COMPACTSIZE = 0x0200_0000

#: Hex digits only, either case, whole pairs ([ENC-13]); no whitespace, no ``0x``.
_HEX = re.compile(r"(?:[0-9a-fA-F]{2})*")

_INT_RANGES: dict[str, tuple[int, int, int]] = {
    # name: (byte width, minimum, maximum)
    "u8": (1, 0, 0xFF),
    "u16": (2, 0, 0xFFFF),
    "u32": (4, 0, 0xFFFF_FFFF),
    "u64": (8, 0, 0xFFFF_FFFF_FFFF_FFFF),
    "i64": (8, -(2**63), 2**63 - 1),
}


def encode_compact_size(n: int) -> bytes:
    """Return the minimal CompactSize encoding of ``n`` ([ENC-3])."""
    if n < 0 or n > 0xFFFF_FFFF_FFFF_FFFF:
        raise Rejected(Reason.ENCODING_OUT_OF_RANGE, f"compact size {n}")
    if n < 0xFD:
        return bytes([n])
    if n <= 0xFFFF:
        return b"\xfd" + n.to_bytes(2, "little")
    if n <= 0xFFFF_FFFF:
        return b"\xfe" + n.to_bytes(4, "little")
    return b"\xff" + n.to_bytes(8, "little")


def compact_size_at(data: bytes, pos: int) -> tuple[int, int] | None:
    """The CompactSize at ``data[pos:]`` and the offset after it, read by slicing.

    None when :meth:`Reader.compact_size` would refuse it (cut short, not minimal, above
    ``MAX_COMPACTSIZE``): for decoders that slice well-formed encodings quickly and
    leave every refusal, with its reason, to a :class:`Reader`.
    """
    n = len(data)
    if pos >= n:
        return None
    first = data[pos]
    if first < 0xFD:
        return first, pos + 1
    width, minimum = (2, 0xFD) if first == 0xFD else (4, 0x1_0000) if first == 0xFE else (0, 0)
    if width == 0 or pos + 1 + width > n:
        return None
    value = int.from_bytes(data[pos + 1 : pos + 1 + width], "little")
    return (value, pos + 1 + width) if minimum <= value <= MAX_COMPACTSIZE else None


class Writer:
    """Builds a canonical byte string field by field.

    Every method returns ``self`` so that calls can be chained; :meth:`getvalue`
    returns the bytes written so far.
    """

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def _int(self, kind: str, value: int) -> Writer:
        width, lo, hi = _INT_RANGES[kind]
        if not lo <= value <= hi:
            raise Rejected(Reason.ENCODING_OUT_OF_RANGE, f"{kind} value {value}")
        self._parts.append(value.to_bytes(width, "little", signed=lo < 0))
        return self

    def u8(self, value: int) -> Writer:
        """Write an unsigned 8-bit integer ([ENC-1])."""
        return self._int("u8", value)

    def u16(self, value: int) -> Writer:
        """Write an unsigned 16-bit little-endian integer ([ENC-1])."""
        return self._int("u16", value)

    def u32(self, value: int) -> Writer:
        """Write an unsigned 32-bit little-endian integer ([ENC-1])."""
        return self._int("u32", value)

    def u64(self, value: int) -> Writer:
        """Write an unsigned 64-bit little-endian integer ([ENC-1])."""
        return self._int("u64", value)

    def i64(self, value: int) -> Writer:
        """Write a signed 64-bit little-endian two's-complement integer ([ENC-1])."""
        return self._int("i64", value)

    def boolean(self, value: bool) -> Writer:
        """Write a boolean as one byte, 0x00 or 0x01 ([ENC-7])."""
        return self.u8(1 if value else 0)

    def compact_size(self, n: int) -> Writer:
        """Write a CompactSize integer in its minimal form ([ENC-3])."""
        self._parts.append(encode_compact_size(n))
        return self

    def fixed(self, data: bytes, length: int) -> Writer:
        """Write exactly ``length`` raw bytes (hashes, keys, signatures) ([ENC-5])."""
        if len(data) != length:
            raise Rejected(
                Reason.ENCODING_OUT_OF_RANGE, f"expected {length} bytes, got {len(data)}"
            )
        self._parts.append(bytes(data))
        return self

    def var_bytes(self, data: bytes, max_len: int = MAX_COMPACTSIZE) -> Writer:
        """Write a CompactSize length then the bytes ([ENC-5])."""
        if len(data) > max_len:
            raise Rejected(Reason.ENCODING_OVER_LENGTH, f"{len(data)} bytes > {max_len}")
        self.compact_size(len(data))
        self._parts.append(bytes(data))
        return self

    def string(self, text: str, max_len: int) -> Writer:
        """Write a UTF-8 string as var bytes; ``max_len`` counts encoded bytes ([ENC-6]).

        Text holding a lone surrogate has no UTF-8 encoding and is refused
        (``encoding.out_of_range``, [ENC-12]).
        """
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise Rejected(Reason.ENCODING_OUT_OF_RANGE, str(exc)) from None
        return self.var_bytes(data, max_len)

    def count(self, n: int, max_items: int) -> Writer:
        """Write the item count that starts a list ([ENC-8])."""
        if n > max_items:
            raise Rejected(Reason.ENCODING_OVER_LENGTH, f"{n} items > {max_items}")
        return self.compact_size(n)

    def flag(self, present: bool) -> Writer:
        """Write the presence byte of an optional field ([ENC-9])."""
        return self.boolean(present)

    def raw(self, data: bytes) -> Writer:
        """Append bytes that are already a canonical encoding of a nested object."""
        self._parts.append(bytes(data))
        return self

    def getvalue(self) -> bytes:
        """Return everything written so far as one byte string."""
        return b"".join(self._parts)


class Reader:
    """Reads a canonical byte string strictly, refusing anything non-canonical.

    A reader never reads past its buffer, never allocates more than the bytes
    it was given, and reports every problem as :class:`Rejected` with a
    :class:`Reason`. Call :meth:`finish` at the end: left-over bytes are an error.
    """

    def __init__(self, data: bytes) -> None:
        self._data = memoryview(bytes(data))
        self._pos = 0

    @property
    def remaining(self) -> int:
        """Number of bytes not yet read."""
        return len(self._data) - self._pos

    @property
    def position(self) -> int:
        """Offset of the next byte to be read."""
        return self._pos

    def read_since(self, start: int) -> bytes:
        """Return the bytes read from offset ``start`` to the current position (no copy kept)."""
        return bytes(self._data[start : self._pos])

    def take(self, n: int) -> bytes:
        """Read exactly ``n`` raw bytes, or reject as truncated ([ENC-2])."""
        if n < 0 or n > self.remaining:
            raise Rejected(
                Reason.ENCODING_TRUNCATED,
                f"need {n} bytes at offset {self._pos}, have {self.remaining}",
            )
        out = bytes(self._data[self._pos : self._pos + n])
        self._pos += n
        return out

    def _int(self, kind: str) -> int:
        width, lo, _ = _INT_RANGES[kind]
        return int.from_bytes(self.take(width), "little", signed=lo < 0)

    def u8(self) -> int:
        """Read an unsigned 8-bit integer."""
        return self._int("u8")

    def u16(self) -> int:
        """Read an unsigned 16-bit little-endian integer."""
        return self._int("u16")

    def u32(self) -> int:
        """Read an unsigned 32-bit little-endian integer."""
        return self._int("u32")

    def u64(self) -> int:
        """Read an unsigned 64-bit little-endian integer."""
        return self._int("u64")

    def i64(self) -> int:
        """Read a signed 64-bit little-endian integer."""
        return self._int("i64")

    def boolean(self) -> bool:
        """Read a boolean; any byte other than 0x00 or 0x01 is rejected ([ENC-7])."""
        b = self.u8()
        if b > 1:
            raise Rejected(Reason.ENCODING_BAD_FLAG, f"boolean byte 0x{b:02x}")
        return b == 1

    def flag(self) -> bool:
        """Read the presence byte of an optional field ([ENC-9])."""
        return self.boolean()

    def compact_size(self, max_value: int = MAX_COMPACTSIZE) -> int:
        """Read a CompactSize; reject non-minimal forms and values over ``max_value``."""
        first = self.u8()
        if first < 0xFD:
            n, minimum = first, 0
        elif first == 0xFD:
            n, minimum = self.u16(), 0xFD
        elif first == 0xFE:
            n, minimum = self.u32(), 0x1_0000
        else:
            n, minimum = self.u64(), 0x1_0000_0000
        if n < minimum:
            raise Rejected(
                Reason.ENCODING_NON_MINIMAL_COMPACTSIZE, f"{n} encoded with prefix 0x{first:02x}"
            )
        if n > max_value:
            raise Rejected(Reason.ENCODING_OVER_LENGTH, f"{n} > {max_value}")
        return n

    def fixed(self, length: int) -> bytes:
        """Read exactly ``length`` raw bytes."""
        return self.take(length)

    def var_bytes(self, max_len: int = MAX_COMPACTSIZE) -> bytes:
        """Read a CompactSize length (at most ``max_len``) then that many bytes ([ENC-5])."""
        n = self.compact_size(max_len)
        return self.take(n)

    def string(self, max_len: int) -> str:
        """Read a UTF-8 string of at most ``max_len`` encoded bytes ([ENC-6])."""
        raw = self.var_bytes(max_len)
        try:
            return raw.decode("utf-8", errors="strict")
        except UnicodeDecodeError as exc:
            raise Rejected(Reason.ENCODING_BAD_UTF8, str(exc)) from None

    def count(self, max_items: int) -> int:
        """Read a list's item count: at most ``max_items`` and at most the bytes left ([ENC-8]).

        Every list item takes at least one byte, so a count larger than what is
        left cannot be honest; refusing it early keeps memory bounded.
        """
        n = self.compact_size(max_items)
        if n > self.remaining:
            raise Rejected(Reason.ENCODING_TRUNCATED, f"{n} items but {self.remaining} bytes left")
        return n

    def items(self, max_items: int, read_item: Callable[[Reader], T]) -> list[T]:
        """Read a counted list, calling ``read_item`` once per element."""
        return [read_item(self) for _ in range(self.count(max_items))]

    def version(self, supported: frozenset[int] | set[int]) -> int:
        """Read a one-byte version and reject any version not in ``supported`` ([ENC-10])."""
        v = self.u8()
        if v not in supported:
            raise Rejected(Reason.ENCODING_UNKNOWN_VERSION, f"version {v}")
        return v

    def finish(self) -> None:
        """Assert that every byte was consumed ([ENC-11])."""
        if self.remaining:
            raise Rejected(Reason.ENCODING_TRAILING_BYTES, f"{self.remaining} bytes left over")


def decode_exact(data: bytes, read: Callable[[Reader], T]) -> T:
    """Decode one object that must span all of ``data`` ([ENC-11])."""
    reader = Reader(data)
    value = read(reader)
    reader.finish()
    return value


def from_hex(text: str) -> bytes:
    """Parse hex (whole pairs of digits, either case); reject anything else ([ENC-13]).

    Unlike :meth:`bytes.fromhex`, whitespace is refused: ``"fd 0001"`` is not hex.
    """
    if not isinstance(text, str) or _HEX.fullmatch(text) is None:
        raise Rejected(Reason.ENCODING_BAD_HEX, f"not hex: {text!r:.80}")
    return bytes.fromhex(text)
