"""Push: publishing, accepting pushed items and the push trees.

Spec: ``spec/01-sync.md`` rules ``[SYNC-11]``, ``[SYNC-30]``, ``[SYNC-52]``.
"""

from __future__ import annotations

from collections.abc import Iterable

from chipstack.errors import Reason, Rejected
from chipstack.sync.item import Item, check_valid, id_of_encoding
from chipstack.sync.node.base import NodeBase
from chipstack.sync.node.outputs import Accepted, Output, PeerId
from chipstack.sync.node.state import Peer
from chipstack.sync.params import (
    MAX_IDS_PER_MESSAGE,
    WORK_DUPLICATE,
    WORK_ITEM,
    WORK_REFUSED,
)
from chipstack.sync.wire import (
    Graft,
    Have,
    Prune,
    split_items,
)


class PushMixin(NodeBase):
    """Publishing, accepting items and propagating them along push trees."""

    def publish(self, now: int, item: Item) -> list[Output]:
        """Add a locally made item; raise :class:`Rejected` if it is not valid ([SYNC-11])."""
        return self.publish_many(now, [item])

    def publish_many(self, now: int, items: Iterable[Item]) -> list[Output]:
        """Publish several items, pushed together (one ITEMS message per peer).

        Raises :class:`Rejected` at the first invalid item; the ones before it are published.
        An item already in the store is skipped (no second :class:`Accepted`, no push).
        """
        p = self.params
        out: list[Output] = []
        pushes: dict[PeerId, list[Item]] = {}
        self.store.purge_expired(now)
        try:
            for item in items:
                if item.id in self.store:
                    continue
                check_valid(item, now, p.min_priority, p.max_clock_skew_ms, self.verify_item)
                self._seen.add(item.id)
                for evicted in self.store.add(item):
                    self._seen.add(evicted.id)
                out.append(Accepted(item, None))
                self.stats.accepted += 1
                self._propagate(item, None, pushes, own=True)
        finally:
            self._flush_pushes(pushes, out)
        return out

    def _flush_pushes(self, pushes: dict[PeerId, list[Item]], out: list[Output]) -> None:
        for pid, batch in pushes.items():
            if pid in self.peers:
                self._send_items(pid, batch, out)

    def _decode_items(self, data: bytes) -> list[Item | bytes]:
        """An ITEMS message as items, except those already held, left as their ids.

        A held item is recognised by the id of its encoding before it is decoded
        ([SYNC-52]); every other item is decoded, so a malformed one still refuses the
        whole message before any of it is acted on ([SYNC-21]).
        """
        entries: list[Item | bytes] = []
        store, seen = self.store, self._seen
        for raw in split_items(data):
            iid = id_of_encoding(raw)
            if iid is not None and (iid in store or iid in seen):
                entries.append(iid)
            else:
                entries.append(self.decode_item(raw))
        return entries

    def _on_items(self, now: int, p: Peer, items: Iterable[Item | bytes],
                  out: list[Output]) -> None:
        pushes: dict[PeerId, list[Item]] = {}
        try:
            self._accept_items(now, p, items, out, pushes)
        finally:
            self._flush_pushes(pushes, out)

    def _accept_items(self, now: int, p: Peer, items: Iterable[Item | bytes],
                      out: list[Output], pushes: dict[PeerId, list[Item]]) -> None:
        prm = self.params
        for entry in items:
            self.stats.items_in += 1
            item = entry if isinstance(entry, Item) else None
            iid = entry.id if isinstance(entry, Item) else entry
            p.known.add(iid)
            fetch = self._fetching.pop(iid, None)
            alternatives = self._sources.pop(iid, None) if fetch is not None else None
            held = self.store.get(iid)
            author = item.author if item is not None else held.author if held else None
            if fetch is not None:
                self._release(fetch[0])
                if iid in self._via_have and author is not None and author in p.pruned:
                    # an announcement beat the push tree: make this edge eager again
                    p.pruned.discard(author)
                    out.append(self._send(p.pid, Graft(author)))
            if held is not None or iid in self._seen or item is None:
                self.stats.duplicates += 1
                # [SYNC-52] a copy of an item held costs the sender; one refused, more
                self._charge(p, WORK_DUPLICATE if held is not None else WORK_REFUSED)
                if fetch is None and author is not None and author not in p.pruned:
                    p.pruned.add(author)  # an unrequested duplicate: prune this edge
                    out.append(self._send(p.pid, Prune(author)))
                continue
            self._charge(p, WORK_ITEM)
            try:
                check_valid(item, now, prm.min_priority, prm.max_clock_skew_ms, self.verify_item)
                for evicted in self.store.add(item):
                    self._seen.add(evicted.id)
            except Rejected as exc:
                self.stats.rejected[exc.reason.value] += 1
                if exc.reason in (Reason.SYNC_LOW_PRIORITY, Reason.SYNC_EXPIRED,
                                  Reason.SYNC_STORE_FULL):
                    self._seen.add(iid)  # the same id can never become acceptable
                elif alternatives and exc.reason == Reason.CRYPTO_BAD_SIGNATURE:
                    # the id does not cover the signature: another copy may be genuine
                    self._refetch(now, iid, alternatives, p.pid, out)
                if self._penalize(now, p, exc.reason, out):
                    return
                continue
            self._seen.add(iid)
            self._sources.pop(iid, None)
            self._deferred.pop(iid, None)
            self.stats.accepted += 1
            out.append(Accepted(item, p.pid))
            self._propagate(item, p.pid, pushes, own=False)

    def _propagate(self, item: Item, source: PeerId | None, pushes: dict[PeerId, list[Item]],
                   own: bool) -> None:
        """Push ``item`` in full along eager edges and announce it on lazy ones ([SYNC-30]).

        An item published here goes in full to every peer; a relayed item to at most
        ``push_fanout`` eager peers, and its id to at most ``announce_fanout`` lazy ones.
        """
        iid = item.id
        candidates = [p for pid, p in self.peers.items()
                      if p.ready and pid != source and iid not in p.known]
        if not candidates:
            return
        self.rng.shuffle(candidates)
        fanout = len(candidates) if own and self.params.author_push_all else self.params.push_fanout
        author = item.author
        if author not in self._authors:  # a new tree: start eager on push_fanout random edges
            self._authors.add(author)
            for p in candidates[self.params.push_fanout :]:
                p.lazy_for.add(author)
        eager = [p for p in candidates if author not in p.lazy_for][:fanout]
        lazy = [p for p in candidates if author in p.lazy_for][: self.params.announce_fanout]
        for p in eager:
            p.known.add(iid)
            pushes.setdefault(p.pid, []).append(item)
        for p in lazy:
            if len(p.announce) < 4 * MAX_IDS_PER_MESSAGE:
                p.announce.append(iid)

    def _flush_announcements(self, out: list[Output]) -> None:
        for p in self.peers.values():
            if not p.announce:
                continue
            ids = [iid for iid in p.announce if iid not in p.known]
            p.announce = []
            for iid in ids:
                p.known.add(iid)
            for i in range(0, len(ids), MAX_IDS_PER_MESSAGE):
                out.append(self._send(p.pid, Have(tuple(ids[i : i + MAX_IDS_PER_MESSAGE]))))
