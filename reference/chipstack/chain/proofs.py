"""Light-client proofs: TxProof, HeaderChainProof, SpvProof, and one ``verify_*`` for each.

Spec: ``spec/02-chain.md`` section 8 (rules ``[PROOF-1]`` .. ``[PROOF-6]``).
A light client trusts only a chain id, a notary set and the chain's fixed
``bits``. From an :class:`SpvProof` it learns that a transaction is in a
block that is an ancestor of (or is) a notarized, hence final, block.
Every ``verify_*`` returns the verified facts or raises ``Rejected``.
"""

from __future__ import annotations

from dataclasses import dataclass

from chipstack.chain.header import BlockHeader, block_work, check_linked, check_pow
from chipstack.chain.merkle import MerkleBranch
from chipstack.chain.notary import Notarization, NotarySet, verify_notarization
from chipstack.chain.tx import Tx, check_tx_syntax
from chipstack.encoding import Reader, Writer, decode_exact
from chipstack.errors import Reason, require

#: The only version of the three proof encodings ([PROOF-1], [PROOF-3], [PROOF-5]).
PROOF_VERSION = 1
#: Most headers in a header-chain proof ([PROOF-3]).
MAX_PROOF_HEADERS = 10_000
_V = frozenset({PROOF_VERSION})


@dataclass(frozen=True)
class TxProof:
    """A transaction, its Merkle branch and the header whose root the branch reaches ([PROOF-1])."""

    tx: Tx
    branch: MerkleBranch
    header: BlockHeader

    def encode(self) -> bytes:
        """Return ``u8 version || tx || branch || header[80]``."""
        return (
            Writer()
            .u8(PROOF_VERSION)
            .raw(self.tx.encode())
            .raw(self.branch.encode())
            .raw(self.header.encode())
            .getvalue()
        )

    @staticmethod
    def read(reader: Reader) -> TxProof:
        """Read a tx proof."""
        reader.version(_V)
        return TxProof(Tx.read(reader), MerkleBranch.read(reader), BlockHeader.read(reader))

    @staticmethod
    def decode(data: bytes) -> TxProof:
        """Decode a tx proof spanning all of ``data``."""
        return decode_exact(data, TxProof.read)


@dataclass(frozen=True)
class HeaderChainProof:
    """Consecutive headers, oldest first, ending at the notarized block ([PROOF-3])."""

    headers: tuple[BlockHeader, ...]

    def encode(self) -> bytes:
        """Return ``u8 version || count || header[80]*``."""
        w = Writer().u8(PROOF_VERSION).count(len(self.headers), MAX_PROOF_HEADERS)
        for h in self.headers:
            w.raw(h.encode())
        return w.getvalue()

    @staticmethod
    def read(reader: Reader) -> HeaderChainProof:
        """Read a header-chain proof."""
        reader.version(_V)
        return HeaderChainProof(tuple(reader.items(MAX_PROOF_HEADERS, BlockHeader.read)))

    @staticmethod
    def decode(data: bytes) -> HeaderChainProof:
        """Decode a header-chain proof spanning all of ``data``."""
        return decode_exact(data, HeaderChainProof.read)


@dataclass(frozen=True)
class SpvProof:
    """Everything a light client needs: tx proof, header chain and notarization ([PROOF-5])."""

    tx_proof: TxProof
    header_chain: HeaderChainProof
    notarization: Notarization

    def encode(self) -> bytes:
        """Return ``u8 version || tx proof || header chain || notarization``."""
        return (
            Writer()
            .u8(PROOF_VERSION)
            .raw(self.tx_proof.encode())
            .raw(self.header_chain.encode())
            .raw(self.notarization.encode())
            .getvalue()
        )

    @staticmethod
    def read(reader: Reader) -> SpvProof:
        """Read an SPV proof."""
        reader.version(_V)
        return SpvProof(
            TxProof.read(reader), HeaderChainProof.read(reader), Notarization.read(reader)
        )

    @staticmethod
    def decode(data: bytes) -> SpvProof:
        """Decode an SPV proof spanning all of ``data``."""
        return decode_exact(data, SpvProof.read)


