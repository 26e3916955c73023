"""The ``sync/wire`` vector suite (spec/01-sync.md): node-protocol messages, valid and
malformed (``[SYNC-20]`` .. ``[SYNC-25]``), HELLO checks and the AUTH challenge signature.
"""

from __future__ import annotations

from chipstack.crypto import PrivateKey
from chipstack.encoding import Writer, from_hex
from chipstack.errors import Reason, Rejected
from chipstack.sync.item import decode_item
from chipstack.sync.node import check_hello, sign_challenge, verify_challenge
from chipstack.sync.params import MAX_PAYLOAD
from chipstack.sync.wire import (
    Addr,
    Auth,
    Bye,
    Graft,
    Have,
    Hello,
    Items,
    Message,
    MsgType,
    Prune,
    Recon,
    ReconReply,
    Want,
    decode_message,
    encode_message,
)
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.testvectors.sync import pins
from chipstack.testvectors.sync.common import (
    label_key,
    mk_item,
    raw_item,
)
from chipstack.vectors.inputs import fixed_hex_field
from chipstack.vectors.model import Case, JSONObject, Operation, Suite, make_case


def _message_json(msg: Message) -> JSONObject:
    if isinstance(msg, Hello):
        return {"type": "HELLO", "version": msg.version, "network_id": msg.network_id.hex(),
                "node_key": msg.node_key.hex(), "challenge": msg.challenge.hex()}
    if isinstance(msg, Auth):
        return {"type": "AUTH", "signature": msg.signature.hex()}
    if isinstance(msg, Items):
        return {"type": "ITEMS", "items": [i.encoding.hex() for i in msg.items]}
    if isinstance(msg, Have | Want):
        return {"type": "HAVE" if isinstance(msg, Have) else "WANT",
                "ids": [i.hex() for i in msg.ids]}
    if isinstance(msg, Recon | ReconReply):
        return {"type": "RECON" if isinstance(msg, Recon) else "RECON_REPLY",
                "session": msg.session, "frame": msg.frame.hex()}
    if isinstance(msg, Prune | Graft):
        return {"type": "PRUNE" if isinstance(msg, Prune) else "GRAFT", "author": msg.author.hex()}
    if isinstance(msg, Addr):
        return {"type": "ADDR", "addresses": [[h, p] for h, p in msg.addresses]}
    return {"type": "BYE", "reason": msg.reason}


def _message_from_json(m: JSONObject) -> Message:
    kind = m["type"]
    if kind == "HELLO":
        return Hello(int(m["version"]), from_hex(m["network_id"]), from_hex(m["node_key"]),
                     from_hex(m["challenge"]))
    if kind == "AUTH":
        return Auth(from_hex(m["signature"]))
    if kind == "ITEMS":
        return Items(tuple(decode_item(from_hex(e)) for e in m["items"]))
    if kind in ("HAVE", "WANT"):
        ids = tuple(from_hex(i) for i in m["ids"])
        return Have(ids) if kind == "HAVE" else Want(ids)
    if kind in ("RECON", "RECON_REPLY"):
        cls = Recon if kind == "RECON" else ReconReply
        return cls(int(m["session"]), from_hex(m["frame"]))
    if kind == "BYE":
        return Bye(str(m["reason"]))
    if kind in ("PRUNE", "GRAFT"):
        return (Prune if kind == "PRUNE" else Graft)(from_hex(m["author"]))
    if kind == "ADDR":
        return Addr(tuple((str(h), int(p)) for h, p in m["addresses"]))
    raise Rejected(Reason.VECTORS_BAD_INPUT, f"unknown message type {kind!r}")


def op_message_encode(case_input: JSONObject) -> JSONObject:
    """Encode a message given as JSON fields."""
    return {"encoded": encode_message(_message_from_json(case_input["message"])).hex()}


def op_message_decode(case_input: JSONObject) -> JSONObject:
    """Decode a message strictly and return it as JSON fields."""
    return {"message": _message_json(decode_message(from_hex(case_input["encoded"])))}


def op_hello_check(case_input: JSONObject) -> JSONObject:
    """Decode a HELLO and check it against our network id and node key."""
    network_id = fixed_hex_field(case_input, "network_id")  # [VEC-9]
    own_key = fixed_hex_field(case_input, "own_key")
    msg = decode_message(from_hex(case_input["encoded"]))
    if not isinstance(msg, Hello):
        raise Rejected(Reason.SYNC_UNEXPECTED_MESSAGE, "not a HELLO")
    check_hello(msg, network_id, own_key)
    return {"node_key": msg.node_key.hex(), "challenge": msg.challenge.hex()}


