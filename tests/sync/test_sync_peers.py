"""Connection management ([SYNC-60] .. [SYNC-64]): groups, limits, eviction, bans, redial.

The policy tests play the idle-slot exhaustion of issue 13 with explicit addresses; the
TCP tests play the reconnect under a new key, eviction, redial and learned addresses on
loopback.
"""

from __future__ import annotations

import asyncio
import random

import pytest

from chipstack.crypto import PrivateKey
from chipstack.sync.node import Node
from chipstack.sync.params import NodeParams
from chipstack.sync.peers import (
    ADDRESSES_PER_SOURCE,
    AddressBook,
    ConnectionPolicy,
    Limits,
    address_group,
    redial_delay_ms,
)
from chipstack.sync.tcp import TcpNode, now_ms
from chipstack.sync.wire import Addr, decode_message, encode_message

FAST = NodeParams(min_priority=2, reconcile_interval_ms=300)


def test_address_groups() -> None:
    assert address_group("1.2.3.4") == address_group("1.2.200.9") == "1.2.0.0/16"
    assert address_group("1.3.3.4") != address_group("1.2.3.4")
    assert address_group("2001:db8:1::1") == address_group("2001:db8:ffff::2") == "2001:db8::/32"
    assert address_group("::ffff:1.2.3.4") == "1.2.0.0/16"  # IPv4-mapped counts as IPv4


def test_limits_per_address_and_group() -> None:
    pol = ConnectionPolicy(Limits(max_connections=100, max_per_address=2, max_per_group=3))
    for pid in range(2):
        assert pol.admit(0, "9.9.1.1", True).accept
        pol.opened(0, pid, "9.9.1.1", True)
    assert pol.admit(0, "9.9.1.1", True).reason == "per_address"
    assert pol.admit(0, "9.9.2.2", True).accept
    pol.opened(0, 2, "9.9.2.2", True)
    assert pol.admit(0, "9.9.3.3", True).reason == "per_group"
    assert pol.admit(0, "9.8.3.3", True).accept  # another /16
    assert pol.admit(0, "127.0.0.1", True).accept  # loopback is not limited per address


def _full_policy() -> tuple[ConnectionPolicy, list[int]]:
    """A node with 8 honest inbound peers (distinct groups, long-lived, useful) whose other
    slots attackers fill with idle connections from two /16s."""
    lim = Limits(max_connections=40, max_per_address=4, max_per_group=40)
    pol = ConnectionPolicy(lim, secret=b"node secret")
    honest = list(range(8))
    for pid in honest:
        pol.opened(0, pid, f"{10 + pid}.1.0.1", True)
        pol.useful(1_000 + pid, pid)
    pid = 100
    while len(pol.conns) < lim.max_connections:
        host = f"66.{pid % 2}.{pid // 250}.{pid % 250}"
        decision = pol.admit(5_000 + pid, host, True)
        assert decision.accept
        pol.opened(5_000 + pid, pid, host, True)
        pid += 1
    return pol, honest


def test_idle_slot_exhaustion_cannot_lock_out_new_peers_or_evict_useful_ones() -> None:
    pol, honest = _full_policy()
    evicted: list[int] = []
    pid = 1_000
    for k in range(126):  # 126 more idle identities from the attacker's groups
        host = f"66.{k % 2}.9.{k}"
        decision = pol.admit(10_000 + k, host, True)
        assert decision.accept and decision.evict is not None
        assert decision.evict not in honest  # useful, long-lived peers are protected
        evicted.append(decision.evict)
        pol.closed(decision.evict)
        pol.opened(10_000 + k, pid, host, True)
        pid += 1
    # a new honest peer still gets a slot, and every honest peer is still connected
    decision = pol.admit(20_000, "77.7.7.7", True)
    assert decision.accept and decision.evict is not None and decision.evict not in honest
    assert all(h in pol.conns for h in honest)
    assert len(evicted) == 126


def test_eviction_refuses_when_everyone_is_protected() -> None:
    lim = Limits(max_connections=4)
    pol = ConnectionPolicy(lim, secret=b"s")
    for pid in range(4):
        pol.opened(0, pid, f"{20 + pid}.0.0.1", True)  # four groups: all protected
    assert pol.admit(1, "30.0.0.1", True).reason == "full"
    assert pol.admit(1, "30.0.0.1", False).reason == "full"  # a dial never evicts


