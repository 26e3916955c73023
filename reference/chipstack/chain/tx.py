"""Transactions in the canonical encoding: outpoints, inputs with witnesses, outputs, txid.

Spec: ``spec/02-chain.md`` section 3 (rules ``[TX-1]`` .. ``[TX-4]``, ``[TX-10]`` .. ``[TX-14]``).
A transaction is ``u8 version || inputs || outputs || u32 locktime``; its
txid is ``sha256d`` of that whole encoding, witnesses included ([TX-2]).
A transaction with no inputs is a *coinbase* ([TX-12]).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from chipstack.chain.conditions import Condition, OpReturn, read_condition
from chipstack.crypto import sha256d
from chipstack.encoding import Reader, Writer, decode_exact
from chipstack.errors import Reason, require

#: Smallest unit per coin (as Bitcoin's satoshi).
COIN = 100_000_000
#: Largest amount of one output and of any sum of outputs ([TX-10]).
MAX_MONEY = 21_000_000 * COIN
#: The only transaction version ([TX-1]).
TX_VERSION = 1
#: Most inputs, and most outputs, of one transaction ([TX-1]).
MAX_TX_INPUTS = 10_000
MAX_TX_OUTPUTS = 10_000
#: Most witness items of one input, and largest item in bytes ([TX-3]).
MAX_WITNESS_ITEMS = 32
MAX_WITNESS_ITEM = 10_000
#: Largest encoded transaction, in bytes ([TX-1]).
MAX_TX_SIZE = 1_000_000


@dataclass(frozen=True, order=True)
class OutPoint:
    """A reference to output ``index`` of transaction ``txid`` (internal byte order)."""

    txid: bytes
    index: int

    def __post_init__(self) -> None:
        require(len(self.txid) == 32, Reason.ENCODING_OUT_OF_RANGE, "a txid is 32 bytes")
        require(0 <= self.index <= 0xFFFF_FFFF, Reason.ENCODING_OUT_OF_RANGE, "index is a u32")

    def encode(self) -> bytes:
        """Return ``txid[32] || u32 index``."""
        return Writer().fixed(self.txid, 32).u32(self.index).getvalue()

    @staticmethod
    def read(reader: Reader) -> OutPoint:
        """Read an outpoint."""
        return OutPoint(reader.fixed(32), reader.u32())


@dataclass(frozen=True)
class TxIn:
    """An input: the outpoint it spends and the witness items that unlock it ([TX-3])."""

    prevout: OutPoint
    witness: tuple[bytes, ...] = ()

    def encode(self, with_witness: bool = True) -> bytes:
        """Return ``outpoint || count || var_bytes*``; without witness the count is 0."""
        items = self.witness if with_witness else ()
        w = Writer().raw(self.prevout.encode()).count(len(items), MAX_WITNESS_ITEMS)
        for item in items:
            w.var_bytes(item, MAX_WITNESS_ITEM)
        return w.getvalue()

    @staticmethod
    def read(reader: Reader) -> TxIn:
        """Read an input."""
        prevout = OutPoint.read(reader)
        witness = tuple(reader.items(MAX_WITNESS_ITEMS, lambda r: r.var_bytes(MAX_WITNESS_ITEM)))
        return TxIn(prevout, witness)


@dataclass(frozen=True)
class TxOut:
    """An output: an amount and the condition under which it may be spent ([TX-4])."""

    amount: int
    condition: Condition

    def __post_init__(self) -> None:
        # [TX-10]: checked once the whole output (amount and condition) is read
        require(0 <= self.amount <= MAX_MONEY, Reason.CHAIN_BAD_AMOUNT, f"amount {self.amount}")
        if isinstance(self.condition, OpReturn):
            # [TX-8]
            require(self.amount == 0, Reason.CHAIN_BAD_AMOUNT, "OP_RETURN output with value")

    def encode(self) -> bytes:
        """Return ``u64 amount || condition``."""
        return Writer().u64(self.amount).raw(self.condition.encode()).getvalue()

    @staticmethod
    def read(reader: Reader) -> TxOut:
        """Read an output."""
        amount = reader.u64()
        return TxOut(amount, read_condition(reader))


@dataclass(frozen=True)
class Tx:
    """A transaction ([TX-1]); build with the constructor, check with :func:`check_tx_syntax`."""

    inputs: tuple[TxIn, ...]
    outputs: tuple[TxOut, ...]
    locktime: int = 0
    version: int = TX_VERSION
    _txid: list[bytes] = field(default_factory=list, init=False, repr=False, compare=False)

    def encode(self, with_witness: bool = True) -> bytes:
        """Return the canonical encoding ([TX-1]); ``with_witness=False`` is the sighash form."""
        w = Writer().u8(self.version).count(len(self.inputs), MAX_TX_INPUTS)
        for i in self.inputs:
            w.raw(i.encode(with_witness))
        w.count(len(self.outputs), MAX_TX_OUTPUTS)
        for o in self.outputs:
            w.raw(o.encode())
        return w.u32(self.locktime).getvalue()

    @property
    def txid(self) -> bytes:
        """``sha256d`` of the full encoding, internal byte order ([TX-2]); cached."""
        if not self._txid:
            self._txid.append(sha256d(self.encode()))
        return self._txid[0]

    @property
    def is_coinbase(self) -> bool:
        """True for the transaction with no inputs that opens every block ([TX-12])."""
        return not self.inputs

    def outpoint(self, index: int) -> OutPoint:
        """Return the outpoint naming output ``index`` of this transaction."""
        require(0 <= index < len(self.outputs), Reason.CHAIN_MISSING_INPUT, f"no output {index}")
        return OutPoint(self.txid, index)

    def with_witness(self, input_index: int, witness: tuple[bytes, ...]) -> Tx:
        """Return a copy whose input ``input_index`` carries ``witness``."""
        inputs = list(self.inputs)
        inputs[input_index] = replace(inputs[input_index], witness=witness)
        return replace(self, inputs=tuple(inputs))

    @staticmethod
    def read(reader: Reader) -> Tx:
        """Read a transaction (structure only; see :func:`check_tx_syntax`)."""
        start = reader.position
        version = reader.version(frozenset({TX_VERSION}))
        inputs = tuple(reader.items(MAX_TX_INPUTS, TxIn.read))
        outputs = tuple(reader.items(MAX_TX_OUTPUTS, TxOut.read))
        locktime = reader.u32()
        size = reader.position - start  # [TX-1]
        require(size <= MAX_TX_SIZE, Reason.ENCODING_OVER_LENGTH, f"tx of {size} bytes")
        tx = Tx(inputs, outputs, locktime, version)
        check_tx_syntax(tx)  # [TX-1]: a decoded tx also meets TX-10, TX-11, TX-13, TX-14
        return tx

    @staticmethod
    def decode(data: bytes) -> Tx:
        """Decode and syntax-check one transaction spanning all of ``data``."""
        require(len(data) <= MAX_TX_SIZE, Reason.ENCODING_OVER_LENGTH, f"tx of {len(data)} bytes")
        return decode_exact(data, Tx.read)


def check_tx_syntax(tx: Tx) -> None:
    """Check the rules that need no UTXO set ([TX-1], [TX-10], [TX-11], [TX-13], [TX-14])."""
    require(tx.version == TX_VERSION, Reason.ENCODING_UNKNOWN_VERSION, f"tx version {tx.version}")
    # [TX-11]
    require(len(tx.outputs) > 0, Reason.CHAIN_TX_NO_OUTPUTS, "a transaction needs an output")
    total = 0
    for o in tx.outputs:
        total += o.amount
        # [TX-10]: the running sum
        require(total <= MAX_MONEY, Reason.CHAIN_BAD_AMOUNT, "outputs sum above MAX_MONEY")
    prevouts = [i.prevout for i in tx.inputs]
    # [TX-13]
    require(len(set(prevouts)) == len(prevouts), Reason.CHAIN_TX_DUPLICATE_INPUT, "outpoint twice")
    size = len(tx.encode())
    require(size <= MAX_TX_SIZE, Reason.ENCODING_OVER_LENGTH, f"tx of {size} bytes")  # [TX-1]
    # [TX-14]
    require(size != 64, Reason.CHAIN_TX_64_BYTES, "a 64-byte tx could pose as a Merkle node")