@dataclass(frozen=True)
class TxFacts:
    """A verified tx proof: ``tx`` (id ``txid``) is leaf ``index`` of block ``block_hash``."""

    txid: bytes
    tx: Tx
    block_hash: bytes
    index: int


@dataclass(frozen=True)
class HeaderChainFacts:
    """A verified header chain: ``count`` linked headers from ``first_hash`` to ``last_hash``."""

    first_hash: bytes
    last_hash: bytes
    count: int
    work: int


@dataclass(frozen=True)
class SpvFacts:
    """A verified SPV proof: ``tx`` is final, in block ``block_hash`` at ``height``."""

    txid: bytes
    tx: Tx
    block_hash: bytes
    height: int
    index: int
    notarized_hash: bytes
    notarized_height: int


def verify_tx_proof(proof: TxProof, bits: int) -> TxFacts:
    """Check a tx proof: tx syntax, header PoW at ``bits``, branch to the root ([PROOF-2]).

    ``bits`` is the chain's fixed difficulty and is required: a header may not
    choose its own target ([CHAIN-5]). The transaction rules include
    [TX-14], so a 64-byte Merkle inner node can never pass as a transaction.
    """
    check_tx_syntax(proof.tx)  # [PROOF-2]: section 3.3 first; a coinbase is provable
    block_hash = check_pow(proof.header, bits)  # [PROOF-2]: then bits and PoW
    txid = proof.tx.txid
    proof.branch.verify(txid, proof.header.merkle_root)  # [PROOF-2]: then the branch
    return TxFacts(txid, proof.tx, block_hash, proof.branch.index)


def verify_header_chain(proof: HeaderChainProof, bits: int) -> HeaderChainFacts:
    """Check a header chain: non-empty, each header at ``bits`` with PoW, linked ([PROOF-4]).

    Every header's bits and proof of work are checked, oldest first, before
    any link: a chain with an unlinked header and a later header without
    work is refused for the work.
    """
    headers = list(proof.headers)
    require(len(headers) > 0, Reason.CHAIN_PROOF_EMPTY, "no headers")  # [PROOF-4]
    for h in headers:
        check_pow(h, bits)  # [PROOF-4]: all headers' work first
    hashes = check_linked(headers)  # [PROOF-4]: then the links
    return HeaderChainFacts(hashes[0], hashes[-1], len(headers), len(headers) * block_work(bits))


def verify_spv_proof(proof: SpvProof, chain_id: bytes, notaries: NotarySet, bits: int) -> SpvFacts:
    """Check a full SPV proof against what a light client trusts ([PROOF-6]).

    Order: the notarization; the header chain; the chain ends at the
    notarized block (``chain.notary_wrong_block``) and fits under its height
    (``chain.notary_wrong_height``); the tx proof's header is the chain's
    first (``chain.proof_header_mismatch``); the tx proof itself.
    """
    nf = verify_notarization(proof.notarization, notaries, chain_id)  # [PROOF-6] 1
    hc = verify_header_chain(proof.header_chain, bits)  # [PROOF-6] 2
    require(hc.last_hash == nf.block_hash, Reason.CHAIN_NOTARY_WRONG_BLOCK, "chain ends elsewhere")
    require(hc.count - 1 <= nf.height, Reason.CHAIN_NOTARY_WRONG_HEIGHT, "chain longer than height")
    require(  # [PROOF-6] 5
        proof.tx_proof.header == proof.header_chain.headers[0],
        Reason.CHAIN_PROOF_HEADER_MISMATCH,
        "tx proof header is not the first header of the chain",
    )
    tf = verify_tx_proof(proof.tx_proof, bits)
    return SpvFacts(
        tf.txid,
        tf.tx,
        tf.block_hash,
        nf.height - (hc.count - 1),
        tf.index,
        nf.block_hash,
        nf.height,
    )
