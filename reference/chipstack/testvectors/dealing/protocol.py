"""The ``dealing/protocol`` vector suite (spec/07-dealing.md sections 2-7): key proofs, the
joint key and opening deck, shuffles and their proofs, decryption shares, the void payout,
and whole hands with one cheating or stalling seat. Every seed is stated in the inputs."""

from __future__ import annotations

from dataclasses import replace

from chipstack.dealing.elgamal import decrypt, opening_deck, reencrypt
from chipstack.dealing.group import G, add, decode_point, encode_point, mul
from chipstack.dealing.hand import settle_void
from chipstack.dealing.keys import SchnorrProof, joint_key, proof_context, prove_key, verify_key
from chipstack.dealing.local import CHEATS, run_scenario
from chipstack.dealing.messages import (
    EVERYONE,
    SharesMessage,
    ShuffleMessage,
    decode_message,
)
from chipstack.dealing.randomness import Randomness
from chipstack.dealing.shares import make_shares, verify_shares
from chipstack.dealing.shuffle import prove_shuffle, shuffle_and_prove, verify_shuffle
from chipstack.errors import Reason, Rejected
from chipstack.testvectors.dealing.common import deck_field, deck_hex, seed_field, seed_of
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.vectors.inputs import as_int, fixed_hex_field, hex_field, int_field
from chipstack.vectors.model import Case, CaseTable, JSONObject, Operation, Suite


def _secret(case_input: JSONObject) -> int:
    return Randomness(seed_field(case_input, "secret_seed")).scalar()


def _int_list(case_input: JSONObject, key: str) -> list[int]:
    value = case_input[key]
    if not isinstance(value, list):
        raise Rejected(Reason.VECTORS_BAD_INPUT, f"{key} must be a list")
    return [as_int(v, key) for v in value]


def op_key_proof(case_input: JSONObject) -> JSONObject:
    """A seat's key share and Schnorr proof."""
    ctx = proof_context(fixed_hex_field(case_input, "hand_id"), int_field(case_input, "seat"))
    key, proof = prove_key(_secret(case_input), ctx, Randomness(seed_field(case_input, "seed")))
    return {"key": encode_point(key).hex(), "proof": proof.encode().hex()}


def op_verify_key(case_input: JSONObject) -> JSONObject:
    """Check a key proof."""
    raw = hex_field(case_input, "proof")
    if len(raw) != 64:
        raise Rejected(Reason.VECTORS_BAD_LENGTH, "proof must be 64 bytes")
    ctx = proof_context(fixed_hex_field(case_input, "hand_id"), int_field(case_input, "seat"))
    verify_key(decode_point(hex_field(case_input, "key")), SchnorrProof.decode(raw), ctx)
    return {}


def op_joint_key(case_input: JSONObject) -> JSONObject:
    """The joint key of some key shares and its opening deck."""
    keys = case_input["keys"]
    if not isinstance(keys, list):
        raise Rejected(Reason.VECTORS_BAD_INPUT, "keys must be a list")
    joint = joint_key([decode_point(hex_field({"k": k}, "k")) for k in keys])
    return {"joint": encode_point(joint).hex(), "deck": deck_hex(opening_deck(joint))}


def op_shuffle(case_input: JSONObject) -> JSONObject:
    """A seat's shuffle of a deck and its proof."""
    ctx = proof_context(fixed_hex_field(case_input, "hand_id"), int_field(case_input, "seat"))
    joint = decode_point(hex_field(case_input, "joint"))
    rng = Randomness(seed_field(case_input, "seed"))
    deck, proof = shuffle_and_prove(deck_field(case_input), joint, ctx, rng)
    return {"deck": deck_hex(deck), "proof": proof.encode().hex()}


def op_verify_shuffle(case_input: JSONObject) -> JSONObject:
    """Check a shuffle message against the deck it shuffles."""
    message = decode_message(hex_field(case_input, "message"))
    if not isinstance(message, ShuffleMessage):
        raise Rejected(Reason.DEALING_BAD_MESSAGE, "not a shuffle message")
    joint = decode_point(hex_field(case_input, "joint"))
    ctx = proof_context(message.hand_id, message.sender)
    verify_shuffle(deck_field(case_input), message.deck, message.proof, joint, ctx)
    return {}


