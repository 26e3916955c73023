"""The Noise protocol framework, pattern XX, as ``Noise_XX_25519_ChaChaPoly_SHA256``.

Spec: ``spec/01-sync.md`` section 3.2 "Secure channel" (rules ``[SYNC-40]`` ..
``[SYNC-42]``), which follows the Noise Protocol Framework, revision 34
(https://noiseprotocol.org/noise.html), sections 4 (crypto functions), 5 (processing
rules) and 7.5 (pattern XX)::

    XX:
      -> e
      <- e, ee, s, es
      -> s, se

Written on ``cryptography``'s X25519, ChaCha20-Poly1305 and ``hmac``/``hashlib``
SHA-256 (no Noise library fits the dependency rules: the maintained ones are not in the
allowed list, and Noise's ``HKDF`` is a few HMAC calls). Sans-IO: the caller moves the
bytes. Any failure (a message of the wrong length, a low-order public key, a tag that
does not verify) raises :class:`~chipstack.errors.Rejected` and leaves the state unusable.
Tested against the cacophony vectors for this exact protocol name.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from chipstack.errors import Reason, Rejected

#: The full protocol name, hashed into the initial state ([SYNC-40]).
PROTOCOL_NAME = b"Noise_XX_25519_ChaChaPoly_SHA256"
#: Length of a SHA-256 output and of a chaining key.
HASHLEN = 32
#: Length of an X25519 public key.
DHLEN = 32
#: Length of a ChaCha20-Poly1305 authentication tag.
TAGLEN = 16
#: Largest Noise message, handshake or transport (Noise section 3).
MAX_NOISE_MESSAGE = 65535
#: A cipher state refuses to use this nonce (Noise section 5.1; no rekey: [SYNC-43]).
MAX_NONCE = 2**64 - 1


def _hash(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _hmac(key: bytes, data: bytes) -> bytes:
    return hmac.new(key, data, hashlib.sha256).digest()


def hkdf2(chaining_key: bytes, ikm: bytes) -> tuple[bytes, bytes]:
    """Noise's ``HKDF(chaining_key, input_key_material, 2)`` (section 4.3), on HMAC-SHA256."""
    temp = _hmac(chaining_key, ikm)
    out1 = _hmac(temp, b"\x01")
    out2 = _hmac(temp, out1 + b"\x02")
    return out1, out2


def public_bytes(key: X25519PrivateKey) -> bytes:
    """The 32-byte raw X25519 public key of ``key``."""
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def dh(key: X25519PrivateKey, public: bytes) -> bytes:
    """X25519 of ``key`` and ``public``; a low-order public key is ``sync.handshake_failed``."""
    try:
        return key.exchange(X25519PublicKey.from_public_bytes(public))
    except ValueError as exc:  # all-zero output: a low-order point
        raise Rejected(Reason.SYNC_HANDSHAKE_FAILED, "low-order public key") from exc


class CipherState:
    """A key and a counter nonce (Noise section 5.1); without a key it passes data through."""

    def __init__(self, key: bytes | None = None) -> None:
        self._aead = ChaCha20Poly1305(key) if key is not None else None
        self.nonce = 0

    @property
    def has_key(self) -> bool:
        """Whether a key is set (before the first ``MixKey`` a handshake sends cleartext)."""
        return self._aead is not None

    def _next_nonce(self) -> bytes:
        if self.nonce >= MAX_NONCE:
            raise Rejected(Reason.SYNC_RECORD_FAILED, "nonce exhausted")
        n = self.nonce.to_bytes(8, "little")
        self.nonce += 1
        return b"\x00\x00\x00\x00" + n

    def encrypt(self, ad: bytes, plaintext: bytes) -> bytes:
        """``EncryptWithAd``: ChaCha20-Poly1305 with the 96-bit nonce ``0^32 || LE64(n)``."""
        if self._aead is None:
            return plaintext
        return self._aead.encrypt(self._next_nonce(), plaintext, ad)

    def decrypt(self, ad: bytes, ciphertext: bytes, reason: Reason) -> bytes:
        """``DecryptWithAd``; a tag that does not verify is ``Rejected(reason)``.

        The nonce advances only on success, as Noise requires.
        """
        if self._aead is None:
            return ciphertext
        if self.nonce >= MAX_NONCE:
            raise Rejected(reason, "nonce exhausted")
        nonce = b"\x00\x00\x00\x00" + self.nonce.to_bytes(8, "little")
        try:
            out = self._aead.decrypt(nonce, ciphertext, ad)
        except InvalidTag as exc:
            raise Rejected(reason, "authentication tag does not verify") from exc
        self.nonce += 1
        return out


class SymmetricState:
    """Chaining key, handshake hash and the current cipher (Noise section 5.2)."""

    def __init__(self, protocol_name: bytes) -> None:
        if len(protocol_name) <= HASHLEN:
            self.h = protocol_name + bytes(HASHLEN - len(protocol_name))
        else:
            self.h = _hash(protocol_name)
        self.ck = self.h
        self.cipher = CipherState()

    def mix_key(self, ikm: bytes) -> None:
        """``MixKey``: advance the chaining key and set a new cipher key."""
        self.ck, key = hkdf2(self.ck, ikm)
        self.cipher = CipherState(key)

    def mix_hash(self, data: bytes) -> None:
        """``MixHash``: ``h = SHA-256(h || data)``."""
        self.h = _hash(self.h + data)

    def encrypt_and_hash(self, plaintext: bytes) -> bytes:
        """``EncryptAndHash``: encrypt with ``h`` as associated data, then mix the ciphertext."""
        ct = self.cipher.encrypt(self.h, plaintext)
        self.mix_hash(ct)
        return ct

    def decrypt_and_hash(self, ciphertext: bytes) -> bytes:
        """``DecryptAndHash``; a bad tag is ``sync.handshake_failed``."""
        pt = self.cipher.decrypt(self.h, ciphertext, Reason.SYNC_HANDSHAKE_FAILED)
        self.mix_hash(ciphertext)
        return pt

    def split(self) -> tuple[CipherState, CipherState]:
        """``Split``: the initiator-to-responder and responder-to-initiator ciphers."""
        k1, k2 = hkdf2(self.ck, b"")
        return CipherState(k1), CipherState(k2)


