"""Range fingerprints (spec/01-sync.md, [NEG-10]).

The fingerprint of a set of ids is the first 16 bytes of
``SHA-256(sum || varint(count))`` where ``sum`` is the addition modulo 2^256
of the ids read as 32-byte little-endian integers, written back as 32
little-endian bytes (Negentropy protocol v1, "Fingerprint Algorithm";
``Accumulator::getFingerprint`` in hoytech/negentropy ``cpp/negentropy/types.h``).
"""

from __future__ import annotations

from collections.abc import Iterable

from chipstack.crypto import sha256
from chipstack.sync.negentropy.varint import encode_varint

#: Modulus of the id sum.
MODULUS = 2**256
#: Bytes kept from the SHA-256 digest.
FINGERPRINT_SIZE = 16


def id_value(item_id: bytes) -> int:
    """An id as the little-endian integer that the sum adds."""
    return int.from_bytes(item_id, "little")


def fingerprint_of_sum(total: int, count: int) -> bytes:
    """Fingerprint of ``count`` ids whose sum (any integer, reduced here) is ``total``."""
    digest = sha256((total % MODULUS).to_bytes(32, "little") + encode_varint(count))
    return digest[:FINGERPRINT_SIZE]


class Accumulator:
    """Running sum modulo 2^256 and count of ids; :meth:`fingerprint` hashes them."""

    def __init__(self) -> None:
        self.total = 0
        self.count = 0

    def add(self, item_id: bytes) -> None:
        """Add one id."""
        self.total = (self.total + id_value(item_id)) % MODULUS
        self.count += 1

    def fingerprint(self) -> bytes:
        """The 16-byte fingerprint of the ids added so far."""
        return fingerprint_of_sum(self.total, self.count)


def fingerprint(ids: Iterable[bytes]) -> bytes:
    """Fingerprint of a collection of ids, computed directly (no cache)."""
    acc = Accumulator()
    for item_id in ids:
        acc.add(item_id)
    return acc.fingerprint()