def op_shares(case_input: JSONObject) -> JSONObject:
    """A seat's shares message for some positions of a deck, to everyone."""
    hand_id, seat = fixed_hex_field(case_input, "hand_id"), int_field(case_input, "seat")
    positions = tuple(_int_list(case_input, "positions"))
    deck = deck_field(case_input)
    rng = Randomness(seed_field(case_input, "seed"))
    firsts = [deck[p].a for p in positions]
    shares, proof = make_shares(
        _secret(case_input), positions, firsts, proof_context(hand_id, seat), rng
    )
    message = SharesMessage(hand_id, seat, EVERYONE, positions, tuple(shares), proof)
    return {"message": message.encode().hex()}


def op_verify_shares(case_input: JSONObject) -> JSONObject:
    """Check a shares message against the key of its sender and the deck."""
    message = decode_message(hex_field(case_input, "message"))
    if not isinstance(message, SharesMessage):
        raise Rejected(Reason.DEALING_BAD_MESSAGE, "not a shares message")
    deck = deck_field(case_input)
    firsts = [deck[p].a for p in message.positions]
    ctx = proof_context(message.hand_id, message.sender)
    key = decode_point(hex_field(case_input, "key"))
    verify_shares(key, message.positions, firsts, message.shares, message.proof, ctx)
    return {}


def op_open_card(case_input: JSONObject) -> JSONObject:
    """The card at a deck position, given one decryption share per seat."""
    shares = case_input["shares"]
    if not isinstance(shares, list):
        raise Rejected(Reason.VECTORS_BAD_INPUT, "shares must be a list")
    deck = deck_field(case_input)
    position = int_field(case_input, "position")
    if not 0 <= position < len(deck):
        raise Rejected(Reason.VECTORS_BAD_INPUT, "position out of the deck")
    points = [decode_point(hex_field({"d": d}, "d")) for d in shares]
    return {"card": decrypt(deck[position], points)}


def op_settle_void(case_input: JSONObject) -> JSONObject:
    """Chips paid back when a hand is voided."""
    committed = _int_list(case_input, "committed")
    faulty = set(_int_list(case_input, "faulty"))
    return {"paid": settle_void(committed, faulty)}


def op_deal_hand(case_input: JSONObject) -> JSONObject:
    """A whole hand with one seat staging a cheat; what every node concluded."""
    cheat = case_input["cheat"]
    if cheat not in CHEATS:
        raise Rejected(Reason.VECTORS_BAD_INPUT, f"unknown cheat {cheat!r}")
    table = run_scenario(
        int_field(case_input, "seats"),
        seed_field(case_input, "seed"),
        cheat,
        int_field(case_input, "seat"),
    )
    return {
        "statuses": [node.status.value for node in table.nodes],
        "table_actions": [node.table_action for node in table.nodes],
        "faults": [[obs, f.seat, f.reason.value, f.rule] for obs, f in table.faults],
        "refused": [[obs, reason.value] for obs, reason in table.refused],
        "board": table.nodes[0].board(),
        "seen": [
            [list(node.cards_of(seat) or []) for seat in range(table.seats)] for node in table.nodes
        ],
    }


OPS: dict[str, Operation] = {
    "key_proof": op_key_proof,
    "verify_key": op_verify_key,
    "joint_key": op_joint_key,
    "shuffle": op_shuffle,
    "verify_shuffle": op_verify_shuffle,
    "shares": op_shares,
    "verify_shares": op_verify_shares,
    "open_card": op_open_card,
    "settle_void": op_settle_void,
    "deal_hand": op_deal_hand,
}

HAND_ID = seed_of("dealing/vectors/hand")


def _flip_last(hex_text: str) -> str:
    raw = bytearray(bytes.fromhex(hex_text))
    raw[-1] ^= 1
    return raw.hex()


