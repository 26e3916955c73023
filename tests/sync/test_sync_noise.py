"""Noise XX (``Noise_XX_25519_ChaChaPoly_SHA256``) against the published cacophony vectors.

The vector file (``tests/sync/data/``) is one entry of the cacophony test vectors, copied
as data with its source. A second, independent check recomputes Noise's HKDF with
``cryptography``'s RFC 5869 HKDF (Noise's HKDF is RFC 5869 with the chaining key as salt
and empty info), and the properties every Noise handshake must have are checked too.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from hypothesis import given
from hypothesis import strategies as st

from chipstack.errors import Reason, Rejected
from chipstack.sync.noise import HandshakeXX, hkdf2, public_bytes

VECTOR = json.loads((Path(__file__).parent / "data" /
                     "noise_xx_25519_chachapoly_sha256.json").read_text())


def _key(hexkey: str) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(bytes.fromhex(hexkey))


def _pair() -> tuple[HandshakeXX, HandshakeXX]:
    v = VECTOR
    init = HandshakeXX(True, _key(v["init_static"]), bytes.fromhex(v["init_prologue"]),
                       _key(v["init_ephemeral"]))
    resp = HandshakeXX(False, _key(v["resp_static"]), bytes.fromhex(v["resp_prologue"]),
                       _key(v["resp_ephemeral"]))
    return init, resp


def test_cacophony_vector_byte_for_byte() -> None:
    assert VECTOR["protocol_name"] == "Noise_XX_25519_ChaChaPoly_SHA256"
    init, resp = _pair()
    msgs = VECTOR["messages"]
    sides = [(init, resp), (resp, init), (init, resp)]
    for (writer, reader), m in zip(sides, msgs[:3], strict=True):
        ct = writer.write_message(bytes.fromhex(m["payload"]))
        assert ct.hex() == m["ciphertext"]
        assert reader.read_message(ct).hex() == m["payload"]
    assert init.done and resp.done
    assert init.h.hex() == VECTOR["handshake_hash"] == resp.h.hex()
    assert init.rs == public_bytes(_key(VECTOR["resp_static"]))
    assert resp.rs == public_bytes(_key(VECTOR["init_static"]))
    i_send, i_recv = init.split()
    r_send, r_recv = resp.split()
    # transport messages keep alternating: responder, initiator, responder
    for k, m in enumerate(msgs[3:]):
        send, recv = (r_send, i_recv) if k % 2 == 0 else (i_send, r_recv)
        ct = send.encrypt(b"", bytes.fromhex(m["payload"]))
        assert ct.hex() == m["ciphertext"]
        assert recv.decrypt(b"", ct, Reason.SYNC_RECORD_FAILED).hex() == m["payload"]


@given(st.binary(max_size=64), st.binary(max_size=64))
def test_hkdf_matches_rfc5869(ck: bytes, ikm: bytes) -> None:
    """Noise HKDF(ck, ikm, 2) is RFC 5869 HKDF-SHA256(salt=ck, ikm, info="", L=64)."""
    ck = (ck + bytes(32))[:32]
    ref = HKDF(algorithm=hashes.SHA256(), length=64, salt=ck, info=b"").derive(ikm)
    assert b"".join(hkdf2(ck, ikm)) == ref


def test_tampered_handshake_messages_fail() -> None:
    for index in range(3):
        init, resp = _pair()
        sides = [(init, resp), (resp, init), (init, resp)]
        for k, (writer, reader) in enumerate(sides):
            msg = writer.write_message(b"payload")
            if k == index:
                if k == 0:  # message 1 is cleartext: tampering shows at message 2
                    msg = msg[:-1] + bytes([msg[-1] ^ 1])
                    reader.read_message(msg)
                    with pytest.raises(Rejected) as exc:
                        init.read_message(resp.write_message(b""))
                    assert exc.value.reason == Reason.SYNC_HANDSHAKE_FAILED
                    break
                bad = msg[:-1] + bytes([msg[-1] ^ 1])
                with pytest.raises(Rejected) as exc:
                    reader.read_message(bad)
                assert exc.value.reason == Reason.SYNC_HANDSHAKE_FAILED
                break
            reader.read_message(msg)


def test_low_order_key_and_short_messages_refused() -> None:
    _init, resp = _pair()
    with pytest.raises(Rejected) as exc:
        resp.read_message(b"\x00" * 31)
    assert exc.value.reason == Reason.SYNC_HANDSHAKE_FAILED
    _init, resp = _pair()
    resp.read_message(bytes(32))  # the zero point: DH with it gives all zeros
    with pytest.raises(Rejected) as exc:
        resp.write_message(b"")
    assert exc.value.reason == Reason.SYNC_HANDSHAKE_FAILED


@given(st.binary(max_size=200))
def test_read_never_crashes(data: bytes) -> None:
    init, resp = _pair()
    resp.read_message(init.write_message(b""))
    init2, _ = _pair()
    init2.write_message(b"")
    for side in (resp, init2):
        try:
            (init2 if side is init2 else init).read_message(data)
        except Rejected:
            pass


def test_nonce_two_to_the_64_minus_one_is_never_used() -> None:
    """Noise section 5.1: the nonce 2^64-1 is reserved; the cipher refuses it both ways."""
    from chipstack.sync.noise import MAX_NONCE, CipherState

    key = bytes(range(32))
    send, recv = CipherState(key), CipherState(key)
    send.nonce = recv.nonce = MAX_NONCE - 1
    ct = send.encrypt(b"", b"last")
    assert ct[:4] != b"last" and recv.decrypt(b"", ct, Reason.SYNC_RECORD_FAILED) == b"last"
    with pytest.raises(Rejected) as exc:
        send.encrypt(b"", b"x")
    assert exc.value.reason == Reason.SYNC_RECORD_FAILED
    with pytest.raises(Rejected) as exc:
        recv.decrypt(b"", ct, Reason.SYNC_RECORD_FAILED)
    assert exc.value.reason == Reason.SYNC_RECORD_FAILED
    assert send.nonce == recv.nonce == MAX_NONCE


def test_a_failed_decryption_does_not_advance_the_nonce() -> None:
    """Noise section 5.1: DecryptWithAd leaves n unchanged on failure."""
    from chipstack.sync.noise import CipherState

    key = bytes(32)
    send, recv = CipherState(key), CipherState(key)
    ct = send.encrypt(b"ad", b"hello")
    with pytest.raises(Rejected):
        recv.decrypt(b"other ad", ct, Reason.SYNC_RECORD_FAILED)
    assert recv.nonce == 0 and recv.decrypt(b"ad", ct, Reason.SYNC_RECORD_FAILED) == b"hello"
