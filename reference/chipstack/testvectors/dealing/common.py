"""Input helpers and fixed inputs shared by the dealing vector suites.

Every seed is fixed here and appears in the cases' inputs: ``seed_of(label)`` is the
SHA-256 of the label's UTF-8 bytes, so anyone can recompute it.
"""

from __future__ import annotations

from chipstack.crypto import Tag, sha256
from chipstack.dealing.elgamal import CIPHERTEXT_LEN, DECK_SIZE, Ciphertext
from chipstack.errors import Reason, Rejected
from chipstack.vectors.inputs import fixed_hex_field, hex_field
from chipstack.vectors.model import JSONObject


def seed_of(label: str) -> str:
    """The 32-byte seed (hex) of a label: SHA-256 of its UTF-8 bytes."""
    return sha256(label.encode("utf-8")).hex()


def tag_of(case_input: JSONObject) -> Tag:
    """The case's ``tag`` as a registered tag, or ``crypto.unknown_tag``."""
    try:
        return Tag(case_input["tag"])
    except ValueError:
        raise Rejected(Reason.CRYPTO_UNKNOWN_TAG, repr(case_input["tag"])) from None


def deck_field(case_input: JSONObject, key: str = "deck") -> list[Ciphertext]:
    """A deck given as the hex of 52 concatenated ciphertexts."""
    raw = hex_field(case_input, key)
    if len(raw) != DECK_SIZE * CIPHERTEXT_LEN:
        raise Rejected(Reason.VECTORS_BAD_LENGTH, f"{key} must hold 52 ciphertexts")
    return [
        Ciphertext.decode(raw[i : i + CIPHERTEXT_LEN]) for i in range(0, len(raw), CIPHERTEXT_LEN)
    ]


def deck_hex(deck: list[Ciphertext] | tuple[Ciphertext, ...]) -> str:
    """The hex of a deck's 52 concatenated ciphertexts."""
    return b"".join(ct.encode() for ct in deck).hex()


def seed_field(case_input: JSONObject, key: str) -> bytes:
    """A 32-byte seed."""
    return fixed_hex_field(case_input, key)
