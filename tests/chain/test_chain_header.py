"""Headers: real Bitcoin headers, compact bits, work, mining, linking (spec 02 section 1)."""

from __future__ import annotations

import hashlib
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chipstack.chain.header import (
    REGTEST_BITS,
    BlockHeader,
    bits_to_target,
    block_work,
    check_linked,
    check_pow,
    display_hex,
    from_display_hex,
    hash_meets_target,
    median_time_past,
    mine,
    target_to_bits,
)
from chipstack.errors import Reason, Rejected
from chipstack.testvectors.chain.realdata import BLOCK_100000, GENESIS, HEADER_BLOCKS, RealBlock


def real_header(b: RealBlock) -> BlockHeader:
    return b.header()


@pytest.mark.parametrize("block", HEADER_BLOCKS, ids=lambda b: f"height-{b.height}")
def test_real_header_hash_matches_published_hash(block: RealBlock) -> None:
    h = real_header(block)
    assert display_hex(h.hash()) == block.hash_display
    assert check_pow(h) == h.hash()


def test_genesis_encoding_is_the_bitcoin_layout_built_independently() -> None:
    # Second computation with struct, straight from the Bitcoin header layout.
    raw = struct.pack(
        "<I32s32sIII",
        1,
        bytes(32),
        bytes.fromhex(GENESIS.merkle_root_display)[::-1],
        1231006505,
        0x1D00FFFF,
        2083236893,
    )
    h = real_header(GENESIS)
    assert h.encode() == raw and len(raw) == 80
    digest = hashlib.sha256(hashlib.sha256(raw).digest()).digest()
    assert digest[::-1].hex() == "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"
    assert BlockHeader.decode(raw) == h


def test_difficulty_one_target_and_work() -> None:
    # bits 0x1d00ffff: mantissa 0x00ffff, exponent 0x1d -> 0xffff * 256**(0x1d - 3).
    assert bits_to_target(0x1D00FFFF) == 0xFFFF * 256 ** (0x1D - 3)
    # Bitcoin reports chainwork 0x100010001 for the genesis block.
    assert block_work(0x1D00FFFF) == 0x100010001


def test_block_100000_target_is_its_published_target() -> None:
    assert bits_to_target(BLOCK_100000.bits or 0) == int(
        "000000000004864c000000000000000000000000000000000000000000000000", 16
    )


def test_regtest_target_is_just_below_2_to_255() -> None:
    assert bits_to_target(REGTEST_BITS) == 0x7FFFFF << (8 * 29)
    assert 2**254 < bits_to_target(REGTEST_BITS) < 2**255


@pytest.mark.parametrize(
    "bits", [0x04923456, 0x00000000, 0x01003456, 0xFF123456, 0x22000100, 0x21010000, -1, 2**32]
)
def test_bad_bits_rejected(bits: int) -> None:
    with pytest.raises(Rejected) as e:
        bits_to_target(bits)
    assert e.value.reason is Reason.CHAIN_BAD_BITS


@given(st.integers(min_value=1, max_value=2**256 - 1))
def test_target_to_bits_round_trips_within_mantissa_precision(target: int) -> None:
    bits = target_to_bits(target)
    back = bits_to_target(bits)
    assert back <= target
    # The compact form keeps the top 23 or so bits: the error is below 2**(bitlen - 15).
    assert target - back < max(1, 2 ** (target.bit_length() - 15))
    assert target_to_bits(back) == bits


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_bits_to_target_never_raises_anything_but_rejected(bits: int) -> None:
    try:
        t = bits_to_target(bits)
    except Rejected as e:
        assert e.reason is Reason.CHAIN_BAD_BITS
    else:
        assert 0 < t < 2**256


def test_mine_finds_a_nonce_and_check_pow_accepts_it() -> None:
    base = BlockHeader(1, bytes(32), bytes(range(32)), 1_700_000_000, REGTEST_BITS, 0)
    mined = mine(base)
    assert hash_meets_target(mined.hash(), REGTEST_BITS)
    assert check_pow(mined, REGTEST_BITS) == mined.hash()
    # mine() returns the first passing nonce: every earlier one fails.
    for n in range(mined.nonce):
        assert not hash_meets_target(base.with_nonce(n).hash(), REGTEST_BITS)


def test_check_pow_rejects_wrong_bits_and_missed_target() -> None:
    g = real_header(GENESIS)
    with pytest.raises(Rejected) as e:
        check_pow(g, REGTEST_BITS)
    assert e.value.reason is Reason.CHAIN_WRONG_BITS
    with pytest.raises(Rejected) as e:
        check_pow(g.with_nonce(g.nonce + 1))
    assert e.value.reason is Reason.CHAIN_POW_FAILED


def test_mine_gives_up_after_max_tries() -> None:
    hard = BlockHeader(1, bytes(32), bytes(32), 0, 0x1D00FFFF, 0)
    with pytest.raises(Rejected) as e:
        mine(hard, max_tries=10)
    assert e.value.reason is Reason.CHAIN_POW_FAILED


def test_check_linked() -> None:
    a = mine(BlockHeader(1, bytes(32), bytes(32), 10, REGTEST_BITS, 0))
    b = mine(BlockHeader(1, a.hash(), bytes(32), 11, REGTEST_BITS, 0))
    c = mine(BlockHeader(1, b.hash(), bytes(32), 12, REGTEST_BITS, 0))
    assert check_linked([a, b, c]) == [a.hash(), b.hash(), c.hash()]
    with pytest.raises(Rejected) as e:
        check_linked([a, c])
    assert e.value.reason is Reason.CHAIN_HEADERS_NOT_LINKED


def test_median_time_past_uses_the_last_eleven() -> None:
    assert median_time_past([5]) == 5
    assert median_time_past([1, 9, 3]) == 3
    times = list(range(100, 120))  # 20 times; last 11 are 109..119 -> median 114
    assert median_time_past(times) == 114


def test_display_order_round_trip_and_length_check() -> None:
    h = bytes(range(32))
    assert from_display_hex(display_hex(h)) == h
    with pytest.raises(Rejected) as e:
        from_display_hex("00" * 31)
    assert e.value.reason is Reason.ENCODING_OUT_OF_RANGE
    with pytest.raises(Rejected) as e:
        from_display_hex("zz" * 32)
    assert e.value.reason is Reason.ENCODING_BAD_HEX
