"""One node process of a networked table: a sync node on TCP driving one engine.

:func:`node_main` is the process's entry point (``multiprocessing`` calls it in a
fresh interpreter). It opens the node's SQLite store, listens, tells the parent its
port, dials the peers the parent names, and then runs the engine: every item a peer
sends goes into ``receive``, ``tick`` is called at ``next_deadline()``, and whatever
the engine returns is published. A store that already holds items means the process
was restarted: those items go into the engine first (its own included), then
``start``, and reconciliation with the peers brings the rest.

The process talks to its parent only over the pipe it was given, with tuples
(``("port", name, port)``, ``("published", name, n)``, ``("progress", name, value)``,
``("done", name)``, ``("final", name, NodeResult)``, ``("error", name, text)`` up;
``("peers", addresses, expected_peers)`` and ``("stop",)`` down), and to other nodes
only over TCP. It ignores Ctrl-C (the parent stops it) and ends by itself when the
parent goes away.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import signal
import traceback
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from typing import Any

from chipstack.crypto import PrivateKey
from chipstack.sync.item import Item
from chipstack.sync.node import Node
from chipstack.sync.params import NodeParams
from chipstack.sync.store import SqliteStore
from chipstack.sync.tcp import now_ms
from chipstack.table.net.links import LinkCounts, LinkNode
from chipstack.table.net.plan import MsEngine, NodePlan

#: Longest the main loop sleeps before looking at the pipe and the parent again (s).
POLL_S = 0.2
#: Longest a node waits for its peers' connections before its engine starts anyway (s).
CONNECT_WAIT_S = 10.0


@dataclass
class NodeResult:
    """What one node process reports when it stops.

    ``ids`` are the items in its store; ``delays_ms`` the propagation delay of every
    item it accepted from a peer (arrival time less the item's timestamp);
    ``resumed_with`` how many items its store already held when the process started
    (more than 0 after a restart).
    """

    name: str
    summary: Any
    ids: list[bytes]
    delays_ms: list[int]
    counts: LinkCounts
    published: int
    resumed_with: int
    done: bool
    port: int = 0


def node_main(plan: NodePlan, conn: Connection) -> None:
    """Run one node process until the parent says stop (the process entry point)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    # peers closing connections at a restart or at the end are expected here, not news
    logging.getLogger("chipstack").setLevel(logging.ERROR)
    try:
        asyncio.run(_run(plan, conn))
    except Exception:  # report it in one piece; the parent shows it and fails the run
        with contextlib.suppress(OSError):
            conn.send(("error", plan.name, traceback.format_exc()))


class _Pipe:
    """The parent's messages as an asyncio queue (the pipe's descriptor is watched)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.queue: asyncio.Queue[tuple[Any, ...]] = asyncio.Queue()
        self.closed = False
        asyncio.get_running_loop().add_reader(conn.fileno(), self._readable)

    def _readable(self) -> None:
        try:
            while self.conn.poll():
                self.queue.put_nowait(self.conn.recv())
        except (EOFError, OSError):
            self.closed = True
            asyncio.get_running_loop().remove_reader(self.conn.fileno())
            self.queue.put_nowait(("stop",))

    def send(self, *message: Any) -> None:
        if not self.closed:
            try:
                self.conn.send(message)
            except OSError:
                self.closed = True


async def _run(plan: NodePlan, conn: Connection) -> None:
    parent = os.getppid()
    pipe = _Pipe(conn)
    params = replace(NodeParams(), reconcile_interval_ms=plan.reconcile_interval_ms)
    store = SqliteStore(params.store_max_items, params.store_max_bytes, plan.store_path)
    resumed = list(store.query())
    inbox: asyncio.Queue[Item] = asyncio.Queue()
    delays: list[int] = []

    def arrived(item: Item, at_ms: int) -> None:
        delays.append(at_ms - item.timestamp)
        inbox.put_nowait(item)

    key = PrivateKey.from_label(f"chipstack-table-node-{plan.seed}-{plan.name}")
    tcp = LinkNode(Node(key, params, random.Random(plan.seed), store), plan.host, plan.port,
                   plan.faults, arrived)
    await tcp.start()
    pipe.send("port", plan.name, tcp.port)
    message = await pipe.queue.get()
    if message[0] == "peers":
        for host, port in message[1]:
            with contextlib.suppress(OSError, TimeoutError, ConnectionError):
                await tcp.dial(host, port, persistent=True)
        # the engine starts once the other nodes are there, so its first items go out
        # by push at once rather than at the next reconciliation
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(_connected(tcp, message[2]), CONNECT_WAIT_S)
    engine: MsEngine = plan.engine.build()
    driver = _Driver(plan, tcp, engine, pipe)
    try:
        if message[0] != "stop":
            await driver.run(resumed, inbox, parent)
        pipe.send("final", plan.name, NodeResult(
            plan.name, engine.summary(), sorted(store.ids()), delays, tcp.counts,
            driver.published, len(resumed), engine.done, tcp.port))
    finally:
        await tcp.close()
        store.close()


async def _connected(tcp: LinkNode, expected: int) -> None:
    while len(tcp.node.ready_peers()) < expected:
        await asyncio.sleep(0.02)


class _Driver:
    """Feeds one engine from the network and publishes what it returns."""

    def __init__(self, plan: NodePlan, tcp: LinkNode, engine: MsEngine, pipe: _Pipe) -> None:
        self.plan = plan
        self.tcp = tcp
        self.engine = engine
        self.pipe = pipe
        self.published = 0
        self._progress: object = None
        self._done_sent = False

    def publish(self, items: list[Item]) -> None:
        """Publish the engine's items."""
        if not items:
            return
        self.tcp.publish_items(items)
        self.published += len(items)
        self.pipe.send("published", self.plan.name, self.published)

    def report(self) -> None:
        """Tell the parent about progress and completion when they change."""
        progress = getattr(self.engine, "progress", None)
        if progress != self._progress:
            self._progress = progress
            self.pipe.send("progress", self.plan.name, progress)
        if self.engine.done and not self._done_sent:
            self._done_sent = True
            self.pipe.send("done", self.plan.name)

    async def run(self, resumed: list[Item], inbox: asyncio.Queue[Item], parent: int) -> None:
        """Replay the stored items, start, then serve until the parent says stop."""
        engine = self.engine
        for item in resumed:  # a restart: the engine learns what the store kept first
            engine.receive(item, now_ms())
        self.publish(engine.start(now_ms()))
        self.report()
        while True:
            while not self.pipe.queue.empty():
                if self.pipe.queue.get_nowait()[0] == "stop":
                    return
            if os.getppid() != parent:  # the parent died without stopping us
                return
            deadline = engine.next_deadline()
            wait = POLL_S if deadline is None else min(POLL_S, max(0.0, (deadline - now_ms())
                                                                   / 1000))
            with contextlib.suppress(TimeoutError):
                first = await asyncio.wait_for(inbox.get(), wait)
                items = [first]
                while not inbox.empty():
                    items.append(inbox.get_nowait())
                for item in items:
                    self.publish(engine.receive(item, now_ms()))
            deadline = engine.next_deadline()
            if deadline is not None and now_ms() >= deadline:
                self.publish(engine.tick(now_ms()))
            self.report()
