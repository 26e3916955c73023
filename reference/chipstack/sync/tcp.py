"""The TCP transport: the sans-IO node core driven by asyncio streams.

Spec: ``spec/01-sync.md`` rules ``[SYNC-21]`` (framing) and ``[SYNC-40]`` ..
``[SYNC-46]`` (secure channel). Every connection runs the Noise XX handshake of
:class:`~chipstack.sync.channel.Channel` first, within ``handshake_timeout_ms``; the
node sees the peer only once its node key is authenticated. Every message then travels
encrypted as a frame (a u32 little-endian length, then the message bytes); a frame
longer than ``MAX_MESSAGE`` closes the connection (after a BYE ``encoding.over_length``).
The transport owns the clock (wall-clock milliseconds) and calls ``tick`` every
``tick_interval_ms``; it draws handshake challenges from ``os.urandom``. A peer
whose unsent output exceeds ``MAX_WRITE_BUFFER`` is too slow and is dropped, and
at most ``max_connections`` connections are open at once, so memory stays bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import itertools
import logging
import os
import random
import time
from collections import Counter
from collections.abc import AsyncIterator, Coroutine
from typing import Any, cast

from chipstack.errors import Reason, Rejected
from chipstack.sync.channel import Channel
from chipstack.sync.item import Item, make_item
from chipstack.sync.node import Accepted, Close, Node, Output, Send
from chipstack.sync.peers import ConnectionPolicy, Limits, redial_delay_ms
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
#: Bytes read from a socket at a time.
READ_CHUNK = 65536
#: How often the transport looks for learned addresses to dial, in seconds.
MAINTAIN_INTERVAL_S = 1.0


def _secure_challenge() -> bytes:
    return os.urandom(32)


def frame_deadline(deadline: float | None, now: float, completed: bool, partial: bool,
                   timeout_ms: int) -> float | None:
    """The read deadline (loop seconds) after one read, or None when none applies ([SYNC-53]).

    The deadline belongs to the frame (or record) in progress: none while nothing is
    partial; kept while the same frame is still arriving; started anew at ``now`` when
    a read completed a frame and the next one has begun (that one started in this
    read), so a peer streaming frames back to back is never cut off by the deadline of
    an earlier, finished frame.
    """
    if not partial:
        return None
    if deadline is None or completed:
        return now + timeout_ms / 1000
    return deadline


def now_ms() -> int:
    """Wall-clock milliseconds since the Unix epoch (item timestamps use this clock)."""
    return time.time_ns() // 1_000_000


class TcpNode:
    """One node listening on ``host:port`` (0 = any free port) and dialling peers.

    Connections are admitted by a :class:`~chipstack.sync.peers.ConnectionPolicy`
    ([SYNC-62], [SYNC-63]): at most ``limits.max_connections`` in all (an accepted one
    beyond may evict an unprotected inbound peer; a dial beyond raises
    ``ConnectionError``), at most ``max_per_address`` per IP and ``max_per_group`` per
    address group; a banned peer's address is refused for ``ban_ms``. Persistent dials
    are redialled with backoff ([SYNC-64]) and, below ``target_outbound`` dialled peers,
    addresses learned from peers are dialled ([SYNC-61]).
    """

    def __init__(self, node: Node, host: str = "127.0.0.1", port: int = 0,
                 max_connections: int = MAX_CONNECTIONS, limits: Limits | None = None) -> None:
        self.node = node
        node.challenge_source = _secure_challenge
        self.host = host
        self.port = port
        self.limits = limits or Limits(max_connections=max_connections)
        self.max_connections = self.limits.max_connections
        self.policy = ConnectionPolicy(self.limits, secret=os.urandom(32))
        self._rng = random.Random(os.urandom(16))  # redial jitter
        self._persistent: dict[tuple[str, int], int] = {}  # address -> failed attempts
        self._dialled: dict[int, tuple[str, int]] = {}  # pid -> address dialled
        self._closing = False
        self._server: asyncio.Server | None = None
        self._writers: dict[int, asyncio.StreamWriter] = {}
        self._channels: dict[int, Channel] = {}
        #: Connections this transport closed on its own, by cause: ``deadline`` (a frame
        #: not completed within ``frame_timeout_ms``), ``budget`` (over the buffer
        #: budget), ``handshake`` (channel handshake failed or timed out) ([SYNC-53]);
        #: and refusals at accept: ``banned_address``, ``accept_rate``, ``per_address``,
        #: ``per_group``,
        #: ``full``, and ``evicted`` for a peer closed to make room ([SYNC-62], [SYNC-63]).
        self.closed_for: Counter[str] = Counter()
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
        try:
            shared = str(ipaddress.ip_address(self.host))
        except ValueError:
            shared = "0.0.0.0"  # a name: "the address you see me at"
        self.node.local_addresses = [(shared, self.port)]
        self._spawn(self._ticker())
        if self.limits.target_outbound > 0:
            self._spawn(self._maintain())

    async def close(self) -> None:
        """Stop listening, close every connection and stop every task.

        Dialled connections and the ticker are cancelled. Accepted connections run in
        tasks asyncio owns (it would log them as errors if cancelled): they end by
        themselves once their socket is closed, and are awaited for at most 5 seconds.
        """
        self._closing = True
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

    async def dial(self, host: str, port: int, timeout_s: float = DIAL_TIMEOUT_S,
                   persistent: bool = False) -> None:
        """Open a connection to a peer (``TimeoutError`` after ``timeout_s`` seconds).

        ``ConnectionError`` if the policy refuses it (full, limits, banned address). A
        ``persistent`` peer is redialled with backoff whenever the connection ends or
        the dial fails ([SYNC-64]).
        """
        address = (host, port)
        if persistent:
            self._persistent.setdefault(address, 0)
        decision = self.policy.admit(now_ms(), host, inbound=False)
        if not decision.accept:  # refused now (full, banned): a persistent peer is retried
            self._schedule_redial(address)
            raise ConnectionError(f"dial refused: {decision.reason}")
        try:
            reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port),
                                                    timeout_s)
        except (OSError, TimeoutError):
            self._schedule_redial(address)
            raise
        self._spawn(self._serve(reader, writer, initiator=True, host=host, dialled=address))

    def _schedule_redial(self, address: tuple[str, int]) -> None:
        if self._closing or address not in self._persistent:
            return
        attempt = self._persistent[address]
        self._persistent[address] = attempt + 1
        delay = redial_delay_ms(attempt, self.limits, self._rng) / 1000
        self._spawn(self._redial(address, delay))

    async def _redial(self, address: tuple[str, int], delay_s: float) -> None:
        await asyncio.sleep(delay_s)
        if self._closing or address in self._dialled.values():
            return
        with contextlib.suppress(OSError, TimeoutError, ConnectionError):
            await self.dial(*address, persistent=True)

    async def _maintain(self) -> None:
        """Dial learned addresses while fewer than ``target_outbound`` are dialled ([SYNC-61])."""
        while True:
            await asyncio.sleep(MAINTAIN_INTERVAL_S)
            if len(self._dialled) >= self.limits.target_outbound:
                continue
            mine = set(self.node.local_addresses)
            busy = set(self._dialled.values())
            for address in self.node.address_book.sample(8):
                if address not in mine and address not in busy:
                    with contextlib.suppress(OSError, TimeoutError, ConnectionError):
                        await self.dial(*address, timeout_s=5.0)
                    break

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task: asyncio.Task[None] = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._handlers.add(task)
            task.add_done_callback(self._handlers.discard)
        peer = writer.get_extra_info("peername")
        host = str(peer[0]) if peer else "?"
        decision = self.policy.admit(now_ms(), host, inbound=True)
        if not decision.accept:
            self.closed_for[decision.reason] += 1
            writer.close()
            return
        if decision.evict is not None:  # [SYNC-63] make room: close an unprotected peer
            self.closed_for["evicted"] += 1
            self._drop(decision.evict)
        await self._serve(reader, writer, initiator=False, host=host)

    async def _handshake(self, pid: int, channel: Channel, reader: asyncio.StreamReader,
                         writer: asyncio.StreamWriter) -> list[bytes]:
        """Run the channel handshake; return the messages that arrived right after it."""
        first = channel.start()
        if first:
            writer.write(first)
        while not channel.established:
            data = await reader.read(READ_CHUNK)
            if not data:
                raise ConnectionError("closed during the handshake")
            out, messages = channel.receive(data)
            if out:
                writer.write(out)
        return messages

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                     initiator: bool, host: str = "?",
                     dialled: tuple[str, int] | None = None) -> None:
        pid = next(self._ids)
        self._writers[pid] = writer
        self.policy.opened(now_ms(), pid, host, inbound=not initiator)
        if dialled is not None:
            self._dialled[pid] = dialled
        node = self.node
        channel = Channel(initiator, node.key, node.params.network_id)
        try:
            try:
                try:
                    first = await asyncio.wait_for(  # [SYNC-44] the handshake read deadline
                        self._handshake(pid, channel, reader, writer),
                        node.params.handshake_timeout_ms / 1000)
                except (TimeoutError, Rejected):
                    self.closed_for["handshake"] += 1
                    raise
                assert channel.remote_key is not None
                self._channels[pid] = channel
                self._apply(node.connect(now_ms(), pid, channel.remote_key, host))
                peer = node.peers.get(pid)
                if dialled in self._persistent and peer is not None and peer.ready:
                    # [SYNC-64] the backoff starts over only once the node took the peer:
                    # a connection it closed at once (a duplicate of a ready one, a
                    # banned key) must not be redialled every redial_base_ms forever
                    self._persistent[dialled] = 0
                for message in first:
                    if pid in self._writers:
                        self._apply(node.receive(now_ms(), pid, message))
                await self._read_loop(pid, channel, reader)
            except Rejected as exc:
                if channel.established and exc.reason == Reason.ENCODING_OVER_LENGTH:
                    bye = encode_message(Bye(exc.reason.value))  # [SYNC-21]
                    writer.write(channel.send(bye))
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError, OSError, Rejected):
            pass
        finally:
            node.disconnected(now_ms(), pid)
            self.policy.closed(pid)
            self._dialled.pop(pid, None)
            if dialled is not None:
                self._schedule_redial(dialled)
            self._channels.pop(pid, None)
            w = self._writers.pop(pid, None)
            if w is not None:
                w.close()

    async def _read_loop(self, pid: int, channel: Channel, reader: asyncio.StreamReader) -> None:
        """Read, decrypt and hand messages to the node until the connection ends.

        A record or frame that has started arriving must complete within
        ``frame_timeout_ms`` ([SYNC-53]); after every read the buffers of all
        connections together are held to ``buffer_budget_bytes``.
        """
        node = self.node
        loop = asyncio.get_running_loop()
        deadline: float | None = None
        while pid in self._writers:
            timeout = None if deadline is None else max(0.0, deadline - loop.time())
            try:
                data = await asyncio.wait_for(reader.read(READ_CHUNK), timeout)
            except TimeoutError:
                self.closed_for["deadline"] += 1
                return
            if not data:
                return
            records, frames = channel.records_in, channel.frames_in
            _, messages = channel.receive(data)
            self._apply(node.records(now_ms(), pid, channel.records_in - records))  # [SYNC-52]
            for message in messages:
                if pid not in self._writers:
                    return
                self._apply(node.receive(now_ms(), pid, message))
            deadline = frame_deadline(deadline, loop.time(), channel.frames_in > frames,
                                      channel.partial, node.params.frame_timeout_ms)
            self._hold_budget()

    def buffered(self) -> int:
        """Bytes held in incomplete records and frames over all connections ([SYNC-53])."""
        return sum(ch.buffered for ch in self._channels.values())

    def _hold_budget(self) -> None:
        """Close the connections holding the most until the buffers fit the budget."""
        budget = self.node.params.buffer_budget_bytes
        while self._channels and self.buffered() > budget:
            worst = max(self._channels, key=lambda k: self._channels[k].buffered)
            self.closed_for["budget"] += 1
            self._drop(worst)

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
                channel = self._channels.get(pid)
                if w is None or channel is None:
                    continue
                if w.transport.get_write_buffer_size() > MAX_WRITE_BUFFER:
                    _log.warning("%s: dropped connection %s: too slow", self.port, pid)
                    self._drop(pid)
                    continue
                w.write(channel.send(o.data))
            elif isinstance(o, Close):
                pid = cast(int, o.peer)
                _log.warning("%s: closed connection %s: %s", self.port, pid, o.reason)
                conn = self.policy.conns.get(pid)
                if o.banned and conn is not None:  # [SYNC-62] the address too
                    self.policy.ban(now_ms(), conn.host, self.node.params.ban_ms)
                self._drop(pid)
            else:
                if o.peer is not None:
                    self.policy.useful(now_ms(), cast(int, o.peer))
                self._deliver(o)

    def _drop(self, pid: int) -> None:
        self._channels.pop(pid, None)
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
        with self.node.store.batch():  # [SYNC-17] stored durably before they are sent
            outputs = self.node.publish_many(now_ms(), items)
        self._apply(outputs)

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
