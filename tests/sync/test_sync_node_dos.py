"""Denial-of-service bounds of the sans-IO node (spec SYNC-35 .. SYNC-37).

Each test plays a hostile peer by hand and checks that what the node does in answer
stays within the bounds of ``NodeParams``: session rounds and age ([SYNC-35]), items and
bytes sent in answer to a peer's messages ([SYNC-36]), and no re-push of ids a peer
refused ([SYNC-37]).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from functools import cache

from chipstack.crypto import PrivateKey
from chipstack.sync.item import Item, make_item
from chipstack.sync.node import Node, Output, Send
from chipstack.sync.params import NodeParams
from chipstack.sync.wire import Items, Recon, ReconReply, Want, decode_message
from chipstack.sync.wire import encode_message as enc

PARAMS = NodeParams(min_priority=2)
#: Defaults documented in spec/01-sync.md section 3.1 (checked against NodeParams below).
MAX_ROUNDS = 1_000
MAX_SESSION_MS = 120_000
ANSWER_ITEMS = 256
OUT_RATE = 4 * 1024 * 1024
OUT_BURST = 8 * 1024 * 1024
REPUSH_MS = 600_000
T0 = 1_000_000
#: The ``handshake`` fixture of tests/conftest.py.
Handshake = Callable[[Node, str, int], None]
AUTHOR = PrivateKey.from_label("author")
#: A Negentropy v1 message with one Fingerprint range up to infinity that never matches:
#: a client holding 32 or more records always answers it with 16 new ranges ([NEG-14]).
ENDLESS = b"\x61" + b"\x00\x00" + b"\x01" + b"\xff" * 16
#: A Negentropy v1 message with one empty IdList up to infinity: "I hold nothing".
EMPTY_IDLIST = b"\x61" + b"\x00\x00" + b"\x02\x00"


@cache
def _items(n: int, payload_len: int) -> tuple[Item, ...]:
    """``n`` valid items with ``payload_len``-byte payloads, old enough to be reconciled."""
    return tuple(make_item(AUTHOR, ("t", "dos"), i.to_bytes(4, "big") * (payload_len // 4),
                           T0 - 10_000 + i, min_priority=2) for i in range(n))


def _node(items: tuple[Item, ...], params: NodeParams = PARAMS) -> Node:
    node = Node(PrivateKey.from_label("n"), params, random.Random(5))
    for it in items:
        node.store.add(it)
    return node


def _recons(outs: list[Output], pid: str) -> list[Recon]:
    return [m for o in outs if isinstance(o, Send) and o.peer == pid
            for m in [decode_message(o.data)] if isinstance(m, Recon)]


def _pushed(outs: list[Output], pid: str) -> list[Item]:
    return [it for o in outs if isinstance(o, Send) and o.peer == pid
            for m in [decode_message(o.data)] if isinstance(m, Items) for it in m.items]


def _start_session(node: Node, pid: str, now: int) -> Recon:
    recons = _recons(node.tick(now), pid)
    assert len(recons) == 1
    return recons[0]


def test_endless_server_is_abandoned_after_max_rounds_and_client_moves_on(
    handshake: Handshake,
) -> None:
    node = _node(_items(40, 4))
    handshake(node, "h", T0)
    msg = _start_session(node, "h", T0)
    handshake(node, "g", T0)  # an honest peer joins while the hostile session runs
    now, replies = T0, 0
    while replies < 3 * MAX_ROUNDS:
        now += 50  # the client paces its RECONs at recon_msgs_per_s (20/s) ([SYNC-51])
        outs = node.receive(now, "h", enc(ReconReply(msg.session, ENDLESS)))
        replies += 1
        nxt = _recons(outs, "h")
        if not nxt:
            break
        msg = nxt[0]
    assert replies == MAX_ROUNDS
    assert node.stats.recon_abandoned == 1 and node.peers["h"].score == 0
    outs = node.tick(now + 50)
    assert _recons(outs, "g") and not _recons(outs, "h")  # the next session is with g


def test_slow_endless_server_is_abandoned_by_session_age(handshake: Handshake) -> None:
    node = _node(_items(40, 4))
    handshake(node, "h", T0)
    msg = _start_session(node, "h", T0)
    gap = PARAMS.recon_timeout_ms - 100  # just fast enough never to time out
    now, rounds = T0, 0
    while now - T0 <= 2 * MAX_SESSION_MS:
        now += gap
        nxt = _recons(node.receive(now, "h", enc(ReconReply(msg.session, ENDLESS))), "h")
        fresh = _recons(node.tick(now), "h")
        rounds += 1
        if not nxt:
            break
        msg = nxt[0]
    assert now - T0 <= MAX_SESSION_MS + gap
    assert rounds < MAX_ROUNDS and node.stats.recon_abandoned == 1
    # its only peer: a fresh session (new number) starts at once, not the old one continued
    assert len(fresh) == 1 and fresh[0].session != msg.session


def test_want_answer_is_capped_in_items(handshake: Handshake) -> None:
    items = _items(600, 4)
    node = _node(items)
    handshake(node, "h", T0)
    outs = node.receive(T0, "h", enc(Want(tuple(it.id for it in items))))
    sent = _pushed(outs, "h")
    assert len(sent) == ANSWER_ITEMS < len(items)
    assert {it.id for it in sent} <= {it.id for it in items}


def test_outbound_budget_bounds_bytes_drawn_by_repeated_wants(handshake: Handshake) -> None:
    items = _items(256, 1024)
    node = _node(items)
    handshake(node, "h", T0)
    want = enc(Want(tuple(it.id for it in items)))
    total = 0
    for k in range(60):  # 60 x ~290 KB asked within 600 ms
        outs = node.receive(T0 + 10 * k, "h", want)
        total += sum(len(o.data) for o in outs if isinstance(o, Send))
    budget = OUT_BURST + 600 * OUT_RATE // 1000
    assert total <= budget + 64 * 1024  # framing slack
    assert total < 60 * 256 * 1024  # far less than was asked
    assert node.stats.out_limited > 0 and node.peers["h"].score == 0


def test_empty_idlist_reply_spreads_the_push_over_ticks(handshake: Handshake) -> None:
    items = _items(600, 4)
    node = _node(items)
    handshake(node, "h", T0)
    msg = _start_session(node, "h", T0)
    outs = node.receive(T0 + 10, "h", enc(ReconReply(msg.session, EMPTY_IDLIST)))
    first = _pushed(outs, "h")
    assert len(first) == ANSWER_ITEMS  # not the whole store at once
    got = {it.id for it in first}
    for k in range(1, 5):
        later = _pushed(node.tick(T0 + 10 + k * PARAMS.tick_interval_ms), "h")
        assert len(later) <= ANSWER_ITEMS
        got |= {it.id for it in later}
    assert got == {it.id for it in items}  # the rest followed on later ticks


def test_ids_a_peer_refused_are_not_pushed_again_soon(handshake: Handshake) -> None:
    items = _items(40, 4)
    node = _node(items)
    handshake(node, "h", T0)
    msg = _start_session(node, "h", T0)
    outs = node.receive(T0 + 10, "h", enc(ReconReply(msg.session, EMPTY_IDLIST)))
    assert len(_pushed(outs, "h")) == 40
    # the peer dropped them all (store full); the next session finds them missing again
    now = T0 + 2 * PARAMS.reconcile_interval_ms
    msg = _start_session(node, "h", now)
    outs = node.receive(now + 10, "h", enc(ReconReply(msg.session, EMPTY_IDLIST)))
    outs += node.tick(now + 60)
    assert _pushed(outs, "h") == [] and node.stats.repush_skipped == 40
    # after repush_after_ms they are offered again (the peer's store may have room now)
    now = T0 + REPUSH_MS + 10
    msg = _start_session(node, "h", now)
    outs = node.receive(now + 10, "h", enc(ReconReply(msg.session, EMPTY_IDLIST)))
    assert len(_pushed(outs, "h")) == 40


def test_refused_memory_is_bounded(handshake: Handshake) -> None:
    params = NodeParams(min_priority=2, refused_per_peer=16)
    node = _node(_items(40, 4), params)
    handshake(node, "h", T0)
    msg = _start_session(node, "h", T0)
    node.receive(T0 + 10, "h", enc(ReconReply(msg.session, EMPTY_IDLIST)))
    assert len(node.peers["h"].recon_pushed) == 16


def test_defaults_are_the_documented_ones() -> None:
    p = NodeParams()
    assert (p.recon_max_rounds, p.recon_max_session_ms, p.max_answer_items,
            p.out_rate_bytes_per_s, p.out_burst_bytes, p.repush_after_ms) == (
        MAX_ROUNDS, MAX_SESSION_MS, ANSWER_ITEMS, OUT_RATE, OUT_BURST, REPUSH_MS)
    assert p.recon_max_rounds > 141  # an honest 1M-record session at a 60 KB frame limit


def test_an_id_queued_twice_is_pushed_once(handshake: Handshake) -> None:
    items = _items(600, 4)
    node = _node(items)
    handshake(node, "h", T0)
    msg = _start_session(node, "h", T0)
    outs = node.receive(T0 + 10, "h", enc(ReconReply(msg.session, EMPTY_IDLIST)))
    # a second session before the backlog drained queues the unsent ids again
    now = T0 + 2 * PARAMS.reconcile_interval_ms
    ticked = node.tick(now)  # starts the session (and drains some of the backlog)
    outs += ticked
    msg = _recons(ticked, "h")[0]
    outs += node.receive(now + 10, "h", enc(ReconReply(msg.session, EMPTY_IDLIST)))
    for k in range(1, 8):
        outs += node.tick(now + k * PARAMS.tick_interval_ms)
    ids = [it.id for it in _pushed(outs, "h")]
    assert sorted(ids) == sorted(it.id for it in items)  # each exactly once
