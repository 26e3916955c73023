"""TCP transport and the easy API on loopback (127.0.0.1, ephemeral ports, bounded time)."""

from __future__ import annotations

import asyncio

from chipstack.cli import build_parser, main
from chipstack.sync import NodeParams, spawn
from chipstack.sync.item import Item

FAST = NodeParams(min_priority=2, reconcile_interval_ms=300)


async def _first(agen_source: object, timeout: float = 10.0) -> Item:
    async def take() -> Item:
        async for item in agen_source:  # type: ignore[attr-defined]
            return item  # type: ignore[no-any-return]
        raise AssertionError("subscription ended")

    return await asyncio.wait_for(take(), timeout)


def test_spawn_publish_subscribe() -> None:
    async def scenario() -> None:
        async with spawn(4, FAST, seed=1) as net:
            assert all(len(n.node.ready_peers()) == 3 for n in net.nodes)
            item = await net[0].publish(("chat", "room"), b"hello")
            got = await _first(net[3].subscribe("chat"))
            assert got == item and got.payload == b"hello"

            async def converge() -> None:
                while not net.in_sync():
                    await asyncio.sleep(0.02)

            await asyncio.wait_for(converge(), 10)

    asyncio.run(asyncio.wait_for(scenario(), 30))


def test_late_joiner_catches_up_by_reconciliation() -> None:
    async def scenario() -> None:
        async with spawn(2, FAST, seed=2) as net:
            for k in range(20):
                await net[0].publish(("bulk", str(k)), bytes([k]) * 50)
            from chipstack.crypto import PrivateKey
            from chipstack.sync.node import Node
            from chipstack.sync.tcp import TcpNode

            late = TcpNode(Node(PrivateKey.from_label("late"), FAST))
            await late.start()
            try:
                await late.dial(*net[1].address)

                async def converge() -> None:
                    while len(late.node.store) < 20:
                        await asyncio.sleep(0.02)

                await asyncio.wait_for(converge(), 10)
                assert late.node.store.ids() == net[0].node.store.ids()
            finally:
                await late.close()

    asyncio.run(asyncio.wait_for(scenario(), 30))


def test_cli_registers_node_and_net() -> None:
    parser = build_parser()
    args = parser.parse_args(["node", "--listen", "127.0.0.1:0", "--peer", "127.0.0.1:9"])
    assert args.listen == ("127.0.0.1", 0) and args.peer == [("127.0.0.1", 9)]
    assert parser.parse_args(["net", "--nodes", "3"]).nodes == 3


def test_cli_net_runs(capsys: object) -> None:
    assert main(["net", "--nodes", "3", "--rate", "20", "--duration", "1.5"]) == 0
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "at every node" in out
    last = next(line for line in out.splitlines() if line.startswith("done:"))
    done, total = last.split()[1].split("/")
    assert done == total and int(total) >= 20


def test_cli_node_runs_and_dials(capsys: object, tmp_path: object) -> None:
    data = str(tmp_path)

    async def scenario() -> int:
        async with spawn(1, FAST, seed=3) as net:
            port = net[0].port
            code = await asyncio.to_thread(
                main, ["node", "--listen", "127.0.0.1:0", "--peer", f"127.0.0.1:{port}",
                       "--duration", "2.0", "--publish-every", "0.2",  # slack for a slow CI
                       "--data", data])
            assert len(net[0].node.store) >= 1  # the CLI node's items reached the spawned node
            return code

    assert asyncio.run(asyncio.wait_for(scenario(), 30)) == 0
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "listening on 127.0.0.1:" in out
    from chipstack.sync.store import SqliteStore

    kept = SqliteStore(100, 10**6, data + "/store.sqlite")  # the node's items were kept
    assert len(kept) >= 1
    kept.close()


def test_tcp_challenges_come_from_the_os_not_the_seeded_rng() -> None:
    import random

    from chipstack.crypto import PrivateKey
    from chipstack.sync.node import Node, Send
    from chipstack.sync.tcp import TcpNode
    from chipstack.sync.wire import Hello, decode_message

    def challenge(node: Node) -> bytes:
        hello = node.connect(0, 1)[0]
        assert isinstance(hello, Send)
        msg = decode_message(hello.data)
        assert isinstance(msg, Hello)
        return msg.challenge

    key = PrivateKey.from_label("same")
    plain = [challenge(Node(key, FAST, random.Random(0))) for _ in range(2)]
    assert plain[0] == plain[1]  # the sans-IO core is deterministic by default ...
    tcp = [challenge(TcpNode(Node(key, FAST, random.Random(0))).node) for _ in range(2)]
    assert tcp[0] != tcp[1]  # ... the transport is not ([SYNC-23])


