"""The cashier as an FSM definition run by the generic engine (spec/04-cashier.md section 9)."""

from __future__ import annotations

from collections.abc import Mapping

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.cashier.bookcodec import decode_book, encode_book
from chipstack.cashier.dispute import Dispute, Hand, decode_dispute, encode_dispute
from chipstack.cashier.games import DeclaredBalances, StakeAdapter
from chipstack.cashier.machine import builtin_cost, cashier_definition, cashier_library
from chipstack.cashier.redemption import cosign_payout
from chipstack.cashier.scenario import START, World, cheap_oddeven, new_world, play_oddeven
from chipstack.crypto import PrivateKey
from chipstack.errors import Reason, Rejected
from chipstack.fsm.codec import definition_id
from chipstack.fsm.engine import Machine
from chipstack.fsm.event import Arg, sign_event
from chipstack.fsm.event import Event as FsmEvent
from chipstack.fsm.expr import BYTES, INT, ListType, Type, Value
from chipstack.fsm.instance import Binding, Instance, ParamValue
from chipstack.fsm.machines import load_machine


class Runner:
    """Drives one cashier machine instance for a scenario world."""

    def __init__(self, w: World) -> None:
        rules = w.book.game
        assert isinstance(rules, DeclaredBalances)
        lib = cashier_library({definition_id(rules.definition): rules})
        self.defn = cashier_definition(lib)
        inst = Instance(
            definition_id(self.defn),
            (ParamValue("table", BYTES, w.table.encode()),
             ParamValue("notaries", BYTES, w.ledger.params.notaries.encode())),
            (Binding("players", tuple(p.public_key.raw for p in w.players)),
             Binding("cashiers", tuple(k.raw for k in w.table.cashiers.keys))),
            START,
        )  # fmt: skip
        self.m = Machine(self.defn, inst, lib)
        self.w = w

    def send(self, name: str, args: Mapping[str, tuple[Type, Value]], who: PrivateKey,
             time: int | None = None) -> None:  # fmt: skip
        st_ = self.m.state
        ev = FsmEvent(self.m.instance.id, st_.seq + 1, self.m.state_hash, name,
                      tuple(Arg(n, t, v) for n, (t, v) in args.items()),
                      b"", st_.time + 1 if time is None else time)  # fmt: skip
        self.m.apply(sign_event(ev, who))

    def var(self, name: str) -> Value:
        return self.m.state.variables(self.defn)[name]


def _fails(r: Runner, name: str, args: Mapping[str, tuple[Type, Value]], who: PrivateKey,
           code: Reason, time: int | None = None) -> None:  # fmt: skip
    before = r.m.state_hash
    with pytest.raises(Rejected) as exc:
        r.send(name, args, who, time)
    assert exc.value.reason is Reason.FSM_EVAL_FAILED
    assert code.value in exc.value.detail
    assert r.m.state_hash == before


