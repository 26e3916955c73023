"""A deterministic, seeded discrete-event network of sync nodes.

Spec: ``spec/01-sync.md`` section "Simulation" (informative). Every random
draw comes from one ``random.Random(seed)``; nodes get their own generators
seeded from it, so a run is a pure function of its :class:`SimConfig` and the
calls made on the :class:`Simulator`. Links behave like TCP connections:
in-order delivery with a per-link base latency plus jitter; ``loss`` drops a
message outright (modelling resets and timeouts the node must survive).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from math import log

from chipstack.crypto import PrivateKey
from chipstack.sync.item import Item, make_item
from chipstack.sync.node import Accepted, Close, Node, Output, PeerId, Send
from chipstack.sync.params import NodeParams
from chipstack.sync.sim.memo import ItemMemo
from chipstack.sync.sim.queue import Event, EventQueue

#: Bytes of framing the TCP transport adds to every message (the u32 length prefix).
FRAME_OVERHEAD = 4


@dataclass(frozen=True)
class SimConfig:
    """The network a simulation runs on."""

    nodes: int = 20
    #: Connections each node keeps open (dialled to random nodes).
    degree: int = 8
    #: Per-link one-way base latency, drawn uniformly from this range (ms).
    latency_ms: tuple[float, float] = (50.0, 200.0)
    #: Extra per-message delay, exponential with this mean (ms).
    jitter_ms: float = 5.0
    #: Probability that any one message is lost.
    loss: float = 0.0
    #: ``"retransmit"``: a lost message arrives one retransmission timeout late (TCP);
    #: ``"drop"``: it never arrives (the node must recover by timeouts and reconciliation).
    loss_mode: str = "retransmit"
    #: Retransmission timeout added to a lost message in ``"retransmit"`` mode (ms).
    rto_ms: float = 300.0
    seed: int = 0
    params: NodeParams = field(default_factory=NodeParams)
    #: How often the simulator redials nodes that lost connections (ms).
    maintain_ms: int = 1_000


@dataclass
class ItemRecord:
    """What the simulator remembers about one published item."""

    item: Item
    published: float
    origin: int
    delivered: dict[int, float] = field(default_factory=dict)


class _Pipe:
    """One direction of a simulated connection: its latency and in-order delivery time."""

    __slots__ = ("alive", "dst", "fifo", "latency", "src")

    def __init__(self, src: int, dst: int, latency: float, fifo: float) -> None:
        self.src = src
        self.dst = dst
        self.latency = latency
        self.fifo = fifo  # no message on this direction arrives before this time
        self.alive = True  # False once the connection closed: messages in flight are lost


class Simulator:
    """N nodes, links between them, a clock and an event queue; see the module docstring.

    Every node shares one :class:`~chipstack.sync.sim.memo.ItemMemo` (``memo``), so an
    item is decoded and its signature checked once per simulation rather than once per
    node; ``memo=False`` gives every node its own work, with the same outcome.
    """

    def __init__(self, config: SimConfig, hostile: dict[int, Callable[[Node], Node]] | None = None,
                 memo: bool = True):
        self.config = config
        self.rng = random.Random(config.seed)
        self.now = 0.0
        self._queue = EventQueue()
        self.nodes: list[Node] = []
        self.online: list[bool] = []
        self.hostile: set[int] = set(hostile or {})
        self.keys: list[PrivateKey] = []
        #: Open connections, ``(min, max)`` -> the two directions.
        self._links: dict[tuple[int, int], tuple[_Pipe, _Pipe]] = {}
        self._out: list[dict[PeerId, _Pipe]] = []  # per node: peer -> direction to it
        self._fifo: dict[tuple[int, int], float] = {}  # direction -> last arrival, kept on close
        self._epoch = 0
        self.partition: list[set[int]] | None = None
        self.records: dict[bytes, ItemRecord] = {}
        self.bytes_received: list[int] = []
        self.payload_received: list[int] = []
        self.closes: list[tuple[float, int, int, str]] = []
        self.samples: list[tuple[float, float]] = []
        self._pending: dict[bytes, None] = {}  # records not yet seen at every node (sampling)
        #: Decoding and signature checks shared by every node (None: each node does its own).
        self.memo: ItemMemo | None = ItemMemo() if memo else None
        for i in range(config.nodes):
            key = PrivateKey.from_label(f"sim-{config.seed}-{i}")
            self.keys.append(key)
            node = Node(key, config.params, random.Random(self.rng.getrandbits(64)))
            if hostile and i in hostile:
                node = hostile[i](node)
            self.nodes.append(self._attach(node))
            self.online.append(True)
            self.bytes_received.append(0)
            self.payload_received.append(0)
            self._out.append({})
        for i in range(config.nodes):
            self._schedule(self.rng.uniform(0, config.params.tick_interval_ms), self._tick_loop(i))
        self._schedule(0.0, self._maintain)
        jitter = config.jitter_ms
        self._lambd = 1.0 / jitter if jitter > 0 else 0.0

    def _attach(self, node: Node) -> Node:
        return node if self.memo is None else self.memo.attach(node)

    # -- event machinery ------------------------------------------------------------

    def _schedule(self, delay: float, fn: Callable[[], None]) -> None:
        self._queue.push(self.now + delay, fn)

    def at(self, when: float, fn: Callable[[], None]) -> None:
        """Run ``fn`` at simulated time ``when`` (ms)."""
        self._queue.push(when, fn)

    def run_until(self, until: float, progress: Callable[[float], None] | None = None) -> None:
        """Process events up to simulated time ``until`` (ms)."""
        run = self._run
        if progress is not None:
            def run(ev: Event) -> None:
                self._run(ev)
                progress(ev[0])

        self._queue.drain(until, run)
        self.now = until

    def _run(self, ev: Event) -> None:
        when, _, target, data = ev
        self.now = when
        if isinstance(target, _Pipe):
            dst = target.dst
            if target.alive and self.online[dst] and data is not None:
                self.bytes_received[dst] += len(data) + FRAME_OVERHEAD
                self._handle(dst, self.nodes[dst].receive(int(when), target.src, data))
        else:
            target()  # type: ignore[operator]

    def _tick_loop(self, i: int) -> Callable[[], None]:
        interval = self.config.params.tick_interval_ms

        def tick() -> None:
            if self.online[i]:
                self._handle(i, self.nodes[i].tick(int(self.now)))
            self._schedule(interval, tick)

        return tick

    # -- topology -------------------------------------------------------------------

    def connect(self, a: int, b: int) -> None:
        """Open a connection between nodes ``a`` and ``b`` (no-op if one exists)."""
        link = (min(a, b), max(a, b))
        if a == b or link in self._links or not (self.online[a] and self.online[b]):
            return
        self._epoch += 1
        lo, hi = self.config.latency_ms
        latency = self.rng.uniform(lo, hi)
        ab = _Pipe(a, b, latency, self._fifo.get((a, b), 0.0))
        ba = _Pipe(b, a, latency, self._fifo.get((b, a), 0.0))
        self._links[link] = (ab, ba)
        self._out[a][b] = ab
        self._out[b][a] = ba
        now = int(self.now)
        self._handle(a, self.nodes[a].connect(now, b))
        self._handle(b, self.nodes[b].connect(now, a))

    def _drop_link(self, a: int, b: int) -> bool:
        """Forget the connection between ``a`` and ``b``; whether there was one."""
        pipes = self._links.pop((min(a, b), max(a, b)), None)
        if pipes is None:
            return False
        for pipe in pipes:
            pipe.alive = False
            self._fifo[(pipe.src, pipe.dst)] = pipe.fifo
            del self._out[pipe.src][pipe.dst]
        return True

    def disconnect(self, a: int, b: int) -> None:
        """Close the connection between ``a`` and ``b``, telling both nodes."""
        if not self._drop_link(a, b):
            return
        now = int(self.now)
        self.nodes[a].disconnected(now, b)
        self.nodes[b].disconnected(now, a)

    def degree_of(self, i: int) -> int:
        """Number of open connections of node ``i``."""
        return len(self._out[i])

    def _maintain(self) -> None:
        online = [i for i, up in enumerate(self.online) if up]
        degrees = dict.fromkeys(online, 0)
        for a, b in self._links:
            degrees[a] = degrees.get(a, 0) + 1
            degrees[b] = degrees.get(b, 0) + 1
        want = min(self.config.degree, len(online) - 1)
        for i in online:
            tries = 0
            while degrees[i] < want and tries < 3 * want:
                tries += 1
                j = online[self.rng.randrange(len(online))]
                link = (min(i, j), max(i, j))
                if j != i and link not in self._links:
                    self.connect(i, j)
                    degrees[i] += 1
                    degrees[j] += 1
        self._schedule(self.config.maintain_ms, self._maintain)

    def set_partition(self, groups: list[set[int]] | None) -> None:
        """Drop every message between different groups from now on (None heals)."""
        self.partition = groups

    def _blocked(self, a: int, b: int) -> bool:
        if self.partition is None:
            return False
        for g in self.partition:
            if a in g:
                return b not in g
        return False

    # -- churn ----------------------------------------------------------------------

    def leave(self, i: int) -> None:
        """Node ``i`` goes offline; its connections close."""
        for link in [lk for lk in self._links if i in lk]:
            self.disconnect(*link)
        self.online[i] = False
        self._recheck()

    def rejoin(self, i: int, empty: bool) -> None:
        """Node ``i`` comes back: with its store (restart) or as a new empty node (join)."""
        if empty:
            key = PrivateKey.from_label(f"sim-{self.config.seed}-{i}-{self._epoch}")
            self.keys[i] = key
            node = Node(key, self.config.params, random.Random(self.rng.getrandbits(64)))
            self.nodes[i] = self._attach(node)
        self.online[i] = True
        self._recheck()

    # -- traffic --------------------------------------------------------------------

    def _handle(self, src: int, outputs: list[Output]) -> None:
        for o in outputs:
            kind = type(o)
            if kind is Send:
                self._transmit(src, o.peer, o.data)  # type: ignore[union-attr]
            elif kind is Accepted:
                item = o.item  # type: ignore[union-attr]
                rec = self.records.get(item.id)
                if rec is not None and src not in rec.delivered:
                    rec.delivered[src] = self.now
                self.payload_received[src] += len(item.payload)
            elif isinstance(o, Close):
                peer = o.peer
                assert isinstance(peer, int)
                self.closes.append((self.now, src, peer, o.reason))
                if self._drop_link(src, peer):
                    self.nodes[peer].disconnected(int(self.now), src)

    def _transmit(self, src: int, dst: PeerId, data: bytes) -> None:
        pipe = self._out[src].get(dst)
        if pipe is None:
            return
        if self.partition is not None and self._blocked(src, pipe.dst):
            return
        config = self.config
        delay = pipe.latency
        rand = self.rng.random
        if self._lambd:  # the draw of random.expovariate, inlined
            delay += -log(1.0 - rand()) / self._lambd
        if config.loss and rand() < config.loss:
            if config.loss_mode == "drop":
                return
            delay += config.rto_ms
        when = self.now + delay
        if when < pipe.fifo:
            when = pipe.fifo
        pipe.fifo = when
        self._queue.push(when, pipe, data)

    def publish(self, origin: int, tags: tuple[str, str], payload: bytes,
                ttl_ms: int = 3_600_000) -> Item:
        """Make (mine, sign) an item at node ``origin`` now and publish it there."""
        now = int(self.now)
        item = make_item(self.keys[origin], tags, payload, now, ttl_ms,
                         min_priority=self.config.params.min_priority)
        self.inject(origin, item)
        return item

    def inject(self, origin: int, item: Item) -> None:
        """Publish an already made item at node ``origin`` now."""
        self.records[item.id] = ItemRecord(item, self.now, origin)
        self._pending[item.id] = None
        self._handle(origin, self.nodes[origin].publish(int(self.now), item))

    # -- measurements ---------------------------------------------------------------

    def honest_online(self) -> list[int]:
        """Indices of online nodes that are not hostile."""
        return [i for i, up in enumerate(self.online) if up and i not in self.hostile]

    def in_sync_fraction(self) -> float:
        """Fraction of live published items present at every honest online node."""
        now = self.now
        live = {iid for iid, r in self.records.items() if r.item.expiry > now}
        if not live:
            return 1.0
        missing: set[bytes] = set()
        for i in self.honest_online():
            missing |= live - self.nodes[i].store.ids()
        return 1.0 - len(missing) / len(live)

    def _recheck(self) -> None:
        """Membership changed: every record is checked again at the next sample."""
        self._pending = dict.fromkeys(self.records)

    def sample(self) -> None:
        """Record ``(now, fraction of live items at every honest online node)`` in :attr:`samples`.

        Incremental: only items not yet seen at every node are looked up in the stores;
        one seen everywhere counts as in sync while it lives (until a node leaves or
        rejoins, which checks every item again). It equals :meth:`in_sync_fraction`
        unless a store evicts a live item (it does only when full).
        """
        now = self.now
        records = self.records
        stores = [self.nodes[i].store for i in self.honest_online()]
        pending = self._pending
        for iid in list(pending):
            if records[iid].item.expiry <= now:
                del pending[iid]
            elif all(iid in store for store in stores):
                del pending[iid]
        live = sum(1 for r in records.values() if r.item.expiry > now)
        if not live:
            self.samples.append((now, 1.0))
            return
        missing = sum(1 for iid in pending if records[iid].item.expiry > now)
        self.samples.append((now, 1.0 - missing / live))

    def sample_every(self, interval_ms: float, until: float) -> None:
        """Schedule a sample every ``interval_ms`` up to ``until``."""
        t = self.now
        while t <= until:
            self.at(t, self.sample)
            t += interval_ms
