"""The sync node: a sans-IO state machine fed ``(now, peer, bytes)`` and ``tick(now)``.

Spec: ``spec/01-sync.md`` section "Node protocol", rules ``[SYNC-20]`` .. ``[SYNC-37]``.
The node never reads a clock, never does IO and draws randomness only from the
``random.Random`` it is given (and, for handshake challenges, from
:attr:`Node.challenge_source`, which a real transport points at the OS's secure
generator), so the same inputs give the same outputs. Every
call returns a list of outputs for the driver (simulator or TCP transport):

* :class:`Send` - bytes to write to a peer,
* :class:`Close` - close the connection to a peer (the node has already forgotten it),
* :class:`Accepted` - an item entered the store (for subscribers and metrics).
"""

from __future__ import annotations

import random
from collections import Counter, deque
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field

from chipstack.crypto import PrivateKey, PublicKey, Tag
from chipstack.errors import Reason, Rejected
from chipstack.sync.item import Item, check_valid
from chipstack.sync.params import (
    MAX_IDS_PER_MESSAGE,
    MAX_ITEMS_PER_MESSAGE,
    MAX_MESSAGE,
    PROTOCOL_VERSION,
    NodeParams,
)
from chipstack.sync.recon import ReconSession
from chipstack.sync.store import Store
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

#: How the driver names a connection (any hashable: an int over TCP, an index in the simulator).
PeerId = Hashable

#: Misbehaviour points per rejection reason ([SYNC-34]); unlisted reasons cost ``ban_score``.
PENALTIES: dict[Reason, int] = {
    Reason.SYNC_EXPIRED: 0,  # honest peers race with expiry
    Reason.SYNC_FUTURE_TIMESTAMP: 5,  # clocks differ
    Reason.SYNC_STORE_FULL: 0,
    Reason.SYNC_LOW_PRIORITY: 20,
    Reason.SYNC_RATE_LIMITED: 10,
    Reason.SYNC_UNEXPECTED_MESSAGE: 100,
}
#: Ids per WANT message a node sends (keeps answers well under MAX_MESSAGE).
WANT_CHUNK = 256
#: Peers remembered per id as able to serve it.
MAX_SOURCES = 4
#: Announced ids waiting for the push tree, at most.
MAX_DEFERRED = 100_000
#: Banned node keys remembered (oldest forgotten first), so bans cannot exhaust memory.
MAX_BANNED = 10_000


@dataclass(frozen=True)
class Send:
    """Write ``data`` (one node-protocol message) to ``peer``."""

    peer: PeerId
    data: bytes


@dataclass(frozen=True)
class Close:
    """Close the connection to ``peer``; ``reason`` is a reason code or ``"bye"``."""

    peer: PeerId
    reason: str


@dataclass(frozen=True)
class Accepted:
    """``item`` entered the store; ``peer`` is None for a local publish."""

    item: Item
    peer: PeerId | None


#: Everything a node call may return for its driver to act on.
Output = Send | Close | Accepted


@dataclass
class NodeStats:
    """Counters a node keeps about itself (for metrics; not part of the protocol)."""

    bytes_in: int = 0
    bytes_out: int = 0
    messages_in: int = 0
    items_in: int = 0
    duplicates: int = 0
    accepted: int = 0
    reconciliations: int = 0
    recon_bytes: int = 0
    #: Client sessions abandoned at ``recon_max_rounds`` or ``recon_max_session_ms`` ([SYNC-35]).
    recon_abandoned: int = 0
    #: Answers cut short or dropped by the per-peer outbound budget ([SYNC-36]).
    out_limited: int = 0
    #: Ids not pushed again after reconciliation because the peer refused them ([SYNC-37]).
    repush_skipped: int = 0
    rejected: Counter[str] = field(default_factory=Counter)


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


