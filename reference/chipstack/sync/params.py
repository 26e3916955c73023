"""Protocol constants and the tunable parameters of a node, in one place.

Spec: ``spec/01-sync.md`` sections "Items" (limits ``[SYNC-1]`` .. ``[SYNC-9]``)
and 3.1 "Behaviour" (defaults). Constants here are protocol-wide: every node of every
network uses the same value. :class:`NodeParams` holds what a deployment may tune.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The only item version defined ([SYNC-1]).
ITEM_VERSION = 1
#: Largest tag, in UTF-8 bytes ([SYNC-3]).
MAX_TAG_LEN = 32
#: Largest payload, in bytes ([SYNC-4]).
MAX_PAYLOAD = 16 * 1024
#: Longest lifetime ``expiry - timestamp`` an item may ask for: 7 days, in ms ([SYNC-2]).
MAX_TTL_MS = 7 * 24 * 3600 * 1000
#: Every payload of ``2**k`` times this many bytes costs ``k + 1`` bits of priority ([SYNC-7]).
PENALTY_UNIT = 256
#: Version byte of the node protocol carried in HELLO ([SYNC-20]).
PROTOCOL_VERSION = 1
#: Largest node-protocol message, in bytes (a frame of the TCP transport) ([SYNC-21]).
MAX_MESSAGE = 4 * 1024 * 1024
#: Most ids in one HAVE or WANT message ([SYNC-22]).
MAX_IDS_PER_MESSAGE = 4096
#: Most items in one ITEMS message ([SYNC-22]).
MAX_ITEMS_PER_MESSAGE = 256
#: Largest reconciliation frame carried in one RECON message ([SYNC-22]).
MAX_RECON_FRAME = 1024 * 1024
#: Smallest Negentropy frame size limit a node may use ([NEG-19]).
MIN_RECON_FRAME_LIMIT = 4096


#: Smallest range in bytes: a bound of at least 2 bytes and a mode byte ([SYNC-50]).
MIN_RANGE_BYTES = 3


def honest_max_ranges(frame_limit: int) -> int:
    """Most ranges an honest frame of ``frame_limit`` bytes can carry ([SYNC-50]).

    Every range takes at least ``MIN_RANGE_BYTES`` after the version byte (an honest
    frame can hold many 4-byte empty IdLists separated by 3-byte Skips).
    """
    return (frame_limit - 1) // MIN_RANGE_BYTES


#: Work units ([SYNC-52]): what one message costs, plus one per KiB of it.
WORK_MESSAGE = 1
#: Work units per transport record decrypted by the secure channel ([SYNC-52]): records
#: that carry no whole message (one byte each, say) would otherwise cost nothing.
WORK_RECORD = 1
#: Work units per range parsed from a reconciliation frame ([SYNC-52]).
WORK_RANGE = 1
#: Work units per new item checked (decoding, proof of work, signature) ([SYNC-52]).
WORK_ITEM = 10
#: Work units per item already held (an unrequested duplicate) ([SYNC-52]).
WORK_DUPLICATE = 2
#: Each new item of an origin multiplies its tree's score by this before adding the
#: item's beat, if any ([SYNC-38]): a moving average over the last 8 or so items.
SCORE_DECAY = 7 / 8
#: Work units per item re-sent after it was refused (low priority, expired, full) ([SYNC-52]).
WORK_REFUSED = 10


@dataclass(frozen=True)
class NodeParams:
    """Everything a deployment may tune about a node; every field has a documented default.

    Times are in milliseconds. The defaults suit a LAN/WAN network of tens to
    hundreds of nodes with 50-200 ms links; ``spec/01-sync.md`` section 3.1
    restates them.
    """

    #: 32-byte network identifier; peers with another one are refused ([SYNC-24]).
    network_id: bytes = b"\x00" * 32
    #: Minimum item priority (leading zero work bits less the size penalty) accepted ([SYNC-8]).
    min_priority: int = 6
    #: How far an item's timestamp may be ahead of the local clock ([SYNC-9]).
    max_clock_skew_ms: int = 30_000
    #: Eager peers a node picks, at random, the first time it relays an item of an origin
    #: ([SYNC-30]); the tree then keeps the edges that deliver first (duplicates prune the
    #: others) and moves only under [SYNC-38]'s hysteresis.
    push_fanout: int = 5
    #: Whether a node pushes its own new items to every peer, pruned or not (the eager
    #: first hop, [SYNC-30]); else to at most ``push_fanout`` eager peers.
    author_push_all: bool = True
    #: Most lazy peers a relayed item is announced to (HAVE, at the next tick) ([SYNC-30]).
    announce_fanout: int = 1
    #: An announced id is fetched only if the push tree has not delivered it this long
    #: after the announcement (0 = fetch at once) ([SYNC-32]).
    have_delay_ms: int = 100
    #: An announcement that arrives this long before the push of the same item counts as
    #: the announcer's path being faster than the parent's ([SYNC-38]).
    graft_lead_ms: int = 100
    #: Hysteresis of a tree: a node switches its parent for an origin (GRAFT the peer that
    #: beat it, PRUNE the old one) once the score reaches this; each new item of the origin
    #: multiplies the score by ``SCORE_DECAY`` and adds 1 if the parent was beaten, so 4
    #: needs about half of the recent items beaten: a burst of late pushes behind one
    #: lost packet does not move the tree, a consistently faster path does ([SYNC-38]).
    graft_threshold: float = 4.0
    #: Interval between announcement flushes; drivers call ``tick`` at least this often.
    tick_interval_ms: int = 50
    #: Interval between two reconciliation sessions started by this node ([SYNC-31]).
    reconcile_interval_ms: int = 2_000
    #: Items younger than this (by timestamp) are left out of reconciliation: pushes are
    #: still delivering them ([SYNC-31]).
    recon_grace_ms: int = 1_000
    #: Negentropy frame size limit for the frames this node produces, as client and as
    #: server: 4096 .. ``MAX_RECON_FRAME`` (a RECON frame must fit the wire bound, so the
    #: Negentropy "no limit" value 0 is refused here) ([SYNC-22], [NEG-19]).
    recon_frame_limit: int = 60_000
    #: A session with no answer for this long is abandoned.
    recon_timeout_ms: int = 5_000
    #: Most RECON_REPLY rounds a client session may take before the client abandons it and
    #: moves on to another peer ([SYNC-35]). An honest 1,000,000-record session with a
    #: 60,000-byte frame limit needs about 141 rounds.
    recon_max_rounds: int = 1_000
    #: Longest a client session may last, from its first RECON, before the client abandons
    #: it and moves on to another peer ([SYNC-35]) (141 rounds at 400 ms each take 57 s).
    recon_max_session_ms: int = 120_000
    #: Most items sent in answer to one WANT, and pushed at once after one RECON_REPLY
    #: (the rest of a push waits in a bounded per-peer backlog) ([SYNC-36]).
    max_answer_items: int = 256
    #: Most bytes of items sent in answer to one WANT ([SYNC-36]).
    max_answer_bytes: int = 1024 * 1024
    #: Ids waiting per peer to be pushed after reconciliation (more are dropped:
    #: a later reconciliation finds them again) ([SYNC-36]).
    push_backlog: int = 4096
    #: Per-peer outbound budget for what a peer's messages draw (WANT answers, RECON_REPLY,
    #: pushes after reconciliation): bytes per second, refilled continuously ([SYNC-36]).
    out_rate_bytes_per_s: int = 4 * 1024 * 1024
    #: Per-peer outbound burst allowance in bytes ([SYNC-36]).
    out_burst_bytes: int = 8 * 1024 * 1024
    #: Ids remembered per peer as pushed to it after a reconciliation ([SYNC-37]).
    refused_per_peer: int = 1024
    #: An id pushed to a peer after a reconciliation that the peer still lacks at a later
    #: one (it refused it: store full, low priority) is not pushed again for this long
    #: ([SYNC-37]).
    repush_after_ms: int = 600_000
    #: A fetched id not delivered within this time is asked from another peer ([SYNC-32]).
    fetch_timeout_ms: int = 1_000
    #: Most ids in flight (asked, not yet delivered) per peer.
    max_inflight_per_peer: int = 4096
    #: Handshake must complete within this time or the connection is closed ([SYNC-25]).
    handshake_timeout_ms: int = 5_000
    #: Store capacity in items ([SYNC-12]).
    store_max_items: int = 100_000
    #: Store capacity in encoded bytes ([SYNC-12]).
    store_max_bytes: int = 64 * 1024 * 1024
    #: Ids remembered per peer as "known to have" (older ones are forgotten).
    known_per_peer: int = 4096
    #: Ids remembered as recently seen (accepted, evicted or refused) to avoid refetching.
    seen_cache: int = 200_000
    #: Per-peer inbound budget: bytes per second, refilled continuously ([SYNC-33]).
    rate_bytes_per_s: int = 8 * 1024 * 1024
    #: Per-peer inbound burst allowance in bytes.
    rate_burst_bytes: int = 16 * 1024 * 1024
    #: Misbehaviour score at which a peer is disconnected ([SYNC-34]).
    ban_score: int = 100
    #: How long a disconnected misbehaving node key is refused.
    ban_ms: int = 600_000
    #: Most ranges in one incoming reconciliation frame; a frame with more is refused
    #: (``sync.too_many_ranges``) after parsing at most this many ([SYNC-50]). An honest
    #: frame of at most ``recon_frame_limit`` bytes has at most ``(limit - 1) // 3``.
    recon_max_ranges: int = 20_480
    #: Most ranges in all incoming frames of one reconciliation session ([SYNC-50]); an
    #: honest 1,000,000-record session with 10,000 differences parses about 400,000.
    recon_max_session_ranges: int = 1_000_000
    #: RECON messages accepted per peer per second (token bucket, with a burst of
    #: ``recon_msgs_burst``); an honest client paces its own at this rate ([SYNC-51]).
    recon_msgs_per_s: int = 20
    #: Burst allowance of the RECON message bucket ([SYNC-51]).
    recon_msgs_burst: int = 40
    #: Work units a peer may cause per second (token bucket); while a peer's balance
    #: is negative its messages are dropped (``sync.rate_limited``) ([SYNC-52]). 50,000
    #: units are 5,000 new items a second, above what one node can verify on one core:
    #: an honest peer relaying at full speed stays within it.
    work_per_s: int = 50_000
    #: Burst allowance of the work budget, in work units ([SYNC-52]).
    work_burst: int = 500_000
    #: A frame (or record) that has started arriving must complete within this time or
    #: the connection is closed (the TCP transport's read deadline) ([SYNC-53]).
    frame_timeout_ms: int = 10_000
    #: Bytes all connections together may hold in incomplete records and frames; over
    #: it, the connection holding the most is closed ([SYNC-53]).
    buffer_budget_bytes: int = 32 * 1024 * 1024

    def __post_init__(self) -> None:
        """Refuse settings the node cannot honour (``ValueError``: a configuration error).

        A frame size limit outside 4096 .. ``MAX_RECON_FRAME`` would let the node build a
        RECON frame the wire cannot carry ([SYNC-22]); the network id is 32 bytes.
        """
        if len(self.network_id) != 32:
            raise ValueError(f"network_id must be 32 bytes, got {len(self.network_id)}")
        if not MIN_RECON_FRAME_LIMIT <= self.recon_frame_limit <= MAX_RECON_FRAME:
            raise ValueError(f"recon_frame_limit must be in {MIN_RECON_FRAME_LIMIT} .. "
                             f"{MAX_RECON_FRAME}, got {self.recon_frame_limit}")
        if self.tick_interval_ms <= 0 or self.reconcile_interval_ms <= 0:
            raise ValueError("tick_interval_ms and reconcile_interval_ms must be positive")
        if min(self.recon_max_rounds, self.recon_max_session_ms, self.max_answer_items,
               self.max_answer_bytes, self.out_rate_bytes_per_s, self.out_burst_bytes,
               self.recon_msgs_per_s, self.recon_msgs_burst, self.work_per_s,
               self.work_burst, self.frame_timeout_ms, self.buffer_budget_bytes) <= 0:
            raise ValueError("session caps, rates and budgets must be positive")
        if self.recon_max_ranges < honest_max_ranges(self.recon_frame_limit):
            raise ValueError(f"recon_max_ranges {self.recon_max_ranges} is below what an honest "
                             f"frame of {self.recon_frame_limit} bytes may carry")
        if self.recon_max_session_ranges < self.recon_max_ranges:
            raise ValueError("recon_max_session_ranges must be at least recon_max_ranges")
