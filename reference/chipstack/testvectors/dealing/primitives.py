"""The ``dealing/primitives`` vector suite (spec/07-dealing.md sections 1, 3, 6): point and
scalar encodings, hashing to scalars and points, card points, the random stream, messages."""

from __future__ import annotations

from chipstack.crypto import Tag
from chipstack.dealing.elgamal import card_point
from chipstack.dealing.group import (
    G,
    decode_point,
    decode_scalar,
    encode_point,
    hash_to_point,
    hash_to_scalar,
)
from chipstack.dealing.messages import decode_message, from_event_argument
from chipstack.dealing.randomness import Randomness
from chipstack.errors import Reason, Rejected
from chipstack.testvectors.dealing.common import seed_field, seed_of, tag_of
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.vectors.inputs import hex_field, int_field
from chipstack.vectors.model import Case, CaseTable, JSONObject, Operation, Suite

_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
_P = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F
#: SEC 2's generator G, uncompressed (an independent source for the point tests).
_G_X = "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
_G_Y = "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8"


def op_decode_point(case_input: JSONObject) -> JSONObject:
    """Decode a compressed point."""
    raw = decode_point(hex_field(case_input, "encoded")).format(compressed=True)
    return {"x": raw[1:].hex(), "odd": raw[0] == 3}


def op_decode_scalar(case_input: JSONObject) -> JSONObject:
    """Decode a scalar."""
    return {"value": decode_scalar(hex_field(case_input, "encoded")).to_bytes(32, "big").hex()}


def op_hash_to_scalar(case_input: JSONObject) -> JSONObject:
    """H_s(tag, data)."""
    value = hash_to_scalar(tag_of(case_input), hex_field(case_input, "data"))
    return {"scalar": value.to_bytes(32, "big").hex()}


def op_hash_to_point(case_input: JSONObject) -> JSONObject:
    """H_p(tag, data)."""
    return {
        "point": encode_point(
            hash_to_point(tag_of(case_input), hex_field(case_input, "data"))
        ).hex()
    }


def op_card_point(case_input: JSONObject) -> JSONObject:
    """The point of a card."""
    return {"point": encode_point(card_point(int_field(case_input, "card"))).hex()}


def op_random_stream(case_input: JSONObject) -> JSONObject:
    """Scalars then a permutation from a seed's stream."""
    rng = Randomness(seed_field(case_input, "seed"))
    scalars = [
        rng.scalar().to_bytes(32, "big").hex() for _ in range(int_field(case_input, "scalars"))
    ]
    return {
        "scalars": scalars,
        "permutation": rng.permutation(int_field(case_input, "permutation")),
    }


def op_decode_message(case_input: JSONObject) -> JSONObject:
    """Decode a dealing message's header and body."""
    message = decode_message(hex_field(case_input, "encoded"))
    kind = {"KeyMessage": 1, "ShuffleMessage": 2, "SharesMessage": 3}[type(message).__name__]
    return {"kind": kind, "sender": message.sender, "hand_id": message.hand_id.hex()}


def op_join_chunks(case_input: JSONObject) -> JSONObject:
    """Join the chunks of an FSM event argument into a message."""
    chunks = case_input["chunks"]
    if not isinstance(chunks, list):
        raise Rejected(Reason.VECTORS_BAD_INPUT, "chunks must be a list")
    raw = from_event_argument([hex_field({"c": c}, "c") for c in chunks])
    return {"message": raw.hex()}


OPS: dict[str, Operation] = {
    "decode_point": op_decode_point,
    "decode_scalar": op_decode_scalar,
    "hash_to_scalar": op_hash_to_scalar,
    "hash_to_point": op_hash_to_point,
    "card_point": op_card_point,
    "random_stream": op_random_stream,
    "decode_message": op_decode_message,
    "join_chunks": op_join_chunks,
}


def _key_message() -> bytes:
    from chipstack.dealing.hand import Hand

    hand = Hand(bytes(32), 2, 0, 30, 1, 7, bytes(32))
    return hand.key_message()


