"""Deposits: a chain payment to the cashier set bound to (table, player, nonce), and its proof.

Spec: ``spec/04-cashier.md`` section 2 (rules ``[CASH-4]`` .. ``[CASH-7]``).
A deposit transaction pays the table's M-of-N cashier output and ends with
an OP_RETURN *deposit memo* ``"CSHD" || table id || player key || nonce``.
A *deposit proof* is the chain's SPV proof of that transaction (tx, Merkle
branch, headers up to a notarized block, the notarization) plus the index
of the paying output, under stated size limits. :func:`verify_deposit`
checks it with nothing but the table parameters and the notary set the
table names: the cashier never takes a node's word for a deposit.
"""

from __future__ import annotations

from dataclasses import dataclass

from chipstack.cashier.params import TableParams
from chipstack.cashier.peg import PriceAttestation, coins_to_chips, verify_price
from chipstack.chain.conditions import OpReturn
from chipstack.chain.notary import NotarySet
from chipstack.chain.proofs import SpvProof, verify_spv_proof
from chipstack.chain.tx import OutPoint, Tx, TxIn, TxOut
from chipstack.crypto import PUBLIC_KEY_LEN, PublicKey
from chipstack.encoding import Reader, Writer, decode_exact
from chipstack.errors import Reason, Rejected, require

#: First bytes of a deposit memo ([CASH-6]).
DEPOSIT_MAGIC = b"CSHD"
#: Length of the anti-replay nonce ([CASH-4]).
NONCE_LEN = 16
#: Length of a deposit memo: magic, table id, player key, nonce.
MEMO_LEN = len(DEPOSIT_MAGIC) + 32 + PUBLIC_KEY_LEN + NONCE_LEN
#: The only deposit-proof encoding version ([CASH-5]).
DEPOSIT_PROOF_VERSION = 1
#: Largest encoded deposit proof, in bytes ([CASH-5]).
MAX_DEPOSIT_PROOF = 16_384
#: Most headers from the deposit's block to the notarized block ([CASH-5]).
MAX_DEPOSIT_HEADERS = 64


@dataclass(frozen=True)
class DepositMemo:
    """The OP_RETURN payload binding a deposit to one table, one player and a fresh nonce."""

    table_id: bytes
    player: bytes
    nonce: bytes

    def encode(self) -> bytes:
        """Return ``"CSHD" || table_id[32] || player[32] || nonce[16]`` ([CASH-6])."""
        return (
            Writer()
            .raw(DEPOSIT_MAGIC)
            .fixed(self.table_id, 32)
            .fixed(self.player, PUBLIC_KEY_LEN)
            .fixed(self.nonce, NONCE_LEN)
            .getvalue()
        )

    @staticmethod
    def parse(data: bytes) -> DepositMemo:
        """Parse a memo, or reject it as ``cashier.not_a_deposit``."""
        if len(data) != MEMO_LEN or not data.startswith(DEPOSIT_MAGIC):
            raise Rejected(Reason.CASHIER_NOT_A_DEPOSIT, "no deposit memo")
        r = Reader(data[len(DEPOSIT_MAGIC) :])
        return DepositMemo(r.fixed(32), r.fixed(PUBLIC_KEY_LEN), r.fixed(NONCE_LEN))


def deposit_tx(
    table: TableParams,
    player: PublicKey,
    nonce: bytes,
    amount: int,
    inputs: tuple[TxIn, ...],
    change: tuple[TxOut, ...] = (),
) -> Tx:
    """Return an unsigned deposit: ``amount`` to the cashier output, change, then the memo."""
    memo = DepositMemo(table.table_id, player.raw, nonce).encode()
    outputs = (TxOut(amount, table.cashiers.condition()), *change, TxOut(0, OpReturn(memo)))
    return Tx(inputs, outputs)


