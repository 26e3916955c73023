"""Notary sets and notarizations (spec/02-chain.md section 7)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from chipstack.chain.merkle import merkle_root
from chipstack.chain.notary import (
    Notarization,
    NotarySet,
    check_notarizes,
    compute_mom,
    sign_notarization,
    verify_notarization,
)
from chipstack.chain.scenario import build_scenario
from chipstack.crypto import PrivateKey, Tag, sha256, tagged_hash
from chipstack.errors import Reason, Rejected

NS, KEYS = NotarySet.from_labels([f"n{i}" for i in range(5)], 3)
CHAIN = sha256(b"notary test")
BLOCK = sha256(b"block 9")
MOM = sha256(b"mom")


def note(signers: list[int], **kw: object) -> Notarization:
    args: dict[str, object] = {
        "chain_id": CHAIN,
        "height": 9,
        "block_hash": BLOCK,
        "mom": MOM,
        "mom_depth": 3,
        "notaries": NS,
    }
    args.update(kw)
    return sign_notarization(signers=[(i, KEYS[i]) for i in signers], **args)  # type: ignore[arg-type]


def reason(n: Notarization, ns: NotarySet = NS, chain: bytes = CHAIN) -> Reason:
    with pytest.raises(Rejected) as e:
        verify_notarization(n, ns, chain)
    return e.value.reason


def test_valid_notarization_and_its_facts() -> None:
    n = note([4, 0, 2])
    facts = verify_notarization(n, NS, CHAIN)
    assert facts.signers == (0, 2, 4) and facts.height == 9 and facts.block_hash == BLOCK
    assert Notarization.decode(n.encode()) == n
    check_notarizes(facts, 9, BLOCK)


def test_body_layout_and_signature_domain() -> None:
    n = note([0, 1, 2])
    body = CHAIN + (9).to_bytes(4, "little") + BLOCK + MOM + (3).to_bytes(4, "little") + NS.id
    assert n.body() == body
    # Every signature is over the tagged hash of exactly that body.
    for i, sig in n.signatures:
        NS.keys[i].verify(sig, tagged_hash(Tag.CHAIN_NOTARIZATION, body))


def test_set_id_is_the_tagged_hash_of_its_encoding() -> None:
    enc = bytes([1, 3, 5]) + b"".join(k.raw for k in NS.keys)
    assert NS.encode() == enc
    assert NS.id == tagged_hash(Tag.CHAIN_NOTARY_SET, enc)
    assert NotarySet.decode(enc) == NS


def test_rejections_name_their_reason() -> None:
    assert reason(note([0, 1])) is Reason.CHAIN_NOTARY_TOO_FEW_SIGNATURES
    n = note([0, 1, 2])
    dup = replace(n, signatures=(n.signatures[0], n.signatures[0], n.signatures[1]))
    assert reason(dup) is Reason.CHAIN_NOTARY_DUPLICATE_SIGNER
    unsorted = replace(n, signatures=(n.signatures[1], n.signatures[0], n.signatures[2]))
    assert reason(unsorted) is Reason.CHAIN_NOTARY_UNSORTED_SIGNERS
    unknown = replace(n, signatures=(*n.signatures, (5, n.signatures[0][1])))
    assert reason(unknown) is Reason.CHAIN_NOTARY_UNKNOWN_SIGNER
    other, other_keys = NotarySet.from_labels([f"m{i}" for i in range(5)], 3)
    theirs = sign_notarization(
        CHAIN, 9, BLOCK, MOM, 3, other, [(i, other_keys[i]) for i in range(3)]
    )
    assert reason(theirs) is Reason.CHAIN_NOTARY_WRONG_SET
    assert reason(replace(theirs, notary_set_id=NS.id)) is Reason.CRYPTO_BAD_SIGNATURE
    assert reason(n, chain=sha256(b"x")) is Reason.CHAIN_NOTARY_WRONG_CHAIN
    assert reason(note([0, 1, 2], mom_depth=0)) is Reason.CHAIN_NOTARY_BAD_MOM
    assert reason(note([0, 1, 2], mom_depth=11)) is Reason.CHAIN_NOTARY_BAD_MOM
    assert reason(replace(n, height=10)) is Reason.CRYPTO_BAD_SIGNATURE
    facts = verify_notarization(n, NS, CHAIN)
    for height, block, why in [
        (8, BLOCK, Reason.CHAIN_NOTARY_WRONG_HEIGHT),
        (9, MOM, Reason.CHAIN_NOTARY_WRONG_BLOCK),
    ]:
        with pytest.raises(Rejected) as e:
            check_notarizes(facts, height, block)
        assert e.value.reason is why


@pytest.mark.parametrize(
    ("threshold", "n"),
    [(0, 3), (4, 3), (1, 0), (1, 65)],
)
def test_bad_notary_sets(threshold: int, n: int) -> None:
    keys = tuple(PrivateKey.from_label(f"k{i}").public_key for i in range(n))
    with pytest.raises(Rejected) as e:
        NotarySet(threshold, keys)
    assert e.value.reason is Reason.CHAIN_BAD_NOTARY_SET


def test_mom_is_the_merkle_root_of_block_hashes_since_the_last_notarization() -> None:
    s = build_scenario()
    n = s.notarization
    hashes = s.ledger.best_hashes()
    assert (n.height, n.mom_depth) == (4, 5)
    assert n.mom == compute_mom(hashes[:5]) == merkle_root(hashes[:5])
