"""Every chain decoder, fuzzed: random and mutated bytes give a decode or a Rejected, nothing else.

A successful decode must also re-encode to the exact input (the encodings are canonical).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.chain.block import Block
from chipstack.chain.header import BlockHeader
from chipstack.chain.merkle import MerkleBranch
from chipstack.chain.notary import Notarization, NotarySet
from chipstack.chain.proofs import HeaderChainProof, SpvProof, TxProof
from chipstack.chain.scenario import build_scenario
from chipstack.chain.tx import Tx
from chipstack.errors import Rejected


@cache
def samples() -> dict[str, tuple[Callable[[bytes], Any], list[bytes]]]:
    s = build_scenario()
    led = s.ledger
    spv = led.spv_proof(s.payments[1].txid)
    return {
        "header": (BlockHeader.decode, [led.header_at(h).encode() for h in range(3)]),
        "branch": (MerkleBranch.decode, [spv.tx_proof.branch.encode()]),
        "tx": (Tx.decode, [s.fanout.encode(), *(t.encode() for t in s.payments)]),
        "block": (Block.decode, [b.encode() for b in s.blocks[:4]]),
        "notary_set": (NotarySet.decode, [led.params.notaries.encode()]),
        "notarization": (Notarization.decode, [s.notarization.encode()]),
        "tx_proof": (TxProof.decode, [spv.tx_proof.encode()]),
        "header_chain": (HeaderChainProof.decode, [spv.header_chain.encode()]),
        "spv": (SpvProof.decode, [spv.encode()]),
    }


KINDS = sorted(samples())


def check(kind: str, data: bytes) -> None:
    decode = samples()[kind][0]
    try:
        obj = decode(data)
    except Rejected:
        return
    assert obj.encode() == data, f"{kind}: decode accepted a non-canonical encoding"


@pytest.mark.parametrize("kind", KINDS)
def test_samples_round_trip(kind: str) -> None:
    decode, encs = samples()[kind]
    for enc in encs:
        assert decode(enc).encode() == enc


@settings(max_examples=200)
@given(st.sampled_from(KINDS), st.binary(max_size=300))
def test_random_bytes(kind: str, data: bytes) -> None:
    check(kind, data)


@settings(max_examples=300)
@given(st.sampled_from(KINDS), st.data())
def test_mutated_encodings(kind: str, data: st.DataObject) -> None:
    enc = bytearray(data.draw(st.sampled_from(samples()[kind][1])))
    how = data.draw(st.sampled_from(["flip", "truncate", "extend", "splice", "byte"]))
    pos = data.draw(st.integers(0, max(0, len(enc) - 1)))
    if how == "flip":
        enc[pos] ^= 1 << data.draw(st.integers(0, 7))
    elif how == "truncate":
        del enc[pos:]
    elif how == "extend":
        enc += data.draw(st.binary(min_size=1, max_size=8))
    elif how == "splice":
        enc[pos:pos] = data.draw(st.binary(min_size=1, max_size=8))
    else:
        enc[pos] = data.draw(st.sampled_from([0x00, 0xFC, 0xFD, 0xFE, 0xFF]))
    check(kind, bytes(enc))
