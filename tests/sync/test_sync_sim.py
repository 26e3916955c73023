"""Simulator scenarios: convergence properties under loss, partitions, churn, hostile peers."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chipstack.sync.params import NodeParams
from chipstack.sync.sim import KINDS, SimConfig, Simulator, hostile
from chipstack.sync.sim.workload import run_steady

PARAMS = NodeParams(min_priority=2, reconcile_interval_ms=1000)
INTERVAL = PARAMS.reconcile_interval_ms


def _publish_burst(sim: Simulator, n: int, nodes: list[int]) -> None:
    for k in range(n):
        sim.publish(nodes[k % len(nodes)], ("t", str(k)), bytes([k % 256]) * 100)


def _everywhere(sim: Simulator) -> bool:
    return sim.in_sync_fraction() == 1.0


def test_steady_load_with_drops_converges_and_is_deterministic() -> None:
    cfg = SimConfig(nodes=12, degree=4, loss=0.02, loss_mode="drop", seed=3, params=PARAMS)
    reports = []
    for _ in range(2):
        sim = Simulator(cfg)
        reports.append(run_steady(sim, rate_per_s=20, duration_s=3, payload_size=200, drain_s=4))
        assert _everywhere(sim)
    assert reports[0] == reports[1]
    assert reports[0].all_eventually == 1.0 and reports[0].items == 60


def test_partition_heals_within_three_reconcile_intervals() -> None:
    sim = Simulator(SimConfig(nodes=10, degree=4, seed=5, params=PARAMS))
    sim.run_until(2000)
    left, right = set(range(5)), set(range(5, 10))
    sim.set_partition([left, right])
    _publish_burst(sim, 20, [0, 1, 2])
    _publish_burst(sim, 20, [6, 7, 8])
    sim.run_until(5000)
    assert not _everywhere(sim)  # the partition really separated them
    sim.set_partition(None)
    sim.run_until(5000 + 3 * INTERVAL + PARAMS.fetch_timeout_ms)
    assert _everywhere(sim)


def test_node_joining_empty_and_restarting_catch_up() -> None:
    sim = Simulator(SimConfig(nodes=8, degree=3, seed=7, params=PARAMS))
    sim.run_until(1500)
    sim.leave(3)
    sim.leave(5)
    _publish_burst(sim, 30, [0, 1, 2])
    sim.run_until(3000)
    sim.rejoin(3, empty=True)
    sim.rejoin(5, empty=False)
    sim.run_until(3000 + 1000 + 3 * INTERVAL + PARAMS.fetch_timeout_ms)  # redial + 3 intervals
    assert len(sim.nodes[3].store) == 30 and len(sim.nodes[5].store) == 30
    assert _everywhere(sim)


#: A small work budget ([SYNC-52]) so that a flood of duplicates exhausts it within the run.
HOSTILE_PARAMS = replace(PARAMS, work_per_s=2_000, work_burst=10_000)


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "spam"])
def test_hostile_peers_get_disconnected(kind: str) -> None:
    sim = Simulator(SimConfig(nodes=6, degree=5, seed=11, params=HOSTILE_PARAMS),
                    {0: hostile(kind)})
    sim.run_until(1500)
    _publish_burst(sim, 5, [1, 2])
    sim.run_until(4000)
    closed_hostile = {dst for _, src, dst, _ in sim.closes if src != 0 and dst == 0}
    assert closed_hostile == {0}
    # every honest node closed it and refuses it when the simulator redials
    assert all(0 not in sim.nodes[i].ready_peers() for i in sim.honest_online())
    assert _everywhere(sim)


def test_store_stays_bounded_under_valid_spam() -> None:
    small = replace(PARAMS, store_max_items=300, store_max_bytes=150_000)
    sim = Simulator(SimConfig(nodes=5, degree=4, seed=13, params=small),
                    {0: hostile("spam", every_ms=100)})
    sim.run_until(6000)
    for i in sim.honest_online():
        store = sim.nodes[i].store
        assert len(store) <= 300 and store.bytes_used <= 150_000
    assert max(len(sim.nodes[i].store) for i in sim.honest_online()) > 100  # spam did arrive


def test_links_without_jitter_work() -> None:
    sim = Simulator(SimConfig(nodes=4, degree=3, jitter_ms=0.0, seed=17, params=PARAMS))
    sim.run_until(1500)
    _publish_burst(sim, 3, [0])
    sim.run_until(1500 + INTERVAL)
    assert _everywhere(sim)
