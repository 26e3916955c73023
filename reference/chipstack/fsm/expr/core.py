"""The core built-ins, library ``core/1``: small, pure, total functions.

Spec: ``spec/03-fsm.md`` "The built-in library" ([EXPR-30] .. [EXPR-34]),
which gives the typing rule and the result of each. Implementations receive
arguments already evaluated left to right; they check kinds cheaply so that
even an unchecked tree can only end in a value or a :class:`Rejected`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from chipstack.errors import Reason, Rejected
from chipstack.fsm.expr.cost import (
    CALL_COST,
    MAX_WEIGHT,
    ArgTypes,
    Cost,
    linear_cost,
    max_weight,
    weight_at_most,
)
from chipstack.fsm.expr.library import (
    LIBRARY_VERSION,
    Builtin,
    Library,
    TypeRule,
    checked_int,
    type_error,
)
from chipstack.fsm.expr.types import (
    BOOL,
    BYTES,
    INT,
    MAX_BYTES_LEN,
    MAX_LIST_LEN,
    ListType,
    Type,
)
from chipstack.fsm.expr.values import Value, check_size, values_equal

Args = tuple[Value, ...]
Types = tuple[Type, ...]


# -- runtime kind checks ----------------------------------------------------------


def _arity(args: Args, n: int) -> None:
    if len(args) != n:
        raise type_error(f"expected {n} arguments, got {len(args)}")


def _int(v: Value) -> int:
    if type(v) is not int:
        raise type_error(f"expected int, got {type(v).__name__}")
    return v


def _list(v: Value) -> tuple[Value, ...]:
    if type(v) is not tuple:
        raise type_error(f"expected list, got {type(v).__name__}")
    return v


def _seq(v: Value) -> tuple[Value, ...] | bytes:
    if type(v) is not tuple and type(v) is not bytes:
        raise type_error(f"expected list or bytes, got {type(v).__name__}")
    return v


def _limit_list(items: tuple[Value, ...]) -> tuple[Value, ...]:
    if len(items) > MAX_LIST_LEN:
        raise Rejected(Reason.FSM_EXPR_LIMIT, f"list of {len(items)} items > {MAX_LIST_LEN}")
    check_size(items)
    return items


def _limit_seq(v: tuple[Value, ...] | bytes) -> tuple[Value, ...] | bytes:
    if isinstance(v, bytes):
        if len(v) > MAX_BYTES_LEN:
            raise Rejected(Reason.FSM_EXPR_LIMIT, f"bytes of {len(v)} > {MAX_BYTES_LEN}")
        return v
    return _limit_list(v)


def _count_arg(v: Value) -> int:
    n = _int(v)
    if n < 0:
        raise Rejected(Reason.FSM_EXPR_BAD_ARGUMENT, f"negative count {n}")  # [EXPR-33]
    if n > MAX_LIST_LEN:
        raise Rejected(Reason.FSM_EXPR_LIMIT, f"count {n} > {MAX_LIST_LEN}")  # [EXPR-33]
    return n


# -- typing rules ------------------------------------------------------------------


def _sig(*pattern: Type) -> TypeRule:
    """A fixed signature returning the type of the last entry of ``pattern``."""
    *params, result = pattern

    def rule(args: Types) -> Type:
        if tuple(args) != tuple(params):
            shown = ", ".join(map(str, args))
            raise type_error(f"expected ({', '.join(map(str, params))}), got ({shown})")
        return result

    return rule


def _elem(t: Type) -> Type:
    if not isinstance(t, ListType):
        raise type_error(f"expected a list, got {t}")
    return t.elem


def _rule_minmax(args: Types) -> Type:
    if args == (ListType(INT),) or (len(args) >= 2 and all(a == INT for a in args)):
        return INT
    raise type_error("min/max take one list[int] or at least two ints")


def _rule_len(args: Types) -> Type:
    if len(args) == 1 and (args[0] == BYTES or isinstance(args[0], ListType)):
        return INT
    raise type_error("len takes one list or bytes")


def _rule_list_value(result: Type | None) -> TypeRule:
    """``(list[T], T) -> result`` (``result=None`` means ``list[T]``)."""

    def rule(args: Types) -> Type:
        if len(args) != 2 or _elem(args[0]) != args[1]:
            raise type_error("expected (list[T], T)")
        return args[0] if result is None else result

    return rule


def _rule_concat(args: Types) -> Type:
    if len(args) == 2 and args[0] == args[1]:
        if args[0] == BYTES or isinstance(args[0], ListType):
            return args[0]
    raise type_error("concat takes two lists of one type or two bytes")


def _rule_slice(args: Types) -> Type:
    if len(args) == 3 and args[1:] == (INT, INT):
        if args[0] == BYTES or isinstance(args[0], ListType):
            return args[0]
    raise type_error("slice takes (list[T] or bytes, int, int)")


def _rule_set(args: Types) -> Type:
    if len(args) == 3 and args[1] == INT and _elem(args[0]) == args[2]:
        return args[0]
    raise type_error("set takes (list[T], int, T)")


def _rule_repeat(args: Types) -> Type:
    if len(args) == 2 and args[1] == INT:
        return ListType(args[0])
    raise type_error("repeat takes (T, int)")


# -- costs ([EXPR-54]) ---------------------------------------------------------------

#: ``CALL_COST`` plus the arguments' weight: every core built-in but range and repeat.
_LINEAR = linear_cost()
#: ``CALL_COST`` alone: the work does not depend on the arguments' size.
_FLAT = linear_cost(CALL_COST, 0)


def _clamped_count(v: Value) -> int:
    return min(max(v, 0), MAX_LIST_LEN) if type(v) is int else 0


def _range_exact(args: Args) -> int:
    return CALL_COST + (_clamped_count(args[0]) if len(args) == 1 else 0)


def _range_bound(types: ArgTypes) -> int:
    return CALL_COST + MAX_LIST_LEN


def _repeat_exact(args: Args) -> int:
    if len(args) != 2:
        return CALL_COST
    n = _clamped_count(args[1])
    if n == 0:
        return CALL_COST
    # weighing the value only as far as the charge needs: its whole walk is not paid for
    cap = (MAX_WEIGHT + 1) // n + 1
    return CALL_COST + min(n * weight_at_most(args[0], cap), MAX_WEIGHT + 1)


def _repeat_bound(types: ArgTypes) -> int:
    item = max_weight(types[0]) if types else 1
    return CALL_COST + min(MAX_LIST_LEN * item, MAX_WEIGHT + 1)


#: ``range(n)``: ``CALL_COST + n``, ``n`` clamped to 0 .. 1024.
_RANGE_COST = Cost(_range_exact, _range_bound)
#: ``repeat(v, n)``: ``CALL_COST + min(n * weight(v), 65537)``, ``n`` clamped to 0 .. 1024.
_REPEAT_COST = Cost(_repeat_exact, _repeat_bound)


# -- implementations ---------------------------------------------------------------


def _minmax(pick: Callable[[list[int]], int]) -> Callable[[Args], Value]:
    def impl(args: Args) -> Value:
        if len(args) == 1:
            items = [_int(v) for v in _list(args[0])]
            if not items:
                # [EXPR-32]
                raise Rejected(Reason.FSM_EXPR_BAD_ARGUMENT, "min/max of an empty list")
        else:
            if len(args) < 2:
                raise type_error("min/max need arguments")
            items = [_int(v) for v in args]
        return pick(items)

    return impl


def _abs(args: Args) -> Value:
    _arity(args, 1)
    return checked_int(abs(_int(args[0])))


def _len(args: Args) -> Value:
    _arity(args, 1)
    return len(_seq(args[0]))


def _sum(args: Args) -> Value:
    _arity(args, 1)
    total = 0
    for v in _list(args[0]):
        total = checked_int(total + _int(v))
    return total


def _count(args: Args) -> Value:
    _arity(args, 2)
    return sum(1 for v in _list(args[0]) if values_equal(v, args[1]))


def _contains(args: Args) -> Value:
    _arity(args, 2)
    return any(values_equal(v, args[1]) for v in _list(args[0]))


def _index_of(args: Args) -> Value:
    _arity(args, 2)
    for i, v in enumerate(_list(args[0])):
        if values_equal(v, args[1]):
            return i
    return -1


def _concat(args: Args) -> Value:
    _arity(args, 2)
    a, b = _seq(args[0]), _seq(args[1])
    if type(a) is not type(b):
        raise type_error("concat of list and bytes")
    return _limit_seq(a + b)  # type: ignore[operator]


def _slice(args: Args) -> Value:
    _arity(args, 3)
    seq, start, end = _seq(args[0]), _int(args[1]), _int(args[2])
    if not 0 <= start <= end <= len(seq):
        raise Rejected(
            Reason.FSM_EXPR_INDEX_OUT_OF_RANGE, f"slice [{start}, {end}) of length {len(seq)}"
        )
    return seq[start:end]


def _set(args: Args) -> Value:
    _arity(args, 3)
    items, i = _list(args[0]), _int(args[1])
    if not 0 <= i < len(items):
        raise Rejected(Reason.FSM_EXPR_INDEX_OUT_OF_RANGE, f"index {i}, length {len(items)}")
    return _limit_list((*items[:i], args[2], *items[i + 1 :]))


def _append(args: Args) -> Value:
    _arity(args, 2)
    return _limit_list((*_list(args[0]), args[1]))


def _range(args: Args) -> Value:
    _arity(args, 1)
    return tuple(range(_count_arg(args[0])))


def _repeat(args: Args) -> Value:
    _arity(args, 2)
    return _limit_list((args[0],) * _count_arg(args[1]))


def _bools(v: Value) -> list[bool]:
    out = []
    for item in _list(v):
        if type(item) is not bool:
            raise type_error("expected list[bool]")
        out.append(item)
    return out


def _all(args: Args) -> Value:
    _arity(args, 1)
    return all(_bools(args[0]))


def _any(args: Args) -> Value:
    _arity(args, 1)
    return any(_bools(args[0]))


def _sha256(args: Args) -> Value:
    _arity(args, 1)
    data = args[0]
    if type(data) is not bytes:
        raise type_error("sha256 takes bytes")
    return hashlib.sha256(data).digest()


_L = ListType
CORE_BUILTINS: tuple[Builtin, ...] = (
    Builtin("min", "min(list[int]) | min(int, int, ...) -> int", _rule_minmax, _minmax(min),
            "smallest item; an empty list is fsm.expr_bad_argument", _LINEAR),
    Builtin("max", "max(list[int]) | max(int, int, ...) -> int", _rule_minmax, _minmax(max),
            "largest item; an empty list is fsm.expr_bad_argument", _LINEAR),
    Builtin("abs", "abs(int) -> int", _sig(INT, INT), _abs,
            "absolute value; abs(-2**63) overflows", _FLAT),
    Builtin("len", "len(list[T] | bytes) -> int", _rule_len, _len, "number of items or bytes",
            _FLAT),
    Builtin("sum", "sum(list[int]) -> int", _sig(_L(INT), INT), _sum,
            "sum, each partial sum from the left checked for overflow; 0 for an empty list",
            _LINEAR),
    Builtin("count", "count(list[T], T) -> int", _rule_list_value(INT), _count,
            "number of items equal to the value", _LINEAR),
    Builtin("contains", "contains(list[T], T) -> bool", _rule_list_value(BOOL), _contains,
            "whether some item equals the value", _LINEAR),
    Builtin("index_of", "index_of(list[T], T) -> int", _rule_list_value(INT), _index_of,
            "position of the first item equal to the value, or -1", _LINEAR),
    Builtin("concat", "concat(list[T], list[T]) -> list[T] | concat(bytes, bytes) -> bytes",
            _rule_concat, _concat, "the two joined; over the length limit is fsm.expr_limit",
            _LINEAR),
    Builtin("slice", "slice(list[T] | bytes, int, int) -> same", _rule_slice, _slice,
            "items start..end-1; needs 0 <= start <= end <= len", _LINEAR),
    Builtin("set", "set(list[T], int, T) -> list[T]", _rule_set, _set,
            "a copy with one item replaced; needs 0 <= index < len", _LINEAR),
    Builtin("append", "append(list[T], T) -> list[T]", _rule_list_value(None), _append,
            "a copy with the value added at the end", _LINEAR),
    Builtin("range", "range(int) -> list[int]", _sig(INT, _L(INT)), _range,
            "[0, 1, ..., n-1]; n < 0 is bad_argument, n > 1024 is limit", _RANGE_COST),
    Builtin("repeat", "repeat(T, int) -> list[T]", _rule_repeat, _repeat,
            "a list of n copies of the value; n as for range", _REPEAT_COST),
    Builtin("all", "all(list[bool]) -> bool", _sig(_L(BOOL), BOOL), _all,
            "true unless some item is false", _LINEAR),
    Builtin("any", "any(list[bool]) -> bool", _sig(_L(BOOL), BOOL), _any,
            "true if some item is true", _LINEAR),
    Builtin("sha256", "sha256(bytes) -> bytes", _sig(BYTES, BYTES), _sha256,
            "SHA-256 digest (32 bytes)", _LINEAR),
)

#: The core library, ``core/1`` ([EXPR-30]).
DEFAULT_LIBRARY = Library("core", LIBRARY_VERSION, CORE_BUILTINS)