def test_new_connections_per_address_are_rate_limited() -> None:
    """[SYNC-62]: opening and dropping connections buys one handshake per token."""
    pol = ConnectionPolicy(Limits(accepts_per_s=2.0, accepts_burst=8))
    got = [pol.admit(0, "9.9.9.9", True) for _ in range(20)]  # each closed again at once
    assert sum(d.accept for d in got) == 8
    assert {d.reason for d in got if not d.accept} == {"accept_rate"}
    assert pol.admit(0, "9.9.9.10", True).accept  # another address has its own bucket
    assert pol.admit(499, "9.9.9.9", True).reason == "accept_rate"  # 0.998 of a token
    assert pol.admit(500, "9.9.9.9", True).accept  # one token after 500 ms at 2/s
    assert pol.admit(0, "127.0.0.1", True).accept and all(
        pol.admit(0, "127.0.0.1", True).accept for _ in range(20))  # loopback exempt
    assert pol.admit(0, "9.9.9.11", False).accept  # our own dials are not limited
    many = ConnectionPolicy(Limits())
    for k in range(30_000):  # the buckets are bounded like the bans
        many.admit(k, f"10.{k // 65536}.{k // 256 % 256}.{k % 256}", True)
    assert len(many.accepts) <= 10 * 1024


def test_address_bans_expire() -> None:
    pol = ConnectionPolicy()
    pol.ban(1_000, "5.5.5.5", 600_000)
    assert pol.admit(2_000, "5.5.5.5", True).reason == "banned_address"
    assert pol.admit(601_000, "5.5.5.5", True).accept


def test_redial_delay_doubles_and_is_capped() -> None:
    lim, rng = Limits(redial_base_ms=1_000, redial_max_ms=60_000), random.Random(1)
    delays = [redial_delay_ms(k, lim, rng) for k in range(10)]
    for k, d in enumerate(delays):
        nominal = min(60_000, 1_000 * 2**k)
        assert 0.9 * nominal <= d <= 1.1 * nominal


def test_address_book_is_bounded_per_source_and_in_all() -> None:
    book = AddressBook(random.Random(2), size=100)
    for k in range(200):
        book.add((f"1.1.{k // 250}.{k % 250}", 9000), b"one source")
    assert len(book) == ADDRESSES_PER_SOURCE
    for k in range(300):
        book.add((f"2.2.{k // 250}.{k % 250}", 9000), bytes([k % 256]))
    assert len(book) == 100


def test_a_loopback_ban_holds_by_key_not_by_address() -> None:
    """[SYNC-62]: banning one local process must not lock out every other one."""
    pol = ConnectionPolicy(Limits())
    pol.ban(0, "127.0.0.1", 600_000)
    assert pol.admit(1, "127.0.0.1", True).accept
    strict = ConnectionPolicy(Limits(exempt_loopback=False))
    strict.ban(0, "127.0.0.1", 600_000)
    assert strict.admit(1, "127.0.0.1", True).reason == "banned_address"
    from chipstack.sync.node import Close

    node = Node(PrivateKey.from_label("n"), FAST)  # the key ban still holds locally
    bad = PrivateKey.from_label("bad").public_key.raw
    node.connect(0, 1, bad, "127.0.0.1")
    node.receive(0, 1, b"\xff")  # garbage: banned
    out = node.connect(1, 2, bad, "127.0.0.1")
    assert any(isinstance(o, Close) and o.reason == "sync.misbehaving" for o in out)
    assert node.connect(1, 3, PrivateKey.from_label("good").public_key.raw, "127.0.0.1") \
        is not None and node.ready_peers() == [3]


def test_addr_flood_from_many_keys_of_one_group_is_one_source() -> None:
    """[SYNC-61]: fresh keys do not buy more room in the address book; groups do."""
    node = Node(PrivateKey.from_label("n"), FAST)
    for k in range(40):  # 40 keys from one /16, each sharing 64 new addresses
        key = PrivateKey.from_label(f"sybil-{k}").public_key.raw
        node.connect(0, k, key, f"6.6.{k}.1")
        addrs = tuple((f"20.{k}.{j}.1", 9000) for j in range(64))
        node.receive(0, k, encode_message(Addr(addrs)))
    assert len(node.address_book) == ADDRESSES_PER_SOURCE
    honest = PrivateKey.from_label("honest").public_key.raw
    node.connect(0, 100, honest, "7.7.7.7")
    node.receive(0, 100, encode_message(Addr((("8.8.8.8", 9000),))))
    assert ("8.8.8.8", 9000) in node.address_book
    assert len(node.address_book) == ADDRESSES_PER_SOURCE + 1


