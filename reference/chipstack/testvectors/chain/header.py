"""Cases of the ``chain/header`` vector suite (spec/02-chain.md)."""

from __future__ import annotations

from chipstack.chain.header import (
    REGTEST_BITS,
)
from chipstack.testvectors.chain import pins
from chipstack.testvectors.chain.common import (
    Ops,
    failing_nonce,
    hexes,
    real_header,
    scenario,
)
from chipstack.testvectors.chain.jsonform import (
    header_to_json,
)
from chipstack.testvectors.chain.ops import (
    op_bits_target,
    op_check_pow,
    op_header_decode,
    op_header_encode,
    op_headers_linked,
)
from chipstack.testvectors.chain.realdata import (
    BLOCK_100000,
    GENESIS,
    HEADER_BLOCKS,
)
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.vectors.model import Case, CaseTable, Suite

# ------------------------------------------------------------------ header


def header_cases(ops: Ops) -> list[Case]:
    """Cases of ``chain/header``."""
    c = CaseTable(ops)
    for b in HEADER_BLOCKS:
        h = real_header(b)
        c.valid(
            "header_decode",
            {"encoded": h.encode().hex()},
            f"mainnet block {b.height} header",
            ["CHAIN-1", "CHAIN-2"],
            ["real_bitcoin"],
        )
        c.valid(
            "header_encode",
            {"header": header_to_json(h)},
            f"mainnet block {b.height} fields",
            ["CHAIN-1", "CHAIN-2"],
            ["real_bitcoin"],
        )
    g = real_header(GENESIS).encode()
    c.invalid("header_decode", {"encoded": g[:79].hex()}, "79 bytes", ["CHAIN-1"], ["encoding"])
    c.invalid(
        "header_decode", {"encoded": (g + b"\x00").hex()}, "81 bytes", ["CHAIN-1"], ["encoding"]
    )
    for bits, what in [
        (0x1D00FFFF, "mainnet difficulty 1 (genesis)"),
        (0x1B04864C, "block 100000"),
        (REGTEST_BITS, "regtest, chipstack's default"),
        (0x03123456, "size 3: mantissa as is"),
        (0x02123456, "size 2: mantissa shifted right one byte"),
        (0x01123456, "size 1: mantissa shifted right two bytes"),
        (0x04123456, "size 4: mantissa shifted left one byte"),
        (0x20123456, "size 32"),
    ]:
        flags = ["real_bitcoin"] if bits in (0x1D00FFFF, 0x1B04864C) else ["bits"]
        c.valid("bits_target", {"bits": bits}, what, ["CHAIN-3", "CHAIN-4"], flags)
    for bits, what in [
        (0x04923456, "sign bit set with a non-zero mantissa: negative"),
        (0x00000000, "zero"),
        (0x01003456, "size 1 shifts the mantissa to zero"),
        (0xFF123456, "size 255: overflow"),
        (0x22000100, "size 34 with a two-byte mantissa: overflow"),
        (0x21010000, "size 33 with a three-byte mantissa: overflow"),
    ]:
        c.invalid("bits_target", {"bits": bits}, what, ["CHAIN-3"], ["bits"])
    s = scenario()
    dev = s.ledger.header_at(3)
    c.valid(
        "check_pow",
        {"header": g.hex(), "expected_bits": None},
        "genesis meets 0x1d00ffff",
        ["CHAIN-3"],
        ["real_bitcoin", "pow"],
    )
    c.valid(
        "check_pow",
        {"header": dev.encode().hex(), "expected_bits": REGTEST_BITS},
        "devnet header at the chain's bits",
        ["CHAIN-3", "CHAIN-5"],
        ["pow"],
    )
    c.invalid(
        "check_pow",
        {"header": g.hex(), "expected_bits": REGTEST_BITS},
        "genesis header on a regtest-bits chain",
        ["CHAIN-5"],
        ["pow"],
    )
    bad_g = real_header(GENESIS).with_nonce(GENESIS.nonce + 1 if GENESIS.nonce else 1)
    c.invalid(
        "check_pow",
        {"header": bad_g.encode().hex(), "expected_bits": None},
        "genesis with nonce+1 misses its target",
        ["CHAIN-3"],
        ["pow", "tampered"],
    )
    c.invalid(
        "check_pow",
        {"header": failing_nonce(dev).encode().hex(), "expected_bits": REGTEST_BITS},
        "devnet header with a nonce that misses the target",
        ["CHAIN-3"],
        ["pow", "tampered"],
    )
    hs = [s.ledger.header_at(h).encode() for h in range(4)]
    c.valid("headers_linked", {"headers": hexes(hs)}, "devnet heights 0-3", ["CHAIN-6"], [])
    c.invalid(
        "headers_linked",
        {"headers": hexes([hs[0], hs[2], hs[3]])},
        "height 1 missing",
        ["CHAIN-6"],
        ["tampered"],
    )
    c.invalid("headers_linked", {"headers": hexes([hs[1], hs[0]])}, "wrong order", ["CHAIN-6"], [])
    real = [real_header(b).encode() for b in (GENESIS, BLOCK_100000)]
    c.invalid(
        "headers_linked",
        {"headers": hexes(real)},
        "genesis then block 100000",
        ["CHAIN-6"],
        ["real_bitcoin"],
    )
    return c.cases


#: The operations of ``chain/header``: name -> adapter.
OPS = {
    "header_decode": op_header_decode,
    "header_encode": op_header_encode,
    "bits_target": op_bits_target,
    "check_pow": op_check_pow,
    "headers_linked": op_headers_linked,
}

#: The ``chain/header`` suite.
SUITE = Suite(
    name="chain/header",
    description="80-byte headers, double-SHA-256 hashes, compact bits, work, linking",
    notes=FLAGS,
    reason_flags=REASON_FLAGS,
    operations=OPS,
    build_cases=lambda: header_cases(OPS) + pins.header_pins(OPS),
)
