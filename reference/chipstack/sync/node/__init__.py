"""The sync node: a sans-IO state machine fed ``(now, peer, bytes)`` and ``tick(now)``.

Spec: ``spec/01-sync.md`` section 3, rules ``[SYNC-20]`` .. ``[SYNC-64]``.
The node never reads a clock, never does IO and draws randomness only from the
``random.Random`` it is given (and, for HELLO challenges, from
:attr:`Node.challenge_source`, which a real transport points at the OS's secure
generator), so the same inputs give the same outputs. Every call returns a list of
outputs for the driver (simulator or TCP transport):

* :class:`Send` - bytes to write to a peer,
* :class:`Close` - close the connection to a peer (the node has already forgotten it),
* :class:`Accepted` - an item entered the store (for subscribers and metrics).

The node is split by concern: ``state`` (the connection state table and peer
records), ``connections``, ``push``, ``fetch``, ``reconcile`` (one mixin each over
``base``), put together in ``core``. The secure channel and the u32 framing are the
transport's (``chipstack.sync.channel``, ``chipstack.sync.wire``).
"""

from chipstack.sync.node.core import Node
from chipstack.sync.node.handshake import (
    check_hello,
    handshake_message,
    sign_challenge,
    verify_challenge,
)
from chipstack.sync.node.outputs import Accepted, Close, NodeStats, Output, PeerId, Send
from chipstack.sync.node.state import ALLOWED, PENALTIES, TRANSITIONS, ConnEvent, ConnState

__all__ = [
    "ALLOWED",
    "PENALTIES",
    "TRANSITIONS",
    "Accepted",
    "Close",
    "ConnEvent",
    "ConnState",
    "Node",
    "NodeStats",
    "Output",
    "PeerId",
    "Send",
    "check_hello",
    "handshake_message",
    "sign_challenge",
    "verify_challenge",
]
