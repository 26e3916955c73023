"""Fetch: announcements (HAVE), requests (WANT), answers and retries.

Spec: ``spec/01-sync.md`` rules ``[SYNC-32]``, ``[SYNC-36]``.
"""

from __future__ import annotations

from collections.abc import Iterable

from chipstack.sync.item import Item
from chipstack.sync.node.base import NodeBase
from chipstack.sync.node.outputs import Output, PeerId
from chipstack.sync.node.state import MAX_DEFERRED, MAX_SOURCES, WANT_CHUNK, Peer
from chipstack.sync.node.trees import PushTrees
from chipstack.sync.params import (
    MAX_ITEMS_PER_MESSAGE,
    MAX_MESSAGE,
)
from chipstack.sync.wire import (
    Items,
    Want,
)


class FetchMixin(NodeBase):
    """Fetching announced and missing items, answering WANT."""

    #: The push trees (made by :class:`~chipstack.sync.node.push.PushMixin`); a fetch
    #: notes when it first heard each announced id there ([SYNC-38]).
    trees: PushTrees

    def _refetch(self, now: int, iid: bytes, sources: list[PeerId], bad: PeerId,
                 out: list[Output]) -> None:
        """Ask the first other live source for ``iid``; keep the rest as alternatives."""
        live = [pid for pid in sources if pid != bad and pid in self.peers
                and self.peers[pid].ready]
        if live:
            if len(live) > 1:
                self._sources[iid] = live[1:]
            self._request(now, self.peers[live[0]], [iid], out)

    def _on_have(self, now: int, p: Peer, ids: Iterable[bytes], out: list[Output],
                 announced: bool = False) -> None:
        wanted: list[bytes] = []
        delay = self.params.have_delay_ms if announced else 0
        for iid in ids:
            p.known.add(iid)
            if iid in self.store or iid in self._seen:
                continue
            if announced:
                self.trees.hear(now, iid, p.pid)
            if delay and iid not in self._fetching:
                self._defer(now + delay, iid, p.pid)
                continue
            if iid in self._fetching:
                sources = self._sources.setdefault(iid, [])
                if len(sources) < MAX_SOURCES and p.pid not in sources:
                    sources.append(p.pid)
                continue
            if p.inflight >= self.params.max_inflight_per_peer:
                continue
            wanted.append(iid)
            if announced:
                self._via_have.add(iid)
        self._request(now, p, wanted, out)

    def _defer(self, due: int, iid: bytes, pid: PeerId) -> None:
        """Remember an announced id; fetch it at ``due`` unless a push delivers it first."""
        sources = self._deferred.get(iid)
        if sources is None:
            if len(self._deferred) >= MAX_DEFERRED:
                return  # reconciliation will find it
            self._deferred[iid] = [pid]
            self._deferred_order.append((due, iid))
        elif len(sources) < MAX_SOURCES and pid not in sources:
            sources.append(pid)

    def _fetch_deferred(self, now: int, out: list[Output]) -> None:
        """Fetch the announced ids the push tree did not deliver in time ([SYNC-32])."""
        order = self._deferred_order
        wanted: dict[PeerId, list[bytes]] = {}
        cap = self.params.max_inflight_per_peer
        while order and order[0][0] <= now:
            _, iid = order.popleft()
            sources = self._deferred.pop(iid, None)
            if sources is None or iid in self.store or iid in self._seen or iid in self._fetching:
                continue
            live = [pid for pid in sources if pid in self.peers]
            for k, pid in enumerate(live):
                if self.peers[pid].inflight + len(wanted.get(pid, ())) < cap:
                    wanted.setdefault(pid, []).append(iid)
                    self._via_have.add(iid)
                    if len(live) > k + 1:
                        self._sources[iid] = live[k + 1 :]
                    break
        for pid, ids in wanted.items():
            self._request(now, self.peers[pid], ids, out)

    def _request(self, now: int, p: Peer, ids: list[bytes], out: list[Output]) -> None:
        deadline = now + self.params.fetch_timeout_ms
        for iid in ids:
            self._fetching[iid] = (p.pid, deadline)
            self._fetch_order.append((deadline, iid))
        p.inflight += len(ids)
        for i in range(0, len(ids), WANT_CHUNK):
            out.append(self._send(p.pid, Want(tuple(ids[i : i + WANT_CHUNK]))))

    def _release(self, pid: PeerId) -> None:
        p = self.peers.get(pid)
        if p is not None and p.inflight > 0:
            p.inflight -= 1

    def _on_want(self, now: int, p: Peer, ids: Iterable[bytes], out: list[Output]) -> None:
        """Answer a WANT with at most ``max_answer_items`` items of at most
        ``max_answer_bytes``, within the peer's outbound budget ([SYNC-32], [SYNC-36])."""
        prm = self.params
        found: list[Item] = []
        budget = prm.max_answer_bytes
        for iid in ids:
            item = self.store.get(iid)
            if item is None:
                continue
            budget -= item.size
            if budget < 0 or len(found) >= prm.max_answer_items:
                self.stats.out_limited += 1
                break
            if not self._take_out(now, p, item.size + 8):
                self.stats.out_limited += 1
                break
            found.append(item)
            p.known.add(iid)
        self._send_items(p.pid, found, out)

    def _send_items(self, pid: PeerId, items: list[Item], out: list[Output]) -> None:
        batch: list[Item] = []
        size = 0
        for item in items:
            full = len(batch) >= MAX_ITEMS_PER_MESSAGE or size + item.size + 8 > MAX_MESSAGE // 2
            if batch and full:
                out.append(self._send(pid, Items(tuple(batch))))
                batch, size = [], 0
            batch.append(item)
            size += item.size + 8
        if batch:
            out.append(self._send(pid, Items(tuple(batch))))

    def _retry_fetches(self, now: int, out: list[Output]) -> None:
        """Ask another source for ids not delivered in time ([SYNC-32])."""
        retry: dict[PeerId, list[bytes]] = {}
        order = self._fetch_order
        while order and order[0][0] <= now:
            deadline, iid = order.popleft()
            entry = self._fetching.get(iid)
            if entry is None or entry[1] != deadline:
                continue
            del self._fetching[iid]
            self._release(entry[0])
            if iid in self.store or iid in self._seen:
                self._sources.pop(iid, None)  # a push delivered it meanwhile
                continue
            for pid in self._sources.pop(iid, []):
                p = self.peers.get(pid)
                if p is not None and p.ready and pid != entry[0]:
                    retry.setdefault(pid, []).append(iid)
                    break
        for pid, ids in retry.items():
            self._request(now, self.peers[pid], ids, out)
