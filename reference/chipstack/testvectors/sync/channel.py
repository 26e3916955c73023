"""The ``sync/channel`` vector suite (spec/01-sync.md section 3.2), rules [SYNC-40] .. [SYNC-43].

One operation, ``channel_receive``: one side of a channel with pinned keys (Ed25519
identity seed, X25519 static and ephemeral keys) is started and fed the given wire
chunks in order; the outputs are every byte it writes and every message it delivers.
The counterpart's bytes are produced by a second channel with pinned keys, so the cases
pin the handshake and the records byte for byte.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from chipstack.crypto import PrivateKey, derive_seed
from chipstack.encoding import from_hex
from chipstack.sync.channel import Channel, make_identity
from chipstack.sync.params import MAX_MESSAGE
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.vectors.model import Case, CaseTable, JSONObject, Operation, Suite


def _x(seed: bytes) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(seed)


def _side(inp: JSONObject) -> Channel:
    return Channel(bool(inp["initiator"]), PrivateKey(from_hex(inp["identity_seed"])),
                   from_hex(inp["network_id"]), _x(from_hex(inp["static"])),
                   _x(from_hex(inp["ephemeral"])))


def op_channel_receive(inp: JSONObject) -> JSONObject:
    """Start one side, feed it ``incoming`` chunks; return what it writes and delivers."""
    ch = _side(inp)
    start = ch.start()
    replies: list[str] = []
    messages: list[str] = []
    for chunk in inp["incoming"]:
        out, msgs = ch.receive(from_hex(chunk))
        replies.append(out.hex())
        messages += [m.hex() for m in msgs]
    return {"start": start.hex(), "replies": replies,
            "remote_key": ch.remote_key.hex() if ch.remote_key else None,
            "binding": ch.binding.hex() if ch.binding else None, "messages": messages}


CHANNEL_OPS: dict[str, Operation] = {"channel_receive": op_channel_receive}


def _config(label: str, initiator: bool, network: bytes = bytes(32)) -> JSONObject:
    return {"initiator": initiator, "identity_seed": derive_seed(f"sync-channel-{label}").hex(),
            "static": derive_seed(f"sync-channel-{label}-static").hex(),
            "ephemeral": derive_seed(f"sync-channel-{label}-ephemeral").hex(),
            "network_id": network.hex()}


def _flip(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 1]) + data[index + 1 :]


def _record(body: bytes) -> bytes:
    return len(body).to_bytes(2, "little") + body


def _cases() -> list[Case]:
    t = CaseTable(CHANNEL_OPS)
    ini, res = _config("i", True), _config("r", False)
    a, b = _side(ini), _side(res)
    m1 = a.start()
    m2, _ = b.receive(m1)
    m3, _ = a.receive(m2)
    b.receive(m3)
    small = a.send(b"\x08\x00") + a.send(b"hello")
    big = a.send(bytes(70_000))
    t.valid("channel_receive", {**res, "incoming": [m1.hex()]},
                  "responder answers message 1 with message 2 (its identity)",
                  ("SYNC-40", "SYNC-41"))
    t.valid("channel_receive", {**ini, "incoming": [m2.hex()]},
                  "initiator checks message 2 and finishes with message 3",
                  ("SYNC-40", "SYNC-41", "SYNC-42"))
    t.valid("channel_receive",
                  {**res, "incoming": [m1.hex(), m3.hex(), small.hex(), big.hex()]},
                  "responder completes the handshake, then reads three frames, one cut "
                  "into two records", ("SYNC-42", "SYNC-43"))
    t.valid("channel_receive",
                  {**res, "incoming": [m1.hex(), (m3 + small[:5]).hex(), small[5:].hex()]},
                  "records split across reads and joined to the handshake's last record",
                  ("SYNC-40", "SYNC-43"))
    # refusals
    other = _side(_config("r", False, b"\x01" * 32))
    t.invalid("channel_receive", {**ini, "incoming": [other.receive(m1)[0].hex()]},
                  "responder on another network", ("SYNC-42",), ("context",))
    mirror = _side({**_config("i", False), "static": res["static"]})
    t.invalid("channel_receive", {**ini, "incoming": [mirror.receive(m1)[0].hex()]},
                  "responder with the initiator's own node key", ("SYNC-42",), ("context",))
    t.invalid("channel_receive", {**res, "incoming": [_record(bytes(33)).hex()]},
                  "message 1 of 33 bytes", ("SYNC-42",), ("bad_length",))
    t.invalid("channel_receive", {**res, "incoming": [_record(bytes(32)).hex()]},
                  "message 1 with a low-order (zero) ephemeral key", ("SYNC-42",), ("weak_key",))
    t.invalid("channel_receive", {**ini, "incoming": [_flip(m2, 40).hex()]},
                  "message 2 with a flipped bit in the encrypted static key", ("SYNC-42",),
                  ("tampered",))
    t.invalid("channel_receive", {**res, "incoming": [m1.hex(), _flip(m3, 100).hex()]},
                  "message 3 with a flipped bit in the encrypted identity", ("SYNC-42",),
                  ("tampered",))
    # a relay: M (own keys) presents C's identity, signed over the M-C handshake, to R
    mal, car = _side(_config("m", True)), _side(_config("c", False))
    car.receive(mal.start())
    hs = car._hs
    assert hs is not None
    c_identity = make_identity(PrivateKey(derive_seed("sync-channel-c")), bytes(32),
                               hs.payload_h, hs.s_pub)
    relay = _side(_config("m", True))
    relay._identity = lambda h: c_identity  # type: ignore[method-assign]
    r2 = _side(res)
    relay_m3, _ = relay.receive(r2.receive(relay.start())[0])
    relay_m1 = _side(_config("m", True)).start()
    t.invalid("channel_receive", {**res, "incoming": [relay_m1.hex(), relay_m3.hex()]},
                  "relayed identity: signed by another node over another handshake",
                  ("SYNC-41", "SYNC-42"), ("relay",))
    a2 = _side(ini)  # the same pinned keys give the same records
    a2.start()
    assert a2.receive(m2)[0] == m3
    assert a2._send_cs is not None
    empty = _record(a2._send_cs.encrypt(b"", b""))
    t.invalid("channel_receive", {**res, "incoming": [m1.hex(), m3.hex(), empty.hex()]},
                  "an empty transport record", ("SYNC-43",), ("bad_length",))
    a3 = _side(ini)
    a3.start()
    a3.receive(m2)
    assert a3._send_cs is not None
    over = _record(a3._send_cs.encrypt(b"", (MAX_MESSAGE + 1).to_bytes(4, "little")))
    t.invalid("channel_receive", {**res, "incoming": [m1.hex(), m3.hex(), over.hex()]},
                  "a frame header announcing 4 MiB + 1 bytes", ("SYNC-43",), ("over_length",))
    t.invalid("channel_receive",
                  {**res, "incoming": [m1.hex(), m3.hex(), _flip(small, 10).hex()]},
                  "a transport record with a flipped bit", ("SYNC-43",), ("tampered",))
    t.invalid("channel_receive", {**res, "incoming": [(0xFFFF).to_bytes(2, "little").hex()]},
                  "a record header announcing 65535 bytes for message 1: refused before "
                  "any body arrives", ("SYNC-42",), ("bad_length",))
    return t.cases


#: The ``sync/channel`` suite.
SUITE = Suite(
    name="sync/channel",
    description="The secure channel: Noise_XX_25519_ChaChaPoly_SHA256 handshake with "
    "signed identities, transport records and frames, and their refusals. Keys are "
    "derive_seed('sync-channel-<label>'), '-static' and '-ephemeral' suffixes for the "
    "X25519 keys (raw 32-byte private keys).",
    notes=FLAGS,
    reason_flags=REASON_FLAGS,
    operations=CHANNEL_OPS,
    build_cases=_cases,
)
