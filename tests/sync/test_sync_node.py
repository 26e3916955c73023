"""The sans-IO node: handshake, push, fetch, reconciliation, penalties (spec SYNC-23..34)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.crypto import PrivateKey
from chipstack.errors import Reason, Rejected
from chipstack.sync.item import Item, decode_item, make_item
from chipstack.sync.node import Accepted, Close, Node, Output, Send
from chipstack.sync.node.state import Bounded
from chipstack.sync.params import MAX_TTL_MS, NodeParams
from chipstack.sync.wire import (
    Auth,
    Bye,
    Have,
    Items,
    Recon,
    Want,
    decode_message,
    encode_message,
)

PARAMS = NodeParams(min_priority=2)
T0 = 1_000_000
#: The ``handshake`` fixture of tests/conftest.py.
Handshake = Callable[[Node, str, int], None]
AUTHOR = PrivateKey.from_label("author")


class Pair:
    """Two nodes wired back to back with instant, ordered delivery."""

    def __init__(self, pa: NodeParams = PARAMS, pb: NodeParams = PARAMS) -> None:
        self.nodes = {"a": Node(PrivateKey.from_label("a"), pa, random.Random(1)),
                      "b": Node(PrivateKey.from_label("b"), pb, random.Random(2))}
        self.queue: list[tuple[str, str, bytes]] = []
        self.closed: list[tuple[str, str]] = []
        self.accepted: list[tuple[str, bytes]] = []
        self.sent: list[tuple[str, bytes]] = []

    def feed(self, src: str, outs: list[Output]) -> None:
        for o in outs:
            if isinstance(o, Send):
                self.queue.append((src, str(o.peer), o.data))
                self.sent.append((src, o.data))
            elif isinstance(o, Close):
                self.closed.append((src, o.reason))
            elif isinstance(o, Accepted):
                self.accepted.append((src, o.item.id))

    def pump(self, now: int) -> None:
        while self.queue:
            src, dst, data = self.queue.pop(0)
            self.feed(dst, self.nodes[dst].receive(now, src, data))

    def connect(self, now: int = T0) -> None:
        self.feed("a", self.nodes["a"].connect(now, "b"))
        self.feed("b", self.nodes["b"].connect(now, "a"))
        self.pump(now)

    def run(self, start: int, end: int, step: int = 50) -> None:
        for t in range(start, end, step):
            for name, node in self.nodes.items():
                self.feed(name, node.tick(t))
            self.pump(t)


def test_handshake_makes_both_ready() -> None:
    p = Pair()
    p.connect()
    assert p.nodes["a"].ready_peers() == ["b"] and p.nodes["b"].ready_peers() == ["a"]
    assert p.closed == []


def test_wrong_network_is_refused() -> None:
    p = Pair(pb=replace(PARAMS, network_id=b"\x01" * 32))
    p.connect()
    assert ("a", "sync.wrong_network") in p.closed or ("b", "sync.wrong_network") in p.closed
    assert p.nodes["a"].ready_peers() == [] or p.nodes["b"].ready_peers() == []


def test_message_before_handshake_is_refused() -> None:
    a = Node(PrivateKey.from_label("a"), PARAMS, random.Random(1))
    a.connect(T0, "x")
    outs = a.receive(T0, "x", encode_message(Have((bytes(32),))))
    assert any(isinstance(o, Close) and o.reason == "sync.unexpected_message" for o in outs)
    assert "x" not in a.peers


def test_forged_auth_is_refused() -> None:
    a = Node(PrivateKey.from_label("a"), PARAMS, random.Random(1))
    b = Node(PrivateKey.from_label("b"), PARAMS, random.Random(2))
    hello_b = b.connect(T0, "a")[0]
    a.connect(T0, "b")
    assert isinstance(hello_b, Send)
    a.receive(T0, "b", hello_b.data)
    outs = a.receive(T0, "b", encode_message(Auth(bytes(64))))
    assert any(isinstance(o, Close) and o.reason == "crypto.bad_signature" for o in outs)


def test_handshake_timeout() -> None:
    a = Node(PrivateKey.from_label("a"), PARAMS, random.Random(1))
    a.connect(T0, "x")
    outs = a.tick(T0 + PARAMS.handshake_timeout_ms + 1)
    assert any(isinstance(o, Close) and o.reason == "sync.timeout" for o in outs)


def test_publish_pushes_to_peer() -> None:
    p = Pair()
    p.connect()
    item = make_item(AUTHOR, ("t", "u"), b"x", T0, min_priority=2)
    p.feed("a", p.nodes["a"].publish(T0, item))
    p.pump(T0)
    assert item.id in p.nodes["b"].store
    assert ("b", item.id) in p.accepted


def test_reconciliation_converges_both_ways() -> None:
    p = Pair()
    p.connect()
    only_a = [make_item(AUTHOR, ("t", "a"), bytes([i]), T0 + i, min_priority=2) for i in range(40)]
    only_b = [make_item(AUTHOR, ("t", "b"), bytes([i]), T0 + i, min_priority=2) for i in range(25)]
    for it in only_a:
        p.nodes["a"].store.add(it)
    for it in only_b:
        p.nodes["b"].store.add(it)
    p.run(T0, T0 + 3 * PARAMS.reconcile_interval_ms)
    assert p.nodes["a"].store.ids() == p.nodes["b"].store.ids() == {
        it.id for it in only_a + only_b}
    assert any(decode_message(d).__class__ is Recon for _, d in p.sent)


def test_invalid_items_get_peer_disconnected() -> None:
    p = Pair()
    p.connect()
    good = make_item(AUTHOR, ("t", "u"), b"x", T0, min_priority=2)
    flipped = bytes([good.signature[0] ^ 1]) + good.signature[1:]
    forged = type(good)(good.timestamp, good.expiry, good.tag1, good.tag2, None, good.author,
                        good.payload, good.nonce, flipped)
    outs = p.nodes["b"].receive(T0, "a", encode_message(Items((forged,))))
    assert any(isinstance(o, Close) and o.reason == "crypto.bad_signature" for o in outs)
    assert any(isinstance(o, Send) and isinstance(decode_message(o.data), Bye) for o in outs)
    # the banned key cannot come back
    hello = p.nodes["a"].connect(T0 + 10, "b")[0]
    p.nodes["b"].connect(T0 + 10, "a")
    assert isinstance(hello, Send)
    outs = p.nodes["b"].receive(T0 + 10, "a", hello.data)
    assert any(isinstance(o, Close) and o.reason == "sync.misbehaving" for o in outs)


def test_low_priority_spam_accumulates_penalties() -> None:
    p = Pair(pb=replace(PARAMS, min_priority=30))
    p.connect()
    closed = False
    for i in range(10):
        it = make_item(AUTHOR, ("t", "u"), bytes([i]), T0, min_priority=0)
        outs = p.nodes["b"].receive(T0, "a", encode_message(Items((it,))))
        if any(isinstance(o, Close) for o in outs):
            closed = True
            assert i >= 4  # 20 points each, ban at 100
            break
    assert closed
    assert p.nodes["b"].stats.rejected["sync.low_priority"] >= 5


def test_rate_limit() -> None:
    tight = replace(PARAMS, rate_bytes_per_s=1000, rate_burst_bytes=2000)
    p = Pair(pb=tight)
    p.connect()
    big = encode_message(Have(tuple(bytes([i]) * 32 for i in range(100))))
    assert len(big) > tight.rate_burst_bytes
    outs = p.nodes["b"].receive(T0, "a", big)
    assert outs == []  # dropped: no WANT for the announced ids
    assert p.nodes["b"].peers["a"].score == 10
    small = encode_message(Have((bytes([7]) * 32,)))
    assert p.nodes["b"].receive(T0, "a", small) == []
    outs = p.nodes["b"].tick(T0 + tight.have_delay_ms)  # within budget: fetched (WANT) ...
    wants = [decode_message(o.data) for o in outs if isinstance(o, Send)]
    assert Want((bytes([7]) * 32,)) in wants  # ... once the push tree had its chance


def test_deterministic_outputs() -> None:
    runs = []
    for _ in range(2):
        p = Pair()
        p.connect()
        for i in range(5):
            p.nodes["a"].store.add(make_item(AUTHOR, ("t", "a"), bytes([i]), T0, min_priority=2))
        p.run(T0, T0 + 5000)
        runs.append(p.sent)
    assert runs[0] == runs[1]


def test_server_session_is_freed_and_new_sessions_are_rate_limited() -> None:
    p = Pair()
    p.connect()
    for i in range(10):
        p.nodes["b"].store.add(make_item(AUTHOR, ("t", "b"), bytes([i]), T0, min_priority=2))
    client = p.nodes["a"]
    p.feed("a", client.tick(T0))  # a starts a session with b (its only peer)
    p.pump(T0)
    server_side = p.nodes["b"].peers["a"]
    assert server_side.server is not None
    # a second session opened right away is ignored, without penalty
    outs = p.nodes["b"].receive(T0 + 1, "a", encode_message(Recon(999, b"\x61")))
    assert outs == [] and server_side.score == 0
    assert p.nodes["b"].stats.rejected["sync.rate_limited"] == 1
    p.nodes["b"].tick(T0 + PARAMS.recon_timeout_ms + 1)
    assert server_side.server is None  # the snapshot is released


def _wants(outs: list[Output], pid: str) -> list[bytes]:
    return [i for o in outs if isinstance(o, Send) and o.peer == pid
            for m in [decode_message(o.data)] if isinstance(m, Want) for i in m.ids]


def test_forged_copy_is_refetched_from_another_announcer(handshake: Handshake) -> None:
    n = Node(PrivateKey.from_label("n"), PARAMS, random.Random(3))
    handshake(n, "h", T0)
    handshake(n, "g", T0)
    item = make_item(AUTHOR, ("t", "u"), b"x", T0, min_priority=2)
    n.receive(T0, "h", encode_message(Have((item.id,))))
    n.receive(T0, "g", encode_message(Have((item.id,))))
    assert _wants(n.tick(T0 + PARAMS.have_delay_ms), "h") == [item.id]  # first announcer
    forged = type(item)(item.timestamp, item.expiry, item.tag1, item.tag2, None, item.author,
                        item.payload, item.nonce, bytes(64))  # same id, bad signature
    outs = n.receive(T0 + 200, "h", encode_message(Items((forged,))))
    assert any(isinstance(o, Close) and o.peer == "h" for o in outs)
    assert _wants(outs, "g") == [item.id]  # asked the other announcer at once
    outs = n.receive(T0 + 300, "g", encode_message(Items((item,))))
    assert any(isinstance(o, Accepted) and o.item == item for o in outs)
    assert n._sources == {} and n._fetching == {}  # nothing left behind


def test_refused_fetched_item_leaves_no_fetch_state(handshake: Handshake) -> None:
    n = Node(PrivateKey.from_label("n"), PARAMS, random.Random(3))
    handshake(n, "h", T0)
    handshake(n, "g", T0)
    dead = make_item(AUTHOR, ("t", "u"), b"old", T0 - 10_000, 5_000, min_priority=2)
    n.receive(T0, "h", encode_message(Have((dead.id,))))
    n.receive(T0, "g", encode_message(Have((dead.id,))))
    assert _wants(n.tick(T0 + PARAMS.have_delay_ms), "h") == [dead.id]
    outs = n.receive(T0 + 200, "h", encode_message(Items((dead,))))
    assert n.stats.rejected["sync.expired"] == 1 and not any(isinstance(o, Close) for o in outs)
    assert n._sources == {} and n._fetching == {}
    assert n.receive(T0 + 300, "g", encode_message(Have((dead.id,)))) == []  # remembered


def test_publishing_a_stored_item_again_changes_nothing() -> None:
    p = Pair()
    p.connect()
    item = make_item(AUTHOR, ("t", "u"), b"x", T0, min_priority=2)
    first = p.nodes["a"].publish(T0, item)
    assert [o for o in first if isinstance(o, Accepted)] == [Accepted(item, None)]
    assert p.nodes["a"].publish(T0 + 1, item) == []
    assert p.nodes["a"].stats.accepted == 1


@pytest.mark.parametrize(
    "changes",
    [{"recon_frame_limit": 0}, {"recon_frame_limit": 4095}, {"recon_frame_limit": 2**20 + 1},
     {"network_id": b"x"}, {"tick_interval_ms": 0}],
)
def test_params_the_node_cannot_honour_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        replace(NodeParams(), **changes)  # type: ignore[arg-type]


POOL = [make_item(AUTHOR, ("pool", str(i % 4)), bytes([i]) * (1 + i % 50), T0 - 5000 + 37 * i,
                  min_priority=2) for i in range(60)]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "both"]), min_size=len(POOL), max_size=len(POOL)))
def test_two_nodes_reconcile_random_sets_to_their_union(where: list[str]) -> None:
    p = Pair()
    p.connect()
    for item, w in zip(POOL, where, strict=True):
        for name in ("a", "b"):
            if w in (name, "both"):
                p.nodes[name].store.add(item)
    p.run(T0, T0 + 2 * PARAMS.reconcile_interval_ms + PARAMS.fetch_timeout_ms)
    assert p.nodes["a"].store.ids() == p.nodes["b"].store.ids() == {it.id for it in POOL}
    assert p.closed == []


def test_bounded_set_forgets_oldest_first() -> None:
    b = Bounded(3)
    for k in (b"a", b"b", b"c", b"a", b"d"):  # re-adding "a" does not refresh it
        b.add(k)
    assert [k in b for k in (b"a", b"b", b"c", b"d")] == [False, True, True, True]
    b.discard(b"c")
    b.add(b"e")
    b.add(b"f")
    assert len(b) == 3 and [k in b for k in (b"b", b"d", b"e", b"f")] == [False, True, True, True]


def test_publishing_an_item_that_breaks_the_structural_rules_is_refused() -> None:
    # [SYNC-2] an item built by hand with an expiry beyond MAX_TTL_MS is refused, as a
    # decoder refuses it; stored, its kept encoding could not be decoded again when read
    key = PrivateKey.from_label("structure")
    good = make_item(key, "t", b"x", T0, min_priority=2)
    expiry = T0 + MAX_TTL_MS + 1
    bad = Item(T0, expiry, "t", "", None, good.author, b"x", good.nonce, b"")
    bad = Item(T0, expiry, "t", "", None, good.author, b"x", good.nonce, key.sign(bad.id))
    node = Node(key, NodeParams(min_priority=0), random.Random(1))
    with pytest.raises(Rejected) as exc:
        node.publish(T0, bad)
    assert exc.value.reason == Reason.SYNC_BAD_EXPIRY
    assert bad.id not in node.store and len(node.store) == 0
    with pytest.raises(Rejected) as again:  # what a peer would answer to its encoding
        decode_item(bad.encoding)
    assert again.value.reason == Reason.SYNC_BAD_EXPIRY
