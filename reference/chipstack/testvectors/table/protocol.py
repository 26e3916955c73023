"""The ``table/protocol`` vector suite (spec/08-table.md section 8).

Hand ids, replayable dealing streams, table messages, the ``deal`` event that carries a
dealing message, the showdown split, the settlement after a hand, and whole tables run
in one process (:func:`chipstack.table.local.run_local`) with a silent or cheating seat.
"""

from __future__ import annotations

from chipstack.cashier.settlement import Settlement
from chipstack.chain.tx import OutPoint
from chipstack.crypto import PrivateKey, Tag, sha256, tagged_hash
from chipstack.dealing.messages import to_event_argument
from chipstack.dealing.randomness import Randomness
from chipstack.encoding import decode_exact, from_hex
from chipstack.errors import Reason, Rejected
from chipstack.fsm.event import Arg, Event, decode_event, sign_event
from chipstack.fsm.expr import BYTES, ListType
from chipstack.sync.item import decode_item, make_item
from chipstack.table.config import CHEAT_KINDS, TableConfig
from chipstack.table.local import run_local
from chipstack.table.messages import (
    HandEvent,
    Message,
    Open,
    Sign,
    decode_message,
    encode_message,
    kind_of,
)
from chipstack.table.node import check_item
from chipstack.table.round import deal_event, hand_id, open_deal_event, showdown_payouts
from chipstack.table.round import stream_seed as table_stream_seed
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.vectors.inputs import as_int, fixed_hex_field, hex_field, int_field
from chipstack.vectors.model import Case, CaseTable, JSONObject, Operation, Suite


def _ints(case_input: JSONObject, key: str) -> list[int]:
    value = case_input[key]
    if not isinstance(value, list):
        raise Rejected(Reason.VECTORS_BAD_INPUT, f"{key} must be a list")
    return [as_int(v, key) for v in value]


def _key(case_input: JSONObject) -> PrivateKey:
    label = case_input["key"]
    if not isinstance(label, str):
        raise Rejected(Reason.VECTORS_BAD_INPUT, "key must be a label")
    return PrivateKey.from_label(label)


def _config(case_input: JSONObject) -> TableConfig:
    label = case_input["label"]
    if not isinstance(label, str):
        raise Rejected(Reason.VECTORS_BAD_INPUT, "label must be a string")
    return TableConfig(seats=int_field(case_input, "seats"), label=label,
                       seed=hex_field(case_input, "seed"))


def op_check_item(case_input: JSONObject) -> JSONObject:
    """Whose item this is at the table, after the checks of [TABLE-2]."""
    seat = check_item(decode_item(hex_field(case_input, "item")), _config(case_input))
    return {"author": "house" if seat is None else f"seat {seat}"}


def op_hand_id(case_input: JSONObject) -> JSONObject:
    """The id of hand ``number`` of table ``table_id`` ([TABLE-4])."""
    return {"hand_id": hand_id(fixed_hex_field(case_input, "table_id"),
                               int_field(case_input, "number")).hex()}


def op_stream(case_input: JSONObject) -> JSONObject:
    """A seat's replayable dealing stream of a hand: its seed, key share and proof seed."""
    stream = table_stream_seed(_key(case_input), fixed_hex_field(case_input, "table_id"),
                               int_field(case_input, "seat"), int_field(case_input, "number"))
    return {
        "stream": stream.hex(),
        "secret": Randomness(stream).scalar().to_bytes(32, "big").hex(),
        "proof_seed": tagged_hash(Tag.TABLE_STREAM, stream).hex(),
    }


def op_decode_message(case_input: JSONObject) -> JSONObject:
    """The kind of a table message, and the hand it concerns (0 for none) ([TABLE-3])."""
    message = decode_message(hex_field(case_input, "payload"))
    hand = message.hand if isinstance(message, (HandEvent, Sign)) else 0
    return {"kind": kind_of(message).name.lower(), "hand": hand}


def op_deal_event(case_input: JSONObject) -> JSONObject:
    """The signed ``deal`` event that carries ``message`` in a hand ([TABLE-6])."""
    ev = deal_event(fixed_hex_field(case_input, "instance_id"),
                    fixed_hex_field(case_input, "hand_id"), hex_field(case_input, "message"),
                    _key(case_input))
    return {"event": ev.encode().hex(), "id": ev.id.hex()}


