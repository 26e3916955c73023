"""Work every node of a simulation would repeat on the same item, done once for all of them.

Spec: ``spec/01-sync.md`` section "Simulation" (informative). In a simulation every
node decodes and verifies the same items: decoding an encoding and checking an
item's signature are pure functions of their input, so one process-wide memo per
simulator gives each node the outcome it would have computed itself, for a fraction
of the CPU. A real node never uses this (it would let one bad input be trusted by
another node); the simulator installs it through the node's ``decode_item`` and
``verify_item`` hooks, and a test checks that seeded runs deliver the same items at
the same times with and without it.
"""

from __future__ import annotations

from chipstack.errors import Reason, Rejected
from chipstack.sync.item import Item, decode_item, verify_signature
from chipstack.sync.node import Node

#: Item encodings kept decoded, and signature outcomes kept, at most (oldest forgotten).
MEMO_ITEMS = 20_000


class ItemMemo:
    """Bounded memos of item decoding and signature checks, shared by a simulator's nodes."""

    def __init__(self, capacity: int = MEMO_ITEMS) -> None:
        self.capacity = capacity
        self._decoded: dict[bytes, Item] = {}
        self._verified: dict[tuple[bytes, bytes], tuple[Reason, str] | None] = {}
        #: Calls answered from the memos, and calls that did the work.
        self.hits = 0
        self.misses = 0

    def attach(self, node: Node) -> Node:
        """Point ``node``'s decoding and signature hooks at this memo; return the node."""
        node.decode_item = self.decode
        node.verify_item = self.verify
        return node

    def decode(self, raw: bytes) -> Item:
        """:func:`~chipstack.sync.item.decode_item`, once per encoding (failures are not kept,
        so a malformed encoding raises the same :class:`Rejected` every time)."""
        item = self._decoded.get(raw)
        if item is not None:
            self.hits += 1
            return item
        self.misses += 1
        item = decode_item(raw)
        memo = self._decoded
        if len(memo) >= self.capacity:
            del memo[next(iter(memo))]
        memo[raw] = item
        return item

    def verify(self, item: Item) -> None:
        """:func:`~chipstack.sync.item.verify_signature`, once per (id, signature).

        The id covers every field but the signature, so the pair fixes the outcome; a
        refusal is kept too and raised again with the same reason and detail.
        """
        key = (item.id, item.signature)
        memo = self._verified
        if key in memo:
            self.hits += 1
            outcome = memo[key]
            if outcome is not None:
                raise Rejected(*outcome)
            return
        self.misses += 1
        result: tuple[Reason, str] | None = None
        try:
            verify_signature(item)
        except Rejected as exc:
            result = (exc.reason, exc.detail)
        if len(memo) >= self.capacity:
            del memo[next(iter(memo))]
        memo[key] = result
        if result is not None:
            raise Rejected(*result)
