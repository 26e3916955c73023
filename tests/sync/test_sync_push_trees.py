"""Push trees per origin: eager first hop, PRUNE once, GRAFT with hysteresis (SYNC-30, SYNC-38).

Unit cases drive one node by hand; the property cases run a small seeded simulation and
check that trees form (after warm-up almost every delivery is a single eager push) and
do not oscillate (few tree changes per node and origin).
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable

from chipstack.crypto import PrivateKey
from chipstack.sync.item import Item, make_item
from chipstack.sync.node import Accepted, Node, Output, Send
from chipstack.sync.node.push import PushMixin
from chipstack.sync.node.trees import PushTrees
from chipstack.sync.params import NodeParams
from chipstack.sync.sim import SimConfig, Simulator
from chipstack.sync.sim.workload import run_steady
from chipstack.sync.wire import Graft, Have, Items, Prune, Want, decode_message, encode_message

PARAMS = NodeParams(min_priority=2)
T0 = 1_000_000
Handshake = Callable[[Node, str, int], None]
ORIGIN = PrivateKey.from_label("origin")


def _item(k: int) -> Item:
    return make_item(ORIGIN, ("t", "u"), k.to_bytes(4, "big"), T0 + k, min_priority=2)


def _sent(outs: list[Output], kind: type) -> list[tuple[object, object]]:
    return [(o.peer, m) for o in outs if isinstance(o, Send)
            for m in [decode_message(o.data)] if isinstance(m, kind)]


def _node(handshake: Handshake, *peers: str) -> Node:
    n = Node(PrivateKey.from_label("n"), PARAMS, random.Random(5))
    for pid in peers:
        handshake(n, pid, T0)
    return n


def test_own_items_go_to_every_peer_even_after_a_prune(handshake: Handshake) -> None:
    n = _node(handshake, "a", "b", "c", "d", "e")
    author = n.node_key
    for pid in ("a", "b"):
        n.receive(T0, pid, encode_message(Prune(author)))
    item = make_item(n.key, ("t", "u"), b"own", T0, min_priority=2)
    pushed = {peer for peer, _ in _sent(n.publish(T0, item), Items)}
    assert pushed == {"a", "b", "c", "d", "e"}  # [SYNC-30] the eager first hop


def test_a_duplicate_prunes_its_sender_once(handshake: Handshake) -> None:
    n = _node(handshake, "p", "q")
    item = _item(1)
    n.receive(T0, "p", encode_message(Items((item,))))
    first = n.receive(T0 + 10, "q", encode_message(Items((item,))))
    assert _sent(first, Prune) == [("q", Prune(ORIGIN.public_key.raw))]
    again = n.receive(T0 + 20, "q", encode_message(Items((item,))))  # still in flight
    assert _sent(again, Prune) == []


def test_the_origin_is_never_pruned_for_its_own_items(handshake: Handshake) -> None:
    n = _node(handshake, "p", "origin")
    item = _item(2)
    n.receive(T0, "p", encode_message(Items((item,))))
    outs = n.receive(T0 + 10, "origin", encode_message(Items((item,))))
    assert _sent(outs, Prune) == []


def _repair(n: Node, k: int, now: int, parent: str, announcer: str) -> list[Output]:
    """Item ``k`` is announced by ``announcer``, fetched from it, then arrives late from
    ``parent``; the outputs of the whole exchange."""
    item = _item(k)
    outs = n.receive(now, announcer, encode_message(Have((item.id,))))
    outs += n.tick(now + PARAMS.have_delay_ms)
    assert [m.ids for _, m in _sent(outs, Want)] == [(item.id,)]  # type: ignore[attr-defined]
    outs += n.receive(now + PARAMS.have_delay_ms + 50, announcer, encode_message(Items((item,))))
    outs += n.receive(now + 400, parent, encode_message(Items((item,))))  # the late push
    return outs


def test_one_late_push_moves_nothing_a_slower_parent_is_switched_once(
        handshake: Handshake) -> None:
    n = _node(handshake, "parent", "lazy")
    n.receive(T0, "parent", encode_message(Items((_item(0),))))  # the parent delivers first
    outs = _repair(n, 1, T0 + 1_000, "parent", "lazy")
    assert _sent(outs, Graft) == [] and _sent(outs, Prune) == []  # [SYNC-38] only late
    switched_at = None
    for k in range(2, 20):  # now every push of the parent is too late: a slower path
        outs = _repair(n, k, T0 + 1_000 * k, "parent", "lazy")
        if _sent(outs, Graft):
            assert switched_at is None, "switched twice"
            switched_at = k
            assert _sent(outs, Graft) == [("lazy", Graft(ORIGIN.public_key.raw))]
            assert _sent(outs, Prune) == [("parent", Prune(ORIGIN.public_key.raw))]
        else:
            assert _sent(outs, Prune) == []
        if switched_at is not None:
            break
    # the score is a moving average: it takes several beaten items, not one or two
    assert switched_at is not None and switched_at >= PARAMS.graft_threshold
    nxt = _item(99)  # the tree has moved: the new parent pushes, the old one is pruned
    outs = n.receive(T0 + 30_000, "lazy", encode_message(Items((nxt,))))
    outs += n.receive(T0 + 30_050, "parent", encode_message(Items((nxt,))))
    assert _sent(outs, Graft) == [] and _sent(outs, Prune) == []


def test_repairs_spread_out_do_not_graft(handshake: Handshake) -> None:
    n = _node(handshake, "parent", "lazy")
    n.receive(T0, "parent", encode_message(Items((_item(0),))))
    grafts = 0
    for k in range(1, 31):
        now = T0 + 1_000 * k
        if k % 3 == 0:  # one loss in three items: the score halves twice in between
            grafts += len(_sent(_repair(n, k, now, "parent", "lazy"), Graft))
        else:
            n.receive(now, "parent", encode_message(Items((_item(k),))))
    assert grafts == 0


def _counting_tree_changes(sim: Simulator) -> Counter[tuple[int, bytes]]:
    """Count GRAFTs per (node, origin) by wrapping each node's graft step."""
    changes: Counter[tuple[int, bytes]] = Counter()
    for i, node in enumerate(sim.nodes):
        inner = node._on_first_copy

        def wrapped(now: int, p: object, item: Item, fetched: bool, out: list[Output],
                    i: int = i, inner: Callable[..., None] = inner) -> None:
            before = len(out)
            inner(now, p, item, fetched, out)
            changes[(i, item.author)] += len(_sent(out[before:], Graft))

        node._on_first_copy = wrapped  # type: ignore[method-assign]
    return changes


