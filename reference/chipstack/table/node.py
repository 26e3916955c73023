"""What every table node shares: its key, item checks, publishing, counts and refusals.

Spec: ``spec/08-table.md`` section 2 ([TABLE-1] .. [TABLE-3]).
"""

from __future__ import annotations

from collections import Counter

from chipstack.crypto import PrivateKey, PublicKey
from chipstack.errors import Reason, Rejected, require
from chipstack.sync.item import Item, make_item
from chipstack.table.config import TableConfig
from chipstack.table.engine import NodeSummary
from chipstack.table.messages import KIND_TAGS, Message, encode_message, kind_of

#: Lifetime of a table item, in milliseconds (an hour, the sync default).
ITEM_TTL_MS = 3_600_000


def check_item(item: Item, config: TableConfig) -> int | None:
    """Check an item's tag, author and signature in that order ([TABLE-2]).

    Returns the author's seat, or ``None`` for the house; refuses with
    ``table.wrong_table``, ``table.unknown_author`` or the signature's reason.
    """
    require(item.tag1 == config.tag, Reason.TABLE_WRONG_TABLE, item.tag1)  # [TABLE-2]
    house = config.house_key().public_key.raw
    seats = {config.player_key(s).public_key.raw: s for s in range(config.seats)}
    require(item.author == house or item.author in seats, Reason.TABLE_UNKNOWN_AUTHOR,
            item.author.hex()[:16])  # [TABLE-2]
    PublicKey(item.author).verify(item.signature, item.id)  # [TABLE-2], SYNC-6
    return seats.get(item.author)


class NodeBase:
    """The common part of the player and house engines."""

    def __init__(
        self, config: TableConfig, key: PrivateKey, name: str, role: str, seat: int | None
    ) -> None:
        self.config = config
        self._key = key
        self._name = name
        self.role = role
        self._summary_seat = seat
        self._seen: set[bytes] = set()
        self.refused: Counter[str] = Counter()
        self.items_sent = 0
        self.bytes_sent = 0
        self.items_received = 0
        self.started = False
        self._outbox: list[Item] = []
        self._said: set[bytes] = set()
        self._house = config.house_key().public_key.raw
        self._seats = {config.player_key(s).public_key.raw: s for s in range(config.seats)}

    @property
    def name(self) -> str:
        """The node's display name."""
        return self._name

    @property
    def key(self) -> PrivateKey:
        """The key that signs this node's items."""
        return self._key

    def publish(self, message: Message, now: float, destination: bytes | None = None) -> Item:
        """Sign ``message`` into an item with the table's tags ([TABLE-2])."""
        item = make_item(self._key, (self.config.tag, KIND_TAGS[kind_of(message)]),
                         encode_message(message), round(now * 1000), ITEM_TTL_MS,
                         destination)
        self._seen.add(item.id)
        self.items_sent += 1
        self.bytes_sent += item.size
        return item

    def refuse(self, reason: Reason) -> None:
        """Count one refused item."""
        self.refused[reason.value] += 1

    def start(self, now: float) -> list[Item]:
        """Begin, or resume after a restart ([TABLE-5]).

        Items received before ``start`` are the node's own store replayed: the node
        rebuilds its state from them, makes again (from the same streams) what it had
        made, and publishes now only what is not among its own replayed items.
        """
        self.started = True
        fresh = self._start(now)  # first: it may drop what it must not say ([TABLE-5])
        made = self._outbox + fresh
        self._outbox = []
        return [i for i in made if i.payload not in self._said]

    def _start(self, now: float) -> list[Item]:
        return []

    def receive(self, item: Item, now: float) -> list[Item]:
        """Take one item ([TABLE-3]); never raises: a refusal is counted and changes nothing.

        Before :meth:`start` nothing is returned: what the node makes is kept for
        ``start``, and its own items (the store replayed) are noted as said.
        """
        out = self._receive(item, now)
        if self.started:
            return out
        if item.author == self._key.public_key.raw:
            self._said.add(item.payload)
        self._outbox += out
        return []

    def _receive(self, item: Item, now: float) -> list[Item]:
        if item.id in self._seen:
            return []  # its own, or one already taken: nothing to do
        try:
            check_item(item, self.config)  # [TABLE-2]
        except Rejected as exc:
            self.refuse(exc.reason)
            return []
        self._seen.add(item.id)
        self.items_received += 1
        try:
            return self._take(item, now)
        except Rejected as exc:
            self.refuse(exc.reason)
            return []

    def _take(self, item: Item, now: float) -> list[Item]:
        raise NotImplementedError

    def require_house(self, item: Item) -> None:
        """Refuse a house message that the house did not sign."""
        require(item.author == self._house, Reason.TABLE_UNKNOWN_AUTHOR, "not the house")

    def seat_of(self, item: Item) -> int:
        """The seat that signed ``item`` (refused when the house or nobody did)."""
        seat = self._seats.get(item.author)
        require(seat is not None, Reason.TABLE_UNKNOWN_AUTHOR, "not a seat")
        assert seat is not None
        return seat

    def base_summary(self) -> NodeSummary:
        """The counts every node reports."""
        return NodeSummary(self._name, self.role, self._summary_seat, self.items_sent,
                           self.bytes_sent, self.items_received, dict(self.refused))
