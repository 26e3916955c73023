"""A deterministic, seeded discrete-event network of sync nodes.

Spec: ``spec/01-sync.md`` section "Simulation" (informative). Every random
draw comes from one ``random.Random(seed)``; nodes get their own generators
seeded from it, so a run is a pure function of its :class:`SimConfig` and the
calls made on the :class:`Simulator`. Links behave like TCP connections:
in-order delivery with a per-link base latency plus jitter; ``loss`` drops a
message outright (modelling resets and timeouts the node must survive).
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

from chipstack.crypto import PrivateKey
from chipstack.sync.item import Item, decode_item, make_item
from chipstack.sync.node import Accepted, Close, Node, Output, Send
from chipstack.sync.params import NodeParams

#: Item encodings the simulator keeps decoded for all its nodes.
DECODE_MEMO = 20_000
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


class Simulator:
    """N nodes, links between them, a clock and an event queue; see the module docstring."""

    def __init__(self, config: SimConfig, hostile: dict[int, Callable[[Node], Node]] | None = None):
        self.config = config
        self.rng = random.Random(config.seed)
        self.now = 0.0
        self._queue: list[tuple[float, int, Callable[[], None]]] = []
        self._seq = 0
        self.nodes: list[Node] = []
        self.online: list[bool] = []
        self.hostile: set[int] = set(hostile or {})
        self.keys: list[PrivateKey] = []
        self._links: dict[tuple[int, int], int] = {}  # (min, max) -> epoch
        self._latency: dict[tuple[int, int], float] = {}
        self._fifo: dict[tuple[int, int], float] = {}
        self._epoch = 0
        self.partition: list[set[int]] | None = None
        self.records: dict[bytes, ItemRecord] = {}
        self.bytes_received: list[int] = []
        self.payload_received: list[int] = []
        self.closes: list[tuple[float, int, int, str]] = []
        self.samples: list[tuple[float, float]] = []
        self._decoded: dict[bytes, Item] = {}  # shared by every node: decoding is deterministic
        for i in range(config.nodes):
            key = PrivateKey.from_label(f"sim-{config.seed}-{i}")
            self.keys.append(key)
            node = Node(key, config.params, random.Random(self.rng.getrandbits(64)))
            node.decode_item = self._decode
            if hostile and i in hostile:
                node = hostile[i](node)
            self.nodes.append(node)
            self.online.append(True)
            self.bytes_received.append(0)
            self.payload_received.append(0)
        for i in range(config.nodes):
            self._schedule(self.rng.uniform(0, config.params.tick_interval_ms), self._tick_loop(i))
        self._schedule(0.0, self._maintain)

    def _decode(self, raw: bytes) -> Item:
        """Decode an item encoding once for every node (a bounded memo; failures are not kept)."""
        item = self._decoded.get(raw)
        if item is None:
            item = decode_item(raw)
            if len(self._decoded) >= DECODE_MEMO:
                del self._decoded[next(iter(self._decoded))]
            self._decoded[raw] = item
        return item

    # -- event machinery ------------------------------------------------------------

    def _schedule(self, delay: float, fn: Callable[[], None]) -> None:
        self._seq += 1
        heapq.heappush(self._queue, (self.now + delay, self._seq, fn))

    def at(self, when: float, fn: Callable[[], None]) -> None:
        """Run ``fn`` at simulated time ``when`` (ms)."""
        self._seq += 1
        heapq.heappush(self._queue, (when, self._seq, fn))

    def run_until(self, until: float, progress: Callable[[float], None] | None = None) -> None:
        """Process events up to simulated time ``until`` (ms)."""
        q = self._queue
        while q and q[0][0] <= until:
            when, _, fn = heapq.heappop(q)
            self.now = when
            fn()
            if progress is not None:
                progress(when)
        self.now = until

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
        self._links[link] = self._epoch
        lo, hi = self.config.latency_ms
        self._latency[link] = self.rng.uniform(lo, hi)
        now = int(self.now)
        self._handle(a, self.nodes[a].connect(now, b))
        self._handle(b, self.nodes[b].connect(now, a))

    def disconnect(self, a: int, b: int) -> None:
        """Close the connection between ``a`` and ``b``, telling both nodes."""
        link = (min(a, b), max(a, b))
        if self._links.pop(link, None) is None:
            return
        now = int(self.now)
        self.nodes[a].disconnected(now, b)
        self.nodes[b].disconnected(now, a)

    def degree_of(self, i: int) -> int:
        """Number of open connections of node ``i``."""
        return sum(1 for a, b in self._links if i in (a, b))

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

    def rejoin(self, i: int, empty: bool) -> None:
        """Node ``i`` comes back: with its store (restart) or as a new empty node (join)."""
        if empty:
            key = PrivateKey.from_label(f"sim-{self.config.seed}-{i}-{self._epoch}")
            self.keys[i] = key
            self.nodes[i] = Node(key, self.config.params, random.Random(self.rng.getrandbits(64)))
            self.nodes[i].decode_item = self._decode
        self.online[i] = True

    # -- traffic --------------------------------------------------------------------

    def _handle(self, src: int, outputs: list[Output]) -> None:
        for o in outputs:
            if isinstance(o, Send):
                self._transmit(src, cast(int, o.peer), o.data)
            elif isinstance(o, Accepted):
                rec = self.records.get(o.item.id)
                if rec is not None and src not in rec.delivered:
                    rec.delivered[src] = self.now
                self.payload_received[src] += len(o.item.payload)
            elif isinstance(o, Close):
                peer = cast(int, o.peer)
                self.closes.append((self.now, src, peer, o.reason))
                link = (min(src, peer), max(src, peer))
                if self._links.pop(link, None) is not None:
                    self.nodes[peer].disconnected(int(self.now), src)

    def _transmit(self, src: int, dst: int, data: bytes) -> None:
        link = (min(src, dst), max(src, dst))
        epoch = self._links.get(link)
        if epoch is None:
            return
        if self._blocked(src, dst):
            return
        delay = self._latency[link]
        if self.config.jitter_ms > 0:
            delay += self.rng.expovariate(1.0 / self.config.jitter_ms)
        if self.config.loss and self.rng.random() < self.config.loss:
            if self.config.loss_mode == "drop":
                return
            delay += self.config.rto_ms
        direction = (src, dst)
        when = max(self.now + delay, self._fifo.get(direction, 0.0))
        self._fifo[direction] = when

        def deliver() -> None:
            if self._links.get(link) != epoch or not self.online[dst]:
                return
            self.bytes_received[dst] += len(data) + FRAME_OVERHEAD
            self._handle(dst, self.nodes[dst].receive(int(self.now), src, data))

        self.at(when, deliver)

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

    def sample(self) -> None:
        """Record ``(now, in_sync_fraction)`` in :attr:`samples`."""
        self.samples.append((self.now, self.in_sync_fraction()))

    def sample_every(self, interval_ms: float, until: float) -> None:
        """Schedule a sample every ``interval_ms`` up to ``until``."""
        t = self.now
        while t <= until:
            self.at(t, self.sample)
            t += interval_ms