def test_cashier_machine_runs_a_table_from_deposit_to_redemption() -> None:
    w = new_world()
    r = Runner(w)
    p0, p1 = w.players
    certs = []
    for p, chips in ((p0, 50), (p1, 70)):
        proof = w.deposit(p, chips)
        cert = w.certify(w.request(proof), proof)
        certs.append((cert, proof))
        r.send("issue", {"cert": (BYTES, cert.encode()), "proof": (BYTES, proof.encode()),
                         "price": (BYTES, b"")}, p)  # fmt: skip
        w.book.issue(cert, proof)  # the reference book, side by side
    assert r.var("issued") == 120
    cert, proof = certs[0]
    _fails(r, "issue", {"cert": (BYTES, cert.encode()), "proof": (BYTES, proof.encode()),
                        "price": (BYTES, b"")}, p1, Reason.CASHIER_DOUBLE_ISSUE)  # fmt: skip
    a, b = p0.public_key.raw, p1.public_key.raw
    base = w.sign(w.settlement({a: 50, b: 70}, START + 50))
    r.send("settle", {"settlement": (BYTES, base.encode())}, p0, START + 50)
    w.book.settle(base)
    assert (r.m.state.name, r.var("seq")) == ("open", 1)
    hp = play_oddeven(w, 2, (50, 70), 10, b"\x02", 1)  # seat 0 wins
    parts = encode_dispute(Dispute(base, (Hand(hp.instance, tuple(hp.events)),), (), (60, 60)))
    claim = {"claim": (ListType(BYTES), parts)}
    timeout = w.table.dispute_timeout
    _fails(r, "close", claim, p0, Reason.CASHIER_DISPUTE_TOO_EARLY, START + 50 + timeout - 1)
    r.send("close", claim, p0, START + 50 + timeout)
    assert (r.m.state.name, r.var("seq")) == ("closing", 2)
    _fails(r, "finalize", {}, p1, Reason.CASHIER_DISPUTE_TOO_EARLY)
    r.send("finalize", {}, p1, START + 50 + 2 * timeout)
    assert r.m.state.name == "closed"
    w.book.close(START + 50 + timeout, decode_dispute(parts))
    w.book.finalize(START + 50 + 2 * timeout)
    plan = w.book.plan()
    tx = cosign_payout(plan, w.table, w.ledger.params.chain_id, w.cashier_keys[:2])
    bad = plan.tx(w.table)
    skim = bad.outputs[0].__class__(bad.outputs[0].amount - 1, bad.outputs[0].condition)
    wrong = bad.__class__(bad.inputs, (skim, *bad.outputs[1:]))
    redeem = {"price": (BYTES, b""), "reserve": (BYTES, b"")}
    _fails(r, "redeem", {"payout": (BYTES, wrong.encode()), **redeem}, p0,
           Reason.CASHIER_PAYOUT_MISMATCH)  # fmt: skip
    r.send("redeem", {"payout": (BYTES, tx.encode()), **redeem}, p0)
    assert r.m.state.name == "redeemed"
    # the machine and the reference book agree on every byte of the final book
    w.book.redeem(tx)
    assert r.var("book") == encode_book(w.book)
    with pytest.raises(Rejected) as exc:  # a replayed redemption: the instance is final
        r.send("redeem", {"payout": (BYTES, tx.encode()), **redeem}, p0)
    assert exc.value.reason is Reason.FSM_INSTANCE_FINAL


def test_book_encoding_round_trips() -> None:
    w = new_world()
    p0, p1 = w.players
    w.buy_in(p0, 50)
    w.buy_in(p1, 70)
    a, b = p0.public_key.raw, p1.public_key.raw
    base = w.sign(w.settlement({a: 50, b: 70}, START + 50))
    w.book.settle(base)
    hp = play_oddeven(w, 2, (50, 70), 10, b"\x02", 1)
    w.book.close(START + 700, Dispute(base, (Hand(hp.instance, tuple(hp.events)),), (), (60, 60)))
    data = encode_book(w.book)
    again = decode_book(data, w.table, w.ledger.params.notaries, w.book.game)
    assert encode_book(again) == data
    assert again.position == w.book.position and again.settled == w.book.settled
    assert again.final_balances() == w.book.final_balances()


def test_costs_are_known_before_running() -> None:
    # CASH-72: CALL + 20 w + 1200 * (64-byte slots of the proof arguments) + 61200 k (no game)
    assert builtin_cost([b"x" * 63]) == 4 + 20 * 1
    assert builtin_cost([b"t", b"n", b"b", b"x" * 64]) == 4 + 20 * 5 + 1_200
    assert builtin_cost([5, (b"a" * 10, b"b" * 10)]) == 4 + 20 * 4 + 2 * 61_200
    lib = cashier_library()
    rule = lib.lookup("cashier_issue").cost
    assert rule.bound((BYTES,) * 6) >= rule.exact((b"x" * 4096,) * 6)
    close = lib.lookup("cashier_close").cost
    claim = tuple(b"x" * 4096 for _ in range(8))
    assert close.bound((BYTES, BYTES, BYTES, INT, ListType(BYTES))) >= close.exact(
        (b"x" * 4096, b"x" * 4096, b"x" * 4096, 1, claim)
    )