def _cheating_shuffle(header: bytes, deck0: str, joint_hex: str, cheat: str) -> bytes:
    """A shuffle message whose proof the prover computed for a bad deck ([DEAL-22])."""
    deck = deck_field({"deck": deck0})
    joint = decode_point(bytes.fromhex(joint_hex))
    rng = Randomness(bytes.fromhex(seed_of(f"dealing/vectors/cheat/{cheat}")))
    perm = rng.permutation(len(deck))
    r_out = [rng.scalar() for _ in deck]
    key = add(joint, G) if cheat == "wrong_key" else joint
    assert key is not None
    sources = list(perm)
    if cheat == "duplicate":  # output 1 re-encrypts output 0's card again
        sources[1] = perm[0]
    out = [reencrypt(deck[sources[i]], r_out[i], key) for i in range(len(deck))]
    proof = prove_shuffle(deck, out, perm, r_out, joint, proof_context(header[2:34], 0), rng)
    return header + bytes([len(out)]) + b"".join(ct.encode() for ct in out) + proof.encode()


def _cases() -> list[Case]:
    t = CaseTable(OPS)
    secrets = [seed_of(f"dealing/vectors/secret/{i}") for i in range(3)]
    keys: list[str] = []
    proofs: list[str] = []
    for seat, secret in enumerate(secrets):
        inp = {
            "secret_seed": secret,
            "seed": seed_of(f"dealing/vectors/key-nonce/{seat}"),
            "hand_id": HAND_ID,
            "seat": seat,
        }
        t.valid("key_proof", inp, f"key share of seat {seat}", ["DEAL-10", "DEAL-7"])
        out = op_key_proof(inp)
        keys.append(str(out["key"]))
        proofs.append(str(out["proof"]))
    base = {"key": keys[0], "proof": proofs[0], "hand_id": HAND_ID, "seat": 0}
    t.valid("verify_key", base, "seat 0's key proof", ["DEAL-10"])
    t.invalid(
        "verify_key",
        {**base, "seat": 1},
        "the proof replayed for seat 1",
        ["DEAL-7", "DEAL-10"],
        ["context"],
    )
    t.invalid(
        "verify_key",
        {**base, "hand_id": seed_of("another hand")},
        "the proof replayed in another hand",
        ["DEAL-7", "DEAL-10"],
        ["replay"],
    )
    t.invalid(
        "verify_key",
        {**base, "key": keys[1]},
        "seat 0's proof under seat 1's key",
        ["DEAL-10"],
        ["forged"],
    )
    t.invalid(
        "verify_key",
        {**base, "proof": _flip_last(proofs[0])},
        "s changed by one bit",
        ["DEAL-10"],
        ["tampered"],
    )
    t.valid(
        "joint_key",
        {"keys": keys},
        "the joint key of three seats and its opening deck",
        ["DEAL-11", "DEAL-15"],
    )
    joint = op_joint_key({"keys": keys})
    joint_hex, deck0 = str(joint["joint"]), str(joint["deck"])
    shuffle_in = {
        "joint": joint_hex,
        "deck": deck0,
        "hand_id": HAND_ID,
        "seat": 0,
        "seed": seed_of("dealing/vectors/shuffle/0"),
    }
    t.valid(
        "shuffle", shuffle_in, "seat 0 shuffles the opening deck", ["DEAL-21", "DEAL-23", "DEAL-24"]
    )
    out = op_shuffle(shuffle_in)
    deck1 = bytes.fromhex(str(out["deck"]))
    header = bytes([1, 2]) + bytes.fromhex(HAND_ID) + bytes([0])
    message = header + bytes([52]) + deck1 + bytes.fromhex(str(out["proof"]))
    good = {"joint": joint_hex, "deck": deck0, "message": message.hex()}
    t.valid("verify_shuffle", good, "seat 0's shuffle message", ["DEAL-22", "DEAL-42"])
    parsed = decode_message(message)
    assert isinstance(parsed, ShuffleMessage)
    dup = replace(parsed, deck=(parsed.deck[0], parsed.deck[0], *parsed.deck[2:])).encode()
    swapped = replace(parsed, deck=(parsed.deck[1], parsed.deck[0], *parsed.deck[2:])).encode()
    as_seat1 = replace(parsed, sender=1).encode()
    s_prime = parsed.proof.s_prime
    bad_resp = replace(
        parsed, proof=replace(parsed.proof, s_prime=(s_prime[1], s_prime[0], *s_prime[2:]))
    ).encode()
    for comment, raw, covers, flag in [
        (
            "position 1 replaced by a copy of position 0 (a duplicated card)",
            dup,
            ["DEAL-22"],
            "forged",
        ),
        ("two output ciphertexts swapped after proving", swapped, ["DEAL-22"], "tampered"),
        ("the message claimed by seat 1 (context)", as_seat1, ["DEAL-7", "DEAL-22"], "context"),
        ("two responses s'_0, s'_1 swapped", bad_resp, ["DEAL-22", "DEAL-24"], "tampered"),
        (
            "last byte of the proof changed",
            message[:-1] + bytes([message[-1] ^ 1]),
            ["DEAL-22"],
            "tampered",
        ),
    ]:
        t.invalid("verify_shuffle", {**good, "message": raw.hex()}, comment, covers, [flag])
    t.invalid(
        "verify_shuffle",
        {**good, "deck": deck1.hex()},
        "checked against the wrong input deck",
        ["DEAL-22", "DEAL-47"],
        ["context"],
    )
    high = message[: len(message) - 32] + bytes.fromhex("ff" * 32)
    t.invalid(
        "verify_shuffle",
        {**good, "message": high.hex()},
        "s'_51 not below n",
        ["DEAL-24", "DEAL-2"],
        ["non_canonical"],
    )
    for cheat, comment in [
        ("duplicate", "proved by its author for a deck with card pi(0) twice (pi committed)"),
        ("wrong_key", "proved by its author for a deck re-encrypted under Y + G, not Y"),
    ]:
        raw = _cheating_shuffle(header, deck0, joint_hex, cheat)
        t.invalid(
            "verify_shuffle", {**good, "message": raw.hex()}, comment, ["DEAL-22"], ["forged"]
        )
    shares_in = {
        "secret_seed": secrets[1],
        "seed": seed_of("dealing/vectors/share-nonce/1"),
        "hand_id": HAND_ID,
        "seat": 1,
        "deck": deck1.hex(),
        "positions": [6, 7, 8],
    }
    t.valid(
        "shares",
        shares_in,
        "seat 1's flop shares (3 seats: positions 6, 7, 8)",
        ["DEAL-30", "DEAL-31", "DEAL-43"],
    )
    shares_msg = bytes.fromhex(str(op_shares(shares_in)["message"]))
    check = {"key": keys[1], "deck": deck1.hex(), "message": shares_msg.hex()}
    t.valid("verify_shares", check, "seat 1's flop shares", ["DEAL-31"])
    sm = decode_message(shares_msg)
    assert isinstance(sm, SharesMessage)
    wrong = add(sm.shares[2], G)
    assert wrong is not None
    one_wrong = replace(sm, shares=(*sm.shares[:2], wrong)).encode()
    t.invalid(
        "verify_shares",
        {**check, "message": one_wrong.hex()},
        "the third share plus G (one wrong share of three)",
        ["DEAL-31", "DEAL-30"],
        ["forged"],
    )
    t.invalid(
        "verify_shares",
        {**check, "key": keys[2]},
        "checked under seat 2's key",
        ["DEAL-31"],
        ["context"],
    )
    other_pos = replace(sm, positions=(6, 7, 9)).encode()
    t.invalid(
        "verify_shares",
        {**check, "message": other_pos.hex()},
        "the shares relabelled as positions 6, 7, 9",
        ["DEAL-31"],
        ["tampered"],
    )
    all_shares = []
    for secret in secrets:
        d = mul(parsed.deck[6].a, Randomness(bytes.fromhex(secret)).scalar())
        assert d is not None
        all_shares.append(encode_point(d).hex())
    opening = {"deck": deck1.hex(), "position": 6, "shares": all_shares}
    t.valid(
        "open_card",
        opening,
        "position 6 after seat 0's shuffle, with all 3 shares",
        ["DEAL-16", "DEAL-14"],
    )
    t.invalid(
        "open_card",
        {**opening, "shares": all_shares[:2]},
        "only 2 of 3 shares: the point is no card",
        ["DEAL-14", "DEAL-16"],
        ["forged"],
    )
    t.valid(
        "settle_void",
        {"committed": [1, 2, 0, 0], "faulty": [1]},
        "big blind stalls: its 2 chips split between 3 others, 2 to seats 2 and 3",
        ["DEAL-55"],
    )
    t.valid(
        "settle_void",
        {"committed": [10, 20, 30], "faulty": [0, 2]},
        "two faulty seats forfeit 40 to the one other",
        ["DEAL-55"],
    )
    t.valid(
        "settle_void",
        {"committed": [5, 5, 5, 5, 5, 5], "faulty": [3]},
        "5 chips among 5 seats",
        ["DEAL-55"],
        ["boundary"],
    )
    t.valid(
        "settle_void",
        {"committed": [3, 1, 7], "faulty": [2]},
        "7 chips to 2 seats: 4 to seat 0 (left of seat 2), 3 to seat 1",
        ["DEAL-55"],
    )
    seed = seed_of("dealing/vectors/deal")
    for cheat, seat, comment, covers, flag in [
        (
            "none",
            0,
            "an honest 3-seat hand: hole cards and the whole board open",
            ["DEAL-46", "DEAL-47", "DEAL-49"],
            "normal",
        ),
        (
            "silent_shuffle",
            1,
            "seat 1 never shuffles: named for a timeout, table continues",
            ["DEAL-50", "DEAL-56"],
            "timing",
        ),
        (
            "bad_shuffle",
            2,
            "seat 2's proof is off by one bit: named, table closes",
            ["DEAL-22", "DEAL-56", "DEAL-45"],
            "forged",
        ),
        (
            "duplicate_card",
            1,
            "seat 1 duplicates a card: its proof fails, named",
            ["DEAL-22", "DEAL-55"],
            "forged",
        ),
        (
            "bad_share",
            0,
            "seat 0 sends a wrong flop share: named by every seat",
            ["DEAL-31", "DEAL-49"],
            "forged",
        ),
        ("equivocate", 1, "seat 1 sends two different key messages", ["DEAL-45"], "duplicate"),
        (
            "replay",
            2,
            "another hand's key message and a copy of its own: refused, no blame",
            ["DEAL-45", "DEAL-7"],
            "replay",
        ),
        (
            "stall_hole",
            1,
            "seat 1 sends no hole shares, ignores the complaints: every node names it",
            ["DEAL-51", "DEAL-50"],
            "timing",
        ),
        (
            "bad_hole",
            2,
            "seat 2 sends seat 0 a wrong hole share: seat 0 forwards it, every node names 2",
            ["DEAL-31", "DEAL-51"],
            "forged",
        ),
        (
            "late_hole",
            2,
            "seat 2 sends no hole shares, then answers the complaints publicly",
            ["DEAL-51", "DEAL-48"],
            "timing",
        ),
        (
            "showdown",
            1,
            "seat 1 folds (and later tries to show: refused); 0 and 2 show",
            ["DEAL-52", "DEAL-48"],
            "normal",
        ),
        (
            "no_show",
            1,
            "seat 1 does not show at showdown: mucked, the hand finishes",
            ["DEAL-52", "DEAL-56"],
            "timing",
        ),
    ]:
        t.valid(
            "deal_hand",
            {"seats": 3, "seed": seed, "cheat": cheat, "seat": seat},
            comment,
            covers,
            [flag],
        )
    return t.cases


#: The ``dealing/protocol`` suite.
SUITE = Suite(
    name="dealing/protocol",
    description="Key proofs, the joint key and opening deck, Terelius-Wikstrom shuffle "
    "proofs, batched Chaum-Pedersen decryption shares, the void payout, and whole 3-seat "
    "hands with one cheating or stalling seat. Seeds are SHA-256 of the labels in "
    "testvectors/dealing/protocol.py, and appear in the inputs.",
    notes=FLAGS,
    reason_flags=REASON_FLAGS,
    operations=OPS,
    build_cases=_cases,
    shared={
        "shuffle": ("joint", "deck"),
        "verify_shuffle": ("joint", "deck"),
        "verify_shares": ("deck",),
    },
)
