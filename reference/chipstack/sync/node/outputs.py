"""What a node call returns to its driver, and the counters a node keeps.

Spec: ``spec/01-sync.md`` section 3 (informative: the calling convention).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from dataclasses import dataclass, field

from chipstack.sync.item import Item

#: How the driver names a connection (any hashable: an int over TCP, an index in the simulator).
PeerId = Hashable


@dataclass(frozen=True)
class Send:
    """Write ``data`` (one node-protocol message) to ``peer``."""

    peer: PeerId
    data: bytes


@dataclass(frozen=True)
class Close:
    """Close the connection to ``peer``; ``reason`` is a reason code or ``"bye"``.

    ``banned`` is true when the peer reached the ban score: a transport also refuses
    its address for ``ban_ms`` ([SYNC-62]).
    """

    peer: PeerId
    reason: str
    banned: bool = False


@dataclass(frozen=True)
class Accepted:
    """``item`` entered the store; ``peer`` is None for a local publish."""

    item: Item
    peer: PeerId | None


#: Everything a node call may return for its driver to act on.
Output = Send | Close | Accepted


@dataclass
class NodeStats:
    """Counters a node keeps about itself (for metrics; not part of the protocol)."""

    bytes_in: int = 0
    bytes_out: int = 0
    messages_in: int = 0
    items_in: int = 0
    duplicates: int = 0
    accepted: int = 0
    reconciliations: int = 0
    recon_bytes: int = 0
    #: Client sessions abandoned at ``recon_max_rounds`` or ``recon_max_session_ms`` ([SYNC-35]).
    recon_abandoned: int = 0
    #: Answers cut short or dropped by the per-peer outbound budget ([SYNC-36]).
    out_limited: int = 0
    #: Ids not pushed again after reconciliation because the peer refused them ([SYNC-37]).
    repush_skipped: int = 0
    #: Messages dropped because the sender's work balance was negative ([SYNC-52]).
    work_limited: int = 0
    #: Work units charged to peers in all ([SYNC-52]).
    work: int = 0
    #: PRUNE and GRAFT messages sent (push-tree changes, [SYNC-30], [SYNC-38]).
    prunes: int = 0
    grafts: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
