"""The HELLO/AUTH handshake of links without a secure channel ([SYNC-23] .. [SYNC-26]).

Only the simulator's trusted links use it; every TCP connection runs the secure channel of
``chipstack.sync.channel`` instead ([SYNC-40] .. [SYNC-45]).
"""

from __future__ import annotations

from chipstack.crypto import PrivateKey, PublicKey, Tag
from chipstack.errors import Reason, Rejected
from chipstack.sync.params import (
    PROTOCOL_VERSION,
)
from chipstack.sync.wire import (
    Hello,
)


def check_hello(msg: Hello, network_id: bytes, own_key: bytes) -> None:
    """Refuse a HELLO of another protocol version or network, or from ourselves ([SYNC-24])."""
    if msg.version != PROTOCOL_VERSION:
        raise Rejected(Reason.ENCODING_UNKNOWN_VERSION, f"protocol {msg.version}")
    if msg.network_id != network_id:
        raise Rejected(Reason.SYNC_WRONG_NETWORK, msg.network_id.hex())
    if msg.node_key == own_key:
        raise Rejected(Reason.SYNC_UNEXPECTED_MESSAGE, "connected to self")
    PublicKey(msg.node_key)


def handshake_message(network_id: bytes, challenge: bytes, signer: bytes) -> bytes:
    """What AUTH signs (under tag HANDSHAKE): ``network_id || challenge || signer`` ([SYNC-25])."""
    return network_id + challenge + signer


def sign_challenge(key: PrivateKey, network_id: bytes, challenge: bytes) -> bytes:
    """Return the AUTH signature answering ``challenge`` ([SYNC-25])."""
    msg = handshake_message(network_id, challenge, key.public_key.raw)
    return key.sign_tagged(Tag.HANDSHAKE, msg)


def verify_challenge(
    node_key: bytes, network_id: bytes, challenge: bytes, signature: bytes
) -> None:
    """Check an AUTH signature; raise ``Rejected(crypto.bad_signature)`` if wrong ([SYNC-25])."""
    msg = handshake_message(network_id, challenge, node_key)
    PublicKey(node_key).verify_tagged(signature, Tag.HANDSHAKE, msg)
