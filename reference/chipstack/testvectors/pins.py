"""Shared helper of the cases that pin the choices of issue 8 (the order of checks).

A *pin* is a case whose input has two faults (or one choice the spec settles),
built so that two implementations that order the checks differently cannot both
pass it. Each pin states the exact result it expects, and generation fails if
the reference gives another: a regression is caught when vectors are generated,
not only when the committed files are compared.
"""

from __future__ import annotations

import hashlib
from typing import Any

from chipstack.vectors.model import CaseTable

#: Flag of every case whose input has two faults (its note is in testvectors/flags.py).
TWO_FAULTS = "check_order"


class Pins(CaseTable):
    """A case table whose lines state the exact result: ``"valid"`` or the reason code."""

    def add(
        self,
        op: str,
        case_input: dict[str, Any],
        comment: str,
        covers: list[str],
        flags: list[str],
        expect: str,
    ) -> None:
        """Add a case whose result must be ``expect``: ``"valid"`` or a reason code."""
        self.add_case("valid" if expect == "valid" else "invalid", op, case_input, comment,
                      covers, flags)
        got = self.cases[-1].reason
        if got is not None and got != expect:
            raise ValueError(f"pin {comment!r}: expected {expect}, reference gave {got}")


#: The group order of Ed25519 (RFC 8032 section 5.1, ``L``).
ED25519_ORDER = 2**252 + 27742317777372353535851937790883648493
#: The encoding of the identity point, a small-order point (SIG-6's list).
IDENTITY_POINT = bytes([1]) + bytes(31)


def identity_r_signature(seed: bytes, public_key: bytes, message: bytes) -> bytes:
    """Return the signature ``R`` = identity, ``S = k * a mod L`` of ``message``.

    Only the key's owner can make it (``a`` is the secret scalar of RFC 8032
    section 5.1.5, ``k = SHA512(R || A || M) mod L``). RFC 8032's cofactorless
    equation accepts it, since ``[S]B - [k]A`` is the identity; SIG-7 refuses it
    because ``R`` has small order. Only integers and SHA-512 are used here: no
    curve arithmetic.
    """
    digest = hashlib.sha512(seed).digest()
    a = int.from_bytes(digest[:32], "little")
    a = (a & ((1 << 254) - 8)) | (1 << 254)
    k = hashlib.sha512(IDENTITY_POINT + public_key + message).digest()
    s = int.from_bytes(k, "little") % ED25519_ORDER * a % ED25519_ORDER
    return IDENTITY_POINT + s.to_bytes(32, "little")
