"""Executable disputes: close a table by replaying the signed game events since the last settlement.

Spec: ``spec/04-cashier.md`` section 5 (rules ``[CASH-30]`` .. ``[CASH-36]``).
A :class:`Dispute` is a fully signed base settlement, the hands played
since (each a game instance and its signed events), equivocation evidence,
and the claimed balances. :func:`replay_dispute` re-runs every event
through the game's FSM definition with the generic engine: the played
result is paid, not a refund, and a claim the events do not produce is
refused. Each equivocating seat forfeits the table's penalty to the funded
seats.
"""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass

from chipstack.cashier.games import GameRules
from chipstack.cashier.settlement import MAX_SEATS, SignedSettlement, check_signed
from chipstack.crypto import SIGNATURE_LEN, PrivateKey, PublicKey, Tag
from chipstack.encoding import Reader, Writer, decode_exact
from chipstack.errors import Reason, require
from chipstack.fsm.engine import Machine
from chipstack.fsm.equivocation import Equivocation, decode_evidence, verify_evidence
from chipstack.fsm.event import Event, decode_event, encode_event
from chipstack.fsm.instance import Instance, decode_instance

#: Most hands in one dispute ([CASH-31]).
MAX_DISPUTE_HANDS = 64
#: Most events in one dispute, over all its hands ([CASH-31]).
MAX_DISPUTE_EVENTS = 4096
#: Most evidence items in one dispute ([CASH-31]).
MAX_DISPUTE_EVIDENCE = 16


@dataclass(frozen=True)
class Hand:
    """One hand: the game instance, its signed events in order, and its seats' binding.

    ``binding`` holds one signature per seat, in seat order, over
    :func:`binding_message` ([CASH-38]); it is empty for a game whose instance
    names its table and hand itself ([CASH-30]).
    """

    instance: Instance
    events: tuple[Event, ...]
    binding: tuple[bytes, ...] = ()


def binding_message(table_id: bytes, hand: int, instance_id: bytes) -> bytes:
    """``table_id[32] || u64 hand || instance_id[32]``, what each seat signs ([CASH-38])."""
    return Writer().fixed(table_id, 32).u64(hand).fixed(instance_id, 32).getvalue()


def sign_binding(key: PrivateKey, table_id: bytes, hand: int, instance_id: bytes) -> bytes:
    """A seat's signature binding ``instance_id`` to hand ``hand`` of the table ([CASH-38])."""
    return key.sign_tagged(Tag.CASHIER_HAND, binding_message(table_id, hand, instance_id))


def check_binding(hand: Hand, table_id: bytes, number: int, seats: tuple[bytes, ...]) -> None:
    """Reject unless every seat signed ``hand``'s instance as hand ``number`` here ([CASH-38])."""
    require(
        len(hand.binding) == len(seats),
        Reason.CASHIER_DISPUTE_BAD_GAME,
        f"hand {number}: {len(hand.binding)} binding signatures for {len(seats)} seats",
    )
    msg = binding_message(table_id, number, hand.instance.id)
    for seat, sig in zip(seats, hand.binding, strict=True):
        PublicKey(seat).verify_tagged(sig, Tag.CASHIER_HAND, msg)


@dataclass(frozen=True)
class Dispute:
    """A closing claim: base settlement, hands since, evidence, and the balances claimed."""

    base: SignedSettlement
    hands: tuple[Hand, ...]
    evidence: tuple[Equivocation, ...]
    claim: tuple[int, ...]


@dataclass(frozen=True)
class Step:
    """One replayed event: which hand, its seq, its id, and whether a timeout authorised it."""

    hand: int
    seq: int
    event_id: bytes
    via_timeout: bool


@dataclass(frozen=True)
class DisputeResult:
    """What a replay establishes: balances at sequence ``seq`` after the hands and penalties."""

    base_seq: int
    seq: int
    time: int
    seats: tuple[bytes, ...]
    balances: tuple[int, ...]
    game_hash: bytes
    penalized: tuple[bytes, ...]
    trace: tuple[Step, ...]


