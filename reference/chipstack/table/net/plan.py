"""What the runner tells each node process: which engine, where to listen, which faults.

Everything here is plain data that pickles, so the parent can hand it to a process
started with the ``spawn`` method. An engine is named, not passed: an
:class:`EngineRef` is a module, a function in it and the arguments to call it with,
and the child process builds the engine itself.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Protocol

from chipstack.sync.item import Item
from chipstack.table.net.links import LinkFaults


class MsEngine(Protocol):
    """The sans-IO node engine a process runs, on a millisecond clock.

    The table's engines (:class:`~chipstack.table.engine.Engine`, on seconds) take
    this shape through :class:`~chipstack.table.engine.InMilliseconds`. Times are
    wall-clock milliseconds (the clock of item timestamps). Every call
    returns the items the node publishes. ``receive`` gets every table item from a
    peer; after a restart the runner first feeds it every item the node's store
    kept (its own included, so it knows what it already said), then calls ``start``:
    before ``start`` an engine only records what it receives (it returns nothing), so
    a restarted node never says anything twice.
    """

    @property
    def done(self) -> bool:
        """Whether this node has nothing more to do (the table closed for it)."""
        ...

    def start(self, now: int) -> list[Item]:
        """Begin (or resume after a restart); return the items to publish."""
        ...

    def receive(self, item: Item, now: int) -> list[Item]:
        """Take one item from the network; return the items to publish."""
        ...

    def tick(self, now: int) -> list[Item]:
        """Act on a deadline that passed (a timeout); return the items to publish."""
        ...

    def next_deadline(self) -> int | None:
        """When ``tick`` must next be called, or None."""
        ...

    def summary(self) -> Any:
        """A picklable summary of what this node saw, for the final report."""
        ...


@dataclass(frozen=True)
class EngineRef:
    """An engine by name: ``module.function(*args)`` returns it (in the child process)."""

    module: str
    function: str
    args: tuple[Any, ...] = ()

    def build(self) -> MsEngine:
        """Import the module and call the function."""
        factory = getattr(importlib.import_module(self.module), self.function)
        engine: MsEngine = factory(*self.args)
        return engine


@dataclass(frozen=True)
class NodePlan:
    """One node process: its name, engine, store file, address, peers and faults.

    ``port`` 0 means any free port (a restarted node gets the port it had, so peers
    that dialled it reach it again). Faults of the game itself (a silent or cheating
    seat) belong to the engine's configuration, not to the plan.
    """

    name: str
    engine: EngineRef
    store_path: str
    seed: int
    host: str = "127.0.0.1"
    port: int = 0
    faults: LinkFaults = field(default_factory=LinkFaults)
    reconcile_interval_ms: int = 500
