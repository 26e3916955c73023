"""The poker built-ins: library extension ``core/1+poker/1`` (spec/06-poker.md, "Built-ins").

Each built-in is pure, deterministic and total (rule [EXPR-31]): it returns
a value or a :class:`~chipstack.errors.Rejected`. Every one also has a
deterministic *cost* computed from the sizes of its arguments before it
runs (:data:`COSTS`, units of the FSM cost model): one unit per list element
it walks, and :data:`HAND_RANK_COST` per card for hand ranking.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from chipstack.errors import Reason, Rejected
from chipstack.fsm.expr import DEFAULT_LIBRARY, Library
from chipstack.fsm.expr.cost import CALL_COST, Cost, linear_cost
from chipstack.fsm.expr.library import Builtin, TypeRule, checked_int, type_error
from chipstack.fsm.expr.types import BOOL, INT, ListType, Type
from chipstack.fsm.expr.values import Value
from chipstack.poker import pots

#: Version of the poker extension ([EXPR-30]).
POKER_LIBRARY_VERSION = 1
#: Number of cards in the deck; cards are ints ``0 .. 51`` (rank * 4 + suit).
DECK_SIZE = 52
#: Cost units per card of each hand ranked by ``hand_values``.
HAND_RANK_COST = 8
#: Most seats the pot and ranking built-ins accept (their work is quadratic in it).
MAX_POT_SEATS = 16

Args = tuple[Value, ...]
_INTS = ListType(INT)
_BOOLS = ListType(BOOL)
_POTS = ListType(_INTS)


_JUST_INT = frozenset({int})
_JUST_BOOL = frozenset({bool})


def _ints(v: Value) -> list[int]:
    # (the item types as one set: the same test as "every item is exactly an int", in C)
    if type(v) is not tuple or not _JUST_INT.issuperset(map(type, v)):
        raise type_error("expected list[int]")
    return list(v)  # type: ignore[arg-type]


def _bools(v: Value) -> list[bool]:
    if type(v) is not tuple or not _JUST_BOOL.issuperset(map(type, v)):
        raise type_error("expected list[bool]")
    return list(v)  # type: ignore[arg-type]


def _int(v: Value) -> int:
    if type(v) is not int:
        raise type_error("expected int")
    return v


def _same_len(*lists: Sequence[object]) -> int:
    n = len(lists[0])
    if any(len(x) != n for x in lists):
        raise Rejected(Reason.FSM_EXPR_BAD_ARGUMENT, "lists of different lengths")
    return n


def _sig(*pattern: Type) -> TypeRule:
    *params, result = pattern

    def rule(args: tuple[Type, ...]) -> Type:
        if tuple(args) != tuple(params):
            raise type_error(f"expected ({', '.join(map(str, params))})")
        return result

    return rule


def _zip(op: Callable[[int, int], int]) -> Callable[[Args], Value]:
    def impl(args: Args) -> Value:
        if len(args) != 2:
            raise type_error("expected 2 arguments")
        a, b = _ints(args[0]), _ints(args[1])
        _same_len(a, b)
        return tuple(checked_int(op(x, y)) for x, y in zip(a, b, strict=True))

    return impl


def _zip_trusted(op: Callable[[int, int], int]) -> Callable[[Args], Value]:
    """``_zip`` for a type-checked call: two lists of ints."""

    def impl(args: Args) -> Value:
        a: tuple[int, ...] = args[0]  # type: ignore[assignment]
        b: tuple[int, ...] = args[1]  # type: ignore[assignment]
        _same_len(a, b)
        return tuple(checked_int(op(x, y)) for x, y in zip(a, b, strict=True))

    return impl


def _seat_limit(n: int) -> None:
    if n > MAX_POT_SEATS:
        raise Rejected(Reason.FSM_EXPR_BAD_ARGUMENT, f"{n} > {MAX_POT_SEATS} seats or pots")


def _arity(n: int, impl: Callable[[Args], Value]) -> Callable[[Args], Value]:
    """Wrap ``impl`` so that a call with another number of arguments is a type error."""

    def checked(args: Args) -> Value:
        if len(args) != n:
            raise type_error(f"expected {n} arguments, got {len(args)}")
        return impl(args)

    return checked


def _next_to_act(args: Args) -> Value:
    folded, stacks, faced, bets = _bools(args[0]), _ints(args[1]), _ints(args[2]), _ints(args[3])
    n = _same_len(folded, stacks, faced, bets)
    after = _int(args[5])
    if n == 0 or not 0 <= after < n:
        raise Rejected(Reason.FSM_EXPR_BAD_ARGUMENT, f"seat {after} of {n}")
    return pots.next_to_act(folded, stacks, faced, bets, _int(args[4]), after)


def _next_to_act_trusted(args: Args) -> Value:
    folded: tuple[bool, ...] = args[0]  # type: ignore[assignment]
    stacks: tuple[int, ...] = args[1]  # type: ignore[assignment]
    faced: tuple[int, ...] = args[2]  # type: ignore[assignment]
    bets: tuple[int, ...] = args[3]  # type: ignore[assignment]
    max_bet: int = args[4]  # type: ignore[assignment]
    after: int = args[5]  # type: ignore[assignment]
    n = _same_len(folded, stacks, faced, bets)
    if n == 0 or not 0 <= after < n:
        raise Rejected(Reason.FSM_EXPR_BAD_ARGUMENT, f"seat {after} of {n}")
    return pots.next_to_act(folded, stacks, faced, bets, max_bet, after)


def _last_max_from(args: Args) -> Value:
    values, start = _ints(args[0]), _int(args[1])
    n = len(values)
    if n == 0 or not 0 <= start < n:
        raise Rejected(Reason.FSM_EXPR_BAD_ARGUMENT, f"start {start} of {n}")
    best = max(values)
    return [i for i in pots.clockwise_from(start, n) if values[i] == best][-1]


def _players_above(args: Args) -> Value:
    folded, totals, level = _bools(args[0]), _ints(args[1]), _int(args[2])
    _same_len(folded, totals)
    return sum(1 for f, t in zip(folded, totals, strict=True) if not f and t > level)


def _players_above_trusted(args: Args) -> Value:
    folded: tuple[bool, ...] = args[0]  # type: ignore[assignment]
    totals: tuple[int, ...] = args[1]  # type: ignore[assignment]
    level: int = args[2]  # type: ignore[assignment]
    _same_len(folded, totals)
    return sum(1 for f, t in zip(folded, totals, strict=True) if not f and t > level)


def _fresh_cards(args: Args) -> Value:
    return _fresh(_ints(args[0]))


def _fresh(cards: Sequence[int]) -> bool:
    return all(0 <= c < DECK_SIZE for c in cards) and len(set(cards)) == len(cards)


def _hand_values(args: Args) -> Value:
    from chipstack.poker.evaluator import hand_value

    hole, board, folded = _ints(args[0]), _ints(args[1]), _bools(args[2])
    _seat_limit(len(folded))
    if len(hole) != 2 * len(folded) or not 3 <= len(board) <= 5:
        raise Rejected(Reason.FSM_EXPR_BAD_ARGUMENT, "2 hole cards a seat, 3-5 board cards")
    return tuple(
        0 if f else hand_value([hole[2 * i], hole[2 * i + 1], *board]) for i, f in enumerate(folded)
    )


def _side_pots(args: Args) -> Value:
    contrib, folded, dead = _ints(args[0]), _bools(args[1]), _int(args[2])
    _seat_limit(len(contrib))
    _same_len(contrib, folded)
    if any(c < 0 for c in contrib) or dead < 0:
        raise Rejected(Reason.FSM_EXPR_BAD_ARGUMENT, "negative contribution")
    return tuple((checked_int(a), *seats) for a, seats in pots.side_pots(contrib, folded, dead))


def _split_pots(args: Args) -> Value:
    if type(args[0]) is not tuple:
        raise type_error("expected list[list[int]]")
    _seat_limit(len(args[0]))
    _seat_limit(_len_of(args[1]))
    layers = [_ints(p) for p in args[0]]
    values, button = _ints(args[1]), _int(args[2])
    n = len(values)
    if not 0 <= button < n:
        raise Rejected(Reason.FSM_EXPR_BAD_ARGUMENT, f"button {button} of {n}")
    parsed: list[pots.Pot] = []
    for p in layers:
        if not p or p[0] < 0 or any(not 0 <= s < n for s in p[1:]):
            raise Rejected(Reason.FSM_EXPR_BAD_ARGUMENT, "pot is [amount, seat, ...]")
        parsed.append((p[0], tuple(p[1:])))
    return tuple(checked_int(w) for w in pots.split_pots(parsed, values, button))


def _showdown_order(args: Args) -> Value:
    folded, aggressor, button = _bools(args[0]), _int(args[1]), _int(args[2])
    return tuple(pots.showdown_order(folded, aggressor, button))


# -- costs ([EXPR-53]): charged from the evaluated arguments before the built-in runs --

_LINEAR = linear_cost()


def _len_of(v: Value) -> int:
    return len(v) if isinstance(v, tuple) else 0


def _side_pots_exact(args: Args) -> int:
    n = min(_len_of(args[0]), MAX_POT_SEATS) if args else 0
    return CALL_COST + (MAX_POT_SEATS + 1) * n


def _split_pots_exact(args: Args) -> int:
    if len(args) < 2:
        return CALL_COST
    pots_n = min(_len_of(args[0]), MAX_POT_SEATS)
    return CALL_COST + (MAX_POT_SEATS + 1) * pots_n + min(_len_of(args[1]), MAX_POT_SEATS)


def _hand_values_exact(args: Args) -> int:
    if len(args) < 3:
        return CALL_COST
    seats = min(_len_of(args[2]), MAX_POT_SEATS)
    return CALL_COST + HAND_RANK_COST * seats * (2 + min(_len_of(args[1]), 5))


#: ``side_pots``: ``CALL + 17 * seats`` (at most 16 seats: one pass per live level).
_SIDE_POTS_COST = Cost(_side_pots_exact, lambda t: CALL_COST + (MAX_POT_SEATS + 1) * MAX_POT_SEATS)
#: ``split_pots``: ``CALL + 17 * pots + seats`` (at most 16 pots of at most 16 seats).
_SPLIT_POTS_COST = Cost(
    _split_pots_exact, lambda t: CALL_COST + (MAX_POT_SEATS + 2) * MAX_POT_SEATS
)
#: ``hand_values``: ``CALL + 8`` per card ranked (2 hole cards and the board, per seat).
_HAND_VALUES_COST = Cost(
    _hand_values_exact, lambda t: CALL_COST + HAND_RANK_COST * MAX_POT_SEATS * 7
)


_B = Builtin
POKER_BUILTINS: tuple[Builtin, ...] = (
    _B("zip_add", "zip_add(list[int], list[int]) -> list[int]", _sig(_INTS, _INTS, _INTS),
       _zip(lambda a, b: a + b), "item-by-item sum of two lists of one length", _LINEAR,
       _zip_trusted(lambda a, b: a + b)),
    _B("zip_sub", "zip_sub(list[int], list[int]) -> list[int]", _sig(_INTS, _INTS, _INTS),
       _zip(lambda a, b: a - b), "item-by-item difference of two lists of one length", _LINEAR,
       _zip_trusted(lambda a, b: a - b)),
    _B("zip_min", "zip_min(list[int], list[int]) -> list[int]", _sig(_INTS, _INTS, _INTS),
       _zip(min), "item-by-item minimum of two lists of one length", _LINEAR, _zip_trusted(min)),
    _B("next_to_act",
       "next_to_act(list[bool], list[int], list[int], list[int], int, int) -> int",
       _sig(_BOOLS, _INTS, _INTS, _INTS, INT, INT, INT), _arity(6, _next_to_act),
       "next seat after the last argument that must act (folded, stacks, faced, bets, "
       "max_bet, after), or -1 when the betting round is closed", _LINEAR, _next_to_act_trusted),
    _B("last_max_from", "last_max_from(list[int], int) -> int", _sig(_INTS, INT, INT),
       _arity(2, _last_max_from), "last seat with the largest value, clockwise from start",
       _LINEAR),
    _B("players_above", "players_above(list[bool], list[int], int) -> int",
       _sig(_BOOLS, _INTS, INT, INT), _arity(3, _players_above),
       "number of players not folded whose total (bet plus stack) is above the level", _LINEAR,
       _players_above_trusted),
    _B("fresh_cards", "fresh_cards(list[int]) -> bool", _sig(_INTS, BOOL), _arity(1, _fresh_cards),
       "whether every card is 0..51 and no card repeats", _LINEAR,
       lambda args: _fresh(args[0])),  # type: ignore[arg-type]
    _B("hand_values", "hand_values(list[int], list[int], list[bool]) -> list[int]",
       _sig(_INTS, _INTS, _BOOLS, _INTS), _arity(3, _hand_values),
       "each seat's best 5-card hand value from its 2 hole cards and the board; 0 if folded",
       _HAND_VALUES_COST),
    _B("side_pots", "side_pots(list[int], list[bool], int) -> list[list[int]]",
       _sig(_INTS, _BOOLS, INT, _POTS), _arity(3, _side_pots),
       "main and side pots from contributions, folds and dead money: [amount, seat, ...]",
       _SIDE_POTS_COST),
    _B("split_pots", "split_pots(list[list[int]], list[int], int) -> list[int]",
       _sig(_POTS, _INTS, INT, _INTS), _arity(3, _split_pots),
       "each seat's winnings; ties split, odd chips to the first winner left of the button",
       _SPLIT_POTS_COST),
    _B("showdown_order", "showdown_order(list[bool], int, int) -> list[int]",
       _sig(_BOOLS, INT, INT, _INTS), _arity(3, _showdown_order),
       "the order in which the remaining hands are shown", _LINEAR),
)

#: The library ``core/1+poker/1`` that the hold'em machine names.
POKER_LIBRARY: Library = DEFAULT_LIBRARY.extend("poker", POKER_LIBRARY_VERSION, POKER_BUILTINS)
