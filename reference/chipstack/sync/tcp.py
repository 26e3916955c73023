"""The TCP transport: the sans-IO node core driven by asyncio streams.

Spec: ``spec/01-sync.md`` rule ``[SYNC-21]`` (framing). Every message travels as
a frame: a u32 little-endian length, then the message bytes; a frame longer
than ``MAX_MESSAGE`` closes the connection (after a BYE ``encoding.over_length``).
The transport owns the clock (wall-clock milliseconds) and calls ``tick`` every
``tick_interval_ms``; it draws handshake challenges from ``os.urandom``. A peer
whose unsent output exceeds ``MAX_WRITE_BUFFER`` is too slow and is dropped, and
at most ``max_connections`` connections are open at once, so memory stays bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import time
from collections.abc import AsyncIterator, Coroutine
from typing import Any, cast

from chipstack.errors import Reason
from chipstack.sync.item import Item, make_item
from chipstack.sync.node import Accepted, Close, Node, Output, Send
from chipstack.sync.params import MAX_MESSAGE
from chipstack.sync.wire import Bye, encode_message

_log = logging.getLogger(__name__)

#: Unsent bytes allowed per connection before it is dropped as too slow.
MAX_WRITE_BUFFER = 16 * 1024 * 1024
#: Items buffered per subscriber; older ones are dropped when it falls behind.
SUBSCRIBER_QUEUE = 10_000
#: Default bound on open connections (accepted and dialled) per node.
MAX_CONNECTIONS = 128
#: Default time allowed for a dial to connect, in seconds.
DIAL_TIMEOUT_S = 10.0


def _secure_challenge() -> bytes:
    return os.urandom(32)


def now_ms() -> int:
    """Wall-clock milliseconds since the Unix epoch (item timestamps use this clock)."""
    return time.time_ns() // 1_000_000


class TcpNode:
    """One node listening on ``host:port`` (0 = any free port) and dialling peers.

    Connections beyond ``max_connections`` are closed at once (an accepted one) or
    refused with ``ConnectionError`` (a dial).
    """

    def __init__(self, node: Node, host: str = "127.0.0.1", port: int = 0,
                 max_connections: int = MAX_CONNECTIONS) -> None:
        self.node = node
        node.challenge_source = _secure_challenge
        self.host = host
        self.port = port
        self.max_connections = max_connections
        self._server: asyncio.Server | None = None
        self._writers: dict[int, asyncio.StreamWriter] = {}
        self._ids = itertools.count(1)
        self._tasks: set[asyncio.Task[None]] = set()
        self._handlers: set[asyncio.Task[Any]] = set()  # accepted connections (asyncio's tasks)
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
        """Stop listening, close every connection and stop every task.

        Dialled connections and the ticker are cancelled. Accepted connections run in
        tasks asyncio owns (it would log them as errors if cancelled): they end by
        themselves once their socket is closed, and are awaited for at most 5 seconds.
        """
        if self._server is not None:
            self._server.close()
        for w in list(self._writers.values()):
            w.close()
        for t in list(self._tasks):
            t.cancel()
        for t in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await t
        if self._handlers:
            await asyncio.wait(list(self._handlers), timeout=5.0)
        if self._server is not None:
            await self._server.wait_closed()

    async def dial(self, host: str, port: int, timeout_s: float = DIAL_TIMEOUT_S) -> None:
        """Open a connection to a peer (``TimeoutError`` after ``timeout_s`` seconds)."""
        if len(self._writers) >= self.max_connections:
            raise ConnectionError(f"already {len(self._writers)} connections")
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout_s)
        self._spawn(self._serve(reader, writer))

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
            task.add_done_callback(self._handlers.discard)
        if len(self._writers) >= self.max_connections:
            writer.close()
            return
        await self._serve(reader, writer)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        pid = next(self._ids)
        self._writers[pid] = writer
        try:
            self._apply(self.node.connect(now_ms(), pid))
            while pid in self._writers:
                header = await reader.readexactly(4)
                length = int.from_bytes(header, "little")
                if length > MAX_MESSAGE:  # [SYNC-21]
                    bye = encode_message(Bye(Reason.ENCODING_OVER_LENGTH.value))
                    writer.write(len(bye).to_bytes(4, "little") + bye)
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
                    _log.warning("%s: dropped connection %s: too slow", self.port, pid)
                    self._drop(pid)
                    continue
                w.write(len(o.data).to_bytes(4, "little") + o.data)
            elif isinstance(o, Close):
                _log.warning("%s: closed connection %s: %s", self.port, o.peer, o.reason)
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

    async def publish(self, tags: tuple[str, str] | list[str] | str, payload: bytes,
                      ttl_ms: int = 3_600_000, destination: bytes | None = None) -> Item:
        """Make (mine, sign) an item with this node's key and publish it.

        ``tags`` as in :func:`~chipstack.sync.item.make_item` (one or two tags).
        """
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
