"""Published data of real Bitcoin mainnet blocks: our headers and Merkle trees are Bitcoin's.

Every value here was read from a public source (cited per block) and is
written in *display* order, as explorers and ``bitcoin-cli`` print it; use
:func:`chipstack.chain.header.from_display_hex` to get internal byte order.
Nothing here is computed by chipstack: tests and vectors recompute it.
"""

from __future__ import annotations

from dataclasses import dataclass

from chipstack.chain.header import BlockHeader, from_display_hex


@dataclass(frozen=True)
class RealBlock:
    """A mainnet block: height, hash, Merkle root, txids (display order) and header fields."""

    height: int
    hash_display: str
    merkle_root_display: str
    txids_display: tuple[str, ...]
    source: str
    version: int | None = None
    prev_hash_display: str | None = None
    time: int | None = None
    bits: int | None = None
    nonce: int | None = None

    def header(self) -> BlockHeader:
        """Return the header built from the published fields (only for blocks that list them)."""
        if (
            self.version is None
            or self.prev_hash_display is None
            or self.time is None
            or self.bits is None
            or self.nonce is None
        ):
            raise ValueError(f"block {self.height}: header fields not recorded")
        return BlockHeader(
            self.version,
            from_display_hex(self.prev_hash_display),
            from_display_hex(self.merkle_root_display),
            self.time,
            self.bits,
            self.nonce,
        )


#: The genesis block. Header fields as in Bitcoin Core's ``CreateGenesisBlock(1231006505,
#: 2083236893, 0x1d00ffff, 1, 50 * COIN)`` (src/kernel/chainparams.cpp) and its asserted hash
#: and Merkle root; also printed by the original client's ``printblock`` output quoted at
#: tipsmake.com ("9-year-old Bitcoin concept, looking back at the first block").
GENESIS = RealBlock(
    height=0,
    hash_display="000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f",
    merkle_root_display="4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b",
    txids_display=("4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b",),
    source="Bitcoin Core src/kernel/chainparams.cpp; tipsmake.com genesis printblock",
    version=1,
    prev_hash_display="00" * 32,
    time=1231006505,
    bits=0x1D00FFFF,
    nonce=2083236893,
)

#: The genesis coinbase transaction, raw (legacy Bitcoin serialization). Its double SHA-256,
#: reversed, is the genesis Merkle root above (the famous "The Times 03/Jan/2009" coinbase).
GENESIS_COINBASE_HEX = (
    "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ff"
    "ff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e2062"
    "72696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a0100"
    "0000434104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef"
    "38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac00000000"
)

#: Block 100000: 4 transactions. Header fields as returned by ``bitcoin-cli getblockheader
#: 000000000003ba27aa200b1cecaad478d2b00432346c3f1f3986da1afd33e506`` (reproduced in public
#: test fixtures of several Bitcoin RPC clients); txids from ``getblock ... 2`` of the same block.
BLOCK_100000 = RealBlock(
    height=100000,
    hash_display="000000000003ba27aa200b1cecaad478d2b00432346c3f1f3986da1afd33e506",
    merkle_root_display="f3e94742aca4b5ef85488dc37c06c3282295ffec960994b2c0d5ac2a25a95766",
    txids_display=(
        "8c14f0db3df150123e6f3dbbf30f8b955a8249b62ac1d1ff16284aefa3d06d87",
        "fff2525b8931402dd09222c50775608f75787bd2b87e56995a7bdd30f79702c4",
        "6359f0868171b1d194cbee1af2f16ea598ae8fad666d9b012c8ed2b79a236ec4",
        "e9a66845e05d5abc0ad04ec80f774a7e585c6e8db975962d069a522137b80c1d",
    ),
    source="bitcoin-cli getblockheader/getblock of block 100000",
    version=1,
    prev_hash_display="000000000002d01c1fccc21636b607dfd930d31d01c3a62104612a1719011250",
    time=1293623863,
    bits=0x1B04864C,
    nonce=274148111,
)

#: Block 170: the first block with a transfer (Satoshi to Hal Finney), 2 transactions.
#: Hash from bitcoinbegins.com/bitcoin-block-170.html; txids and Merkle root as listed in
#: public Merkle-root test tables (coinbase b1fea524..., transfer f4184fc5...). Header
#: fields (version, previous hash, time, bits, nonce) as in the parsed block-170 JSON of
#: public Bitcoin-library test fixtures (e.g. the Ruby ``bitcoin-ruby`` block specs).
BLOCK_170 = RealBlock(
    height=170,
    hash_display="00000000d1145790a8694403d4063f323d499e655c83426834d4ce2f8dd4a2ee",
    merkle_root_display="7dac2c5666815c17a3b36427de37bb9d2e2c5ccec3f8633eb91a4205cb4c10ff",
    txids_display=(
        "b1fea52486ce0c62bb442b530a3f0132b826c74e473d1f2c220bfa78111c5082",
        "f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16",
    ),
    source="bitcoinbegins.com block 170 page; public Merkle test tables; library test fixtures",
    version=1,
    prev_hash_display="000000002a22cfee1f2c846adbd12b3e183d4f97683f85dad08a79780a84bd55",
    time=1231731025,
    bits=0x1D00FFFF,
    nonce=1889418792,
)

#: Block 82747: 6 transactions, so level 1 has 3 nodes and duplicates its last one.
#: Txids and Merkle root as read from blockchain.com/btc/block/82747 (quoted in the public
#: repository wesl-ee/btc-merkle-tree, include/main.h).
BLOCK_82747 = RealBlock(
    height=82747,
    hash_display="",
    merkle_root_display="5dc7e96501429df25873a43ad70bd8d9dedf2a432e330236eff600dcebcbdd03",
    txids_display=(
        "a0ee4c9066af0916e110391c7c7b33a4513de8cb94c304e305704aa4c9d11947",
        "10cf9efc4356ddc616a8cf5628ee8a3564e37a9cd9f4c7d103a88c15ddf6d2c0",
        "fdf09e486960fb4b649f9838c6bf076d321abae1a8d16795605edc70dfbafc3a",
        "ce7c126f69752425d638451c455b6dab2304004659bc4742139013abc415be53",
        "df56fe9d32474bfbb94d8e6c6d8a83739bbfbe6e6f017e642f40f2cadb1a203c",
        "501ff48af15c99c75334c0416bba672ffa3644789985ad5574a388547f3d9d9b",
    ),
    source="blockchain.com block 82747 via wesl-ee/btc-merkle-tree include/main.h",
)

#: Blocks whose Merkle root tests recompute.
MERKLE_BLOCKS = (GENESIS, BLOCK_170, BLOCK_82747, BLOCK_100000)
#: Blocks whose header hash tests recompute from the fields.
HEADER_BLOCKS = (GENESIS, BLOCK_170, BLOCK_100000)
