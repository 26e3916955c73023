"""A whole deterministic cashier world for tests, notebooks and benchmarks.

Not protocol code: it stands up a devnet chain with notaries, a cashier
set, one table playing odd-or-even, and funded players, and offers one
call per user action (deposit, issue, play a hand, settle). Every object
it returns is then checked by the protocol code like any other. Keys are
``PrivateKey.from_label("chipstack/cashier/" + name)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources

from chipstack.cashier.book import TableBook
from chipstack.cashier.deposit import DepositMemo, DepositProof, deposit_tx, verify_deposit
from chipstack.cashier.games import DeclaredBalances, GameRules
from chipstack.cashier.issuance import CashierNode, Certificate, IssueRequest, assemble_certificate
from chipstack.cashier.params import CashierSet, PegParams, TableParams
from chipstack.cashier.peg import PriceAttestation, attest_price
from chipstack.cashier.settlement import Settlement, SignedSettlement, sign_settlement
from chipstack.chain.conditions import KeyCondition
from chipstack.chain.devnet import mine_block, new_devnet
from chipstack.chain.ledger import Ledger
from chipstack.chain.sighash import sign_input
from chipstack.chain.tx import COIN, OutPoint, Tx, TxIn, TxOut
from chipstack.crypto import PrivateKey, sha256
from chipstack.errors import Reason, Rejected
from chipstack.fsm.codec import definition_id
from chipstack.fsm.definition import Definition
from chipstack.fsm.engine import Machine
from chipstack.fsm.event import Arg, Event, sign_event
from chipstack.fsm.expr import BYTES, INT, ListType, Type, Value
from chipstack.fsm.instance import Binding, Instance, ParamValue
from chipstack.fsm.loader import load_definition

#: Prefix of every key label of the cashier scenario.
KEY_PREFIX = "chipstack/cashier/"
#: Coins per chip of the scenario's unpegged table (one hundredth of a coin).
CHIP_UNIT = COIN // 100
#: Time of the table's creation (the devnet genesis time).
START = 1_767_225_600


def key(name: str) -> PrivateKey:
    """Return the deterministic test key called ``name``."""
    return PrivateKey.from_label(KEY_PREFIX + name)


@cache
def oddeven() -> Definition:
    """Load the odd-or-even game shipped with the cashier (``oddeven.yaml``)."""
    text = resources.files(__package__).joinpath("oddeven.yaml").read_text(encoding="utf-8")
    return load_definition(text)


#: The declared event budget of :func:`cheap_oddeven` (its events cost far less).
CHEAP_BUDGET = 5_000


@cache
def cheap_oddeven() -> Definition:
    """Odd-or-even declaring :data:`CHEAP_BUDGET` units an event: long claims in the machine."""
    return replace(oddeven(), budget=CHEAP_BUDGET)


@dataclass
class World:
    """A chain, its notaries, a cashier set with nodes, one table and its players."""

    ledger: Ledger
    notary_keys: list[PrivateKey]
    cashier_keys: list[PrivateKey]
    nodes: list[CashierNode]
    table: TableParams
    book: TableBook
    players: list[PrivateKey]
    wallets: dict[bytes, list[tuple[OutPoint, TxOut]]] = field(default_factory=dict)
    nonce_counter: int = 0
    prices: dict[bytes, PriceAttestation] = field(default_factory=dict)
    price: int = 0

    # ----------------------------------------------------------------- chain

    def mine(self, txs: Sequence[Tx] = ()) -> None:
        """Mine ``txs`` in a block, notarize it, and attest its price on a pegged table."""
        mine_block(self.ledger, txs)
        h = self.ledger.height
        signers = [(i, k) for i, k in enumerate(self.notary_keys)][
            : self.ledger.params.notaries.threshold
        ]
        self.ledger.apply_notarization(self.ledger.notarize(h, signers))
        if self.table.peg is not None:
            block_hash = self.ledger.tip.hash
            self.prices[block_hash] = attest_price(
                self.ledger.params.chain_id, h, block_hash, self.price,
                self.ledger.params.notaries, [k for _, k in signers],
            )  # fmt: skip

    def latest_price(self) -> PriceAttestation | None:
        """The price attestation of the tip (pegged tables), else None."""
        return self.prices.get(self.ledger.tip.hash)

    # --------------------------------------------------------------- deposit

    def deposit(
        self, player: PrivateKey, chips: int, table: TableParams | None = None
    ) -> DepositProof:
        """Pay ``chips`` worth of coins from ``player``'s wallet to the cashier, mine, prove it."""
        table = table or self.table
        amount = (
            chips * table.chip_unit if table.peg is None else chips_cost(chips, self.price, table)
        )
        coins = self.wallets[player.public_key.raw]
        op, out = coins.pop(0)
        require_funds(out.amount, amount)
        self.nonce_counter += 1
        nonce = self.nonce_counter.to_bytes(16, "big")
        change = (TxOut(out.amount - amount, KeyCondition(player.public_key)),)
        tx = deposit_tx(table, player.public_key, nonce, amount, (TxIn(op),), change)
        tx = sign_input(tx, 0, [out], self.ledger.params.chain_id, [player])
        self.mine([tx])
        coins.append((OutPoint(tx.txid, 1), change[0]))
        return DepositProof(self.ledger.spv_proof(tx.txid), 0)

    def request(self, proof: DepositProof, join_seq: int | None = None) -> IssueRequest:
        """The issue request a player sends for a deposit (joining at the next settlement)."""
        tx = proof.spv.tx_proof.tx
        memo = DepositMemo.parse(tx.outputs[-1].condition.data)  # type: ignore[union-attr]
        price = self.prices.get(proof.spv.tx_proof.header.hash())
        facts = verify_deposit(proof, self.table, self.ledger.params.notaries, memo.player, price)
        seq = self.book.position.seq + 1 if join_seq is None else join_seq
        return IssueRequest(self.table.table_id, facts.outpoint, memo.player, facts.chips, seq)

    def certify(self, request: IssueRequest, proof: DepositProof) -> Certificate:
        """Ask every cashier node; return the certificate of the signatures gathered.

        Nodes that refuse are skipped (their reason is not the player's
        concern); with fewer than M signatures the certificate is returned
        anyway and the book refuses it.
        """
        price = self.prices.get(proof.spv.tx_proof.header.hash())
        sigs = []
        for node in self.nodes:
            try:
                sig = node.sign(request, proof, self.book.position.seq, False, price)
            except Rejected:
                continue
            if sig is not None:
                sigs.append(sig)
        return assemble_certificate(request, self.table, sigs)

    def buy_in(self, player: PrivateKey, chips: int) -> Certificate:
        """Deposit, certify and issue in one go; return the certificate."""
        proof = self.deposit(player, chips)
        cert = self.certify(self.request(proof), proof)
        self.book.issue(cert, proof, self.prices.get(proof.spv.tx_proof.header.hash()))
        return cert

    # ---------------------------------------------------------------- settle

    def settlement(
        self, balances: Mapping[bytes, int], time: int, game_hash: bytes = bytes(32),
        closing: bool = False,
    ) -> Settlement:  # fmt: skip
        """The next settlement with ``balances`` by seat and every joined deposit."""
        seq = self.book.position.seq + 1
        deposits = tuple(
            sorted(
                op for op, i in self.book.issued.items() if i.certificate.request.join_seq <= seq
            )
        )
        seats = tuple(balances)
        return Settlement(
            self.table.table_id, seq, time, seats, tuple(balances[s] for s in seats),
            deposits, game_hash, closing,
        )  # fmt: skip

    def sign(self, s: Settlement, signers: Sequence[PrivateKey] | None = None) -> SignedSettlement:
        """Sign ``s`` by ``signers`` (default: every player)."""
        return sign_settlement(s, list(self.players if signers is None else signers))


