"""Engines refuse bad items by reason and change nothing; table messages decode strictly."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.chain.tx import OutPoint
from chipstack.crypto import PrivateKey, Tag, tagged_hash
from chipstack.errors import Reason, Rejected
from chipstack.sync.item import Item, make_item
from chipstack.table.config import TableConfig
from chipstack.table.engine import Engine, house_node, player_node
from chipstack.table.messages import (
    Deposit,
    HandEvent,
    Open,
    Redeemed,
    Sign,
    decode_message,
    encode_message,
)
from chipstack.table.round import hand_id

CONFIG = TableConfig(seats=2, hands=1, label="t-engine")


def _opened() -> tuple[Engine, Item]:
    """Seat 0's engine once the house has opened the table, and the house's open item."""
    house = house_node(CONFIG)
    (opening,) = house.start(0.0)
    seat = player_node(CONFIG, 0)
    assert seat.start(0.0) == []
    (deposit,) = seat.receive(opening, 0.0)
    assert decode_message(deposit.payload).__class__ is Deposit
    return seat, opening


def _item(key: PrivateKey, payload: bytes, tag: str = CONFIG.tag) -> Item:
    return make_item(key, (tag, "event"), payload, 1000)


def test_engines_implement_the_interface() -> None:
    assert isinstance(house_node(CONFIG), Engine)
    assert isinstance(player_node(CONFIG, 1), Engine)


def test_bad_items_are_refused_by_reason_and_change_nothing() -> None:
    seat, opening = _opened()
    before = seat.summary()
    other = TableConfig(seats=2, hands=1, label="another table")
    stranger = PrivateKey.from_label("chipstack/test/stranger")
    seat1 = CONFIG.player_key(1)
    good = encode_message(HandEvent(1, b"\x00"))
    forged = _item(seat1, good)
    forged = Item(forged.timestamp, forged.expiry, forged.tag1, forged.tag2, forged.destination,
                  forged.author, forged.payload, forged.nonce, bytes(64))
    bad = [
        (_item(seat1, good, other.tag), Reason.TABLE_WRONG_TABLE),
        (_item(stranger, good), Reason.TABLE_UNKNOWN_AUTHOR),
        (forged, Reason.CRYPTO_BAD_SIGNATURE),
        (_item(seat1, b"\x01\x63"), Reason.TABLE_BAD_MESSAGE),
        (_item(seat1, b"\x02\x04"), Reason.ENCODING_UNKNOWN_VERSION),
        (_item(seat1, good + b"\x00"), Reason.ENCODING_TRAILING_BYTES),
        (_item(seat1, opening.payload), Reason.TABLE_UNKNOWN_AUTHOR),  # house's kind
    ]
    for item, reason in bad:
        was = seat.summary().refused.get(reason.value, 0)
        assert seat.receive(item, 1.0) == []
        assert seat.summary().refused.get(reason.value) == was + 1, (reason, seat.summary())
    after = seat.summary()
    assert (after.items_sent, after.balances, after.hands) == (
        before.items_sent, before.balances, before.hands)
    # the same item twice is taken once and then ignored
    assert seat.receive(opening, 2.0) == []


def test_a_settlement_signature_of_another_body_is_refused() -> None:
    """[TABLE-9]: nodes compare the signed body with the one they computed."""
    from chipstack.table.player import Agreed, PlayerNode

    seat, _ = _opened()
    assert isinstance(seat, PlayerNode)
    seat.agreed[1] = Agreed(b"the body this node computed", False, {})
    seat1 = CONFIG.player_key(1)
    body = b"another body"
    sig = seat1.sign_tagged(Tag.CASHIER_SETTLEMENT, body)
    assert seat.receive(_item(seat1, encode_message(Sign(1, body, sig))), 1.0) == []
    assert seat.summary().refused == {Reason.TABLE_BAD_SETTLEMENT.value: 1}


def test_hand_id_is_the_tagged_hash_of_table_and_number() -> None:
    """[TABLE-4], recomputed here from its definition."""
    table = bytes(range(32))
    expected = tagged_hash(Tag.TABLE_HAND, table + (7).to_bytes(4, "little"))
    assert hand_id(table, 7) == expected
    assert hand_id(table, 7) != hand_id(table, 8)


def test_messages_round_trip() -> None:
    op = OutPoint(bytes(32), 1)
    for m in (Open(b"params", bytes(32), 5, ((op, 10),)), Deposit(b"tx"), HandEvent(3, b"e"),
              Sign(2, b"body", bytes(64)), Redeemed(bytes(32), (1, 2, 3))):
        assert decode_message(encode_message(m)) == m


@given(st.binary(max_size=300))
def test_decoding_any_bytes_either_works_or_is_rejected(data: bytes) -> None:
    try:
        m = decode_message(data)
    except Rejected:
        return
    assert encode_message(m) == data


def test_a_node_follows_seats_whose_keys_it_lacks_and_never_takes_a_dealer_event() -> None:
    """poker.Hand(seat_keys=...).take(): what a table node uses to follow the betting."""
    from chipstack.poker.hand import Hand, dealer_key, seat_key

    keys = [seat_key(i) for i in range(3)]
    pubs = [k.public_key.raw for k in keys]
    deck = list(range(11))
    full = Hand([100] * 3, blinds=[0, 5, 10], deck=deck, auto=False, keys=keys)
    view = Hand([100] * 3, blinds=[0, 5, 10], deck=deck, auto=False, keys=[keys[0]],
                seat_keys=pubs)
    assert view.instance.id == full.instance.id
    for h in (full, view):
        h.deal_hole(deck[:6])
    before = view.machine.state_hash
    with pytest.raises(Rejected) as refused:
        view.take(full.events[0])  # the dealer's deal_hole, replayed from outside
    assert refused.value.reason is Reason.POKER_ILLEGAL_ACTION
    assert view.machine.state_hash == before
    full.act("call")  # seat 0, under the gun
    view.take(full.events[-1])
    assert view.machine.state_hash == full.machine.state_hash
    with pytest.raises(Rejected) as no_key:
        view.act("call")  # seat 1 is to act: this node has no key for it
    assert no_key.value.reason is Reason.POKER_NOT_YOUR_TURN
    assert view.machine.state_hash == full.machine.state_hash
    assert dealer_key().public_key.raw not in pubs


def test_the_millisecond_adapter_converts_both_ways() -> None:
    from chipstack.table.engine import InMilliseconds

    house = InMilliseconds(house_node(CONFIG))
    (opening,) = house.start(1500)
    assert opening.timestamp == 1500  # 1.5 s inside, 1500 ms on the item
    seat = InMilliseconds(player_node(CONFIG, 0))
    assert seat.start(1500) == [] and seat.next_deadline() is None
    (deposit,) = seat.receive(opening, 1600)
    assert deposit.timestamp == 1600
    assert seat.progress == (0, 1) and not seat.done


_FUZZ_SEAT = _opened()[0]


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=200), st.integers(0, 6))
def test_any_payload_from_a_seat_is_taken_or_refused_never_raised(body: bytes, kind: int) -> None:
    """Whatever a seat signs, the engine answers with a list and counts a refusal by reason."""
    seat = _FUZZ_SEAT
    before = seat.summary()
    out = seat.receive(_item(CONFIG.player_key(1), bytes([1, kind]) + body), 5.0)
    after = seat.summary()
    assert out == []  # nothing one seat sends alone makes this seat act before the deal
    assert after.items_received == before.items_received + 1  # a valid item, taken in
    assert (after.hands, after.balances) == (before.hands, before.balances)


def _house_open() -> tuple[Engine, Open]:
    house = house_node(CONFIG)
    (opening,) = house.start(0.0)
    message = decode_message(opening.payload)
    assert isinstance(message, Open)
    return house, message


def test_a_deposit_without_a_memo_is_refused_before_anything_is_mined() -> None:
    """A seat's plain payment is ``cashier.not_a_deposit`` and the house's ledger stays put."""
    from chipstack.chain.conditions import KeyCondition
    from chipstack.chain.sighash import sign_input
    from chipstack.chain.tx import Tx, TxIn, TxOut
    from chipstack.table.house import HouseNode

    house, opened = _house_open()
    assert isinstance(house, HouseNode)
    key = CONFIG.player_key(0)
    wallet, amount = opened.wallets[0]
    own = TxOut(amount, KeyCondition(key.public_key))
    tx = sign_input(Tx((TxIn(wallet),), (own,)), 0, [own], opened.chain_id, [key])
    height = house.world.ledger.height
    assert house.receive(_item(key, encode_message(Deposit(tx.encode()))), 1.0) == []
    assert house.summary().refused == {Reason.CASHIER_NOT_A_DEPOSIT.value: 1}
    assert house.world.ledger.height == height and house.deposits == {}


def test_the_house_keeps_one_settlement_signature_per_seat_and_planned_hand() -> None:
    """A seat signing many bodies or unplanned hands cannot grow the house's memory."""
    from chipstack.table.house import HouseNode

    house, _ = _house_open()
    assert isinstance(house, HouseNode)
    key = CONFIG.player_key(1)
    for i, hand in enumerate([1, 1, 2, 0, 2**31]):
        body = b"body %d" % i
        sig = key.sign_tagged(Tag.CASHIER_SETTLEMENT, body)
        assert house.receive(_item(key, encode_message(Sign(hand, body, sig))), 1.0) == []
    assert house.summary().refused == {Reason.TABLE_DUPLICATE.value: 1,
                                       Reason.TABLE_STALE.value: 3}
    assert list(house.signatures) == [(1, b"body 0")]


