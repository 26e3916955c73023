"""Hostile peers for the simulator: a real node that also misbehaves on every attack tick.

Spec: ``spec/01-sync.md`` rule ``[SYNC-34]`` (penalties). Each kind targets one
defence; honest nodes are expected to disconnect every kind except ``spam``
(valid items at the PoW limit, which the store's bound absorbs).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from chipstack.crypto import PrivateKey
from chipstack.encoding import Writer
from chipstack.sync.item import Item, make_item
from chipstack.sync.node import Node, Output, Send
from chipstack.sync.params import MAX_PAYLOAD, NodeParams
from chipstack.sync.pow import priority
from chipstack.sync.wire import Items, Recon, encode_message

#: The kinds of misbehaviour :func:`hostile` can make.
KINDS = ("bad_signature", "low_pow", "oversize", "bad_recon", "replay", "garbage", "spam",
         "max_frame", "dup_flood")
#: A 1 MiB Negentropy frame of 349,525 Skip ranges, the most ranges a RECON can carry.
MAX_FRAME = b"\x61" + b"\x02\x00\x00" * ((1024 * 1024 - 1) // 3)
#: ITEMS messages sent per peer on each attack tick by ``dup_flood``.
FLOOD_MESSAGES = 10
#: Copies of the same item in each of those messages.
FLOOD_COPIES = 64


class HostileNode(Node):
    """A node that runs the honest protocol and, every ``every_ms``, attacks each peer."""

    def __init__(self, key: PrivateKey, params: NodeParams, rng: random.Random, kind: str,
                 every_ms: int = 200) -> None:
        super().__init__(key, params, rng)
        if kind not in KINDS:
            raise ValueError(kind)
        self.kind = kind
        self.every_ms = every_ms
        self._last_attack = 0
        self._counter = 0
        self._sent: list[tuple[object, bytes]] = []
        self._flood: bytes | None = None

    def connect(self, now: int, peer: object, remote_key: bytes | None = None,
                address: str | None = None) -> list[Output]:
        """Connect as usual, remembering the handshake to replay it later."""
        out = super().connect(now, peer, remote_key, address)
        self._sent.extend((peer, o.data) for o in out if isinstance(o, Send))
        return out

    def tick(self, now: int) -> list[Output]:
        """Honest tick plus one attack per peer every ``every_ms``."""
        out = super().tick(now)
        if now - self._last_attack < self.every_ms:
            return out
        self._last_attack = now
        for pid in self.ready_peers():
            repeat = FLOOD_MESSAGES if self.kind == "dup_flood" else 1
            data = self._attack(now, pid)
            if data is not None:
                out.extend(Send(pid, data) for _ in range(repeat))
        return out

    def _item(self, now: int, payload_len: int = 64) -> Item:
        self._counter += 1
        payload = self._counter.to_bytes(8, "little") + bytes(max(0, payload_len - 8))
        return make_item(self.key, ("spam", "x"), payload, now, 60_000,
                         min_priority=self.params.min_priority)

    def _attack(self, now: int, pid: object) -> bytes | None:
        kind = self.kind
        if kind == "bad_signature":
            it = self._item(now)
            sig = bytes([it.signature[0] ^ 1]) + it.signature[1:]
            bad = Item(it.timestamp, it.expiry, it.tag1, it.tag2, it.destination, it.author,
                       it.payload, it.nonce, sig)
            return encode_message(Items((bad,)))
        if kind == "low_pow":
            it = self._item(now)
            nonce = 0
            while True:
                cand = Item(it.timestamp, it.expiry, it.tag1, it.tag2, None, it.author,
                            it.payload, nonce, b"")
                if priority(cand.body, len(cand.payload)) < self.params.min_priority:
                    break
                nonce += 1
            signed = Item(cand.timestamp, cand.expiry, cand.tag1, cand.tag2, None, cand.author,
                          cand.payload, nonce, self.key.sign(cand.id))
            return encode_message(Items((signed,)))
        if kind == "oversize":
            w = Writer().u8(1).u64(now).u64(now + 1000).string("a", 32).string("b", 32).flag(False)
            w.fixed(self.node_key, 32).var_bytes(bytes(MAX_PAYLOAD + 1)).u64(0).fixed(bytes(64), 64)
            body = w.getvalue()
            return bytes([0x03, 0x01]) + Writer().var_bytes(body).getvalue()
        if kind == "bad_recon":
            return encode_message(Recon(self.rng.getrandbits(32), self.rng.randbytes(40)))
        if kind == "replay":
            for peer, data in self._sent:
                if peer == pid:
                    return data
            return None
        if kind == "max_frame":
            return encode_message(Recon(self.rng.getrandbits(32), MAX_FRAME))
        if kind == "dup_flood":  # the same valid item, again and again ([SYNC-52])
            if self._flood is None:
                self._flood = encode_message(Items((self._item(now),) * FLOOD_COPIES))
            return self._flood
        if kind == "garbage":
            return self.rng.randbytes(self.rng.randrange(1, 200))
        # spam: valid items at the PoW limit, as many as the attack tick allows
        return encode_message(Items(tuple(self._item(now, 1024) for _ in range(8))))


def hostile(kind: str, every_ms: int = 200) -> Callable[[Node], Node]:
    """Return a factory turning an honest simulator node into a hostile one of ``kind``."""

    def make(node: Node) -> Node:
        return HostileNode(node.key, node.params, node.rng, kind, every_ms)

    return make
