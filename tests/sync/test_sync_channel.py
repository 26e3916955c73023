"""The secure channel ([SYNC-40] .. [SYNC-46]): handshake, identity binding, records.

The relay test plays the attack of issue 13: a man in the middle holding its own keys
obtains an honest node's signed identity on one connection and presents it on another.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chipstack.crypto import PrivateKey
from chipstack.errors import Reason, Rejected
from chipstack.sync.channel import (
    HANDSHAKE_LENGTHS,
    IDENTITY_LEN,
    MAX_RECORD,
    Channel,
    check_identity,
    make_identity,
)
from chipstack.sync.params import MAX_MESSAGE

NET = bytes(32)


def _key(label: str) -> PrivateKey:
    return PrivateKey.from_label(label)


def _connect(a: Channel, b: Channel) -> None:
    """Run the handshake between initiator ``a`` and responder ``b`` to completion."""
    to_b = a.start()
    while to_b:
        to_a, msgs = b.receive(to_b)
        assert msgs == []
        to_b, msgs = a.receive(to_a) if to_a else (b"", [])
        assert msgs == []


def test_handshake_authenticates_both_node_keys() -> None:
    a = Channel(True, _key("a"), NET)
    b = Channel(False, _key("b"), NET)
    first = a.start()
    assert len(first) == 2 + HANDSHAKE_LENGTHS[0]
    second, _ = b.receive(first)
    assert len(second) == 2 + HANDSHAKE_LENGTHS[1]
    third, _ = a.receive(second)
    assert len(third) == 2 + HANDSHAKE_LENGTHS[2]
    assert a.remote_key == _key("b").public_key.raw
    assert not b.established
    assert b.receive(third) == (b"", [])
    assert b.remote_key == _key("a").public_key.raw
    assert a.binding == b.binding and a.binding is not None


def test_messages_round_trip_including_one_larger_than_a_record() -> None:
    a, b = Channel(True, _key("a"), NET), Channel(False, _key("b"), NET)
    _connect(a, b)
    big = bytes(range(256)) * 1000  # 256,000 bytes: four records
    wire = a.send(b"hello") + a.send(big) + a.send(b"")
    assert len(wire) > MAX_RECORD
    got: list[bytes] = []
    for i in range(0, len(wire), 7001):  # arrives in arbitrary pieces
        out, msgs = b.receive(wire[i : i + 7001])
        assert out == b""
        got += msgs
    assert got == [b"hello", big, b""]
    assert a.receive(b.send(b"back"))[1] == [b"back"]


def test_relay_of_a_signed_identity_fails() -> None:
    """M talks to honest C (getting C's identity signed over the M-C handshake) and
    offers it to honest B as its own message 3: B refuses it, C is not impersonated."""
    m_key, c_key = _key("mallory"), _key("carol")
    # M dials C; C's message 2 carries C's identity, signed over h(M-C)
    m_to_c = Channel(True, m_key, NET)
    carol = Channel(False, c_key, NET)
    msg2, _ = carol.receive(m_to_c.start())
    m_to_c.receive(msg2)
    assert m_to_c.remote_key == c_key.public_key.raw
    # the payload M decrypted from message 2, byte for byte as C wrote it
    hs = carol._hs
    assert hs is not None
    carol_payload = make_identity(c_key, NET, hs.payload_h, hs.s_pub)

    class Relayer(Channel):
        """M's channel to B: its own Noise keys, but C's identity payload in message 3."""

        def _identity(self, h: bytes) -> bytes:
            return carol_payload

    bob = Channel(False, _key("bob"), NET)
    m_to_b = Relayer(True, m_key, NET)
    msg2b, _ = bob.receive(m_to_b.start())
    msg3b, _ = m_to_b.receive(msg2b)
    with pytest.raises(Rejected) as exc:
        bob.receive(msg3b)
    assert exc.value.reason == Reason.CRYPTO_BAD_SIGNATURE
    assert not bob.established


def test_forwarding_the_handshake_verbatim_gives_the_relay_no_access() -> None:
    """A relay that forwards every byte lets B and C talk; it cannot inject a message."""
    bob, carol = Channel(True, _key("bob"), NET), Channel(False, _key("carol"), NET)
    _connect(bob, carol)
    mallory_side = Channel(True, _key("mallory"), NET)
    peer = Channel(False, _key("dave"), NET)
    _connect(mallory_side, peer)
    forged = mallory_side.send(b"\x08\x00")  # a record under keys the relay does hold
    with pytest.raises(Rejected) as exc:
        carol.receive(forged)
    assert exc.value.reason == Reason.SYNC_RECORD_FAILED


def test_wrong_network_self_and_version_refused() -> None:
    a = Channel(True, _key("a"), NET)
    b = Channel(False, _key("b"), b"\x01" * 32)
    with pytest.raises(Rejected) as exc:
        a.receive(b.receive(a.start())[0])
    assert exc.value.reason == Reason.SYNC_WRONG_NETWORK
    a, b = Channel(True, _key("a"), NET), Channel(False, _key("a"), NET)
    with pytest.raises(Rejected) as exc:
        a.receive(b.receive(a.start())[0])
    assert exc.value.reason == Reason.SYNC_UNEXPECTED_MESSAGE
    payload = bytes([2]) + bytes(IDENTITY_LEN - 1)
    with pytest.raises(Rejected) as exc:
        check_identity(payload, NET, b"", bytes(32), bytes(32))
    assert exc.value.reason == Reason.ENCODING_UNKNOWN_VERSION


def test_handshake_message_of_wrong_length_refused() -> None:
    b = Channel(False, _key("b"), NET)
    with pytest.raises(Rejected) as exc:
        b.receive((33).to_bytes(2, "little") + bytes(33))
    assert exc.value.reason == Reason.SYNC_HANDSHAKE_FAILED
    with pytest.raises(Rejected):  # a failed channel stays failed
        b.receive(b"")


def test_empty_record_and_oversized_frame_refused() -> None:
    a, b = Channel(True, _key("a"), NET), Channel(False, _key("b"), NET)
    _connect(a, b)
    assert a._send_cs is not None
    empty = a._send_cs.encrypt(b"", b"")
    with pytest.raises(Rejected) as exc:
        b.receive(len(empty).to_bytes(2, "little") + empty)
    assert exc.value.reason == Reason.SYNC_RECORD_FAILED
    a, b = Channel(True, _key("a"), NET), Channel(False, _key("b"), NET)
    _connect(a, b)
    header = (MAX_MESSAGE + 1).to_bytes(4, "little")
    rec = a._send_cs.encrypt(b"", header)  # type: ignore[union-attr]
    with pytest.raises(Rejected) as exc:
        b.receive(len(rec).to_bytes(2, "little") + rec)
    assert exc.value.reason == Reason.ENCODING_OVER_LENGTH


@given(st.lists(st.binary(max_size=300), max_size=4))
def test_garbage_never_crashes(chunks: list[bytes]) -> None:
    for initiator in (True, False):
        ch = Channel(initiator, _key("a"), NET)
        ch.start()
        try:
            for chunk in chunks:
                ch.receive(chunk)
        except Rejected:
            continue
        assert not ch.established


def test_node_admits_an_authenticated_peer_and_refuses_banned_or_own_keys() -> None:
    from chipstack.sync.node import Close, Node
    from chipstack.sync.wire import Hello, encode_message

    node = Node(_key("n"))
    peer_key = _key("p").public_key.raw
    assert node.connect(0, "p", peer_key) == []  # [SYNC-45] ready at once, no HELLO
    assert node.ready_peers() == ["p"]
    out = node.receive(0, "p", encode_message(Hello(1, NET, peer_key, bytes(32))))
    assert any(isinstance(o, Close) and o.reason == "sync.unexpected_message" for o in out)
    out = node.connect(1, "p2", peer_key)  # the key was banned by the close above
    assert any(isinstance(o, Close) and o.reason == "sync.misbehaving" for o in out)
    assert node.ready_peers() == []
    out = node.connect(2, "me", _key("n").public_key.raw)
    assert any(isinstance(o, Close) and o.reason == "sync.unexpected_message" for o in out)


def test_wrong_handshake_length_fails_at_the_record_header() -> None:
    """[SYNC-42]: a header announcing 65535 bytes fails before any body is waited for."""
    b = Channel(False, _key("b"), NET)
    with pytest.raises(Rejected) as exc:
        b.receive((MAX_RECORD).to_bytes(2, "little"))  # the header alone
    assert exc.value.reason == Reason.SYNC_HANDSHAKE_FAILED
    assert b.buffered == 2  # nothing beyond the header was held
    a = Channel(True, _key("a"), NET)
    a.start()
    with pytest.raises(Rejected) as exc:  # the initiator expects 225 bytes, not 32
        a.receive((HANDSHAKE_LENGTHS[0]).to_bytes(2, "little") + b"\x01")
    assert exc.value.reason == Reason.SYNC_HANDSHAKE_FAILED


def test_records_and_frames_are_counted_for_the_work_budget() -> None:
    """[SYNC-52]: one-byte records that never finish a message are still counted."""
    a, b = Channel(True, _key("a"), NET), Channel(False, _key("b"), NET)
    _connect(a, b)
    assert a._send_cs is not None
    stream = (1000).to_bytes(4, "little") + bytes(300)  # a frame that never completes
    wire = b""
    for byte in stream:
        rec = a._send_cs.encrypt(b"", bytes([byte]))
        wire += len(rec).to_bytes(2, "little") + rec
    assert b.receive(wire) == (b"", [])
    assert b.records_in == 304 and b.frames_in == 0 and b.partial
    _, msgs = b.receive(a.send(b"x") + a.send(b"yz"))
    assert msgs == [] and b.frames_in == 0  # still inside the 1000-byte frame
    a2, b2 = Channel(True, _key("a"), NET), Channel(False, _key("b"), NET)
    _connect(a2, b2)
    _, msgs = b2.receive(a2.send(b"x") + a2.send(b"yz"))
    assert msgs == [b"x", b"yz"] and b2.frames_in == 2 and b2.records_in == 2


def test_tampered_record_delivers_nothing_of_its_read() -> None:
    """[SYNC-43]: a read whose last record fails authentication delivers no message."""
    a, b = Channel(True, _key("a"), NET), Channel(False, _key("b"), NET)
    _connect(a, b)
    good, bad = a.send(b"first"), bytearray(a.send(b"second"))
    bad[-1] ^= 1
    with pytest.raises(Rejected) as exc:
        b.receive(good + bytes(bad))
    assert exc.value.reason == Reason.SYNC_RECORD_FAILED
    with pytest.raises(Rejected):  # and the channel stays failed
        b.receive(a.send(b"third"))
