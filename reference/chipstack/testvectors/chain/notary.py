"""Cases of the ``chain/notary`` vector suite (spec/02-chain.md)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from chipstack.chain.notary import NotarySet, sign_notarization
from chipstack.chain.scenario import OTHER_NOTARY_LABELS
from chipstack.crypto import sha256d
from chipstack.testvectors.chain import pins
from chipstack.testvectors.chain.common import (
    KEYS_HEADER,
    JSONDict,
    Ops,
    hexes,
    scenario,
)
from chipstack.testvectors.chain.jsonform import (
    notary_set_to_json,
)
from chipstack.testvectors.chain.ops import (
    op_compute_mom,
    op_notarization_verify,
    op_notary_set,
)
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.vectors.model import Case, CaseTable, Suite

# ------------------------------------------------------------------ notary


def _set_json(s: NotarySet) -> JSONDict:
    return notary_set_to_json(s)


def notary_cases(ops: Ops) -> list[Case]:
    """Cases of ``chain/notary``."""
    c = CaseTable(ops)
    s = scenario()
    ns = s.ledger.params.notaries
    cid = s.ledger.params.chain_id
    c.valid(
        "notary_set",
        {"notary_set": _set_json(ns)},
        "the scenario's 3-of-5 set",
        ["NOTARY-1", "NOTARY-2"],
        [],
    )
    keys = [k.hex() for k in ns.keys]
    for thr, ks, what in [
        (0, keys, "threshold 0"),
        (6, keys, "6-of-5"),
        (2, [keys[0], keys[0], keys[1]], "repeated key"),
        (1, [], "no keys"),
    ]:
        c.invalid(
            "notary_set", {"notary_set": {"threshold": thr, "keys": ks}}, what, ["NOTARY-1"], []
        )
    hashes = s.ledger.best_hashes()
    c.valid(
        "compute_mom",
        {"block_hashes": hexes(hashes[:5])},
        "heights 0-4 (first notarization)",
        ["NOTARY-3"],
        [],
    )
    c.valid("compute_mom", {"block_hashes": hexes(hashes[5:7])}, "heights 5-6", ["NOTARY-3"], [])
    n = s.notarization
    base = {
        "chain_id": cid.hex(),
        "notary_set": _set_json(ns),
        "notarization": n.encode().hex(),
        "expect": None,
    }
    c.valid(
        "notarization_verify",
        base,
        "signers 0, 2, 4 of 3-of-5",
        ["NOTARY-4", "NOTARY-5", "NOTARY-6"],
        [],
    )
    c.valid(
        "notarization_verify",
        {**base, "expect": {"height": 4, "block_hash": hashes[4].hex()}},
        "and it is of height 4's block",
        ["NOTARY-7"],
        ["context"],
    )
    nk = s.notary_keys
    mom, depth = n.mom, n.mom_depth

    def signed(signers: list[int], **kw: Any) -> str:
        args: dict[str, Any] = {
            "chain_id": cid,
            "height": 4,
            "block_hash": hashes[4],
            "mom": mom,
            "mom_depth": depth,
            "notaries": ns,
        }
        args.update(kw)
        pairs = [(i, nk[i % len(nk)]) for i in signers]
        note = sign_notarization(signers=pairs, **args)
        # keep the order and repeats exactly as given (sign_notarization sorts)
        body_sigs = {i: sig for i, sig in note.signatures}
        return replace(note, signatures=tuple((i, body_sigs[i]) for i in signers)).encode().hex()

    all5 = signed([0, 1, 2, 3, 4])
    c.valid(
        "notarization_verify", {**base, "notarization": all5}, "all five notaries", ["NOTARY-6"], []
    )
    c.invalid(
        "notarization_verify",
        {**base, "notarization": signed([1, 3])},
        "two signatures of three",
        ["NOTARY-6"],
        ["signers"],
    )
    c.invalid(
        "notarization_verify",
        {**base, "notarization": signed([0, 0, 2])},
        "notary 0 twice",
        ["NOTARY-6"],
        ["signers"],
    )
    c.invalid(
        "notarization_verify",
        {**base, "notarization": signed([2, 0, 4])},
        "signers out of order",
        ["NOTARY-6"],
        ["signers"],
    )
    seven = sign_notarization(cid, 4, hashes[4], mom, depth, ns, [(0, nk[0]), (2, nk[2])])
    seven = replace(seven, signatures=(*seven.signatures, (7, seven.signatures[0][1])))
    c.invalid(
        "notarization_verify",
        {**base, "notarization": seven.encode().hex()},
        "signer index 7 in a set of 5",
        ["NOTARY-6"],
        ["signers"],
    )
    other, other_keys = NotarySet.from_labels(OTHER_NOTARY_LABELS, 3)
    by_other = sign_notarization(
        cid, 4, hashes[4], mom, depth, other, [(i, other_keys[i]) for i in (0, 1, 2)]
    )
    c.invalid(
        "notarization_verify",
        {**base, "notarization": by_other.encode().hex()},
        "signed by another notary set (its own id)",
        ["NOTARY-2", "NOTARY-6"],
        ["context"],
    )
    posing = replace(by_other, notary_set_id=ns.id)
    c.invalid(
        "notarization_verify",
        {**base, "notarization": posing.encode().hex()},
        "other keys claiming our set's id",
        ["NOTARY-4", "NOTARY-6"],
        ["tampered"],
    )
    c.invalid(
        "notarization_verify",
        {**base, "chain_id": sha256d(b"another chain").hex()},
        "checked against another chain id",
        ["NOTARY-6"],
        ["context"],
    )
    c.invalid(
        "notarization_verify",
        {**base, "expect": {"height": 3, "block_hash": hashes[4].hex()}},
        "expected at height 3",
        ["NOTARY-7"],
        ["context"],
    )
    c.invalid(
        "notarization_verify",
        {**base, "expect": {"height": 4, "block_hash": hashes[3].hex()}},
        "expected another block",
        ["NOTARY-7"],
        ["context"],
    )
    c.invalid(
        "notarization_verify",
        {**base, "notarization": signed([0, 2, 4], mom_depth=0)},
        "MoM depth 0",
        ["NOTARY-6"],
        [],
    )
    c.invalid(
        "notarization_verify",
        {**base, "notarization": signed([0, 2, 4], mom_depth=6)},
        "MoM depth 6 at height 4",
        ["NOTARY-6"],
        [],
    )
    moved = replace(n, height=5)
    c.invalid(
        "notarization_verify",
        {**base, "notarization": moved.encode().hex()},
        "height changed after signing",
        ["NOTARY-4"],
        ["tampered"],
    )
    enc = n.encode()
    c.invalid(
        "notarization_verify",
        {**base, "notarization": enc[:-1].hex()},
        "truncated",
        ["NOTARY-5"],
        ["encoding"],
    )
    c.invalid(
        "notarization_verify",
        {**base, "notarization": (b"\x02" + enc[1:]).hex()},
        "version 2",
        ["NOTARY-5"],
        ["encoding"],
    )
    return c.cases


#: The operations of ``chain/notary``: name -> adapter.
OPS = {
    "notary_set": op_notary_set,
    "compute_mom": op_compute_mom,
    "notarization_verify": op_notarization_verify,
}

#: The ``chain/notary`` suite.
SUITE = Suite(
    name="chain/notary",
    description="notary sets, MoM and M-of-N notarizations",
    notes=FLAGS,
    shared={"notarization_verify": ("chain_id", "notary_set")},
    reason_flags=REASON_FLAGS,
    operations=OPS,
    build_cases=lambda: notary_cases(OPS) + pins.notary_pins(OPS),
    extra_header=KEYS_HEADER,
)
