"""The parent of a networked table: one OS process per node, started, watched, stopped.

:func:`run_nodes` starts a process per :class:`~chipstack.table.net.plan.NodePlan`
(``multiprocessing`` with the ``spawn`` method: a fresh interpreter each), learns
each one's port, tells each whom to dial (every node dials the ones started before it,
and every ``--peer`` address), and then watches: it forwards progress, kills and
restarts a node when asked (the restart fault), and once every node's engine is done
(or the time is up) it lets them linger a moment so the last items spread, asks each
for its :class:`~chipstack.table.net.child.NodeResult` and stops them.

Children never outlive the run: they are daemonic, every exit path of
:func:`run_nodes` kills whichever still runs, and a child whose parent vanished stops
by itself.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from chipstack.table.net.child import NodeResult, node_main
from chipstack.table.net.plan import NodePlan

#: Seconds a node process may take to start and report its port.
START_TIMEOUT_S = 60.0
#: Seconds allowed for every node to send its final result once asked to stop.
STOP_TIMEOUT_S = 30.0


class NodeFailed(RuntimeError):
    """A node process failed (it raised, or died when nobody killed it)."""


@dataclass(frozen=True)
class RestartFault:
    """Kill node ``name`` (SIGKILL) once it has published ``after`` items, then start it again.

    It comes back with the same store file, key and port.
    """

    name: str
    after: int


@dataclass
class RestartRecord:
    """What a restart did: the items the node's store held at the kill, read from its file."""

    name: str
    published_before: int
    stored_at_kill: set[bytes]
    killed_at: float


@dataclass
class RunResult:
    """Every node's final result, the restart (if any), the wall-clock time and how it ended."""

    results: dict[str, NodeResult]
    restart: RestartRecord | None
    elapsed_s: float
    timed_out: bool


@dataclass
class _Child:
    plan: NodePlan
    process: BaseProcess
    conn: Connection
    port: int = 0
    published: int = 0
    done: bool = False
    alive: bool = True


def stored_ids(path: str) -> set[bytes]:
    """The item ids in a node's SQLite store file, read without the node (after a kill).

    Opened for writing, as the node would: a transaction the kill cut short is rolled
    back from its journal first, so what is read is what the node had committed.
    """
    db = sqlite3.connect(path)
    try:
        return {row[0] for row in db.execute("SELECT id FROM items")}
    finally:
        db.close()


