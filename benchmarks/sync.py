"""Sync benchmarks: a simulated 100-node network and a 5-node TCP network on loopback.

Usage: ``python benchmarks/sync.py [--quick] [--skip-sim] [--skip-scale] [--skip-tcp]``.

* Simulation: N nodes (default 100), each dialling 8 random peers, links of
  50-200 ms one-way latency (uniform per link, plus 5 ms mean jitter), 1 % loss
  (a lost message arrives one 300 ms retransmission timeout late, as over TCP),
  200 items/s of 1 KiB payload for 60 s at random nodes (``--nodes``, ``--rate``,
  ``--duration``, ``--seed``, ``--push-fanout`` change them). Figures over every
  (item, node) pair; bytes include the 4-byte frame header, and are also broken down
  by message type (items, announcements, requests, reconciliation, PRUNE, GRAFT).
* TCP: 5 processes on 127.0.0.1 (one node each, full mesh, every connection on the
  Noise XX secure channel); node 0 publishes pre-mined, pre-signed items as fast as it
  can; every node checks every signature. Figures: items / (time until the last node
  holds every item), and items per node-CPU-second beside the raw Ed25519 verify rate
  measured in the same run (the verify-only ceiling; target 0.8 of it).
* Simulator speed and scale: the simulation's scenario (degree 8, 50-200 ms links, 1 %
  loss, 200 items/s of 1 KiB) on 100, 200, 500 and 1,000 nodes for a short simulated
  time (2 s of handshakes, ``--scale-traffic`` s of traffic, ``--scale-drain`` s of
  drain); simulated seconds per wall second and per CPU second, delivery latency and
  bytes per item at each size, and a plot of them (``build/bench/sync-scale.png``).
  Anchor: the same 100-node run with the cross-node memo off (every node decodes and
  verifies for itself), side by side, with its deliveries compared.
* Memory: bytes of Python heap per stored item (tracemalloc) for the in-memory store
  and the SQLite store, beside the item's encoding (target: at most 2x).
* Every figure with a target in issue 13 is printed beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import multiprocessing as mp
import os
import random
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from typing import NoReturn

from timing import timed
from tqdm import tqdm

from chipstack.crypto import PrivateKey, PublicKey
from chipstack.sync.item import decode_item, make_item
from chipstack.sync.node import Node, Output, PeerId
from chipstack.sync.params import NodeParams
from chipstack.sync.sim import SimConfig, Simulator
from chipstack.sync.sim.network import FRAME_OVERHEAD
from chipstack.sync.sim.workload import Report, run_steady
from chipstack.sync.store import SqliteStore, Store
from chipstack.sync.tcp import TcpNode, now_ms
from chipstack.sync.wire import MsgType

#: Targets of issue 13, printed beside the measured figures.
TARGET_WITHIN_1S = 0.9999
TARGET_BYTES_PER_ITEM_BYTE = 1.10
TARGET_VERIFY_FRACTION = 0.8
TARGET_MEMORY_RATIO = 2.0
TARGET_SIM_SPEED = 1.0


def verify_rate(seconds: float = 2.0) -> float:
    """Raw Ed25519 verifications per CPU-second (the verify-only ceiling).

    Counted in this process's CPU time, as the nodes' items per CPU-second are, so that
    other jobs on a shared machine inflate neither side of the ratio.
    """
    key = PrivateKey.from_label("bench-verify")
    msg = b"x" * 32
    sig = key.sign(msg)
    pub = PublicKey(key.public_key.raw)

    def batch() -> int:
        for _ in range(50):
            pub.verify(sig, msg)
        return 50

    return timed(batch, seconds, clock=time.process_time)


def memory_per_item(n: int, payload: int) -> tuple[float, float, float]:
    """(encoding bytes, heap bytes per item in Store, in SqliteStore on a file) for ``n`` items.

    The items arrive as received bytes (a buffer per item, made before measuring), so
    the heap counted includes the encoding a store keeps, as a node's memory does.
    """
    key = PrivateKey.from_label("bench-memory")
    encodings = [bytearray(make_item(key, ("bench", str(i % 32)),
                                     i.to_bytes(4, "big") * (payload // 4), now_ms(),
                                     min_priority=0).encoding)
                 for i in tqdm(range(n), desc="items for the memory figure", unit="item")]
    mean = sum(map(len, encodings)) / n
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for kind in ("memory", "sqlite"):
            tracemalloc.start()
            store: Store = (Store(n, 2**40) if kind == "memory"
                            else SqliteStore(n, 2**40, f"{tmp}/bench.sqlite"))
            for k in range(0, n, 50):  # as a node adds them: one commit per ITEMS message
                with store.batch():
                    for enc in encodings[k : k + 50]:
                        store.add(decode_item(enc))  # the store's own copy
            used = tracemalloc.get_traced_memory()[0]
            tracemalloc.stop()
            out.append(used / n)
            store.close()
    return mean, out[0], out[1]


#: Message types whose received bytes the simulation section breaks down.
MESSAGE_NAMES = {MsgType.ITEMS: "ITEMS", MsgType.HAVE: "HAVE", MsgType.WANT: "WANT",
                 MsgType.RECON: "RECON", MsgType.RECON_REPLY: "RECON_REPLY",
                 MsgType.PRUNE: "PRUNE", MsgType.GRAFT: "GRAFT"}


def _count_received(sim: Simulator) -> Counter[int]:
    """Bytes received (framing included) per message type, over every node of ``sim``."""
    by_type: Counter[int] = Counter()
    for node in sim.nodes:
        inner = node.receive

        def receive(now: int, peer: PeerId, data: bytes,
                    inner: Callable[[int, PeerId, bytes], list[Output]] = inner) -> list[Output]:
            by_type[data[0] if data else -1] += len(data) + FRAME_OVERHEAD
            return inner(now, peer, data)

        node.receive = receive  # type: ignore[method-assign]
    return by_type


def simulate(nodes: int, rate: float, duration: float, payload: int, seed: int,
             params: NodeParams) -> tuple[Report, Counter[int], int, int]:
    """Run the latency/bytes scenario; the report, bytes per message type, PRUNEs, GRAFTs."""
    cfg = SimConfig(nodes=nodes, degree=8, latency_ms=(50.0, 200.0), jitter_ms=5.0, loss=0.01,
                    seed=seed, params=params)
    sim = Simulator(cfg)
    by_type = _count_received(sim)
    total_ms = 2000 + (duration + 10) * 1000
    bar = tqdm(total=int(total_ms / 1000), desc=f"simulating {nodes} nodes", unit="sim s",
               disable=None)
    last = [0]

    def progress(t: float) -> None:
        s = int(t / 1000)
        if s > last[0]:
            bar.update(s - last[0])
            last[0] = s

    report = run_steady(sim, rate, duration, payload, drain_s=10.0, progress=progress)
    bar.close()
    prunes = sum(n.stats.prunes for n in sim.nodes)
    grafts = sum(n.stats.grafts for n in sim.nodes)
    return report, by_type, prunes, grafts


# -- simulator speed and scale ----------------------------------------------------------------

#: Network sizes of the scale figures and plot (full run; ``--quick`` uses the second).
SCALE_NODES = (100, 200, 500, 1000)
QUICK_SCALE_NODES = (30, 100)
#: Where the scale plot is written (``build/`` is not committed).
SCALE_PLOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, "build",
                          "bench", "sync-scale.png")


def sim_progress(sim_s: float, desc: str) -> tuple[tqdm[NoReturn], Callable[[float], None]]:
    """A progress bar in simulated seconds, and the ``progress`` callback that moves it."""
    bar: tqdm[NoReturn] = tqdm(total=int(sim_s), desc=desc, unit="sim s", disable=None)
    last = [0]

    def progress(t: float) -> None:
        s = int(t / 1000)
        if s > last[0]:
            bar.update(s - last[0])
            last[0] = s

    return bar, progress


@dataclass
class ScaleRun:
    """One run of the scenario's shape at one network size, and what it cost."""

    nodes: int
    sim_s: float
    wall_s: float
    cpu_s: float
    report: Report
    bytes_per_item_byte: float
    deliveries: dict[bytes, dict[int, float]]
    memo_hits: int

    @property
    def speed(self) -> float:
        """Simulated seconds per wall second."""
        return self.sim_s / self.wall_s

    @property
    def cpu_speed(self) -> float:
        """Simulated seconds per CPU second of this process (less disturbed by other jobs)."""
        return self.sim_s / self.cpu_s