@dataclass(frozen=True)
class DepositProof:
    """An SPV proof of a deposit transaction and the index of its cashier output ([CASH-5])."""

    spv: SpvProof
    output: int

    def encode(self) -> bytes:
        """Return ``u8 version || u32 output || spv_proof``."""
        return Writer().u8(DEPOSIT_PROOF_VERSION).u32(self.output).raw(self.spv.encode()).getvalue()

    @staticmethod
    def decode(data: bytes) -> DepositProof:
        """Decode a proof of at most :data:`MAX_DEPOSIT_PROOF` bytes ([CASH-5])."""
        require(
            len(data) <= MAX_DEPOSIT_PROOF,
            Reason.CASHIER_PROOF_TOO_LARGE,
            f"{len(data)} bytes > {MAX_DEPOSIT_PROOF}",
        )

        def read(r: Reader) -> DepositProof:
            r.version(frozenset({DEPOSIT_PROOF_VERSION}))
            output = r.u32()
            return DepositProof(SpvProof.read(r), output)

        return decode_exact(data, read)


@dataclass(frozen=True)
class DepositFacts:
    """A verified deposit: ``amount`` coins at ``outpoint`` buy ``chips`` for ``player``."""

    outpoint: OutPoint
    amount: int
    chips: int
    player: bytes
    nonce: bytes
    height: int
    block_hash: bytes


def verify_deposit(
    proof: DepositProof,
    table: TableParams,
    notaries: NotarySet,
    player: bytes | None = None,
    price: PriceAttestation | None = None,
) -> DepositFacts:
    """Check a deposit proof against the table alone ([CASH-5] .. [CASH-7]); return its facts.

    Order: size (header count); the notary set is the table's; the SPV proof
    ([PROOF-6]); the memo (last output); its table; its player when one is
    expected; the paying output; the amount (and, on a pegged table, the
    price of the deposit's block).
    """
    count = len(proof.spv.header_chain.headers)
    require(
        count <= MAX_DEPOSIT_HEADERS,
        Reason.CASHIER_PROOF_TOO_LARGE,
        f"{count} headers > {MAX_DEPOSIT_HEADERS}",
    )
    require(len(proof.encode()) <= MAX_DEPOSIT_PROOF, Reason.CASHIER_PROOF_TOO_LARGE, "proof size")
    require(notaries.id == table.notary_set_id, Reason.CASHIER_WRONG_TABLE, "another notary set")
    facts = verify_spv_proof(proof.spv, table.chain_id, notaries, table.bits)  # [CASH-6]
    tx = facts.tx
    last = tx.outputs[-1]
    if not isinstance(last.condition, OpReturn):
        raise Rejected(Reason.CASHIER_NOT_A_DEPOSIT, "the last output is not a memo")
    memo = DepositMemo.parse(last.condition.data)
    require(memo.table_id == table.table_id, Reason.CASHIER_WRONG_TABLE, "memo names another table")
    if player is not None:
        require(memo.player == player, Reason.CASHIER_WRONG_PLAYER, "memo names another player")
    require(
        proof.output < len(tx.outputs) - 1
        and tx.outputs[proof.output].condition == table.cashiers.condition(),
        Reason.CASHIER_WRONG_OUTPUT,
        f"output {proof.output} does not pay the cashier set",
    )
    amount = tx.outputs[proof.output].amount
    chips = deposit_chips(table, amount, notaries, facts.block_hash, price)
    return DepositFacts(
        OutPoint(facts.txid, proof.output),
        amount,
        chips,
        memo.player,
        memo.nonce,
        facts.height,
        facts.block_hash,
    )


def deposit_chips(
    table: TableParams,
    amount: int,
    notaries: NotarySet,
    block_hash: bytes,
    price: PriceAttestation | None,
) -> int:
    """Chips bought by ``amount`` coins in block ``block_hash`` ([CASH-7], [CASH-52])."""
    if table.peg is None:
        require(
            amount % table.chip_unit == 0,
            Reason.CASHIER_BAD_AMOUNT,
            f"{amount} is not a multiple of the chip unit {table.chip_unit}",
        )
        chips = amount // table.chip_unit
    else:
        if price is None:
            raise Rejected(Reason.CASHIER_BAD_PRICE, "a pegged deposit needs its block's price")
        p = verify_price(price, notaries, table.chain_id, block_hash)
        chips = coins_to_chips(amount, p, table.peg.ref_per_chip)
    require(
        table.min_buyin <= chips <= table.max_buyin,
        Reason.CASHIER_BAD_AMOUNT,
        f"{chips} chips outside {table.min_buyin}..{table.max_buyin}",
    )
    return chips
