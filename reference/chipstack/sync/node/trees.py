"""Push trees: per origin, the peer a node's pushes come from and when to move it.

Spec: ``spec/01-sync.md`` rules ``[SYNC-30]``, ``[SYNC-38]``. A node keeps one
:class:`Tree` per origin (the author key of the items pushed along it): the peer its
pushes come from (the *parent*), and a moving score of how often another peer beat the
parent. The parent is replaced (GRAFT the other peer, PRUNE the parent) only when that
score reaches ``graft_threshold``: a burst of late pushes behind one lost packet does
not move the tree, a consistently faster path does.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from chipstack.sync.node.outputs import PeerId


@dataclass
class Tree:
    """What a node knows about the push tree of one origin ([SYNC-38])."""

    #: The peer this node's pushes of the origin come from (changed only by a switch).
    parent: PeerId | None = None
    #: How often, lately, another peer beat the parent (a moving average over items).
    score: float = 0.0
    #: The peer that beat the parent most recently: the one a switch would graft.
    challenger: PeerId | None = None


class PushTrees:
    """The trees a node takes part in, and when it first heard each recent id announced.

    Both maps are bounded (``cap`` entries): a tree not used for longest is forgotten
    first (so origins minted for one item each push out idle trees before busy ones) and
    starts again as a new one ([SYNC-30]); the oldest announcement time is forgotten
    first, which only loses one sample of the hysteresis score. Ordered dicts: dropping
    the first entry is O(1) (see :class:`~chipstack.sync.node.state.Bounded`).
    """

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self._trees: OrderedDict[bytes, Tree] = OrderedDict()
        #: id -> (time, peer) of the first announcement of an id not yet held ([SYNC-38]).
        self.heard: OrderedDict[bytes, tuple[int, PeerId]] = OrderedDict()

    def get(self, origin: bytes) -> Tree | None:
        """The tree of ``origin``, if this node has one (now the most recently used)."""
        tree = self._trees.get(origin)
        if tree is not None:
            self._trees.move_to_end(origin)
        return tree

    def new(self, origin: bytes) -> Tree:
        """Start the tree of ``origin`` (forgetting the least recently used past the cap)."""
        tree = Tree()
        self._trees[origin] = tree
        if len(self._trees) > self.cap:
            self._trees.popitem(last=False)
        return tree

    def hear(self, now: int, iid: bytes, peer: PeerId) -> None:
        """Remember the first announcement of ``iid`` (``peer`` announced it at ``now``)."""
        if iid in self.heard:
            return
        self.heard[iid] = (now, peer)
        if len(self.heard) > self.cap:
            self.heard.popitem(last=False)

    def __len__(self) -> int:
        return len(self._trees)