class HandshakeXX:
    """One side of an XX handshake (Noise sections 5.3 and 7.5).

    ``write_message`` and ``read_message`` are called alternately, starting with the
    initiator's write; after the third message :attr:`done` is true and
    :meth:`split` gives the transport ciphers. :attr:`payload_h` holds the handshake
    hash right before the last payload was encrypted or decrypted, and
    ``write_message`` accepts a function of that hash as its payload, so that a caller
    can sign (or check a signature over) exactly that value ([SYNC-41]).
    """

    def __init__(self, initiator: bool, static: X25519PrivateKey, prologue: bytes,
                 ephemeral: X25519PrivateKey | None = None) -> None:
        self.initiator = initiator
        self.s = static
        self.s_pub = public_bytes(static)
        self._e_fixed = ephemeral  # tests pin the ephemeral key; None draws a fresh one
        self.e: X25519PrivateKey | None = None
        self.re: bytes | None = None
        #: The peer's static public key, once received (message 2 or 3).
        self.rs: bytes | None = None
        self.sym = SymmetricState(PROTOCOL_NAME)
        self.sym.mix_hash(prologue)
        self.step = 0  # messages processed so far (0 .. 3)
        #: The handshake hash right before the last payload was encrypted or decrypted.
        self.payload_h = b""

    @property
    def done(self) -> bool:
        """Whether all three messages have been processed."""
        return self.step == 3

    @property
    def h(self) -> bytes:
        """The current handshake hash (after message 3: the channel binding)."""
        return self.sym.h

    def _my_turn(self) -> bool:
        return (self.step % 2 == 0) == self.initiator

    def _new_ephemeral(self) -> bytes:
        self.e = self._e_fixed or X25519PrivateKey.generate()
        pub = public_bytes(self.e)
        self.sym.mix_hash(pub)
        return pub

    def write_message(self, payload: bytes | Callable[[bytes], bytes]) -> bytes:
        """Write the next handshake message (``WriteMessage``).

        ``payload`` is the payload, or a function from the handshake hash at that point
        (:attr:`payload_h`) to the payload.
        """
        if self.done or not self._my_turn():
            raise Rejected(Reason.SYNC_HANDSHAKE_FAILED, "not this side's turn to write")
        sym = self.sym
        out = b""
        if self.step == 0:  # -> e
            out += self._new_ephemeral()
        elif self.step == 1:  # <- e, ee, s, es
            assert self.re is not None
            out += self._new_ephemeral()
            assert self.e is not None
            sym.mix_key(dh(self.e, self.re))
            out += sym.encrypt_and_hash(self.s_pub)
            sym.mix_key(dh(self.s, self.re))
        else:  # -> s, se
            assert self.re is not None
            out += sym.encrypt_and_hash(self.s_pub)
            sym.mix_key(dh(self.s, self.re))
        self.payload_h = sym.h
        out += sym.encrypt_and_hash(payload(sym.h) if callable(payload) else payload)
        self.step += 1
        if len(out) > MAX_NOISE_MESSAGE:
            raise Rejected(Reason.ENCODING_OVER_LENGTH, f"handshake message of {len(out)} bytes")
        return out

    def read_message(self, message: bytes) -> bytes:
        """Read the peer's next handshake message and return its payload (``ReadMessage``)."""
        if self.done or self._my_turn():
            raise Rejected(Reason.SYNC_HANDSHAKE_FAILED, "not this side's turn to read")
        if len(message) > MAX_NOISE_MESSAGE:
            raise Rejected(Reason.ENCODING_OVER_LENGTH, f"handshake message of {len(message)}")
        sym = self.sym
        pos = 0

        def take(n: int) -> bytes:
            nonlocal pos
            if len(message) - pos < n:
                raise Rejected(Reason.SYNC_HANDSHAKE_FAILED, "handshake message too short")
            part = message[pos : pos + n]
            pos += n
            return part

        if self.step == 0:  # -> e
            self.re = take(DHLEN)
            sym.mix_hash(self.re)
        elif self.step == 1:  # <- e, ee, s, es
            assert self.e is not None
            self.re = take(DHLEN)
            sym.mix_hash(self.re)
            sym.mix_key(dh(self.e, self.re))
            self.rs = sym.decrypt_and_hash(take(DHLEN + TAGLEN))
            sym.mix_key(dh(self.e, self.rs))
        else:  # -> s, se
            assert self.e is not None
            self.rs = sym.decrypt_and_hash(take(DHLEN + TAGLEN))
            sym.mix_key(dh(self.e, self.rs))
        rest = message[pos:]
        if sym.cipher.has_key and len(rest) < TAGLEN:
            raise Rejected(Reason.SYNC_HANDSHAKE_FAILED, "handshake payload too short")
        self.payload_h = sym.h
        payload = sym.decrypt_and_hash(rest)
        self.step += 1
        return payload

    def split(self) -> tuple[CipherState, CipherState]:
        """``(send, receive)`` transport ciphers for this side, after message 3."""
        if not self.done:
            raise Rejected(Reason.SYNC_HANDSHAKE_FAILED, "handshake not finished")
        c1, c2 = self.sym.split()
        return (c1, c2) if self.initiator else (c2, c1)
