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


def test_cli_node_runs_and_dials(capsys: object) -> None:
    async def scenario() -> int:
        async with spawn(1, FAST, seed=3) as net:
            port = net[0].port
            code = await asyncio.to_thread(
                main, ["node", "--listen", "127.0.0.1:0", "--peer", f"127.0.0.1:{port}",
                       "--duration", "1.0", "--publish-every", "0.2"])
            assert len(net[0].node.store) >= 1  # the CLI node's items reached the spawned node
            return code

    assert asyncio.run(asyncio.wait_for(scenario(), 30)) == 0
    out = capsys.readouterr().out  # type: ignore[attr-defined]
    assert "listening on 127.0.0.1:" in out
