"""Reading the JSON input of a vector case: typed fields, or ``vectors.bad_input``.

JSON has no byte strings and Python's ``bool`` is an ``int``, so every
operation that takes integers or hex from a case checks them here, the same
way in every area (spec/05-vectors.md, reason ``vectors.bad_input``; bad hex
text is ``encoding.bad_hex``, ENC-13).
"""

from __future__ import annotations

from typing import Any

from chipstack.encoding import from_hex
from chipstack.errors import Reason, Rejected


def as_int(value: Any, what: str) -> int:
    """Return ``value`` if it is a JSON integer (not a boolean); ``what`` names it in errors."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise Rejected(Reason.VECTORS_BAD_INPUT, f"{what} must be an integer")
    return value


def int_field(obj: dict[str, Any], key: str) -> int:
    """Return ``obj[key]`` as an integer."""
    return as_int(obj[key], key)


def hex_field(obj: dict[str, Any], key: str) -> bytes:
    """Return ``obj[key]`` parsed as hex: not a string is a bad input, bad text is bad hex."""
    value = obj[key]
    if not isinstance(value, str):
        raise Rejected(Reason.VECTORS_BAD_INPUT, f"{key} must be a hex string")
    return from_hex(value)


def fixed_hex_field(obj: dict[str, Any], key: str, length: int = 32) -> bytes:
    """Return ``obj[key]`` as hex of exactly ``length`` bytes (a hash, id or chain id).

    Another length is ``vectors.bad_length`` ([VEC-9]): a fixed-width field
    has no length of its own in any encoding, so only a JSON input can get
    it wrong, and it is refused before the operation runs.
    """
    value = hex_field(obj, key)
    if len(value) != length:
        raise Rejected(Reason.VECTORS_BAD_LENGTH, f"{key} must be {length} bytes, not {len(value)}")
    return value
