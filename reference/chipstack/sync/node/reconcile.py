"""Reconciliation: client and server sessions over the store's index, pacing, backlog.

Spec: ``spec/01-sync.md`` rules ``[SYNC-31]``, ``[SYNC-35]`` .. ``[SYNC-37]``,
``[SYNC-50]``, ``[SYNC-51]``.
"""

from __future__ import annotations

from dataclasses import dataclass

from chipstack.errors import Reason
from chipstack.sync.item import Item
from chipstack.sync.negentropy import Storage
from chipstack.sync.node.base import NodeBase
from chipstack.sync.node.outputs import Output, PeerId
from chipstack.sync.node.state import Peer, refilled
from chipstack.sync.params import (
    WORK_RANGE,
)
from chipstack.sync.recon import ReconSession
from chipstack.sync.wire import (
    Recon,
    ReconReply,
)


@dataclass
class ClientSession:
    """The one reconciliation session a node runs as client at a time."""

    peer: PeerId
    session: int
    recon: ReconSession
    last: int
    started: int
    rounds: int = 0
    sent: int = 0  # when the last RECON went out (pacing, [SYNC-51])
    awaiting: bool = True  # a RECON_REPLY is due; any other is ignored
    pending: bytes | None = None  # the next frame, waiting for its pacing slot


