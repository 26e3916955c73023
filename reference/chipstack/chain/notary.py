"""Notary sets and notarizations: M-of-N signatures that make a block final (Komodo dPoW style).

Spec: ``spec/02-chain.md`` section 7 (rules ``[NOTARY-1]`` .. ``[NOTARY-9]``).
A notarization names (chain id, height, block hash, MoM, MoM depth, notary
set id); MoM is the Merkle root of the ``mom_depth`` block hashes ending at
``height``. Each notary signs the tagged body; a notarization is valid when
at least ``threshold`` distinct notaries of the named set signed it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from chipstack.chain.merkle import merkle_root
from chipstack.crypto import PUBLIC_KEY_LEN, SIGNATURE_LEN, PrivateKey, PublicKey, Tag, tagged_hash
from chipstack.encoding import Reader, Writer, decode_exact
from chipstack.errors import Reason, Rejected, require

#: Most notaries in a set (and signatures in a notarization) ([NOTARY-1]).
MAX_NOTARIES = 64
#: The only notary-set and notarization encoding versions ([NOTARY-5]).
NOTARY_SET_VERSION = 1
NOTARIZATION_VERSION = 1


@dataclass(frozen=True)
class NotarySet:
    """N notary keys and the threshold M of distinct signers a notarization needs ([NOTARY-1])."""

    threshold: int
    keys: tuple[PublicKey, ...]

    def __post_init__(self) -> None:
        n = len(self.keys)
        require(1 <= n <= MAX_NOTARIES, Reason.CHAIN_BAD_NOTARY_SET, f"{n} notaries")
        require(
            1 <= self.threshold <= n, Reason.CHAIN_BAD_NOTARY_SET, f"threshold {self.threshold}"
        )
        require(len({k.raw for k in self.keys}) == n, Reason.CHAIN_BAD_NOTARY_SET, "repeated key")

    def encode(self) -> bytes:
        """Return ``u8 version || u8 threshold || count || keys`` ([NOTARY-1])."""
        w = Writer().u8(NOTARY_SET_VERSION).u8(self.threshold).count(len(self.keys), MAX_NOTARIES)
        for k in self.keys:
            w.fixed(k.raw, PUBLIC_KEY_LEN)
        return w.getvalue()

    @staticmethod
    def read(reader: Reader) -> NotarySet:
        """Read a notary set."""
        reader.version(frozenset({NOTARY_SET_VERSION}))
        threshold = reader.u8()
        keys = reader.items(MAX_NOTARIES, lambda r: PublicKey(r.fixed(PUBLIC_KEY_LEN)))
        return NotarySet(threshold, tuple(keys))

    @staticmethod
    def decode(data: bytes) -> NotarySet:
        """Decode a notary set spanning all of ``data``."""
        return decode_exact(data, NotarySet.read)

    @property
    def id(self) -> bytes:
        """``tagged_hash("chipstack/chain/notary-set", encoding)`` ([NOTARY-2])."""
        return tagged_hash(Tag.CHAIN_NOTARY_SET, self.encode())

    @staticmethod
    def from_labels(labels: Sequence[str], threshold: int) -> tuple[NotarySet, list[PrivateKey]]:
        """Make a test notary set from key labels; return it and the private keys in order."""
        keys = [PrivateKey.from_label(label) for label in labels]
        return NotarySet(threshold, tuple(k.public_key for k in keys)), keys


def compute_mom(block_hashes: Sequence[bytes]) -> bytes:
    """Return MoM: the Bitcoin-style Merkle root of block hashes, oldest first ([NOTARY-3])."""
    return merkle_root(block_hashes)


@dataclass(frozen=True)
class Notarization:
    """A signed statement: block ``block_hash`` at ``height`` of ``chain_id`` is final ([NOTARY-4]).

    ``signatures`` holds ``(signer index, signature)`` pairs, indices strictly
    increasing; the index names a key of the notary set.
    """

    chain_id: bytes
    height: int
    block_hash: bytes
    mom: bytes
    mom_depth: int
    notary_set_id: bytes
    signatures: tuple[tuple[int, bytes], ...]

    def body(self) -> bytes:
        """Return the signed part ([NOTARY-4])."""
        return (
            Writer()
            .fixed(self.chain_id, 32)
            .u32(self.height)
            .fixed(self.block_hash, 32)
            .fixed(self.mom, 32)
            .u32(self.mom_depth)
            .fixed(self.notary_set_id, 32)
            .getvalue()
        )

    def encode(self) -> bytes:
        """Return ``u8 version || body || count || (u8 signer || sig[64])*`` ([NOTARY-5])."""
        w = (
            Writer()
            .u8(NOTARIZATION_VERSION)
            .raw(self.body())
            .count(len(self.signatures), MAX_NOTARIES)
        )
        for index, sig in self.signatures:
            w.u8(index).fixed(sig, SIGNATURE_LEN)
        return w.getvalue()

    @staticmethod
    def read(reader: Reader) -> Notarization:
        """Read a notarization (structure only; see :func:`verify_notarization`)."""
        reader.version(frozenset({NOTARIZATION_VERSION}))
        chain_id = reader.fixed(32)
        height = reader.u32()
        block_hash = reader.fixed(32)
        mom = reader.fixed(32)
        mom_depth = reader.u32()
        set_id = reader.fixed(32)
        sigs = reader.items(MAX_NOTARIES, lambda r: (r.u8(), r.fixed(SIGNATURE_LEN)))
        return Notarization(chain_id, height, block_hash, mom, mom_depth, set_id, tuple(sigs))

    @staticmethod
    def decode(data: bytes) -> Notarization:
        """Decode a notarization spanning all of ``data``."""
        return decode_exact(data, Notarization.read)


def sign_notarization(
    chain_id: bytes,
    height: int,
    block_hash: bytes,
    mom: bytes,
    mom_depth: int,
    notaries: NotarySet,
    signers: Sequence[tuple[int, PrivateKey]],
) -> Notarization:
    """Return a notarization signed by ``signers`` (index in the set, key), sorted by index."""
    unsigned = Notarization(chain_id, height, block_hash, mom, mom_depth, notaries.id, ())
    body = unsigned.body()
    sigs = tuple(sorted((i, k.sign_tagged(Tag.CHAIN_NOTARIZATION, body)) for i, k in signers))
    return Notarization(chain_id, height, block_hash, mom, mom_depth, notaries.id, sigs)


@dataclass(frozen=True)
class NotarizationFacts:
    """What a valid notarization establishes: this block of this chain is final."""

    chain_id: bytes
    height: int
    block_hash: bytes
    mom: bytes
    mom_depth: int
    signers: tuple[int, ...]


def verify_notarization(n: Notarization, notaries: NotarySet, chain_id: bytes) -> NotarizationFacts:
    """Check a notarization against a trusted notary set and chain ([NOTARY-6], [NOTARY-7]).

    Order of checks (the first failure names the reason): chain id, notary
    set id, MoM depth (1 .. height+1), signer indices (known, strictly
    increasing, no repeat), at least ``threshold`` signatures, then every
    signature over the tagged body.
    """
    require(n.chain_id == chain_id, Reason.CHAIN_NOTARY_WRONG_CHAIN, "another chain's notarization")
    require(n.notary_set_id == notaries.id, Reason.CHAIN_NOTARY_WRONG_SET, "signed by another set")
    require(1 <= n.mom_depth <= n.height + 1, Reason.CHAIN_NOTARY_BAD_MOM, f"depth {n.mom_depth}")
    previous = -1
    for index, _ in n.signatures:
        require(index < len(notaries.keys), Reason.CHAIN_NOTARY_UNKNOWN_SIGNER, f"signer {index}")
        require(index != previous, Reason.CHAIN_NOTARY_DUPLICATE_SIGNER, f"signer {index} twice")
        require(
            index > previous, Reason.CHAIN_NOTARY_UNSORTED_SIGNERS, f"signer {index} out of order"
        )
        previous = index
    if len(n.signatures) < notaries.threshold:
        raise Rejected(
            Reason.CHAIN_NOTARY_TOO_FEW_SIGNATURES,
            f"{len(n.signatures)} signatures, need {notaries.threshold}",
        )
    body = n.body()
    for index, sig in n.signatures:
        notaries.keys[index].verify_tagged(sig, Tag.CHAIN_NOTARIZATION, body)
    return NotarizationFacts(
        n.chain_id, n.height, n.block_hash, n.mom, n.mom_depth, tuple(i for i, _ in n.signatures)
    )


def check_notarizes(facts: NotarizationFacts, height: int, block_hash: bytes) -> None:
    """Reject unless the notarization is of ``block_hash`` at ``height`` ([NOTARY-7])."""
    require(
        facts.height == height,
        Reason.CHAIN_NOTARY_WRONG_HEIGHT,
        f"height {facts.height} != {height}",
    )
    require(facts.block_hash == block_hash, Reason.CHAIN_NOTARY_WRONG_BLOCK, "another block")
