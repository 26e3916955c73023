"""Connections: opening, readiness, addresses, the legacy HELLO/AUTH handshake.

Spec: ``spec/01-sync.md`` rules ``[SYNC-23]`` .. ``[SYNC-26]``, ``[SYNC-45]``, ``[SYNC-61]``.
"""

from __future__ import annotations

import ipaddress

from chipstack.errors import Reason, Rejected
from chipstack.sync.node.base import NodeBase
from chipstack.sync.node.handshake import check_hello, sign_challenge, verify_challenge
from chipstack.sync.node.outputs import Output, PeerId
from chipstack.sync.node.state import ConnEvent, Peer, next_state
from chipstack.sync.params import (
    PROTOCOL_VERSION,
)
from chipstack.sync.peers import ADDRESSES_SHARED, address_group, is_loopback
from chipstack.sync.wire import (
    MAX_ADDRESSES,
    Addr,
    Auth,
    Hello,
)


def _is_global(host: str) -> bool:
    """Whether ``host`` is a publicly routable address (not loopback, private, reserved)."""
    try:
        return ipaddress.ip_address(host).is_global
    except ValueError:
        return False


class ConnectionsMixin(NodeBase):
    """Opening and closing connections, readiness and ADDR."""

    def connect(self, now: int, peer: PeerId, remote_key: bytes | None = None,
                address: str | None = None) -> list[Output]:
        """A connection to ``peer`` opened (either direction).

        ``remote_key`` is the peer's node key when the transport authenticated it (the
        secure channel of [SYNC-42]): the peer is ready at once, unless the key is ours
        (``sync.unexpected_message``) or banned (``sync.misbehaving``), which closes it.
        Without it (the simulator's trusted links), the node sends HELLO ([SYNC-23]).
        ``address`` is the IP the connection comes from, if the transport knows it.
        """
        p = Peer(peer, now, self.challenge_source(), self.params)
        p.address = address
        self.peers[peer] = p
        if remote_key is None:
            hello = Hello(PROTOCOL_VERSION, self.params.network_id, self.node_key, p.challenge)
            return [self._send(peer, hello)]
        out: list[Output] = []
        until = self._banned.get(remote_key)
        if remote_key == self.node_key:
            self._close(now, p, Reason.SYNC_UNEXPECTED_MESSAGE, out)
        elif any(q.remote_key == remote_key and q.ready for q in self.peers.values()):
            self._close(now, p, Reason.SYNC_UNEXPECTED_MESSAGE, out)  # a second connection
        elif until is not None and now < until:  # [SYNC-34]
            self._close(now, p, Reason.SYNC_MISBEHAVING, out)
        else:
            p.remote_key = remote_key
            self._ready(now, p, out)
        return out

    def _ready(self, now: int, p: Peer, out: list[Output]) -> None:
        p.state = next_state(p.state, ConnEvent.AUTHENTICATED)
        if self._client is None:  # catch up with a new peer soon ([SYNC-31])
            self._next_recon = min(self._next_recon, now)
        shared = self.local_addresses + self.address_book.sample(ADDRESSES_SHARED)
        if shared:  # [SYNC-61] tell the new peer where nodes listen
            out.append(self._send(p.pid, Addr(tuple(shared[:MAX_ADDRESSES]))))

    def _on_addr(self, p: Peer, msg: Addr) -> None:
        """Remember the addresses a peer shares ([SYNC-61]), bounded per source.

        The source is the address group the connection comes from, since keys are free
        and addresses are not (one attacker's many keys count as one source); a
        loopback or unknown address (local processes, the simulator) counts by key.
        """
        source = p.remote_key or b""
        if p.address is not None and not is_loopback(p.address):  # [SYNC-61]
            source = address_group(p.address).encode()
        local_peer = p.address is None or not _is_global(p.address)
        for host, port in msg.addresses:
            if ipaddress.ip_address(host).is_unspecified:
                if p.address is None:
                    continue
                host = p.address  # "where you see me": the address of this connection
            if not local_peer and not _is_global(host):  # [SYNC-61] no dials into our LAN
                continue
            if (host, port) not in self.local_addresses:
                self.address_book.add((host, port), source)

    def disconnected(self, now: int, peer: PeerId) -> None:
        """The connection to ``peer`` closed; forget the peer (idempotent)."""
        self.peers.pop(peer, None)
        if self._client is not None and self._client.peer == peer:
            self._client = None

    def ready_peers(self) -> list[PeerId]:
        """Peers that completed the handshake, in connection order."""
        return [pid for pid, p in self.peers.items() if p.ready]

    def _on_hello(self, now: int, p: Peer, msg: Hello, out: list[Output]) -> None:
        if p.remote_key is not None:
            raise Rejected(Reason.SYNC_UNEXPECTED_MESSAGE, "second HELLO")
        check_hello(msg, self.params.network_id, self.node_key)
        until = self._banned.get(msg.node_key)
        if until is not None and now < until:
            raise Rejected(Reason.SYNC_MISBEHAVING, "banned key")
        p.remote_key = msg.node_key
        sig = sign_challenge(self.key, self.params.network_id, msg.challenge)
        out.append(self._send(p.pid, Auth(sig)))

    def _on_auth(self, now: int, p: Peer, msg: Auth, out: list[Output]) -> None:
        if p.remote_key is None or p.ready:
            raise Rejected(Reason.SYNC_UNEXPECTED_MESSAGE, "AUTH out of order")
        verify_challenge(p.remote_key, self.params.network_id, p.challenge, msg.signature)
        self._ready(now, p, out)
