"""The ``cashier/book`` vector suite (spec/04-cashier.md sections 3-6, 9): a table book
replayed step by step, from issuance to the single redemption, and the built-ins."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from chipstack.cashier.book import Issued, TableBook
from chipstack.cashier.bookcodec import decode_book, encode_book
from chipstack.cashier.deposit import DepositProof
from chipstack.cashier.dispute import Dispute, Hand, decode_dispute, encode_dispute
from chipstack.cashier.games import DeclaredBalances, GameRules
from chipstack.cashier.issuance import Certificate, IssueRequest, assemble_certificate
from chipstack.cashier.machine import cashier_library
from chipstack.cashier.params import PegParams, TableParams
from chipstack.cashier.peg import PriceAttestation
from chipstack.cashier.redemption import cosign_payout
from chipstack.cashier.scenario import (
    START,
    HandPlayer,
    World,
    cheap_oddeven,
    key,
    oddeven,
    play_oddeven,
)
from chipstack.cashier.settlement import MAX_TABLE_DEPOSITS, SignedSettlement
from chipstack.chain.notary import NotarySet
from chipstack.chain.tx import COIN, OutPoint, Tx
from chipstack.crypto import Tag, sha256
from chipstack.encoding import decode_exact
from chipstack.errors import Reason, Rejected
from chipstack.fsm.codec import decode_definition, definition_id, encode_definition
from chipstack.fsm.equivocation import make_evidence
from chipstack.fsm.event import Event, sign_event
from chipstack.fsm.expr import BYTES
from chipstack.poker.cards import parse_cards
from chipstack.poker.cashier_rules import HoldemRules, dispute_hand
from chipstack.poker.hand import Hand as PokerHand
from chipstack.poker.machines import holdem_id, load_holdem
from chipstack.testvectors.cashier.common import (
    hex_list,
    opt_hex,
    typed_args,
    typed_json,
    world,
)
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.vectors.inputs import hex_field, int_field
from chipstack.vectors.model import Case, JSONObject, Operation, Suite, make_case

GAME_HEX = encode_definition(oddeven()).hex()
TIMEOUT = 600

# ------------------------------------------------------------------ operations


def _game(case_input: JSONObject) -> GameRules | None:
    """The table's game: the hold'em mapping ([CASH-30], [CASH-38]) or a declared game."""
    data = opt_hex(case_input, "game")
    if not data:
        return None
    defn = decode_definition(data)
    return HoldemRules() if definition_id(defn) == holdem_id() else DeclaredBalances(defn)


def _claim(step: dict[str, Any]) -> SignedSettlement | Dispute | None:
    parts = hex_list(step, "claim")
    if not parts:
        return None
    if len(parts) == 1:
        return SignedSettlement.decode(parts[0])
    return decode_dispute(parts)


def _apply(book: TableBook, step: dict[str, Any]) -> None:
    op = step["op"]
    if op == "issue":
        price = opt_hex(step, "price")
        book.issue(
            Certificate.decode(hex_field(step, "certificate")),
            DepositProof.decode(hex_field(step, "proof")),
            PriceAttestation.decode(price) if price else None,
        )
    elif op == "settle":
        book.settle(SignedSettlement.decode(hex_field(step, "settlement")))
    elif op in ("close", "challenge"):
        claim = _claim(step)
        if op == "close":
            book.close(int_field(step, "now"), claim)
        else:
            if claim is None:
                raise Rejected(Reason.CASHIER_STALE_SETTLEMENT, "an empty challenge")
            book.challenge(int_field(step, "now"), claim)
    elif op == "finalize":
        book.finalize(int_field(step, "now"))
    elif op == "redeem":
        reserve = opt_hex(step, "reserve")
        price = opt_hex(step, "price")
        book.redeem(
            Tx.decode(hex_field(step, "payout")),
            PriceAttestation.decode(price) if price else None,
            decode_exact(reserve, lambda r: (OutPoint.read(r), r.u64())) if reserve else None,
        )
    else:
        raise Rejected(Reason.VECTORS_BAD_INPUT, f"unknown step {op!r}")


def op_book_replay(case_input: JSONObject) -> JSONObject:
    """Apply ``steps`` to ``book`` (empty: a new book); return its state.

    The first refusal is the result.
    """
    table = TableParams.decode(hex_field(case_input, "table"))
    notaries = NotarySet.decode(hex_field(case_input, "notary_set"))
    game, start = _game(case_input), opt_hex(case_input, "book")
    if start:
        book = decode_book(start, table, notaries, game)
    else:
        book = TableBook(table, notaries, game, int_field(case_input, "created"))
    for step in case_input["steps"]:
        _apply(book, step)
    seats, balances = book.final_balances()
    return {
        "book": encode_book(book).hex(), "status": book.status.value, "seq": book.position.seq,
        "chips_issued": book.chips_issued(), "final_seats": [s.hex() for s in seats],
        "final_balances": list(balances),
        "redeemed": [txid.hex() for txid in book.redeemed.values()],
    }  # fmt: skip


def op_builtin(case_input: JSONObject) -> JSONObject:
    """Call one ``cashier/1`` built-in on typed arguments ([CASH-71]); return its value."""
    game = _game(case_input)
    games = {definition_id(game.definition): game} if game else {}
    lib = cashier_library(games)
    b = lib.lookup(str(case_input["name"]))
    types, values = typed_args(case_input, "args")
    result_type = b.type_rule(tuple(types))
    return typed_json(result_type, b.impl(values))


OPS: dict[str, Operation] = {"book_replay": op_book_replay, "builtin": op_builtin}

# ------------------------------------------------------------------------ cases


class Story:
    """Builds the steps of one table in the scenario world, as JSON."""

    def __init__(self, **kwargs: Any) -> None:
        self.w: World = world(dispute_timeout=TIMEOUT, **kwargs)
        self.certs: list[tuple[Certificate, DepositProof]] = []

    def issue(self, player: int, chips: int) -> JSONObject:
        """Deposit, certify and issue for ``player``; return the issue step."""
        w = self.w
        proof = w.deposit(w.players[player], chips)
        cert = w.certify(w.request(proof), proof)
        price = w.prices.get(proof.spv.tx_proof.header.hash())
        w.book.issue(cert, proof, price)
        self.certs.append((cert, proof))
        return self.issue_step(cert, proof, price)

    @staticmethod
    def issue_step(
        cert: Certificate, proof: DepositProof, price: PriceAttestation | None = None
    ) -> JSONObject:
        """The issue step of a certificate and its deposit proof."""
        return {"op": "issue", "certificate": cert.encode().hex(), "proof": proof.encode().hex(),
                "price": price.encode().hex() if price else ""}  # fmt: skip

    def settle(self, balances: tuple[int, ...], closing: bool = False, apply: bool = True
               ) -> tuple[JSONObject, SignedSettlement]:  # fmt: skip
        """The next settlement signed by every seat (applied to the book unless told not to)."""
        w = self.w
        seats = [p.public_key.raw for p in w.players][: len(balances)]
        t = w.book.position.time + 100
        ss = w.sign(w.settlement(dict(zip(seats, balances, strict=True)), t, closing=closing))
        if apply:
            w.book.settle(ss)
        return {"op": "settle", "settlement": ss.encode().hex()}, ss

    def input(self, steps: list[JSONObject], game: bool = False) -> JSONObject:
        """A ``book_replay`` input for this table with ``steps``."""
        return {
            "table": self.w.table.encode().hex(),
            "notary_set": self.w.ledger.params.notaries.encode().hex(),
            "game": GAME_HEX if game else "", "created": START, "book": "", "steps": steps,
        }  # fmt: skip


def claim_step(op: str, now: int, claim: SignedSettlement | Dispute | None) -> JSONObject:
    """A close or challenge step with its claim parts."""
    if claim is None:
        parts: tuple[bytes, ...] = ()
    elif isinstance(claim, SignedSettlement):
        parts = (claim.encode(),)
    else:
        parts = encode_dispute(claim)
    return {"op": op, "now": now, "claim": [p.hex() for p in parts]}


def _case(inp: JSONObject, comment: str, covers: tuple[str, ...], expect: str) -> Case:
    return make_case(OPS, "book_replay", inp, comment, covers, expect=expect)  # type: ignore[arg-type]


def _issue_cases() -> list[Case]:
    s = Story()
    i1, i2 = s.issue(0, 50), s.issue(1, 70)
    w = s.w
    cert, proof = s.certs[0]
    cases = [
        _case(
            s.input([i1, i2]),
            "two buy-ins, 50 and 70 chips, fresh nonces",
            ("CASH-13", "CASH-4", "CASH-60"),
            "valid",
        ),
        _case(
            s.input([i1, i2, i1]),
            "player-0's deposit issued again",
            ("CASH-13", "CASH-60"),
            "invalid",
        ),
    ]
    one = replace(cert, signatures=cert.signatures[:1])
    cases.append(_case(s.input([Story.issue_step(one, proof)]), "one cashier signature",
                       ("CASH-11", "CASH-13"), "invalid"))  # fmt: skip
    wrong = s.w.deposit(w.players[1], 20)
    cases.append(_case(s.input([i1, Story.issue_step(cert, wrong)]),
                       "player-0's certificate with player-1's deposit proof", ("CASH-13",),
                       "invalid"))  # fmt: skip
    settle, _ = s.settle((50, 70))
    proof3 = w.deposit(w.players[0], 10)
    stale = replace(w.request(proof3), join_seq=1)
    sigs = [(k.public_key.raw, k.sign_tagged(Tag.CASHIER_ISSUE, stale.encode()))
            for k in w.cashier_keys]  # fmt: skip
    cases.append(
        _case(
            s.input(
                [
                    i1,
                    i2,
                    settle,
                    Story.issue_step(assemble_certificate(stale, w.table, sigs), proof3),
                ]
            ),
            "a request joining at sequence 1, which is settled already",
            ("CASH-13",),
            "invalid",
        )
    )
    w.nonce_counter -= 1  # the next deposit reuses the last nonce
    proof4 = w.deposit(w.players[0], 10)
    cert4 = w.certify(w.request(proof4), proof4)
    ok3 = Story.issue_step(w.certify(w.request(proof3), proof3), proof3)
    cases.append(_case(s.input([i1, i2, settle, ok3, Story.issue_step(cert4, proof4)]),
                       "a new deposit that reuses player-0's nonce", ("CASH-4", "CASH-13"),
                       "invalid"))  # fmt: skip
    return cases


def _settle_cases() -> list[Case]:
    s = Story()
    i1, i2 = s.issue(0, 50), s.issue(1, 70)
    base = [i1, i2]
    w = s.w
    st1, ss1 = s.settle((50, 70))
    st2, _ = s.settle((60, 60))
    a, b = (p.public_key.raw for p in w.players)
    nxt = w.settlement({a: 50, b: 70}, START + 500)
    fresh = Story()
    f1, f2 = fresh.issue(0, 50), fresh.issue(1, 70)
    fw = fresh.w
    fs = fw.settlement({a: 50, b: 70}, START + 100)
    c = key("player-free-rider")
    bad_sum = fw.sign(fw.settlement({a: 51, b: 70}, START + 100))
    unfunded = fw.sign(fw.settlement({a: 50, b: 60, c.public_key.raw: 10}, START + 100),
                       [*fw.players, c])  # fmt: skip
    seated_free = fw.sign(fw.settlement({a: 50, b: 70, c.public_key.raw: 0}, START + 100),
                          [*fw.players, c])  # fmt: skip
    dropped = fw.sign(replace(fs, deposits=fs.deposits[:1], balances=(50, 0)))
    unknown = fw.sign(replace(fs, deposits=(*fs.deposits, OutPoint(bytes(32), 0))))
    closing, _ = fresh.settle((20, 100), closing=True, apply=False)

    def stp(x: SignedSettlement) -> JSONObject:
        return {"op": "settle", "settlement": x.encode().hex()}

    return [
        _case(s.input([*base, st1, st2]), "sequences 1 and 2, each signed by both seats",
              ("CASH-22", "CASH-21", "CASH-70"), "valid"),
        _case(s.input([*base, st1, st2, st1]), "sequence 1 shown again after 2",
              ("CASH-22",), "invalid"),
        _case(s.input([*base, st1, stp(w.sign(nxt, [w.players[0]]))]),
              "sequence 2 signed by player-0 only", ("CASH-21",), "invalid"),
        _case(fresh.input([f1, f2, stp(bad_sum)]), "balances sum to 121, deposits to 120",
              ("CASH-23", "CASH-60"), "invalid"),
        _case(fresh.input([f1, f2, stp(seated_free)]), "a seat that paid nothing, holding 0",
              ("CASH-23", "CASH-36"), "valid"),
        _case(fresh.input([f1, f2, stp(unfunded)]), "a seat that paid nothing holds 10 chips",
              ("CASH-23", "CASH-36"), "invalid"),
        _case(fresh.input([f1, f2, stp(dropped)]), "player-1's joined deposit left out",
              ("CASH-23",), "invalid"),
        _case(fresh.input([f1, f2, stp(unknown)]), "a deposit never issued", ("CASH-23",),
              "invalid"),
        _case(fresh.input([f1, f2, closing]), "a closing settlement closes the table",
              ("CASH-24",), "valid"),
        _case(fresh.input([f1, f2, closing, stp(ss1)]), "a settlement after the close",
              ("CASH-24",), "invalid"),
    ]  # fmt: skip


def _dispute_cases() -> list[Case]:
    s = Story()
    i1, i2 = s.issue(0, 50), s.issue(1, 70)
    st1, base = s.settle((50, 70))
    w = s.w
    t0 = base.settlement.time
    now = t0 + TIMEOUT
    won = play_oddeven(w, 2, (50, 70), 10, b"\x02", 1)  # seat 0 wins 10
    hand = Hand(won.instance, tuple(won.events))
    good = Dispute(base, (hand,), (), (60, 60))
    pre = [i1, i2, st1]
    fake = HandPlayer(w, won.instance)  # seat 1 hides the reveal and claims a forfeit
    for ev in won.events[:2]:
        fake.machine.apply(ev)
        fake.events.append(ev)
    fake.play("forfeit", {}, w.players[1], dt=61)
    lie = Dispute(base, (Hand(fake.instance, tuple(fake.events)),), (), (40, 80))
    twin = HandPlayer(w, won.instance)
    twin.play("commit", {"digest": (BYTES, sha256(b"other"))}, w.players[0])
    evidence = make_evidence(won.events[0], twin.events[0])
    penal = Dispute(base, (hand,), (evidence,), (50, 70))  # seat 0 wins 10, forfeits penalty 10
    other_hand = play_oddeven(w, 5, (50, 70), 10, b"\x02", 1)
    unfinished = Dispute(base, (Hand(won.instance, tuple(won.events[:2])),), (), (50, 70))
    plan_tx = _closed_payout(pre, good, now)
    games = s.input
    return [
        _case(games([*pre, claim_step("close", now, good)], True),
              "player-1 is silent: seat 0's win is replayed and paid", ("CASH-33", "CASH-32",
              "CASH-30"), "valid"),
        _case(games([*pre, {**claim_step("close", now, good),
                            "claim": claim_step("close", now, good)["claim"][:-1]}], True),
              "a dispute missing its last event part", ("CASH-37",), "invalid"),
        _case(games([*pre, claim_step("close", now - 1, good)], True),
              "one second before the dispute timeout", ("CASH-31",), "invalid"),
        _case(games([*pre, claim_step("close", now, replace(good, claim=(50, 70)))], True),
              "claims the refund the events do not give", ("CASH-34",), "invalid"),
        _case(games([*pre, claim_step("close", now, unfinished)], True),
              "a hand stopped before its end", ("CASH-33",), "invalid"),
        _case(games([*pre, claim_step("close", now, Dispute(
            base, (Hand(other_hand.instance, tuple(other_hand.events)),), (), (60, 60)))], True),
              "the hand is numbered 5, not 2", ("CASH-30", "CASH-32"), "invalid"),
        _case(games([*pre, claim_step("close", now, penal)], True),
              "seat 0 signed two commits: it forfeits the penalty of 10", ("CASH-34",), "valid"),
        _case(games([*pre, claim_step("close", now, lie),
                     claim_step("challenge", now + 1, good)], True),
              "a signed reveal refutes a claimed forfeit", ("CASH-35", "CASH-37"), "valid"),
        _case(games([*pre, claim_step("close", now, good),
                     claim_step("challenge", now + 1, lie)], True),
              "a claimed forfeit does not beat a signed reveal", ("CASH-35",), "invalid"),
        _case(games([*pre, claim_step("close", now, None),
                     claim_step("challenge", now + TIMEOUT, good)], True),
              "a challenge after the window", ("CASH-31",), "invalid"),
        _case(games([*pre, claim_step("close", now, good),
                     {"op": "finalize", "now": now + TIMEOUT - 1}], True),
              "finalized one second early", ("CASH-31",), "invalid"),
        _case(games([*pre, claim_step("close", now, good), {"op": "finalize",
                     "now": now + TIMEOUT}, plan_tx], True),
              "closed, finalized and redeemed once", ("CASH-44", "CASH-41", "CASH-60"), "valid"),
        _case(games([*pre, claim_step("close", now, good), {"op": "finalize",
                     "now": now + TIMEOUT}, plan_tx], True),
              "the payout is exactly the settled one, with 2-of-3 cashier witnesses",
              ("CASH-42", "CASH-43"), "valid"),
        _case(games([*pre, claim_step("close", now, good), {"op": "finalize",
                     "now": now + TIMEOUT}, plan_tx, plan_tx], True),
              "the same payout replayed", ("CASH-44",), "invalid"),
        _case(games([*pre, plan_tx], True), "a payout of an open table", ("CASH-42",),
              "invalid"),
        _case(games([*pre, claim_step("close", now, good), {"op": "finalize",
                     "now": now + TIMEOUT}, _skim(plan_tx)], True),
              "a payout moving one base unit from seat 1 to seat 0", ("CASH-41", "CASH-42"),
              "invalid"),
        _case(games([i1, i2, claim_step("close", START + TIMEOUT, None),
                     {"op": "finalize", "now": START + 2 * TIMEOUT}]),
              "never settled: both buy-ins are refunded at close", ("CASH-40", "CASH-31"),
              "valid"),
    ]  # fmt: skip


def _holdem_cases() -> list[Case]:
    """A 3-seat hold'em hand with an all-in and a side pot, disputed ([CASH-38])."""
    s = Story(n_players=3, game=HoldemRules())
    issues = [s.issue(i, c) for i, c in enumerate((30, 60, 90))]
    st1, base = s.settle((30, 60, 90))
    w = s.w
    hand = PokerHand([30, 60, 90], blinds=[0, 1, 2], button=0, created=base.settlement.time,
                     deck=parse_cards("AsAhKsKhQsQh2c3d7c8d9h"), keys=w.players,
                     dealer=key("dealer"))  # fmt: skip
    hand.raise_to(30)  # seat 0 all in
    hand.raise_to(60)  # seat 1 all in
    hand.call()  # seat 2: aces win 90, kings the 60 side pot, seat 2 keeps 30
    bound = dispute_hand(hand, w.table.table_id, 2, w.players)
    good = Dispute(base, (bound,), (), (90, 60, 30))
    now = base.settlement.time + TIMEOUT
    other = Story(n_players=3, game=HoldemRules(), penalty=11)
    other_pre = [*[other.issue(i, c) for i, c in enumerate((30, 60, 90))]]
    other_st, other_base = other.settle((30, 60, 90))
    as_3 = dispute_hand(hand, w.table.table_id, 3, w.players)
    shove = hand.events[1]
    fold = sign_event(Event(shove.instance_id, shove.seq, shove.prev_hash, "fold", (), b"",
                            shove.time, b""), w.players[0])  # fmt: skip
    penal = replace(good, evidence=(make_evidence(shove, fold),), claim=(80, 65, 35))
    pre = [*issues, st1]
    inp = {**s.input([]), "game": encode_definition(load_holdem()).hex()}

    def case(steps: list[JSONObject], comment: str, covers: tuple[str, ...], ok: bool) -> Case:
        return _case({**inp, "steps": steps}, comment, covers, "valid" if ok else "invalid")

    return [
        case([*pre, claim_step("close", now, good)],
             "hold'em: an all-in hand with a side pot replays to (90, 60, 30) and is paid",
             ("CASH-30", "CASH-38", "CASH-37"), True),
        case([*pre, claim_step("close", now, replace(good, claim=(90, 30, 60)))],
             "hold'em: the side pot claimed by seat 2 instead of seat 1", ("CASH-34",), False),
        case([*pre, claim_step("close", now, replace(good, hands=(as_3,)))],
             "hold'em: the seats bound the hand as hand 3, it is replayed as hand 2",
             ("CASH-38",), False),
        case([*pre, claim_step("close", now, replace(
            good, hands=(replace(bound, binding=bound.binding[:2]),)))],
             "hold'em: seat 2 never signed the binding", ("CASH-38",), False),
        case([*pre, claim_step("close", now, penal)],
             "hold'em: seat 0 signed a shove and a fold at one state and forfeits 10",
             ("CASH-34", "CASH-38"), True),
        _case({**inp, "table": other.w.table.encode().hex(), "steps": [
            *other_pre, other_st, claim_step("close", now, replace(good, base=other_base))]},
              "hold'em: the hand bound at table A replayed at table B", ("CASH-38",), "invalid"),
    ]  # fmt: skip


