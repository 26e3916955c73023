"""The ledger: block tree, best chain by work, UTXO set, notarization finality, proof building.

Spec: ``spec/02-chain.md`` sections 6-8 (``[BLOCK-4]`` .. ``[BLOCK-8]``, ``[NOTARY-8]``,
``[NOTARY-9]``).
Blocks are checked context-free, then against their parent (height,
median time past, coinbase); the heaviest valid chain is the best chain and
its UTXO set is kept. A side chain is checked against the UTXO set only
when it becomes heavier (then the ledger reorganizes, undoing the old
blocks). A notarized block is final: a block that forks below it is refused.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from chipstack.chain.block import Block, check_block
from chipstack.chain.conditions import Condition
from chipstack.chain.header import ZERO_HASH, BlockHeader, block_work, median_time_past
from chipstack.chain.merkle import merkle_branch
from chipstack.chain.notary import Notarization, compute_mom, sign_notarization, verify_notarization
from chipstack.chain.params import ChainParams
from chipstack.chain.proofs import HeaderChainProof, SpvProof, TxProof
from chipstack.chain.tx import OutPoint, Tx
from chipstack.chain.utxo import CCValidator, Undo, Utxo, UtxoSet, check_tx_inputs
from chipstack.crypto import PrivateKey
from chipstack.errors import Reason, Rejected, require


class BlockStatus(StrEnum):
    """What :meth:`Ledger.apply_block` did with a valid block."""

    CONNECTED = "connected"
    SIDE_CHAIN = "side_chain"
    REORGANIZED = "reorganized"


@dataclass(frozen=True)
class BlockEntry:
    """A stored block with its height and the total work of the chain ending at it."""

    block: Block
    hash: bytes
    height: int
    chain_work: int


@dataclass(frozen=True)
class TxLocation:
    """Where a transaction sits in the best chain."""

    tx: Tx
    block_hash: bytes
    height: int
    index: int


class Ledger:
    """A validating node's view of one chain ([BLOCK-4] .. [BLOCK-8], [NOTARY-8], [NOTARY-9]).

    ``cc_validators`` maps an eval code to the function that decides whether
    a CC output may be spent ([UTXO-5]).
    """

    def __init__(
        self,
        params: ChainParams,
        genesis: Block,
        cc_validators: Mapping[int, CCValidator] | None = None,
    ) -> None:
        self.params = params
        self.cc_validators: dict[int, CCValidator] = dict(cc_validators or {})
        # [BLOCK-9]: parent first, then BLOCK-1 .. BLOCK-4, then the coinbase value (BLOCK-5)
        require(
            genesis.header.prev_hash == ZERO_HASH, Reason.CHAIN_BAD_GENESIS, "genesis has a parent"
        )
        gh = check_block(genesis, params.bits)
        self._entries: dict[bytes, BlockEntry] = {}
        self._best: list[bytes] = []
        self._undo: dict[bytes, list[Undo]] = {}
        self._utxo = UtxoSet()
        self._tx_index: dict[bytes, tuple[bytes, int]] = {}
        self._notarizations: list[Notarization] = []
        self._check_coinbase_height(genesis, 0)
        entry = BlockEntry(genesis, gh, 0, block_work(genesis.header.bits))
        self._entries[gh] = entry
        self._connect(entry)  # [BLOCK-9]: the genesis outputs are spendable

    # ----------------------------------------------------------------- queries

    @property
    def tip(self) -> BlockEntry:
        """The last block of the best chain."""
        return self._entries[self._best[-1]]

    @property
    def height(self) -> int:
        """Height of the best chain's tip (genesis is 0)."""
        return len(self._best) - 1

    def block_at(self, height: int) -> Block:
        """Return the best chain's block at ``height``."""
        return self._entries[self._best[height]].block

    def header_at(self, height: int) -> BlockHeader:
        """Return the best chain's header at ``height``."""
        return self.block_at(height).header

    def entry(self, block_hash: bytes) -> BlockEntry | None:
        """Return any stored block (best chain or side chain) by hash."""
        return self._entries.get(block_hash)

    def best_hashes(self) -> list[bytes]:
        """Return the best chain's block hashes, genesis first."""
        return list(self._best)

    def lookup(self, outpoint: OutPoint) -> Utxo | None:
        """Return the unspent output at ``outpoint`` in the best chain, or None."""
        return self._utxo.lookup(outpoint)

    def utxos(self) -> Mapping[OutPoint, Utxo]:
        """Return a read-only view of the whole UTXO set of the best chain."""
        return self._utxo.view()

    def utxos_for(self, condition: Condition) -> list[tuple[OutPoint, Utxo]]:
        """Return the unspent outputs locked by exactly ``condition``, sorted by outpoint."""
        return sorted(
            (op, u) for op, u in self._utxo.view().items() if u.output.condition == condition
        )

    def find_tx(self, txid: bytes) -> TxLocation:
        """Return where ``txid`` is in the best chain, or reject with ``chain.unknown_tx``."""
        loc = self._tx_index.get(txid)
        if loc is None:
            raise Rejected(Reason.CHAIN_UNKNOWN_TX, txid[::-1].hex())
        entry = self._entries[loc[0]]
        return TxLocation(entry.block.txs[loc[1]], entry.hash, entry.height, loc[1])

    @property
    def last_notarization(self) -> Notarization | None:
        """The most recent accepted notarization, if any."""
        return self._notarizations[-1] if self._notarizations else None

    @property
    def notarized_height(self) -> int:
        """Height of the last notarized block, -1 if none: nothing at or below it can change."""
        n = self.last_notarization
        return -1 if n is None else n.height

    # ------------------------------------------------------------------ blocks

    def apply_block(self, block: Block, now: int | None = None) -> BlockStatus:
        """Validate and store ``block``; connect it (reorganizing if needed) when it is the best.

        ``now`` (unix seconds), when given, bounds the header time from above
        ([CHAIN-7]). Raises ``Rejected`` for an invalid block, which is not kept.
        """
        block_hash = block.hash
        require(block_hash not in self._entries, Reason.CHAIN_DUPLICATE_BLOCK, "already have it")
        parent = self._entries.get(block.header.prev_hash)
        if parent is None:  # [BLOCK-6]: duplicate first, then parent
            raise Rejected(Reason.CHAIN_UNKNOWN_PARENT, block.header.prev_hash[::-1].hex())
        check_block(block, self.params.bits)  # [BLOCK-1] .. [BLOCK-3]
        height = parent.height + 1
        self._check_coinbase_height(block, height)
        mtp = median_time_past(self._ancestor_times(parent))
        # [CHAIN-7]: too old, then too new
        require(block.header.time > mtp, Reason.CHAIN_TIME_TOO_OLD, f"time <= median {mtp}")
        if now is not None:
            limit = now + self.params.max_future_seconds
            require(block.header.time <= limit, Reason.CHAIN_TIME_TOO_NEW, f"time > {limit}")
        self._check_above_notarization(parent)
        entry = BlockEntry(
            block, block_hash, height, parent.chain_work + block_work(block.header.bits)
        )
        self._entries[block_hash] = entry
        if entry.chain_work <= self.tip.chain_work:  # [BLOCK-7]: equal work, first seen stays
            return BlockStatus.SIDE_CHAIN
        if parent.hash == self._best[-1]:
            try:
                self._connect(entry)
            except Rejected:
                del self._entries[block_hash]
                raise
            return BlockStatus.CONNECTED
        self._reorganize(entry)
        return BlockStatus.REORGANIZED

    def _check_coinbase_height(self, block: Block, height: int) -> None:
        coinbase = block.txs[0]
        # [BLOCK-4]
        require(coinbase.locktime == height, Reason.CHAIN_COINBASE_HEIGHT, f"want {height}")

    def _ancestor_times(self, entry: BlockEntry) -> list[int]:
        times: list[int] = []
        cur: BlockEntry | None = entry
        while cur is not None and len(times) < 11:
            times.append(cur.block.header.time)
            cur = self._entries.get(cur.block.header.prev_hash)
        return times[::-1]

    def _ancestor_at(self, entry: BlockEntry, height: int) -> BlockEntry:
        cur = entry
        while cur.height > height:
            cur = self._entries[cur.block.header.prev_hash]
        return cur

    def _check_above_notarization(self, parent: BlockEntry) -> None:
        """A new block's chain must contain the last notarized block ([NOTARY-9])."""
        n = self.last_notarization
        if n is None:
            return
        ok = parent.height >= n.height and self._ancestor_at(parent, n.height).hash == n.block_hash
        require(  # [NOTARY-9]
            ok, Reason.CHAIN_REORG_BELOW_NOTARIZATION, f"forks below notarized height {n.height}"
        )

    def _connect(self, entry: BlockEntry) -> None:
        """Apply a block on top of the best chain, or leave everything unchanged and reject."""
        block, height = entry.block, entry.height
        undos: list[Undo] = []
        try:
            undos.append(self._utxo.apply(block.txs[0], height))
            fees = 0
            for tx in block.txs[1:]:
                fees += check_tx_inputs(
                    tx, self._utxo, height, self.params.chain_id, self.cc_validators
                )
                undos.append(self._utxo.apply(tx, height))
            minted = sum(o.amount for o in block.txs[0].outputs)
            allowed = self.params.subsidy + fees
            # [BLOCK-5]
            require(minted <= allowed, Reason.CHAIN_COINBASE_TOO_LARGE, f"{minted} > {allowed}")
        except Rejected:  # [REJ-2]: a refused block leaves the UTXO set as it was
            for u in reversed(undos):
                self._utxo.undo(u)
            raise
        self._undo[entry.hash] = undos
        for i, tx in enumerate(block.txs):
            self._tx_index[tx.txid] = (entry.hash, i)
        self._best.append(entry.hash)

    def _disconnect_tip(self) -> BlockEntry:
        entry = self.tip
        for u in reversed(self._undo.pop(entry.hash)):
            self._utxo.undo(u)
        for tx in entry.block.txs:
            self._tx_index.pop(tx.txid, None)
        self._best.pop()
        return entry

    def _reorganize(self, new_tip: BlockEntry) -> None:
        path: list[BlockEntry] = []
        cur = new_tip
        while cur.height >= len(self._best) or self._best[cur.height] != cur.hash:
            path.append(cur)
            cur = self._entries[cur.block.header.prev_hash]
        fork_height = cur.height
        old: list[BlockEntry] = []
        while self.height > fork_height:
            old.append(self._disconnect_tip())
        connected = 0
        try:
            for e in reversed(path):
                self._connect(e)
                connected += 1
        except Rejected:
            for _ in range(connected):
                self._disconnect_tip()
            for e in reversed(old):
                self._connect(e)
            bad = path[len(path) - 1 - connected]
            self._forget_descendants(bad.hash)
            raise

    def _forget_descendants(self, bad: bytes) -> None:
        doomed = {bad}
        changed = True
        while changed:
            changed = False
            for h, e in self._entries.items():
                if h not in doomed and e.block.header.prev_hash in doomed:
                    doomed.add(h)
                    changed = True
        for h in doomed:
            self._entries.pop(h, None)

    # ----------------------------------------------------------- notarization

    def mom_window(self, height: int) -> tuple[bytes, int]:
        """Return ``(MoM, depth)`` to notarize the best-chain block at ``height`` ([NOTARY-3])."""
        start = self.notarized_height + 1
        require(
            start <= height <= self.height, Reason.CHAIN_NOTARY_WRONG_HEIGHT, f"height {height}"
        )
        hashes = self._best[start : height + 1]
        return compute_mom(hashes), len(hashes)

    def notarize(self, height: int, signers: Sequence[tuple[int, PrivateKey]]) -> Notarization:
        """Build (not apply) a notarization of the best-chain block at ``height``."""
        mom, depth = self.mom_window(height)
        return sign_notarization(
            self.params.chain_id,
            height,
            self._best[height],
            mom,
            depth,
            self.params.notaries,
            signers,
        )

    def apply_notarization(self, n: Notarization) -> None:
        """Accept a notarization of a best-chain block; that block becomes final ([NOTARY-8])."""
        facts = verify_notarization(n, self.params.notaries, self.params.chain_id)  # [NOTARY-8]
        require(facts.height > self.notarized_height, Reason.CHAIN_NOTARY_STALE, "not above last")
        entry = self._entries.get(facts.block_hash)
        # [NOTARY-8]: unknown block, then known at another height, then not on the best chain
        if entry is None or entry.height != facts.height:
            reason = (
                Reason.CHAIN_NOTARY_WRONG_BLOCK
                if entry is None
                else Reason.CHAIN_NOTARY_WRONG_HEIGHT
            )
            raise Rejected(reason, "the notarized block is not at that height here")
        require(
            entry.height <= self.height and self._best[entry.height] == entry.hash,
            Reason.CHAIN_NOTARY_WRONG_BLOCK,
            "block is not on the best chain",
        )
        mom, depth = self.mom_window(facts.height)
        # [NOTARY-8], [NOTARY-3]
        require((facts.mom, facts.mom_depth) == (mom, depth), Reason.CHAIN_NOTARY_BAD_MOM, "MoM")
        self._notarizations.append(n)

    # ------------------------------------------------------------------ proofs

    def tx_proof(self, txid: bytes) -> TxProof:
        """Return a :class:`TxProof` for a best-chain transaction ([PROOF-1])."""
        loc = self.find_tx(txid)
        block = self._entries[loc.block_hash].block
        return TxProof(loc.tx, merkle_branch(block.txids(), loc.index), block.header)

    def header_chain(self, from_height: int, to_height: int) -> HeaderChainProof:
        """Return best-chain headers ``from_height`` .. ``to_height`` inclusive ([PROOF-3])."""
        require(0 <= from_height <= to_height <= self.height, Reason.CHAIN_PROOF_EMPTY, "bad range")
        return HeaderChainProof(tuple(self.header_at(h) for h in range(from_height, to_height + 1)))

    def spv_proof(self, txid: bytes) -> SpvProof:
        """Return an :class:`SpvProof` of ``txid`` under the last notarization ([PROOF-5])."""
        loc = self.find_tx(txid)
        n = self.last_notarization
        if n is None or loc.height > n.height:
            raise Rejected(
                Reason.CHAIN_NOTARY_WRONG_HEIGHT, "the tx is not under a notarization yet"
            )
        return SpvProof(self.tx_proof(txid), self.header_chain(loc.height, n.height), n)
