"""Cashier figures: proofs, certificates, settlements and disputes verified per second.

Run: ``python benchmarks/cashier.py`` (``--quick`` for a short smoke run).
Every figure is also given as a ratio to the raw Ed25519 verify rate
(``cryptography``'s verify of one 32-byte message) measured in the same
run, the anchor: a deposit proof costs its notary signatures, a
certificate its M cashier signatures, a settlement one signature per seat,
a dispute one engine step and one signature per replayed event. Spec:
spec/04-cashier.md.
"""

from __future__ import annotations

import sys
from dataclasses import replace

from timing import rate

from chipstack.cashier.bookcodec import encode_book
from chipstack.cashier.deposit import DepositProof, verify_deposit
from chipstack.cashier.dispute import Dispute, Hand, encode_dispute, replay_dispute
from chipstack.cashier.games import DeclaredBalances
from chipstack.cashier.issuance import verify_certificate
from chipstack.cashier.machine import builtin_cost, cashier_library
from chipstack.cashier.scenario import START, World, cheap_oddeven, new_world, play_oddeven
from chipstack.cashier.settlement import SignedSettlement, check_signed
from chipstack.crypto import PrivateKey
from chipstack.fsm.codec import definition_id
from chipstack.fsm.expr import Value


def machine_claim() -> tuple[World, tuple[Value, ...], int]:
    """A ``cashier_close`` call of the machine form: 8 hands of a cheap game (34 parts).

    Returns the world, the built-in's arguments and the number of game events.
    """
    cheap = DeclaredBalances(cheap_oddeven())
    w = new_world(game=cheap)
    a, b = (p.public_key.raw for p in w.players)
    w.buy_in(w.players[0], 50)
    w.buy_in(w.players[1], 70)
    base = w.sign(w.settlement({a: 50, b: 70}, START + 100))
    w.book.settle(base)
    stacks: tuple[int, ...] = (50, 70)
    hands = []
    for k in range(8):
        hp = play_oddeven(w, 2 + k, stacks, 5, bytes([k]), 1)
        hands.append(Hand(hp.instance, tuple(hp.events)))
        stacks = cheap.balances(hp.machine.state, stacks)
    parts = encode_dispute(Dispute(base, tuple(hands), (), stacks))
    args: tuple[Value, ...] = (
        w.table.encode(), w.ledger.params.notaries.encode(), encode_book(w.book),
        START + 100 + w.table.dispute_timeout, parts,
    )  # fmt: skip
    return w, args, sum(len(h.events) for h in hands)


def main() -> None:
    """Print the figures table."""
    seconds = 0.2 if "--quick" in sys.argv else 2.0
    w = new_world(n_players=2, n_cashiers=5, threshold=3)
    p0, p1 = w.players
    a, b = p0.public_key.raw, p1.public_key.raw
    proof = w.deposit(p0, 50)
    full = w.certify(w.request(proof), proof)
    cert = replace(full, signatures=full.signatures[: w.table.cashiers.threshold])
    w.book.issue(cert, proof)
    w.buy_in(p1, 70)
    base = w.sign(w.settlement({a: 50, b: 70}, START + 100))
    w.book.settle(base)
    hands = []
    rules = w.book.game
    assert rules is not None
    stacks: tuple[int, ...] = (50, 70)
    for k in range(4):
        hp = play_oddeven(w, 2 + k, stacks, 5, bytes([k]), 1)
        hands.append(hp)
        stacks = rules.balances(hp.machine.state, stacks)
    dispute = Dispute(base, tuple(Hand(h.instance, tuple(h.events)) for h in hands), (), stacks)
    n_events = sum(len(h.events) for h in hands)
    notaries = w.ledger.params.notaries
    raw = proof.encode()
    signed = base.encode()

    mw, margs, m_events = machine_claim()
    game = mw.book.game
    assert game is not None
    games = {definition_id(game.definition): game}
    close = cashier_library(games).lookup("cashier_close").impl
    charged = builtin_cost(margs, games)

    key = PrivateKey.from_label("bench")
    msg = b"m" * 32
    sig = key.sign(msg)
    anchor = rate(lambda: key.public_key.verify(sig, msg), seconds, 100)
    rows = [
        ("raw Ed25519 verify (anchor)", anchor, 1),
        (f"deposit proof decode+verify ({len(raw)} B, 2-of-3 notaries)",
         rate(lambda: verify_deposit(DepositProof.decode(raw), w.table, notaries), seconds, 10), 1),
        (f"certificate verify ({len(cert.signatures)}-of-5 cashiers)",
         rate(lambda: verify_certificate(cert, w.table), seconds, 10), 1),
        ("settlement decode+verify (2 seats)",
         rate(lambda: check_signed(SignedSettlement.decode(signed), w.table.table_id),
              seconds, 10), 1),
        (f"dispute replay: events/s ({len(hands)} hands, {n_events} events)",
         rate(lambda: replay_dispute(dispute, w.table.table_id, rules,
                                     w.table.penalty, w.book.funded()), seconds), n_events),
        (f"machine cashier_close: events/s (8 hands, {m_events} events, 34 parts)",
         rate(lambda: close(margs), seconds), m_events),
    ]  # fmt: skip
    print(f"{'figure':<60} {'per second':>12} {'x Ed25519':>10}")
    print(f"{'-' * 60} {'-' * 12} {'-' * 10}")
    for label, per_call, units in rows:
        per_s = per_call * units
        print(f"{label:<60} {per_s:>12,.0f} {per_s / anchor:>10.3f}")
    ms = 1e3 / rows[-1][1]
    print(
        f"\nmachine close charges {charged:,} units (CASH-72): {charged * 80e-6:.1f} ms at "
        f"80 ns a unit; measured {ms:.1f} ms ({ms * 1e6 / charged:.0f} ns a unit)"
    )


if __name__ == "__main__":
    main()
