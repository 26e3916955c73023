"""Merkle trees: real Bitcoin roots, branches, mutation (spec/02-chain.md section 2)."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.chain.header import display_hex, from_display_hex
from chipstack.chain.merkle import (
    MerkleBranch,
    compute_root,
    merkle_branch,
    merkle_root,
    tree_levels,
)
from chipstack.errors import Reason, Rejected
from chipstack.testvectors.chain.realdata import (
    BLOCK_100000,
    GENESIS,
    GENESIS_COINBASE_HEX,
    MERKLE_BLOCKS,
    RealBlock,
)


def h2(data: bytes) -> bytes:
    return hashlib.sha256(hashlib.sha256(data).digest()).digest()


def naive_root(leaves: list[bytes]) -> bytes:
    """An independent recursive definition: split at the largest power of two below n.

    For Bitcoin's tree, the left subtree of n > 1 leaves holds the first 2**k leaves
    (2**k < n <= 2**(k+1)); a right subtree that is shorter than its left sibling's
    depth is padded by repeating its last node at each level, which is what hashing
    it with itself does when it stands alone at a level.
    """
    if len(leaves) == 1:
        return leaves[0]
    depth = (len(leaves) - 1).bit_length()
    half = 1 << (depth - 1)
    left = naive_root(leaves[:half])
    right_leaves = leaves[half:]
    right = naive_root(right_leaves)
    # Raise the right subtree to the left's height by self-pairing.
    right_depth = (len(right_leaves) - 1).bit_length() if len(right_leaves) > 1 else 0
    for _ in range(depth - 1 - right_depth):
        right = h2(right + right)
    return h2(left + right)


@pytest.mark.parametrize("block", MERKLE_BLOCKS, ids=lambda b: f"height-{b.height}")
def test_real_block_merkle_roots(block: RealBlock) -> None:
    # Explorers show txids byte-reversed; the tree hashes internal order.
    leaves = [from_display_hex(t) for t in block.txids_display]
    root, mutated = compute_root(leaves)
    assert display_hex(root) == block.merkle_root_display
    assert not mutated
    assert merkle_root(leaves) == root


def test_genesis_coinbase_txid_is_the_genesis_merkle_root() -> None:
    raw = bytes.fromhex(GENESIS_COINBASE_HEX)
    assert display_hex(h2(raw)) == GENESIS.merkle_root_display


def test_block_100000_branch_matches_published_branch() -> None:
    # Published SPV branch of tx 0 of block 100000 (btcrelay's test): siblings, in display order.
    leaves = [from_display_hex(t) for t in BLOCK_100000.txids_display]
    b = merkle_branch(leaves, 0)
    assert [display_hex(s) for s in b.siblings] == [
        "fff2525b8931402dd09222c50775608f75787bd2b87e56995a7bdd30f79702c4",
        "8e30899078ca1813be036a073bbf80b86cdddde1c96e9e9c99e9e3782df4ae49",
    ]
    b.verify(leaves[0], from_display_hex(BLOCK_100000.merkle_root_display))


def path_nodes(leaf: bytes, b: MerkleBranch) -> list[bytes]:
    nodes = [leaf]
    for k, sib in enumerate(b.siblings):
        cur = nodes[-1]
        nodes.append(h2(sib + cur) if (b.index >> k) & 1 else h2(cur + sib))
    return nodes


leaf_lists = st.lists(st.binary(min_size=32, max_size=32), min_size=1, max_size=40, unique=True)


@settings(max_examples=150)
@given(leaf_lists)
def test_root_agrees_with_independent_recursive_definition(leaves: list[bytes]) -> None:
    root, mutated = compute_root(leaves)
    assert root == naive_root(leaves)
    assert not mutated  # distinct leaves: equal nodes higher up would need a SHA-256 collision


@settings(max_examples=100)
@given(leaf_lists)
def test_every_leaf_branch_verifies(leaves: list[bytes]) -> None:
    root = compute_root(leaves)[0]
    for i, leaf in enumerate(leaves):
        b = merkle_branch(leaves, i)
        assert len(b.siblings) == (len(leaves) - 1).bit_length()
        b.verify(leaf, root)
        assert MerkleBranch.decode(b.encode()) == b


@settings(max_examples=150)
@given(leaf_lists.filter(lambda x: len(x) > 1), st.data())
def test_any_flipped_bit_fails(leaves: list[bytes], data: st.DataObject) -> None:
    root = compute_root(leaves)[0]
    i = data.draw(st.integers(0, len(leaves) - 1))
    b = merkle_branch(leaves, i)
    where = data.draw(st.sampled_from(["leaf", "sibling", "index", "root"]))
    bit = data.draw(st.integers(0, 255))
    leaf, siblings, index = leaves[i], list(b.siblings), b.index

    def flip(x: bytes) -> bytes:
        y = bytearray(x)
        y[bit // 8] ^= 1 << (bit % 8)
        return bytes(y)

    if where == "leaf":
        leaf = flip(leaf)
    elif where == "sibling":
        k = data.draw(st.integers(0, len(siblings) - 1))
        siblings[k] = flip(siblings[k])
    elif where == "index":
        k = data.draw(st.integers(0, len(siblings) - 1))
        index ^= 1 << k
        if siblings[k] == path_nodes(leaves[i], b)[k]:
            # A node paired with itself would give the same root as a right child;
            # MERKLE-5 refuses that reading outright.
            with pytest.raises(Rejected) as e:
                MerkleBranch(index, tuple(siblings)).verify(leaf, root)
            assert e.value.reason is Reason.CHAIN_BRANCH_BAD_INDEX
            return
    else:
        root = flip(root)
    tampered = MerkleBranch(index, tuple(siblings))
    with pytest.raises(Rejected) as e:
        tampered.verify(leaf, root)
    assert e.value.reason in (Reason.CHAIN_MERKLE_MISMATCH, Reason.CHAIN_BRANCH_BAD_INDEX)


@settings(max_examples=100)
@given(leaf_lists.filter(lambda x: len(x) % 2 == 1 and len(x) > 1))
def test_duplicating_the_odd_tail_is_detected(leaves: list[bytes]) -> None:
    # CVE-2012-2459: [.., x] and [.., x, x] share a root; only the longer one is mutated.
    root, mutated = compute_root(leaves)
    root2, mutated2 = compute_root([*leaves, leaves[-1]])
    assert root2 == root and not mutated and mutated2
    with pytest.raises(Rejected) as e:
        merkle_root([*leaves, leaves[-1]])
    assert e.value.reason is Reason.CHAIN_MERKLE_MUTATED


def test_mutation_at_a_higher_level() -> None:
    leaves = [h2(bytes([i])) for i in range(6)]
    root, mutated = compute_root(leaves)
    assert not mutated
    padded = [*leaves, leaves[4], leaves[5]]
    assert compute_root(padded) == (root, True)


def test_empty_and_bad_index() -> None:
    for fn in (lambda: compute_root([]), lambda: merkle_branch([], 0)):
        with pytest.raises(Rejected) as e:
            fn()
        assert e.value.reason is Reason.CHAIN_MERKLE_EMPTY
    with pytest.raises(Rejected) as e:
        merkle_branch([bytes(32)], 1)
    assert e.value.reason is Reason.CHAIN_BRANCH_BAD_INDEX
    with pytest.raises(Rejected) as e:
        MerkleBranch(0, (bytes(32),) * 33).root_from(bytes(32))
    assert e.value.reason is Reason.CHAIN_BRANCH_TOO_DEEP


def test_single_leaf_is_its_own_root_with_empty_branch() -> None:
    leaf = h2(b"only")
    assert merkle_root([leaf]) == leaf
    b = merkle_branch([leaf], 0)
    assert b.siblings == ()
    b.verify(leaf, leaf)


def test_tree_levels_end_at_the_root() -> None:
    leaves = [h2(bytes([i])) for i in range(5)]
    levels = tree_levels(leaves)
    assert [len(x) for x in levels] == [5, 3, 2, 1]
    assert levels[-1][0] == merkle_root(leaves)


def test_self_paired_node_cannot_claim_the_right_slot() -> None:
    leaves = [h2(bytes([i])) for i in range(5)]
    root = merkle_root(leaves)
    b = merkle_branch(leaves, 4)  # leaf 4 is paired with itself at level 0
    assert b.siblings[0] == leaves[4]
    b.verify(leaves[4], root)
    with pytest.raises(Rejected) as e:
        MerkleBranch(5, b.siblings).verify(leaves[4], root)
    assert e.value.reason is Reason.CHAIN_BRANCH_BAD_INDEX
