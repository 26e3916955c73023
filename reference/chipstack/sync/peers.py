"""Connection management: address groups, limits, eviction, bans by address, backoff.

Spec: ``spec/01-sync.md`` section 3.4 "Connections", rules ``[SYNC-60]`` ..
``[SYNC-64]``. Sans-IO policy used by the TCP transport: it decides which connection
to accept, which to evict when the slots are full (protecting long-lived and useful
peers, in the manner of Bitcoin Core's ``AttemptToEvictConnection``), which addresses
are banned, when to redial, and keeps the addresses learned from peers (ADDR).
"""

from __future__ import annotations

import hashlib
import ipaddress
import random
from dataclasses import dataclass, field

#: Addresses kept in an address book ([SYNC-61]).
ADDRESS_BOOK_SIZE = 1024
#: Addresses remembered from any one source (so one peer cannot fill the book) ([SYNC-61]).
ADDRESSES_PER_SOURCE = 64
#: Addresses sent in one ADDR on a new connection ([SYNC-61]).
ADDRESSES_SHARED = 16


def address_group(host: str) -> str:
    """The group of an address: its IPv4 /16 or IPv6 /32 ([SYNC-62]); a name is its own group.

    IPv4-mapped IPv6 addresses count as their IPv4 address.
    """
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if isinstance(ip, ipaddress.IPv4Address):
        return str(ipaddress.ip_network(f"{ip}/16", strict=False))
    return str(ipaddress.ip_network(f"{ip}/32", strict=False))


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (exempt from the limits and bans by address)."""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


@dataclass(frozen=True)
class Limits:
    """Connection limits of one node ([SYNC-62] .. [SYNC-64]); every field has a default.

    ``max_per_address`` and ``max_per_group`` bound the connections from one IP address
    and from one address group; ``protect_*`` are the eviction protections.
    """

    #: Open connections at most (accepted and dialled).
    max_connections: int = 128
    #: Connections from one IP address at most.
    max_per_address: int = 4
    #: Connections from one address group (IPv4 /16, IPv6 /32) at most.
    max_per_group: int = 16
    #: Eviction: connections protected for being in distinct address groups.
    protect_groups: int = 4
    #: Eviction: connections protected for having delivered novel items most recently.
    protect_useful: int = 8
    #: Eviction: of the rest, this fraction (the longest connected) is protected.
    protect_long_fraction: float = 0.5
    #: Dialled peers kept: the transport dials learned addresses below this (0: never).
    target_outbound: int = 8
    #: First redial delay; it doubles with every failed attempt ([SYNC-64]).
    redial_base_ms: int = 1_000
    #: Largest redial delay ([SYNC-64]).
    redial_max_ms: int = 60_000
    #: New inbound connections accepted per second from one IP address (token bucket;
    #: each costs the node a handshake: key agreement and a signature) ([SYNC-62]).
    accepts_per_s: float = 2.0
    #: Burst of that bucket.
    accepts_burst: int = 8
    #: Whether loopback addresses (local processes) are exempt from the per-address
    #: and per-group limits and from bans by address ([SYNC-62]); a banned local
    #: peer is still refused by key. Tests turn it off to play a remote attacker.
    exempt_loopback: bool = True


@dataclass
class Conn:
    """What the policy knows about one open connection."""

    pid: int
    host: str
    inbound: bool
    opened: int
    #: When the peer last delivered an item new to this node (-1: never).
    last_useful: int = -1

    @property
    def group(self) -> str:
        """The connection's address group."""
        return address_group(self.host)


def eviction_candidate(conns: list[Conn], secret: bytes, limits: Limits) -> int | None:
    """The inbound connection to close to make room, or None if all are protected ([SYNC-63]).

    Protected, in this order, from the inbound connections: ``protect_groups`` whose
    address groups come first under a keyed hash (``secret`` is the node's own, so an
    attacker cannot choose groups that sort first), the ``protect_useful`` that most
    recently delivered novel items, then half of the rest (the longest connected).
    Among those left, the group with the most connections loses its youngest one.
    """
    left = [c for c in conns if c.inbound]

    def keyed(c: Conn) -> bytes:
        return hashlib.sha256(secret + c.group.encode()).digest()

    seen_groups: set[str] = set()
    protected: set[int] = set()
    for c in sorted(left, key=lambda c: (keyed(c), c.opened, c.pid)):
        if len(seen_groups) >= limits.protect_groups:
            break
        if c.group not in seen_groups:
            seen_groups.add(c.group)
            protected.add(c.pid)
    left = [c for c in left if c.pid not in protected]
    useful = sorted((c for c in left if c.last_useful >= 0),
                    key=lambda c: (-c.last_useful, c.pid))[: limits.protect_useful]
    left = [c for c in left if c not in useful]
    keep = int(len(left) * limits.protect_long_fraction)
    left = sorted(left, key=lambda c: (c.opened, c.pid))[keep:]
    if not left:
        return None
    by_group: dict[str, list[Conn]] = {}
    for c in left:
        by_group.setdefault(c.group, []).append(c)
    biggest = max(by_group.values(), key=lambda cs: (len(cs), max(c.opened for c in cs)))
    return max(biggest, key=lambda c: (c.opened, c.pid)).pid


@dataclass
class Decision:
    """What to do with a new connection: accept it (closing ``evict`` first) or refuse it."""

    accept: bool
    reason: str = ""
    evict: int | None = None


