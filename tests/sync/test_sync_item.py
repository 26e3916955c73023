"""Items: encoding, id, priority and every validity rule (spec/01-sync.md SYNC-1..11)."""

from __future__ import annotations

import hashlib
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.crypto import PrivateKey
from chipstack.encoding import decode_exact
from chipstack.errors import Reason, Rejected
from chipstack.sync.item import (
    Item,
    _decode_fast,
    check_valid,
    decode_item,
    decode_stored,
    id_of_encoding,
    make_item,
    read_item,
)
from chipstack.sync.params import MAX_PAYLOAD
from chipstack.sync.pow import leading_zero_bits, size_penalty

KEY = PrivateKey.from_label("test-item")
T0 = 1_700_000_000_000


def _tagged(tag: str, msg: bytes) -> bytes:
    t = hashlib.sha256(tag.encode()).digest()
    return hashlib.sha256(t + t + msg).digest()


def test_layout_id_and_signature_match_an_independent_computation() -> None:
    item = make_item(KEY, ("table", "t1"), b"hello", T0, 1000, min_priority=4)
    body = (
        b"\x01" + T0.to_bytes(8, "little") + (T0 + 1000).to_bytes(8, "little")
        + b"\x05table" + b"\x02t1" + b"\x00" + KEY.public_key.raw + b"\x05hello"
        + item.nonce.to_bytes(8, "little")
    )
    assert item.encoding == body + item.signature
    assert item.id == _tagged("chipstack/sync/item", body)
    work = int.from_bytes(_tagged("chipstack/sync/item-work", body), "big")
    assert item.priority == (256 - work.bit_length()) - 0
    assert item.priority >= 4
    KEY.public_key.verify(item.signature, item.id)


def test_size_penalty_doubles() -> None:
    assert [size_penalty(n) for n in (0, 255, 256, 511, 512, 1023, 1024, 16384)] == [
        0, 0, 1, 1, 2, 2, 3, 7]
    assert leading_zero_bits(b"\x00\x01" + bytes(30)) == 15
    assert leading_zero_bits(bytes(32)) == 256


def test_round_trip_with_destination() -> None:
    dest = PrivateKey.from_label("dest").public_key.raw
    item = make_item(KEY, ("dm", "x"), bytes(700), T0, destination=dest, min_priority=3)
    back = decode_item(item.encoding)
    assert back == item and back.destination == dest and back.encoding == item.encoding
    assert back.priority >= 3


@pytest.mark.parametrize(
    ("now", "prio", "reason"),
    [
        (T0 - 40_000, 0, Reason.SYNC_FUTURE_TIMESTAMP),
        (T0 + 1000, 0, Reason.SYNC_EXPIRED),
        (T0, 60, Reason.SYNC_LOW_PRIORITY),
    ],
)
def test_contextual_rejections(now: int, prio: int, reason: Reason) -> None:
    item = make_item(KEY, ("a", "b"), b"x", T0, 1000, min_priority=2)
    with pytest.raises(Rejected) as exc:
        check_valid(item, now, prio, 30_000)
    assert exc.value.reason == reason


def test_bad_signature_and_order_of_checks() -> None:
    item = make_item(KEY, ("a", "b"), b"x", T0, 1000, min_priority=2)
    forged = Item(item.timestamp, item.expiry, item.tag1, item.tag2, None, item.author,
                  item.payload, item.nonce, bytes(64))
    with pytest.raises(Rejected) as exc:
        check_valid(forged, T0, 0, 0)
    assert exc.value.reason == Reason.CRYPTO_BAD_SIGNATURE
    with pytest.raises(Rejected) as exc:  # expired is checked before the signature
        check_valid(forged, T0 + 5000, 0, 0)
    assert exc.value.reason == Reason.SYNC_EXPIRED
    check_valid(item, T0, 0, 0)


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"tags": ("x" * 33, "")}, Reason.SYNC_TAG_TOO_LONG),
        ({"payload": bytes(MAX_PAYLOAD + 1)}, Reason.SYNC_PAYLOAD_TOO_LARGE),
        ({"ttl_ms": 0}, Reason.SYNC_BAD_EXPIRY),
    ],
)
def test_make_item_refuses_bad_fields(kwargs: dict[str, object], reason: Reason) -> None:
    args: dict[str, object] = {"tags": ("a", "b"), "payload": b"", "ttl_ms": 1000}
    args.update(kwargs)
    with pytest.raises(Rejected) as exc:
        make_item(KEY, args["tags"], args["payload"], T0, args["ttl_ms"], min_priority=0)  # type: ignore[arg-type]
    assert exc.value.reason == reason


