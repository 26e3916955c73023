"""The poker built-ins (core/1+poker/1): pots against an independent oracle, totality, costs,
and the machine's guards agreeing with ``Hand.legal_actions`` in random hands."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st

from chipstack.errors import Rejected
from chipstack.fsm import Arg, Event, apply_event
from chipstack.fsm.expr import INT, evaluate, parse
from chipstack.fsm.expr.cost import weight
from chipstack.poker.builtins import POKER_BUILTINS, POKER_LIBRARY
from chipstack.poker.hand import Hand, seat_key
from chipstack.poker.pots import side_pots, split_pots
from chipstack.poker.table import forced_bets


def oracle_winnings(contrib: list[int], folded: list[bool], values: list[int], dead: int
                    ) -> list[int]:
    """Every player wins from each other player at most what it put in itself, best hand first.

    Written independently of the layering of [POT-2]: players still in the hand
    collect in order of hand value (distinct values), each taking from every
    contribution the part up to its own contribution not yet taken; dead money
    goes to the best hand.
    """
    n = len(contrib)
    taken = [0] * n
    won = [0] * n
    live = sorted((i for i in range(n) if not folded[i]), key=lambda i: -values[i])
    for w in live:
        for j in range(n):
            part = max(0, min(contrib[j], contrib[w]) - taken[j])
            won[w] += part
            taken[j] += part
    won[live[0]] += dead
    return won


@st.composite
def pot_inputs(draw: st.DrawFn) -> tuple[list[int], list[bool], list[int], int]:
    n = draw(st.integers(2, 10))
    contrib = draw(st.lists(st.integers(0, 1000), min_size=n, max_size=n))
    folded = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    live = draw(st.integers(0, n - 1))
    folded[live] = False
    top = max(c for c, f in zip(contrib, folded, strict=True) if not f)
    contrib = [c if not f else min(c, top) for c, f in zip(contrib, folded, strict=True)]
    values = draw(st.permutations(list(range(1, n + 1))))
    dead = draw(st.integers(0, 50))
    return contrib, folded, list(values), dead


@given(pot_inputs(), st.integers(0, 9))
def test_pots_match_the_oracle(inputs: tuple[list[int], list[bool], list[int], int],
                               button: int) -> None:
    contrib, folded, values, dead = inputs
    button %= len(contrib)
    pots = side_pots(contrib, folded, dead)
    won = split_pots(pots, values, button)
    assert sum(won) == sum(contrib) + dead
    assert won == oracle_winnings(contrib, folded, values, dead)
    assert all(won[i] == 0 for i in range(len(folded)) if folded[i])
    for _amount, eligible in pots:
        assert eligible and all(not folded[i] for i in eligible)


@given(st.integers(2, 10), st.integers(0, 500), st.integers(0, 9), st.integers(1, 9))
def test_a_tie_of_equal_contributions_gives_everyone_their_chips_back(
    n: int, c: int, button: int, odd: int
) -> None:
    """[POT-5] Equal stakes and equal hands: no odd chip. Dead money leaves odd chips to the
    first winner left of the button."""
    button %= n
    pots = side_pots([c] * n, [False] * n)
    assert split_pots(pots, [7] * n, button) == [c] * n
    odd %= n
    if c and odd:
        won = split_pots(side_pots([c] * n, [False] * n, dead=odd), [7] * n, button)
        first = (button + 1) % n
        assert won == [c + (odd if i == first else 0) for i in range(n)]


_ANY = st.recursive(
    st.integers(-(2**63), 2**63 - 1) | st.booleans() | st.binary(max_size=8),
    lambda inner: st.lists(inner, max_size=12).map(tuple),
    max_leaves=40,
)


@given(st.sampled_from([b.name for b in POKER_BUILTINS]), st.lists(_ANY, max_size=7))
def test_builtins_are_total(name: str, args: list[object]) -> None:
    """Any argument values give a value or a rejection, never a crash; the cost is known first."""
    b = POKER_LIBRARY.lookup(name)
    cost = b.cost.exact(tuple(args))  # type: ignore[arg-type]
    assert cost >= 0
    try:
        b.impl(tuple(args))  # type: ignore[arg-type]
    except Rejected:
        pass


def _value_of(t: object, n: int | None = None) -> st.SearchStrategy[object]:
    """Values of the type ``t``, a top-level list of ``n`` items when given (small ints,
    seat numbers among them, and a few near the i64 limits)."""
    from chipstack.fsm.expr import BOOL, ListType

    if isinstance(t, ListType):
        size = {"max_size": 11} if n is None else {"min_size": n, "max_size": n}
        return st.lists(_value_of(t.elem), **size).map(tuple)  # type: ignore[arg-type]
    if t == BOOL:
        return st.booleans()
    return st.integers(-3, 12) | st.sampled_from([2**62, -(2**62), 2**63 - 1])


def _rule_types(name: str) -> tuple[object, ...]:
    """The argument types of a poker built-in, read from its (fixed) signature."""
    from chipstack.fsm.expr import parse_type

    params = POKER_LIBRARY.lookup(name).signature.split("(", 1)[1].rsplit(")", 1)[0]
    depth, parts, word = 0, [], ""
    for ch in params:  # split at the commas outside brackets
        depth += ch == "["
        depth -= ch == "]"
        if ch == "," and depth == 0:
            parts.append(word.strip())
            word = ""
        else:
            word += ch
    parts.append(word.strip())
    return tuple(parse_type(p) for p in parts)


_TRUSTED = [b.name for b in POKER_BUILTINS if b.trusted is not None]


@given(st.data(), st.sampled_from(_TRUSTED))
def test_trusted_implementations_agree_with_the_checking_ones(data: st.DataObject,
                                                              name: str) -> None:
    """On well-typed arguments (what the type check guarantees, [EXPR-41]) a built-in's
    trusted implementation gives the same value, or the same rejection, as its checking one."""
    b = POKER_LIBRARY.lookup(name)
    types = _rule_types(name)
    b.type_rule(types)  # type: ignore[arg-type]  # (the signature's types are accepted)
    n = data.draw(st.none() | st.integers(0, 10))  # lists of one length, or of any lengths
    args = tuple(data.draw(_value_of(t, n)) for t in types)

    def outcome(impl: object) -> object:
        try:
            return ("ok", impl(args))  # type: ignore[operator]
        except Rejected as exc:
            return ("rejected", exc.reason)

    assert outcome(b.trusted) == outcome(b.impl)


def test_costs_grow_with_the_input_and_stay_under_their_bounds() -> None:
    from chipstack.fsm.expr import ListType

    lib = POKER_LIBRARY
    small = lib.lookup("side_pots").cost.exact(((1, 2), (False, False), 0))
    big = lib.lookup("side_pots").cost.exact(((1,) * 10, (False,) * 10, 0))
    assert big > small
    hv = lib.lookup("hand_values").cost
    args = (tuple(range(20)), (40, 41, 42, 43, 44), (False,) * 10)
    assert hv.exact(args) >= 8 * 10 * 7
    ints = ListType(INT)
    assert hv.exact(args) <= hv.bound((ints, ints, ListType(INT)))
    assert lib.lookup("zip_add").cost.exact(((1, 2), (3, 4))) == 4 + weight((1, 2)) * 2


def test_builtins_in_expressions() -> None:
    env = {"c": (100, 50, 100), "f": (False, False, True)}
    assert evaluate(parse("side_pots(c, f, 10)"), env, POKER_LIBRARY) == ((160, 0, 1), (100, 0))
    assert evaluate(parse("split_pots([[25, 0, 2]], [9, 0, 9], 0)"), {}, POKER_LIBRARY) == (
        12, 0, 13)
    assert evaluate(parse("last_max_from([1, 2, 4, 0], 0)"), {}, POKER_LIBRARY) == 2
    assert evaluate(parse("last_max_from([10, 10, 0], 1)"), {}, POKER_LIBRARY) == 0
    assert evaluate(parse("fresh_cards([0, 51, 7])"), {}, POKER_LIBRARY) is True
    assert evaluate(parse("fresh_cards([0, 52])"), {}, POKER_LIBRARY) is False
    assert evaluate(parse("fresh_cards([3, 3])"), {}, POKER_LIBRARY) is False


# ----------------------------------------------------- guards agree with legal_actions


def machine_accepts(hand: Hand, kind: str, amount: int | None) -> bool:
    """Whether the FSM itself would take this action from the seat to act (state unchanged)."""
    a = hand.actor
    assert a is not None
    m = hand.machine
    name = "raise_to" if kind == "raise" else kind
    args = (Arg("amount", INT, amount),) if kind == "raise" and amount is not None else ()
    ev = Event(hand.instance.id, m.state.seq + 1, m.state_hash, name, args,
               seat_key(a).public_key.raw, m.state.time + 1)
    try:
        apply_event(m.definition, m.instance, m.state, ev, m.library, check_signature=False)
    except Rejected:
        return False
    return True


def test_machine_guards_agree_with_legal_actions() -> None:
    rng = random.Random(20261201)
    checked = 0
    for _ in range(60):
        n = rng.randint(2, 7)
        stacks = [rng.choice([rng.randint(1, 30), rng.randint(31, 600)]) for _ in range(n)]
        antes, blinds = forced_bets(n, n - 1, 5, 10, ante=rng.choice([0, 2]))
        hand = Hand(stacks, antes=antes, blinds=blinds, button=n - 1, seed=rng.randint(0, 99),
                    sign=False)
        while not hand.is_over:
            legal = {x.kind: x for x in hand.legal_actions()}
            candidates: list[tuple[str, int | None]] = [("fold", None), ("check", None),
                                                        ("call", None)]
            if "raise" in legal:
                r = legal["raise"]
                candidates += [("raise", r.min_to), ("raise", r.max_to), ("raise", r.min_to - 1),
                               ("raise", r.max_to + 1)]
            else:
                candidates += [("raise", 10_000)]
            for kind, amount in candidates:
                bounds = legal.get("raise")
                ok = kind in legal and (kind != "raise" or (
                    amount is not None and bounds is not None
                    and bounds.min_to <= amount <= bounds.max_to))
                assert machine_accepts(hand, kind, amount) == ok, (kind, amount, legal)
                checked += 1
            kind = rng.choice(sorted(legal))
            chosen = legal.get("raise")
            to = rng.randint(chosen.min_to, chosen.max_to) if kind == "raise" and chosen else None
            hand.act(kind, to)
            if not hand.is_over:  # chips are conserved at every step
                dead = hand.var("dead")
                assert isinstance(dead, int)
                assert sum(hand.stacks) + sum(hand._ints("contrib")) + dead == sum(stacks)
        assert sum(hand.stacks) == sum(stacks)
    assert checked > 1000


_ACTIONS = st.tuples(
    st.sampled_from(["fold", "check", "call", "raise", "bet", "dance", "timeout", "board"]),
    st.one_of(st.none(), st.integers(-5, 3000), st.just(2**70)),
    st.one_of(st.none(), st.integers(-1, 11)),
)


@given(st.integers(2, 6), st.lists(_ACTIONS, max_size=40), st.integers(0, 2**16))
def test_hostile_action_streams_never_crash(n: int, actions: list[tuple[str, int | None,
                                                                          int | None]],
                                            seed: int) -> None:
    """Any stream of actions, amounts and seats: each is taken or refused with a reason, and a
    refusal changes nothing; chips are conserved throughout."""
    hand = Hand([200] * n, blinds=forced_bets(n, n - 1, 1, 2)[1], button=n - 1, seed=seed,
                sign=False)
    for kind, amount, seat in actions:
        before = hand.machine.state_hash
        try:
            if kind == "timeout":
                hand.time_out()
            elif kind == "board":
                hand.deal_board([0, 1, 2])
            else:
                hand.act(kind, amount, seat)
        except Rejected:
            assert hand.machine.state_hash == before
        dead = hand.var("dead")
        assert isinstance(dead, int)
        in_pot = 0 if hand.is_over else sum(hand._ints("contrib")) + dead
        assert sum(hand.stacks) + in_pot == 200 * n
