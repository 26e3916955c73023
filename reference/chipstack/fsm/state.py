"""Instance states and the state hash (spec/03-fsm.md FSM-19, FSM-20).

A state is immutable: applying an event returns a new one, so a rejected
event cannot have changed anything. Variable values are encoded in the
definition's declaration order with their declared types, so decoding a
state needs the definition.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from chipstack.crypto import Tag, tagged_hash
from chipstack.encoding import Reader, Writer, decode_exact
from chipstack.fsm import definition as d
from chipstack.fsm.expr import Value, read_value, value_encoder, write_value
from chipstack.fsm.times import MAX_TIME, read_time, write_time

#: The only state encoding version ([FSM-20]).
STATE_VERSION = 1


@dataclass(frozen=True)
class State:
    """``(instance id, state name, variable values, seq, last-event time)`` ([FSM-19]).

    ``values`` follows the definition's variable order; ``seq`` counts the
    events applied so far; ``time`` is the time of the last event (the
    creation time for the initial state).
    """

    instance_id: bytes
    name: str
    values: tuple[Value, ...]
    seq: int
    time: int
    _cache: dict[str, bytes] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    # The canonical encoding of each value, in variable order, once known.
    _parts: list[bytes] = field(default_factory=list, init=False, compare=False, repr=False)
    # The cost weight of each value ([EXPR-50]), once known (the engine's states).
    _weights: list[int] = field(default_factory=list, init=False, compare=False, repr=False)

    def encode(self, defn: d.Definition) -> bytes:
        """Return the canonical encoding ([FSM-20])."""
        cached = self._cache.get("enc")
        if cached is None:
            cached = self._cache["enc"] = _state_bytes(self, defn)
        return cached

    def hash(self, defn: d.Definition) -> bytes:
        """Return the state hash: ``tagged_hash(FSM_STATE, encoding)`` ([FSM-20])."""
        cached = self._cache.get("hash")
        if cached is None:
            cached = self._cache["hash"] = tagged_hash(Tag.FSM_STATE, self.encode(defn))
        return cached

    def variables(self, defn: d.Definition) -> dict[str, Value]:
        """Return the variables as a name -> value mapping."""
        return {v.name: val for v, val in zip(defn.variables, self.values, strict=True)}

    def is_final(self, defn: d.Definition) -> bool:
        """Whether this state is one of the definition's final states."""
        return self.name in defn.finals


def write_state(w: Writer, s: State, defn: d.Definition) -> None:
    """Write the canonical state encoding ([FSM-20])."""
    w.u8(STATE_VERSION)
    w.fixed(s.instance_id, 32)
    w.string(s.name, d.MAX_NAME_LEN)
    w.u64(s.seq)
    write_time(w, s.time)
    if len(s.values) != len(defn.variables):
        raise ValueError("state values do not match the definition's variables")
    w.raw(b"".join(_value_parts(s, defn)))


_HEAD = STATE_VERSION.to_bytes(1, "little")
_NAMES: dict[str, bytes] = {}


def _state_bytes(s: State, defn: d.Definition) -> bytes:
    """:func:`write_state`'s bytes, joined in one step when every field is in range."""
    name = _NAMES.get(s.name)
    if (name is None or len(s.instance_id) != 32 or not 0 <= s.seq < 2**64
            or not 0 <= s.time <= MAX_TIME or len(s.values) != len(defn.variables)):
        w = Writer()  # a new name, or a field out of range that the writer refuses
        write_state(w, s, defn)
        if name is None and len(_NAMES) < 4096:
            _NAMES[s.name] = Writer().string(s.name, d.MAX_NAME_LEN).getvalue()
        return w.getvalue()
    return b"".join((
        _HEAD, s.instance_id, name, s.seq.to_bytes(8, "little"), s.time.to_bytes(8, "little"),
        *_value_parts(s, defn),
    ))


def _value_parts(s: State, defn: d.Definition) -> list[bytes]:
    """The encoding of each of ``s``'s values, computed (and checked) once."""
    if not s._parts:
        parts = []
        for var, value in zip(defn.variables, s.values, strict=True):
            part = Writer()
            write_value(part, value, var.type)  # checked: a state may be built by anyone
            parts.append(part.getvalue())
        s._parts[:] = parts
    return s._parts


def next_state(
    prev: State, defn: d.Definition, name: str, values: tuple[Value, ...], seq: int, time: int
) -> State:
    """The engine's new state after ``prev``; every value is checked against its type already.

    Only for values the engine checked when an effect set them ([FSM-33]) or
    kept from ``prev``: a value that is the very same object as ``prev``'s
    keeps ``prev``'s encoding, the others are encoded without a second check.
    The encoding and hash are those of :func:`write_state` ([FSM-20]).
    """
    new = State(prev.instance_id, name, values, seq, time)
    encoders = _encoders(defn)
    parts = new._parts
    olds = _value_parts(prev, defn)
    for value, old, part, enc in zip(values, prev.values, olds, encoders, strict=True):
        parts.append(part if value is old else enc(value))
    return new


def checked_state(
    instance_id: bytes,
    defn: d.Definition,
    name: str,
    values: tuple[Value, ...],
    seq: int,
    time: int,
    weights: list[int],
) -> State:
    """A state whose every value was checked against its variable's type already.

    For the engine's initial states ([FSM-19]): the values are encoded without
    a second check, and ``weights`` (each value's weight, [EXPR-50]) is kept
    for the cost of the next state. The encoding and hash are those of
    :func:`write_state` ([FSM-20]).
    """
    new = State(instance_id, name, values, seq, time)
    new._parts[:] = [enc(v) for enc, v in zip(_encoders(defn), values, strict=True)]
    new._weights[:] = weights
    return new


def _encoders(defn: d.Definition) -> list[Callable[[Value], bytes]]:
    """The encoder of each variable of ``defn``, in order (built once per definition)."""
    found = defn._index.get("value_encoders")
    if found is None:
        found = defn._index["value_encoders"] = [value_encoder(v.type) for v in defn.variables]
    return found  # type: ignore[return-value]


def read_state(r: Reader, defn: d.Definition) -> State:
    """Read a state encoding strictly, using ``defn`` for the variable types ([FSM-20])."""
    r.version(frozenset({STATE_VERSION}))
    instance_id = r.fixed(32)
    name = r.string(d.MAX_NAME_LEN)
    seq = r.u64()
    time = read_time(r)
    values = tuple(read_value(r, v.type) for v in defn.variables)
    return State(instance_id, name, values, seq, time)


def decode_state(data: bytes, defn: d.Definition) -> State:
    """Decode a state spanning all of ``data``."""
    return decode_exact(data, lambda r: read_state(r, defn))