def _cases() -> list[Case]:
    t = CaseTable(OPS)
    t.valid("decode_point", {"encoded": "02" + _G_X}, "G (SEC 2; y even)", ["DEAL-1"])
    t.valid("decode_point", {"encoded": "03" + _G_X}, "-G (odd y)", ["DEAL-1"])
    for comment, enc, flag in [
        ("uncompressed G (65 bytes)", "04" + _G_X + _G_Y, "non_canonical"),
        ("hybrid form 0x06 of G", "06" + _G_X, "non_canonical"),
        ("x = p (not below p)", "02" + f"{_P:064x}", "non_canonical"),
        ("x = 5 has no point on the curve", "02" + f"{5:064x}", "malformed"),
        ("32 bytes only", "02" + _G_X[:62], "malformed"),
    ]:
        t.invalid("decode_point", {"encoded": enc}, comment, ["DEAL-1"], [flag])
    t.invalid(
        "decode_point",
        {"encoded": "00" * 33},
        "33 zero bytes: infinity has no encoding",
        ["DEAL-6", "DEAL-1"],
        ["non_canonical"],
    )
    t.valid(
        "decode_scalar",
        {"encoded": f"{_N - 1:064x}"},
        "n - 1, the largest scalar",
        ["DEAL-2"],
        ["boundary"],
    )
    t.valid("decode_scalar", {"encoded": "00" * 32}, "zero", ["DEAL-2"], ["boundary"])
    t.invalid(
        "decode_scalar",
        {"encoded": f"{_N:064x}"},
        "n itself is not reduced",
        ["DEAL-2"],
        ["non_canonical"],
    )
    t.invalid("decode_scalar", {"encoded": "ff" * 32}, "2^256 - 1", ["DEAL-2"], ["non_canonical"])
    for tag in Tag:
        if tag.value.startswith("chipstack/dealing/"):
            t.valid(
                "hash_to_scalar",
                {"tag": tag.value, "data": "00"},
                f"H_s under {tag.value}",
                ["DEAL-3"],
                ["registry"],
            )
    t.valid(
        "hash_to_point",
        {"tag": Tag.DEALING_GENERATOR.value, "data": "00000000"},
        "H_0 of the shuffle proof",
        ["DEAL-4", "DEAL-20"],
    )
    t.valid(
        "hash_to_point",
        {"tag": Tag.DEALING_GENERATOR.value, "data": "34000000"},
        "H_52 of the shuffle proof",
        ["DEAL-4", "DEAL-20"],
    )
    for card in (0, 1, 12, 50, 51):
        t.valid("card_point", {"card": card}, f"the point of card {card}", ["DEAL-14", "DEAL-4"])
    t.valid(
        "random_stream",
        {"seed": seed_of("dealing/stream/a"), "scalars": 3, "permutation": 52},
        "seed = SHA-256('dealing/stream/a')",
        ["DEAL-5"],
    )
    t.valid(
        "random_stream",
        {"seed": "00" * 32, "scalars": 1, "permutation": 2},
        "all-zero seed",
        ["DEAL-5"],
        ["boundary"],
    )
    key = _key_message()
    t.valid(
        "decode_message",
        {"encoded": key.hex()},
        "a key message of seat 1",
        ["DEAL-40", "DEAL-41", "DEAL-44"],
    )
    bad = [
        ("version 2", b"\x02" + key[1:], ["DEAL-44", "DEAL-40"], "unknown_version"),
        ("kind 9", key[:1] + b"\x09" + key[2:], ["DEAL-44", "DEAL-40"], "malformed"),
        ("sender 10", key[:34] + b"\x0a" + key[35:], ["DEAL-44", "DEAL-40"], "malformed"),
        ("cut inside the proof", key[:-1], ["DEAL-44"], "truncated"),
        ("a trailing byte", key + b"\x00", ["DEAL-44"], "trailing"),
        (
            "s = n in the key proof",
            key[:-32] + _N.to_bytes(32, "big"),
            ["DEAL-41", "DEAL-2"],
            "non_canonical",
        ),
        (
            "a shuffle of 51 cards",
            key[:1] + b"\x02" + key[2:35] + bytes([51]),
            ["DEAL-42"],
            "malformed",
        ),
        (
            "shares to recipient 10",
            key[:1] + b"\x03" + key[2:35] + b"\x0a\x01\x00",
            ["DEAL-43"],
            "malformed",
        ),
        (
            "shares with positions 3, 3",
            key[:1] + b"\x03" + key[2:35] + b"\xff\x02\x03\x03",
            ["DEAL-43"],
            "malformed",
        ),
        (
            "shares of position 52",
            key[:1] + b"\x03" + key[2:35] + b"\xff\x01\x34",
            ["DEAL-43"],
            "malformed",
        ),
        (
            "a complaint by seat 1 about itself",
            key[:1] + b"\x04" + key[2:35] + b"\x01",
            ["DEAL-51"],
            "malformed",
        ),
        (
            "shares with count 0",
            key[:1] + b"\x03" + key[2:35] + b"\xff\x00",
            ["DEAL-43"],
            "malformed",
        ),
    ]
    for comment, raw, covers, flag in bad:
        t.invalid("decode_message", {"encoded": raw.hex()}, comment, covers, [flag])
    big = "ab" * 4096
    t.valid("join_chunks", {"chunks": [big, "cd"]}, "4096 bytes then 1", ["DEAL-57"])
    t.valid("join_chunks", {"chunks": [big]}, "exactly one full chunk", ["DEAL-57"], ["boundary"])
    t.invalid("join_chunks", {"chunks": []}, "no chunk", ["DEAL-57"], ["malformed"])
    t.invalid(
        "join_chunks",
        {"chunks": ["cd", big]},
        "a short chunk first",
        ["DEAL-57"],
        ["non_canonical"],
    )
    t.invalid(
        "join_chunks", {"chunks": [big, ""]}, "an empty last chunk", ["DEAL-57"], ["non_canonical"]
    )
    t.invalid("join_chunks", {"chunks": [big] * 5}, "five chunks", ["DEAL-57"], ["over_length"])
    assert encode_point(G).hex() == "02" + _G_X
    return t.cases


#: The ``dealing/primitives`` suite.
SUITE = Suite(
    name="dealing/primitives",
    description="secp256k1 point and scalar encodings, hashing to scalars and points, card "
    "points, the prover's random stream (seeds are SHA-256 of the stated labels), and the "
    "decoding of dealing messages.",
    notes=FLAGS,
    reason_flags=REASON_FLAGS,
    operations=OPS,
    build_cases=_cases,
)
