"""The group: secp256k1 points and scalars through coincurve, their encodings, hashing to them.

Spec: ``spec/07-dealing.md`` section 1 (rules ``[DEAL-1]`` .. ``[DEAL-6]``). Every
multiplication and addition is done by libsecp256k1 (through ``coincurve``); this
module only wraps it so that the point at infinity is a value (``None``) instead of an
exception, and so that encodings are checked strictly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

from coincurve import PublicKey

from chipstack.crypto import Tag, tagged_hash
from chipstack.encoding import Reader
from chipstack.errors import Reason, Rejected

#: The order ``n`` of the secp256k1 group (SEC 2, section 2.4.1).
ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
#: The field prime ``p`` of secp256k1.
FIELD_P = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F
#: Bytes of an encoded point (SEC 1 compressed) and of an encoded scalar.
POINT_LEN = 33
SCALAR_LEN = 32

Point = PublicKey | None
"""A group element: a coincurve public key, or ``None`` for the point at infinity."""

#: The standard generator ``G`` of secp256k1.
G: PublicKey = PublicKey(
    bytes.fromhex("0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798")
)


def encode_point(point: Point) -> bytes:
    """The 33-byte SEC 1 compressed form of a point ([DEAL-1]); infinity has none."""
    if point is None:
        raise Rejected(Reason.DEALING_BAD_POINT, "infinity has no encoding")  # [DEAL-6]
    return point.format(compressed=True)


def decode_point(raw: bytes) -> PublicKey:
    """Parse a 33-byte compressed point, refusing every other form ([DEAL-1]).

    Refused with ``dealing.bad_point``: another length, a first byte other than 0x02 or
    0x03 (so no uncompressed, hybrid or infinity form), ``x >= p``, and an ``x`` with no
    point on the curve.
    """
    if len(raw) != POINT_LEN or raw[0] not in (2, 3):
        raise Rejected(Reason.DEALING_BAD_POINT, "not a 33-byte compressed point")  # [DEAL-1]
    if int.from_bytes(raw[1:], "big") >= FIELD_P:
        raise Rejected(Reason.DEALING_BAD_POINT, "x is not below p")  # [DEAL-1]
    try:
        return PublicKey(bytes(raw))
    except ValueError:
        raise Rejected(Reason.DEALING_BAD_POINT, "x is not on the curve") from None  # [DEAL-1]


def encode_scalar(value: int) -> bytes:
    """The 32-byte big-endian form of a scalar in ``0 .. n-1`` ([DEAL-2])."""
    if not 0 <= value < ORDER:
        raise Rejected(Reason.DEALING_BAD_SCALAR, "scalar out of range")
    return value.to_bytes(SCALAR_LEN, "big")


def decode_scalar(raw: bytes) -> int:
    """Parse a 32-byte big-endian scalar; a value not below ``n`` is refused ([DEAL-2])."""
    if len(raw) != SCALAR_LEN:
        raise Rejected(Reason.DEALING_BAD_SCALAR, "not 32 bytes")
    value = int.from_bytes(raw, "big")
    if value >= ORDER:
        raise Rejected(Reason.DEALING_BAD_SCALAR, "scalar not below the group order")  # [DEAL-2]
    return value


def read_point(reader: Reader) -> PublicKey:
    """Read one encoded point from ``reader`` ([DEAL-1])."""
    return decode_point(reader.fixed(POINT_LEN))


def read_scalar(reader: Reader) -> int:
    """Read one encoded scalar from ``reader`` ([DEAL-2])."""
    return decode_scalar(reader.fixed(SCALAR_LEN))


def hash_to_scalar(tag: Tag, msg: bytes) -> int:
    """``int(tagged_hash(tag, msg)) mod n``, big-endian ([DEAL-3])."""
    return int.from_bytes(tagged_hash(tag, msg), "big") % ORDER


def hash_to_point(tag: Tag, msg: bytes) -> PublicKey:
    """Try-and-increment: the first ``0x02 || tagged_hash(tag, msg || u8 k)`` on the curve.

    Rule [DEAL-4].

    ``k`` runs 0, 1, 2, ...; about half of all ``x`` are on the curve, so the loop ends
    after two tries on average (256 tries all failing has probability 2^-256).
    """
    for k in range(256):
        x = tagged_hash(tag, msg + bytes([k]))
        if int.from_bytes(x, "big") >= FIELD_P:
            continue
        try:
            return PublicKey(b"\x02" + x)
        except ValueError:
            continue
    raise AssertionError("no point after 256 tries")  # pragma: no cover


def mul(point: Point, scalar: int) -> Point:
    """``scalar * point``; zero or infinity give infinity."""
    scalar %= ORDER
    if point is None or scalar == 0:
        return None
    return point.multiply(scalar.to_bytes(SCALAR_LEN, "big"))


def base_mul(scalar: int) -> Point:
    """``scalar * G``."""
    return mul(G, scalar)


def add(*points: Point) -> Point:
    """The sum of ``points``; infinity terms are skipped and a zero sum is infinity."""
    return add_all(points)


def add_all(points: Iterable[Point]) -> Point:
    """The sum of an iterable of points (infinity when empty or when they cancel)."""
    keys = [p for p in points if p is not None]
    if not keys:
        return None
    if len(keys) == 1:
        return keys[0]
    try:
        return PublicKey.combine_keys(keys)
    except ValueError:
        return None  # the sum is the point at infinity


def neg(point: Point) -> Point:
    """``-point``: the same ``x`` with the other parity of ``y``."""
    if point is None:
        return None
    raw = point.format(compressed=True)
    return PublicKey(bytes([raw[0] ^ 1]) + raw[1:])


def linear_combination(scalars: Sequence[int], points: Sequence[Point]) -> Point:
    """``sum(s_i * P_i)``, one libsecp256k1 multiplication per nonzero term."""
    return add_all(mul(p, s) for s, p in zip(scalars, points, strict=True))


@cache
def generator(label: bytes) -> PublicKey:
    """An extra generator with no known discrete log to ``G``: ``hash_to_point`` ([DEAL-4])."""
    return hash_to_point(Tag.DEALING_GENERATOR, label)
