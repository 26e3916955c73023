"""Range-based set reconciliation, wire-compatible with Negentropy protocol v1.

Normative text: ``spec/01-sync.md``, rules ``[NEG-1]`` .. (section
"Reconciliation"). Public API (stable; other sync modules build on it)::

    from chipstack.sync.negentropy import Negentropy, Storage

    class Storage:                       # sorted set of (timestamp: int, id: 32 bytes)
        def __init__(self, items: Iterable[tuple[int, bytes]] = ()) -> None
            # duplicates -> Rejected(sync.negentropy_duplicate_item);
            # timestamp outside 0 .. 2**64-2 or id not 32 bytes -> sync.negentropy_bad_item
        def insert(self, ts: int, id: bytes) -> bool   # False if already present
        def remove(self, ts: int, id: bytes) -> bool   # False if absent
        def __len__(self) -> int
        def __iter__(self) -> Iterator[tuple[int, bytes]]   # ascending order
        def seal(self) -> None                          # optional no-op
        def fingerprint(self, lower: int, upper: int) -> bytes  # O(log n), cached sums

    class Negentropy:                    # one side of one reconciliation
        def __init__(self, storage: Storage, frame_size_limit: int = 0) -> None
            # limit 0 = none, else >= 4096 (else Rejected(sync.frame_limit_too_small))
        def initiate(self) -> bytes                       # client: first message
        def reconcile(self, msg: bytes) -> bytes          # server: answer (always a message)
        def reconcile_client(self, msg: bytes) -> tuple[bytes | None, list[bytes], list[bytes]]
            # client: (next message, or None when done; have ids; need ids)
            # have = ids the client has and the server lacks; need = the reverse.

Every malformed message raises :class:`chipstack.errors.Rejected` with a
``sync.negentropy_*`` reason and never another exception. The storage must
not change while a session over it is in progress.
"""

from __future__ import annotations

from chipstack.sync.negentropy.protocol import PROTOCOL_VERSION, Mode, Negentropy
from chipstack.sync.negentropy.storage import Storage

__all__ = ["PROTOCOL_VERSION", "Mode", "Negentropy", "Storage"]
