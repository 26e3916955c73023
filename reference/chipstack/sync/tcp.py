"""The TCP transport: the sans-IO node core driven by asyncio streams.

Spec: ``spec/01-sync.md`` rule ``[SYNC-21]`` (framing). Every message travels as
a frame: a u32 little-endian length, then the message bytes; a frame longer
than ``MAX_MESSAGE`` closes the connection. The transport owns the clock
(wall-clock milliseconds) and calls ``tick`` every ``tick_interval_ms``. A peer
whose unsent output exceeds ``MAX_WRITE_BUFFER`` is too slow and is dropped,
so memory stays bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import time
from collections.abc import AsyncIterator, Coroutine
from typing import Any, cast

from chipstack.sync.item import Item, make_item
from chipstack.sync.node import Accepted, Close, Node, Output, Send
from chipstack.sync.params import MAX_MESSAGE

#: Unsent bytes allowed per connection before it is dropped as too slow.
MAX_WRITE_BUFFER = 16 * 1024 * 1024
#: Items buffered per subscriber; older ones are dropped when it falls behind.
SUBSCRIBER_QUEUE = 10_000


def now_ms() -> int:
    """Wall-clock milliseconds since the Unix epoch (item timestamps use this clock)."""
    return time.time_ns() // 1_000_000


class TcpNode:
    """One node listening on ``host:port`` (0 = any free port) and dialling peers."""

    def __init__(self, node: Node, host: str = "127.0.0.1", port: int = 0) -> None:
        self.node = node
        self.host = host
        self.port = port
        self._server: asyncio.Server | None = None
        self._writers: dict[int, asyncio.StreamWriter] = {}
        self._ids = itertools.count(1)
        self._tasks: set[asyncio.Task[None]] = set()
        self._subscribers: list[tuple[str | None, asyncio.Queue[Item]]] = []
        self.delivered = 0

    @property
    def address(self) -> tuple[str, int]:
        """The ``(host, port)`` the node listens on."""
        return (self.host, self.port)

    async def start(self) -> None:
        """Start listening and ticking."""
        self._server = await asyncio.start_server(self._accept, self.host, self.port)
        self.port = self._server.sockets[0].getsockname()[1]
        self._spawn(self._ticker())

    async def close(self) -> None:
        """Stop listening, close every connection and stop every task."""
        if self._server is not None:
            self._server.close()
        for w in list(self._writers.values()):
            w.close()
        for t in list(self._tasks):
            t.cancel()
        for t in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        if self._server is not None:
            await self._server.wait_closed()

    async def dial(self, host: str, port: int) -> None:
        """Open a connection to a peer."""
        reader, writer = await asyncio.open_connection(host, port)
        self._spawn(self._serve(reader, writer))

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await self._serve(reader, writer)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        pid = next(self._ids)
        self._writers[pid] = writer
        try:
            self._apply(self.node.connect(now_ms(), pid))
            while pid in self._writers:
                header = await reader.readexactly(4)
                length = int.from_bytes(header, "little")
                if length > MAX_MESSAGE:
                    break
                data = await reader.readexactly(length)
                self._apply(self.node.receive(now_ms(), pid, data))
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            pass
        finally:
            self.node.disconnected(now_ms(), pid)
            w = self._writers.pop(pid, None)
            if w is not None:
                w.close()

    async def _ticker(self) -> None:
        interval = self.node.params.tick_interval_ms / 1000
        while True:
            await asyncio.sleep(interval)
            self._apply(self.node.tick(now_ms()))

    def _apply(self, outputs: list[Output]) -> None:
        for o in outputs:
            if isinstance(o, Send):
                pid = cast(int, o.peer)
                w = self._writers.get(pid)
                if w is None:
                    continue
                if w.transport.get_write_buffer_size() > MAX_WRITE_BUFFER:
                    self._drop(pid)
                    continue
                w.write(len(o.data).to_bytes(4, "little") + o.data)
            elif isinstance(o, Close):
                self._drop(cast(int, o.peer))
            else:
                self._deliver(o)

    def _drop(self, pid: int) -> None:
        w = self._writers.pop(pid, None)
        if w is not None:
            w.close()
        self.node.disconnected(now_ms(), pid)

    def _deliver(self, o: Accepted) -> None:
        self.delivered += 1
        for tag, queue in self._subscribers:
            if tag is None or o.item.has_tag(tag):
                if queue.full():
                    queue.get_nowait()
                queue.put_nowait(o.item)

    # -- the easy API ---------------------------------------------------------------

    async def publish(self, tags: tuple[str, str] | list[str], payload: bytes,
                      ttl_ms: int = 3_600_000, destination: bytes | None = None) -> Item:
        """Make (mine, sign) an item with this node's key and publish it."""
        item = make_item(self.node.key, tags, payload, now_ms(), ttl_ms, destination,
                         self.node.params.min_priority)
        self.publish_item(item)
        return item

    def publish_item(self, item: Item) -> None:
        """Publish an item made elsewhere (raises ``Rejected`` if it is not valid)."""
        self._apply(self.node.publish(now_ms(), item))

    def publish_items(self, items: list[Item]) -> None:
        """Publish several items made elsewhere, pushed together (one message per peer)."""
        self._apply(self.node.publish_many(now_ms(), items))

    async def subscribe(self, tag: str | None = None, existing: bool = True) -> AsyncIterator[Item]:
        """Yield items with ``tag`` (any item if None): stored ones first, then new ones."""
        queue: asyncio.Queue[Item] = asyncio.Queue(SUBSCRIBER_QUEUE)
        entry = (tag, queue)
        self._subscribers.append(entry)
        try:
            if existing:
                for item in list(self.node.store.query(tag=tag)):
                    yield item
            while True:
                yield await queue.get()
        finally:
            self._subscribers.remove(entry)
