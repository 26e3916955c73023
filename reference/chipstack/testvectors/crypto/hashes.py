"""The ``crypto/hashes`` vector suite (spec/00-encoding.md section 3): SHA-256, double SHA-256
and tagged hashes over the tag registry."""

from __future__ import annotations

from chipstack.crypto import Tag, sha256, sha256d, tagged_hash
from chipstack.encoding import from_hex
from chipstack.testvectors.crypto.common import tag_field
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.vectors.model import Case, CaseTable, JSONObject, Operation, Suite


def op_sha256(case_input: JSONObject) -> JSONObject:
    """SHA-256 of ``data``."""
    return {"digest": sha256(from_hex(case_input["data"])).hex()}


def op_sha256d(case_input: JSONObject) -> JSONObject:
    """Double SHA-256 of ``data``."""
    return {"digest": sha256d(from_hex(case_input["data"])).hex()}


def op_tagged_hash(case_input: JSONObject) -> JSONObject:
    """Tagged hash of ``data`` under a registered ``tag``."""
    return {"digest": tagged_hash(tag_field(case_input), from_hex(case_input["data"])).hex()}


HASH_OPS: dict[str, Operation] = {
    "sha256": op_sha256,
    "sha256d": op_sha256d,
    "tagged_hash": op_tagged_hash,
}


def _hash_cases() -> list[Case]:
    t = CaseTable(HASH_OPS)
    t.valid("sha256", {"data": ""}, "SHA-256 of the empty string (FIPS 180-4)", ["HASH-1"])
    t.valid("sha256", {"data": b"abc".hex()}, "SHA-256 of 'abc' (FIPS 180-4 example)", ["HASH-1"])
    t.valid("sha256d", {"data": ""}, "double SHA-256 of the empty string", ["HASH-4"])
    t.valid("sha256d", {"data": b"hello".hex()}, "double SHA-256 of 'hello'", ["HASH-4"])
    for tag in Tag:
        t.valid(
            "tagged_hash",
            {"tag": tag.value, "data": "00"},
            f"tag {tag.value}",
            ["HASH-2", "HASH-3"],
            ["registry"],
        )
    t.valid("tagged_hash", {"tag": "chipstack/sync/item", "data": ""}, "empty message", ["HASH-3"])
    t.invalid(
        "tagged_hash",
        {"tag": "BIP0340/challenge", "data": "00"},
        "a tag outside the registry",
        ["HASH-2"],
        ["unknown_tag"],
    )
    t.invalid("sha256", {"data": "abc"}, "odd-length hex input", ["ENC-13"], ["bad_hex"])
    t.valid("sha256", {"data": "ABCDEF"}, "upper-case hex input: the bytes ab cd ef",
            ["ENC-13", "HASH-1"], ["upper_case_hex"])
    return t.cases


#: The ``crypto/hashes`` suite.
SUITE = Suite(
    name="crypto/hashes",
    description="SHA-256, double SHA-256 and BIP-340-style tagged hashes over the tag "
    "registry.",
    notes=FLAGS,
    reason_flags=REASON_FLAGS,
    operations=HASH_OPS,
    build_cases=_hash_cases,
)