def replay_dispute(
    dispute: Dispute, table_id: bytes, rules: GameRules, penalty: int, funded: Set[bytes]
) -> DisputeResult:
    """Decide a dispute by replaying it ([CASH-31] .. [CASH-34]); return the result or reject.

    ``funded`` holds the players with an issued deposit at the table; only
    they may receive a penalty share ([CASH-36]).
    """
    base = check_signed(dispute.base, table_id)
    n_events = sum(len(h.events) for h in dispute.hands)
    require(
        len(dispute.hands) <= MAX_DISPUTE_HANDS
        and n_events <= MAX_DISPUTE_EVENTS
        and len(dispute.evidence) <= MAX_DISPUTE_EVIDENCE,
        Reason.CASHIER_PROOF_TOO_LARGE,
        f"{len(dispute.hands)} hands, {n_events} events",
    )
    seats, stacks = base.seats, base.balances
    time, game_hash = base.time, base.game_hash
    trace: list[Step] = []
    instances: set[bytes] = set()
    for k, hand in enumerate(dispute.hands):
        number = base.seq + k + 1
        rules.check_instance(hand.instance, table_id, number, seats, stacks)  # [CASH-32]
        if hand.binding or getattr(rules, "binds_hands", False):
            check_binding(hand, table_id, number, seats)  # [CASH-38]
        machine = Machine(rules.definition, hand.instance, rules.library)
        for ev in hand.events:
            applied = machine.apply(ev)  # [CASH-33]: the game's own rules decide
            trace.append(Step(k, ev.seq, ev.id, applied.via_timeout))
        require(
            machine.state.is_final(rules.definition),
            Reason.CASHIER_DISPUTE_UNFINISHED,
            f"hand {number} ends in {machine.state.name}",
        )
        after = rules.balances(machine.state, stacks)
        require(
            len(after) == len(seats) and min(after, default=0) >= 0 and sum(after) == sum(stacks),
            Reason.CASHIER_DISPUTE_BAD_GAME,
            "a hand must move chips between seats, never create or destroy them",
        )
        stacks, time, game_hash = after, max(time, machine.state.time), machine.state_hash
        instances.add(hand.instance.id)
    balances, penalized = _penalize(dispute.evidence, instances, seats, stacks, penalty, funded)
    require(
        balances == dispute.claim,
        Reason.CASHIER_DISPUTE_MISMATCH,
        f"the events give {list(balances)}, the claim says {list(dispute.claim)}",
    )
    seq = base.seq + len(dispute.hands)
    return DisputeResult(base.seq, seq, time, seats, balances, game_hash, penalized, tuple(trace))


def _penalize(
    evidence: tuple[Equivocation, ...],
    instances: set[bytes],
    seats: tuple[bytes, ...],
    stacks: tuple[int, ...],
    penalty: int,
    funded: Set[bytes],
) -> tuple[tuple[int, ...], tuple[bytes, ...]]:
    """Apply [CASH-34]: each equivocating seat, once, forfeits ``min(penalty, balance)``.

    The forfeit is split equally among the other funded seats, the
    remainder chip by chip in seat order; with no such seat it stays put.
    """
    out = list(stacks)
    done: list[bytes] = []
    for ev in evidence:
        verify_evidence(ev)
        require(ev.first.instance_id in instances, Reason.CASHIER_BAD_EVIDENCE, "another game")
        require(ev.signer in seats, Reason.CASHIER_BAD_EVIDENCE, "the signer is not seated")
        if ev.signer in done:
            continue
        done.append(ev.signer)
        i = seats.index(ev.signer)
        takers = [j for j, s in enumerate(seats) if j != i and s in funded]
        if not takers:
            continue
        amount = min(penalty, out[i])
        out[i] -= amount
        share, rest = divmod(amount, len(takers))
        for n, j in enumerate(takers):
            out[j] += share + (1 if n < rest else 0)
    return tuple(out), tuple(done)


