"""Bounded cost of every message ([SYNC-50] .. [SYNC-52]): ranges, RECON rate, work.

Each test plays an attack of issue 13 by hand against one node and asserts counts
(ranges parsed, work units charged, items decoded), never times. The simulator test
``test_hostile_peers_get_disconnected`` runs the same attacks (``max_frame``,
``dup_flood``) while honest nodes converge.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from chipstack.crypto import PrivateKey
from chipstack.sync.item import Item, decode_item, make_item
from chipstack.sync.node import Accepted, Close, Node, Output, Send
from chipstack.sync.params import WORK_DUPLICATE, NodeParams, honest_max_ranges
from chipstack.sync.sim.hostile import MAX_FRAME
from chipstack.sync.wire import Items, Recon, ReconReply, decode_message
from chipstack.sync.wire import encode_message as enc

PARAMS = NodeParams(min_priority=2)
T0 = 1_000_000
Handshake = Callable[[Node, str, int], None]
AUTHOR = PrivateKey.from_label("author")


def _item(k: int) -> Item:
    return make_item(AUTHOR, ("t", "b"), k.to_bytes(4, "big") * 8, T0 - 5_000 + k,
                     min_priority=2)


def _closed(outs: list[Output], reason: str) -> bool:
    return any(isinstance(o, Close) and o.reason == reason for o in outs)


def _skips(n: int) -> bytes:
    """A Negentropy v1 frame of ``n`` Skip ranges with ascending bounds."""
    return b"\x61" + b"\x02\x00\x00" * n


def test_maximal_frame_is_refused_after_bounded_work(handshake: Handshake) -> None:
    node = Node(PrivateKey.from_label("n"), PARAMS)
    for k in range(50):
        node.store.add(_item(k))
    handshake(node, "h", T0)
    assert len(MAX_FRAME) == 1024 * 1024 and (len(MAX_FRAME) - 1) // 3 == 349_525
    outs = node.receive(T0, "h", enc(Recon(1, MAX_FRAME)))
    assert _closed(outs, "sync.too_many_ranges")
    # parsing stopped at the cap: at most recon_max_ranges ranges (plus the message's
    # own charge of 1 + 1 per KiB) were worked on, not 349,525
    assert node.stats.work <= PARAMS.recon_max_ranges + 1 + 1025
    again = node.connect(T0 + 1, "h2", PrivateKey.from_label("h").public_key.raw)
    assert _closed(again, "sync.misbehaving")  # the key is banned


def test_the_honest_bound_is_below_the_cap() -> None:
    assert honest_max_ranges(PARAMS.recon_frame_limit) <= PARAMS.recon_max_ranges
    with pytest.raises(ValueError):
        NodeParams(recon_frame_limit=1024 * 1024)  # needs a larger recon_max_ranges
    NodeParams(recon_frame_limit=1024 * 1024, recon_max_ranges=349_525,
               recon_max_session_ranges=1_000_000)


def test_session_range_budget_spans_frames(handshake: Handshake) -> None:
    params = replace(PARAMS, recon_max_ranges=20_480, recon_max_session_ranges=25_000)
    node = Node(PrivateKey.from_label("n"), params)
    handshake(node, "h", T0)
    first = node.receive(T0, "h", enc(Recon(9, _skips(15_000))))
    assert any(isinstance(o, Send) for o in first) and not _closed(first, "sync.too_many_ranges")
    second = node.receive(T0 + 100, "h", enc(Recon(9, _skips(15_000))))
    assert _closed(second, "sync.too_many_ranges")
    work_ranges = node.stats.work - 2 * (1 + len(enc(Recon(9, _skips(15_000)))) // 1024)
    assert work_ranges <= 25_000


def test_recon_message_rate_is_bounded_per_peer(handshake: Handshake) -> None:
    node = Node(PrivateKey.from_label("n"), PARAMS)
    handshake(node, "h", T0)
    answers, closed = 0, False
    for _ in range(200):  # a client that does not wait for answers
        outs = node.receive(T0, "h", enc(Recon(3, b"\x61")))
        answers += sum(isinstance(o, Send) for o in outs)
        if _closed(outs, "sync.rate_limited"):
            closed = True
            break
    assert closed
    assert answers <= PARAMS.recon_msgs_burst + 1  # + the BYE


def test_replay_flood_exhausts_the_work_budget(handshake: Handshake) -> None:
    params = replace(PARAMS, work_burst=100_000)  # spent before the 16 MiB byte burst
    node = Node(PrivateKey.from_label("n"), params)
    handshake(node, "h", T0)
    item = _item(1)
    flood = enc(Items((item,) * 64))
    decoded = 0
    real = decode_item

    def counting(raw: bytes) -> Item:
        nonlocal decoded
        decoded += 1
        return real(raw)

    node.decode_item = counting
    accepted, messages, outs = 0, 0, []
    while messages < 10_000:
        outs = node.receive(T0, "h", flood)
        messages += 1
        accepted += sum(isinstance(o, Accepted) for o in outs)
        if _closed(outs, "sync.rate_limited"):
            break
    assert _closed(outs, "sync.rate_limited") and accepted == 1
    assert decoded == 64  # only the first message was decoded: later copies by id only
    # duplicates processed are bounded by the work budget, not by what was sent
    assert node.stats.duplicates <= params.work_burst // WORK_DUPLICATE + 64
    assert node.stats.work_limited == 10  # ten dropped messages: 10 x 10 points


def test_unasked_recon_replies_are_ignored(handshake: Handshake) -> None:
    node = Node(PrivateKey.from_label("n"), PARAMS)
    for k in range(40):
        node.store.add(_item(k))
    handshake(node, "h", T0)
    recon = [m for o in node.tick(T0) if isinstance(o, Send)
             for m in [decode_message(o.data)] if isinstance(m, Recon)]
    assert len(recon) == 1
    endless = b"\x61" + b"\x00\x00" + b"\x01" + b"\xff" * 16
    node.receive(T0 + 10, "h", enc(ReconReply(recon[0].session, endless)))
    ranges = node.stats.work
    for _ in range(5):  # replies nobody asked for: the client waits for its pacing slot
        node.receive(T0 + 11, "h", enc(ReconReply(recon[0].session, endless)))
    assert node.stats.work - ranges == 5 * 1  # only each message's own charge


def test_records_that_never_complete_a_message_cost_work(handshake: Handshake) -> None:
    """[SYNC-52]: tiny secure-channel records are charged, so they reach the ban score."""
    from chipstack.sync.params import WORK_RECORD

    params = replace(PARAMS, work_burst=10_000)
    node = Node(PrivateKey.from_label("n"), params)
    handshake(node, "h", T0)
    before = node.stats.work
    reads, outs = 0, list[Output]()
    while reads < 1_000 and not _closed(outs, "sync.rate_limited"):
        outs = node.records(T0, "h", 3855)  # one 64 KiB read of one-byte records
        reads += 1
    assert _closed(outs, "sync.rate_limited")
    # the burst is spent after ceil(10000 / 3855) = 3 reads; then 10 over-budget reads
    # of 10 points each reach the ban score of 100
    assert reads == 3 + 10 and node.stats.work_limited == 10
    assert node.stats.work - before == reads * 3855 * WORK_RECORD
    assert node.records(T0, "h", 5) == []  # a closed peer is unknown: nothing happens
