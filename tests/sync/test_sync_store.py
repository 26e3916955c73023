"""The store: ordering, capacity, eviction order, expiry, queries (spec SYNC-12..16)."""

from __future__ import annotations

import sqlite3

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


def _refused(path: str) -> str:
    with pytest.raises(Rejected) as exc:
        SqliteStore(100, 10**6, path)
    assert exc.value.reason == Reason.SYNC_BAD_STORE
    assert "\n" not in str(exc.value)
    return str(exc.value)


def test_foreign_or_damaged_files_are_refused_in_one_line(tmp_path: object) -> None:
    """[SYNC-17]: not SQLite, another schema, a row whose id is not its item's."""
    import sqlite3

    junk = str(tmp_path) + "/junk.sqlite"
    with open(junk, "wb") as f:
        f.write(b"this is not a database, only some words " * 4)
    assert "not a database" in _refused(junk)
    foreign = str(tmp_path) + "/foreign.sqlite"
    db = sqlite3.connect(foreign)
    db.execute("CREATE TABLE items (name TEXT)")
    db.commit()
    db.close()
    assert "items: name" in _refused(foreign)
    db = sqlite3.connect(foreign)
    assert db.execute("SELECT name FROM sqlite_master").fetchall() == [("items",)]  # untouched
    db.close()
    damaged = str(tmp_path) + "/damaged.sqlite"
    s = SqliteStore(100, 10**6, damaged)
    for it in ITEMS[:3]:
        s.add(it)
    s.close()
    db = sqlite3.connect(damaged)
    raw = bytearray(ITEMS[1].encoding)
    raw[-70] ^= 1  # a byte of the body: the row's id no longer matches it
    db.execute("UPDATE items SET encoding = ? WHERE id = ?", (bytes(raw), ITEMS[1].id))
    db.commit()
    db.close()
    assert "damaged item row" in _refused(damaged)


def test_a_write_interrupted_before_commit_leaves_the_last_committed_state(
        tmp_path: object) -> None:
    """[SYNC-17]: a process killed inside an insert leaves the store as it was."""
    import subprocess
    import sys

    path = str(tmp_path) + "/node.sqlite"
    s = SqliteStore(100, 10**6, path)
    for it in ITEMS[:5]:
        s.add(it)
    s.close()
    killed = (  # the store's own insert, with the process dying before the commit
        "import os, sqlite3, sys\n"
        "from chipstack.sync.store import SqliteStore\n"
        "from tests.sync.test_sync_store import ITEMS\n"
        "s = SqliteStore(100, 10**6, sys.argv[1])\n"
        "class Dies(sqlite3.Connection):\n"
        "    def commit(self): os._exit(9)\n"
        "db = sqlite3.connect(sys.argv[1], factory=Dies)\n"
        "s._db = db\n"
        "s.add(ITEMS[7])\n")
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    r = subprocess.run([sys.executable, "-c", killed, path], cwd=root, timeout=120)
    assert r.returncode == 9
    again = SqliteStore(100, 10**6, path)
    assert again.ids() == {it.id for it in ITEMS[:5]}
    again.close()


@given(st.text(max_size=40))
@settings(max_examples=60, deadline=None)
def test_queries_are_parameters_never_sql(tag: str) -> None:
    """A tag full of SQL is only ever compared, never run ([SYNC-16])."""
    s = SqliteStore(100, 10**6, ":memory:")
    for it in ITEMS[:6]:
        s.add(it)
    for text in (tag, "x' OR '1'='1", "'); DROP TABLE items; --"):
        got = list(s.query(tag=text))
        assert all(it.has_tag(text) for it in got)
    assert len(list(s.query())) == 6
    s.close()


def test_node_key_file_is_created_owner_only(tmp_path: object) -> None:
    """[SYNC-17]: the key file is 0600 from its creation, whatever the umask."""
    import os
    import stat

    from chipstack.cli.sync_cmd import _open_data

    old = os.umask(0)
    try:
        seed, store = _open_data(str(tmp_path))
    finally:
        os.umask(old)
    mode = stat.S_IMODE(os.stat(str(tmp_path) + "/node.key").st_mode)
    assert mode == 0o600 and len(seed) == 32 and store.endswith("store.sqlite")
    assert _open_data(str(tmp_path))[0] == seed  # kept, not redrawn