GOOD = make_item(KEY, ("table", "t1"), b"payload bytes", T0, 5000, min_priority=2).encoding


@settings(max_examples=150)
@given(st.binary(max_size=300))
def test_decode_random_bytes_is_rejected_or_valid(data: bytes) -> None:
    try:
        item = decode_item(data)
    except Rejected:
        return
    assert item.encoding == data


@settings(max_examples=200)
@given(st.integers(0, len(GOOD) - 1), st.integers(0, 255), st.integers(0, 3))
def test_decode_mutated_item(pos: int, byte: int, cut: int) -> None:
    data = GOOD[:pos] + bytes([byte]) + GOOD[pos + 1 :]
    data = data[: len(data) - cut]
    try:
        item = decode_item(data)
    except Rejected:
        return
    assert item.encoding == data  # canonical: re-encoding gives the same bytes


def test_every_truncation_is_rejected_as_truncated() -> None:
    for cut in range(len(GOOD)):
        with pytest.raises(Rejected) as exc:
            decode_item(GOOD[:cut])
        assert exc.value.reason == Reason.ENCODING_TRUNCATED, cut


def test_non_minimal_length_is_rejected() -> None:
    # tag1 "table" has length byte 0x05 at offset 17; 0xfd 0x05 0x00 says the same, longer
    data = GOOD[:17] + b"\xfd\x05\x00" + GOOD[18:]
    with pytest.raises(Rejected) as exc:
        decode_item(data)
    assert exc.value.reason == Reason.ENCODING_NON_MINIMAL_COMPACTSIZE


def test_tag_arguments_of_make_item() -> None:
    one = make_item(KEY, "chat", b"x", T0, min_priority=0)
    assert (one.tag1, one.tag2) == ("chat", "")  # a string is one tag, not its letters
    assert make_item(KEY, ["chat"], b"x", T0, min_priority=0) == one
    with pytest.raises(ValueError):
        make_item(KEY, ["a", "b", "c"], b"x", T0, min_priority=0)


def test_bad_expiry_is_reported_where_expiry_is_read() -> None:
    """SYNC-2 is checked front to back (REJ-1): before a later bad tag, truncation or tail."""
    body = (
        b"\x01" + T0.to_bytes(8, "little") + T0.to_bytes(8, "little")  # expiry == timestamp
        + b"\x21" + b"a" * 33  # tag1 of 33 bytes: SYNC-3 would refuse it
    )
    assert _reason(lambda: decode_item(body)) is Reason.SYNC_BAD_EXPIRY
    good = make_item(KEY, ("table", "t1"), b"hello", T0, 1000, min_priority=0).encoding
    late = good[:9] + (T0 + 7 * 86_400_000 + 1).to_bytes(8, "little") + good[17:]
    assert _reason(lambda: decode_item(late + b"\x00")) is Reason.SYNC_BAD_EXPIRY
    assert _reason(lambda: decode_item(good + b"\x00")) is Reason.ENCODING_TRAILING_BYTES


def _reason(fn: object) -> Reason:
    with pytest.raises(Rejected) as e:
        fn()  # type: ignore[operator]
    return e.value.reason


# -- the one-pass decoder against the field-by-field reader ----------------------------------

