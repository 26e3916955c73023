"""``chipstack node`` (one sync node, by hand) and ``chipstack net`` (a local network).

Spec: ``spec/01-sync.md``. Both use the TCP transport on the given addresses only.
Both log through :mod:`logging` (``--log-level``; one line per peer connected or
gone, reconciliation, refused item, full store: see :mod:`chipstack.cli.sync_log`)
and stop on Ctrl-C with a one-line summary.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import errno
import os
import signal
import sys
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from chipstack.cli import args as args_
from chipstack.crypto import sha256
from chipstack.errors import Rejected
from chipstack.sync.params import MAX_PAYLOAD, NodeParams

#: Most nodes ``chipstack net`` spawns (each is a listening socket plus its links).
MAX_NET_NODES = 64


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``node`` and ``net`` sub-commands."""
    p = subparsers.add_parser("node", help="run one sync node (TCP) until Ctrl-C or --duration")
    p.add_argument("--listen", type=args_.hostport, default="127.0.0.1:0", metavar="HOST:PORT",
                   help="address to listen on (port 0: any free port)")
    p.add_argument("--peer", type=args_.hostport, action="append", default=[],
                   metavar="HOST:PORT", help="a peer to dial (repeatable)")
    p.add_argument("--network", type=args_.utf8, default="",
                   help="network name; peers must use the same (default: the unnamed network)")
    p.add_argument("--publish-every", type=args_.finite(0.0, 86400.0), default=0.0,
                   metavar="SECONDS", help="publish a test item every this many seconds (0: never)")
    p.add_argument("--duration", type=args_.finite(0.0, 1e7), default=0.0, metavar="SECONDS",
                   help="stop after this many seconds (0: run until Ctrl-C)")
    p.add_argument("--data", default=DEFAULT_DATA, metavar="DIR",
                   help="directory of the node's key and SQLite store (default: %(default)s)")
    p.add_argument("--memory", action="store_true",
                   help="keep the store in memory with a fresh key; nothing written to disk "
                        "(default: off)")
    args_.add_log_level(p, "info")
    p.set_defaults(func=_node)
    q = subparsers.add_parser("net", help="spawn a local sync network and print live figures")
    q.add_argument("--nodes", type=args_.int_range(1, MAX_NET_NODES), default=5,
                   help="how many nodes")
    q.add_argument("--rate", type=args_.finite(0.0, 100_000.0), default=100.0,
                   metavar="PER_SECOND", help="items published per second, spread over the nodes")
    q.add_argument("--payload", type=args_.int_range(0, MAX_PAYLOAD), default=256,
                   metavar="BYTES", help="payload bytes per item")
    q.add_argument("--duration", type=args_.finite(0.0, 1e7), default=10.0,
                   metavar="SECONDS", help="seconds to publish for")
    args_.add_log_level(q, "warning")
    q.set_defaults(func=_net)


def _params(network: str) -> NodeParams:
    if not network:
        return NodeParams()
    return dataclasses.replace(NodeParams(), network_id=sha256(network.encode("utf-8")))


def _run(main: Callable[[], Coroutine[Any, Any, int]], level: str) -> int:
    """Run ``main`` with logging set up; Ctrl-C ends it cleanly (its ``finally`` prints)."""
    args_.setup_logging(level)
    try:
        return asyncio.run(_until_ctrl_c(main()))
    except KeyboardInterrupt:  # Ctrl-C before the handler below was installed
        return args_.INTERRUPTED


async def _until_ctrl_c(main: Coroutine[Any, Any, int]) -> int:
    """Await ``main``; the first Ctrl-C cancels it (status 130), a third quits at once.

    The handler runs as an event-loop callback, so a Ctrl-C never lands in the
    middle of the clean-up (asyncio's own handler raises ``KeyboardInterrupt``
    wherever the code is, and a second Ctrl-C there can leave a task that never
    ends: the process then hangs). The second Ctrl-C only says it is stopping.
    """
    loop = asyncio.get_running_loop()
    task = asyncio.current_task()
    presses = 0

    def on_ctrl_c() -> None:
        nonlocal presses
        presses += 1
        if presses == 1 and task is not None:
            task.cancel()
        elif presses == 2:
            print("chipstack: stopping; Ctrl-C again to quit without the summary",
                  file=sys.stderr, flush=True)
        else:
            os._exit(args_.INTERRUPTED)

    with contextlib.suppress(NotImplementedError, RuntimeError):  # no signals: not Unix
        loop.add_signal_handler(signal.SIGINT, on_ctrl_c)
    try:
        return await main
    except asyncio.CancelledError:
        if presses == 0:
            raise
        return args_.INTERRUPTED


def _listen_error(host: str, port: int, exc: OSError) -> int:
    if exc.errno == errno.EADDRINUSE:
        return args_.fail(f"cannot listen on {host}:{port}: the address is already in use")
    if exc.errno == errno.EACCES:
        return args_.fail(f"cannot listen on {host}:{port}: permission denied")
    return args_.fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")


#: Default directory of ``chipstack node``'s key and store ([SYNC-17]).
DEFAULT_DATA = "~/.chipstack/sync-node"


