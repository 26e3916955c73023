"""Block headers: the 80-byte Bitcoin layout, double-SHA-256 hash, compact targets and work.

Spec: ``spec/02-chain.md`` section 1 (rules ``[CHAIN-1]`` .. ``[CHAIN-8]``).
The layout is Bitcoin's ``CBlockHeader``: version, previous block hash, Merkle
root, time, bits, nonce, all little-endian, 80 bytes. Hashes are kept in
*internal* byte order (the order ``sha256d`` returns); explorers and
``bitcoin-cli`` show them reversed (:func:`display_hex`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from chipstack.crypto import sha256d
from chipstack.encoding import Reader, Writer, decode_exact, from_hex
from chipstack.errors import Reason, Rejected, require

#: Size of an encoded header ([CHAIN-1]).
HEADER_LEN = 80
#: Size of every chain hash (block hash, txid, Merkle node).
HASH_LEN = 32
#: The all-zero hash: the previous-block field of a genesis header.
ZERO_HASH = bytes(HASH_LEN)
#: Bitcoin regtest's ``bits``: target ~2**255, so about one try in two succeeds.
REGTEST_BITS = 0x207FFFFF
#: Bitcoin mainnet's minimum-difficulty ``bits`` (difficulty 1).
MAINNET_POW_LIMIT_BITS = 0x1D00FFFF


def display_hex(h: bytes) -> str:
    """Return a hash as explorers show it: byte-reversed lowercase hex."""
    return h[::-1].hex()


def from_display_hex(text: str) -> bytes:
    """Parse an explorer-style (byte-reversed) hash back into internal byte order.

    Bad hex is ``encoding.bad_hex``, another length ``encoding.out_of_range``.
    """
    raw = from_hex(text)
    require(len(raw) == HASH_LEN, Reason.ENCODING_OUT_OF_RANGE, f"hash of {len(raw)} bytes")
    return raw[::-1]


@dataclass(frozen=True)
class BlockHeader:
    """An 80-byte block header ([CHAIN-1]); its hash is sha256d of the encoding ([CHAIN-2])."""

    version: int
    prev_hash: bytes
    merkle_root: bytes
    time: int
    bits: int
    nonce: int

    def encode(self) -> bytes:
        """Return the 80-byte encoding ([CHAIN-1])."""
        return (
            Writer()
            .u32(self.version)
            .fixed(self.prev_hash, HASH_LEN)
            .fixed(self.merkle_root, HASH_LEN)
            .u32(self.time)
            .u32(self.bits)
            .u32(self.nonce)
            .getvalue()
        )

    @staticmethod
    def read(reader: Reader) -> BlockHeader:
        """Read one header (exactly 80 bytes) from ``reader``."""
        return BlockHeader(
            version=reader.u32(),
            prev_hash=reader.fixed(HASH_LEN),
            merkle_root=reader.fixed(HASH_LEN),
            time=reader.u32(),
            bits=reader.u32(),
            nonce=reader.u32(),
        )

    @staticmethod
    def decode(data: bytes) -> BlockHeader:
        """Decode a header that must be exactly 80 bytes ([CHAIN-1])."""
        return decode_exact(data, BlockHeader.read)

    def hash(self) -> bytes:
        """Return the block hash: ``sha256d`` of the encoding, internal byte order ([CHAIN-2])."""
        return sha256d(self.encode())

    def with_nonce(self, nonce: int) -> BlockHeader:
        """Return a copy with another nonce."""
        return replace(self, nonce=nonce)


def bits_to_target(bits: int) -> int:
    """Expand a compact ``bits`` value into its 256-bit target ([CHAIN-3]).

    The compact form is Bitcoin's ``arith_uint256::SetCompact``: the high byte
    is a base-256 exponent, the low 23 bits a mantissa, bit 23 a sign. A
    negative, overflowing or zero target is refused with ``chain.bad_bits``.
    """
    require(0 <= bits <= 0xFFFF_FFFF, Reason.CHAIN_BAD_BITS, f"bits {bits} not a u32")  # [CHAIN-3]
    size = bits >> 24
    word = bits & 0x007F_FFFF
    if size <= 3:
        target = word >> (8 * (3 - size))
    else:
        target = word << (8 * (size - 3))
    # [CHAIN-3]: negative, then overflow, then zero
    require(not (word != 0 and bits & 0x0080_0000), Reason.CHAIN_BAD_BITS, f"negative 0x{bits:08x}")
    overflow = word != 0 and (
        size > 34 or (word > 0xFF and size > 33) or (word > 0xFFFF and size > 32)
    )
    require(not overflow, Reason.CHAIN_BAD_BITS, f"overflow 0x{bits:08x}")
    require(target != 0, Reason.CHAIN_BAD_BITS, f"zero target 0x{bits:08x}")
    return target


def target_to_bits(target: int) -> int:
    """Return the canonical compact form of a positive 256-bit target (``GetCompact``)."""
    require(0 < target < 2**256, Reason.CHAIN_BAD_BITS, "target out of range")
    size = (target.bit_length() + 7) // 8
    if size <= 3:
        word = target << (8 * (3 - size))
    else:
        word = target >> (8 * (size - 3))
    if word & 0x0080_0000:
        word >>= 8
        size += 1
    return (size << 24) | word


def block_work(bits: int) -> int:
    """Return a header's work ``2**256 // (target + 1)``: expected hashes ([CHAIN-4])."""
    return (1 << 256) // (bits_to_target(bits) + 1)


