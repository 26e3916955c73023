"""The network runner on its own: one OS process per node, TCP only, with the lockstep engine.

The lockstep engine (every seat publishes a round only after holding the previous
round of every seat) cannot finish unless every item crosses the network, so a run
that ends done at every node is proof that the processes, the links and the faults
let everything through.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from chipstack.table.net.figures import net_sync_figures, percentile
from chipstack.table.net.links import LinkFaults
from chipstack.table.net.lockstep import LockstepEngine, LockstepSummary
from chipstack.table.net.plan import EngineRef, NodePlan
from chipstack.table.net.runner import NodeFailed, RestartFault, RunResult, run_nodes

SEATS = 3
ROUNDS = 6


NO_FAULTS = LinkFaults()


def _plans(tmp_path: Path, faults: LinkFaults = NO_FAULTS,
           function: str = "lockstep_node") -> list[NodePlan]:
    return [NodePlan(f"s{i}", EngineRef("chipstack.table.net.lockstep", function,
                                        ("t", SEATS, ROUNDS, i)),
                     str(tmp_path / f"s{i}.sqlite"), seed=i, faults=faults)
            for i in range(SEATS)]


def _expected_total() -> int:
    return sum(LockstepEngine.value(s, k) for s in range(SEATS) for k in range(ROUNDS))


def _check_complete(result: RunResult) -> None:
    assert not result.timed_out
    assert sorted(result.results) == [f"s{i}" for i in range(SEATS)]
    for r in result.results.values():
        assert r.done
        summary = r.summary
        assert isinstance(summary, LockstepSummary)
        assert summary.rounds_held == {s: ROUNDS for s in range(SEATS)}
        assert summary.total == _expected_total()
    figures = net_sync_figures(result.results.values())
    assert figures.items == SEATS * ROUNDS
    assert figures.in_sync == 100.0
    # every node accepted every other seat's items from the network (or had them
    # in its store already, after a restart)
    for r in result.results.values():
        assert len(r.delays_ms) + r.resumed_with >= (SEATS - 1) * ROUNDS
    assert not multiprocessing.active_children()


def test_nodes_in_separate_processes_finish_in_sync(tmp_path: Path) -> None:
    result = run_nodes(_plans(tmp_path), timeout_s=60)
    _check_complete(result)
    assert result.restart is None
    assert len({r.port for r in result.results.values()}) == SEATS
    assert all(r.counts.bytes_sent > 0 and r.resumed_with == 0 for r in result.results.values())


def test_loss_and_latency_lose_nothing(tmp_path: Path) -> None:
    faults = LinkFaults(loss=0.3, latency_ms=30, seed=7)
    result = run_nodes(_plans(tmp_path, faults), timeout_s=90)
    _check_complete(result)
    counts = [r.counts for r in result.results.values()]
    assert sum(c.dropped + c.retransmitted for c in counts) > 0
    # a 30 ms one-way delay is the least any delivery can take
    assert min(d for r in result.results.values() for d in r.delays_ms) >= 30


def test_a_killed_node_restarts_from_its_store_and_catches_up(tmp_path: Path) -> None:
    result = run_nodes(_plans(tmp_path), restart=RestartFault("s1", after=3), timeout_s=90)
    _check_complete(result)
    record = result.restart
    assert record is not None and record.name == "s1" and record.published_before >= 3
    restarted = result.results["s1"]
    # it had items stored at the kill, came back with all of them, and lost none
    assert len(record.stored_at_kill) >= 3
    assert restarted.resumed_with == len(record.stored_at_kill)
    assert record.stored_at_kill <= set(restarted.ids)
    # and it never authored an item twice: the seat's rounds are one item each
    assert restarted.published + record.published_before == ROUNDS
    assert restarted.summary.published == restarted.published


def test_a_failing_node_fails_the_run_and_leaves_no_process(tmp_path: Path) -> None:
    with pytest.raises(NodeFailed, match="no_such_factory"):
        run_nodes(_plans(tmp_path, function="no_such_factory"), timeout_s=30)
    assert not multiprocessing.active_children()


def test_percentile_is_nearest_rank() -> None:
    values = list(range(1, 101))
    assert percentile(values, 50) == 50
    assert percentile(values, 99) == 99
    assert percentile([7], 99) == 7
    assert percentile([], 50) == 0