def test_machine_form_limits_claims_and_game_budgets() -> None:
    w = new_world()
    lib = cashier_library()
    nine = tuple(b"" for _ in range(9))
    book = encode_book(w.book)
    close = lib.lookup("cashier_close").impl
    with pytest.raises(Rejected) as exc:
        close((w.table.encode(), w.ledger.params.notaries.encode(), book, 1, nine))
    assert exc.value.reason is Reason.FSM_EXPR_BAD_ARGUMENT
    ttt = load_machine("tictactoe")  # budget 1,000,000: too dear to replay in the machine
    rules = StakeAdapter(ttt, ("x", "o"), {"x_won": 0, "o_won": 1, "draw": -1}, stake=5)
    wt = new_world(game=rules)
    lib_t = cashier_library({definition_id(ttt): rules})
    args = (wt.table.encode(), wt.ledger.params.notaries.encode(), encode_book(wt.book), 1, ())
    with pytest.raises(Rejected) as exc2:
        lib_t.lookup("cashier_close").impl(args)
    assert exc2.value.reason is Reason.CASHIER_DISPUTE_BAD_GAME


@given(st.binary(max_size=400))
@settings(max_examples=150, deadline=None)
def test_book_decoder_fuzz(data: bytes) -> None:
    w = _world()
    try:
        decode_book(data, w.table, w.ledger.params.notaries, None)
    except Rejected:
        pass


@given(st.lists(st.binary(max_size=120), max_size=5))
@settings(max_examples=150, deadline=None)
def test_dispute_decoder_fuzz(parts: list[bytes]) -> None:
    try:
        decode_dispute(parts)
    except Rejected:
        pass


_WORLD: list[World] = []


def _world() -> World:
    if not _WORLD:
        _WORLD.append(new_world())
    return _WORLD[0]


def _verdict(fn: object, *args: object) -> str:
    """``"ok"``, or the cashier reason a refusal names (the engine wraps it, [CASH-71])."""
    try:
        fn(*args)  # type: ignore[operator]
    except Rejected as exc:
        if exc.reason is Reason.FSM_EVAL_FAILED:
            return next(w for w in exc.detail.split() if w.startswith("cashier.")).rstrip(":")
        return exc.reason.value
    return "ok"


def _both_forms() -> tuple[World, Runner, dict[str, Dispute]]:
    """A settled two-seat table in both forms, and disputes from its settlement."""
    w = new_world()
    r = Runner(w)
    p0, p1 = w.players
    for p, chips in ((p0, 50), (p1, 70)):
        proof = w.deposit(p, chips)
        cert = w.certify(w.request(proof), proof)
        r.send("issue", {"cert": (BYTES, cert.encode()), "proof": (BYTES, proof.encode()),
                         "price": (BYTES, b"")}, p)  # fmt: skip
        w.book.issue(cert, proof)
    base = w.sign(w.settlement({p0.public_key.raw: 50, p1.public_key.raw: 70}, START + 50))
    r.send("settle", {"settlement": (BYTES, base.encode())}, p0, START + 50)
    w.book.settle(base)
    won = play_oddeven(w, 2, (50, 70), 10, b"\x02", 1)
    lost = play_oddeven(w, 2, (50, 70), 10, b"\x02", 1, reveal=False)  # a claimed forfeit
    wrong_no = play_oddeven(w, 3, (50, 70), 10, b"\x02", 1)
    good = Dispute(base, (Hand(won.instance, tuple(won.events)),), (), (60, 60))
    return w, r, {
        "good": good,
        "forfeit": Dispute(base, (Hand(lost.instance, tuple(lost.events)),), (), (40, 80)),
        "mismatch": Dispute(base, good.hands, (), (50, 70)),
        "unfinished": Dispute(base, (Hand(won.instance, tuple(won.events[:2])),), (), (50, 70)),
        "hand number": Dispute(base, (Hand(wrong_no.instance, tuple(wrong_no.events)),), (),
                               (60, 60)),
    }  # fmt: skip


