"""Cases of the ``chain/merkle`` vector suite (spec/02-chain.md)."""

from __future__ import annotations

from chipstack.chain.header import (
    from_display_hex,
)
from chipstack.chain.merkle import compute_root, merkle_branch, parent
from chipstack.encoding import Writer
from chipstack.testvectors.chain import pins
from chipstack.testvectors.chain.common import (
    Ops,
    hexes,
    synthetic_leaves,
)
from chipstack.testvectors.chain.ops import (
    op_branch_decode,
    op_branch_verify,
    op_compute_root,
    op_merkle_branch,
    op_merkle_root,
)
from chipstack.testvectors.chain.realdata import (
    BLOCK_82747,
    BLOCK_100000,
    MERKLE_BLOCKS,
)
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.vectors.model import Case, CaseTable, Suite

# ------------------------------------------------------------------ merkle


def merkle_cases(ops: Ops) -> list[Case]:
    """Cases of ``chain/merkle``."""
    c = CaseTable(ops)
    for b in MERKLE_BLOCKS:
        leaves = [from_display_hex(t) for t in b.txids_display]
        c.valid(
            "merkle_root",
            {"leaves": hexes(leaves)},
            f"mainnet block {b.height}: {len(leaves)} txids, root {b.merkle_root_display[:16]}...",
            ["MERKLE-1", "MERKLE-2"],
            ["real_bitcoin"],
        )
    for n in (1, 2, 3, 5, 7, 9):
        flags = ["odd"] if n % 2 and n > 1 else []
        c.valid(
            "merkle_root",
            {"leaves": hexes(synthetic_leaves(n))},
            f"{n} synthetic leaves",
            ["MERKLE-1", "MERKLE-2"],
            flags,
        )
    c.invalid("merkle_root", {"leaves": []}, "no leaves", ["MERKLE-3"], [])
    a, b_, cc, d, e, f = synthetic_leaves(6)
    mutated_sets = [
        ([a, b_, cc, cc], "3 leaves with the last repeated: same root as [a, b, c]"),
        (
            [a, b_, cc, d, e, f, e, f],
            "6 leaves with the last pair repeated: equal nodes at level 1",
        ),
        ([a, a], "two equal leaves"),
    ]
    for leaves, what in mutated_sets:
        c.invalid("merkle_root", {"leaves": hexes(leaves)}, what, ["MERKLE-3"], ["mutated"])
        c.valid(
            "compute_root",
            {"leaves": hexes(leaves)},
            what + " (flag only)",
            ["MERKLE-3"],
            ["mutated"],
        )
    c.valid(
        "compute_root",
        {"leaves": hexes([a, b_, cc])},
        "3 leaves, not mutated",
        ["MERKLE-2", "MERKLE-3"],
        ["odd"],
    )
    real = [from_display_hex(t) for t in BLOCK_82747.txids_display]
    for index in (0, 3, 5):
        c.valid(
            "merkle_branch",
            {"leaves": hexes(real), "index": index},
            f"block 82747 leaf {index}",
            ["MERKLE-4", "MERKLE-6"],
            ["real_bitcoin", "odd"],
        )
    for n, index in ((1, 0), (5, 4), (7, 6), (9, 8)):
        c.valid(
            "merkle_branch",
            {"leaves": hexes(synthetic_leaves(n)), "index": index},
            f"last of {n} leaves (its sibling is itself)",
            ["MERKLE-4"],
            ["odd"],
        )
    c.invalid(
        "merkle_branch",
        {"leaves": hexes(synthetic_leaves(3)), "index": 3},
        "index past the leaves",
        ["MERKLE-4"],
        [],
    )
    r100k = [from_display_hex(t) for t in BLOCK_100000.txids_display]
    root100k = from_display_hex(BLOCK_100000.merkle_root_display)
    for index in range(4):
        br = merkle_branch(r100k, index)
        base = {
            "leaf": r100k[index].hex(),
            "index": index,
            "siblings": hexes(list(br.siblings)),
            "root": root100k.hex(),
        }
        c.valid(
            "branch_verify",
            base,
            f"block 100000 tx {index} to the published root",
            ["MERKLE-5"],
            ["real_bitcoin"],
        )
    br = merkle_branch(r100k, 2)
    good = {
        "leaf": r100k[2].hex(),
        "index": 2,
        "siblings": hexes(list(br.siblings)),
        "root": root100k.hex(),
    }
    flipped = bytearray(br.siblings[0])
    flipped[0] ^= 1
    c.invalid(
        "branch_verify",
        {**good, "siblings": [bytes(flipped).hex(), br.siblings[1].hex()]},
        "one bit of a sibling flipped",
        ["MERKLE-5"],
        ["tampered"],
    )
    c.invalid(
        "branch_verify",
        {**good, "index": 3},
        "right siblings, wrong index",
        ["MERKLE-5"],
        ["tampered"],
    )
    c.invalid(
        "branch_verify",
        {**good, "leaf": r100k[3].hex()},
        "another leaf",
        ["MERKLE-1", "MERKLE-5"],
        ["tampered"],
    )
    c.invalid("branch_verify", {**good, "index": 4}, "index 4 needs depth 3", ["MERKLE-5"], [])
    c.invalid(
        "branch_verify",
        {**good, "siblings": hexes([r100k[0]] * 33), "index": 0},
        "33 levels",
        ["MERKLE-5"],
        [],
    )
    five = synthetic_leaves(5)
    br5 = merkle_branch(five, 4)
    c.invalid(
        "branch_verify",
        {
            "leaf": five[4].hex(),
            "index": 5,
            "siblings": hexes(list(br5.siblings)),
            "root": compute_root(five)[0].hex(),
        },
        "last of 5 leaves claiming index 5: a self-paired node as a right child",
        ["MERKLE-5"],
        ["odd"],
    )
    three = synthetic_leaves(3)
    c.invalid(
        "branch_verify",
        {
            "leaf": three[2].hex(),
            "index": 1,
            "siblings": [parent(three[0], three[1]).hex()],
            "root": compute_root(three)[0].hex(),
        },
        "last of 3 leaves, promoted unpaired to level 1 (a tree without MERKLE-2)",
        ["MERKLE-2", "MERKLE-5"],
        ["odd"],
    )
    enc = br.encode()
    c.valid(
        "branch_decode",
        {"encoded": enc.hex()},
        "block 100000 tx 2 branch",
        ["MERKLE-6"],
        ["real_bitcoin"],
    )
    c.invalid(
        "branch_decode",
        {"encoded": (enc + b"\x00").hex()},
        "trailing byte",
        ["MERKLE-6"],
        ["encoding"],
    )
    c.invalid(
        "branch_decode",
        {"encoded": enc[:-1].hex()},
        "truncated sibling",
        ["MERKLE-6"],
        ["encoding"],
    )
    too_many = Writer().u32(0).compact_size(33).raw(bytes(32 * 33)).getvalue()
    c.invalid(
        "branch_decode", {"encoded": too_many.hex()}, "33 siblings", ["MERKLE-6"], ["encoding"]
    )
    return c.cases


#: The operations of ``chain/merkle``: name -> adapter.
OPS = {
    "merkle_root": op_merkle_root,
    "compute_root": op_compute_root,
    "merkle_branch": op_merkle_branch,
    "branch_verify": op_branch_verify,
    "branch_decode": op_branch_decode,
}

#: The ``chain/merkle`` suite.
SUITE = Suite(
    name="chain/merkle",
    description="Bitcoin Merkle roots, branches, odd levels and CVE-2012-2459 mutation",
    notes=FLAGS,
    reason_flags=REASON_FLAGS,
    operations=OPS,
    build_cases=lambda: merkle_cases(OPS) + pins.merkle_pins(OPS),
)