class ReconcileMixin(NodeBase):
    """Client and server reconciliation sessions."""

    def _live_keys(self, now: int) -> Storage:
        """The set reconciliation runs over ([SYNC-31]), as a frozen copy of the store's index.

        Items still live when a fetch completes, and older than ``recon_grace_ms``
        (younger ones are still being pushed: reconciling them would only duplicate).
        The store keeps its index up to date item by item; a session copies it and
        takes out the few young and expiring keys, instead of sorting the set again.
        """
        store = self.store
        snapshot = store.index.copy()
        for ts, iid in store.keys_after(now - self.params.recon_grace_ms):
            snapshot.remove(ts, iid)
        for ts, iid in store.keys_expiring(now + self.params.fetch_timeout_ms):
            snapshot.remove(ts, iid)
        return snapshot

    def _reconcile_tick(self, now: int, out: list[Output]) -> None:
        prm = self.params
        client = self._client
        if client is not None and now - client.last > prm.recon_timeout_ms:
            self._client = None
        elif client is not None and now - client.started > prm.recon_max_session_ms:
            self._abandon(now, client)
        if self._client is not None:
            self._send_paced(now, self._client, out)
            return
        if now < self._next_recon:
            return
        ready = self.ready_peers()
        if not ready:
            return
        jitter = self.rng.randint(-prm.reconcile_interval_ms // 10, prm.reconcile_interval_ms // 10)
        self._next_recon = now + prm.reconcile_interval_ms + jitter
        if self._avoid is not None and len(ready) > 1 and self._avoid in ready:
            ready.remove(self._avoid)  # move on from the peer of an abandoned session
        self._avoid = None
        pid = ready[self.rng.randrange(len(ready))]
        self._session_counter = (self._session_counter + 1) & 0xFFFF_FFFF
        session = self._new_session(self._live_keys(now))
        self._client = ClientSession(pid, self._session_counter, session, now, now, sent=now)
        self.stats.reconciliations += 1
        out.append(self._send(pid, Recon(self._session_counter, session.initiate()), recon=True))

    def _new_session(self, keys: Storage) -> ReconSession:
        prm = self.params
        return ReconSession(keys, prm.recon_frame_limit, prm.recon_max_ranges,
                            prm.recon_max_session_ranges)

    def _on_recon(self, now: int, p: Peer, msg: Recon, out: list[Output]) -> None:
        prm = self.params
        p.recon_tokens = refilled(p.recon_tokens, now - p.recon_refilled, prm.recon_msgs_per_s,
                                  prm.recon_msgs_burst)
        p.recon_refilled = now
        if p.recon_tokens < 1:  # [SYNC-51] too many RECON messages from this peer
            self.stats.rejected[Reason.SYNC_RATE_LIMITED.value] += 1
            self._penalize(now, p, Reason.SYNC_RATE_LIMITED, out)
            return
        p.recon_tokens -= 1
        if p.server is None or p.server[0] != msg.session:
            if now - p.server_started < self.params.reconcile_interval_ms // 2:
                # too soon after the last session: ignore (cheap), the client will time out
                self.stats.rejected[Reason.SYNC_RATE_LIMITED.value] += 1
                return
            p.server_started = now
            keys = self._live_keys(now)
            p.server = (msg.session, self._new_session(keys))
        p.server_last = now
        session = p.server[1]
        before = session.ranges_in
        try:
            reply = session.answer(msg.frame)
        finally:
            self._charge(p, (session.ranges_in - before) * WORK_RANGE)
        if not self._take_out(now, p, len(reply) + 16):
            self.stats.out_limited += 1  # over the outbound budget: the client times out
            return
        out.append(self._send(p.pid, ReconReply(msg.session, reply), recon=True))

    def _on_recon_reply(self, now: int, p: Peer, msg: ReconReply, out: list[Output]) -> None:
        client = self._client
        if (client is None or client.peer != p.pid or client.session != msg.session
                or not client.awaiting):
            return  # a late answer to an abandoned session, or one not asked for: harmless
        self.stats.recon_bytes += len(msg.frame)
        before = client.recon.ranges_in
        try:
            nxt, have, need = client.recon.step(msg.frame)
        finally:
            self._charge(p, (client.recon.ranges_in - before) * WORK_RANGE)
        client.last = now
        client.rounds += 1
        client.awaiting = False
        prm = self.params
        if nxt is None:
            self._client = None
        elif (client.rounds >= prm.recon_max_rounds
              or now - client.started >= prm.recon_max_session_ms):
            self._abandon(now, client)
        else:
            client.pending = nxt
            self._send_paced(now, client, out)
        queue = p.push_queue
        for iid in have:
            pushed = p.recon_pushed.get(iid)
            if pushed is not None and now - pushed < prm.repush_after_ms:
                self.stats.repush_skipped += 1  # it lacks what we pushed: refused ([SYNC-37])
            elif len(queue) < prm.push_backlog:
                queue.append(iid)
        self._drain_pushes(now, p, out)
        self._on_have(now, p, need, out)

    def _send_paced(self, now: int, client: ClientSession, out: list[Output]) -> None:
        """Send the client's next frame if its pacing slot has come ([SYNC-51])."""
        if client.pending is None or now - client.sent < 1000 // self.params.recon_msgs_per_s:
            return
        out.append(self._send(client.peer, Recon(client.session, client.pending), recon=True))
        client.pending = None
        client.sent = now
        client.awaiting = True

    def _abandon(self, now: int, client: ClientSession) -> None:
        """Give up an over-long client session; reconcile with another peer next ([SYNC-35])."""
        self._client = None
        self._avoid = client.peer
        self._next_recon = min(self._next_recon, now)
        self.stats.recon_abandoned += 1

    def _drain_pushes(self, now: int, p: Peer, out: list[Output]) -> None:
        """Push up to ``max_answer_items`` queued ids within the outbound budget ([SYNC-36]).

        Every id pushed is remembered (bounded, oldest forgotten) with the time, so
        that one the peer refused is not pushed again soon ([SYNC-37]).
        """
        prm = self.params
        queue = p.push_queue
        remembered = p.recon_pushed
        give: list[Item] = []
        while queue and len(give) < prm.max_answer_items:
            item = self.store.get(queue[0])
            pushed = remembered.get(queue[0])
            if item is None or (pushed is not None and now - pushed < prm.repush_after_ms):
                queue.popleft()  # gone, or already pushed (queued twice) ([SYNC-37])
                continue
            if not self._take_out(now, p, item.size + 8):
                self.stats.out_limited += 1
                break
            queue.popleft()
            give.append(item)
            p.known.add(item.id)
            remembered.pop(item.id, None)
            remembered[item.id] = now
            if len(remembered) > prm.refused_per_peer:
                del remembered[next(iter(remembered))]
        self._send_items(p.pid, give, out)
