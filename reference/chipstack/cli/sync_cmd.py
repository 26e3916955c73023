"""``chipstack node`` (one sync node, by hand) and ``chipstack net`` (a local network).

Spec: ``spec/01-sync.md``. Both use the TCP transport on the given addresses only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import time

from chipstack.crypto import sha256
from chipstack.sync.params import NodeParams


def _hostport(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    return host, int(port)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``node`` and ``net`` sub-commands."""
    p = subparsers.add_parser("node", help="run one sync node (TCP)")
    p.add_argument("--listen", type=_hostport, default=("127.0.0.1", 0), help="HOST:PORT")
    p.add_argument("--peer", type=_hostport, action="append", default=[], help="HOST:PORT to dial")
    p.add_argument("--network", default="", help="network name (peers must use the same)")
    p.add_argument("--publish-every", type=float, default=0.0,
                   help="publish a test item every this many seconds (0 = never)")
    p.add_argument("--duration", type=float, default=0.0, help="stop after this many seconds")
    p.add_argument("--data", default=DEFAULT_DATA,
                   help="directory of the node's key and SQLite store (default %(default)s)")
    p.add_argument("--memory", action="store_true",
                   help="keep the store in memory with a fresh key (nothing written to disk)")
    p.set_defaults(func=_node)
    q = subparsers.add_parser("net", help="spawn a local sync network and print live figures")
    q.add_argument("--nodes", type=_positive, default=5)
    q.add_argument("--rate", type=float, default=100.0, help="items published per second")
    q.add_argument("--payload", type=int, default=256, help="payload bytes per item")
    q.add_argument("--duration", type=float, default=10.0, help="seconds to run")
    q.set_defaults(func=_net)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return value


def _params(network: str) -> NodeParams:
    if not network:
        return NodeParams()
    return dataclasses.replace(NodeParams(), network_id=sha256(network.encode("utf-8")))


#: Default directory of ``chipstack node``'s key and store ([SYNC-17]).
DEFAULT_DATA = "~/.chipstack/sync-node"


def _open_data(data: str, params: NodeParams) -> tuple[bytes, str]:
    """The node's key seed (created on first use) and store path under ``data``."""
    import os
    from pathlib import Path

    root = Path(data).expanduser()
    root.mkdir(parents=True, exist_ok=True)
    key_file = root / "node.key"
    if not key_file.exists():
        key_file.write_bytes(os.urandom(32))
        key_file.chmod(0o600)
    return key_file.read_bytes(), str(root / "store.sqlite")


def _node(args: argparse.Namespace) -> int:
    return asyncio.run(_run_node(args))


async def _run_node(args: argparse.Namespace) -> int:
    import os
    import random

    from chipstack.crypto import PrivateKey
    from chipstack.sync.node import Node
    from chipstack.sync.store import SqliteStore
    from chipstack.sync.tcp import TcpNode

    params = _params(args.network)
    if args.memory:
        node = TcpNode(Node(PrivateKey(os.urandom(32)), params, random.Random()), *args.listen)
    else:
        seed, path = _open_data(args.data, params)
        store = SqliteStore(params.store_max_items, params.store_max_bytes, path)
        node = TcpNode(Node(PrivateKey(seed), params, random.Random(), store), *args.listen)
    await node.start()
    print(f"listening on {node.host}:{node.port} as {node.node.node_key.hex()}", flush=True)
    for host, port in args.peer:
        try:
            await node.dial(host, port)
        except (OSError, TimeoutError) as exc:
            print(f"cannot reach {host}:{port}: {exc}", flush=True)

    async def printer() -> None:
        async for item in node.subscribe(existing=False):
            print(f"item {item.id.hex()[:16]} tags={item.tag1}/{item.tag2} "
                  f"{len(item.payload)} bytes from {item.author.hex()[:16]}", flush=True)

    async def publisher() -> None:
        k = 0
        while args.publish_every > 0:
            await asyncio.sleep(args.publish_every)
            k += 1
            await node.publish(("demo", "cli"), f"message {k} from {node.port}".encode())

    tasks = [asyncio.ensure_future(printer()), asyncio.ensure_future(publisher())]
    try:
        if args.duration > 0:
            await asyncio.sleep(args.duration)
        else:
            await asyncio.Event().wait()
    finally:
        for t in tasks:
            t.cancel()
        await node.close()
        node.node.store.close()
    return 0


def _net(args: argparse.Namespace) -> int:
    return asyncio.run(_run_net(args))


async def _run_net(args: argparse.Namespace) -> int:
    import os

    from chipstack.sync.spawn import spawn

    async with spawn(args.nodes) as net:
        print(f"{len(net)} nodes on 127.0.0.1 ports "
              f"{', '.join(str(n.port) for n in net.nodes)}", flush=True)
        print(f"{'t (s)':>6} {'published':>9} {'at every node':>13} {'items/s':>8}", flush=True)
        start = time.monotonic()
        published: list[bytes] = []
        next_report = 1.0
        gap = 1.0 / args.rate if args.rate > 0 else float("inf")
        k = 0
        while (elapsed := time.monotonic() - start) < args.duration:
            while k * gap <= elapsed:
                origin = net[k % len(net)]
                item = await origin.publish(("net", f"t{k % 8}"), os.urandom(args.payload))
                published.append(item.id)
                k += 1
            if elapsed >= next_report:
                everywhere = sum(all(i in n.node.store for n in net.nodes) for i in published)
                print(f"{elapsed:6.1f} {len(published):9d} {everywhere:13d} "
                      f"{len(published) / elapsed:8.1f}", flush=True)
                next_report += 1.0
            await asyncio.sleep(min(gap, 0.05))
        with contextlib.suppress(TimeoutError):
            async def settle() -> None:
                while not all(all(i in n.node.store for n in net.nodes) for i in published):
                    await asyncio.sleep(0.05)
            await asyncio.wait_for(settle(), 10)
        everywhere = sum(all(i in n.node.store for n in net.nodes) for i in published)
        print(f"done: {everywhere}/{len(published)} items at every node", flush=True)
    return 0
