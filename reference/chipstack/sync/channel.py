"""The secure channel: Noise XX with the node identity signed into the handshake.

Spec: ``spec/01-sync.md`` section 3.2 "Secure channel", rules ``[SYNC-40]`` ..
``[SYNC-46]``. Sans-IO: feed received bytes to :meth:`Channel.receive`, write what it
returns; wrap every outgoing node message with :meth:`Channel.send`.

On the wire everything is a *record*: a u16 little-endian length (at most 65535) then
that many bytes. The first three records are the XX handshake messages; every later
record is a ChaCha20-Poly1305 ciphertext of a piece of the plaintext stream, which
carries node messages as frames ``u32 length || message`` ([SYNC-21]). Handshake
messages 2 and 3 carry the sender's *identity*: ``version u8 || network_id 32 ||
node_key 32 || signature 64``, the signature by ``node_key`` (Ed25519) of
``tagged_hash("chipstack/sync/channel", network_id || h || static_key)`` where ``h`` is
the handshake hash just before the payload is encrypted and ``static_key`` the sender's
X25519 key. ``h`` covers both ephemeral keys and every static key sent so far, so a
signature made on one connection is worthless on any other: a relay fails.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from chipstack.crypto import PUBLIC_KEY_LEN, SIGNATURE_LEN, PrivateKey, PublicKey, Tag
from chipstack.errors import Reason, Rejected
from chipstack.sync.noise import DHLEN, TAGLEN, CipherState, HandshakeXX
from chipstack.sync.params import PROTOCOL_VERSION
from chipstack.sync.wire import frame, take_frames

#: Mixed into the handshake hash before the first message ([SYNC-40]).
PROLOGUE = b"chipstack/sync/channel/1"
#: Bytes of the record length prefix ([SYNC-40]).
RECORD_HEADER = 2
#: Largest record body (a Noise message) ([SYNC-40]).
MAX_RECORD = 65535
#: Largest plaintext in one transport record ([SYNC-43]).
MAX_RECORD_PLAINTEXT = MAX_RECORD - TAGLEN
#: Length of an identity payload ([SYNC-41]).
IDENTITY_LEN = 1 + 32 + PUBLIC_KEY_LEN + SIGNATURE_LEN
#: Exact lengths of the three handshake messages ([SYNC-42]).
HANDSHAKE_LENGTHS = (DHLEN, DHLEN + (DHLEN + TAGLEN) + IDENTITY_LEN + TAGLEN,
                     (DHLEN + TAGLEN) + IDENTITY_LEN + TAGLEN)


def identity_digest_input(network_id: bytes, h: bytes, static_key: bytes) -> bytes:
    """What an identity signature covers (under tag ``chipstack/sync/channel``) ([SYNC-41])."""
    return network_id + h + static_key


def make_identity(key: PrivateKey, network_id: bytes, h: bytes, static_key: bytes) -> bytes:
    """The identity payload: version, network id, node key, signature ([SYNC-41])."""
    sig = key.sign_tagged(Tag.SYNC_CHANNEL, identity_digest_input(network_id, h, static_key))
    return bytes([PROTOCOL_VERSION]) + network_id + key.public_key.raw + sig


def check_identity(payload: bytes, network_id: bytes, own_key: bytes, h: bytes,
                   static_key: bytes) -> bytes:
    """Check a peer's identity payload and return its node key ([SYNC-42]).

    Checks, in this order: length (``sync.handshake_failed``), version
    (``encoding.unknown_version``), network (``sync.wrong_network``), not our own key
    (``sync.unexpected_message``), a valid key (``crypto.bad_public_key``), then the
    signature (``crypto.bad_signature``).
    """
    if len(payload) != IDENTITY_LEN:
        raise Rejected(Reason.SYNC_HANDSHAKE_FAILED, f"identity of {len(payload)} bytes")
    if payload[0] != PROTOCOL_VERSION:
        raise Rejected(Reason.ENCODING_UNKNOWN_VERSION, f"protocol {payload[0]}")
    if payload[1:33] != network_id:
        raise Rejected(Reason.SYNC_WRONG_NETWORK, payload[1:33].hex())
    node_key = payload[33 : 33 + PUBLIC_KEY_LEN]
    if node_key == own_key:
        raise Rejected(Reason.SYNC_UNEXPECTED_MESSAGE, "connected to self")
    sig = payload[33 + PUBLIC_KEY_LEN :]
    PublicKey(node_key).verify_tagged(sig, Tag.SYNC_CHANNEL,
                                      identity_digest_input(network_id, h, static_key))
    return node_key


class Channel:
    """One end of a secure channel; see the module docstring.

    ``receive`` and ``send`` raise :class:`Rejected` on any failure; the connection must
    then be closed (the channel is unusable). ``static`` and ``ephemeral`` default to
    fresh keys (tests pin them).
    """

    def __init__(self, initiator: bool, identity: PrivateKey, network_id: bytes,
                 static: X25519PrivateKey | None = None,
                 ephemeral: X25519PrivateKey | None = None) -> None:
        self.initiator = initiator
        self.identity = identity
        self.network_id = network_id
        self._hs: HandshakeXX | None = HandshakeXX(
            initiator, static or X25519PrivateKey.generate(), PROLOGUE, ephemeral)
        self._send_cs: CipherState | None = None
        self._recv_cs: CipherState | None = None
        self._inbox = bytearray()  # received bytes not yet a whole record
        self._plain = bytearray()  # decrypted stream not yet a whole frame
        self._failed = False
        #: The peer's verified node key once the handshake is done ([SYNC-42]).
        self.remote_key: bytes | None = None
        #: The final handshake hash (the channel binding), once the handshake is done.
        self.binding: bytes | None = None
        #: Transport records decrypted so far (work the peer caused, charged by the
        #: transport to its budget: [SYNC-52]).
        self.records_in = 0
        #: Node messages (whole frames) received so far; the transport restarts a
        #: frame's read deadline when it grows ([SYNC-53]).
        self.frames_in = 0

    @property
    def established(self) -> bool:
        """Whether the handshake completed and the peer's identity verified."""
        return self.remote_key is not None

    @property
    def buffered(self) -> int:
        """Bytes held for incomplete records and frames (for the memory budget, [SYNC-52])."""
        return len(self._inbox) + len(self._plain)

    @property
    def partial(self) -> bool:
        """Whether a record or frame has started arriving but is not complete ([SYNC-53])."""
        return bool(self._inbox) or bool(self._plain)

    def start(self) -> bytes:
        """The initiator's first record (message 1, empty payload); ``b""`` for a responder."""
        if not self.initiator:
            return b""
        assert self._hs is not None
        return self._record(self._hs.write_message(b""))

    def _record(self, body: bytes) -> bytes:
        return len(body).to_bytes(RECORD_HEADER, "little") + body

    def _identity(self, h: bytes) -> bytes:
        assert self._hs is not None
        return make_identity(self.identity, self.network_id, h, self._hs.s_pub)

    def receive(self, data: bytes) -> tuple[bytes, list[bytes]]:
        """Take received bytes; return ``(bytes to send, node messages received)``."""
        if self._failed:
            raise Rejected(Reason.SYNC_RECORD_FAILED, "channel already failed")
        try:
            return self._receive(data)
        except Rejected:
            self._failed = True
            raise

    def _receive(self, data: bytes) -> tuple[bytes, list[bytes]]:
        self._inbox += data
        out = bytearray()
        messages: list[bytes] = []
        inbox = self._inbox
        pos = 0
        while len(inbox) - pos >= RECORD_HEADER:
            n = int.from_bytes(inbox[pos : pos + RECORD_HEADER], "little")
            if self._hs is not None:  # [SYNC-42] a wrong length fails at its header
                self._check_handshake_length(n)
            if len(inbox) - pos - RECORD_HEADER < n:
                break
            body = bytes(inbox[pos + RECORD_HEADER : pos + RECORD_HEADER + n])
            pos += RECORD_HEADER + n
            if self._hs is not None:
                out += self._handshake_record(body)
            else:
                self._transport_record(body, messages)
        del inbox[:pos]
        return bytes(out), messages

    def _check_handshake_length(self, n: int) -> None:
        hs = self._hs
        assert hs is not None
        expected = HANDSHAKE_LENGTHS[hs.step]
        if n != expected:  # [SYNC-42]
            raise Rejected(Reason.SYNC_HANDSHAKE_FAILED,
                           f"handshake message {hs.step + 1} of {n} bytes, not {expected}")

    def _handshake_record(self, body: bytes) -> bytes:
        hs = self._hs
        assert hs is not None
        self._check_handshake_length(len(body))
        payload = hs.read_message(body)
        if hs.step == 1:  # responder read message 1: answer with message 2
            return self._record(hs.write_message(self._identity))
        assert hs.rs is not None
        self.remote_key = check_identity(payload, self.network_id, self.identity.public_key.raw,
                                         hs.payload_h, hs.rs)
        reply = b""
        if hs.step == 2:  # initiator read message 2: finish with message 3
            reply = self._record(hs.write_message(self._identity))
        self._send_cs, self._recv_cs = hs.split()
        self.binding = hs.h
        self._hs = None
        return reply

    def _transport_record(self, body: bytes, messages: list[bytes]) -> None:
        assert self._recv_cs is not None
        if len(body) <= TAGLEN:  # [SYNC-43] a record carries at least one byte
            raise Rejected(Reason.SYNC_RECORD_FAILED, f"record of {len(body)} bytes")
        plain = self._recv_cs.decrypt(b"", body, Reason.SYNC_RECORD_FAILED)
        self.records_in += 1
        self._plain += plain
        frames = take_frames(self._plain)  # [SYNC-21], [SYNC-43]
        self.frames_in += len(frames)
        messages += frames

    def send(self, message: bytes) -> bytes:
        """Encrypt one node message (as a frame) into records ([SYNC-43])."""
        if self._send_cs is None:
            raise Rejected(Reason.SYNC_UNEXPECTED_MESSAGE, "channel not established")
        stream = frame(message)
        out = bytearray()
        for i in range(0, len(stream), MAX_RECORD_PLAINTEXT):
            out += self._record(self._send_cs.encrypt(b"", stream[i : i + MAX_RECORD_PLAINTEXT]))
        return bytes(out)
