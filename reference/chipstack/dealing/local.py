"""A whole dealt hand run in one process: every seat's node, the messages between them.

Used by the tests, the benchmark and the notebooks: it plays the transport (sync items
come later) and counts, per seat, the CPU time spent making and checking messages and,
for the hand, the bytes of every message sent once.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import partial

from chipstack.crypto import sha256
from chipstack.dealing.group import G, add
from chipstack.dealing.hand import STAGES, Fault, Hand, hole_positions
from chipstack.dealing.messages import EVERYONE, SharesMessage, ShuffleMessage, decode_message
from chipstack.dealing.randomness import Randomness
from chipstack.errors import Reason, Rejected

Tamper = Callable[[int, str, bytes], bytes]
"""``(author, step, raw) -> raw``: a hook a test uses to make a seat cheat."""


class LocalHand:
    """``seats`` nodes of one hand, with secrets and random streams derived from ``seed``.

    Derivation (spec/07-dealing.md section 10, ``deal_hand``): the hand id is
    ``SHA256("chipstack/dealing/local-hand" || seed)``; seat ``i``'s secret is the
    ``i``-th scalar of the stream (DEAL-5) seeded with ``SHA256(seed)``; seat ``i``'s own
    stream is seeded with ``SHA256(seed || u8(i))``. Each step runs seat by seat, and
    each message is delivered to its recipients in seat order, the author included.
    """

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
        self.refused: list[tuple[int, Reason]] = []
        self.inbox: list[list[tuple[int, bytes]]] = [[] for _ in range(seats)]
        self.silent: set[int] = set()
        self._tamper = tamper
        self._held: list[tuple[int, bytes]] = []

    def _timed(self, seat: int, fn: Callable[[], object]) -> object:
        start = time.process_time()
        try:
            return fn()
        finally:
            self.cpu[seat] += time.process_time() - start

    def send(
        self,
        author: int,
        step: str,
        raw: bytes,
        to: Iterable[int] | None = None,
        relayed: bool = False,
    ) -> None:
        """Deliver one message from ``author`` to ``to`` (every seat by default).

        A ``relayed`` message (one forwarded by another seat) is delivered even when
        its author has gone silent, and is never tampered with again.
        """
        if author in self.silent and not relayed:
            return
        if self._tamper is not None and not relayed:
            raw = self._tamper(author, step, raw)
        self.bytes_sent += len(raw)
        self.messages += 1
        self._held.append((author, raw))
        recipients = list(range(self.seats)) if to is None else list(to)
        caught = False
        for seat in recipients:
            node = self.nodes[seat]
            try:
                fault = self._timed(seat, partial(node.receive, raw, author, self.now))
            except Rejected as exc:
                self.refused.append((seat, exc.reason))
                continue
            if isinstance(fault, Fault):
                self.faults.append((seat, fault))
                caught = True
        others = [s for s in range(self.seats) if s not in recipients]
        if caught and others:  # the signed message is the evidence: shown to all ([DEAL-51])
            self.send(author, "evidence", raw, to=others, relayed=True)

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
                self.inbox[owner].append((s, raw))
                self.send(s, "hole", raw, to=[owner])

    def complain(self, now: int) -> None:
        """At time ``now``, every seat complains publicly about late hole shares ([DEAL-51])."""
        self.now = now
        for s, node in enumerate(self.nodes):
            if s in self.silent:
                continue
            raws = self._timed(s, partial(node.complaint_messages, now))
            assert isinstance(raws, list)
            for raw in raws:
                self.send(s, "complaint", raw)

    def answer(self) -> None:
        """Every accused seat that is not silent answers with public shares ([DEAL-51])."""
        for s, node in enumerate(self.nodes):
            if s in self.silent:
                continue
            raws = self._timed(s, node.answer_messages)
            assert isinstance(raws, list)
            for raw in raws:
                self.send(s, "answer", raw)

    def showdown(self, folded: Iterable[int] = ()) -> None:
        """Seats in ``folded`` fold; every other seat shows its cards ([DEAL-52]).

        Showing is the seat's own hole shares to everyone plus the hole shares it got,
        forwarded as they were signed. Silent seats show nothing.
        """
        folded = set(folded)
        for node in self.nodes:
            for seat in folded:
                node.fold(seat)
            node.start_showdown(self.now)
        for s, node in enumerate(self.nodes):
            if s in folded or s in self.silent:
                continue
            raw = self._timed(s, node.showdown_message)
            assert isinstance(raw, bytes)
            others = [o for o in range(self.seats) if o != s]
            for author, forwarded in self.inbox[s]:
                self.send(author, "forward", forwarded, to=others, relayed=True)
            self.send(s, "show", raw)

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


#: The cheats :func:`run_scenario` can stage (spec/07-dealing.md section 10, ``deal_hand``).
CHEATS = (
    "none",
    "silent_shuffle",
    "bad_shuffle",
    "duplicate_card",
    "bad_share",
    "equivocate",
    "replay",
    "stall_hole",
    "late_hole",
    "bad_hole",
    "showdown",
    "no_show",
)


def tamper_for(cheat: str, culprit: int) -> Tamper:
    """The tamper function with which seat ``culprit`` stages ``cheat`` on what it sends."""

    def tamper(author: int, step: str, raw: bytes) -> bytes:
        if author != culprit:
            return raw
        if cheat == "bad_shuffle" and step == "shuffle":
            return raw[:-1] + bytes([raw[-1] ^ 1])
        if cheat == "duplicate_card" and step == "shuffle":
            message = decode_message(raw)
            assert isinstance(message, ShuffleMessage)
            deck = (message.deck[0], message.deck[0], *message.deck[2:])
            return replace(message, deck=deck).encode()
        if cheat == "bad_hole" and step == "hole":
            message = decode_message(raw)
            assert isinstance(message, SharesMessage)
            wrong = add(message.shares[1], G)
            assert wrong is not None
            return replace(message, shares=(message.shares[0], wrong)).encode()
        if cheat == "bad_share" and step == "flop":
            message = decode_message(raw)
            assert isinstance(message, SharesMessage)
            wrong = add(message.shares[0], G)
            assert wrong is not None
            return replace(message, shares=(wrong, *message.shares[1:])).encode()
        return raw

    return tamper


def run_scenario(seats: int, seed: bytes, cheat: str = "none", culprit: int = 0) -> LocalHand:
    """Deal one hand with ``culprit`` staging ``cheat`` (one of :data:`CHEATS`); return it.

    Silent seats are given up on by moving every node's clock past the timeout.
    """
    if cheat not in CHEATS:
        raise ValueError(f"unknown cheat {cheat!r}")
    table = LocalHand(seats, seed, timeout=30, tamper=tamper_for(cheat, culprit))
    if cheat == "replay":
        other = LocalHand(seats, seed + b"/another hand")
        table.send(culprit, "replay", other.nodes[culprit].key_message())
    table.keys()
    if cheat == "replay":
        table.send(culprit, "replay", table._held[-seats + culprit][1])
    if cheat == "equivocate":
        table.send(culprit, "key", table.nodes[culprit].key_message())
    if cheat == "silent_shuffle":
        table.silent.add(culprit)
    table.shuffles()
    if cheat == "silent_shuffle":
        table.tick(table.now + 30)
    table.silent.discard(culprit)
    if table.running():
        if cheat in ("stall_hole", "late_hole"):
            table.silent.add(culprit)
        table.hole()
        if cheat in ("stall_hole", "late_hole"):
            table.complain(table.now + 30)
        table.silent.discard(culprit)
        if cheat == "late_hole":
            table.answer()
        if cheat == "stall_hole":
            table.tick(table.now + 30)
    for stage in STAGES:
        if table.running():
            table.stage(stage)
    if table.running() and cheat in ("showdown", "no_show"):
        # showdown: ``culprit`` folded, then also tries to show (refused: DEAL-52)
        # no_show: ``culprit`` stays live but never shows, and is mucked
        if cheat == "no_show":
            table.silent.add(culprit)
        table.showdown(folded=[culprit] if cheat == "showdown" else [])
        if cheat == "showdown":
            show = table.nodes[culprit]._shares_message(hole_positions(culprit, seats), EVERYONE)
            table.send(culprit, "show", show)
            for node in table.nodes:
                node.finish()
        else:
            table.tick(table.now + 30)
    return table