def test_items_kept_for_later_are_bounded_per_author_and_counted_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """[TABLE-3]: past the per-author bound a "not yet" item is refused; leaving frees room."""
    from chipstack.table import player
    from chipstack.table.player import PlayerNode

    monkeypatch.setattr(player, "MAX_PENDING_PER_AUTHOR", 3)
    seat, _ = _opened()
    assert isinstance(seat, PlayerNode)
    seat1, seat0 = CONFIG.player_key(1), CONFIG.player_key(0)
    for i in range(4):
        sign = Sign(7, b"later %d" % i, bytes(64))
        assert seat.receive(_item(seat1, encode_message(sign)), 1.0) == []
    assert seat.summary().refused == {Reason.TABLE_NOT_DUE.value: 1}
    assert len(seat._pending) == 3
    seat.receive(_item(seat0, encode_message(HandEvent(7, b"x"))), 1.0)  # another author
    assert len(seat._pending) == 4
    seat.number = 8  # hand 7 is now past: the kept signatures are stale and leave
    assert seat._retry(2.0) == []
    assert seat.summary().refused[Reason.TABLE_STALE.value] == 3
    assert seat._kept_by[seat1.public_key.raw] == 0
    sign = Sign(9, b"room again", bytes(64))
    assert seat.receive(_item(seat1, encode_message(sign)), 3.0) == []
    assert seat._kept_by[seat1.public_key.raw] == 1
