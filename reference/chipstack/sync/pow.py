"""Proof-of-work priority of an item: work bits less a size penalty.

Spec: ``spec/01-sync.md`` rule ``[SYNC-7]``. The work hash is
``tagged_hash(SYNC_ITEM_WORK, body)`` where ``body`` is the item's encoding
without its signature (the nonce is the last field of the body, so a miner
hashes a fixed prefix and varies only the nonce).
"""

from __future__ import annotations

import hashlib

from chipstack.crypto import Tag, tagged_hash
from chipstack.sync.params import PENALTY_UNIT


def leading_zero_bits(digest: bytes) -> int:
    """Count the leading zero bits of ``digest`` read as a big-endian number."""
    value = int.from_bytes(digest, "big")
    return len(digest) * 8 - value.bit_length()


def size_penalty(payload_len: int) -> int:
    """Return the priority penalty of a payload of ``payload_len`` bytes ([SYNC-7]).

    ``bit_length(payload_len // PENALTY_UNIT)``: 0 below 256 bytes, 1 below 512,
    2 below 1 KiB, ... 7 for 16 KiB. Doubling the payload costs one more bit of work.
    """
    return (payload_len // PENALTY_UNIT).bit_length()


def work_hash(body: bytes) -> bytes:
    """Return the work hash of an item body ([SYNC-7])."""
    return tagged_hash(Tag.SYNC_ITEM_WORK, body)


def priority(body: bytes, payload_len: int) -> int:
    """Return ``leading_zero_bits(work_hash(body)) - size_penalty(payload_len)`` ([SYNC-7])."""
    return leading_zero_bits(work_hash(body)) - size_penalty(payload_len)


def mine_nonce(prefix: bytes, payload_len: int, target: int, start: int = 0) -> int:
    """Return the first nonce ``>= start`` giving priority ``>= target`` for ``prefix || nonce``.

    ``prefix`` is the item body without its trailing 8-byte little-endian nonce.
    Expected work is ``2 ** (target + size_penalty(payload_len))`` hashes.
    """
    needed = target + size_penalty(payload_len)
    if needed <= 0:
        return start
    tag_digest = hashlib.sha256(str(Tag.SYNC_ITEM_WORK).encode()).digest()
    base = hashlib.sha256(tag_digest + tag_digest + prefix)
    limit = 1 << (256 - needed)
    nonce = start
    while True:
        h = base.copy()
        h.update(nonce.to_bytes(8, "little"))
        if int.from_bytes(h.digest(), "big") < limit:
            return nonce
        nonce += 1