#: Valid encodings that take each branch of the one-pass decoder: no destination, a
#: destination, multi-byte UTF-8 tags, a payload whose length needs the 0xFD prefix.
SHAPES = [
    GOOD,
    make_item(KEY, ("dm", ""), b"", T0, 1, PrivateKey.from_label("d").public_key.raw,
              min_priority=0).encoding,
    make_item(KEY, ("tablé", "ü" * 16), bytes(253), T0, 7 * 86_400_000, min_priority=0).encoding,
    make_item(KEY, ("a" * 32, "b" * 32), bytes(MAX_PAYLOAD), T0, 5, min_priority=0).encoding,
]


def _field_reader(data: bytes) -> Item | Reason:
    try:
        return decode_exact(data, read_item)
    except Rejected as exc:
        return exc.reason


def _fields(item: Item) -> tuple[object, ...]:
    return (item.version, item.timestamp, item.expiry, item.tag1, item.tag2, item.destination,
            item.author, item.payload, item.nonce, item.signature)


def _agree(data: bytes) -> None:
    """The one-pass decoder accepts only what the reader accepts, with the same fields;
    and decode_item's refusals are the reader's."""
    fast = _decode_fast(data)
    slow = _field_reader(data)
    if fast is not None:
        assert isinstance(slow, Item) and _fields(fast) == _fields(slow)
        assert fast.encoding == data and fast.id == slow.id and fast.priority == slow.priority
    if isinstance(slow, Item):
        assert _fields(decode_item(data)) == _fields(slow)
    else:
        assert fast is None and _reason(lambda: decode_item(data)) is slow


def test_one_pass_decoder_takes_every_valid_shape() -> None:
    for enc in SHAPES:
        fast = _decode_fast(enc)
        assert fast is not None  # the fast path is the one valid items take
        _agree(enc)


@settings(max_examples=400)
@given(st.sampled_from(SHAPES), st.data())
def test_one_pass_decoder_agrees_on_mutations(enc: bytes, data: st.DataObject) -> None:
    pos = data.draw(st.integers(0, len(enc) - 1))
    byte = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(-2, 3))
    mutated = enc[:pos] + bytes([byte]) + enc[pos + 1 :]
    mutated = mutated[: len(mutated) - cut] if cut >= 0 else mutated + bytes(-cut)
    _agree(mutated)


@settings(max_examples=150)
@given(st.binary(min_size=110, max_size=400))
def test_one_pass_decoder_agrees_on_random_bytes(data: bytes) -> None:
    _agree(b"\x01" + data)


def test_item_is_immutable_hashable_and_pickles() -> None:
    item = decode_item(GOOD)
    with pytest.raises(AttributeError):
        item.payload = b"other"
    again = pickle.loads(pickle.dumps(item))
    assert again == item and _fields(again) == _fields(item) and again.encoding == GOOD
    assert {item: 1}[again] == 1 and "Item(" in repr(item)


def test_id_and_priority_are_computed_from_the_body_once() -> None:
    built = make_item(KEY, ("x", "y"), b"p", T0, 1000, min_priority=1)
    decoded = decode_item(built.encoding)
    body = built.encoding[:-64]
    assert decoded.id == built.id == _tagged("chipstack/sync/item", body)
    assert decoded.priority == built.priority >= 1
    assert id_of_encoding(built.encoding) == built.id
    stored = decode_stored(built.encoding, built.id)
    assert stored == built and stored.priority == built.priority


def test_author_keys_are_checked_every_time_and_kept_only_when_good() -> None:
    item = make_item(KEY, ("a", "b"), b"x", T0, 1000, min_priority=0)
    weak = bytes(32)  # the identity point: a small-order key (SIG-6)
    forged = Item(item.timestamp, item.expiry, item.tag1, item.tag2, None, weak, item.payload,
                  item.nonce, item.signature)
    for _ in range(2):  # refused again the second time: a weak key is never kept
        assert _reason(lambda: check_valid(forged, T0, 0, 0)) is Reason.CRYPTO_WEAK_PUBLIC_KEY
    check_valid(item, T0, 0, 0)
    check_valid(item, T0, 0, 0)  # the kept key gives the same answer
