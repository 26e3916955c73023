"""Node-protocol messages: round trips, bounds and strict decoding (spec SYNC-20..22)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.crypto import PrivateKey
from chipstack.encoding import Reader, decode_exact
from chipstack.errors import Reason, Rejected
from chipstack.sync.item import make_item
from chipstack.sync.params import MAX_ITEMS_PER_MESSAGE
from chipstack.sync.wire import (
    MAX_ITEM_ENCODING,
    Auth,
    Bye,
    Graft,
    Have,
    Hello,
    Items,
    Message,
    Prune,
    Recon,
    ReconReply,
    Want,
    _split_fast,
    decode_message,
    encode_message,
    split_items,
)

KEY = PrivateKey.from_label("test-wire")
ITEM = make_item(KEY, ("a", "b"), b"data", 1000, min_priority=2)
MESSAGES: list[Message] = [
    Hello(1, bytes(32), KEY.public_key.raw, bytes(range(32))),
    Auth(bytes(range(64))),
    Items((ITEM, ITEM)),
    Have((ITEM.id, bytes(32))),
    Want(()),
    Recon(5, b"\x61\x00"),
    ReconReply(2**32 - 1, b""),
    Bye("sync.timeout"),
    Prune(KEY.public_key.raw),
    Graft(bytes(32)),
]


@pytest.mark.parametrize("msg", MESSAGES, ids=lambda m: type(m).__name__)
def test_round_trip(msg: Message) -> None:
    data = encode_message(msg)
    assert decode_message(data) == msg
    assert encode_message(decode_message(data)) == data


def test_type_bytes_and_layout() -> None:
    assert encode_message(Want((b"\x11" * 32,))) == b"\x05\x01" + b"\x11" * 32
    assert encode_message(Recon(1, b"ab")) == b"\x06\x01\x00\x00\x00\x02ab"
    assert encode_message(Bye("x")) == b"\x08\x01x"
    assert encode_message(Prune(b"\x22" * 32)) == b"\x09" + b"\x22" * 32
    assert encode_message(Graft(b"\x33" * 32)) == b"\x0a" + b"\x33" * 32


def test_unknown_type_and_bounds() -> None:
    with pytest.raises(Rejected) as exc:
        decode_message(b"\x42")
    assert exc.value.reason == Reason.SYNC_UNKNOWN_MESSAGE
    with pytest.raises(Rejected) as exc:
        encode_message(Have(tuple(bytes(32) for _ in range(4097))))
    assert exc.value.reason == Reason.ENCODING_OVER_LENGTH
    with pytest.raises(Rejected) as exc:
        decode_message(b"\x04\xfd\x01\x10" + bytes(32 * 4097))
    assert exc.value.reason == Reason.ENCODING_OVER_LENGTH


ENCODED = [encode_message(m) for m in MESSAGES]


@settings(max_examples=200)
@given(st.binary(max_size=200))
def test_fuzz_random_bytes(data: bytes) -> None:
    try:
        msg = decode_message(data)
    except Rejected:
        return
    assert encode_message(msg) == data


@settings(max_examples=200)
@given(st.sampled_from(ENCODED), st.data())
def test_fuzz_mutated(enc: bytes, data: st.DataObject) -> None:
    pos = data.draw(st.integers(0, len(enc) - 1))
    byte = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, 2))
    mutated = (enc[:pos] + bytes([byte]) + enc[pos + 1 :])[: len(enc) - cut]
    try:
        msg = decode_message(mutated)
    except Rejected:
        return
    assert encode_message(msg) == mutated


@pytest.mark.parametrize("enc", ENCODED, ids=lambda e: f"type{e[0]:02x}")
def test_every_truncation_is_rejected_as_truncated(enc: bytes) -> None:
    # every message is self-delimiting (fixed fields and length prefixes), so no proper
    # prefix of a valid encoding is itself a message ([SYNC-21])
    for cut in range(len(enc)):
        with pytest.raises(Rejected) as exc:
            decode_message(enc[:cut])
        assert exc.value.reason == Reason.ENCODING_TRUNCATED, cut


# -- ITEMS by slicing against the Reader -------------------------------------------------

BIG = make_item(KEY, ("big", ""), bytes(300), 1000, min_priority=0)  # length needs 0xFD
ITEMS_MESSAGES = [
    encode_message(Items(())),
    encode_message(Items((ITEM,))),
    encode_message(Items((ITEM, BIG, ITEM))),
    encode_message(Items((ITEM,) * 253)),  # the count needs 0xFD
]


def _reader_split(data: bytes) -> list[bytes] | Reason:
    def read(r: Reader) -> list[bytes]:
        if r.u8() != 0x03:
            raise Rejected(Reason.SYNC_UNKNOWN_MESSAGE, "not ITEMS")
        return [r.var_bytes(MAX_ITEM_ENCODING) for _ in range(r.count(MAX_ITEMS_PER_MESSAGE))]

    try:
        return decode_exact(data, read)
    except Rejected as exc:
        return exc.reason


def _split_agrees(data: bytes) -> None:
    fast = _split_fast(data)
    slow = _reader_split(data)
    if fast is not None:
        assert fast == slow
    if isinstance(slow, Reason):
        assert fast is None
        with pytest.raises(Rejected) as exc:
            split_items(data)
        assert exc.value.reason is slow
    else:
        assert split_items(data) == slow


def test_items_are_encoded_as_their_length_prefixed_encodings() -> None:
    # independent of the Writer: type byte, CompactSize count, each (CompactSize, bytes)
    assert ITEMS_MESSAGES[2] == (b"\x03\x03" + bytes([len(ITEM.encoding)]) + ITEM.encoding
                                 + b"\xfd" + len(BIG.encoding).to_bytes(2, "little")
                                 + BIG.encoding + bytes([len(ITEM.encoding)]) + ITEM.encoding)
    assert ITEMS_MESSAGES[3][:4] == b"\x03\xfd\xfd\x00"
    for data in ITEMS_MESSAGES:
        assert _split_fast(data) is not None
        _split_agrees(data)
    with pytest.raises(Rejected) as exc:  # over the count bound: refused as the Writer does
        encode_message(Items((ITEM,) * (MAX_ITEMS_PER_MESSAGE + 1)))
    assert exc.value.reason is Reason.ENCODING_OVER_LENGTH


@settings(max_examples=300)
@given(st.sampled_from(ITEMS_MESSAGES[:3]), st.data())
def test_split_by_slicing_agrees_with_the_reader(enc: bytes, data: st.DataObject) -> None:
    pos = data.draw(st.integers(0, len(enc) - 1))
    byte = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(-2, 3))
    mutated = enc[:pos] + bytes([byte]) + enc[pos + 1 :]
    mutated = mutated[: len(mutated) - cut] if cut >= 0 else mutated + bytes(-cut)
    _split_agrees(mutated)


def test_ids_are_read_as_one_block_and_truncation_is_still_refused() -> None:
    ids = tuple(bytes([i]) * 32 for i in range(5))
    enc = encode_message(Have(ids))
    assert decode_message(enc) == Have(ids)
    with pytest.raises(Rejected) as exc:
        decode_message(enc[:-1])
    assert exc.value.reason is Reason.ENCODING_TRUNCATED
