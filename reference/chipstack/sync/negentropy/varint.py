"""Negentropy varints and a strict byte cursor (spec/01-sync.md, [NEG-2], [NEG-3]).

A varint is an unsigned integer written as base-128 digits, most significant
digit first, every byte except the last with its high bit set, using as few
digits as possible (Negentropy protocol v1, ``docs/negentropy-protocol-v1.md``
in hoytech/negentropy). Values are limited to 64 bits.
"""

from __future__ import annotations

from chipstack.errors import Reason, Rejected

#: Largest value a varint may carry: the 64-bit maximum ([NEG-3]).
MAX_U64 = 2**64 - 1


def encode_varint(n: int) -> bytes:
    """Return the shortest base-128 big-endian encoding of ``n`` ([NEG-2])."""
    if n < 0 or n > MAX_U64:
        raise Rejected(Reason.SYNC_NEGENTROPY_VARINT_OVERFLOW, f"varint value {n}")
    if n < 0x80:
        return bytes((n,))
    digits = []
    while n:
        digits.append(n & 0x7F)
        n >>= 7
    digits.reverse()
    return bytes([d | 0x80 for d in digits[:-1]] + [digits[-1]])


class Cursor:
    """Reads a Negentropy message front to back; every problem is a :class:`Rejected`.

    Running off the end is ``sync.negentropy_truncated``; a varint with a
    leading zero digit is ``sync.negentropy_non_minimal_varint`` and one above
    2^64 - 1 is ``sync.negentropy_varint_overflow`` ([NEG-2], [NEG-3]).
    """

    def __init__(self, data: bytes) -> None:
        self._data = bytes(data)
        self._pos = 0

    @property
    def remaining(self) -> int:
        """Number of bytes not yet read."""
        return len(self._data) - self._pos

    def at_end(self) -> bool:
        """True when every byte has been read."""
        return self._pos >= len(self._data)

    def byte(self) -> int:
        """Read one byte."""
        if self._pos >= len(self._data):
            raise Rejected(Reason.SYNC_NEGENTROPY_TRUNCATED, "expected a byte")
        b = self._data[self._pos]
        self._pos += 1
        return b

    def take(self, n: int) -> bytes:
        """Read exactly ``n`` bytes."""
        if n > self.remaining:
            raise Rejected(
                Reason.SYNC_NEGENTROPY_TRUNCATED, f"need {n} bytes, {self.remaining} left"
            )
        out = self._data[self._pos : self._pos + n]
        self._pos += n
        return out

    def varint(self) -> int:
        """Read one varint, refusing non-minimal and over-64-bit encodings."""
        first = self.byte()
        if first == 0x80:
            raise Rejected(Reason.SYNC_NEGENTROPY_NON_MINIMAL_VARINT, "leading zero digit")
        value = first & 0x7F
        b = first
        while b & 0x80:
            b = self.byte()
            value = (value << 7) | (b & 0x7F)
            if value > MAX_U64:
                raise Rejected(Reason.SYNC_NEGENTROPY_VARINT_OVERFLOW, "varint above 2^64-1")
        return value


def decode_varint(data: bytes) -> int:
    """Decode a byte string that must hold exactly one varint ([NEG-2], [NEG-3])."""
    cur = Cursor(data)
    value = cur.varint()
    if not cur.at_end():
        raise Rejected(Reason.ENCODING_TRAILING_BYTES, "bytes after the varint")
    return value