def _open_data(data: str) -> tuple[bytes, str]:
    """The node's key seed (created on first use) and store path under ``data``."""
    root = Path(data).expanduser()
    root.mkdir(parents=True, exist_ok=True)
    key_file = root / "node.key"
    try:  # [SYNC-17] created 0600 from the start: the seed is never readable by others
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "wb") as f:
            f.write(os.urandom(32))
            f.flush()
            os.fsync(f.fileno())
    return key_file.read_bytes(), str(root / "store.sqlite")


def _node(args: argparse.Namespace) -> int:
    return _run(lambda: _run_node(args), args.log_level)


async def _run_node(args: argparse.Namespace) -> int:
    import random

    from chipstack.cli.sync_log import NodeLog
    from chipstack.crypto import PrivateKey
    from chipstack.sync.node import Node
    from chipstack.sync.store import SqliteStore
    from chipstack.sync.tcp import TcpNode

    params = _params(args.network)
    if args.memory:
        node = TcpNode(Node(PrivateKey(os.urandom(32)), params, random.Random()), *args.listen)
    else:
        try:
            seed, path = _open_data(args.data)
        except OSError as exc:
            return args_.fail(f"cannot use data directory {args.data}: {exc.strerror or exc}")
        try:
            key = PrivateKey(seed)
        except Rejected as exc:
            return args_.fail(f"cannot use the node key in {args.data}: {exc}")
        try:
            store = SqliteStore(params.store_max_items, params.store_max_bytes, path)
        except Rejected as exc:
            return args_.fail(f"cannot use the store: {exc}")
        node = TcpNode(Node(key, params, random.Random(), store), *args.listen)
    try:
        await node.start()
    except OSError as exc:
        host, port = args.listen
        return _listen_error(host, port, exc)
    started = time.monotonic()
    received = published = 0
    log = NodeLog(node, f"{node.host}:{node.port}")
    print(f"listening on {node.host}:{node.port} as {node.node.node_key.hex()}", flush=True)

    async def printer() -> None:
        nonlocal received
        async for item in node.subscribe(existing=False):
            received += item.author != node.node.node_key  # not this node's own items
            print(f"item {item.id.hex()[:16]} tags={item.tag1}/{item.tag2} "
                  f"{len(item.payload)} bytes from {item.author.hex()[:16]}", flush=True)

    async def publisher() -> None:
        nonlocal published
        while args.publish_every > 0:
            await asyncio.sleep(args.publish_every)
            published += 1
            await node.publish(("demo", "cli"), f"message {published} from {node.port}".encode())

    tasks = [asyncio.ensure_future(t) for t in (printer(), publisher(), log.watch())]
    try:
        for host, port in args.peer:
            try:
                await node.dial(host, port)
            except (OSError, TimeoutError) as exc:
                log.log.warning("cannot reach peer %s:%d: %s", host, port, exc)
        if args.duration > 0:
            await asyncio.sleep(args.duration)
        else:
            await asyncio.Event().wait()
    finally:
        for t in tasks:
            t.cancel()
        await node.close()
        print(f"stopped after {time.monotonic() - started:.1f} s: {len(node.node.store)} items "
              f"stored, {received} received, {published} published", flush=True)
        node.node.store.close()
    return 0


def _net(args: argparse.Namespace) -> int:
    return _run(lambda: _run_net(args), args.log_level)


async def _run_net(args: argparse.Namespace) -> int:

    from chipstack.cli.sync_log import NodeLog
    from chipstack.sync.spawn import spawn

    published: list[bytes] = []

    def at_every_node(nodes: list[Any]) -> int:
        return sum(all(i in n.node.store for n in nodes) for i in published)

    try:
        net = spawn(args.nodes)
        await net.__aenter__()
    except OSError as exc:
        return args_.fail(f"cannot start the network: {exc.strerror or exc}")
    start = time.monotonic()
    watchers = [asyncio.ensure_future(NodeLog(n, f"node{i}").watch())
                for i, n in enumerate(net.nodes)]
    try:
        print(f"{len(net)} nodes on 127.0.0.1 ports "
              f"{', '.join(str(n.port) for n in net.nodes)}", flush=True)
        print(f"{'t (s)':>6} {'published':>9} {'at every node':>13} {'items/s':>8}", flush=True)
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
                print(f"{elapsed:6.1f} {len(published):9d} {at_every_node(net.nodes):13d} "
                      f"{len(published) / elapsed:8.1f}", flush=True)
                next_report += 1.0
            await asyncio.sleep(min(gap, 0.05))
        with contextlib.suppress(TimeoutError):
            async def settle() -> None:
                while at_every_node(net.nodes) < len(published):
                    await asyncio.sleep(0.05)
            await asyncio.wait_for(settle(), 10)
    finally:
        for w in watchers:
            w.cancel()
        everywhere = at_every_node(net.nodes)
        await net.__aexit__(None, None, None)
        print(f"done: {everywhere}/{len(published)} items at every node "
              f"after {time.monotonic() - start:.1f} s", flush=True)
    return 0