@dataclass
class ConnectionPolicy:
    """Limits, bans by address and eviction for one node ([SYNC-62] .. [SYNC-64])."""

    limits: Limits = field(default_factory=Limits)
    secret: bytes = b""
    conns: dict[int, Conn] = field(default_factory=dict)
    #: Banned address -> until when (ms) ([SYNC-62]).
    banned: dict[str, int] = field(default_factory=dict)
    #: Address -> (tokens, when refilled (ms)) of its accept bucket ([SYNC-62]).
    accepts: dict[str, tuple[float, int]] = field(default_factory=dict)

    def admit(self, now: int, host: str, inbound: bool) -> Decision:
        """Decide on a new connection from (or to) ``host`` ([SYNC-62], [SYNC-63])."""
        lim = self.limits
        local = lim.exempt_loopback and is_loopback(host)
        until = self.banned.get(host)
        if until is not None and now < until and not local:  # [SYNC-62]
            return Decision(False, "banned_address")
        conns = list(self.conns.values())
        if inbound and not local and not self._take_accept(now, host):  # [SYNC-62]
            return Decision(False, "accept_rate")
        if not local:  # local processes are not limited per address
            if sum(c.host == host for c in conns) >= lim.max_per_address:
                return Decision(False, "per_address")
            group = address_group(host)
            if sum(c.group == group for c in conns) >= lim.max_per_group:
                return Decision(False, "per_group")
        if len(conns) < lim.max_connections:
            return Decision(True)
        if not inbound:
            return Decision(False, "full")
        victim = eviction_candidate(conns, self.secret, lim)
        if victim is None:
            return Decision(False, "full")
        return Decision(True, "evicted", victim)

    def _take_accept(self, now: int, host: str) -> bool:
        """Spend one token of ``host``'s accept bucket; False if it has none ([SYNC-62])."""
        lim = self.limits
        tokens, since = self.accepts.get(host, (float(lim.accepts_burst), now))
        tokens = min(float(lim.accepts_burst), tokens + (now - since) * lim.accepts_per_s / 1000)
        if len(self.accepts) >= ADDRESS_BOOK_SIZE * 10 and host not in self.accepts:
            self.accepts = {h: v for h, v in self.accepts.items()  # keep the ones still low
                            if v[0] + (now - v[1]) * lim.accepts_per_s / 1000 < lim.accepts_burst}
            while len(self.accepts) >= ADDRESS_BOOK_SIZE * 9:  # room for many: pruned rarely
                del self.accepts[next(iter(self.accepts))]
        if tokens < 1:
            self.accepts[host] = (tokens, now)
            return False
        self.accepts[host] = (tokens - 1, now)
        return True

    def opened(self, now: int, pid: int, host: str, inbound: bool) -> None:
        """Record an accepted connection."""
        self.conns[pid] = Conn(pid, host, inbound, now)

    def closed(self, pid: int) -> None:
        """Forget a closed connection (idempotent)."""
        self.conns.pop(pid, None)

    def useful(self, now: int, pid: int) -> None:
        """The peer on ``pid`` delivered an item new to this node."""
        c = self.conns.get(pid)
        if c is not None:
            c.last_useful = now

    def ban(self, now: int, host: str, ban_ms: int) -> None:
        """Refuse connections from ``host`` for ``ban_ms`` ([SYNC-62]); bounded in size."""
        self.banned[host] = now + ban_ms
        if len(self.banned) > ADDRESS_BOOK_SIZE * 10:
            for h in [h for h, t in self.banned.items() if t <= now]:
                del self.banned[h]
            while len(self.banned) > ADDRESS_BOOK_SIZE * 10:
                del self.banned[next(iter(self.banned))]


def redial_delay_ms(attempt: int, limits: Limits, rng: random.Random) -> int:
    """Delay before redial ``attempt`` (0-based): doubling, capped, ±10 % ([SYNC-64])."""
    base = min(limits.redial_max_ms, limits.redial_base_ms * 2 ** min(attempt, 30))
    return int(base * rng.uniform(0.9, 1.1))


class AddressBook:
    """Addresses learned from peers (ADDR), bounded in all and per source ([SYNC-61])."""

    def __init__(self, rng: random.Random, size: int = ADDRESS_BOOK_SIZE) -> None:
        self.rng = rng
        self.size = size
        self._entries: dict[tuple[str, int], bytes] = {}  # address -> source key
        self._per_source: dict[bytes, int] = {}

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, address: object) -> bool:
        return address in self._entries

    def add(self, address: tuple[str, int], source: bytes) -> None:
        """Remember ``address`` as told by ``source`` (ignored over the per-source bound)."""
        if address in self._entries or self._per_source.get(source, 0) >= ADDRESSES_PER_SOURCE:
            return
        if len(self._entries) >= self.size:
            gone = self.rng.choice(list(self._entries))
            self._forget(gone)
        self._entries[address] = source
        self._per_source[source] = self._per_source.get(source, 0) + 1

    def _forget(self, address: tuple[str, int]) -> None:
        source = self._entries.pop(address)
        self._per_source[source] -= 1
        if not self._per_source[source]:
            del self._per_source[source]

    def sample(self, k: int) -> list[tuple[str, int]]:
        """Up to ``k`` addresses chosen at random."""
        entries = list(self._entries)
        return self.rng.sample(entries, min(k, len(entries)))
