"""Shared helpers of the chain vector case builders."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from chipstack.chain.header import (
    BlockHeader,
    hash_meets_target,
)
from chipstack.chain.scenario import Scenario, build_scenario, key_table
from chipstack.crypto import sha256d
from chipstack.testvectors.chain.realdata import (
    RealBlock,
)
from chipstack.vectors.model import Operation

Ops = Mapping[str, Operation]
JSONDict = dict[str, Any]


@cache
def scenario() -> Scenario:
    """Return the scenario chain, built once per process."""
    return build_scenario()


def real_header(b: RealBlock) -> BlockHeader:
    """Return a real block's header."""
    return b.header()


def failing_nonce(h: BlockHeader) -> BlockHeader:
    """Return ``h`` with the first nonce after its own whose hash misses the target."""
    n = h.nonce
    while True:
        n = (n + 1) & 0xFFFF_FFFF
        cand = h.with_nonce(n)
        if not hash_meets_target(cand.hash(), cand.bits):
            return cand


def synthetic_leaves(n: int) -> list[bytes]:
    """Return ``n`` distinct 32-byte leaves."""
    return [sha256d(b"leaf %d" % i) for i in range(n)]


def hexes(items: list[bytes]) -> list[str]:
    """Return the items as hex strings."""
    return [i.hex() for i in items]

#: The ``keys`` header of the suites whose cases name keys by label.
KEYS_HEADER = {"keys": key_table()}
