"""Blocks: a header and its transactions; context-free checks; building and mining.

Spec: ``spec/02-chain.md`` section 6 (rules ``[BLOCK-1]`` .. ``[BLOCK-5]``).
A block is ``header[80] || count || tx*``. Context-free validity
(:func:`check_block`) covers proof of work, the coinbase position, the
Merkle root and its mutation check; the ledger adds the contextual rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from chipstack.chain.header import BlockHeader, check_pow, mine
from chipstack.chain.merkle import compute_root
from chipstack.chain.tx import Tx, TxOut, check_tx_syntax
from chipstack.encoding import Reader, Writer, decode_exact
from chipstack.errors import Reason, require

#: Most transactions in one block ([BLOCK-1]).
MAX_BLOCK_TXS = 100_000
#: Largest encoded block, in bytes ([BLOCK-1]).
MAX_BLOCK_SIZE = 4_000_000
#: Header version chipstack blocks carry (any u32 is accepted, as in Bitcoin).
BLOCK_VERSION = 1


@dataclass(frozen=True)
class Block:
    """A header and the transactions its Merkle root commits to ([BLOCK-1])."""

    header: BlockHeader
    txs: tuple[Tx, ...]

    def encode(self) -> bytes:
        """Return ``header || count || tx*`` ([BLOCK-1])."""
        w = Writer().raw(self.header.encode()).count(len(self.txs), MAX_BLOCK_TXS)
        for tx in self.txs:
            w.raw(tx.encode())
        return w.getvalue()

    @staticmethod
    def read(reader: Reader) -> Block:
        """Read a block."""
        header = BlockHeader.read(reader)
        txs = tuple(reader.items(MAX_BLOCK_TXS, Tx.read))
        return Block(header, txs)

    @staticmethod
    def decode(data: bytes) -> Block:
        """Decode a block of at most :data:`MAX_BLOCK_SIZE` bytes spanning all of ``data``."""
        # [BLOCK-1]: the size is checked before anything is read
        require(len(data) <= MAX_BLOCK_SIZE, Reason.ENCODING_OVER_LENGTH, f"{len(data)} bytes")
        return decode_exact(data, Block.read)

    @property
    def hash(self) -> bytes:
        """The block hash (its header's hash)."""
        return self.header.hash()

    def txids(self) -> list[bytes]:
        """Return the txids in block order: the Merkle tree's leaves."""
        return [tx.txid for tx in self.txs]


def check_block(block: Block, bits: int) -> bytes:
    """Check everything that needs no other block; return the block hash ([BLOCK-1] .. [BLOCK-3]).

    Order: proof of work and bits; at least one tx, a coinbase first and
    only first; each tx's syntax; the Merkle root (mutation first, then
    equality); no txid twice.
    """
    block_hash = check_pow(block.header, bits)  # [BLOCK-3] 1: [CHAIN-5], [CHAIN-3]
    require(  # [BLOCK-2]
        len(block.txs) > 0 and block.txs[0].is_coinbase, Reason.CHAIN_NO_COINBASE, "no coinbase"
    )
    for tx in block.txs[1:]:
        require(not tx.is_coinbase, Reason.CHAIN_EXTRA_COINBASE, "a second tx without inputs")
    for tx in block.txs:
        check_tx_syntax(tx)  # [BLOCK-3] 3: section 3.3, transaction by transaction
    txids = block.txids()
    root, mutated = compute_root(txids)
    require(not mutated, Reason.CHAIN_MERKLE_MUTATED, "duplicated subtree (CVE-2012-2459)")
    require(root == block.header.merkle_root, Reason.CHAIN_MERKLE_MISMATCH, "merkle root differs")
    require(len(set(txids)) == len(txids), Reason.CHAIN_DUPLICATE_TX, "a txid appears twice")
    size = len(block.encode())  # [BLOCK-3] last: only a block built in memory can fail here
    require(size <= MAX_BLOCK_SIZE, Reason.ENCODING_OVER_LENGTH, f"block of {size} bytes")
    return block_hash


def make_coinbase(height: int, outputs: Sequence[TxOut]) -> Tx:
    """Return the coinbase for ``height``: no inputs, ``locktime = height`` ([BLOCK-4])."""
    return Tx(inputs=(), outputs=tuple(outputs), locktime=height)


def assemble_block(
    prev_hash: bytes, txs: Sequence[Tx], time: int, bits: int, version: int = BLOCK_VERSION
) -> Block:
    """Compute the Merkle root, then mine a header for ``txs`` on top of ``prev_hash``."""
    root, _ = compute_root([tx.txid for tx in txs])
    header = mine(BlockHeader(version, prev_hash, root, time, bits, 0))
    return Block(header, tuple(txs))