def test_trees_form_and_do_not_oscillate_in_a_seeded_sim() -> None:
    params = NodeParams(min_priority=2)
    cfg = SimConfig(nodes=16, degree=4, loss=0.01, seed=7, params=params)
    sim = Simulator(cfg)
    changes = _counting_tree_changes(sim)
    origins = [0, 5, 10]  # few origins, many items each: the trees have time to form
    start = 2_000.0
    def publish(k: int) -> Callable[[], None]:
        def go() -> None:
            sim.publish(origins[k % 3], ("t", "u"), bytes(200))
        return go

    for k in range(240):
        sim.at(start + k * 25.0, publish(k))
    sim.run_until(start + 3_000)
    warm = [(n.stats.accepted, n.stats.duplicates) for n in sim.nodes]
    sim.run_until(start + 6_000 + 3_000)
    assert sim.in_sync_fraction() == 1.0
    accepted = sum(n.stats.accepted - a for n, (a, _) in zip(sim.nodes, warm, strict=True))
    dups = sum(n.stats.duplicates - d for n, (_, d) in zip(sim.nodes, warm, strict=True))
    assert accepted > 1_500
    assert dups < 0.05 * accepted  # after warm-up, almost every item arrives once
    # no GRAFT/PRUNE storm: each node moves each origin's tree at most a few times
    assert max(changes.values(), default=0) <= 3
    assert sum(n.stats.prunes for n in sim.nodes) <= 16 * 3 * 4


def test_the_steady_workload_is_deterministic_with_trees() -> None:
    cfg = SimConfig(nodes=10, degree=4, loss=0.01, seed=11, params=NodeParams(min_priority=2))
    a = run_steady(Simulator(cfg), rate_per_s=20, duration_s=2, payload_size=100, drain_s=2)
    b = run_steady(Simulator(cfg), rate_per_s=20, duration_s=2, payload_size=100, drain_s=2)
    assert a == b and a.all_eventually == 1.0