def hash_meets_target(block_hash: bytes, bits: int) -> bool:
    """Return whether ``block_hash``, a little-endian integer, is <= the target ([CHAIN-3])."""
    return int.from_bytes(block_hash, "little") <= bits_to_target(bits)


def check_pow(header: BlockHeader, expected_bits: int | None = None) -> bytes:
    """Check a header's proof of work; return its hash ([CHAIN-3], [CHAIN-5]).

    With ``expected_bits`` the header must also carry exactly those bits
    (chipstack chains have a fixed difficulty). Order ([CHAIN-5]): wrong bits,
    then bad bits, then proof of work.
    """
    if expected_bits is not None:
        require(  # [CHAIN-5]
            header.bits == expected_bits,
            Reason.CHAIN_WRONG_BITS,
            f"bits 0x{header.bits:08x}, chain uses 0x{expected_bits:08x}",
        )
    h = header.hash()
    if not hash_meets_target(h, header.bits):  # [CHAIN-3]: bad bits, then the target
        raise Rejected(Reason.CHAIN_POW_FAILED, f"hash {display_hex(h)} above target")
    return h


def mine(header: BlockHeader, max_tries: int = 1 << 24) -> BlockHeader:
    """Return ``header`` with the first nonce (counting up from its own) that meets its target."""
    target = bits_to_target(header.bits)
    prefix = header.encode()[:76]
    start = header.nonce
    for i in range(max_tries):
        nonce = (start + i) & 0xFFFF_FFFF
        if int.from_bytes(sha256d(prefix + nonce.to_bytes(4, "little")), "little") <= target:
            return header.with_nonce(nonce)
    raise Rejected(Reason.CHAIN_POW_FAILED, f"no nonce found in {max_tries} tries")


def check_linked(headers: list[BlockHeader]) -> list[bytes]:
    """Check that each header names the hash of the one before it; return all hashes ([CHAIN-6])."""
    hashes = [h.hash() for h in headers]
    for i in range(1, len(headers)):
        require(  # [CHAIN-6]
            headers[i].prev_hash == hashes[i - 1],
            Reason.CHAIN_HEADERS_NOT_LINKED,
            f"header {i} does not follow header {i - 1}",
        )
    return hashes


def median_time_past(times: list[int]) -> int:
    """Return the median of the last (up to 11) block times (``GetMedianTimePast``) ([CHAIN-7]).

    The times are sorted and the one at 0-based position ``n // 2`` is taken: for
    an even count (fewer than 11 ancestors) that is the higher of the two middle
    times, as in Bitcoin.
    """
    window = sorted(times[-11:])
    return window[len(window) // 2]
