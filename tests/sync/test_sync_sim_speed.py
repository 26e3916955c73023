"""The simulator's speed-ups keep its runs what they were: memo, event queue, sampling."""

from __future__ import annotations

import heapq
import random
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.crypto import PrivateKey
from chipstack.errors import Reason, Rejected
from chipstack.sync.item import Item, decode_item, make_item, verify_signature
from chipstack.sync.node import Node
from chipstack.sync.params import NodeParams
from chipstack.sync.sim import SimConfig, Simulator, hostile
from chipstack.sync.sim.memo import ItemMemo
from chipstack.sync.sim.queue import EventQueue
from chipstack.sync.sim.workload import run_steady

PARAMS = NodeParams(min_priority=2, reconcile_interval_ms=1000)


def _run(memo: bool, kind: str | None, seed: int) -> Simulator:
    cfg = SimConfig(nodes=10, degree=4, loss=0.03, loss_mode="drop", seed=seed, params=PARAMS)
    sim = Simulator(cfg, {0: hostile(kind)} if kind else None, memo=memo)
    run_steady(sim, rate_per_s=30, duration_s=2, payload_size=200, drain_s=3)
    return sim


@pytest.mark.parametrize(("kind", "seed"), [(None, 1), ("bad_signature", 2), ("dup_flood", 3)])
def test_the_memo_changes_no_delivery(kind: str | None, seed: int) -> None:
    """Seeded runs deliver the same items to the same nodes at the same times with the
    shared memo and without it; every node counts the same refusals and bytes."""
    shared, alone = _run(True, kind, seed), _run(False, kind, seed)
    assert shared.memo is not None and alone.memo is None
    assert shared.memo.hits > shared.memo.misses  # nodes really shared the work
    assert {k: r.delivered for k, r in shared.records.items()} == {
        k: r.delivered for k, r in alone.records.items()}
    assert shared.bytes_received == alone.bytes_received
    assert shared.closes == alone.closes
    for a, b in zip(shared.nodes, alone.nodes, strict=True):
        assert a.stats == b.stats
    if kind == "bad_signature":  # the memo replays refusals too
        assert sum(n.stats.rejected[Reason.CRYPTO_BAD_SIGNATURE.value] for n in shared.nodes) > 0


def _bad_copy(item: Item) -> Item:
    sig = bytes([item.signature[0] ^ 1]) + item.signature[1:]
    return Item(item.timestamp, item.expiry, item.tag1, item.tag2, item.destination, item.author,
                item.payload, item.nonce, sig)


def test_memo_gives_each_caller_the_outcome_of_the_plain_functions() -> None:
    key = PrivateKey.from_label("memo")
    good = make_item(key, ("a", "b"), b"payload", 1_000, min_priority=0)
    bad = _bad_copy(good)
    memo = ItemMemo(capacity=4)
    for _ in range(3):
        assert memo.decode(good.encoding) == decode_item(good.encoding)
        memo.verify(good)
        with pytest.raises(Rejected) as plain:
            verify_signature(bad)
        with pytest.raises(Rejected) as memoised:
            memo.verify(bad)
        assert (memoised.value.reason, memoised.value.detail) == (
            plain.value.reason, plain.value.detail)
    # decode, good, bad: once each (bad has good's id: the signature is part of the key)
    assert bad.id == good.id and memo.misses == 3 and memo.hits == 6
    # a malformed encoding is refused every time, never remembered
    for _ in range(2):
        with pytest.raises(Rejected):
            memo.decode(good.encoding[:-1])
    # bounded: the oldest entries are forgotten
    for i in range(10):
        memo.decode(make_item(key, "t", bytes([i]), 1_000, min_priority=0).encoding)
    assert len(memo._decoded) == 4


def test_a_node_not_in_a_simulator_decodes_and_verifies_for_itself() -> None:
    node = Node(PrivateKey.from_label("plain"), PARAMS, random.Random(0))
    assert node.decode_item is decode_item and node.verify_item is verify_signature


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 50, allow_nan=False), st.lists(
    st.floats(0, 5, allow_nan=False), max_size=3)), min_size=1, max_size=40),
       st.floats(0, 60, allow_nan=False))
def test_event_queue_pops_in_heap_order(pushes: list[tuple[float, list[float]]],
                                        until: float) -> None:
    """The calendar queue runs events in exactly the (time, sequence) order of a heap,
    including events pushed while it drains (``delays`` after the running event)."""
    queue = EventQueue()
    ref: list[tuple[float, int]] = []
    seen: list[tuple[float, int]] = []
    ref_seen: list[tuple[float, int]] = []
    delays: dict[int, list[float]] = {}
    for when, later in pushes:
        queue.push(when, "event")
        delays[queue.seq] = later
        heapq.heappush(ref, (when, queue.seq))

    def run(ev: tuple[float, int, object, bytes | None]) -> None:
        seen.append((ev[0], ev[1]))
        for d in delays.pop(ev[1], []):
            queue.push(ev[0] + d, "child")
            delays[queue.seq] = []
            heapq.heappush(ref, (ev[0] + d, queue.seq))

    queue.drain(until, run)
    while ref and ref[0][0] <= until:
        ref_seen.append(heapq.heappop(ref))
    assert seen == ref_seen
    assert len(queue) == len(ref)


def test_samples_equal_the_store_based_fraction() -> None:
    """Incremental sampling gives :meth:`Simulator.in_sync_fraction` at every sample."""
    sim = Simulator(SimConfig(nodes=8, degree=3, loss=0.05, loss_mode="drop", seed=5,
                              params=PARAMS))
    exact: list[tuple[float, float]] = []
    for t in range(2500, 10_000, 250):
        sim.at(t, lambda: exact.append((sim.now, sim.in_sync_fraction())))
    sim.at(4100, lambda: sim.leave(2))
    sim.at(5100, lambda: sim.rejoin(2, empty=True))
    sim.sample_every(250, 10_000)
    run_steady(sim, rate_per_s=40, duration_s=2, payload_size=100, drain_s=2, sample_ms=1e9)
    sim.run_until(10_000)
    samples = {t: f for t, f in sim.samples}
    assert [(t, samples[t]) for t, _ in exact] == exact
    assert any(f < 1.0 for _, f in exact) and exact[-1][1] == 1.0


def test_memo_is_off_on_request_and_hostile_nodes_share_it() -> None:
    sim = Simulator(SimConfig(nodes=3, degree=2, seed=1, params=replace(PARAMS)),
                    {0: hostile("garbage")})
    assert sim.memo is not None
    assert all(n.decode_item == sim.memo.decode for n in sim.nodes)
    assert Simulator(SimConfig(nodes=3, degree=2, seed=1, params=PARAMS), memo=False).memo is None
