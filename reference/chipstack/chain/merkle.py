"""Merkle trees exactly as Bitcoin builds them, branches, and CVE-2012-2459 detection.

Spec: ``spec/02-chain.md`` section 2 (rules ``[MERKLE-1]`` .. ``[MERKLE-6]``).
A level with an odd number of nodes pairs its last node with itself. Because
of that, two different transaction lists can share one root (the list with
its tail duplicated); :func:`compute_root` reports such a *mutated* list,
as Bitcoin Core's ``ComputeMerkleRoot`` does, so a block built that way is
refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from chipstack.crypto import sha256d
from chipstack.encoding import Reader, Writer, decode_exact
from chipstack.errors import Reason, Rejected, require

#: Largest branch a verifier accepts: 32 levels, 2**32 leaves ([MERKLE-5]).
MAX_BRANCH_DEPTH = 32
_HASH_LEN = 32


def parent(left: bytes, right: bytes) -> bytes:
    """Return the inner node over two children: ``sha256d(left || right)`` ([MERKLE-1])."""
    return sha256d(left + right)


def compute_root(leaves: Sequence[bytes]) -> tuple[bytes, bool]:
    """Return ``(root, mutated)`` for the leaves in order ([MERKLE-1], [MERKLE-2], [MERKLE-3]).

    ``mutated`` is true when some level has two equal nodes at positions
    ``2k`` and ``2k+1`` (before odd duplication): the tell-tale of a list
    whose tail was duplicated (CVE-2012-2459).
    """
    require(len(leaves) > 0, Reason.CHAIN_MERKLE_EMPTY, "a Merkle tree needs at least one leaf")
    level = list(leaves)
    mutated = False
    while len(level) > 1:
        for i in range(0, len(level) - 1, 2):
            if level[i] == level[i + 1]:
                mutated = True
        if len(level) % 2:
            level.append(level[-1])
        level = [sha256d(level[i] + level[i + 1]) for i in range(0, len(level), 2)]
    return level[0], mutated


def merkle_root(leaves: Sequence[bytes]) -> bytes:
    """Return the Merkle root, refusing an empty or mutated list ([MERKLE-3])."""
    root, mutated = compute_root(leaves)
    require(not mutated, Reason.CHAIN_MERKLE_MUTATED, "duplicated subtree (CVE-2012-2459)")
    return root


@dataclass(frozen=True)
class MerkleBranch:
    """The path from one leaf to the root: its ``index`` and the sibling at each level ([MERKLE-4]).

    Bit ``i`` of ``index`` says whether the node at level ``i`` is a right
    child (1: the sibling goes on the left) or a left child (0).
    """

    index: int
    siblings: tuple[bytes, ...]

    def encode(self) -> bytes:
        """Return ``u32 index || count || siblings`` ([MERKLE-6])."""
        w = Writer().u32(self.index).count(len(self.siblings), MAX_BRANCH_DEPTH)
        for s in self.siblings:
            w.fixed(s, _HASH_LEN)
        return w.getvalue()

    @staticmethod
    def read(reader: Reader) -> MerkleBranch:
        """Read a branch; at most :data:`MAX_BRANCH_DEPTH` siblings ([MERKLE-6])."""
        index = reader.u32()
        siblings = tuple(reader.items(MAX_BRANCH_DEPTH, lambda r: r.fixed(_HASH_LEN)))
        return MerkleBranch(index, siblings)

    @staticmethod
    def decode(data: bytes) -> MerkleBranch:
        """Decode a branch spanning all of ``data``."""
        return decode_exact(data, MerkleBranch.read)

    def root_from(self, leaf: bytes) -> bytes:
        """Fold ``leaf`` up the branch and return the root it implies ([MERKLE-5]).

        A sibling equal to the node (a node paired with itself) must be on the
        right: only then is the index the leaf's one true position.
        """
        depth = len(self.siblings)
        require(depth <= MAX_BRANCH_DEPTH, Reason.CHAIN_BRANCH_TOO_DEEP, f"depth {depth}")
        require(
            0 <= self.index < (1 << depth),
            Reason.CHAIN_BRANCH_BAD_INDEX,
            f"index {self.index} does not fit a branch of depth {depth}",
        )
        node = leaf
        for level, sibling in enumerate(self.siblings):
            if (self.index >> level) & 1:
                # A node paired with itself is the last of an odd level: a left child.
                require(
                    sibling != node,
                    Reason.CHAIN_BRANCH_BAD_INDEX,
                    f"level {level}: a self-paired node cannot be a right child",
                )
                node = sha256d(sibling + node)
            else:
                node = sha256d(node + sibling)
        return node

    def verify(self, leaf: bytes, root: bytes) -> None:
        """Reject unless ``leaf`` at ``index`` leads to ``root`` ([MERKLE-5])."""
        if self.root_from(leaf) != root:
            raise Rejected(Reason.CHAIN_MERKLE_MISMATCH, "branch does not lead to the root")


def merkle_branch(leaves: Sequence[bytes], index: int) -> MerkleBranch:
    """Return the branch of leaf ``index`` in the tree over ``leaves`` ([MERKLE-4])."""
    require(len(leaves) > 0, Reason.CHAIN_MERKLE_EMPTY, "a Merkle tree needs at least one leaf")
    require(0 <= index < len(leaves), Reason.CHAIN_BRANCH_BAD_INDEX, f"index {index}")
    level = list(leaves)
    pos = index
    siblings: list[bytes] = []
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])
        siblings.append(level[pos ^ 1])
        level = [sha256d(level[i] + level[i + 1]) for i in range(0, len(level), 2)]
        pos >>= 1
    return MerkleBranch(index, tuple(siblings))


def tree_levels(leaves: Sequence[bytes]) -> list[list[bytes]]:
    """Return every level of the tree, leaves first, root last (for drawing and teaching).

    Levels are shown without the duplicated padding node.
    """
    require(len(leaves) > 0, Reason.CHAIN_MERKLE_EMPTY, "a Merkle tree needs at least one leaf")
    levels = [list(leaves)]
    while len(levels[-1]) > 1:
        cur = levels[-1]
        padded = [*cur, cur[-1]] if len(cur) % 2 else cur
        levels.append([sha256d(padded[i] + padded[i + 1]) for i in range(0, len(padded), 2)])
    return levels
