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
    """One side of one reconciliation session over a frozen snapshot of keys."""

    def __init__(self, keys: Iterable[tuple[int, bytes]], frame_limit: int) -> None:
        self._neg = Negentropy(Storage(keys), frame_limit)

    def initiate(self) -> bytes:
        """Client: return the first frame."""
        return self._neg.initiate()

    def answer(self, frame: bytes) -> bytes:
        """Server: return the answer to a client frame."""
        try:
            return self._neg.reconcile(frame)
        except Rejected:
            raise
        except Exception as exc:  # a codec bug must not take the node down
            raise Rejected(Reason.SYNC_BAD_RECONCILIATION, repr(exc)) from None

    def step(self, frame: bytes) -> tuple[bytes | None, list[bytes], list[bytes]]:
        """Client: process a server frame; return (next frame or None, have ids, need ids)."""
        try:
            return self._neg.reconcile_client(frame)
        except Rejected:
            raise
        except Exception as exc:
            raise Rejected(Reason.SYNC_BAD_RECONCILIATION, repr(exc)) from None
