"""Per-connection state: the state table, the peer record and bounded sets.

Spec: ``spec/01-sync.md`` rules ``[SYNC-26]``, ``[SYNC-34]``, ``[SYNC-45]``. Connection
states follow an explicit table in the manner of h11: :data:`TRANSITIONS` says which
event moves a connection from which state to which, :data:`ALLOWED` which message
types a peer may send in each state; anything else is ``sync.unexpected_message``.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from enum import Enum

from chipstack.errors import Reason, Rejected
from chipstack.sync.node.outputs import PeerId
from chipstack.sync.params import (
    NodeParams,
)
from chipstack.sync.recon import ReconSession
from chipstack.sync.wire import (
    MsgType,
)

#: Misbehaviour points per rejection reason ([SYNC-34]); unlisted reasons cost ``ban_score``.
PENALTIES: dict[Reason, int] = {
    Reason.SYNC_EXPIRED: 0,  # honest peers race with expiry
    Reason.SYNC_FUTURE_TIMESTAMP: 5,  # clocks differ
    Reason.SYNC_STORE_FULL: 0,
    Reason.SYNC_LOW_PRIORITY: 20,
    Reason.SYNC_RATE_LIMITED: 10,
    Reason.SYNC_UNEXPECTED_MESSAGE: 100,
}
#: The first byte of an ITEMS message, for the duplicate fast path ([SYNC-52]).
ITEMS_TYPE = bytes([MsgType.ITEMS])
#: Ids per WANT message a node sends (keeps answers well under MAX_MESSAGE).
WANT_CHUNK = 256
#: Peers remembered per id as able to serve it.
MAX_SOURCES = 4
#: Announced ids waiting for the push tree, at most.
MAX_DEFERRED = 100_000
#: Banned node keys remembered (oldest forgotten first), so bans cannot exhaust memory.
MAX_BANNED = 10_000


class ConnState(Enum):
    """The states of a connection ([SYNC-26], [SYNC-45])."""

    HANDSHAKE = "handshake"  # HELLO/AUTH not done yet (links without a secure channel)
    READY = "ready"  # authenticated: the node protocol runs
    CLOSING = "closing"  # BYE sent or received: the connection is being closed
    BANNED = "banned"  # closed at the ban score: key (and address) refused for ban_ms


class ConnEvent(Enum):
    """What moves a connection from one state to another."""

    AUTHENTICATED = "authenticated"  # the peer's AUTH verified, or the channel did it
    CLOSE = "close"  # either side ends the connection
    BAN = "ban"  # the peer reached the ban score


#: The state table, in the manner of h11: ``(state, event) -> next state``; a pair not
#: listed is a protocol error (``sync.unexpected_message``).
TRANSITIONS: dict[tuple[ConnState, ConnEvent], ConnState] = {
    (ConnState.HANDSHAKE, ConnEvent.AUTHENTICATED): ConnState.READY,
    (ConnState.HANDSHAKE, ConnEvent.CLOSE): ConnState.CLOSING,
    (ConnState.HANDSHAKE, ConnEvent.BAN): ConnState.BANNED,
    (ConnState.READY, ConnEvent.CLOSE): ConnState.CLOSING,
    (ConnState.READY, ConnEvent.BAN): ConnState.BANNED,
    (ConnState.CLOSING, ConnEvent.CLOSE): ConnState.CLOSING,
    (ConnState.BANNED, ConnEvent.CLOSE): ConnState.BANNED,
}

#: Message types a peer may send in each state ([SYNC-26], [SYNC-45]); any other is
#: ``sync.unexpected_message``. Nothing is read from a closing or banned connection.
ALLOWED: dict[ConnState, frozenset[int]] = {
    ConnState.HANDSHAKE: frozenset({MsgType.HELLO, MsgType.AUTH, MsgType.BYE}),
    ConnState.READY: frozenset(set(MsgType) - {MsgType.HELLO, MsgType.AUTH}),
    ConnState.CLOSING: frozenset(),
    ConnState.BANNED: frozenset(),
}


#: Every message type byte the protocol defines ([SYNC-20]).
MESSAGE_TYPES: frozenset[int] = frozenset(MsgType)


def next_state(state: ConnState, event: ConnEvent) -> ConnState:
    """The state after ``event`` in ``state`` ([SYNC-26]); ``Rejected`` if the table has none."""
    nxt = TRANSITIONS.get((state, event))
    if nxt is None:
        raise Rejected(Reason.SYNC_UNEXPECTED_MESSAGE, f"{event.value} in state {state.value}")
    return nxt


def refilled(level: float, elapsed_ms: int, rate_per_s: int, burst: int) -> float:
    """A token bucket's level after ``elapsed_ms`` of refilling at ``rate_per_s``, capped."""
    return min(float(burst), level + elapsed_ms * rate_per_s / 1000)


class Bounded:
    """An insertion-ordered set that forgets its oldest entries past ``cap``.

    An ``OrderedDict``: forgetting the oldest entry is O(1) (a plain dict would scan
    the holes its deleted first entries leave, a cost that grows with the cap).
    """

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self._d: OrderedDict[bytes, None] = OrderedDict()

    def add(self, key: bytes) -> None:
        """Remember ``key``, forgetting the oldest entry past the cap."""
        d = self._d
        if key in d:
            return
        d[key] = None
        if len(d) > self.cap:
            d.popitem(last=False)

    def __contains__(self, key: object) -> bool:
        return key in self._d

    def discard(self, key: bytes) -> None:
        """Forget ``key`` if present."""
        self._d.pop(key, None)

    def __len__(self) -> int:
        return len(self._d)


class Peer:
    """What a node knows about one connection."""

    @property
    def ready(self) -> bool:
        """Whether the peer is authenticated and the node protocol runs."""
        return self.state is ConnState.READY

    def __init__(self, pid: PeerId, now: int, challenge: bytes, params: NodeParams) -> None:
        self.pid = pid
        self.opened = now
        self.challenge = challenge
        self.remote_key: bytes | None = None
        self.address: str | None = None  # the IP the connection comes from, if known
        self.state = ConnState.HANDSHAKE  # [SYNC-26] the state table above
        self.score = 0
        self.known = Bounded(params.known_per_peer)
        self.announce: list[bytes] = []
        self.inflight = 0
        self.tokens = float(params.rate_burst_bytes)
        self.refilled = now
        self.server: tuple[int, ReconSession] | None = None
        self.server_started = -(10**18)
        self.server_last = 0
        self.lazy_for = Bounded(params.known_per_peer)  # authors we only announce to it
        self.pruned = Bounded(params.known_per_peer)  # authors we asked it not to push
        self.out_tokens = float(params.out_burst_bytes)  # outbound budget ([SYNC-36])
        self.out_refilled = now
        self.push_queue: deque[bytes] = deque()  # ids to push after reconciliation
        self.work = float(params.work_burst)  # work budget ([SYNC-52])
        self.work_refilled = now
        self.recon_tokens = float(params.recon_msgs_burst)  # RECON messages ([SYNC-51])
        self.recon_refilled = now
        self.recon_pushed: dict[bytes, int] = {}  # id -> when pushed after recon ([SYNC-37])
