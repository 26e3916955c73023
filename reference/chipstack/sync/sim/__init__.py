"""Deterministic discrete-event simulation of sync networks (spec/01-sync.md, "Simulation").

:class:`Simulator` runs N :class:`~chipstack.sync.node.Node` s over simulated
links with latency, loss, partitions and churn; :func:`hostile` makes
misbehaving peers; :mod:`chipstack.sync.sim.workload` runs a standard scenario
and summarises it as figures. For speed, the nodes of one simulation share an
:class:`ItemMemo` (each item decoded and its signature checked once, same outcomes)
and events wait in a calendar queue (:mod:`chipstack.sync.sim.queue`).
"""

from chipstack.sync.sim.hostile import KINDS, HostileNode, hostile
from chipstack.sync.sim.memo import ItemMemo
from chipstack.sync.sim.network import ItemRecord, SimConfig, Simulator

__all__ = ["KINDS", "HostileNode", "ItemMemo", "ItemRecord", "SimConfig", "Simulator", "hostile"]