def test_a_public_peer_cannot_point_the_node_into_its_own_network() -> None:
    """[SYNC-61]: non-routable addresses are taken only from local peers."""
    node = Node(PrivateKey.from_label("n"), FAST)
    inside = (("127.0.0.1", 22), ("10.0.0.1", 80), ("192.168.1.1", 443), ("169.254.0.1", 1))
    node.connect(0, 1, PrivateKey.from_label("far").public_key.raw, "8.8.4.4")
    node.receive(0, 1, encode_message(Addr((*inside, ("1.1.1.1", 9000)))))
    assert len(node.address_book) == 1 and ("1.1.1.1", 9000) in node.address_book
    node.connect(0, 2, PrivateKey.from_label("near").public_key.raw, "10.0.0.7")
    node.receive(0, 2, encode_message(Addr(inside)))
    assert all(a in node.address_book for a in inside)  # a LAN peer may share them


def test_addr_message_round_trip_and_refusals() -> None:
    msg = Addr((("1.2.3.4", 9000), ("2001:db8::1", 1), ("0.0.0.0", 65535)))
    assert decode_message(encode_message(msg)) == msg
    from chipstack.errors import Reason, Rejected

    for bad in (b"\x0c\x01\x05" + bytes(6),  # family 5
                b"\x0c\x01\x04\x01\x02\x03\x04\x00\x00"):  # port 0
        try:
            decode_message(bad)
            raise AssertionError("must be refused")
        except Rejected as exc:
            assert exc.reason == Reason.ENCODING_OUT_OF_RANGE


async def _channel_to(port: int, label: str) -> tuple[asyncio.StreamReader,
                                                      asyncio.StreamWriter, object]:
    from chipstack.sync.channel import Channel

    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    channel = Channel(True, PrivateKey.from_label(label), FAST.network_id)
    writer.write(channel.start())
    while not channel.established:
        data = await asyncio.wait_for(reader.read(65536), 10)
        assert data, "closed during the handshake"
        writer.write(channel.receive(data)[0])
    return reader, writer, channel


async def _until(cond: object, timeout: float = 15.0) -> None:
    async def wait() -> None:
        while not cond():  # type: ignore[operator]
            await asyncio.sleep(0.02)

    await asyncio.wait_for(wait(), timeout)


def test_reconnect_under_a_new_key_is_refused_by_address() -> None:
    from chipstack.sync.channel import Channel

    async def scenario() -> None:
        # loopback plays a remote address here: by default local processes are exempt
        victim = TcpNode(Node(PrivateKey.from_label("victim"), FAST),
                         limits=Limits(exempt_loopback=False))
        await victim.start()
        try:
            reader, writer, channel = await _channel_to(victim.port, "mallory-1")
            assert isinstance(channel, Channel)
            writer.write(channel.send(b"\xff"))  # garbage: 100 points, banned
            while await asyncio.wait_for(reader.read(65536), 10):
                pass
            writer.close()
            # the same address under a fresh key: refused before any handshake
            reader2, writer2 = await asyncio.open_connection("127.0.0.1", victim.port)
            fresh = Channel(True, PrivateKey.from_label("mallory-2"), FAST.network_id)
            writer2.write(fresh.start())
            try:  # closed at once: EOF, or a reset since our bytes went unread
                assert await asyncio.wait_for(reader2.read(65536), 10) == b""
            except ConnectionResetError:
                pass
            writer2.close()
            assert victim.closed_for["banned_address"] == 1
            assert not victim.node.ready_peers()
        finally:
            await victim.close()

    asyncio.run(asyncio.wait_for(scenario(), 60))