async def _open_channel(port: int, label: str) -> tuple[
        asyncio.StreamReader, asyncio.StreamWriter, object]:
    """Dial a node on loopback and run the secure-channel handshake as ``label``."""
    from chipstack.crypto import PrivateKey
    from chipstack.sync.channel import Channel

    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    channel = Channel(True, PrivateKey.from_label(label), FAST.network_id)
    writer.write(channel.start())
    while not channel.established:
        data = await asyncio.wait_for(reader.read(65536), 10)
        assert data, "closed during the handshake"
        out, _ = channel.receive(data)
        writer.write(out)
    return reader, writer, channel


async def _messages(reader: asyncio.StreamReader, channel: object) -> list[bytes]:
    """Every message the peer sends until it closes the connection."""
    from chipstack.errors import Rejected
    from chipstack.sync.channel import Channel

    assert isinstance(channel, Channel)
    got: list[bytes] = []
    while data := await reader.read(65536):
        try:
            got += channel.receive(data)[1]
        except Rejected:
            break
    return got


def test_oversize_frame_gets_bye_and_close_and_connections_are_capped() -> None:
    from chipstack.crypto import PrivateKey
    from chipstack.sync.channel import Channel
    from chipstack.sync.node import Node
    from chipstack.sync.params import MAX_MESSAGE
    from chipstack.sync.tcp import TcpNode
    from chipstack.sync.wire import Bye, decode_message

    async def scenario() -> None:
        node = TcpNode(Node(PrivateKey.from_label("capped"), FAST), max_connections=1)
        await node.start()
        try:
            reader, writer, channel = await _open_channel(node.port, "big")
            assert isinstance(channel, Channel) and channel._send_cs is not None
            header = (MAX_MESSAGE + 1).to_bytes(4, "little")  # [SYNC-21]
            rec = channel._send_cs.encrypt(b"", header)
            writer.write(len(rec).to_bytes(2, "little") + rec)
            got = [decode_message(m) for m in
                   await asyncio.wait_for(_messages(reader, channel), 10)]
            assert Bye("encoding.over_length") in got
            writer.close()

            first = await _open_channel(node.port, "first")  # served: the handshake ran
            second_r, second_w = await asyncio.open_connection("127.0.0.1", node.port)
            assert await asyncio.wait_for(second_r.read(65536), 10) == b""  # closed at once
            second_w.close()
            try:
                await node.dial("127.0.0.1", node.port)
                raise AssertionError("a dial over the cap must fail")
            except ConnectionError:
                pass
            first[1].close()
        finally:
            await node.close()

    asyncio.run(asyncio.wait_for(scenario(), 30))


def test_failed_start_leaves_nothing_running() -> None:
    from chipstack.sync.spawn import Network

    class NoPatience(Network):
        async def start(self, timeout_s: float = 10.0) -> None:
            await super().start(timeout_s=0.0)  # the handshakes cannot be done yet

    async def scenario() -> None:
        net = NoPatience(3, FAST, seed=4)
        try:
            async with net:
                raise AssertionError("start must time out")
        except TimeoutError:
            pass
        for n in net.nodes:
            assert n._server is not None and not n._server.is_serving()
            assert not n._tasks and not n._handlers and not n._writers

    asyncio.run(asyncio.wait_for(scenario(), 30))


