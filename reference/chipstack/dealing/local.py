"""A whole dealt hand run in one process: every seat's node, the messages between them.

Used by the tests, the benchmark and the notebooks: it plays the transport (sync items
come later) and counts, per seat, the CPU time spent making and checking messages and,
for the hand, the bytes of every message sent once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from functools import partial

from chipstack.crypto import sha256
from chipstack.dealing.hand import STAGES, Fault, Hand
from chipstack.dealing.randomness import Randomness

Tamper = Callable[[int, str, bytes], bytes]
"""``(author, step, raw) -> raw``: a hook a test uses to make a seat cheat."""


class LocalHand:
    """``seats`` nodes of one hand, with secrets and random streams derived from ``seed``."""

    def __init__(self, seats: int, seed: bytes, timeout: int = 30, tamper: Tamper | None = None):
        self.seats = seats
        self.hand_id = sha256(b"chipstack/dealing/local-hand" + seed)
        draw = Randomness(sha256(seed))
        self.nodes = [
            Hand(
                self.hand_id,
                seats,
                0,
                timeout,
                me=i,
                secret=draw.scalar(),
                seed=sha256(seed + bytes([i])),
            )
            for i in range(seats)
        ]
        self.now = 0
        self.cpu = [0.0] * seats
        self.bytes_sent = 0
        self.messages = 0
        self.faults: list[tuple[int, Fault]] = []
        self.silent: set[int] = set()
        self._tamper = tamper
        self._held: list[tuple[int, bytes]] = []

    def _timed(self, seat: int, fn: Callable[[], object]) -> object:
        start = time.process_time()
        try:
            return fn()
        finally:
            self.cpu[seat] += time.process_time() - start

    def send(self, author: int, step: str, raw: bytes, to: Iterable[int] | None = None) -> None:
        """Deliver one message from ``author`` to ``to`` (every seat by default)."""
        if author in self.silent:
            return
        if self._tamper is not None:
            raw = self._tamper(author, step, raw)
        self.bytes_sent += len(raw)
        self.messages += 1
        self._held.append((author, raw))
        for seat in range(self.seats) if to is None else to:
            node = self.nodes[seat]
            fault = self._timed(seat, partial(node.receive, raw, author, self.now))
            if isinstance(fault, Fault):
                self.faults.append((seat, fault))

    def keys(self) -> None:
        """Every seat publishes its key share."""
        for s, node in enumerate(self.nodes):
            raw = self._timed(s, node.key_message)
            assert isinstance(raw, bytes)
            self.send(s, "key", raw)

    def shuffles(self) -> None:
        """Every seat in turn shuffles (stops at the first seat that stays silent)."""
        for s, node in enumerate(self.nodes):
            if s in self.silent or not self.running():
                return
            raw = self._timed(s, node.shuffle_message)
            assert isinstance(raw, bytes)
            self.send(s, "shuffle", raw)

    def hole(self) -> None:
        """Every seat sends each other seat the shares of that seat's hole cards, to it only."""
        for s, node in enumerate(self.nodes):
            if s in self.silent:
                continue
            messages = self._timed(s, node.hole_messages)
            assert isinstance(messages, dict)
            for owner, raw in messages.items():
                self.send(s, "hole", raw, to=[owner])

    def stage(self, stage: str) -> None:
        """Open one street: every node is told, every seat publishes its shares."""
        for node in self.nodes:
            node.open_stage(stage, self.now)
        for s, node in enumerate(self.nodes):
            if s in self.silent:
                continue
            raw = self._timed(s, partial(node.stage_message, stage))
            assert isinstance(raw, bytes)
            self.send(s, stage, raw)

    def running(self) -> bool:
        """True while no node has voided or finished the hand."""
        return all(node.status.value == "running" for node in self.nodes)

    def tick(self, now: int) -> None:
        """Advance the clock on every node and collect the timeouts they name."""
        self.now = now
        for s, node in enumerate(self.nodes):
            self.faults.extend((s, f) for f in node.tick(now))

    def deal(self) -> None:
        """Keys, every shuffle, hole cards and the whole board, as long as nothing fails."""
        self.keys()
        self.shuffles()
        if self.running():
            self.hole()
        for stage in STAGES:
            if self.running():
                self.stage(stage)