def _closed_payout(pre: list[JSONObject], claim: Dispute, now: int) -> JSONObject:
    """The payout step of a table closed by ``claim``, built by a fresh replay of ``pre``."""
    s = Story()
    s.issue(0, 50)
    s.issue(1, 70)
    s.settle((50, 70))
    w = s.w
    w.book.close(now, claim)
    w.book.finalize(now + TIMEOUT)
    tx = cosign_payout(w.book.plan(), w.table, w.ledger.params.chain_id, w.cashier_keys[:2])
    return {"op": "redeem", "payout": tx.encode().hex(), "price": "", "reserve": ""}


def _skim(step: JSONObject) -> JSONObject:
    tx = Tx.decode(bytes.fromhex(step["payout"]))
    a, b = tx.outputs[0], tx.outputs[1]
    skimmed = replace(tx, outputs=(replace(a, amount=a.amount + 1),
                                   replace(b, amount=b.amount - 1), *tx.outputs[2:]))  # fmt: skip
    return {**step, "payout": skimmed.encode().hex()}


def _peg_cases() -> list[Case]:
    s = Story(peg=PegParams(ref_per_chip=1, reserve=COIN // 10), price=10_000)
    i1, i2 = s.issue(0, 500), s.issue(1, 300)
    st, _ = s.settle((600, 200), closing=True)
    w = s.w
    w.price = 2_000  # the coin falls to a fifth: 0.4 coin owed, 0.08 deposited, 0.1 reserve
    w.mine()
    att = w.latest_price()
    assert att is not None
    reserve = (OutPoint(bytes(31) + b"\x01", 0), COIN // 10)
    plan = w.book.plan(att, reserve)
    assert plan.exhausted
    tx = cosign_payout(plan, w.table, w.ledger.params.chain_id, w.cashier_keys[:2])
    full = replace(
        plan,
        payments=tuple(
            (k, c * COIN // 2_000)
            for k, c in zip((p.public_key.raw for p in w.players), (600, 200), strict=True)
        ),
    )
    rs = (reserve[0].encode() + reserve[1].to_bytes(8, "little")).hex()
    redeem = {"op": "redeem", "price": att.encode().hex(), "reserve": rs}
    good = {**redeem, "payout": tx.encode().hex()}
    owed = {**redeem, "payout": full.tx(w.table).encode().hex()}
    return [
        _case(s.input([i1, i2, st, good]), "the coin fell 80 %: reserve exhausted, cut pro rata",
              ("CASH-54", "CASH-55", "CASH-53"), "valid"),
        _case(s.input([i1, i2, st, owed]), "paying the full amount owed beyond the reserve",
              ("CASH-55",), "invalid"),
        _case(s.input([i1, i2, st, {**good, "price": ""}]), "a pegged payout without a price",
              ("CASH-53",), "invalid"),
    ]  # fmt: skip


def _builtin_cases() -> list[Case]:
    s = Story()
    s.issue(0, 50)
    w = s.w
    table, notaries = w.table.encode(), w.ledger.params.notaries.encode()
    book = encode_book(w.book)
    cert, proof = s.certs[0]

    def args(*items: tuple[str, Any]) -> JSONObject:
        return {"name": "", "game": GAME_HEX,
                "args": [{"type": t, "value": v} for t, v in items]}  # fmt: skip

    seq = {**args(("bytes", table.hex()), ("bytes", notaries.hex()), ("bytes", book.hex())),
           "name": "cashier_issued"}  # fmt: skip
    again = {**args(("bytes", table.hex()), ("bytes", notaries.hex()), ("bytes", book.hex()),
                    ("bytes", cert.encode().hex()), ("bytes", proof.encode().hex()),
                    ("bytes", "")), "name": "cashier_issue"}  # fmt: skip
    short = {**seq, "args": [*seq["args"][:2], {"type": "bytes", "value": book[:-1].hex()}]}
    return [
        make_case(OPS, "builtin", seq, "chips issued in a book: 50", ("CASH-71",), expect="valid"),
        make_case(
            OPS,
            "builtin",
            short,
            "a book missing its last byte",
            ("CASH-70", "CASH-71"),
            expect="invalid",
        ),
        make_case(
            OPS,
            "builtin",
            again,
            "cashier_issue refuses the same deposit twice",
            ("CASH-71", "CASH-13"),
            expect="invalid",
        ),
    ]


def _owner_cases() -> list[Case]:
    """[CASH-25]: a new deposit's chips move only with its owner seated and signing."""

    def stp(x: SignedSettlement) -> JSONObject:
        return {"op": "settle", "settlement": x.encode().hex()}

    third = Story(n_players=3)  # [CASH-25]: player-2's deposit, issued but not yet settled
    t1, t2 = third.issue(0, 50), third.issue(1, 70)
    t_st1, _ = third.settle((50, 70))
    t3 = third.issue(2, 30)
    tw = third.w
    ta, tb, tc = (p.public_key.raw for p in tw.players)
    shared = tw.sign(tw.settlement({ta: 80, tb: 70}, START + 200), tw.players[:2])
    joined = tw.sign(tw.settlement({ta: 50, tb: 70, tc: 30}, START + 200))
    return [
        _case(third.input([t1, t2, t_st1, t3, stp(shared)]),
              "player-0 takes the 30 chips of player-2, issued but not seated; sums right",
              ("CASH-25", "CASH-23"), "invalid"),
        _case(third.input([t1, t2, t_st1, t3, stp(joined)]),
              "player-2 seated with the 30 chips of its new deposit, signed by all three",
              ("CASH-25",), "valid"),
    ]  # fmt: skip


def _long_claim_cases() -> list[Case]:
    """[CASH-72]: a claim part costs the game's declared budget, so a cheap game's claim is long."""
    cheap = DeclaredBalances(cheap_oddeven())
    s = Story(game=cheap)
    s.issue(0, 50), s.issue(1, 70)
    _, base = s.settle((50, 70))
    w = s.w
    stacks, hands = (50, 70), []
    for k in range(8):  # seat 0 wins six hands, seat 1 two
        secret = b"\x02" if k % 3 != 2 else b"\x03"
        hp = play_oddeven(w, 2 + k, stacks, 10, secret, 1)
        hands.append(Hand(hp.instance, tuple(hp.events)))
        move = 10 if k % 3 != 2 else -10
        stacks = (stacks[0] + move, stacks[1] - move)
    parts = encode_dispute(Dispute(base, tuple(hands), (), stacks))
    close = {
        "name": "cashier_close",
        "game": encode_definition(cheap.definition).hex(),
        "args": [
            {"type": "bytes", "value": w.table.encode().hex()},
            {"type": "bytes", "value": w.ledger.params.notaries.encode().hex()},
            {"type": "bytes", "value": encode_book(w.book).hex()},
            {"type": "int", "value": base.settlement.time + TIMEOUT},
            {"type": "list[bytes]", "value": [p.hex() for p in parts]},
        ],
    }
    return [
        make_case(OPS, "builtin", close, "eight hands (34 parts) of a game declaring 5,000 "
                  "units an event: 34 * 6200 is within the cap", ("CASH-72", "CASH-71"),
                  expect="valid"),
        make_case(OPS, "builtin", {**close, "game": ""}, "the same 34 parts when the library "
                  "does not hold the game: 34 * 61200 is over the cap, refused before any work",
                  ("CASH-72",), expect="invalid"),
    ]  # fmt: skip


def _full_book(s: Story, count: int) -> bytes:
    """The encoding of ``s``'s table with ``count`` filler deposits issued, none settled.

    The fillers' nonces are not listed: a book need not hold a nonce per deposit.
    """
    w = s.w
    book = TableBook(w.table, w.ledger.params.notaries, None, START)
    filler = key("filler").public_key.raw
    chips = w.table.min_buyin
    for i in range(count):
        op = OutPoint(sha256(b"chipstack/cashier/filler" + i.to_bytes(4, "big")), 0)
        req = IssueRequest(w.table.table_id, op, filler, chips, 1)
        book.issued[op] = Issued(Certificate(req, ()), chips * w.table.chip_unit, 1)
    return encode_book(book)


def _full_cases() -> list[Case]:
    """[CASH-13]: a table holds at most 1024 deposits, checked after open, before the rest."""
    s = Story()
    i1, i2 = s.issue(0, 50), s.issue(1, 70)
    cert2, proof2 = s.certs[1]
    short = Story.issue_step(Certificate(cert2.request, cert2.signatures[:1]), proof2)
    inp = {**s.input([]), "book": _full_book(s, MAX_TABLE_DEPOSITS - 1).hex()}
    close = claim_step("close", START + TIMEOUT, None)
    return [
        _case({**inp, "steps": [i1]}, "the 1024th deposit of a table is issued",
              ("CASH-13",), "valid"),
        _case({**inp, "steps": [i1, i2]}, "a 1025th deposit: the table is full",
              ("CASH-13",), "invalid"),
        _case({**inp, "steps": [i1, short]},
              "a full table and a certificate with one signature: table_full is checked first",
              ("CASH-13",), "invalid"),
        _case({**inp, "steps": [i1, close, i2]},
              "a full table that is closing: table_closed is checked first",
              ("CASH-13", "CASH-24"), "invalid"),
    ]  # fmt: skip


def _older_base_cases() -> list[Case]:
    """[CASH-32]: once a dispute shows a newer base, a rival from an older one is stale."""
    s = Story()
    i1, i2 = s.issue(0, 50), s.issue(1, 70)
    st1, s1 = s.settle((50, 70))
    w = s.w
    _, s2 = s.settle((60, 60), apply=False)  # hand 2 settled by both, shown only in a dispute
    now = s1.settlement.time + TIMEOUT

    def hands(first: int, stacks: tuple[int, int], n: int, secret: bytes) -> list[Hand]:
        out = []
        for k in range(n):
            hp = play_oddeven(w, first + k, stacks, 10, secret, 1)
            out.append(Hand(hp.instance, tuple(hp.events)))
            move = 10 if secret == b"\x02" else -10  # an even secret wins for seat 0
            stacks = (stacks[0] + move, stacks[1] - move)
        return out

    d1 = Dispute(s2, tuple(hands(3, (60, 60), 1, b"\x02")), (), (70, 50))
    rival = Dispute(s1, tuple(hands(2, (50, 70), 3, b"\x03")), (), (20, 100))
    longer = Dispute(s2, tuple(hands(3, (60, 60), 2, b"\x02")), (), (80, 40))
    pre = [i1, i2, st1, claim_step("close", now, d1)]
    return [
        _case(s.input([*pre, claim_step("challenge", now + 1, rival)], True),
              "a rival from settlement 1, after a dispute showed settlement 2: stale although "
              "its sequence (4) is higher", ("CASH-32", "CASH-35", "CASH-22"), "invalid"),
        _case(s.input([*pre, claim_step("challenge", now + 1, longer)], True),
              "a rival from the shown settlement 2 with one hand more replaces the claim",
              ("CASH-32", "CASH-35"), "valid"),
    ]  # fmt: skip


def _silent_newcomer_cases() -> list[Case]:
    """[CASH-39]: a depositor who never signs stalls settlements only until the timeout."""
    s = Story(n_players=3)
    i1, i2 = s.issue(0, 50), s.issue(1, 70)
    st1, s1 = s.settle((50, 70))
    i3 = s.issue(2, 30)  # joins at seq 2, then never signs
    w = s.w
    a, b, c = (p.public_key.raw for p in w.players)
    unsigned = w.sign(w.settlement({a: 60, b: 60, c: 30}, START + 200), w.players[:2])
    now = s1.settlement.time + TIMEOUT
    won = play_oddeven(w, 2, (50, 70), 10, b"\x02", 1)
    d = Dispute(s1, (Hand(won.instance, tuple(won.events)),), (), (60, 60))
    pre = [i1, i2, st1, i3]
    return [
        _case(s.input([*pre, {"op": "settle", "settlement": unsigned.encode().hex()}]),
              "the seated two settle without the newcomer's signature", ("CASH-39", "CASH-25"),
              "invalid"),
        _case(s.input([*pre, claim_step("close", now - 1, d)], True),
              "the issuance did not move the clock: one second early is still early",
              ("CASH-39", "CASH-31"), "invalid"),
        _case(s.input([*pre, claim_step("close", now, d),
                       {"op": "finalize", "now": now + TIMEOUT}], True),
              "closed one timeout after the last settlement: the hand played is paid, the "
              "newcomer's 30 chips refunded", ("CASH-39", "CASH-40"), "valid"),
    ]  # fmt: skip


def _cases() -> list[Case]:
    return [
        *_issue_cases(), *_settle_cases(), *_dispute_cases(), *_peg_cases(), *_builtin_cases(),
        *_holdem_cases(), *_owner_cases(), *_full_cases(), *_older_base_cases(),
        *_silent_newcomer_cases(), *_long_claim_cases(),
    ]  # fmt: skip


SUITE = Suite(
    name="cashier/book",
    description=(
        "A table book replayed step by step: issuance, settlements, disputes by replaying the "
        "game, challenges, redemption once; and the cashier/1 built-ins (spec/04-cashier.md)"
    ),
    notes=FLAGS,
    reason_flags=REASON_FLAGS,
    operations=OPS,
    build_cases=_cases,
    shared={
        "book_replay": ("table", "notary_set", "game", "created", "book"),
        "builtin": ("game",),
    },
)