def test_machine_and_reference_book_reach_the_same_verdict_on_each_dispute() -> None:
    """Differential: each pair of disputes, as a close then a challenge, in both forms.

    Both forms must accept or refuse alike, with the same reason, and leave
    the same book bytes ([CASH-70]). The disputes are those the machine form
    can carry ([CASH-72]: at most 8 parts of a game declaring 60,000 units).
    """
    names = list(_both_forms()[2])
    seen = set()
    for first in names:
        for second in names:
            w, r, cases = _both_forms()  # the same deterministic table again, for each pair
            now = START + 50 + w.table.dispute_timeout
            for op, d, t in (("close", cases[first], now), ("challenge", cases[second], now + 1)):
                parts = encode_dispute(d)
                who = w.players[0]
                fsm = _verdict(r.send, op, {"claim": (ListType(BYTES), parts)}, who, t)
                ref = _verdict(getattr(w.book, op), t, decode_dispute(parts))
                if fsm == Reason.FSM_NO_TRANSITION.value:  # a challenge to an open table:
                    fsm = Reason.CASHIER_TABLE_NOT_CLOSED.value  # the states say what status does
                assert fsm == ref, (first, second, op)
                assert r.var("book") == encode_book(w.book)
                seen.add((op, ref))
    # the pairs reach acceptance, a refutation and several distinct refusals
    assert ("challenge", "ok") in seen and ("close", "ok") in seen
    assert {v for _, v in seen} >= {"ok", "cashier.dispute_mismatch",
                                    "cashier.dispute_unfinished", "cashier.dispute_bad_game",
                                    "cashier.stale_settlement"}  # fmt: skip


def test_a_long_dispute_of_a_cheap_game_replays_in_one_machine_event() -> None:
    """[CASH-72]: a part costs the game's declared budget, so a cheap game's claim is long.

    Odd-or-even declaring 5,000 units an event (its events cost far less) has
    parts of 6,200 units: eight hands (34 parts) fit the cap of 489,600 that
    eight parts of the dearest game fill. Both forms reach the same book.
    """
    cheap = DeclaredBalances(cheap_oddeven())
    w = new_world(game=cheap)
    r = Runner(w)
    p0, p1 = w.players
    for p, chips in ((p0, 50), (p1, 70)):
        proof = w.deposit(p, chips)
        cert = w.certify(w.request(proof), proof)
        r.send("issue", {"cert": (BYTES, cert.encode()), "proof": (BYTES, proof.encode()),
                         "price": (BYTES, b"")}, p)  # fmt: skip
        w.book.issue(cert, proof)
    base = w.sign(w.settlement({p0.public_key.raw: 50, p1.public_key.raw: 70}, START + 50))
    r.send("settle", {"settlement": (BYTES, base.encode())}, p0, START + 50)
    w.book.settle(base)
    stacks, hands = (50, 70), []
    for k in range(8):  # seat 0 wins six hands, seat 1 hands 2 and 5
        secret = b"\x02" if k % 3 != 2 else b"\x03"
        hp = play_oddeven(w, 2 + k, stacks, 10, secret, 1)
        hands.append(Hand(hp.instance, tuple(hp.events)))
        move = 10 if k % 3 != 2 else -10
        stacks = (stacks[0] + move, stacks[1] - move)
    parts = encode_dispute(Dispute(base, tuple(hands), (), stacks))
    assert len(parts) == 34
    now = START + 50 + w.table.dispute_timeout
    lying = encode_dispute(Dispute(base, tuple(hands), (), (50, 70)))
    claim = ListType(BYTES)
    assert _verdict(r.send, "close", {"claim": (claim, lying)}, p0, now) == (
        _verdict(w.book.close, now, decode_dispute(lying))
    ) == Reason.CASHIER_DISPUTE_MISMATCH.value  # fmt: skip
    r.send("close", {"claim": (claim, parts)}, p0, now)
    w.book.close(now, decode_dispute(parts))
    assert (r.var("seq"), w.book.position.balances) == (9, (90, 30)) == (9, stacks)
    assert r.var("book") == encode_book(w.book)
    # at the dearest game's 61,200 units a part, the same 34 parts are over the cap
    dear = cashier_library().lookup("cashier_close").impl
    with pytest.raises(Rejected) as exc:
        dear((w.table.encode(), w.ledger.params.notaries.encode(), r.var("book"), now, parts))
    assert exc.value.reason is Reason.FSM_EXPR_BAD_ARGUMENT