def op_open_deal_event(case_input: JSONObject) -> JSONObject:
    """The dealing message an encoded ``deal`` event carries, or why it is refused."""
    ev = decode_event(hex_field(case_input, "event"))
    raw = open_deal_event(ev, fixed_hex_field(case_input, "instance_id"),
                          fixed_hex_field(case_input, "hand_id"))
    return {"message": raw.hex()}


def op_showdown(case_input: JSONObject) -> JSONObject:
    """What each seat wins when a hand completes ([TABLE-11])."""
    folded = case_input["folded"]
    holes = case_input["holes"]
    if not isinstance(folded, list) or not isinstance(holes, list):
        raise Rejected(Reason.VECTORS_BAD_INPUT, "folded and holes are lists")
    cards: list[tuple[int, int] | None] = []
    for h in holes:
        if not isinstance(h, list) or len(h) not in (0, 2):
            raise Rejected(Reason.VECTORS_BAD_INPUT, "a hole is two cards or none")
        cards.append((as_int(h[0], "card"), as_int(h[1], "card")) if h else None)
    payouts = showdown_payouts(_ints(case_input, "contrib"), [f is True for f in folded], cards,
                               _ints(case_input, "board"), int_field(case_input, "button"))
    return {"payouts": payouts}


def op_settlement(case_input: JSONObject) -> JSONObject:
    """The settlement body every seat signs after hand ``number`` ([TABLE-9])."""
    seats = case_input["seats"]
    deposits = case_input["deposits"]
    if not isinstance(seats, list) or not isinstance(deposits, list):
        raise Rejected(Reason.VECTORS_BAD_INPUT, "seats and deposits are lists")
    number = int_field(case_input, "number")
    s = Settlement(
        fixed_hex_field(case_input, "table_id"), number,
        int_field(case_input, "created") + number,
        tuple(from_hex(k) for k in seats if isinstance(k, str)),
        tuple(_ints(case_input, "balances")),
        tuple(sorted(decode_exact(from_hex(d), OutPoint.read) for d in deposits
                     if isinstance(d, str))),
        fixed_hex_field(case_input, "game_hash"), case_input["closing"] is True,
    )  # fmt: skip
    return {"body": s.body().hex()}


def op_play_table(case_input: JSONObject) -> JSONObject:
    """A whole table run in one process; the hands as agreed, the payout and conservation."""
    def seat(key: str) -> int | None:
        value = case_input.get(key)
        return None if value is None else as_int(value, key)

    kind = case_input["cheat_kind"]
    if kind not in CHEAT_KINDS:
        raise Rejected(Reason.VECTORS_BAD_INPUT, f"unknown cheat {kind!r}")
    label = case_input["label"]
    assert isinstance(label, str)
    config = TableConfig(
        seats=int_field(case_input, "seats"), hands=int_field(case_input, "hands"),
        label=label, seed=hex_field(case_input, "seed"), silent=seat("silent"),
        cheat=seat("cheat"), cheat_kind=str(kind), fault_hand=int_field(case_input, "fault_hand"),
    )  # fmt: skip
    again = case_input["restart"]
    restart = None
    if again is not None:
        if not isinstance(again, list) or len(again) != 2:
            raise Rejected(Reason.VECTORS_BAD_INPUT, "restart is [seat, deliveries] or null")
        restart = (as_int(again[0], "restart"), as_int(again[1], "restart"))
    r = run_local(config, restart=restart)
    return {
        "hands": [
            {"number": h.number, "hand_id": h.hand_id, "outcome": h.outcome,
             "winners": list(h.winners), "net": h.net, "faults": list(h.faults),
             "board": list(h.board)}
            for h in r.hands
        ],
        "redeemed": r.redeemed,
        "closed": r.closed,
        "conserved": r.conserved,
    }


OPS: dict[str, Operation] = {
    "check_item": op_check_item,
    "hand_id": op_hand_id,
    "stream": op_stream,
    "decode_message": op_decode_message,
    "deal_event": op_deal_event,
    "open_deal_event": op_open_deal_event,
    "showdown": op_showdown,
    "settlement": op_settlement,
    "play_table": op_play_table,
}

_TABLE = sha256(b"chipstack/table/vectors/table").hex()
_HAND = hand_id(bytes.fromhex(_TABLE), 1).hex()
_INSTANCE = sha256(b"chipstack/table/vectors/instance").hex()
_SEED = sha256(b"chipstack/table/vectors/seed").hex()
_KEY = "chipstack/table/vectors/seat"