def test_push_mixin_keeps_its_trees_bounded() -> None:
    n = Node(PrivateKey.from_label("n"), NodeParams(min_priority=2, known_per_peer=4))
    assert isinstance(n, PushMixin)
    for k in range(10):
        n.trees.new(bytes([k]) * 32)
        n.trees.hear(T0, bytes([k]) * 32, "p")
    assert len(n.trees) == 4 and len(n.trees.heard) == 4
    assert n.trees.get(bytes([9]) * 32) is not None and n.trees.get(bytes(32)) is None


def test_the_answer_to_a_fetch_is_requested_even_after_a_push_won(
        handshake: Handshake) -> None:
    n = _node(handshake, "pusher", "announcer")
    n.receive(T0, "pusher", encode_message(Items((_item(0),))))  # the tree: pusher is parent
    item = _item(1)
    n.receive(T0 + 1_000, "announcer", encode_message(Have((item.id,))))
    asked = n.tick(T0 + 1_000 + PARAMS.have_delay_ms)
    assert [m.ids for _, m in _sent(asked, Want)] == [(item.id,)]  # type: ignore[attr-defined]
    n.receive(T0 + 1_150, "pusher", encode_message(Items((item,))))  # the push wins the race
    outs = n.receive(T0 + 1_200, "announcer", encode_message(Items((item,))))  # [SYNC-30]
    assert _sent(outs, Prune) == []  # it was asked for this copy: no PRUNE
    assert n._fetching == {}
    # and nothing is asked again when the fetch would have timed out
    assert _sent(n.tick(T0 + 1_000 + PARAMS.have_delay_ms + PARAMS.fetch_timeout_ms), Want) == []


def test_an_announcer_that_beats_the_parent_is_grafted_when_switched_to(
        handshake: Handshake) -> None:
    # [SYNC-38] a challenger that only announces does not push to the node: a switch to it
    # must GRAFT it, or the old parent is pruned and nobody pushes the origin any more
    n = _node(handshake, "parent", "lazy")
    n.receive(T0, "parent", encode_message(Items((_item(0),))))  # the parent delivers first
    grafts: list[tuple[object, object]] = []
    prunes: list[tuple[object, object]] = []
    for k in range(1, 20):
        now = T0 + 1_000 * k
        item = _item(k)
        outs = n.receive(now, "lazy", encode_message(Have((item.id,))))
        # the parent's push comes graft_lead_ms after the announcement, before the fetch
        outs += n.receive(now + PARAMS.graft_lead_ms, "parent", encode_message(Items((item,))))
        outs += n.tick(now + PARAMS.graft_lead_ms)
        grafts += _sent(outs, Graft)
        prunes += _sent(outs, Prune)
        if prunes:
            break
    assert prunes == [("parent", Prune(ORIGIN.public_key.raw))]
    assert grafts == [("lazy", Graft(ORIGIN.public_key.raw))]


def test_items_fetched_by_reconciliation_do_not_move_the_tree(handshake: Handshake) -> None:
    # [SYNC-38] only a repair (a fetch after an announcement no push beat) beats the
    # parent; ids found missing by reconciliation are fetched too, but say nothing about
    # which path is faster
    n = _node(handshake, "parent", "server")
    n.receive(T0, "parent", encode_message(Items((_item(0),))))  # the tree: parent
    missing = [_item(k) for k in range(1, 13)]
    out: list[Output] = []  # what reconciliation does with the ids it found missing
    n._on_have(T0 + 5_000, n.peers["server"], [it.id for it in missing], out)
    assert [m.ids for _, m in _sent(out, Want)] == [tuple(it.id for it in missing)]  # type: ignore[attr-defined]
    outs = n.receive(T0 + 5_050, "server", encode_message(Items(tuple(missing))))
    assert sum(isinstance(o, Accepted) for o in outs) == len(missing)
    assert _sent(outs, Graft) == [] and _sent(outs, Prune) == []
    tree = n.trees.get(ORIGIN.public_key.raw)
    assert tree is not None and tree.parent == "parent"


def test_a_busy_tree_outlives_origins_minted_for_one_item() -> None:
    # [SYNC-38] the trees are bounded; the one forgotten is the one unused longest, so
    # a stream of one-item origins (fresh author keys) does not evict a busy origin's tree
    trees = PushTrees(4)
    busy = bytes([0xAA]) * 32
    trees.new(busy).parent = "parent"
    for k in range(20):
        trees.new(bytes([k]) * 32)
        tree = trees.get(busy)  # the busy origin has an item between each two minted ones
        assert tree is not None and tree.parent == "parent"
    assert len(trees) == 4
