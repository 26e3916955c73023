"""The shared base of a node's parts: settings, state, budgets, penalties, sending.

Spec: ``spec/01-sync.md`` rules ``[SYNC-33]``, ``[SYNC-34]``, ``[SYNC-36]``, ``[SYNC-52]``.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from chipstack.crypto import PrivateKey
from chipstack.errors import Reason
from chipstack.sync.item import Item, decode_item, verify_signature
from chipstack.sync.negentropy import Storage
from chipstack.sync.node.outputs import Close, NodeStats, Output, PeerId, Send
from chipstack.sync.node.state import PENALTIES, Bounded, ConnEvent, Peer, next_state, refilled
from chipstack.sync.params import (
    NodeParams,
)
from chipstack.sync.peers import AddressBook
from chipstack.sync.recon import ReconSession
from chipstack.sync.store import Store
from chipstack.sync.wire import (
    Addr,
    Auth,
    Bye,
    Hello,
    Message,
    Recon,
    ReconReply,
    encode_message,
)

if TYPE_CHECKING:
    from chipstack.sync.node.reconcile import ClientSession


class NodeBase:
    """What every part of a node shares: its settings, state and the helpers that
    meter, penalise and send. The parts (connections, push, fetch, reconciliation) are
    mixins over it; :class:`~chipstack.sync.node.core.Node` puts them together."""

    def __init__(self, key: PrivateKey, params: NodeParams | None = None,
                 rng: random.Random | None = None, store: Store | None = None) -> None:
        self.key = key
        self.node_key = key.public_key.raw
        self.params = params or NodeParams()
        self.rng = rng or random.Random(0)
        #: The items; in memory unless a persistent store is given ([SYNC-17]).
        self.store = store if store is not None else Store(self.params.store_max_items,
                                                           self.params.store_max_bytes)
        self.stats = NodeStats()
        self.peers: dict[PeerId, Peer] = {}
        self._seen = Bounded(self.params.seen_cache)
        self._via_have = Bounded(self.params.known_per_peer)  # ids asked for after a HAVE
        self._authors = Bounded(self.params.known_per_peer)  # authors whose trees exist
        self._deferred: dict[bytes, list[PeerId]] = {}  # announced ids waiting for the push tree
        self._deferred_order: deque[tuple[int, bytes]] = deque()
        self._fetching: dict[bytes, tuple[PeerId, int]] = {}
        self._fetch_order: deque[tuple[int, bytes]] = deque()
        self._sources: dict[bytes, list[PeerId]] = {}
        self._banned: dict[bytes, int] = {}
        self._client: ClientSession | None = None
        #: Addresses learned from peers' ADDR messages ([SYNC-61]).
        self.address_book = AddressBook(self.rng)
        #: Where this node listens, shared with every new peer (set by the transport).
        self.local_addresses: list[tuple[str, int]] = []
        self._avoid: PeerId | None = None  # peer of the last abandoned session ([SYNC-35])
        self._next_recon = 0
        self._session_counter = 0
        #: Where HELLO challenges come from ([SYNC-23]). The default draws from ``rng`` so
        #: that simulations are reproducible; a real transport must replace it with a
        #: cryptographically secure source (``TcpNode`` uses ``os.urandom``), since
        #: predictable challenges let a peer replay another node's AUTH.
        self.challenge_source: Callable[[], bytes] = lambda: self.rng.randbytes(32)
        #: How item encodings are decoded. A driver running many nodes in one process
        #: (the simulator) may share a memoising decoder: decoding is deterministic.
        self.decode_item: Callable[[bytes], Item] = decode_item
        #: How an item's signature is checked ([SYNC-6]); the simulator may share a
        #: memoising verifier (same outcome), a real node keeps this one.
        self.verify_item: Callable[[Item], None] = verify_signature

    def _take_tokens(self, now: int, p: Peer, n: int) -> bool:
        prm = self.params
        p.tokens = refilled(p.tokens, now - p.refilled, prm.rate_bytes_per_s,
                            prm.rate_burst_bytes)
        p.refilled = now
        if n > p.tokens:
            return False
        p.tokens -= n
        return True

    def _work_left(self, now: int, p: Peer) -> bool:
        """Refill the peer's work budget; whether its balance is not negative ([SYNC-52])."""
        prm = self.params
        p.work = refilled(p.work, now - p.work_refilled, prm.work_per_s, prm.work_burst)
        p.work_refilled = now
        return p.work >= 0

    def _charge(self, p: Peer, units: int) -> None:
        """Charge ``units`` of work to the peer that caused it ([SYNC-52])."""
        p.work -= units
        self.stats.work += units

    def _take_out(self, now: int, p: Peer, n: int) -> bool:
        """Spend ``n`` bytes of the peer's outbound budget; False if over it ([SYNC-36])."""
        prm = self.params
        p.out_tokens = refilled(p.out_tokens, now - p.out_refilled, prm.out_rate_bytes_per_s,
                                prm.out_burst_bytes)
        p.out_refilled = now
        if n > p.out_tokens:
            return False
        p.out_tokens -= n
        return True

    def _penalize(self, now: int, p: Peer, reason: Reason, out: list[Output],
                  points: int | None = None) -> bool:
        """Add misbehaviour points; close the peer at ``ban_score``; return True if closed."""
        p.score += PENALTIES.get(reason, self.params.ban_score) if points is None else points
        if p.score >= self.params.ban_score and p.pid in self.peers:
            self._close(now, p, reason, out)
            return True
        return False

    def _close(self, now: int, p: Peer, reason: Reason, out: list[Output]) -> None:
        banned = p.score >= self.params.ban_score
        p.state = next_state(p.state, ConnEvent.BAN if banned else ConnEvent.CLOSE)
        if p.remote_key is not None and banned:
            self._banned[p.remote_key] = now + self.params.ban_ms
        out.append(self._send(p.pid, Bye(reason.value)))
        out.append(Close(p.pid, reason.value, banned))
        self.disconnected(now, p.pid)

    def _send(self, peer: PeerId, msg: Message, recon: bool = False) -> Send:
        data = encode_message(msg)
        self.stats.bytes_out += len(data)
        return Send(peer, data)

    if TYPE_CHECKING:  # the parts call one another; their signatures, for the type checker

        def connect(self, now: int, peer: PeerId, remote_key: bytes | None = None,  # noqa: D102
                    address: str | None = None) -> list[Output]: ...

        def _ready(self, now: int, p: Peer, out: list[Output]) -> None: ...

        def _on_addr(self, p: Peer, msg: Addr) -> None: ...

        def disconnected(self, now: int, peer: PeerId) -> None: ...  # noqa: D102

        def ready_peers(self) -> list[PeerId]: ...  # noqa: D102

        def _on_hello(self, now: int, p: Peer, msg: Hello, out: list[Output]) -> None: ...

        def _on_auth(self, now: int, p: Peer, msg: Auth, out: list[Output]) -> None: ...

        def publish(self, now: int, item: Item) -> list[Output]: ...  # noqa: D102

        def publish_many(self, now: int, items: Iterable[Item]) -> list[Output]: ...  # noqa: D102

        def _flush_pushes(self, pushes: dict[PeerId, list[Item]], out: list[Output]) -> None: ...

        def _decode_items(self, data: bytes) -> list[Item | bytes]: ...

        def _on_items(self, now: int, p: Peer, items: Iterable[Item | bytes],
                      out: list[Output]) -> None: ...

        def _accept_items(self, now: int, p: Peer, items: Iterable[Item | bytes],
                          out: list[Output], pushes: dict[PeerId, list[Item]]) -> None: ...

        def _propagate(self, item: Item, source: PeerId | None, pushes: dict[PeerId, list[Item]],
                       own: bool) -> None: ...

        def _flush_announcements(self, out: list[Output]) -> None: ...

        def _refetch(self, now: int, iid: bytes, sources: list[PeerId], bad: PeerId,
                     out: list[Output]) -> None: ...

        def _on_have(self, now: int, p: Peer, ids: Iterable[bytes], out: list[Output],
                     announced: bool = False) -> None: ...

        def _defer(self, due: int, iid: bytes, pid: PeerId) -> None: ...

        def _fetch_deferred(self, now: int, out: list[Output]) -> None: ...

        def _request(self, now: int, p: Peer, ids: list[bytes], out: list[Output]) -> None: ...

        def _release(self, pid: PeerId) -> None: ...

        def _on_want(self, now: int, p: Peer, ids: Iterable[bytes], out: list[Output]) -> None: ...

        def _send_items(self, pid: PeerId, items: list[Item], out: list[Output]) -> None: ...

        def _retry_fetches(self, now: int, out: list[Output]) -> None: ...

        def _live_keys(self, now: int) -> Storage: ...

        def _reconcile_tick(self, now: int, out: list[Output]) -> None: ...

        def _new_session(self, keys: Storage) -> ReconSession: ...

        def _on_recon(self, now: int, p: Peer, msg: Recon, out: list[Output]) -> None: ...

        def _on_recon_reply(self, now: int, p: Peer, msg: ReconReply,
                            out: list[Output]) -> None: ...

        def _send_paced(self, now: int, client: ClientSession, out: list[Output]) -> None: ...

        def _abandon(self, now: int, client: ClientSession) -> None: ...

        def _drain_pushes(self, now: int, p: Peer, out: list[Output]) -> None: ...