def test_full_node_evicts_idle_peers_keeps_useful_one_and_admits_newcomers() -> None:
    async def scenario() -> None:
        lim = Limits(max_connections=6, target_outbound=0)
        victim = TcpNode(Node(PrivateKey.from_label("victim"), FAST), limits=lim)
        friend = TcpNode(Node(PrivateKey.from_label("friend"), FAST), limits=lim)
        late = TcpNode(Node(PrivateKey.from_label("late"), FAST), limits=lim)
        for n in (victim, friend, late):
            await n.start()
        idle = []
        try:
            await friend.dial("127.0.0.1", victim.port)
            await _until(lambda: len(victim.node.ready_peers()) == 1)
            item = await friend.publish(("chat", "x"), b"novel")  # the friend is useful
            await _until(lambda: item.id in victim.node.store)
            for k in range(12):  # idle authenticated connections, one after another
                idle.append(await _channel_to(victim.port, f"idle-{k}"))
            await late.dial("127.0.0.1", victim.port)
            await _until(lambda: late.node.ready_peers() != [])
            friend_key = friend.node.node_key
            keys = [victim.node.peers[p].remote_key for p in victim.node.ready_peers()]
            assert friend_key in keys and late.node.node_key in keys
            assert victim.closed_for["evicted"] >= 7
            await _until(lambda: item.id in late.node.store)  # and it syncs
        finally:
            for _, w, _ in idle:
                w.close()
            for n in (late, friend, victim):
                await n.close()

    asyncio.run(asyncio.wait_for(scenario(), 60))


def test_persistent_peer_is_redialled_and_addresses_are_learned() -> None:
    async def scenario() -> None:
        fast = Limits(redial_base_ms=100, target_outbound=2)
        a, b, c = (TcpNode(Node(PrivateKey.from_label(x), FAST), limits=fast) for x in "abc")
        for n in (a, b, c):
            await n.start()
        try:
            await b.dial("127.0.0.1", c.port)
            await _until(lambda: ("127.0.0.1", c.port) in b.node.address_book)
            await a.dial("127.0.0.1", b.port, persistent=True)
            # A learns C's address from B's ADDR and dials it (target_outbound 2)
            await _until(lambda: c.node.node_key in
                         [a.node.peers[p].remote_key for p in a.node.ready_peers()])
            # B drops A: A redials B with backoff
            b_side = [p for p in b.node.ready_peers()
                      if b.node.peers[p].remote_key == a.node.node_key]
            assert b_side
            b._drop(int(str(b_side[0])))
            await _until(lambda: b.node.node_key not in
                         [a.node.peers[p].remote_key for p in a.node.ready_peers()], 10)
            await _until(lambda: b.node.node_key in
                         [a.node.peers[p].remote_key for p in a.node.ready_peers()])
        finally:
            for n in (a, b, c):
                await n.close()

    asyncio.run(asyncio.wait_for(scenario(), 60))



def test_a_redial_closed_as_a_duplicate_backs_off_and_a_refused_dial_is_retried() -> None:
    """[SYNC-64]: a handshake the node closes at once does not restart the backoff."""
    async def scenario() -> None:
        fast = Limits(redial_base_ms=50, target_outbound=0)
        a, b = (TcpNode(Node(PrivateKey.from_label(x), FAST), limits=fast) for x in "ab")
        for n in (a, b):
            await n.start()
        try:
            await a.dial("127.0.0.1", b.port, persistent=True)
            await _until(lambda: len(b.node.ready_peers()) == 1)
            # B keeps A too: each of its connections duplicates the ready one and is closed
            await b.dial("127.0.0.1", a.port, persistent=True)
            await _until(lambda: b._persistent[("127.0.0.1", a.port)] >= 4)
            assert len(a.node.ready_peers()) == len(b.node.ready_peers()) == 1
        finally:
            for n in (a, b):
                await n.close()
        strict = TcpNode(Node(PrivateKey.from_label("s"), FAST),
                         limits=Limits(exempt_loopback=False, target_outbound=0))
        strict.policy.ban(now_ms(), "127.0.0.1", 600_000)
        with pytest.raises(ConnectionError):
            await strict.dial("127.0.0.1", 9, persistent=True)
        assert strict._persistent[("127.0.0.1", 9)] == 1  # a retry is scheduled
        await strict.close()

    asyncio.run(asyncio.wait_for(scenario(), 60))