def test_stalled_frames_hit_the_read_deadline_and_the_buffer_budget() -> None:
    """Attackers start frames and stall ([SYNC-53]); two honest nodes keep syncing."""
    from dataclasses import replace

    from chipstack.crypto import PrivateKey
    from chipstack.sync.channel import Channel
    from chipstack.sync.node import Node
    from chipstack.sync.tcp import TcpNode

    budget = 1024 * 1024
    params = replace(FAST, frame_timeout_ms=1_500, buffer_budget_bytes=budget)

    def partial(channel: object, announced: int, sent: int) -> bytes:
        assert isinstance(channel, Channel) and channel._send_cs is not None
        stream = announced.to_bytes(4, "little") + bytes(sent)
        return b"".join(
            len(c := channel._send_cs.encrypt(b"", stream[i : i + 65519])).to_bytes(2, "little")
            + c for i in range(0, len(stream), 65519))

    async def scenario() -> None:
        victim = TcpNode(Node(PrivateKey.from_label("victim"), params))
        friend = TcpNode(Node(PrivateKey.from_label("friend"), params))
        await victim.start()
        await friend.start()
        try:
            await friend.dial("127.0.0.1", victim.port)
            stalled = []
            for k in range(3):  # 3 x 600 KB of 2 MiB frames: over the 1 MiB budget
                reader, writer, channel = await _open_channel(victim.port, f"staller-{k}")
                writer.write(partial(channel, 2 * 1024 * 1024, 600_000))
                await writer.drain()
                stalled.append((reader, writer))
            item = await friend.publish(("chat", "x"), b"still here")
            got = await _first(victim.subscribe("chat"))
            assert got == item  # honest traffic flows while the attack runs
            for reader, _ in stalled:  # every staller is cut off (EOF): budget or deadline
                while await asyncio.wait_for(reader.read(65536 * 64), 20):
                    pass
            assert victim.closed_for["budget"] >= 1 and victim.closed_for["deadline"] >= 1
            assert victim.closed_for["budget"] + victim.closed_for["deadline"] == 3
            assert victim.buffered() == 0
            assert len(victim.node.ready_peers()) == 1  # the friend stayed
            for _, writer in stalled:
                writer.close()
        finally:
            await friend.close()
            await victim.close()

    asyncio.run(asyncio.wait_for(scenario(), 60))


def test_restarted_node_has_lost_nothing_and_catches_up(tmp_path: object) -> None:
    """A node on a SQLite file stops mid-run and restarts on it ([SYNC-17])."""
    from chipstack.crypto import PrivateKey
    from chipstack.sync.node import Node
    from chipstack.sync.store import SqliteStore
    from chipstack.sync.tcp import TcpNode

    path = str(tmp_path) + "/a.sqlite"
    key = PrivateKey.from_label("restarted")

    def node_a() -> TcpNode:
        store = SqliteStore(FAST.store_max_items, FAST.store_max_bytes, path)
        return TcpNode(Node(key, FAST, store=store))

    async def until(cond: object) -> None:
        async def wait() -> None:
            while not cond():  # type: ignore[operator]
                await asyncio.sleep(0.02)
        await asyncio.wait_for(wait(), 15)

    async def scenario() -> None:
        b = TcpNode(Node(PrivateKey.from_label("b-steady"), FAST))
        await b.start()
        a = node_a()
        await a.start()
        try:
            await a.dial("127.0.0.1", b.port)
            first = [await b.publish(("bulk", str(k)), bytes([k]) * 64) for k in range(15)]
            first.append(await a.publish(("own", "a"), b"written by a"))
            await until(lambda: all(it.id in a.node.store for it in first))
            before = a.node.store.ids()
            await a.close()  # stop mid-run
            a.node.store.close()
            later = [await b.publish(("bulk", str(k)), bytes([k]) * 64) for k in range(15, 25)]
            a = node_a()  # restart on the same file
            assert a.node.store.ids() == before  # nothing it had stored was lost
            await a.start()
            await a.dial("127.0.0.1", b.port)
            await until(lambda: all(it.id in a.node.store for it in later))
            assert a.node.store.ids() == b.node.store.ids()
        finally:
            await a.close()
            a.node.store.close()
            await b.close()

    asyncio.run(asyncio.wait_for(scenario(), 60))


def test_frame_deadline_belongs_to_the_frame_in_progress() -> None:
    """[SYNC-53]: frames streamed back to back never inherit a finished frame's deadline."""
    from chipstack.sync.tcp import frame_deadline

    assert frame_deadline(None, 5.0, False, False, 1_000) is None  # nothing partial
    first = frame_deadline(None, 5.0, False, True, 1_000)
    assert first == 6.0
    assert frame_deadline(first, 5.9, False, True, 1_000) == 6.0  # same frame: kept
    assert frame_deadline(first, 5.9, True, True, 1_000) == 6.9  # a new frame began
    assert frame_deadline(first, 5.9, True, False, 1_000) is None
    # a peer streaming 100 frames, each read ending inside the next one, 0.5 s apart:
    deadline, now = None, 0.0
    for _ in range(100):
        deadline = frame_deadline(deadline, now, True, True, 1_000)
        assert deadline is not None and deadline > now
        now += 0.5
