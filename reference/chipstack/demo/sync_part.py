"""Demo section: a real 5-node TCP network converges; a simulated partition heals."""

from __future__ import annotations

import asyncio
import time

from chipstack.sync import spawn
from chipstack.sync.sim import SimConfig, Simulator

#: Items each TCP node publishes in the demo.
PER_NODE = 20


async def _tcp(nodes: int, timeout_s: float) -> tuple[float, list[int], bool]:
    async with spawn(nodes, seed=1) as net:
        start = time.perf_counter()
        for i in range(nodes):
            for k in range(PER_NODE):
                await net[i].publish(("table", "demo"), f"node {i} item {k}".encode())
        want = nodes * PER_NODE

        async def converged() -> None:
            while not all(len(n.node.store.ids()) == want for n in net.nodes):
                await asyncio.sleep(0.02)

        try:
            await asyncio.wait_for(converged(), timeout_s)
        except TimeoutError:
            pass
        elapsed = time.perf_counter() - start
        return elapsed, [len(n.node.store.ids()) for n in net.nodes], net.in_sync()


def tcp_lines(nodes: int = 5, timeout_s: float = 30.0) -> list[str]:
    """Spawn ``nodes`` TCP nodes on 127.0.0.1, publish from each, wait until all hold all."""
    elapsed, counts, same = asyncio.run(_tcp(nodes, timeout_s))
    return [
        f"{nodes} TCP nodes on 127.0.0.1, each published {PER_NODE} signed items: "
        f"every node holds {counts} items after {elapsed:.2f} s; identical sets: {same}",
    ]


def partition_lines(seed: int = 7) -> list[str]:
    """Simulate 20 nodes with 1% loss; split them in two while publishing, then heal."""
    sim = Simulator(SimConfig(nodes=20, loss=0.01, seed=seed))
    sim.run_until(2_000)
    sim.set_partition([set(range(10)), set(range(10, 20))])
    for k in range(40):

        def publish(origin: int = k % 20) -> None:
            sim.publish(origin, ("table", "sim"), bytes(64))

        sim.at(2_000 + 100 * k, publish)
    sim.run_until(8_000)
    split = sim.in_sync_fraction()
    sim.set_partition(None)
    interval = sim.config.params.reconcile_interval_ms
    sim.run_until(8_000 + 3 * interval)
    healed = sim.in_sync_fraction()
    return [
        "simulated 20 nodes, 50-200 ms links, 1% loss, split 10 | 10 while 40 items are published:",
        f"items at every node while split: {split:.0%}; "
        f"{3 * interval / 1000:.0f} s after the split heals: {healed:.0%}",
    ]


def run() -> list[str]:
    """Both parts of the sync section."""
    return tcp_lines() + partition_lines()