class _Bounded:
    """An insertion-ordered set that forgets its oldest entries past ``cap``."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self._d: dict[bytes, None] = {}

    def add(self, key: bytes) -> None:
        d = self._d
        if key in d:
            return
        d[key] = None
        if len(d) > self.cap:
            del d[next(iter(d))]

    def __contains__(self, key: object) -> bool:
        return key in self._d

    def discard(self, key: bytes) -> None:
        self._d.pop(key, None)

    def __len__(self) -> int:
        return len(self._d)


class _Peer:
    """What a node knows about one connection."""

    def __init__(self, pid: PeerId, now: int, challenge: bytes, params: NodeParams) -> None:
        self.pid = pid
        self.opened = now
        self.challenge = challenge
        self.remote_key: bytes | None = None
        self.ready = False
        self.score = 0
        self.known = _Bounded(params.known_per_peer)
        self.announce: list[bytes] = []
        self.inflight = 0
        self.tokens = float(params.rate_burst_bytes)
        self.refilled = now
        self.server: tuple[int, ReconSession] | None = None
        self.server_started = -(10**18)
        self.server_last = 0
        self.lazy_for = _Bounded(params.known_per_peer)  # authors we only announce to it
        self.pruned = _Bounded(params.known_per_peer)  # authors we asked it not to push
        self.out_tokens = float(params.out_burst_bytes)  # outbound budget ([SYNC-36])
        self.out_refilled = now
        self.push_queue: deque[bytes] = deque()  # ids to push after reconciliation
        self.recon_pushed: dict[bytes, int] = {}  # id -> when pushed after recon ([SYNC-37])


@dataclass
class _ClientSession:
    peer: PeerId
    session: int
    recon: ReconSession
    last: int
    started: int
    rounds: int = 0


class Node:
    """One sync node. See the module docstring for the calling convention."""

    def __init__(self, key: PrivateKey, params: NodeParams | None = None,
                 rng: random.Random | None = None) -> None:
        self.key = key
        self.node_key = key.public_key.raw
        self.params = params or NodeParams()
        self.rng = rng or random.Random(0)
        self.store = Store(self.params.store_max_items, self.params.store_max_bytes)
        self.stats = NodeStats()
        self.peers: dict[PeerId, _Peer] = {}
        self._seen = _Bounded(self.params.seen_cache)
        self._via_have = _Bounded(self.params.known_per_peer)  # ids asked for after a HAVE
        self._authors = _Bounded(self.params.known_per_peer)  # authors whose trees exist
        self._deferred: dict[bytes, list[PeerId]] = {}  # announced ids waiting for the push tree
        self._deferred_order: deque[tuple[int, bytes]] = deque()
        self._fetching: dict[bytes, tuple[PeerId, int]] = {}
        self._fetch_order: deque[tuple[int, bytes]] = deque()
        self._sources: dict[bytes, list[PeerId]] = {}
        self._banned: dict[bytes, int] = {}
        self._client: _ClientSession | None = None
        self._avoid: PeerId | None = None  # peer of the last abandoned session ([SYNC-35])
        self._next_recon = 0
        self._session_counter = 0
        #: Where HELLO challenges come from ([SYNC-23]). The default draws from ``rng`` so
        #: that simulations are reproducible; a real transport must replace it with a
        #: cryptographically secure source (``TcpNode`` uses ``os.urandom``), since
        #: predictable challenges let a peer replay another node's AUTH.
        self.challenge_source: Callable[[], bytes] = lambda: self.rng.randbytes(32)

    # -- connection lifecycle -----------------------------------------------------------

    def connect(self, now: int, peer: PeerId) -> list[Output]:
        """A connection to ``peer`` opened (either direction): send HELLO ([SYNC-24])."""
        p = _Peer(peer, now, self.challenge_source(), self.params)
        self.peers[peer] = p
        hello = Hello(PROTOCOL_VERSION, self.params.network_id, self.node_key, p.challenge)
        return [self._send(peer, hello)]

    def disconnected(self, now: int, peer: PeerId) -> None:
        """The connection to ``peer`` closed; forget the peer (idempotent)."""
        self.peers.pop(peer, None)
        if self._client is not None and self._client.peer == peer:
            self._client = None

    def ready_peers(self) -> list[PeerId]:
        """Peers that completed the handshake, in connection order."""
        return [pid for pid, p in self.peers.items() if p.ready]

    # -- inputs ----------------------------------------------------------------------

    def publish(self, now: int, item: Item) -> list[Output]:
        """Add a locally made item; raise :class:`Rejected` if it is not valid ([SYNC-11])."""
        return self.publish_many(now, [item])

    def publish_many(self, now: int, items: Iterable[Item]) -> list[Output]:
        """Publish several items, pushed together (one ITEMS message per peer).

        Raises :class:`Rejected` at the first invalid item; the ones before it are published.
        An item already in the store is skipped (no second :class:`Accepted`, no push).
        """
        p = self.params
        out: list[Output] = []
        pushes: dict[PeerId, list[Item]] = {}
        self.store.purge_expired(now)
        try:
            for item in items:
                if item.id in self.store:
                    continue
                check_valid(item, now, p.min_priority, p.max_clock_skew_ms)
                self._seen.add(item.id)
                for evicted in self.store.add(item):
                    self._seen.add(evicted.id)
                out.append(Accepted(item, None))
                self.stats.accepted += 1
                self._propagate(item, None, pushes, own=True)
        finally:
            self._flush_pushes(pushes, out)
        return out

    def _flush_pushes(self, pushes: dict[PeerId, list[Item]], out: list[Output]) -> None:
        for pid, batch in pushes.items():
            if pid in self.peers:
                self._send_items(pid, batch, out)

    def receive(self, now: int, peer: PeerId, data: bytes) -> list[Output]:
        """Handle one message from ``peer``; unknown peers are ignored."""
        p = self.peers.get(peer)
        if p is None:
            return []
        self.stats.bytes_in += len(data)
        self.stats.messages_in += 1
        out: list[Output] = []
        if not self._take_tokens(now, p, len(data)):
            self._penalize(now, p, Reason.SYNC_RATE_LIMITED, out)
            return out
        try:
            msg = decode_message(data)
        except Rejected as exc:
            self.stats.rejected[exc.reason.value] += 1
            self._penalize(now, p, exc.reason, out, self.params.ban_score)
            return out
        try:
            self._dispatch(now, p, msg, out)
        except Rejected as exc:
            self.stats.rejected[exc.reason.value] += 1
            self._penalize(now, p, exc.reason, out, self.params.ban_score)
        return out

    def tick(self, now: int) -> list[Output]:
        """Advance time: timeouts, expiry, announcements, fetch retries, reconciliation."""
        out: list[Output] = []
        prm = self.params
        for evicted in self.store.purge_expired(now):
            self._seen.add(evicted.id)
        for p in list(self.peers.values()):
            if not p.ready and now - p.opened > prm.handshake_timeout_ms:
                self._close(now, p, Reason.SYNC_TIMEOUT, out)
            elif p.server is not None and now - p.server_last > prm.recon_timeout_ms:
                p.server = None  # free the snapshot of a finished or abandoned session
            if p.push_queue and p.pid in self.peers:
                self._drain_pushes(now, p, out)
        if self._banned and len(self._banned) > MAX_BANNED:
            for key in [k for k, until in self._banned.items() if until <= now]:
                del self._banned[key]
            while len(self._banned) > MAX_BANNED:
                del self._banned[next(iter(self._banned))]
        self._flush_announcements(out)
        self._fetch_deferred(now, out)
        self._retry_fetches(now, out)
        self._reconcile_tick(now, out)
        return out

    # -- dispatch --------------------------------------------------------------------

    def _dispatch(self, now: int, p: _Peer, msg: Message, out: list[Output]) -> None:
        if isinstance(msg, Hello):
            self._on_hello(now, p, msg, out)
        elif isinstance(msg, Auth):
            self._on_auth(now, p, msg, out)
        elif isinstance(msg, Bye):
            self.disconnected(now, p.pid)
            out.append(Close(p.pid, "bye"))
        elif not p.ready:
            raise Rejected(Reason.SYNC_UNEXPECTED_MESSAGE, "message before handshake")  # [SYNC-26]
        elif isinstance(msg, Items):
            self._on_items(now, p, msg.items, out)
        elif isinstance(msg, Have):
            self._on_have(now, p, msg.ids, out, announced=True)
        elif isinstance(msg, Prune):
            p.lazy_for.add(msg.author)
        elif isinstance(msg, Graft):
            p.lazy_for.discard(msg.author)
        elif isinstance(msg, Want):
            self._on_want(now, p, msg.ids, out)
        elif isinstance(msg, Recon):
            self._on_recon(now, p, msg, out)
        else:
            self._on_recon_reply(now, p, msg, out)

    def _on_hello(self, now: int, p: _Peer, msg: Hello, out: list[Output]) -> None:
        if p.remote_key is not None:
            raise Rejected(Reason.SYNC_UNEXPECTED_MESSAGE, "second HELLO")
        check_hello(msg, self.params.network_id, self.node_key)
        until = self._banned.get(msg.node_key)
        if until is not None and now < until:
            raise Rejected(Reason.SYNC_MISBEHAVING, "banned key")
        p.remote_key = msg.node_key
        sig = sign_challenge(self.key, self.params.network_id, msg.challenge)
        out.append(self._send(p.pid, Auth(sig)))

    def _on_auth(self, now: int, p: _Peer, msg: Auth, out: list[Output]) -> None:
        if p.remote_key is None or p.ready:
            raise Rejected(Reason.SYNC_UNEXPECTED_MESSAGE, "AUTH out of order")
        verify_challenge(p.remote_key, self.params.network_id, p.challenge, msg.signature)
        p.ready = True
        if self._client is None:  # catch up with a new peer soon ([SYNC-31])
            self._next_recon = min(self._next_recon, now)

    def _on_items(self, now: int, p: _Peer, items: Iterable[Item], out: list[Output]) -> None:
        pushes: dict[PeerId, list[Item]] = {}
        try:
            self._accept_items(now, p, items, out, pushes)
        finally:
            self._flush_pushes(pushes, out)

    def _accept_items(self, now: int, p: _Peer, items: Iterable[Item], out: list[Output],
                      pushes: dict[PeerId, list[Item]]) -> None:
        prm = self.params
        for item in items:
            self.stats.items_in += 1
            iid = item.id
            p.known.add(iid)
            fetch = self._fetching.pop(iid, None)
            alternatives = self._sources.pop(iid, None) if fetch is not None else None
            if fetch is not None:
                self._release(fetch[0])
                if iid in self._via_have and item.author in p.pruned:
                    # an announcement beat the push tree: make this edge eager again
                    p.pruned.discard(item.author)
                    out.append(self._send(p.pid, Graft(item.author)))
            if iid in self.store or iid in self._seen:
                self.stats.duplicates += 1
                if fetch is None and item.author not in p.pruned:  # unrequested duplicate
                    p.pruned.add(item.author)
                    out.append(self._send(p.pid, Prune(item.author)))
                continue
            try:
                check_valid(item, now, prm.min_priority, prm.max_clock_skew_ms)
                for evicted in self.store.add(item):
                    self._seen.add(evicted.id)
            except Rejected as exc:
                self.stats.rejected[exc.reason.value] += 1
                if exc.reason in (Reason.SYNC_LOW_PRIORITY, Reason.SYNC_EXPIRED,
                                  Reason.SYNC_STORE_FULL):
                    self._seen.add(iid)  # the same id can never become acceptable
                elif alternatives and exc.reason == Reason.CRYPTO_BAD_SIGNATURE:
                    # the id does not cover the signature: another copy may be genuine
                    self._refetch(now, iid, alternatives, p.pid, out)
                if self._penalize(now, p, exc.reason, out):
                    return
                continue
            self._seen.add(iid)
            self._sources.pop(iid, None)
            self._deferred.pop(iid, None)
            self.stats.accepted += 1
            out.append(Accepted(item, p.pid))
            self._propagate(item, p.pid, pushes, own=False)

    def _refetch(self, now: int, iid: bytes, sources: list[PeerId], bad: PeerId,
                 out: list[Output]) -> None:
        """Ask the first other live source for ``iid``; keep the rest as alternatives."""
        live = [pid for pid in sources if pid != bad and pid in self.peers
                and self.peers[pid].ready]
        if live:
            if len(live) > 1:
                self._sources[iid] = live[1:]
            self._request(now, self.peers[live[0]], [iid], out)

    def _on_have(self, now: int, p: _Peer, ids: Iterable[bytes], out: list[Output],
                 announced: bool = False) -> None:
        wanted: list[bytes] = []
        delay = self.params.have_delay_ms if announced else 0
        for iid in ids:
            p.known.add(iid)
            if iid in self.store or iid in self._seen:
                continue
            if delay and iid not in self._fetching:
                self._defer(now + delay, iid, p.pid)
                continue
            if iid in self._fetching:
                sources = self._sources.setdefault(iid, [])
                if len(sources) < MAX_SOURCES and p.pid not in sources:
                    sources.append(p.pid)
                continue
            if p.inflight >= self.params.max_inflight_per_peer:
                continue
            wanted.append(iid)
            if announced:
                self._via_have.add(iid)
        self._request(now, p, wanted, out)

    def _defer(self, due: int, iid: bytes, pid: PeerId) -> None:
        """Remember an announced id; fetch it at ``due`` unless a push delivers it first."""
        sources = self._deferred.get(iid)
        if sources is None:
            if len(self._deferred) >= MAX_DEFERRED:
                return  # reconciliation will find it
            self._deferred[iid] = [pid]
            self._deferred_order.append((due, iid))
        elif len(sources) < MAX_SOURCES and pid not in sources:
            sources.append(pid)

    def _fetch_deferred(self, now: int, out: list[Output]) -> None:
        """Fetch the announced ids the push tree did not deliver in time ([SYNC-32])."""
        order = self._deferred_order
        wanted: dict[PeerId, list[bytes]] = {}
        cap = self.params.max_inflight_per_peer
        while order and order[0][0] <= now:
            _, iid = order.popleft()
            sources = self._deferred.pop(iid, None)
            if sources is None or iid in self.store or iid in self._seen or iid in self._fetching:
                continue
            live = [pid for pid in sources if pid in self.peers]
            for k, pid in enumerate(live):
                if self.peers[pid].inflight + len(wanted.get(pid, ())) < cap:
                    wanted.setdefault(pid, []).append(iid)
                    self._via_have.add(iid)
                    if len(live) > k + 1:
                        self._sources[iid] = live[k + 1 :]
                    break
        for pid, ids in wanted.items():
            self._request(now, self.peers[pid], ids, out)

    def _request(self, now: int, p: _Peer, ids: list[bytes], out: list[Output]) -> None:
        deadline = now + self.params.fetch_timeout_ms
        for iid in ids:
            self._fetching[iid] = (p.pid, deadline)
            self._fetch_order.append((deadline, iid))
        p.inflight += len(ids)
        for i in range(0, len(ids), WANT_CHUNK):
            out.append(self._send(p.pid, Want(tuple(ids[i : i + WANT_CHUNK]))))

    def _release(self, pid: PeerId) -> None:
        p = self.peers.get(pid)
        if p is not None and p.inflight > 0:
            p.inflight -= 1

    def _on_want(self, now: int, p: _Peer, ids: Iterable[bytes], out: list[Output]) -> None:
        """Answer a WANT with at most ``max_answer_items`` items of at most
        ``max_answer_bytes``, within the peer's outbound budget ([SYNC-32], [SYNC-36])."""
        prm = self.params
        found: list[Item] = []
        budget = prm.max_answer_bytes
        for iid in ids:
            item = self.store.get(iid)
            if item is None:
                continue
            budget -= item.size
            if budget < 0 or len(found) >= prm.max_answer_items:
                self.stats.out_limited += 1
                break
            if not self._take_out(now, p, item.size + 8):
                self.stats.out_limited += 1
                break
            found.append(item)
            p.known.add(iid)
        self._send_items(p.pid, found, out)

    def _send_items(self, pid: PeerId, items: list[Item], out: list[Output]) -> None:
        batch: list[Item] = []
        size = 0
        for item in items:
            full = len(batch) >= MAX_ITEMS_PER_MESSAGE or size + item.size + 8 > MAX_MESSAGE // 2
            if batch and full:
                out.append(self._send(pid, Items(tuple(batch))))
                batch, size = [], 0
            batch.append(item)
            size += item.size + 8
        if batch:
            out.append(self._send(pid, Items(tuple(batch))))

    # -- propagation -----------------------------------------------------------------

    def _propagate(self, item: Item, source: PeerId | None, pushes: dict[PeerId, list[Item]],
                   own: bool) -> None:
        """Push ``item`` in full along eager edges and announce it on lazy ones ([SYNC-30]).

        An item published here goes in full to every peer; a relayed item to at most
        ``push_fanout`` eager peers, and its id to at most ``announce_fanout`` lazy ones.
        """
        iid = item.id
        candidates = [p for pid, p in self.peers.items()
                      if p.ready and pid != source and iid not in p.known]
        if not candidates:
            return
        self.rng.shuffle(candidates)
        fanout = len(candidates) if own and self.params.author_push_all else self.params.push_fanout
        author = item.author
        if author not in self._authors:  # a new tree: start eager on push_fanout random edges
            self._authors.add(author)
            for p in candidates[self.params.push_fanout :]:
                p.lazy_for.add(author)
        eager = [p for p in candidates if author not in p.lazy_for][:fanout]
        lazy = [p for p in candidates if author in p.lazy_for][: self.params.announce_fanout]
        for p in eager:
            p.known.add(iid)
            pushes.setdefault(p.pid, []).append(item)
        for p in lazy:
            if len(p.announce) < 4 * MAX_IDS_PER_MESSAGE:
                p.announce.append(iid)

    def _flush_announcements(self, out: list[Output]) -> None:
        for p in self.peers.values():
            if not p.announce:
                continue
            ids = [iid for iid in p.announce if iid not in p.known]
            p.announce = []
            for iid in ids:
                p.known.add(iid)
            for i in range(0, len(ids), MAX_IDS_PER_MESSAGE):
                out.append(self._send(p.pid, Have(tuple(ids[i : i + MAX_IDS_PER_MESSAGE]))))

    def _retry_fetches(self, now: int, out: list[Output]) -> None:
        """Ask another source for ids not delivered in time ([SYNC-32])."""
        retry: dict[PeerId, list[bytes]] = {}
        order = self._fetch_order
        while order and order[0][0] <= now:
            deadline, iid = order.popleft()
            entry = self._fetching.get(iid)
            if entry is None or entry[1] != deadline:
                continue
            del self._fetching[iid]
            self._release(entry[0])
            for pid in self._sources.pop(iid, []):
                p = self.peers.get(pid)
                if p is not None and p.ready and pid != entry[0]:
                    retry.setdefault(pid, []).append(iid)
                    break
        for pid, ids in retry.items():
            self._request(now, self.peers[pid], ids, out)

    # -- reconciliation --------------------------------------------------------------

    def _live_keys(self, now: int) -> list[tuple[int, bytes]]:
        """Keys reconciliation runs over ([SYNC-31]).

        Items still live when a fetch completes, and older than ``recon_grace_ms``
        (younger ones are still being pushed: reconciling them would only duplicate).
        """
        horizon = now + self.params.fetch_timeout_ms
        store = self.store
        keys = store.keys_before(now - self.params.recon_grace_ms)
        if store.min_expiry() > horizon:
            return keys
        return [(ts, iid) for ts, iid in keys if store.expiry_of(iid) > horizon]

    def _reconcile_tick(self, now: int, out: list[Output]) -> None:
        prm = self.params
        client = self._client
        if client is not None and now - client.last > prm.recon_timeout_ms:
            self._client = None
        elif client is not None and now - client.started > prm.recon_max_session_ms:
            self._abandon(now, client)
        if self._client is not None or now < self._next_recon:
            return
        ready = self.ready_peers()
        if not ready:
            return
        jitter = self.rng.randint(-prm.reconcile_interval_ms // 10, prm.reconcile_interval_ms // 10)
        self._next_recon = now + prm.reconcile_interval_ms + jitter
        if self._avoid is not None and len(ready) > 1 and self._avoid in ready:
            ready.remove(self._avoid)  # move on from the peer of an abandoned session
        self._avoid = None
        pid = ready[self.rng.randrange(len(ready))]
        self._session_counter = (self._session_counter + 1) & 0xFFFF_FFFF
        session = ReconSession(self._live_keys(now), prm.recon_frame_limit)
        self._client = _ClientSession(pid, self._session_counter, session, now, now)
        self.stats.reconciliations += 1
        out.append(self._send(pid, Recon(self._session_counter, session.initiate()), recon=True))

    def _on_recon(self, now: int, p: _Peer, msg: Recon, out: list[Output]) -> None:
        if p.server is None or p.server[0] != msg.session:
            if now - p.server_started < self.params.reconcile_interval_ms // 2:
                # too soon after the last session: ignore (cheap), the client will time out
                self.stats.rejected[Reason.SYNC_RATE_LIMITED.value] += 1
                return
            p.server_started = now
            keys = self._live_keys(now)
            p.server = (msg.session, ReconSession(keys, self.params.recon_frame_limit))
        p.server_last = now
        reply = p.server[1].answer(msg.frame)
        if not self._take_out(now, p, len(reply) + 16):
            self.stats.out_limited += 1  # over the outbound budget: the client times out
            return
        out.append(self._send(p.pid, ReconReply(msg.session, reply), recon=True))

    def _on_recon_reply(self, now: int, p: _Peer, msg: ReconReply, out: list[Output]) -> None:
        client = self._client
        if client is None or client.peer != p.pid or client.session != msg.session:
            return  # a late answer to an abandoned session: harmless
        self.stats.recon_bytes += len(msg.frame)
        nxt, have, need = client.recon.step(msg.frame)
        client.last = now
        client.rounds += 1
        prm = self.params
        if nxt is None:
            self._client = None
        elif (client.rounds >= prm.recon_max_rounds
              or now - client.started >= prm.recon_max_session_ms):
            self._abandon(now, client)
        else:
            out.append(self._send(p.pid, Recon(client.session, nxt), recon=True))
        queue = p.push_queue
        for iid in have:
            pushed = p.recon_pushed.get(iid)
            if pushed is not None and now - pushed < prm.repush_after_ms:
                self.stats.repush_skipped += 1  # it lacks what we pushed: refused ([SYNC-37])
            elif len(queue) < prm.push_backlog:
                queue.append(iid)
        self._drain_pushes(now, p, out)
        self._on_have(now, p, need, out)

    def _abandon(self, now: int, client: _ClientSession) -> None:
        """Give up an over-long client session; reconcile with another peer next ([SYNC-35])."""
        self._client = None
        self._avoid = client.peer
        self._next_recon = min(self._next_recon, now)
        self.stats.recon_abandoned += 1

    def _drain_pushes(self, now: int, p: _Peer, out: list[Output]) -> None:
        """Push up to ``max_answer_items`` queued ids within the outbound budget ([SYNC-36]).

        Every id pushed is remembered (bounded, oldest forgotten) with the time, so
        that one the peer refused is not pushed again soon ([SYNC-37]).
        """
        prm = self.params
        queue = p.push_queue
        remembered = p.recon_pushed
        give: list[Item] = []
        while queue and len(give) < prm.max_answer_items:
            item = self.store.get(queue[0])
            pushed = remembered.get(queue[0])
            if item is None or (pushed is not None and now - pushed < prm.repush_after_ms):
                queue.popleft()  # gone, or already pushed (queued twice) ([SYNC-37])
                continue
            if not self._take_out(now, p, item.size + 8):
                self.stats.out_limited += 1
                break
            queue.popleft()
            give.append(item)
            p.known.add(item.id)
            remembered.pop(item.id, None)
            remembered[item.id] = now
            if len(remembered) > prm.refused_per_peer:
                del remembered[next(iter(remembered))]
        self._send_items(p.pid, give, out)

    # -- penalties -------------------------------------------------------------------

    def _take_tokens(self, now: int, p: _Peer, n: int) -> bool:
        prm = self.params
        p.tokens = min(float(prm.rate_burst_bytes),
                       p.tokens + (now - p.refilled) * prm.rate_bytes_per_s / 1000)
        p.refilled = now
        if n > p.tokens:
            return False
        p.tokens -= n
        return True

    def _take_out(self, now: int, p: _Peer, n: int) -> bool:
        """Spend ``n`` bytes of the peer's outbound budget; False if over it ([SYNC-36])."""
        prm = self.params
        p.out_tokens = min(float(prm.out_burst_bytes),
                           p.out_tokens + (now - p.out_refilled) * prm.out_rate_bytes_per_s / 1000)
        p.out_refilled = now
        if n > p.out_tokens:
            return False
        p.out_tokens -= n
        return True

    def _penalize(self, now: int, p: _Peer, reason: Reason, out: list[Output],
                  points: int | None = None) -> bool:
        """Add misbehaviour points; close the peer at ``ban_score``; return True if closed."""
        p.score += PENALTIES.get(reason, self.params.ban_score) if points is None else points
        if p.score >= self.params.ban_score and p.pid in self.peers:
            self._close(now, p, reason, out)
            return True
        return False

    def _close(self, now: int, p: _Peer, reason: Reason, out: list[Output]) -> None:
        if p.remote_key is not None and p.score >= self.params.ban_score:
            self._banned[p.remote_key] = now + self.params.ban_ms
        out.append(self._send(p.pid, Bye(reason.value)))
        out.append(Close(p.pid, reason.value))
        self.disconnected(now, p.pid)

    def _send(self, peer: PeerId, msg: Message, recon: bool = False) -> Send:
        data = encode_message(msg)
        self.stats.bytes_out += len(data)
        return Send(peer, data)
