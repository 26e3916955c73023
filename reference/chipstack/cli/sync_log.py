"""Log lines about a running TCP sync node, for ``chipstack node`` and ``chipstack net``.

A thin observer: :class:`NodeLog` looks at a node's public state a few times a
second and logs what changed (logger ``chipstack.sync.node``): a peer connected
(handshake done) or gone, a reconciliation finished, items refused (by reason
code), the store full. It changes nothing in the node; the transport logs
connections it closes itself (logger ``chipstack.sync.tcp``).
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter

from chipstack.errors import Reason
from chipstack.sync.tcp import TcpNode

#: Seconds between two looks at the node.
POLL_S = 0.25


class NodeLog:
    """Watches one :class:`~chipstack.sync.tcp.TcpNode` and logs its events."""

    def __init__(self, node: TcpNode, name: str) -> None:
        self.node = node
        self.log = logging.getLogger("chipstack.sync.node")
        self.name = name
        self._peers: dict[object, bytes] = {}
        self._reconciliations = 0
        self._rejected: Counter[str] = Counter()
        self._stored_at_recon = 0
        self._full = False

    def _say(self, level: int, text: str, *args: object) -> None:
        self.log.log(level, f"{self.name}: {text}", *args)

    def poll(self) -> None:
        """Compare the node's state with the last look and log the differences."""
        core = self.node.node
        ready = {pid: p.remote_key for pid, p in core.peers.items()
                 if p.ready and p.remote_key is not None}
        for pid, key in ready.items():
            if pid not in self._peers:
                self._say(logging.INFO, "peer connected: %s (%d peers)", key.hex()[:16], len(ready))
        for pid, key in self._peers.items():
            if pid not in ready:
                self._say(logging.INFO, "peer gone: %s (%d peers)", key.hex()[:16], len(ready))
        self._peers = ready

        stats = core.stats
        stored = len(core.store)
        if stats.reconciliations > self._reconciliations:
            level = logging.INFO if stored != self._stored_at_recon else logging.DEBUG
            self._say(level, "reconciled (session %d); %d items stored",
                      stats.reconciliations, stored)
            self._reconciliations = stats.reconciliations
            self._stored_at_recon = stored

        fresh = Counter(stats.rejected)
        fresh.subtract(self._rejected)
        refused = {reason: n for reason, n in fresh.items() if n > 0}
        if refused:
            full = refused.pop(Reason.SYNC_STORE_FULL.value, 0)
            if full:
                self._say(logging.WARNING, "store full: refused %d items", full)
            if refused:
                detail = ", ".join(f"{r} x{n}" for r, n in sorted(refused.items()))
                self._say(logging.WARNING, "refused items or messages from peers: %s", detail)
            self._rejected = Counter(stats.rejected)

        capacity = core.params.store_max_items
        if not self._full and stored >= capacity:
            self._full = True
            self._say(logging.WARNING, "store full (%d items): the lowest-priority items are "
                      "evicted first", stored)
        elif self._full and stored < capacity * 9 // 10:
            self._full = False

    async def watch(self) -> None:
        """Poll until cancelled."""
        while True:
            self.poll()
            await asyncio.sleep(POLL_S)
