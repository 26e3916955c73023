"""Node-protocol messages: round trips, bounds and strict decoding (spec SYNC-20..22)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.crypto import PrivateKey
from chipstack.errors import Reason, Rejected
from chipstack.sync.item import make_item
from chipstack.sync.wire import (
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
    decode_message,
    encode_message,
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
