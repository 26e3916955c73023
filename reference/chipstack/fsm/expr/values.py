"""Values of the expression language: checking, canonical encoding, JSON form.

Spec: ``spec/03-fsm.md`` "Types and values" (rules ``[EXPR-2]``, ``[EXPR-3]``,
``[EXPR-5]``, ``[EXPR-6]``). In Python a value is an ``int``, a ``bool``, ``bytes``
or a ``tuple`` of values. ``bool`` is kept apart from ``int`` everywhere (Python's
``True`` is an ``int``; ours is not).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from struct import Struct
from typing import Any, TypeAlias

from chipstack.encoding import Reader, Writer, encode_compact_size, from_hex
from chipstack.errors import Reason, Rejected
from chipstack.fsm.expr.types import (
    BOOL,
    BYTES,
    I64_MAX,
    I64_MIN,
    INT,
    MAX_BYTES_LEN,
    MAX_LIST_LEN,
    MAX_VALUE_SIZE,
    ListType,
    Type,
    check_type,
)

#: A value: ``int`` (i64), ``bool``, ``bytes`` or a tuple of values of one type.
Value: TypeAlias = "int | bool | bytes | tuple[Value, ...]"


def _bad(detail: str) -> Rejected:
    return Rejected(Reason.FSM_EXPR_BAD_VALUE, detail)


def check_value(v: object, t: Type) -> Value:
    """Return ``v`` if it is a value of type ``t`` within the limits, else reject ([EXPR-3]).

    Wrong shapes are ``fsm.expr_bad_value``; a list or bytes over its length
    limit is ``fsm.expr_limit``.
    """
    return value_checker(check_type(t))(v)


#: A compiled check of one type: returns the value or rejects exactly as :func:`check_value`.
Checker = Callable[[object], Value]
#: A compiled encoder of one type, for values that passed its check ([EXPR-5]).
Encoder = Callable[[Value], bytes]


def _max_size(t: Type) -> int:
    """The longest canonical encoding a value of ``t`` within the item limits can have."""
    if isinstance(t, ListType):
        return len(encode_compact_size(MAX_LIST_LEN)) + MAX_LIST_LEN * _max_size(t.elem)
    if t == INT:
        return 8
    if t == BOOL:
        return 1
    return len(encode_compact_size(MAX_BYTES_LEN)) + MAX_BYTES_LEN


@cache
def value_checker(t: Type) -> Checker:
    """Return :func:`check_value` for the type ``t`` (depth already checked), built once per type.

    The same checks in the same order as ``check_value`` ([EXPR-3]); the
    size check is left out only for types whose every value that passes
    the item checks is within :data:`MAX_VALUE_SIZE` (``list[int]``, ...).
    """
    shape = _shape_checker(t)
    if _max_size(t) <= MAX_VALUE_SIZE:
        def checked(v: object) -> Value:
            shape(v)
            return v  # type: ignore[return-value]
    else:
        def checked(v: object) -> Value:
            shape(v)
            return check_size(v)  # type: ignore[arg-type]
    return checked


_JUST_INT = frozenset({int})
_JUST_BOOL = frozenset({bool})


def _shape_checker(t: Type) -> Callable[[object], None]:
    """The item-by-item part of :func:`check_value` (the old recursive ``_check``) for ``t``."""
    if not isinstance(t, ListType):
        return lambda v: _check(v, t)
    elem = t.elem
    if elem == INT:
        def ints(v: object) -> None:
            if not isinstance(v, tuple):
                raise _bad(f"expected {t}, got {type(v).__name__}")
            if len(v) > MAX_LIST_LEN:
                raise Rejected(Reason.FSM_EXPR_LIMIT, f"list of {len(v)} items")
            if v and _JUST_INT.issuperset(map(type, v)) and I64_MIN <= min(v) and max(v) <= I64_MAX:
                return  # (every item an int in range, tested in C; else find the first bad one)
            for item in v:
                if type(item) is not int or not I64_MIN <= item <= I64_MAX:
                    _check(item, INT)
        return ints
    if elem == BOOL:
        def bools(v: object) -> None:
            if not isinstance(v, tuple):
                raise _bad(f"expected {t}, got {type(v).__name__}")
            if len(v) > MAX_LIST_LEN:
                raise Rejected(Reason.FSM_EXPR_LIMIT, f"list of {len(v)} items")
            if _JUST_BOOL.issuperset(map(type, v)):
                return
            for item in v:
                if type(item) is not bool:
                    _check(item, BOOL)
        return bools
    inner = _shape_checker(elem)

    def lists(v: object) -> None:
        if not isinstance(v, tuple):
            raise _bad(f"expected {t}, got {type(v).__name__}")
        if len(v) > MAX_LIST_LEN:
            raise Rejected(Reason.FSM_EXPR_LIMIT, f"list of {len(v)} items")
        for item in v:
            inner(item)
    return lists


def _check(v: object, t: Type) -> None:
    if isinstance(t, ListType):
        if not isinstance(v, tuple):
            raise _bad(f"expected {t}, got {type(v).__name__}")
        if len(v) > MAX_LIST_LEN:
            raise Rejected(Reason.FSM_EXPR_LIMIT, f"list of {len(v)} items")
        for item in v:
            _check(item, t.elem)
    elif t == INT:
        if type(v) is not int:
            raise _bad(f"expected int, got {type(v).__name__}")
        if not I64_MIN <= v <= I64_MAX:
            raise _bad(f"int {v} outside i64")
    elif t == BOOL:
        if type(v) is not bool:
            raise _bad(f"expected bool, got {type(v).__name__}")
    else:
        if type(v) is not bytes:
            raise _bad(f"expected bytes, got {type(v).__name__}")
        if len(v) > MAX_BYTES_LEN:
            raise Rejected(Reason.FSM_EXPR_LIMIT, f"bytes of length {len(v)}")


def values_equal(a: Value, b: Value) -> bool:
    """Equality of type and content ([EXPR-46]): ``1`` never equals ``true``, even inside lists."""
    if type(a) is not type(b):
        return False
    if isinstance(a, tuple):
        assert isinstance(b, tuple)
        return len(a) == len(b) and all(values_equal(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _compact_size_len(n: int) -> int:
    return 1 if n < 0xFD else 3 if n <= 0xFFFF else 5


def value_size(v: Value, stop: int = MAX_VALUE_SIZE) -> int:
    """Return the length of the canonical encoding of ``v`` ([EXPR-5]).

    Counting stops as soon as the total passes ``stop`` (the result is then
    only known to be larger than ``stop``), so the cost is at most about
    ``stop`` steps whatever the value.
    """
    total = 0
    stack: list[Value] = [v]
    while stack:
        item = stack.pop()
        if isinstance(item, tuple):
            total += _compact_size_len(len(item))
            stack.extend(item)
        elif isinstance(item, bytes):
            total += _compact_size_len(len(item)) + len(item)
        else:
            total += 1 if type(item) is bool else 8
        if total > stop:
            break
    return total


def check_size(v: Value) -> Value:
    """Return ``v`` if its encoding is at most :data:`MAX_VALUE_SIZE` bytes ([EXPR-3])."""
    if type(v) is tuple and len(v) <= _FLAT_MAX and _SCALARS.issuperset(map(type, v)):
        return v  # ints and bools only: at most 3 + 8 * len bytes, within the limit
    if isinstance(v, tuple | bytes) and value_size(v) > MAX_VALUE_SIZE:
        raise Rejected(Reason.FSM_EXPR_LIMIT, f"value encoding over {MAX_VALUE_SIZE} bytes")
    return v


#: A tuple of at most this many ints and bools always encodes within MAX_VALUE_SIZE.
_FLAT_MAX = (MAX_VALUE_SIZE - 5) // 8
_SCALARS = frozenset({int, bool})


def default_value(t: Type) -> Value:
    """Return the zero value of ``t``: ``0``, ``false``, empty bytes, empty list ([EXPR-6])."""
    if isinstance(t, ListType):
        return ()
    if t == INT:
        return 0
    if t == BOOL:
        return False
    return b""


def write_value(w: Writer, v: Value, t: Type) -> None:
    """Append the canonical encoding of value ``v`` of type ``t`` ([EXPR-5]).

    ``int`` is i64 little-endian, ``bool`` one byte, ``bytes`` var-bytes, a list
    a CompactSize count then its items.
    """
    check_value(v, t)
    w.raw(value_encoder(t)(v))


_I64 = Struct("<q")
_INT_LISTS: dict[int, Struct] = {}
#: CompactSize encodings of every count a list or bytes value can have ([ENC-3]).
_COUNTS = tuple(encode_compact_size(n) for n in range(max(MAX_LIST_LEN, MAX_BYTES_LEN) + 1))


@cache
def value_encoder(t: Type) -> Encoder:
    """Return the canonical encoder ([EXPR-5]) of type ``t``, built once per type.

    Only for values that passed ``check_value(v, t)`` (the engine's states,
    whose every value was checked when it was set): it checks nothing itself.
    :func:`write_value` is the checking entry point.
    """
    if isinstance(t, ListType):
        elem = t.elem
        if elem == INT:
            def ints(v: Value) -> bytes:
                n = len(v)  # type: ignore[arg-type]
                packer = _INT_LISTS.get(n)
                if packer is None:
                    packer = _INT_LISTS[n] = Struct(f"<{n}q")
                return _COUNTS[n] + packer.pack(*v)  # type: ignore[misc]
            return ints
        if elem == BOOL:
            return lambda v: _COUNTS[len(v)] + bytes(v)  # type: ignore[arg-type]
        inner = value_encoder(elem)
        return lambda v: _COUNTS[len(v)] + b"".join(map(inner, v))  # type: ignore[arg-type]
    if t == INT:
        return _I64.pack
    if t == BOOL:
        return lambda v: b"\x01" if v else b"\x00"
    return lambda v: _COUNTS[len(v)] + v  # type: ignore[arg-type, operator]


def read_value(r: Reader, t: Type) -> Value:
    """Read a value of type ``t`` strictly ([EXPR-5]); the inverse of :func:`write_value`."""
    start = r.position
    v = _read(r, t)
    if r.position - start > MAX_VALUE_SIZE:
        raise Rejected(Reason.FSM_EXPR_LIMIT, f"value encoding over {MAX_VALUE_SIZE} bytes")
    return v


def _read(r: Reader, t: Type) -> Value:
    if isinstance(t, ListType):
        n = r.count(MAX_LIST_LEN)
        return tuple(_read(r, t.elem) for _ in range(n))
    if t == INT:
        return r.i64()
    if t == BOOL:
        return r.boolean()
    return r.var_bytes(MAX_BYTES_LEN)


def encode_value(v: Value, t: Type) -> bytes:
    """Return the canonical encoding of ``v`` as bytes."""
    w = Writer()
    write_value(w, v, t)
    return w.getvalue()


def value_to_json(v: Value, t: Type) -> Any:
    """Return the JSON form of ``v``: int/bool as JSON, bytes as lowercase hex, lists as arrays."""
    if isinstance(t, ListType):
        assert isinstance(v, tuple)
        return [value_to_json(item, t.elem) for item in v]
    if t == BYTES:
        assert isinstance(v, bytes)
        return v.hex()
    return v


def value_from_json(j: Any, t: Type) -> Value:
    """Parse the JSON form of a value of type ``t`` strictly (bools are not ints)."""
    if isinstance(t, ListType):
        if not isinstance(j, list):
            raise _bad(f"expected a JSON array for {t}")
        v: Value = tuple(value_from_json(item, t.elem) for item in j)
    elif t == BYTES:
        if not isinstance(j, str):
            raise _bad("expected a hex string for bytes")
        v = from_hex(j)  # [EXPR-6]: either case is read (ENC-13); not hex is encoding.bad_hex
    else:
        v = j
    return check_value(v, t)