def _forged_deal(**change: object) -> str:
    """A deal event of the vector hand with one field changed, signed by the vector key."""
    fields: dict[str, object] = {
        "instance_id": bytes.fromhex(_INSTANCE), "seq": 0, "prev_hash": bytes.fromhex(_HAND),
        "name": "deal", "args": (Arg("msg", ListType(BYTES), to_event_argument(b"\x01" * 10)),),
        "time": 0,
    }  # fmt: skip
    fields.update(change)
    key = PrivateKey.from_label(_KEY)
    ev = Event(fields["instance_id"], fields["seq"], fields["prev_hash"], fields["name"],  # type: ignore[arg-type]
               fields["args"], key.public_key.raw, fields["time"])  # type: ignore[arg-type]
    return sign_event(ev, key).encode().hex()


def _cases() -> list[Case]:
    t = CaseTable(OPS)
    for number in (1, 2, 1000):
        t.valid("hand_id", {"table_id": _TABLE, "number": number}, f"hand {number}", ["TABLE-4"])
    t.valid("hand_id", {"table_id": "00" * 32, "number": 1}, "the all-zero table id",
            ["TABLE-4"], ["boundary"])
    for seat, number in ((0, 1), (1, 1), (0, 2)):
        t.valid("stream", {"key": f"{_KEY}/{seat}", "table_id": _TABLE, "seat": seat,
                           "number": number}, f"seat {seat}, hand {number}", ["TABLE-5"])
    op = OutPoint(bytes(range(32)), 1)
    payloads: list[tuple[str, Message]] = [
        ("open", Open(b"params", bytes(32), 1_767_225_600, ((op, 5000),))),
        ("event", HandEvent(3, b"event")),
        ("sign", Sign(2, b"body", bytes(64))),
    ]
    for name, message in payloads:
        t.valid("decode_message", {"payload": encode_message(message).hex()}, f"a {name} message",
                ["TABLE-3"])
    event = encode_message(HandEvent(3, b"event")).hex()
    t.invalid("decode_message", {"payload": "02" + event[2:]}, "version 2", ["TABLE-3"])
    t.invalid("decode_message", {"payload": "0107"}, "kind 7", ["TABLE-3"], ["malformed"])
    t.invalid("decode_message", {"payload": event + "00"}, "a byte after the body", ["TABLE-3"])
    t.invalid("decode_message", {"payload": event[:-2]}, "a body cut short", ["TABLE-3"])
    short = (b"\x01" * 10).hex()
    t.valid("deal_event", {"instance_id": _INSTANCE, "hand_id": _HAND, "message": short,
                           "key": _KEY}, "a short message in one chunk", ["TABLE-6", "DEAL-57"])
    t.valid("deal_event", {"instance_id": _INSTANCE, "hand_id": _HAND, "message": "ab" * 5000,
                           "key": _KEY}, "5000 bytes: two chunks", ["TABLE-6", "DEAL-57"])
    base = {"instance_id": _INSTANCE, "hand_id": _HAND}
    t.valid("open_deal_event", {**base, "event": _forged_deal()}, "the message back",
            ["TABLE-6"])
    for comment, change in (
        ("seq 1", {"seq": 1}),
        ("previous hash not the hand id", {"prev_hash": bytes(32)}),
        ("time 5", {"time": 5}),
        ("another event name", {"name": "bet"}),
        ("another hand's instance", {"instance_id": bytes(32)}),
    ):
        t.invalid("open_deal_event", {**base, "event": _forged_deal(**change)}, comment,
                  ["TABLE-6"], ["malformed"])
    split = _forged_deal(args=(Arg("msg", ListType(BYTES), (b"\x01" * 5, b"\x01" * 5)),))
    t.invalid("open_deal_event", {**base, "event": split}, "a message split in two short chunks",
              ["TABLE-6", "DEAL-57"], ["non_canonical"])
    t.valid("showdown", {"contrib": [100, 100, 50], "folded": [False, False, True],
                         "holes": [[48, 49], [0, 5], []], "board": [12, 17, 22, 30, 35],
                         "button": 0}, "aces beat a low hand; the folder's chips go in the pot",
            ["TABLE-11"])
    t.valid("showdown", {"contrib": [10, 20, 5], "folded": [True, False, True],
                         "holes": [[], [], []], "board": [], "button": 1},
            "one seat left takes every pot, unseen", ["TABLE-11"])
    t.valid("showdown", {"contrib": [300, 100, 300], "folded": [False, False, False],
                         "holes": [[0, 5], [48, 49], [50, 51]], "board": [12, 17, 22, 30, 35],
                         "button": 2}, "a short all-in: main pot and side pot",
            ["TABLE-11"], ["side_pots"])
    t.invalid("showdown", {"contrib": [100, 100], "folded": [False, False],
                           "holes": [[48, 49], []], "board": [12, 17, 22, 30, 35], "button": 0},
              "a live seat whose cards are not open", ["TABLE-11"], ["bad_deal"])
    keys = [PrivateKey.from_label(f"{_KEY}/{i}").public_key.raw.hex() for i in range(3)]
    deposits = [OutPoint(bytes([i]) * 32, i).encode().hex() for i in (2, 1, 0)]
    t.valid("settlement", {"table_id": _TABLE, "number": 4, "created": 1_767_225_600,
                           "seats": keys, "balances": [990, 1500, 510], "deposits": deposits,
                           "game_hash": sha256(b"state").hex(), "closing": False},
            "after hand 4: seq 4, time created + 4, deposits sorted", ["TABLE-9"])
    t.valid("settlement", {"table_id": _TABLE, "number": 5, "created": 1_767_225_600,
                           "seats": keys, "balances": [0, 2000, 1000], "deposits": deposits,
                           "game_hash": sha256(b"state").hex(), "closing": True},
            "the closing settlement after the last hand", ["TABLE-9", "TABLE-13"])
    run = {"seats": 3, "hands": 2, "seed": _SEED, "cheat_kind": "bad_shuffle", "fault_hand": 1,
           "silent": None, "cheat": None, "restart": None}
    table = {"seats": 3, "label": "v-items", "seed": _SEED}
    config = TableConfig(seats=3, label="v-items", seed=bytes.fromhex(_SEED))
    payload = encode_message(HandEvent(1, b"event"))
    seat2 = config.player_key(2)
    stranger = PrivateKey.from_label(_KEY)

    def item(key: PrivateKey, tag: str = config.tag) -> bytes:
        return make_item(key, (tag, "event"), payload, 1_000_000).encoding

    t.valid("check_item", {**table, "item": item(seat2).hex()}, "seat 2's item", ["TABLE-2"])
    t.valid("check_item", {**table, "item": item(config.house_key()).hex()}, "the house's item",
            ["TABLE-2"])
    t.invalid("check_item", {**table, "item": item(seat2, "t/0000000000000000").hex()},
              "another table's tag", ["TABLE-2"], ["context"])
    t.invalid("check_item", {**table, "item": item(stranger).hex()}, "a key not at the table",
              ["TABLE-2"], ["unauthorized"])
    forged = item(seat2)[:-64] + bytes(64)
    t.invalid("check_item", {**table, "item": forged.hex()}, "a zeroed signature",
              ["TABLE-2"], ["bad_signature"])
    t.invalid("check_item", {**table, "item": item(stranger, "t/0000000000000000").hex()},
              "another tag and a stranger: the tag is checked first", ["TABLE-2"],
              ["check_order"])
    t.valid("play_table", {**run, "label": "v-normal"}, "two hands, settled and redeemed",
            ["TABLE-8", "TABLE-10", "TABLE-13"], ["table_run"])
    t.valid("play_table", {**run, "label": "v-silent", "silent": 1},
            "seat 1 stalls at its shuffle: void, it leaves, two seats play on",
            ["TABLE-12", "TABLE-7", "DEAL-56"], ["table_run"])
    t.valid("play_table", {**run, "label": "v-cheat", "cheat": 2},
            "seat 2's shuffle proof fails: named, void, the table closes", ["TABLE-12", "DEAL-56"],
            ["table_run"])
    t.valid("play_table", {**run, "label": "v-normal", "restart": [1, 45]},
            "seat 1 crashes after 45 deliveries and is rebuilt from its store: the same hands",
            ["TABLE-5"], ["table_run"])
    t.valid("play_table", {**run, "label": "v-withhold", "cheat": 0, "cheat_kind": "withhold"},
            "seat 0 withholds its hole shares: complaints, then a public wait, then a timeout",
            ["TABLE-10", "DEAL-51", "TABLE-12"], ["table_run"])
    return t.cases


#: The ``table/protocol`` suite.
SUITE = Suite(
    name="table/protocol",
    description="Hand ids, replayable dealing streams, table messages, the deal event, the "
    "showdown split, the settlement after a hand, and whole 3-seat tables (normal, a silent "
    "seat, a cheating seat) run in one process. Seeds and ids are SHA-256 of the labels in "
    "testvectors/table/protocol.py.",
    notes=FLAGS,
    reason_flags=REASON_FLAGS,
    operations=OPS,
    build_cases=_cases,
)
