"""The interface every node of a table implements: a sans-IO engine fed items and time.

Spec: ``spec/08-table.md`` section 2. A runner (the in-process one,
:func:`chipstack.table.local.run_local`, or the TCP one in ``chipstack.table.net``)
owns the clock and the transport; an engine only turns ``(item, now)`` into the
items it publishes. Every item an engine returns is signed by the engine's own key
and tagged with the table's tag ([TABLE-2]); a runner publishes each one to every
node (sync moves it) and feeds every item it receives, its own included or not,
back to :meth:`Engine.receive`. Times are seconds on any clock the runner keeps,
monotonic per node.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from chipstack.crypto import PrivateKey
from chipstack.sync.item import Item
from chipstack.table.config import TableConfig
from chipstack.table.report import HandRecord


@dataclass
class NodeSummary:
    """What one node reports at the end: its counts, its CPU, its view of the outcome.

    ``refused`` counts refusals by reason code (items refused without changing
    anything, e.g. copies); ``faults`` lists the faults this node named, as
    ``"hand N: seat S reason (rule)"``; ``balances`` is this node's view of the last
    settlement (name -> chips); ``dealing_cpu`` is process CPU seconds spent making
    and checking dealing messages; ``hands`` are the hands as this seat recorded them
    and ``closed`` why the table closed. The house fills ``deposits`` (chips issued per
    name), ``redeemed`` (chips paid out per name) and ``remaining`` (chips still at the
    table: zero once redeemed).
    """

    name: str
    role: str
    seat: int | None
    items_sent: int = 0
    bytes_sent: int = 0
    items_received: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    faults: list[str] = field(default_factory=list)
    dealing_cpu: float = 0.0
    hands_done: int = 0
    balances: dict[str, int] = field(default_factory=dict)
    done: bool = False
    hands: list[HandRecord] = field(default_factory=list)
    closed: str = ""
    deposits: dict[str, int] = field(default_factory=dict)
    redeemed: dict[str, int] = field(default_factory=dict)
    remaining: int = 0


@runtime_checkable
class Engine(Protocol):
    """A table node: a player seat or the house (chain, notaries, cashier set).

    ``receive`` never raises: an item that is not for this table, badly signed,
    malformed, or refused by a rule is counted in the summary's ``refused`` with its
    reason code and changes nothing ([TABLE-3]).
    """

    @property
    def name(self) -> str:
        """A short display name (``house``, or the seat's player name)."""
        ...

    @property
    def key(self) -> PrivateKey:
        """The key that signs every item this node publishes."""
        ...

    @property
    def done(self) -> bool:
        """True once this node has nothing more to do (the table is redeemed or closed)."""
        ...

    def start(self, now: float) -> list[Item]:
        """Begin at time ``now``; return the first items to publish."""
        ...

    def receive(self, item: Item, now: float) -> list[Item]:
        """Take one item seen at time ``now``; return the items to publish in answer."""
        ...

    def tick(self, now: float) -> list[Item]:
        """Let time pass to ``now`` (deadlines, timeouts); return items to publish."""
        ...

    def next_deadline(self) -> float | None:
        """The next time at which :meth:`tick` has something to do, or ``None``."""
        ...

    def summary(self) -> NodeSummary:
        """This node's figures and view of the outcome, for the report."""
        ...


def player_node(config: TableConfig, seat: int) -> Engine:
    """The engine of seat ``seat``: deposits, deals, bets with its bot, signs settlements."""
    from chipstack.table.player import PlayerNode

    return PlayerNode(config, seat)


def house_node(config: TableConfig) -> Engine:
    """The house engine: devnet chain with notaries and the cashier set of the table.

    It funds the players' wallets, mines and proves their deposits, issues chips by
    an M-of-N certificate, takes every fully signed settlement, and redeems at the end.
    It holds no seat and does not follow the hands: it checks what the cashier checks.
    """
    from chipstack.table.house import HouseNode

    return HouseNode(config)


class InMilliseconds:
    """An engine driven with integer milliseconds (item timestamps' unit) instead of seconds.

    For a runner whose clock is ``int`` ms: every call converts ``now`` to seconds and
    :meth:`next_deadline` back to ms (rounded up, so a tick at that time is due).
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def done(self) -> bool:
        """The engine's ``done``."""
        return self.engine.done

    @property
    def progress(self) -> object:
        """The engine's ``progress`` if it has one (a seat's hands done and planned)."""
        return getattr(self.engine, "progress", None)

    def start(self, now: int) -> list[Item]:
        """:meth:`Engine.start` at ``now`` ms."""
        return self.engine.start(now / 1000)

    def receive(self, item: Item, now: int) -> list[Item]:
        """:meth:`Engine.receive` at ``now`` ms."""
        return self.engine.receive(item, now / 1000)

    def tick(self, now: int) -> list[Item]:
        """:meth:`Engine.tick` at ``now`` ms."""
        return self.engine.tick(now / 1000)

    def next_deadline(self) -> int | None:
        """:meth:`Engine.next_deadline` in ms, rounded up."""
        deadline = self.engine.next_deadline()
        return None if deadline is None else -(-round(deadline * 1_000_000) // 1000)

    def summary(self) -> NodeSummary:
        """The engine's summary."""
        return self.engine.summary()