class _Runner:
    def __init__(self, plans: list[NodePlan], peers: list[tuple[str, int]],
                 restart: RestartFault | None,
                 on_event: Callable[[str, str, Any], None] | None) -> None:
        self.plans = plans
        self.peers = peers
        self.restart = restart
        self.on_event = on_event or (lambda kind, name, value: None)
        self.ctx = multiprocessing.get_context("spawn")
        self.children: dict[str, _Child] = {}
        self.record: RestartRecord | None = None
        self.finals: dict[str, NodeResult] = {}

    def launch(self, plan: NodePlan) -> _Child:
        parent_end, child_end = self.ctx.Pipe()
        process = self.ctx.Process(target=node_main, args=(plan, child_end), daemon=True,
                                   name=f"chipstack-table-{plan.name}")
        process.start()
        child_end.close()
        child = _Child(plan, process, parent_end)
        self.children[plan.name] = child
        return child

    def kill_all(self) -> None:
        for child in self.children.values():
            if child.process.is_alive():
                child.process.kill()
        for child in self.children.values():
            child.process.join(5)
            child.conn.close()

    def _addresses_for(self, name: str, everyone: bool) -> list[tuple[str, int]]:
        """Whom ``name`` dials: the nodes before it (all others after a restart), and peers."""
        out: list[tuple[str, int]] = []
        for plan in self.plans:
            if plan.name == name:
                if not everyone:
                    break
                continue
            out.append(("127.0.0.1" if plan.host in ("0.0.0.0", "::", "") else plan.host,
                        self.children[plan.name].port))
        return out + self.peers

    def _expected_peers(self) -> int:
        """Connections a node waits for before its engine starts: every other node here."""
        return len(self.plans) - 1 + len(self.peers)

    def handle(self, child: _Child, message: tuple[Any, ...]) -> None:
        kind, name = message[0], message[1]
        if kind == "port":
            child.port = message[2]
            if self.record is not None and name == self.record.name:
                child.conn.send(("peers", self._addresses_for(name, everyone=True),
                                 self._expected_peers()))
        elif kind == "published":
            child.published = message[2]
            r = self.restart
            if (r is not None and name == r.name and self.record is None
                    and child.published >= r.after):
                self._kill_and_restart(child)
        elif kind == "progress":
            self.on_event("progress", name, message[2])
        elif kind == "done":
            child.done = True
            self.on_event("done", name, None)
        elif kind == "final":
            self.finals[name] = message[2]
        elif kind == "error":
            raise NodeFailed(f"node {name} failed:\n{message[2]}")

    def _kill_and_restart(self, child: _Child) -> None:
        plan = child.plan
        child.process.kill()
        child.process.join(10)
        child.alive = False
        child.conn.close()
        self.record = RestartRecord(plan.name, child.published, stored_ids(plan.store_path),
                                    time.monotonic())
        self.on_event("restart", plan.name, len(self.record.stored_at_kill))
        self.launch(replace(plan, port=child.port))

    def poll(self, timeout: float) -> None:
        live = {c.conn: c for c in self.children.values() if c.alive}
        for conn in multiprocessing.connection.wait(list(live), timeout):
            child = live[conn]  # type: ignore[index]
            try:
                message = child.conn.recv()
            except (EOFError, OSError):
                child.alive = False
                if child.plan.name not in self.finals and self.children.get(
                        child.plan.name) is child:
                    raise NodeFailed(f"node {child.plan.name} exited unexpectedly "
                                     f"(exit code {child.process.exitcode})") from None
                continue
            if self.children.get(child.plan.name) is child:
                self.handle(child, message)

    def start(self) -> None:
        for plan in self.plans:
            self.launch(plan)
        deadline = time.monotonic() + START_TIMEOUT_S
        while any(c.port == 0 for c in self.children.values()):
            if time.monotonic() > deadline:
                raise NodeFailed("the node processes did not start in time")
            self.poll(0.2)
        for plan in self.plans:
            self.children[plan.name].conn.send(
                ("peers", self._addresses_for(plan.name, False), self._expected_peers()))
        self.on_event("started", "", {p.name: self.children[p.name].port for p in self.plans})

    def stop(self) -> None:
        for child in self.children.values():
            if child.alive:
                child.conn.send(("stop",))
        deadline = time.monotonic() + STOP_TIMEOUT_S
        while len(self.finals) < len(self.plans) and time.monotonic() < deadline:
            self.poll(0.2)
        missing = [p.name for p in self.plans if p.name not in self.finals]
        if missing:
            raise NodeFailed(f"no final result from {', '.join(missing)}")


def run_nodes(plans: list[NodePlan], peers: list[tuple[str, int]] | None = None,
              restart: RestartFault | None = None, timeout_s: float = 600.0,
              linger_s: float = 1.5,
              on_event: Callable[[str, str, Any], None] | None = None) -> RunResult:
    """Run one process per plan until every engine is done (or ``timeout_s``); collect results.

    ``peers`` are addresses every node dials besides the local ones (a table across
    machines). ``on_event(kind, name, value)`` hears ``started``, ``progress``,
    ``done`` and ``restart`` as they happen (the command's progress bar).
    Raises :class:`NodeFailed` if a node process fails; every child is gone on return.
    """
    runner = _Runner(plans, list(peers or []), restart, on_event)
    started = time.monotonic()
    timed_out = False
    try:
        runner.start()
        while not all(c.done for c in runner.children.values()):
            if time.monotonic() - started > timeout_s:
                timed_out = True
                break
            runner.poll(0.2)
        linger_end = time.monotonic() + linger_s
        while time.monotonic() < linger_end:
            runner.poll(0.1)
        runner.stop()
    finally:
        runner.kill_all()
    return RunResult(runner.finals, runner.record, time.monotonic() - started, timed_out)
