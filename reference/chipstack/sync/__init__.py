"""Sync: a p2p network that keeps any data mostly in sync (spec/01-sync.md).

Items (signed, proof-of-work-prioritised datablobs) live in a bounded
:class:`Store`; a sans-IO :class:`Node` pushes new items, reconciles with
peers (Negentropy) and fetches what it lacks; the same core runs in the
simulator (:mod:`chipstack.sync.sim`) and over TCP. A five-node network::

    import chipstack.sync
    async with chipstack.sync.spawn(5) as net:
        await net[0].publish(("chat", "room-1"), b"hello")
        async for item in net[3].subscribe("chat"):
            print(item.payload); break
"""

from chipstack.sync.item import Item, decode_item, make_item
from chipstack.sync.node import Accepted, Close, Node, Send
from chipstack.sync.params import NodeParams
from chipstack.sync.spawn import Network, spawn
from chipstack.sync.store import Store
from chipstack.sync.tcp import TcpNode

__all__ = [
    "Accepted",
    "Close",
    "Item",
    "Network",
    "Node",
    "NodeParams",
    "Send",
    "Store",
    "TcpNode",
    "decode_item",
    "make_item",
    "spawn",
]
