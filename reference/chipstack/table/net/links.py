"""Faults on the links of a networked table, kept outside every protocol module.

:class:`LinkNode` is the sync :class:`~chipstack.sync.tcp.TcpNode` with two things
added in the driver, where the node core's outputs turn into bytes on a socket:

* accounting: bytes sent (node-protocol messages, before encryption and framing),
  and, for every item accepted from a peer, the time it arrived (so the runner can
  measure propagation against the item's own timestamp);
* faults, from :class:`LinkFaults`: a fixed one-way ``latency_ms`` on every message
  sent (the order on each connection is kept), and ``loss``: each message is lost
  with that probability. TCP never loses a message outright, it resends it, so a lost
  control message (handshake, reconciliation, fetch request) arrives one
  ``RETRANSMIT_MS`` late, as the sync simulator's ``retransmit`` mode models it; a
  lost message carrying items (a push or a fetch answer) is dropped for good, and
  the items must come back by reconciliation or a fetch retry.

The node core never knows: it sees a slower, lossier network and nothing else.
"""

from __future__ import annotations

import asyncio
import random
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from chipstack.sync.item import Item
from chipstack.sync.node import Accepted, Node, Output, Send
from chipstack.sync.peers import Limits
from chipstack.sync.tcp import TcpNode, now_ms
from chipstack.sync.wire import MsgType

#: Extra delay of a lost control message: TCP resends it after about one timeout.
RETRANSMIT_MS = 200


@dataclass(frozen=True)
class LinkFaults:
    """What the links of one node do to the messages it sends.

    ``loss`` is a probability from 0 to 1 (below 1: something must get through),
    ``latency_ms`` a one-way delay added to every message; ``seed`` makes the losses
    reproducible for a given node.
    """

    loss: float = 0.0
    latency_ms: int = 0
    seed: int = 0

    def __post_init__(self) -> None:
        if not 0.0 <= self.loss < 1.0:
            raise ValueError(f"loss must be at least 0 and below 1, got {self.loss}")
        if self.latency_ms < 0:
            raise ValueError(f"latency must not be negative, got {self.latency_ms}")

    @property
    def active(self) -> bool:
        """Whether any fault applies."""
        return self.loss > 0 or self.latency_ms > 0


@dataclass
class LinkCounts:
    """What one node's links did: bytes and messages sent, losses, items received."""

    bytes_sent: int = 0
    messages_sent: int = 0
    dropped: int = 0
    retransmitted: int = 0


class LinkNode(TcpNode):
    """A :class:`TcpNode` whose sends pass through :class:`LinkFaults` and are counted.

    ``on_item(item, arrived_ms)`` is called for every item accepted from a peer (not
    for the node's own publishes).
    """

    def __init__(self, node: Node, host: str = "127.0.0.1", port: int = 0,
                 faults: LinkFaults | None = None,
                 on_item: Callable[[Item, int], None] | None = None) -> None:
        super().__init__(node, host, port, limits=Limits(target_outbound=0))
        self.faults = faults or LinkFaults()
        self.counts = LinkCounts()
        self.on_item = on_item
        self._loss_rng = random.Random(self.faults.seed)
        self._queues: dict[int, deque[tuple[float, Send]]] = {}

    def _apply(self, outputs: list[Output]) -> None:
        passed: list[Output] = []
        for o in outputs:
            if not isinstance(o, Send):
                if isinstance(o, Accepted) and o.peer is not None and self.on_item is not None:
                    self.on_item(o.item, now_ms())
                passed.append(o)
                continue
            delay_ms = self.faults.latency_ms
            if self.faults.loss and self._loss_rng.random() < self.faults.loss:
                if o.data[:1] == bytes([MsgType.ITEMS]):
                    self.counts.dropped += 1
                    continue
                self.counts.retransmitted += 1
                delay_ms += RETRANSMIT_MS
            self.counts.bytes_sent += len(o.data)
            self.counts.messages_sent += 1
            if delay_ms == 0 and not self._queues.get(cast(int, o.peer)):
                passed.append(o)
            else:
                self._later(o, delay_ms)
        if passed:
            super()._apply(passed)

    def _later(self, send: Send, delay_ms: int) -> None:
        """Queue ``send`` for ``delay_ms``; a connection's messages leave in order."""
        loop = asyncio.get_running_loop()
        pid = cast(int, send.peer)
        queue = self._queues.setdefault(pid, deque())
        due = loop.time() + delay_ms / 1000
        if queue:
            due = max(due, queue[-1][0])
        queue.append((due, send))
        if len(queue) == 1:
            loop.call_at(due, self._release_due, pid)

    def _release_due(self, pid: int) -> None:
        queue = self._queues.get(pid)
        if not queue:
            return
        loop = asyncio.get_running_loop()
        ready: list[Output] = []
        while queue and queue[0][0] <= loop.time():
            ready.append(queue.popleft()[1])
        if not queue:
            del self._queues[pid]
        else:
            loop.call_at(queue[0][0], self._release_due, pid)
        if ready and not self._closing:
            super()._apply(ready)
