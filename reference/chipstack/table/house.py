"""The house node: a devnet chain with notaries and the table's cashier set.

Spec: ``spec/08-table.md`` section 2 and spec/04-cashier.md. It opens the table (its
cashier parameters and each seat's funded wallet), mines and proves every deposit
a seat sends, has the cashier nodes certify it (M of N) and issues the chips, makes
every fully signed settlement authoritative, and once a closing settlement arrives,
pays every seat out in one co-signed transaction. It holds no seat and does not
follow the hands: it checks what the cashier checks ([TABLE-13]).
"""

from __future__ import annotations

from chipstack.cashier.book import Status as BookStatus
from chipstack.cashier.book import TableBook
from chipstack.cashier.deposit import DepositMemo, DepositProof
from chipstack.cashier.issuance import CashierNode
from chipstack.cashier.params import CashierSet, TableParams
from chipstack.cashier.redemption import cosign_payout
from chipstack.cashier.scenario import World
from chipstack.cashier.settlement import Settlement, SignedSettlement
from chipstack.chain.conditions import KeyCondition, OpReturn
from chipstack.chain.devnet import new_devnet
from chipstack.chain.sighash import sign_input
from chipstack.chain.tx import COIN, OutPoint, Tx, TxIn, TxOut
from chipstack.crypto import PrivateKey, sha256
from chipstack.encoding import decode_exact
from chipstack.errors import Reason, Rejected, require
from chipstack.poker.cashier_rules import HoldemRules
from chipstack.poker.machines import holdem_id
from chipstack.sync.item import Item
from chipstack.table.config import TableConfig
from chipstack.table.engine import NodeSummary
from chipstack.table.messages import Deposit, Issued, Open, Redeemed, Sign, decode_message
from chipstack.table.node import NodeBase

#: Base units per chip at a table (a ten-thousandth of a coin).
CHIP_UNIT = COIN // 10_000
#: Creation time of every table's book (the devnet genesis time of the cashier scenario).
CREATED = 1_767_225_600


