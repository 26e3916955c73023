"""The seam between the node and the Negentropy codec.

Spec: ``spec/01-sync.md`` rule ``[SYNC-31]``. The node only ever talks to a
:class:`ReconSession` (client or server side of one reconciliation over a
snapshot of the live ``(timestamp, id)`` keys); the codec behind it is
:mod:`chipstack.sync.negentropy` (``[NEG-*]`` rules). Any failure of the codec
on a peer's frame is reported as ``Rejected``: the codec's own reason if it
gives one, ``sync.bad_reconciliation`` otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable

from chipstack.errors import Reason, Rejected
from chipstack.sync.negentropy import Negentropy, Storage


class ReconSession:
    """One side of one reconciliation session over a frozen snapshot of keys.

    ``max_ranges`` bounds the ranges of one incoming frame and ``max_session_ranges``
    those of all incoming frames of the session together; beyond either the frame is
    refused with ``sync.too_many_ranges`` ([SYNC-50]), after at most that much work.
    """

    def __init__(self, keys: Iterable[tuple[int, bytes]] | Storage, frame_limit: int,
                 max_ranges: int | None = None, max_session_ranges: int | None = None) -> None:
        storage = keys if isinstance(keys, Storage) else Storage(keys)
        self._neg = Negentropy(storage, frame_limit, max_ranges)
        self._session_cap = max_session_ranges

    @property
    def ranges_in(self) -> int:
        """Ranges parsed from the peer's frames so far (work units, [SYNC-51])."""
        return self._neg.ranges_in

    def _budget(self) -> None:
        cap = self._session_cap
        if cap is None:
            return
        left = cap - self._neg.ranges_in
        if left <= 0:
            raise Rejected(Reason.SYNC_TOO_MANY_RANGES, f"session over {cap} ranges")
        if self._neg.max_ranges is None or left < self._neg.max_ranges:
            self._neg.max_ranges = left

    def initiate(self) -> bytes:
        """Client: return the first frame."""
        return self._neg.initiate()

    def answer(self, frame: bytes) -> bytes:
        """Server: return the answer to a client frame."""
        self._budget()
        try:
            return self._neg.reconcile(frame)
        except Rejected:
            raise
        except Exception as exc:  # a codec bug must not take the node down
            raise Rejected(Reason.SYNC_BAD_RECONCILIATION, repr(exc)) from None

    def step(self, frame: bytes) -> tuple[bytes | None, list[bytes], list[bytes]]:
        """Client: process a server frame; return (next frame or None, have ids, need ids)."""
        self._budget()
        try:
            return self._neg.reconcile_client(frame)
        except Rejected:
            raise
        except Exception as exc:
            raise Rejected(Reason.SYNC_BAD_RECONCILIATION, repr(exc)) from None