def scale_run(nodes: int, traffic_s: float, drain_s: float, seed: int, params: NodeParams,
              payload: int = 1024, rate_per_s: float = 200.0, memo: bool = True) -> ScaleRun:
    """Run the scenario's shape on ``nodes`` nodes for ``traffic_s`` s of traffic."""
    cfg = SimConfig(nodes=nodes, degree=8, latency_ms=(50.0, 200.0), jitter_ms=5.0, loss=0.01,
                    seed=seed, params=params)
    sim = Simulator(cfg, memo=memo)
    sim_s = 2.0 + traffic_s + drain_s
    bar, progress = sim_progress(sim_s, f"simulating {nodes} nodes"
                                 + ("" if memo else " (no memo)"))
    wall, cpu = time.perf_counter(), time.process_time()
    report = run_steady(sim, rate_per_s, traffic_s, payload, drain_s=drain_s, progress=progress)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    bar.close()
    enc = sum(r.item.size for r in sim.records.values()) / max(1, len(sim.records))
    return ScaleRun(nodes, sim_s, wall, cpu, report, report.bytes_per_item_delivered / enc,
                    {iid: dict(r.delivered) for iid, r in sim.records.items()},
                    sim.memo.hits if sim.memo is not None else 0)


def scale_plot(runs: list[ScaleRun], traffic_s: float, drain_s: float, path: str) -> str:
    """Plot delivery latency, bytes per item and simulator speed against network size."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r.nodes for r in runs]
    fig, (lat, byt, spd) = plt.subplots(1, 3, figsize=(13, 3.8))
    lat.plot(sizes, [r.report.p50_ms for r in runs], "o-", label="p50")
    lat.plot(sizes, [r.report.p99_ms for r in runs], "s-", label="p99")
    lat.axhline(1000, color="grey", linestyle=":", label="1 s")
    lat.set(xlabel="nodes", ylabel="delivery latency (ms)", title="Delivery latency")
    lat.legend()
    byt.plot(sizes, [r.bytes_per_item_byte for r in runs], "o-", label="measured")
    byt.axhline(TARGET_BYTES_PER_ITEM_BYTE, color="grey", linestyle=":", label="target")
    byt.set(xlabel="nodes", ylabel="bytes received / encoded item byte",
            title="Bytes per item delivered")
    byt.legend()
    spd.plot(sizes, [r.speed for r in runs], "o-", label="per wall s")
    spd.plot(sizes, [r.cpu_speed for r in runs], "s-", label="per CPU s")
    spd.axhline(TARGET_SIM_SPEED, color="grey", linestyle=":", label="target (100 nodes)")
    spd.set(xlabel="nodes", ylabel="simulated s per s", title="Simulator speed")
    spd.legend()
    for ax in (lat, byt, spd):
        ax.set_xscale("log")
        ax.minorticks_off()
        ax.set_xticks(sizes, [str(n) for n in sizes])
        ax.grid(alpha=0.3)
    fig.suptitle(f"Sync scenario (degree 8, 50-200 ms links, 1 % loss, 200 items/s of 1 KiB): "
                 f"{traffic_s:g} simulated s of traffic and {drain_s:g} s of drain per size")
    fig.tight_layout()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return os.path.normpath(path)


def scale_rows(sizes: tuple[int, ...], traffic_s: float, drain_s: float, seed: int,
               params: NodeParams, plot: str | None) -> list[tuple[str, str]]:
    """The simulator section: speed and figures per network size, the memo anchor, the plot."""
    anchor_n = 100 if 100 in sizes else sizes[0]
    anchor_traffic = min(traffic_s, 2.0)
    # the small anchor runs first, and each run starts on a collected heap, so that the
    # garbage of a large network does not slow the runs after it
    gc.collect()
    without = scale_run(anchor_n, anchor_traffic, drain_s, seed, params, memo=False)
    gc.collect()
    with_memo = scale_run(anchor_n, anchor_traffic, drain_s, seed, params)
    runs = []
    for n in sizes:
        gc.collect()
        runs.append(scale_run(n, traffic_s, drain_s, seed, params))
    rows: list[tuple[str, str]] = [
        (f"SIMULATOR: the scenario's shape, 2 s handshakes + {traffic_s:g} s of 200 items/s "
         f"+ {drain_s:g} s drain ({runs[0].sim_s:g} simulated s)", ""),
    ]
    for r in runs:
        rows.append((f"  {r.nodes} nodes: simulated s per wall s; per CPU s (target "
                     f"{TARGET_SIM_SPEED} at 100 nodes)",
                     f"{r.speed:.3f}; {r.cpu_speed:.3f}  (wall {r.wall_s:.0f} s)"))
        rows.append((f"  {r.nodes} nodes: deliveries within 1 s; p50 / p99 (ms)",
                     f"{r.report.within_1s:.4%}; {r.report.p50_ms:.0f} / {r.report.p99_ms:.0f}"))
        rows.append((f"  {r.nodes} nodes: bytes received per encoded item byte; items "
                     "everywhere at the end",
                     f"{r.bytes_per_item_byte:.3f}; {r.report.all_eventually:.4%}"))
    same = with_memo.deliveries == without.deliveries
    rows.append((f"  anchor, {anchor_n} nodes x {anchor_traffic:g} s: simulated s per CPU s, "
                 "memo on / off (ratio)",
                 f"{with_memo.cpu_speed:.3f} / {without.cpu_speed:.3f} "
                 f"({with_memo.cpu_speed / without.cpu_speed:.2f}x)"))
    rows.append(("  anchor: same (item, node, time) deliveries with and without the memo",
                 "yes" if same else "NO"))
    if plot is not None:
        rows.append(("  plot of latency, bytes per item and speed against nodes",
                     scale_plot(runs, traffic_s, drain_s, plot)))
    rows.append(("  cores; load average at the end", f"{os.cpu_count()}; "
                 f"{os.getloadavg()[0]:.1f}"))
    return rows


# -- TCP -------------------------------------------------------------------------------------


async def _child_main(index: int, conn: Connection, params: NodeParams, n_items: int) -> None:
    node = TcpNode(Node(PrivateKey.from_label(f"bench-{index}"), params, random.Random(index)))
    await node.start()
    conn.send(node.port)
    for port in conn.recv():
        await node.dial("127.0.0.1", port)
    expected = conn.recv()
    while len(node.node.ready_peers()) < expected:
        await asyncio.sleep(0.01)
    items = [decode_item(b) for b in conn.recv()] if index == 0 else []
    conn.send("ready")
    conn.recv()  # go
    cpu0 = time.process_time()
    for k in range(0, len(items), 50):
        node.publish_items(items[k : k + 50])
        await asyncio.sleep(0)
    while len(node.node.store) < n_items:
        await asyncio.sleep(0.002)
    conn.send((time.time(), node.node.stats.duplicates, node.node.stats.bytes_in,
               time.process_time() - cpu0))
    await asyncio.to_thread(conn.recv)  # keep serving peers until told to stop
    await node.close()


def _child(index: int, conn: Connection, params: NodeParams, n_items: int) -> None:
    asyncio.run(_child_main(index, conn, params, n_items))


@dataclass
class TcpFigures:
    items_per_s: float
    bytes_ratio: float
    duplicates: int
    cpu_s: float
    items_per_cpu_s: float


def tcp_throughput(n_nodes: int, n_items: int, payload: int) -> TcpFigures:
    params = replace(NodeParams(), reconcile_interval_ms=2000)
    keys = [PrivateKey.from_label(f"bench-author-{i}") for i in range(16)]
    t0 = now_ms()
    items = [make_item(keys[i % 16], ("bench", str(i % 32)), os.urandom(payload), t0 + i // 1000,
                       min_priority=params.min_priority)
             for i in tqdm(range(n_items), desc="mining + signing items", unit="item",
                               disable=None)]
    ctx = mp.get_context("spawn")
    pipes, procs = [], []
    for i in range(n_nodes):
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_child, args=(i, child, params, n_items), daemon=True)
        proc.start()
        pipes.append(parent)
        procs.append(proc)
    ports = [p.recv() for p in pipes]
    for i, p in enumerate(pipes):
        p.send(ports[i + 1 :])
    for p in pipes:
        p.send(n_nodes - 1)
    pipes[0].send([it.encoding for it in items])
    for p in pipes:
        assert p.recv() == "ready"
    start = time.time()
    for p in pipes:
        p.send("go")
    results = [p.recv() for p in pipes]
    end = max(r[0] for r in results)
    for p in pipes:
        p.send("stop")
    for proc in procs:
        proc.join(10)
    dups = sum(r[1] for r in results)
    bytes_in = sum(r[2] for r in results) / (n_nodes - 1)
    cpu = sum(r[3] for r in results)
    return TcpFigures(n_items / (end - start), bytes_in / (n_items * payload), dups, cpu,
                      n_items * n_nodes / cpu)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small, fast run")
    ap.add_argument("--skip-sim", action="store_true")
    ap.add_argument("--skip-scale", action="store_true", help="skip the simulator section")
    ap.add_argument("--scale-traffic", type=float, default=None,
                    help="simulated seconds of traffic per scale run (default 5; quick 2)")
    ap.add_argument("--scale-drain", type=float, default=3.0)
    ap.add_argument("--scale-nodes", type=int, nargs="+", default=None,
                    help=f"network sizes (default {' '.join(map(str, SCALE_NODES))})")
    ap.add_argument("--no-plot", action="store_true")
    ap.add_argument("--skip-tcp", action="store_true")
    ap.add_argument("--skip-memory", action="store_true")
    ap.add_argument("--nodes", type=int, default=None)
    ap.add_argument("--payload", type=int, default=1024)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rate", type=float, default=None, help="items per second (simulation)")
    ap.add_argument("--duration", type=float, default=None, help="seconds of publishing")
    ap.add_argument("--push-fanout", type=int, default=NodeParams.push_fanout)
    ap.add_argument("--have-delay", type=int, default=NodeParams.have_delay_ms)
    args = ap.parse_args()
    rows: list[tuple[str, str]] = []
    if not args.skip_sim:
        nodes = args.nodes or (30 if args.quick else 100)
        per_s, duration = (50.0, 10.0) if args.quick else (200.0, 60.0)
        per_s = args.rate or per_s
        duration = args.duration or duration
        t = time.time()
        params = replace(NodeParams(), push_fanout=args.push_fanout,
                         have_delay_ms=args.have_delay)
        rep, by_type, prunes, grafts = simulate(nodes, per_s, duration, args.payload, args.seed,
                                                params)
        wall = time.time() - t
        rows.append((f"SIMULATION: {nodes} nodes, 50-200 ms links, 1% loss, {per_s:.0f} items/s "
                     f"x {duration:.0f} s, {args.payload}-byte payloads, seed {args.seed}, "
                     f"push_fanout {args.push_fanout}, have_delay_ms {args.have_delay}", ""))
        rows.extend(("  " + k, v) for k, v in rep.rows())
        enc = len(make_item(PrivateKey.from_label("e"), ("net", "t0"), bytes(args.payload),
                            now_ms(), min_priority=0).encoding)
        delivered = rep.deliveries or 1
        rows.append(("  deliveries within 1 s (target)",
                     f"{rep.within_1s:.4%} ({TARGET_WITHIN_1S:.2%})"))
        rows.append(("  bytes received per encoded item byte delivered (target)",
                     f"{rep.bytes_per_item_delivered / enc:.3f} ({TARGET_BYTES_PER_ITEM_BYTE})"))
        for kind, name in MESSAGE_NAMES.items():
            rows.append((f"    of which {name} (bytes per encoded item byte)",
                         f"{by_type[kind] / (delivered * enc):.4f}"))
        rows.append(("  PRUNE / GRAFT messages sent (all nodes)", f"{prunes} / {grafts}"))
        sim_s = 2.0 + duration + 10.0
        rows.append(("  wall-clock time of the simulation (s)", f"{wall:.0f}"))
        rows.append(("  simulated seconds per wall second (target)",
                     f"{sim_s / wall:.3f} ({TARGET_SIM_SPEED})"))
    if not args.skip_tcp:
        n_items = 2000 if args.quick else 20000
        f = tcp_throughput(5, n_items, 256)
        rows.append((f"TCP LOOPBACK: 5 nodes (one process each), {n_items} items of 256 bytes", ""))
        rows.append(("  sustained items/s at every node (signatures checked)",
                     f"{f.items_per_s:.0f}"))
        rows.append(("  CPU seconds used by the 5 nodes", f"{f.cpu_s:.1f}"))
        verify = verify_rate()
        rows.append(("  items per node-CPU-second (each node checks each item)",
                     f"{f.items_per_cpu_s:.0f}"))
        rows.append(("  raw Ed25519 verifications per CPU-second (anchor)", f"{verify:.0f}"))
        rows.append(("  ratio to the verify-only ceiling (target)",
                     f"{f.items_per_cpu_s / verify:.2f} ({TARGET_VERIFY_FRACTION})"))
        rows.append(("  bytes received per node / payload bytes", f"{f.bytes_ratio:.3f}"))
        rows.append(("  duplicate items received (all nodes)", str(f.duplicates)))
        rows.append(("  cores; load average at the end",
                     f"{os.cpu_count()}; {os.getloadavg()[0]:.1f}"))
    if not args.skip_memory:
        n = 5_000 if args.quick else 100_000
        mean, mem, sql = memory_per_item(n, 256)
        rows.append((f"MEMORY: {n} items of 256-byte payload, Python heap per item", ""))
        rows.append(("  item encoding (bytes)", f"{mean:.0f}"))
        rows.append(("  in-memory Store (bytes; ratio; target)",
                     f"{mem:.0f}; {mem / mean:.2f}; {TARGET_MEMORY_RATIO}"))
        rows.append(("  SqliteStore on a file (bytes; ratio; target)",
                     f"{sql:.0f}; {sql / mean:.2f}; {TARGET_MEMORY_RATIO}"))
    if not args.skip_scale:
        sizes = tuple(args.scale_nodes or (QUICK_SCALE_NODES if args.quick else SCALE_NODES))
        traffic = args.scale_traffic or (2.0 if args.quick else 5.0)
        rows.extend(scale_rows(sizes, traffic, args.scale_drain, args.seed, NodeParams(),
                               None if args.no_plot else SCALE_PLOT))
    width = max(len(k) for k, _ in rows) + 2
    print()
    for k, v in rows:
        print(f"{k:<{width}}{v}")


if __name__ == "__main__":
    main()
