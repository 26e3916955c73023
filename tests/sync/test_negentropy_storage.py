"""The sorted record set with cached sums (spec/01-sync.md [NEG-1], [NEG-10], [NEG-11])."""

from __future__ import annotations

import hashlib
from bisect import bisect_left

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.errors import Reason, Rejected
from chipstack.sync.negentropy import Storage
from chipstack.sync.negentropy import storage as storage_mod

U64 = 2**64 - 1


def naive_fingerprint(ids: list[bytes]) -> bytes:
    total = sum(int.from_bytes(i, "little") for i in ids) % 2**256
    n = len(ids)
    digits = [n % 128]
    while n >= 128:
        n //= 128
        digits.insert(0, 128 + n % 128)
    count = bytes(digits)
    return hashlib.sha256(total.to_bytes(32, "little") + count).digest()[:16]


def rid(i: int) -> bytes:
    return hashlib.sha256(i.to_bytes(4, "big")).digest()


records = st.lists(
    st.tuples(st.integers(min_value=0, max_value=20), st.integers(min_value=0, max_value=500)),
    max_size=200,
)


@settings(max_examples=60)
@given(records, st.data())
def test_fingerprints_and_lookups_match_a_plain_sorted_list(
    raw: list[tuple[int, int]], data: st.DataObject
) -> None:
    items = sorted({(ts, rid(i)) for ts, i in raw})
    s = Storage(items)
    assert list(s) == items and len(s) == len(items)
    lo = data.draw(st.integers(min_value=0, max_value=len(items)))
    hi = data.draw(st.integers(min_value=lo, max_value=len(items)))
    assert s.fingerprint(lo, hi) == naive_fingerprint([i for _, i in items[lo:hi]])
    probe = (data.draw(st.integers(min_value=0, max_value=21)), data.draw(st.binary(max_size=32)))
    key = probe[0].to_bytes(8, "big") + probe[1].ljust(32, b"\0")
    keys = [t.to_bytes(8, "big") + i for t, i in items]
    assert s.lower_bound(key) == bisect_left(keys, key)
    assert s.lower_bound(key, lo, hi) == min(max(bisect_left(keys, key), lo), hi)


def test_mutations_keep_sums_right_across_block_splits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage_mod, "BLOCK_SIZE", 4)
    s = Storage()
    model: set[tuple[int, bytes]] = set()
    for i in range(300):
        rec = (i % 7, rid(i * 31 % 300))
        assert s.insert(*rec) is (rec not in model)
        model.add(rec)
        if i % 5 == 0:
            victim = sorted(model)[i % len(model)]
            assert s.remove(*victim)
            model.discard(victim)
            assert not s.remove(*victim)
        items = sorted(model)
        if i % 17 == 0:
            for lo, hi in [(0, len(items)), (len(items) // 3, len(items) // 2)]:
                assert s.fingerprint(lo, hi) == naive_fingerprint([r for _, r in items[lo:hi]])
    assert list(s) == sorted(model)
    assert all(rec in s for rec in model)
    assert (99, rid(1)) not in s


def test_insert_is_idempotent_and_duplicates_in_constructor_rejected() -> None:
    s = Storage([(1, rid(1))])
    assert not s.insert(1, rid(1))
    with pytest.raises(Rejected) as exc:
        Storage([(1, rid(1)), (1, rid(1))])
    assert exc.value.reason == Reason.SYNC_NEGENTROPY_DUPLICATE_ITEM


@pytest.mark.parametrize(
    "rec",
    [(U64, rid(1)), (-1, rid(1)), (1, b"\x00" * 31), (1, b"\x00" * 33), (True, rid(1))],
)
def test_bad_records_rejected(rec: tuple[int, bytes]) -> None:
    with pytest.raises(Rejected) as exc:
        Storage([rec])
    assert exc.value.reason == Reason.SYNC_NEGENTROPY_BAD_ITEM


def test_largest_finite_timestamp_is_allowed() -> None:
    assert len(Storage([(U64 - 1, rid(0))])) == 1


def test_a_large_set_is_built_in_blocks_with_correct_sums() -> None:
    items = sorted((i // 3, rid(i)) for i in range(20_000))
    s = Storage(items)
    assert len(s._blocks) == -(-20_000 // storage_mod.BLOCK_SIZE)
    assert s.fingerprint(0, 20_000) == naive_fingerprint([r for _, r in items])
    assert s.fingerprint(777, 15_001) == naive_fingerprint([r for _, r in items[777:15_001]])
    assert s.item_at(19_999) == items[-1]
