"""The easy API: ``async with spawn(5) as net`` starts a local network of TCP nodes.

Spec: ``spec/01-sync.md`` (informative section "Using it"). Nodes listen on
127.0.0.1 (ephemeral ports) and connect to each other (every pair up to
``full_mesh_max`` nodes, otherwise ``degree`` random peers each).
"""

from __future__ import annotations

import asyncio
import os
import random
from types import TracebackType

from chipstack.crypto import PrivateKey
from chipstack.sync.node import Node
from chipstack.sync.params import NodeParams
from chipstack.sync.peers import Limits
from chipstack.sync.tcp import TcpNode


class Network:
    """A set of running :class:`TcpNode` s; index it to reach one node."""

    def __init__(self, n: int, params: NodeParams | None = None, seed: int | None = None,
                 host: str = "127.0.0.1", degree: int = 8, full_mesh_max: int = 9) -> None:
        self.params = params or NodeParams()
        rng = random.Random(seed)
        self._rng = rng
        self.nodes: list[TcpNode] = []
        for i in range(n):
            key = PrivateKey.from_label(f"spawn-{seed}-{i}") if seed is not None \
                else PrivateKey(os.urandom(32))
            self.nodes.append(TcpNode(Node(key, self.params, random.Random(rng.getrandbits(64))),
                                      host, limits=Limits(target_outbound=0)))
        self.degree = degree
        self.full_mesh_max = full_mesh_max

    def __getitem__(self, i: int) -> TcpNode:
        return self.nodes[i]

    def __len__(self) -> int:
        return len(self.nodes)

    def _links(self) -> list[tuple[int, int]]:
        n = len(self.nodes)
        if n <= self.full_mesh_max:
            return [(i, j) for i in range(n) for j in range(i + 1, n)]
        links: set[tuple[int, int]] = set()
        for i in range(n):
            for j in self._rng.sample([k for k in range(n) if k != i], min(self.degree, n - 1)):
                links.add((min(i, j), max(i, j)))
        return sorted(links)

    async def start(self, timeout_s: float = 10.0) -> None:
        """Start every node, connect them, and wait until every handshake is done.

        Raises ``TimeoutError`` if the handshakes take longer than ``timeout_s``.
        """
        for node in self.nodes:
            await node.start()
        links = self._links()
        for i, j in links:
            await self.nodes[i].dial(*self.nodes[j].address)
        expected = [0] * len(self.nodes)
        for i, j in links:
            expected[i] += 1
            expected[j] += 1

        async def ready() -> None:
            pairs = list(zip(self.nodes, expected, strict=True))
            while any(len(n.node.ready_peers()) < e for n, e in pairs):
                await asyncio.sleep(0.01)

        await asyncio.wait_for(ready(), timeout_s)

    async def close(self) -> None:
        """Stop every node."""
        for node in self.nodes:
            await node.close()

    async def __aenter__(self) -> Network:
        try:
            await self.start()
        except BaseException:  # a failed start must not leave servers and tasks behind
            await self.close()
            raise
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.close()

    def in_sync(self) -> bool:
        """Whether every node holds the same set of item ids."""
        first = self.nodes[0].node.store.ids()
        return all(n.node.store.ids() == first for n in self.nodes[1:])


def spawn(n: int, params: NodeParams | None = None, seed: int | None = None,
          host: str = "127.0.0.1") -> Network:
    """Return a :class:`Network` of ``n`` nodes; use it as ``async with spawn(n) as net``."""
    return Network(n, params, seed, host)
