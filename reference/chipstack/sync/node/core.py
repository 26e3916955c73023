"""The node: its parts put together, and the two entry points ``receive`` and ``tick``.

Spec: ``spec/01-sync.md`` section 3.
"""

from __future__ import annotations

from chipstack.errors import Reason, Rejected
from chipstack.sync.item import Item
from chipstack.sync.node.connections import ConnectionsMixin
from chipstack.sync.node.fetch import FetchMixin
from chipstack.sync.node.outputs import Close, Output, PeerId
from chipstack.sync.node.push import PushMixin
from chipstack.sync.node.reconcile import ReconcileMixin
from chipstack.sync.node.state import (
    ALLOWED,
    ITEMS_TYPE,
    MAX_BANNED,
    MESSAGE_TYPES,
    ConnEvent,
    Peer,
    next_state,
)
from chipstack.sync.params import (
    WORK_MESSAGE,
    WORK_RECORD,
)
from chipstack.sync.wire import (
    Addr,
    Auth,
    Bye,
    Graft,
    Have,
    Hello,
    Items,
    Message,
    Prune,
    Recon,
    Want,
    decode_message,
)


class Node(ConnectionsMixin, PushMixin, FetchMixin, ReconcileMixin):
    """One sync node. See the package docstring for the calling convention."""

    def receive(self, now: int, peer: PeerId, data: bytes) -> list[Output]:
        """Handle one message (the bytes of one frame) from ``peer``; never raises.

        Returns, in order, what the driver must do: :class:`Send` outputs (answers,
        pushes, announcements, requests, and a BYE before a close), :class:`Accepted`
        for each item that entered the store, and at most one :class:`Close` (the
        peer reached the ban score, sent BYE, or broke the protocol; the node has
        already forgotten it). A message from an unknown ``peer`` returns ``[]``. Bad
        input never raises: it is counted in ``stats.rejected`` and costs the peer
        misbehaviour points ([SYNC-34]); a message over the peer's byte or work budget
        is dropped ([SYNC-33], [SYNC-52]); a message type the connection's state does
        not allow is ``sync.unexpected_message`` ([SYNC-26]).
        """
        p = self.peers.get(peer)
        if p is None:
            return []
        self.stats.bytes_in += len(data)
        self.stats.messages_in += 1
        out: list[Output] = []
        if not self._take_tokens(now, p, len(data)):
            self._penalize(now, p, Reason.SYNC_RATE_LIMITED, out)
            return out
        if not self._work_left(now, p):  # [SYNC-52] the sender is over its work budget
            self.stats.work_limited += 1
            self._penalize(now, p, Reason.SYNC_RATE_LIMITED, out)
            return out
        self._charge(p, WORK_MESSAGE + len(data) // 1024)
        if data and data[0] in MESSAGE_TYPES and data[0] not in ALLOWED[p.state]:  # [SYNC-26]
            self.stats.rejected[Reason.SYNC_UNEXPECTED_MESSAGE.value] += 1
            self._penalize(now, p, Reason.SYNC_UNEXPECTED_MESSAGE, out, self.params.ban_score)
            return out
        entries: list[Item | bytes] | None = None
        try:
            if p.ready and data[:1] == ITEMS_TYPE:
                entries = self._decode_items(data)
            else:
                msg = decode_message(data)
        except Rejected as exc:
            self.stats.rejected[exc.reason.value] += 1
            self._penalize(now, p, exc.reason, out, self.params.ban_score)
            return out
        try:
            with self.store.batch():  # [SYNC-17] one commit per message, before any output
                if entries is not None:
                    self._on_items(now, p, entries, out)
                else:
                    self._dispatch(now, p, msg, out)
        except Rejected as exc:
            self.stats.rejected[exc.reason.value] += 1
            self._penalize(now, p, exc.reason, out, self.params.ban_score)
        return out

    def records(self, now: int, peer: PeerId, count: int) -> list[Output]:
        """Charge ``count`` secure-channel records decrypted for ``peer``; never raises.

        The transport calls it after each read, before handing over the messages read
        ([SYNC-52]). A peer already over its work budget counts ``sync.rate_limited``
        once per call (so a stream of records that never completes a message still
        reaches the ban score); the result is ``[]`` or a BYE and a :class:`Close`.
        """
        p = self.peers.get(peer)
        if p is None or count <= 0:
            return []
        out: list[Output] = []
        if not self._work_left(now, p):
            self.stats.work_limited += 1
            self._penalize(now, p, Reason.SYNC_RATE_LIMITED, out)
        self._charge(p, count * WORK_RECORD)
        return out

    def tick(self, now: int) -> list[Output]:
        """Advance time: timeouts, expiry, announcements, fetch retries, reconciliation."""
        out: list[Output] = []
        prm = self.params
        with self.store.batch():
            for evicted in self.store.purge_expired(now):
                self._seen.add(evicted.id)
        for p in list(self.peers.values()):
            if not p.ready and now - p.opened > prm.handshake_timeout_ms:
                self._close(now, p, Reason.SYNC_TIMEOUT, out)
            elif p.server is not None and now - p.server_last > prm.recon_timeout_ms:
                p.server = None  # free the snapshot of a finished or abandoned session
            if p.push_queue and p.pid in self.peers:
                self._drain_pushes(now, p, out)
        if self._banned and len(self._banned) > MAX_BANNED:
            for key in [k for k, until in self._banned.items() if until <= now]:
                del self._banned[key]
            while len(self._banned) > MAX_BANNED:
                del self._banned[next(iter(self._banned))]
        self._flush_announcements(out)
        self._fetch_deferred(now, out)
        self._retry_fetches(now, out)
        self._reconcile_tick(now, out)
        return out

    def _dispatch(self, now: int, p: Peer, msg: Message, out: list[Output]) -> None:
        if isinstance(msg, Hello):
            self._on_hello(now, p, msg, out)
        elif isinstance(msg, Auth):
            self._on_auth(now, p, msg, out)
        elif isinstance(msg, Bye):
            p.state = next_state(p.state, ConnEvent.CLOSE)
            self.disconnected(now, p.pid)
            out.append(Close(p.pid, "bye"))
        elif isinstance(msg, Items):
            self._on_items(now, p, msg.items, out)
        elif isinstance(msg, Have):
            self._on_have(now, p, msg.ids, out, announced=True)
        elif isinstance(msg, Prune):
            p.lazy_for.add(msg.author)
        elif isinstance(msg, Graft):
            p.lazy_for.discard(msg.author)
        elif isinstance(msg, Addr):
            self._on_addr(p, msg)
        elif isinstance(msg, Want):
            self._on_want(now, p, msg.ids, out)
        elif isinstance(msg, Recon):
            self._on_recon(now, p, msg, out)
        else:
            self._on_recon_reply(now, p, msg, out)