# -- compact storage: encodings kept, items decoded again; the orders at their bounds ------


def test_items_decoded_again_equal_the_stored_ones(make: type[Store]) -> None:
    """Past the cache, an item is decoded from the kept encoding: the same fields."""
    s = make(100, 10**6)
    s.cache_size = 2
    for it in ITEMS:
        s.add(it)
    for it in ITEMS:
        got = s.get(it.id)
        assert got is not None and got.encoding == it.encoding and got.id == it.id
        assert (got.timestamp, got.expiry, got.tag1, got.tag2, got.payload, got.priority) == (
            it.timestamp, it.expiry, it.tag1, it.tag2, it.payload, it.priority)
        assert s.expiry_of(it.id) == it.expiry
    assert len(s._cache) <= 2
    assert [q.encoding for q in s.query()] == [it.encoding for it in
                                               sorted(ITEMS, key=lambda i: (i.timestamp, i.id))]


def test_time_and_expiry_orders_at_their_bounds(make: type[Store]) -> None:
    s = make(100, 10**6)
    for it in ITEMS:
        s.add(it)
    keys = sorted(it.key for it in ITEMS)
    for t in (-5, 0, T0 - 1, T0, T0 + 6, T0 + 12, T0 + 13, 2**64 - 1, 2**70):
        assert s.keys_before(t) == [k for k in keys if k[0] <= t], t
        assert s.keys_after(t) == [k for k in keys if k[0] > t], t
        assert s.keys_expiring(t) == [it.key for it in sorted(ITEMS, key=lambda i: (i.expiry, i.id))
                                      if it.expiry <= t], t
        assert [q.id for q in s.query(since=t)] == [k[1] for k in keys if k[0] >= t], t
        assert [q.id for q in s.query(until=t)] == [k[1] for k in keys if k[0] < t], t
    assert s.min_expiry() == min(it.expiry for it in ITEMS)
    assert list(s.index) == keys


class _CountingDb:
    """A SQLite connection that counts its commits."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.commits = 0

    def execute(self, *args: object) -> object:
        return self.db.execute(*args)  # type: ignore[arg-type]

    def commit(self) -> None:
        self.commits += 1
        self.db.commit()

    def close(self) -> None:
        self.db.close()


def _counting(s: SqliteStore) -> _CountingDb:
    db = _CountingDb(s._db)
    s._db = db  # type: ignore[assignment]
    return db


def test_sqlite_batch_commits_once_when_the_block_ends(tmp_path: object) -> None:
    """[SYNC-17]: inside batch() changes are not yet durable; when it ends they all are."""
    path = f"{tmp_path}/batch.sqlite"
    s = SqliteStore(100, 10**6, path)
    db = _counting(s)
    other = sqlite3.connect(path)
    with s.batch():
        with s.batch():  # nested: only the outermost block commits
            for it in ITEMS[:10]:
                s.add(it)
        assert other.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 0
    assert db.commits == 1
    assert other.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 10
    s.add(ITEMS[10])  # outside a batch: committed at once
    assert db.commits == 2
    other.close()
    s.close()


def test_node_commits_an_items_message_once_before_returning(tmp_path: object) -> None:
    """A node on a SQLite store makes a whole ITEMS message durable in one commit, and
    before it returns the outputs that announce the items ([SYNC-17])."""
    from chipstack.sync.node import Accepted, Node
    from chipstack.sync.params import NodeParams
    from chipstack.sync.wire import Items, encode_message

    path = f"{tmp_path}/node.sqlite"
    store = SqliteStore(100, 10**6, path)
    db = _counting(store)
    node = Node(PrivateKey.from_label("committer"), NodeParams(min_priority=0), store=store)
    node.connect(T0, "peer", PrivateKey.from_label("sender").public_key.raw)
    out = node.receive(T0, "peer", encode_message(Items(tuple(ITEMS[:8]))))
    assert sum(isinstance(o, Accepted) for o in out) == 8 and db.commits == 1
    other = sqlite3.connect(path)
    assert other.execute("SELECT COUNT(*) FROM items").fetchone()[0] == 8
    other.close()
    store.close()
