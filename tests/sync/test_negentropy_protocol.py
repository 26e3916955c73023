"""Negentropy v1 sessions (spec/01-sync.md [NEG-8] .. [NEG-22], [NEG-26])."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chipstack.errors import Reason, Rejected
from chipstack.sync.negentropy import Negentropy, Storage
from chipstack.sync.negentropy.protocol import parse_message


def rid(i: int) -> bytes:
    return hashlib.sha256(b"p" + i.to_bytes(4, "big")).digest()


def run(
    client_items: list[tuple[int, bytes]],
    server_items: list[tuple[int, bytes]],
    client_limit: int = 0,
    server_limit: int = 0,
) -> tuple[list[bytes], list[bytes], list[bytes]]:
    """Run a whole reconciliation; return (messages, have, need)."""
    c = Negentropy(Storage(client_items), client_limit)
    s = Negentropy(Storage(server_items), server_limit)
    msgs: list[bytes] = []
    have: list[bytes] = []
    need: list[bytes] = []
    msg: bytes | None = c.initiate()
    while msg is not None:
        assert len(msgs) < 400
        reply = s.reconcile(msg)
        msgs += [msg, reply]
        msg, h, n = c.reconcile_client(reply)
        have += h
        need += n
    return msgs, have, need


def item_sets() -> st.SearchStrategy[tuple[list[tuple[int, bytes]], list[tuple[int, bytes]]]]:
    # Record i always has the same timestamp, so ids and records correspond one to one.
    rec = st.integers(min_value=0, max_value=3000)
    return st.tuples(st.lists(rec, max_size=250), st.lists(rec, max_size=250)).map(
        lambda ab: (
            sorted({(i % 41, rid(i)) for i in ab[0]}),
            sorted({(i % 41, rid(i)) for i in ab[1]}),
        )
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(item_sets(), st.data())
def test_any_two_sets_reconcile_to_their_exact_difference(
    sets: tuple[list[tuple[int, bytes]], list[tuple[int, bytes]]], data: st.DataObject
) -> None:
    a, b = sets
    shared = data.draw(st.integers(min_value=0, max_value=300))
    common = [(1000 + i // 4, rid(10_000 + i)) for i in range(shared)]
    a, b = a + common, b + common
    limits = data.draw(st.tuples(st.sampled_from([0, 4096]), st.sampled_from([0, 4096])))
    msgs, have, need = run(a, b, *limits)
    for k, m in enumerate(msgs):
        assert limits[k % 2] == 0 or len(m) <= limits[k % 2]
    ids_a, ids_b = {i for _, i in a}, {i for _, i in b}
    assert len(have) == len(set(have)) and len(need) == len(set(need))
    assert set(have) == ids_a - ids_b
    assert set(need) == ids_b - ids_a
    assert ids_a | set(need) == ids_b | set(have) == ids_a | ids_b


@pytest.mark.parametrize(("cl", "sl"), [(4096, 4096), (0, 4096), (4096, 0), (5000, 60000)])
def test_frame_limits_are_respected_and_sets_still_converge(cl: int, sl: int) -> None:
    common = [(i // 2, rid(i)) for i in range(1500)]
    a = common + [(i // 3, rid(50_000 + i)) for i in range(700)]
    b = common + [(i, rid(90_000 + i)) for i in range(900)]
    msgs, have, need = run(a, b, cl, sl)
    for k, m in enumerate(msgs):
        limit = cl if k % 2 == 0 else sl
        assert limit == 0 or len(m) <= limit
    assert set(have) == {rid(50_000 + i) for i in range(700)}
    assert set(need) == {rid(90_000 + i) for i in range(900)}
    assert len(have) == 700 and len(need) == 900
    if cl or sl:
        assert len(msgs) > 2  # the limits forced several rounds


def test_one_difference_in_a_large_set_takes_few_rounds() -> None:
    common = [(1_600_000_000 + i, rid(i)) for i in range(20_000)]
    msgs, have, need = run([*common, (1_600_005_000, rid(999_999))], common)
    assert have == [rid(999_999)] and need == []
    assert len(msgs) // 2 <= 3


def test_identical_sets_finish_after_one_round_trip() -> None:
    items = [(i, rid(i)) for i in range(100)]
    c = Negentropy(Storage(items))
    s = Negentropy(Storage(items))
    reply = s.reconcile(c.initiate())
    assert reply == b"\x61"
    assert c.reconcile_client(reply) == (None, [], [])


def test_version_negotiation() -> None:
    s = Negentropy(Storage([(1, rid(1))]))
    for version in range(0x60, 0x70):
        if version != 0x61:
            assert s.reconcile(bytes([version]) + b"\xaa\xbb") == b"\x61"
    c = Negentropy(Storage())
    c.initiate()
    with pytest.raises(Rejected) as exc:
        c.reconcile_client(b"\x62")
    assert exc.value.reason == Reason.SYNC_NEGENTROPY_UNSUPPORTED_VERSION
    for bad in (b"\x5f", b"\x70", b"\x00", b"\xff"):
        with pytest.raises(Rejected) as exc:
            s.reconcile(bad)
        assert exc.value.reason == Reason.SYNC_NEGENTROPY_BAD_VERSION


def test_roles_and_limits_are_checked() -> None:
    c = Negentropy(Storage())
    msg = c.initiate()
    for call in (c.initiate, lambda: c.reconcile(msg)):
        with pytest.raises(Rejected) as exc:
            call()
        assert exc.value.reason == Reason.SYNC_NEGENTROPY_WRONG_ROLE
    with pytest.raises(Rejected) as exc:
        Negentropy(Storage()).reconcile_client(b"\x61")
    assert exc.value.reason == Reason.SYNC_NEGENTROPY_WRONG_ROLE
    for limit in (1, 4095, -1):
        with pytest.raises(Rejected) as exc:
            Negentropy(Storage(), limit)
        assert exc.value.reason == Reason.SYNC_FRAME_LIMIT_TOO_SMALL


def _valid_frames() -> list[bytes]:
    a = [(i // 2, rid(i)) for i in range(200)]
    b = [(i // 2, rid(i)) for i in range(20, 230)]
    msgs, _, _ = run(a, b)
    return msgs


VALID_FRAMES = _valid_frames()
SERVER_ITEMS = Storage([(i // 2, rid(i)) for i in range(20, 230)])


def _exercise(frame: bytes) -> None:
    """Feed a frame to a server and a client; only Rejected may escape."""
    try:
        parse_message(frame)
    except Rejected:
        pass
    try:
        Negentropy(SERVER_ITEMS).reconcile(frame)
    except Rejected:
        pass
    client = Negentropy(SERVER_ITEMS, 4096)
    client.initiate()
    try:
        client.reconcile_client(frame)
    except Rejected:
        pass


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(VALID_FRAMES), st.data())
def test_truncated_frames_are_rejected_with_a_reason(frame: bytes, data: st.DataObject) -> None:
    cut = data.draw(st.integers(min_value=0, max_value=len(frame) - 1))
    short = frame[:cut]
    try:
        parse_message(short)
    except Rejected as exc:
        assert isinstance(exc.reason, Reason)
    _exercise(short)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(VALID_FRAMES), st.data())
def test_mutated_frames_never_crash(frame: bytes, data: st.DataObject) -> None:
    buf = bytearray(frame)
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        pos = data.draw(st.integers(min_value=0, max_value=len(buf) - 1))
        buf[pos] = data.draw(st.integers(min_value=0, max_value=255))
    _exercise(bytes(buf))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=80))
def test_random_bytes_never_crash(data: bytes) -> None:
    _exercise(b"\x61" + data)
    _exercise(data)


def test_a_malformed_tail_rejects_the_whole_message() -> None:
    # A valid Skip range followed by a truncated range: nothing is acted on ([NEG-26]).
    s = Negentropy(SERVER_ITEMS)
    with pytest.raises(Rejected) as exc:
        s.reconcile(bytes.fromhex("618b5d0000" + "0000"))
    assert exc.value.reason == Reason.SYNC_NEGENTROPY_TRUNCATED


def test_truncating_a_valid_frame_at_a_range_boundary_can_stay_valid() -> None:
    # A message is a version byte plus whole ranges; the version byte alone is valid.
    version, ranges = parse_message(b"\x61")
    assert (version, ranges) == (0x61, [])
