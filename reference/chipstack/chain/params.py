"""Chain parameters: what every node and light client of one chipstack chain agrees on.

Spec: ``spec/02-chain.md`` section 6 (chain parameters) and ``[CHAIN-5]``.
"""

from __future__ import annotations

from dataclasses import dataclass

from chipstack.chain.header import REGTEST_BITS, bits_to_target
from chipstack.chain.notary import NotarySet
from chipstack.chain.tx import COIN, MAX_MONEY
from chipstack.crypto import sha256
from chipstack.errors import Reason, require


def chain_id_from_name(name: str) -> bytes:
    """Return ``sha256(utf8(name))``: a convenient 32-byte chain id for a named test chain."""
    return sha256(name.encode("utf-8"))


@dataclass(frozen=True)
class ChainParams:
    """A chain's id, notary set, fixed ``bits``, block subsidy and clock tolerance."""

    chain_id: bytes
    notaries: NotarySet
    bits: int = REGTEST_BITS
    subsidy: int = 50 * COIN
    max_future_seconds: int = 2 * 60 * 60

    def __post_init__(self) -> None:
        require(len(self.chain_id) == 32, Reason.ENCODING_OUT_OF_RANGE, "chain id is 32 bytes")
        bits_to_target(self.bits)
        require(0 <= self.subsidy <= MAX_MONEY, Reason.CHAIN_BAD_AMOUNT, "subsidy")
