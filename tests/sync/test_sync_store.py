"""The store: ordering, capacity, eviction order, expiry, queries (spec SYNC-12..16)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.crypto import PrivateKey
from chipstack.errors import Reason, Rejected
from chipstack.sync.item import Item, make_item
from chipstack.sync.store import SqliteStore, Store

KEY = PrivateKey.from_label("test-store")
T0 = 1_000_000


def _items(n: int) -> list[Item]:
    out = []
    for i in range(n):
        out.append(make_item(KEY, ("tag" + str(i % 3), "s" + str(i % 2)), bytes([i]) * (10 + i),
                             T0 + (i * 7) % 13, 1000 + 100 * i, min_priority=0))
    return out


ITEMS = _items(40)


@pytest.fixture(params=["memory", "sqlite"])
def make(request: pytest.FixtureRequest) -> type[Store]:
    """Both stores obey the same rules: the in-memory one and SQLite (in memory here)."""
    if request.param == "memory":
        return Store

    class InMemorySqlite(SqliteStore):
        def __init__(self, max_items: int, max_bytes: int) -> None:
            super().__init__(max_items, max_bytes, ":memory:")

    return InMemorySqlite


def test_order_and_queries(make: type[Store]) -> None:
    s = make(100, 10**6)
    for it in ITEMS:
        s.add(it)
    assert s.keys() == sorted((it.timestamp, it.id) for it in ITEMS)
    got = [it.id for it in s.query(tag="tag1")]
    want = [it.id for it in sorted(ITEMS, key=lambda i: (i.timestamp, i.id)) if it.has_tag("tag1")]
    assert got == want
    got2 = [it.id for it in s.query(tag="tag1", tag2="s0", since=T0 + 3, until=T0 + 9)]
    by_id = {it.id: it for it in ITEMS}
    assert got2 == [i for i in want if by_id[i].tag2 == "s0"
                    and T0 + 3 <= by_id[i].timestamp < T0 + 9]
    assert s.add(ITEMS[0]) == [] and len(s) == len(ITEMS)


def test_destination_index(make: type[Store]) -> None:
    dest = PrivateKey.from_label("d").public_key.raw
    a = make_item(KEY, ("x", ""), b"a", T0, 100, destination=dest, min_priority=0)
    s = make(10, 10**6)
    s.add(a)
    s.add(ITEMS[0])
    assert [i.id for i in s.query(destination=dest)] == [a.id]
    s.remove(a.id)
    assert list(s.query(destination=dest)) == []


def test_purge_expired(make: type[Store]) -> None:
    s = make(100, 10**6)
    for it in ITEMS:
        s.add(it)
    cut = T0 + 2500
    gone = s.purge_expired(cut)
    assert {g.id for g in gone} == {it.id for it in ITEMS if it.expiry <= cut}
    assert all(s.get(it.id) is not None for it in ITEMS if it.expiry > cut)


def test_refuses_item_ranking_lowest_when_full(make: type[Store]) -> None:
    s = make(3, 10**6)
    ranked = sorted(ITEMS[:4], key=lambda i: (i.priority, i.timestamp, i.id))
    for it in ranked[1:]:
        s.add(it)
    with pytest.raises(Rejected) as exc:
        s.add(ranked[0])
    assert exc.value.reason == Reason.SYNC_STORE_FULL
    assert len(s) == 3


@settings(max_examples=60)
@given(st.permutations(list(range(len(ITEMS)))), st.integers(1, 12), st.integers(200, 1500))
def test_bounds_hold_and_evictions_follow_rank(
    order: list[int], max_items: int, max_bytes: int
) -> None:
    _check_bounds(Store(max_items, max_bytes), order, max_items, max_bytes)
    _check_bounds(SqliteStore(max_items, max_bytes, ":memory:"), order, max_items, max_bytes)


def _check_bounds(s: Store, order: list[int], max_items: int, max_bytes: int) -> None:
    for k in order:
        it = ITEMS[k]
        rank = (it.priority, it.timestamp, it.id)
        try:
            evicted = s.add(it)
        except Rejected as exc:
            assert exc.reason == Reason.SYNC_STORE_FULL
            continue
        for e in evicted:  # everything evicted ranked below the newcomer ...
            assert (e.priority, e.timestamp, e.id) < rank
            kept = [x for x in (s.get(i) for _, i in s.keys()) if x is not None]
            assert all((e.priority, e.timestamp, e.id) <= (x.priority, x.timestamp, x.id)
                       for x in kept)  # ... and below everything kept
        assert len(s) <= max_items and s.bytes_used <= max_bytes
        stored = [x for x in (s.get(i) for _, i in s.keys()) if x is not None]
        assert len(stored) == len(s) and s.bytes_used == sum(x.size for x in stored)
        assert list(s.index) == s.keys()  # the reconciliation index follows every change


def test_sqlite_store_survives_a_restart(tmp_path: object) -> None:
    path = str(tmp_path) + "/node.sqlite"
    s = SqliteStore(100, 10**6, path)
    for it in ITEMS[:30]:
        s.add(it)
    s.remove(ITEMS[3].id)
    s.close()
    again = SqliteStore(100, 10**6, path)
    assert again.ids() == {it.id for it in ITEMS[:30]} - {ITEMS[3].id}
    assert again.keys() == sorted(it.key for it in ITEMS[:30] if it is not ITEMS[3])
    assert again.bytes_used == sum(it.size for it in ITEMS[:30]) - ITEMS[3].size
    assert again.get(ITEMS[5].id) == ITEMS[5]
    again.close()
    smaller = SqliteStore(10, 10**6, path)  # reopened under a smaller capacity
    assert len(smaller) == 10
    ranked = sorted((it for it in ITEMS[:30] if it is not ITEMS[3]),
                    key=lambda i: (i.priority, i.timestamp, i.id))
    assert smaller.ids() == {it.id for it in ranked[-10:]}  # the lowest-ranked went
    smaller.close()


def test_node_session_snapshot_is_the_live_old_enough_set() -> None:
    """The copied index minus young and expiring keys is exactly the set of [SYNC-31]."""
    from chipstack.sync.node import Node
    from chipstack.sync.params import NodeParams

    params = NodeParams(min_priority=0, recon_grace_ms=5, fetch_timeout_ms=300)
    node = Node(KEY, params)
    for it in ITEMS:
        node.store.add(it)
    for now in (T0, T0 + 8, T0 + 1_500, T0 + 3_000):
        snap = node._live_keys(now)
        want = [(it.timestamp, it.id) for it in ITEMS
                if it.timestamp <= now - 5 and it.expiry > now + 300]
        assert list(snap) == sorted(want)
    assert list(node.store.index) == node.store.keys()  # the live index is untouched
