"""The prover's random stream: scalars and permutations drawn from a 32-byte seed.

Spec: ``spec/07-dealing.md`` section 1 ([DEAL-5]). A real player draws its seed from
``os.urandom`` for every hand; vectors fix it so that proofs are reproducible. A
verifier never sees or needs the stream.
"""

from __future__ import annotations

from chipstack.crypto import Tag, tagged_hash
from chipstack.dealing.group import hash_to_scalar


class Randomness:
    """A deterministic stream: the ``i``-th draw hashes ``seed || u64le(i)`` ([DEAL-5])."""

    def __init__(self, seed: bytes) -> None:
        if len(seed) != 32:
            raise ValueError("a randomness seed is 32 bytes")
        self._seed = bytes(seed)
        self._counter = 0

    def _next(self) -> bytes:
        msg = self._seed + self._counter.to_bytes(8, "little")
        self._counter += 1
        return msg

    def scalar(self) -> int:
        """A nonzero scalar: ``hash_to_scalar`` of the next draw; a zero is skipped."""
        while True:
            value = hash_to_scalar(Tag.DEALING_RANDOM, self._next())
            if value != 0:
                return value

    def below(self, bound: int) -> int:
        """A uniform integer in ``0 .. bound-1`` by rejection on 256-bit draws."""
        limit = (1 << 256) - (1 << 256) % bound
        while True:
            value = int.from_bytes(tagged_hash(Tag.DEALING_RANDOM, self._next()), "big")
            if value < limit:
                return value % bound

    def permutation(self, n: int) -> list[int]:
        """A uniform permutation of ``0 .. n-1`` (Fisher-Yates, ``i`` from ``n-1`` down to 1)."""
        perm = list(range(n))
        for i in range(n - 1, 0, -1):
            j = self.below(i + 1)
            perm[i], perm[j] = perm[j], perm[i]
        return perm

    def __repr__(self) -> str:
        return "Randomness(<seed hidden>)"