def op_auth_sign(case_input: JSONObject) -> JSONObject:
    """Sign a peer's challenge with the key of ``seed``: the AUTH signature."""
    network_id, challenge = fixed_hex_field(case_input, "network_id"), fixed_hex_field(
        case_input, "challenge"
    )  # [VEC-9]
    key = PrivateKey(from_hex(case_input["seed"]))
    sig = sign_challenge(key, network_id, challenge)
    return {"node_key": key.public_key.hex(), "signature": sig.hex()}



def op_auth_verify(case_input: JSONObject) -> JSONObject:
    """Verify an AUTH signature over our challenge."""
    network_id, challenge = fixed_hex_field(case_input, "network_id"), fixed_hex_field(
        case_input, "challenge"
    )  # [VEC-9]
    verify_challenge(from_hex(case_input["node_key"]), network_id, challenge,
                     from_hex(case_input["signature"]))
    return {}


WIRE_OPS: dict[str, Operation] = {
    "message_encode": op_message_encode,
    "message_decode": op_message_decode,
    "hello_check": op_hello_check,
    "auth_sign": op_auth_sign,
    "auth_verify": op_auth_verify,
}


def _wire_cases() -> list[Case]:
    ops = WIRE_OPS
    cases: list[Case] = []
    add = cases.append
    net = bytes(32)
    k1, k2 = label_key(1), label_key(2)
    hello: JSONObject = {"type": "HELLO", "version": 1, "network_id": net.hex(),
                         "node_key": k1.public_key.hex(), "challenge": bytes(range(32)).hex()}
    item = mk_item(1, b"wire")
    msgs: list[tuple[JSONObject, str]] = [
        (hello, "HELLO"),
        ({"type": "AUTH", "signature": bytes(64).hex()}, "AUTH (encoding only)"),
        ({"type": "ITEMS", "items": [item.encoding.hex()]}, "ITEMS with one item"),
        ({"type": "ITEMS", "items": []}, "ITEMS, empty"),
        ({"type": "HAVE", "ids": [item.id.hex(), bytes(32).hex()]}, "HAVE with two ids"),
        ({"type": "WANT", "ids": [item.id.hex()]}, "WANT with one id"),
        ({"type": "RECON", "session": 7, "frame": "6100"}, "RECON"),
        ({"type": "RECON_REPLY", "session": 0xFFFFFFFF, "frame": ""},
         "RECON_REPLY, largest session"),
        ({"type": "BYE", "reason": "sync.timeout"}, "BYE"),
        ({"type": "PRUNE", "author": k1.public_key.hex()}, "PRUNE"),
        ({"type": "GRAFT", "author": k2.public_key.hex()}, "GRAFT"),
    ]
    for m, comment in msgs:
        add(make_case(ops, "message_encode", {"message": m}, comment, ("SYNC-20",), expect="valid"))
        encoded = op_message_encode({"message": m})["encoded"]
        add(make_case(ops, "message_decode", {"encoded": encoded}, comment, ("SYNC-20", "SYNC-21"),
                      expect="valid"))
    hello_enc = from_hex(op_message_encode({"message": hello})["encoded"])
    have_enc = from_hex(op_message_encode({"message": msgs[4][0]})["encoded"])
    items_enc = from_hex(op_message_encode({"message": msgs[2][0]})["encoded"])
    bad_item = raw_item({"payload": bytes(MAX_PAYLOAD + 1)})
    malformed: list[tuple[bytes, str, tuple[str, ...]]] = [
        (b"", "empty message", ("SYNC-21",)),
        (b"\x00", "type 0x00", ("SYNC-20",)),
        (b"\x0b", "type 0x0b", ("SYNC-20",)),
        (b"\x09" + bytes(31), "PRUNE with a 31-byte author", ("SYNC-21",)),
        (b"\xff" + bytes(10), "type 0xff", ("SYNC-20",)),
        (hello_enc[:-1], "truncated HELLO", ("SYNC-21",)),
        (hello_enc + b"\x00", "HELLO with a trailing byte", ("SYNC-21",)),
        (have_enc[:-5], "HAVE with a truncated id", ("SYNC-21",)),
        (bytes([MsgType.HAVE]) + b"\xfd\x01\x10" + bytes(32 * 4097),
         "HAVE with 4097 ids", ("SYNC-22",)),
        (bytes([MsgType.HAVE, 0xFD, 0x02, 0x00]) + bytes(64), "HAVE count not minimal",
         ("SYNC-21",)),
        (bytes([MsgType.ITEMS]) + b"\xfd\x01\x01" + b"\x00" * 257, "ITEMS with 257 entries",
         ("SYNC-22",)),
        (items_enc[:2] + b"\x00" + items_enc[3:], "ITEMS entry length wrong", ("SYNC-21",)),
        (bytes([MsgType.ITEMS, 1]) + Writer().var_bytes(bad_item).getvalue(),
         "ITEMS with an oversize payload", ("SYNC-4", "SYNC-21")),
        (bytes([MsgType.RECON]) + (1).to_bytes(4, "little") + b"\xfe\x01\x00\x10\x00",
         "RECON frame over 1 MiB", ("SYNC-22",)),
        (bytes([MsgType.BYE]) + Writer().var_bytes(b"x" * 65).getvalue(),
         "BYE reason over 64 bytes",
         ("SYNC-22",)),
        (bytes([MsgType.BYE]) + Writer().var_bytes(b"\xc3").getvalue(), "BYE reason not UTF-8",
         ("SYNC-21",)),
    ]
    for data, comment, covers in malformed:
        add(make_case(ops, "message_decode", {"encoded": data.hex()}, comment, covers,
                      expect="invalid"))
    own = k2.public_key.hex()
    add(make_case(ops, "hello_check", {"encoded": hello_enc.hex(), "network_id": net.hex(),
                                       "own_key": own}, "matching HELLO", ("SYNC-23", "SYNC-24"),
                  expect="valid"))
    add(make_case(ops, "hello_check", {"encoded": hello_enc.hex(), "network_id": "01" * 32,
                                       "own_key": own}, "another network", ("SYNC-24",),
                  expect="invalid"))
    v2 = hello_enc[:1] + b"\x02" + hello_enc[2:]
    add(make_case(ops, "hello_check", {"encoded": v2.hex(), "network_id": net.hex(),
                                       "own_key": own}, "protocol version 2", ("SYNC-24",),
                  expect="invalid"))
    add(make_case(ops, "hello_check", {"encoded": hello_enc.hex(), "network_id": net.hex(),
                                       "own_key": k1.public_key.hex()}, "HELLO from ourselves",
                  ("SYNC-24",), expect="invalid"))
    add(make_case(ops, "hello_check", {"encoded": have_enc.hex(), "network_id": net.hex(),
                                       "own_key": own}, "first message is not HELLO",
                  ("SYNC-23", "SYNC-26"), expect="invalid"))
    challenge = bytes(range(32, 64))
    add(make_case(ops, "auth_sign", {"seed": k1.seed.hex(), "network_id": net.hex(),
                                     "challenge": challenge.hex()}, "AUTH signature",
                  ("SYNC-25",), expect="valid"))
    sig = sign_challenge(k1, net, challenge)
    good_auth: JSONObject = {"node_key": k1.public_key.hex(), "network_id": net.hex(),
                             "challenge": challenge.hex(), "signature": sig.hex()}
    add(make_case(ops, "auth_verify", good_auth, "AUTH verifies", ("SYNC-25",), expect="valid"))
    add(make_case(ops, "auth_verify", {**good_auth, "challenge": bytes(32).hex()},
                  "AUTH over another challenge (replay)", ("SYNC-25",), expect="invalid"))
    add(make_case(ops, "auth_verify", {**good_auth, "network_id": "01" * 32},
                  "AUTH made for another network", ("SYNC-25",), expect="invalid"))
    add(make_case(ops, "auth_verify", {**good_auth, "node_key": own},
                  "AUTH claimed by another key", ("SYNC-25",), expect="invalid"))
    return cases


#: The ``sync/wire`` suite.
SUITE = Suite(
    name="sync/wire",
    description="Node-protocol messages (valid and malformed), HELLO checks and the AUTH "
    "challenge signature.",
    notes=FLAGS,
    reason_flags=REASON_FLAGS,
    operations=WIRE_OPS,
    build_cases=lambda: _wire_cases() + pins.wire_pins(WIRE_OPS),
)