def chips_cost(chips: int, price: int, table: TableParams) -> int:
    """Coins that buy at least ``chips`` on a pegged table at ``price`` (rounding up)."""
    assert table.peg is not None
    num = chips * table.peg.ref_per_chip * COIN
    return -(-num // price)


def require_funds(have: int, need: int) -> None:
    """Refuse a deposit larger than the wallet output (a scenario misuse)."""
    if need > have:
        raise Rejected(Reason.CASHIER_BAD_AMOUNT, f"wallet holds {have}, deposit needs {need}")


def new_world(
    n_players: int = 2,
    n_cashiers: int = 3,
    threshold: int = 2,
    peg: PegParams | None = None,
    price: int = 0,
    game: GameRules | None = None,
    dispute_timeout: int = 600,
    penalty: int = 10,
    min_buyin: int = 1,
    max_buyin: int = 100_000,
    wallet: int | None = None,
) -> World:
    """Stand up a devnet, a cashier set, one odd-or-even table and funded players.

    Each player's wallet starts with ``wallet`` base units (default: an equal
    share of the genesis coinbase); the miner keeps the rest.
    """
    ledger, notary_keys = new_devnet("chipstack-cashier", threshold=2)
    cs, cashier_keys = CashierSet.from_labels(
        [f"{KEY_PREFIX}cashier-{i}" for i in range(n_cashiers)], threshold
    )
    rules = game or DeclaredBalances(oddeven())
    table = TableParams(
        ledger.params.chain_id, ledger.params.notaries.id, ledger.params.bits, cs,
        definition_id(rules.definition), 0 if peg else CHIP_UNIT, min_buyin, max_buyin,
        dispute_timeout, penalty, sha256(b"chipstack cashier scenario"), peg,
    )  # fmt: skip
    players = [key(f"player-{i}") for i in range(n_players)]
    miner = PrivateKey.from_label("chipstack-cashier/miner")
    world = World(
        ledger, notary_keys, cashier_keys,
        [CashierNode(k, table, ledger.params.notaries) for k in cashier_keys],
        table, TableBook(table, ledger.params.notaries, rules, START), players, price=price,
    )  # fmt: skip
    genesis_cb = ledger.block_at(0).txs[0]
    total = genesis_cb.outputs[0].amount
    share = total // (n_players + 1) if wallet is None else wallet
    outs = [TxOut(share, KeyCondition(p.public_key)) for p in players]
    outs.append(TxOut(total - share * n_players, KeyCondition(miner.public_key)))
    fund = Tx((TxIn(OutPoint(genesis_cb.txid, 0)),), tuple(outs))
    fund = sign_input(fund, 0, [genesis_cb.outputs[0]], ledger.params.chain_id, [miner])
    world.mine([fund])
    for i, p in enumerate(players):
        world.wallets[p.public_key.raw] = [(OutPoint(fund.txid, i), fund.outputs[i])]
    return world


# ------------------------------------------------------------------ game hands


def hand_instance(
    world: World, hand: int, stacks: Sequence[int], stake: int, seats: Sequence[bytes]
) -> Instance:
    """The odd-or-even instance of hand ``hand`` with ``stacks`` (cashier convention)."""
    rules = world.book.game
    assert rules is not None
    return Instance(
        definition_id(rules.definition),
        (
            ParamValue("table", BYTES, world.table.table_id),
            ParamValue("hand", INT, hand),
            ParamValue("stacks", ListType(INT), tuple(stacks)),
            ParamValue("stake", INT, stake),
        ),
        (Binding("players", tuple(seats)),),
        created=world.book.position.time,
    )


@dataclass
class HandPlayer:
    """Plays one odd-or-even hand event by event, signing as each seat."""

    world: World
    instance: Instance
    machine: Machine = field(init=False)
    events: list[Event] = field(default_factory=list)

    def __post_init__(self) -> None:
        rules = self.world.book.game
        assert rules is not None
        self.machine = Machine(rules.definition, self.instance, rules.library)

    def draft(
        self, name: str, args: Mapping[str, tuple[Type, Value]], signer: PrivateKey, dt: int = 1
    ) -> Event:
        """Build and sign the next event without applying it."""
        st = self.machine.state
        ev = Event(
            self.instance.id, st.seq + 1, self.machine.state_hash, name,
            tuple(Arg(n, t, v) for n, (t, v) in args.items()),
            b"", st.time + dt,
        )  # fmt: skip
        return sign_event(ev, signer)

    def play(
        self, name: str, args: Mapping[str, tuple[Type, Value]], signer: PrivateKey, dt: int = 1
    ) -> Event:
        """Build, sign and apply the next event; return it."""
        ev = self.draft(name, args, signer, dt)
        self.machine.apply(ev)
        self.events.append(ev)
        return ev


def play_oddeven(
    world: World, hand: int, stacks: Sequence[int], stake: int, secret: bytes, parity: int,
    reveal: bool = True, seats: Sequence[bytes] | None = None,
) -> HandPlayer:  # fmt: skip
    """Play a whole hand between seats 0 and 1; without ``reveal`` seat 1 claims the forfeit."""
    seats = tuple(seats or [p.public_key.raw for p in world.players[:2]])
    hp = HandPlayer(world, hand_instance(world, hand, stacks, stake, seats))
    by_key = {p.public_key.raw: p for p in world.players}
    p0, p1 = by_key[seats[0]], by_key[seats[1]]
    hp.play("commit", {"digest": (BYTES, sha256(secret))}, p0)
    hp.play("guess", {"parity": (INT, parity)}, p1)
    if reveal:
        hp.play("reveal", {"secret": (BYTES, secret)}, p0)
    else:
        hp.play("forfeit", {}, p1, dt=61)
    return hp