def refutes(challenger: DisputeResult, standing: DisputeResult) -> bool:
    """Whether ``challenger`` replaces ``standing`` during the challenge window ([CASH-35]).

    At the first event where the two replays differ, a signed move beats a
    timeout: if ``standing`` took the timeout path there and ``challenger``
    did not, the challenger wins whatever the lengths. Otherwise the higher
    sequence wins.
    """
    if challenger.base_seq != standing.base_seq:
        return challenger.seq > standing.seq
    for a, b in zip(challenger.trace, standing.trace, strict=False):
        if a.event_id != b.event_id:
            if (a.hand, a.seq) == (b.hand, b.seq) and b.via_timeout and not a.via_timeout:
                return True
            if (a.hand, a.seq) == (b.hand, b.seq) and a.via_timeout and not b.via_timeout:
                return False
            break
    return challenger.seq > standing.seq


#: The dispute encoding version without hand bindings ([CASH-37]).
DISPUTE_VERSION = 1
#: The dispute encoding version with one binding part per hand ([CASH-37], [CASH-38]).
DISPUTE_VERSION_BOUND = 2


def encode_dispute(d: Dispute) -> tuple[bytes, ...]:
    """Return a dispute as parts, each one FSM ``bytes`` value ([CASH-37]).

    Part 0 is ``u8 version || count hands (u16 events)* || count evidence ||
    count claim u64*``; part 1 the signed base settlement; then each hand's
    instance followed by its events (and, in version 2, its binding); then
    each evidence item. Version 2 is used when any hand carries a binding.
    """
    bound = any(h.binding for h in d.hands)
    require(
        not bound or all(h.binding for h in d.hands),
        Reason.ENCODING_OUT_OF_RANGE,
        "either every hand of a dispute carries a binding or none does",
    )
    version = DISPUTE_VERSION_BOUND if bound else DISPUTE_VERSION
    w = Writer().u8(version).count(len(d.hands), MAX_DISPUTE_HANDS)
    for h in d.hands:
        w.u16(len(h.events))
    w.count(len(d.evidence), MAX_DISPUTE_EVIDENCE).count(len(d.claim), MAX_SEATS)
    for c in d.claim:
        w.u64(c)
    parts = [w.getvalue(), d.base.encode()]
    for h in d.hands:
        parts.append(h.instance.encode())
        parts.extend(encode_event(e) for e in h.events)
        if bound:
            b = Writer().count(len(h.binding), MAX_SEATS)
            for sig in h.binding:
                b.fixed(sig, SIGNATURE_LEN)
            parts.append(b.getvalue())
    parts.extend(e.encode() for e in d.evidence)
    return tuple(parts)


def decode_dispute(parts: Sequence[bytes]) -> Dispute:
    """Decode the parts written by :func:`encode_dispute`; reject a wrong shape ([CASH-37])."""
    require(len(parts) >= 2, Reason.ENCODING_TRUNCATED, "a dispute has a header and a base")

    def header(r: Reader) -> tuple[int, list[int], int, tuple[int, ...]]:
        version = r.version(frozenset({DISPUTE_VERSION, DISPUTE_VERSION_BOUND}))
        counts = r.items(MAX_DISPUTE_HANDS, lambda rr: rr.u16())
        n_evidence = r.count(MAX_DISPUTE_EVIDENCE)
        claim = tuple(r.items(MAX_SEATS, lambda rr: rr.u64()))
        return version, counts, n_evidence, claim

    version, counts, n_evidence, claim = decode_exact(parts[0], header)
    bound = version == DISPUTE_VERSION_BOUND
    need = 2 + sum(counts) + len(counts) * (2 if bound else 1) + n_evidence
    require(len(parts) == need, Reason.ENCODING_TRUNCATED, f"{len(parts)} parts, need {need}")
    base = SignedSettlement.decode(parts[1])
    hands: list[Hand] = []
    at = 2
    for n in counts:
        inst = decode_instance(parts[at])
        events = tuple(decode_event(p) for p in parts[at + 1 : at + 1 + n])
        at += 1 + n
        binding: tuple[bytes, ...] = ()
        if bound:
            binding = tuple(
                decode_exact(parts[at], lambda r: r.items(MAX_SEATS, lambda rr: rr.fixed(64)))
            )
            require(bool(binding), Reason.ENCODING_OUT_OF_RANGE, "a version 2 hand has a binding")
            at += 1
        hands.append(Hand(inst, events, binding))
    evidence = tuple(decode_evidence(p) for p in parts[at:])
    return Dispute(base, tuple(hands), evidence, claim)