class HouseNode(NodeBase):
    """The chain, the notaries and the cashier set of the table described by ``config``."""

    def __init__(self, config: TableConfig) -> None:
        super().__init__(config, config.house_key(), "house", "house", None)
        label = config.label
        self.miner = PrivateKey.from_label(f"chipstack/table/{label}/miner")
        ledger, notary_keys = new_devnet(f"chipstack-table-{label}", threshold=2,
                                         miner=self.miner)
        cs, cashier_keys = CashierSet.from_labels(
            [f"chipstack/table/{label}/cashier-{i}" for i in range(3)], 2)
        self.params = TableParams(
            ledger.params.chain_id, ledger.params.notaries.id, ledger.params.bits, cs,
            holdem_id(), CHIP_UNIT, 1, 10 * config.buy_in, 600, 10,
            sha256(b"chipstack/table/" + label.encode() + config.seed),
        )  # fmt: skip
        nodes = [CashierNode(k, self.params, ledger.params.notaries) for k in cashier_keys]
        book = TableBook(self.params, ledger.params.notaries, HoldemRules(), CREATED)
        self.world = World(ledger, notary_keys, cashier_keys, nodes, self.params, book, [])
        self.players = [config.player_key(s) for s in range(config.seats)]
        self.wallets = self._fund()
        self.deposits: dict[int, int] = {}
        self.signatures: dict[tuple[int, bytes], dict[int, bytes]] = {}
        self.paid: dict[int, int] | None = None
        self.settled = 0
        self._signed: set[tuple[int, int]] = set()

    def _fund(self) -> list[tuple[OutPoint, int]]:
        """Pay each seat an equal wallet from the genesis coinbase and mine it."""
        ledger = self.world.ledger
        coinbase = ledger.block_at(0).txs[0]
        total = coinbase.outputs[0].amount
        each = total // (len(self.players) + 1)
        miner = self.miner
        outs = [TxOut(each, KeyCondition(p.public_key)) for p in self.players]
        outs.append(TxOut(total - each * len(self.players), KeyCondition(miner.public_key)))
        fund = Tx((TxIn(OutPoint(coinbase.txid, 0)),), tuple(outs))
        fund = sign_input(fund, 0, [coinbase.outputs[0]], ledger.params.chain_id, [miner])
        self.world.mine([fund])
        return [(OutPoint(fund.txid, i), each) for i in range(len(self.players))]

    # ------------------------------------------------------------------ engine

    @property
    def done(self) -> bool:
        """Done once the table is paid out."""
        return self.paid is not None

    def _start(self, now: float) -> list[Item]:
        """Open the table: publish its parameters and the seats' wallets."""
        ledger = self.world.ledger
        return [self.publish(Open(self.params.encode(), ledger.params.chain_id, CREATED,
                                  tuple(self.wallets)), now)]

    def tick(self, now: float) -> list[Item]:
        """The house has no deadlines."""
        return []

    def next_deadline(self) -> float | None:
        """The house has no deadlines."""
        return None

    def summary(self) -> NodeSummary:
        """Deposits, payouts and what remains at the table, by player name."""
        s = self.base_summary()
        name = self.config.name
        s.deposits = {name(i): c for i, c in sorted(self.deposits.items())}
        book = self.world.book
        if self.paid is not None:
            s.redeemed = {name(i): c for i, c in sorted(self.paid.items())}
        s.remaining = 0 if book.status == BookStatus.REDEEMED else sum(book.final_balances()[1])
        try:
            book.check_conservation()  # [CASH-60]
        except AssertionError as exc:
            s.faults.append(f"house: {exc}")
        s.balances = dict(zip((name(i) for i in range(self.config.seats)),
                              book.position.balances, strict=False))
        s.done = self.done
        return s

    # ------------------------------------------------------------------ messages

    def _take(self, item: Item, now: float) -> list[Item]:
        message = decode_message(item.payload)
        if isinstance(message, Deposit):
            return self._deposit(self.seat_of(item), message, now)
        if isinstance(message, Sign):
            return self._sign(self.seat_of(item), message, now)
        if isinstance(message, (Open, Issued, Redeemed)):
            self.require_house(item)
        return []  # hand events are the seats' business

    def _deposit(self, seat: int, message: Deposit, now: float) -> list[Item]:
        require(seat not in self.deposits, Reason.TABLE_DUPLICATE, "deposited already")
        tx = Tx.decode(message.tx)
        memo = tx.outputs[-1].condition if tx.outputs else None
        require(isinstance(memo, OpReturn), Reason.CASHIER_NOT_A_DEPOSIT, "no deposit memo")
        assert isinstance(memo, OpReturn)
        parsed = DepositMemo.parse(memo.data)  # [CASH-6], before anything is mined
        require(parsed.table_id == self.params.table_id, Reason.CASHIER_NOT_A_DEPOSIT,
                "a deposit to another table")
        require(parsed.player == self.players[seat].public_key.raw,
                Reason.TABLE_UNKNOWN_AUTHOR, "a deposit for another player")
        self.world.mine([tx])
        proof = DepositProof(self.world.ledger.spv_proof(tx.txid), 0)
        request = self.world.request(proof)
        require(request.player == self.players[seat].public_key.raw, Reason.TABLE_UNKNOWN_AUTHOR,
                "a deposit for another player")
        cert = self.world.certify(request, proof)
        self.world.book.issue(cert, proof)  # [TABLE-13], [CASH-11] .. [CASH-13]
        self.deposits[seat] = request.chips
        return [self.publish(Issued(cert.encode()), now)]

    def _sign(self, seat: int, message: Sign, now: float) -> list[Item]:
        require(self.paid is None, Reason.TABLE_CLOSED, "paid out")
        # one signature per seat and hand, of a hand still to settle: a seat cannot make
        # the house keep more than one entry per planned hand
        require(self.settled < message.hand <= self.config.hands, Reason.TABLE_STALE,
                f"hand {message.hand} is settled or not planned")
        require((seat, message.hand) not in self._signed, Reason.TABLE_DUPLICATE,
                "signed already")  # [TABLE-3]
        self._signed.add((seat, message.hand))
        sigs = self.signatures.setdefault((message.hand, message.body), {})
        sigs[seat] = message.signature
        if len(sigs) < self.config.seats:
            return []
        s = decode_exact(message.body, Settlement.read)
        ss = SignedSettlement(s, tuple(sigs[i] for i in range(self.config.seats)))
        try:
            self.world.book.settle(ss)  # [TABLE-13], [CASH-21] .. [CASH-24]
        except Rejected:
            del self.signatures[(message.hand, message.body)]
            raise
        self.settled = s.seq
        self.signatures = {k: v for k, v in self.signatures.items() if k[0] > self.settled}
        if not s.closing:
            return []
        return self._redeem(now)

    def _redeem(self, now: float) -> list[Item]:
        """Pay every seat its settled chips in one transaction co-signed by M cashiers."""
        w = self.world
        plan = w.book.plan()
        tx = cosign_payout(plan, self.params, w.ledger.params.chain_id,
                           w.cashier_keys[: self.params.cashiers.threshold])
        w.book.redeem(tx)  # [TABLE-13], [CASH-42]
        w.mine([tx])
        seats, balances = w.book.final_balances()
        by_key = dict(zip(seats, balances, strict=True))
        chips = tuple(by_key.get(p.public_key.raw, 0) for p in self.players)
        self.paid = dict(enumerate(chips))
        return [self.publish(Redeemed(tx.txid, chips), now)]
