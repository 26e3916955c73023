"""A poker table as OS processes over TCP: the house and each seat a process of its own.

:func:`run_table` turns a :class:`~chipstack.table.config.TableConfig` into one
:class:`~chipstack.table.net.plan.NodePlan` per node (``house``, then the seats by
their names), runs them with :func:`~chipstack.table.net.runner.run_nodes`, and builds
the :class:`~chipstack.table.report.TableReport` from the engines' summaries, with the
sync figures measured on the nodes that ran here. The table's own faults (a silent or
cheating seat) are in the configuration; the network's (loss, latency, a restart) are
arguments here.

Across machines every machine runs the same configuration and a share of the nodes
(``local``): one listens on a known address, the others dial it (``peers``). The
money figures come from the house, so the machine that runs it reports conservation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chipstack.table.config import TableConfig
from chipstack.table.engine import InMilliseconds, NodeSummary, house_node, player_node
from chipstack.table.net.figures import net_sync_figures
from chipstack.table.net.links import LinkFaults
from chipstack.table.net.plan import EngineRef, NodePlan
from chipstack.table.net.runner import RestartFault, RunResult, run_nodes
from chipstack.table.report import SyncFigures, TableReport, build_report

#: The name of the house node (chain, notaries and cashier set) in plans and results.
HOUSE = "house"


def table_engine(config: TableConfig, seat: int | None) -> InMilliseconds:
    """The engine of one node on the millisecond clock: the house (``None``) or a seat."""
    engine = house_node(config) if seat is None else player_node(config, seat)
    return InMilliseconds(engine)


def node_names(config: TableConfig) -> list[str]:
    """Every node of the table, in start order: the house, then the seats' names."""
    return [HOUSE] + [config.name(s) for s in range(config.seats)]


def table_plans(config: TableConfig, run_dir: Path, local: list[str] | None = None,
                listen: tuple[str, int] | None = None,
                faults: LinkFaults | None = None) -> list[NodePlan]:
    """One plan per node run here (``local``: every node if None), each with its store file.

    The first local node listens on ``listen`` when given (the address other machines
    dial); the rest on 127.0.0.1, any free port.
    """
    names = node_names(config)
    chosen = names if local is None else [n for n in names if n in local]
    plans: list[NodePlan] = []
    base = faults or LinkFaults()
    for name in chosen:
        index = names.index(name)
        seat = None if name == HOUSE else index - 1
        host, port = ("127.0.0.1", 0) if listen is None or plans else listen
        link = LinkFaults(base.loss, base.latency_ms, base.seed * 1000 + index)
        plans.append(NodePlan(
            name, EngineRef(__name__, "table_engine", (config, seat)),
            str(run_dir / f"{name}.sqlite"), seed=index, host=host, port=port, faults=link))
    return plans


@dataclass
class NetTableResult:
    """A networked table's outcome: the report (None without the house here) and the run."""

    report: TableReport | None
    run: RunResult
    summaries: dict[str, NodeSummary]
    sync: SyncFigures


def run_table(config: TableConfig, run_dir: Path, local: list[str] | None = None,
              listen: tuple[str, int] | None = None, peers: list[tuple[str, int]] | None = None,
              faults: LinkFaults | None = None, restart: str | None = None,
              restart_after: int = 8, timeout_s: float = 600.0,
              on_event: Callable[[str, str, Any], None] | None = None) -> NetTableResult:
    """Run the table's nodes (those in ``local``) as processes; return the report and results.

    ``restart`` names a node that is killed once it published ``restart_after`` items
    and started again on its store. ``on_event`` is passed to the runner (progress).
    """
    run_dir.mkdir(parents=True, exist_ok=True)
    plans = table_plans(config, run_dir, local, listen, faults)
    fault = RestartFault(restart, restart_after) if restart is not None else None
    result = run_nodes(plans, peers, fault, timeout_s, on_event=on_event)
    finals = [result.results[p.name] for p in plans]
    summaries: dict[str, NodeSummary] = {r.name: r.summary for r in finals}
    figures = net_sync_figures(finals)
    report = None
    if HOUSE in summaries:
        report = build_report(config, list(summaries.values()), figures, result.elapsed_s)
    return NetTableResult(report, result, summaries, figures)
