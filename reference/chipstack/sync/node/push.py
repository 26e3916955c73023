"""Push: publishing, accepting pushed items and the push trees.

Spec: ``spec/01-sync.md`` rules ``[SYNC-11]``, ``[SYNC-30]``, ``[SYNC-52]``.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

from chipstack.crypto import PrivateKey
from chipstack.errors import Reason, Rejected
from chipstack.sync.item import Item, check_structure, check_valid, id_of_encoding
from chipstack.sync.node.base import NodeBase
from chipstack.sync.node.outputs import Accepted, Output, PeerId
from chipstack.sync.node.state import Bounded, Peer
from chipstack.sync.node.trees import PushTrees
from chipstack.sync.params import (
    MAX_IDS_PER_MESSAGE,
    SCORE_DECAY,
    WORK_DUPLICATE,
    WORK_ITEM,
    WORK_REFUSED,
    NodeParams,
)
from chipstack.sync.store import Store
from chipstack.sync.wire import (
    Graft,
    Have,
    Prune,
    split_items,
)


class PushMixin(NodeBase):
    """Publishing, accepting items and propagating them along push trees."""

    def __init__(self, key: PrivateKey, params: NodeParams | None = None,
                 rng: random.Random | None = None, store: Store | None = None) -> None:
        super().__init__(key, params, rng, store)
        #: The push trees this node takes part in, one per origin ([SYNC-38]).
        self.trees = PushTrees(self.params.known_per_peer)
        self._relayed = Bounded(self.params.known_per_peer)  # origins relayed: eager set chosen

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
                # [SYNC-1]..[SYNC-4]: an item built by hand is checked as a decoded one is
                # (the store keeps its encoding and decodes it again when it is read)
                check_structure(item)
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
        """Send the pushes gathered by one call (announcements wait for the next tick)."""
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
            asked = self._fetching.get(iid)
            # only the peer asked answers a fetch; another's copy is a push racing it
            fetch = self._fetching.pop(iid) if asked is not None and asked[0] == p.pid else None
            alternatives = self._sources.pop(iid, None) if fetch is not None else None
            held = self.store.get(iid)
            author = item.author if item is not None else held.author if held else None
            if fetch is not None:
                self._release(fetch[0])
            if held is not None or iid in self._seen or item is None:
                self.stats.duplicates += 1
                # [SYNC-52] a copy of an item held costs the sender; one refused, more
                self._charge(p, WORK_DUPLICATE if held is not None else WORK_REFUSED)
                if fetch is None and author is not None:
                    self._on_duplicate(p, iid, author, out)
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
            # [SYNC-38] a push, or a repair (a fetch after an announcement) moves the tree;
            # an id fetched because reconciliation found it missing says nothing of paths
            repair = fetch is not None and iid in self._via_have
            if fetch is None or repair:
                self._on_first_copy(now, p, item, repair, out)
            self._propagate(item, p.pid, pushes, own=False)

    def _on_first_copy(self, now: int, p: Peer, item: Item, fetched: bool,
                       out: list[Output]) -> None:
        """Update the origin's tree with the peer that delivered a new item first ([SYNC-38]).

        The parent changes only by a switch. Each new item of the origin multiplies the
        score by ``SCORE_DECAY`` (7/8); a peer that beat the parent (its push came first, its
        announcement came ``graft_lead_ms`` before the parent's push, or it answered a
        fetch the parent's push was too late for) becomes the challenger and adds one.
        At ``graft_threshold`` the node switches: GRAFT to the challenger (unless it
        already pushes), PRUNE to the old parent, the challenger becomes the parent.
        """
        prm = self.params
        origin = item.author
        announced = False  # whether the challenger announced this item rather than pushed it
        tree = self.trees.get(origin) or self.trees.new(origin)
        heard = self.trees.heard.pop(item.id, None)
        tree.score *= SCORE_DECAY  # [SYNC-38] a moving average over the origin's items
        parent = self.peers.get(tree.parent) if tree.parent is not None else None
        if parent is None or origin in parent.pruned:
            if not fetched:  # a new tree, or the parent is gone: adopt the first pusher
                tree.parent, tree.score, tree.challenger = p.pid, 0.0, None
                return
            challenger: PeerId = p.pid
            tree.score = prm.graft_threshold  # no parent to keep: switch at once
        elif fetched:
            challenger = p.pid  # a repair: the parent's push was too late
        elif p.pid != tree.parent:
            challenger = p.pid  # another eager peer beat the parent
        elif heard is not None and heard[1] != p.pid and now - heard[0] >= prm.graft_lead_ms:
            challenger = heard[1]
            announced = True  # it announced the item, so it does not push it to us
        else:
            return  # [SYNC-38] the parent came first
        tree.challenger = challenger
        tree.score += 1
        new = self.peers.get(challenger)
        if tree.score < prm.graft_threshold or new is None or not new.ready:
            return
        tree.score, tree.challenger = 0.0, None
        old, tree.parent = parent, challenger
        if fetched or announced or origin in new.pruned:  # it does not push to us: ask it
            new.pruned.discard(origin)
            self.stats.grafts += 1
            out.append(self._send(challenger, Graft(origin)))  # [SYNC-38] hysteresis met
        if old is not None and old.pid != challenger and origin not in old.pruned:
            old.pruned.add(origin)
            self.stats.prunes += 1
            out.append(self._send(old.pid, Prune(origin)))  # [SYNC-38] the switch

    def _on_duplicate(self, p: Peer, iid: bytes, origin: bytes, out: list[Output]) -> None:
        """PRUNE the sender of an unrequested copy of an item held ([SYNC-30], [SYNC-38]).

        Not the origin itself (its own items always go to every peer: the eager first
        hop), and never the parent: a late copy from the parent (a retransmission) does
        not move the tree; only a switch does ([SYNC-38]).
        """
        if origin in p.pruned or p.remote_key == origin:
            return
        tree = self.trees.get(origin)
        if tree is not None and tree.parent == p.pid:
            return  # [SYNC-38] the parent was only late: keep it
        p.pruned.add(origin)
        self.stats.prunes += 1
        out.append(self._send(p.pid, Prune(origin)))  # [SYNC-30] an unrequested duplicate

    def _propagate(self, item: Item, source: PeerId | None, pushes: dict[PeerId, list[Item]],
                   own: bool) -> None:
        """Push ``item`` in full along eager edges and announce it on lazy ones ([SYNC-30]).

        An item published here goes in full to every peer (the eager first hop); a
        relayed item to the peers eager for its origin, and its id to at most
        ``announce_fanout`` lazy ones (HAVE, at the next tick). The first time a node
        relays an item of an origin, it keeps ``push_fanout`` random peers eager.
        """
        iid = item.id
        candidates = [p for pid, p in self.peers.items()
                      if p.ready and pid != source and iid not in p.known]
        if not candidates:
            return
        prm = self.params
        origin = item.author
        if own and prm.author_push_all:
            eager, lazy = candidates, []  # [SYNC-30] the eager first hop
        else:
            self.rng.shuffle(candidates)
            if origin not in self._relayed:  # a new tree: eager on push_fanout random edges
                self._relayed.add(origin)
                for p in candidates[prm.push_fanout :]:
                    p.lazy_for.add(origin)
            eager = [p for p in candidates if origin not in p.lazy_for]
            if own:
                eager = eager[: prm.push_fanout]
            lazy = [p for p in candidates if origin in p.lazy_for][: prm.announce_fanout]
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
