"""Canonical encoding of machine definitions and the definition id (spec/03-fsm.md FSM-8, FSM-9).

The encoding is a plain field-by-field :class:`~chipstack.encoding.Writer`
stream in declaration order; names are short UTF-8 strings, types and
expressions use the expression language's own canonical codecs. The decoder
is strict and purely structural: semantic checks (unknown states, typing,
reachability, ...) are :func:`chipstack.fsm.validity.check_definition`'s job.
"""

from __future__ import annotations

from chipstack.crypto import Tag, tagged_hash
from chipstack.encoding import Reader, Writer, decode_exact
from chipstack.fsm import definition as d
from chipstack.fsm.expr import read_expr, read_type, write_expr, write_type

#: The only definition encoding version ([FSM-8]).
DEFINITION_VERSION = 1
#: Longest definition name in bytes.
MAX_DEFINITION_NAME = 64
#: Longest library identity (``core/1+poker/1``) in bytes.
MAX_LIBRARY_IDENT = 128


def _name(w: Writer, name: str) -> None:
    w.string(name, d.MAX_NAME_LEN)


def _read_name(r: Reader) -> str:
    return r.string(d.MAX_NAME_LEN)


def write_param(w: Writer, p: d.Param) -> None:
    """Write a typed name: name then type."""
    _name(w, p.name)
    write_type(w, p.type)


def read_param(r: Reader) -> d.Param:
    """Read a typed name written by :func:`write_param`."""
    return d.Param(_read_name(r), read_type(r))


def _write_role(w: Writer, role: d.Role) -> None:
    _name(w, role.name)
    w.flag(role.size is not None)
    if role.size is not None:
        w.u16(role.size)


def _read_role(r: Reader) -> d.Role:
    name = _read_name(r)
    return d.Role(name, r.u16() if r.flag() else None)


def _write_variable(w: Writer, v: d.Variable) -> None:
    _name(w, v.name)
    write_type(w, v.type)
    write_expr(w, v.init)


def _read_variable(r: Reader) -> d.Variable:
    return d.Variable(_read_name(r), read_type(r), read_expr(r))


def _write_event(w: Writer, e: d.EventDecl) -> None:
    _name(w, e.name)
    w.count(len(e.params), d.MAX_EVENT_PARAMS)
    for p in e.params:
        write_param(w, p)
    w.count(len(e.signers), d.MAX_ROLES)
    for s in e.signers:
        _name(w, s)


def _read_event(r: Reader) -> d.EventDecl:
    name = _read_name(r)
    params = tuple(r.items(d.MAX_EVENT_PARAMS, read_param))
    signers = tuple(r.items(d.MAX_ROLES, _read_name))
    return d.EventDecl(name, params, signers)


def _write_effect(w: Writer, e: d.Effect) -> None:
    _name(w, e.var)
    write_expr(w, e.expr)


def _read_effect(r: Reader) -> d.Effect:
    return d.Effect(_read_name(r), read_expr(r))


def _write_transition(w: Writer, t: d.Transition) -> None:
    _name(w, t.source)
    _name(w, t.on)
    _name(w, t.target)
    w.flag(t.guard is not None)
    if t.guard is not None:
        write_expr(w, t.guard)
    w.count(len(t.effects), d.MAX_EFFECTS)
    for e in t.effects:
        _write_effect(w, e)


def _read_transition(r: Reader) -> d.Transition:
    source, on, target = _read_name(r), _read_name(r), _read_name(r)
    guard = read_expr(r) if r.flag() else None
    effects = tuple(r.items(d.MAX_EFFECTS, _read_effect))
    return d.Transition(source, on, target, guard, effects)


def _write_timeout(w: Writer, t: d.Timeout) -> None:
    _name(w, t.state)
    w.u64(t.after)
    _name(w, t.fire)


def _read_timeout(r: Reader) -> d.Timeout:
    return d.Timeout(_read_name(r), r.u64(), _read_name(r))


def write_definition(w: Writer, defn: d.Definition) -> None:
    """Write the canonical encoding of ``defn`` ([FSM-8])."""
    w.u8(DEFINITION_VERSION)
    w.string(defn.name, MAX_DEFINITION_NAME)
    w.u32(defn.version)
    w.string(defn.library, MAX_LIBRARY_IDENT)
    w.u32(defn.budget)
    w.count(len(defn.roles), d.MAX_ROLES)
    for role in defn.roles:
        _write_role(w, role)
    w.count(len(defn.params), d.MAX_PARAMS)
    for p in defn.params:
        write_param(w, p)
    w.count(len(defn.variables), d.MAX_VARIABLES)
    for v in defn.variables:
        _write_variable(w, v)
    w.count(len(defn.states), d.MAX_STATES)
    for s in defn.states:
        _name(w, s)
    _name(w, defn.initial)
    w.count(len(defn.finals), d.MAX_STATES)
    for s in defn.finals:
        _name(w, s)
    w.count(len(defn.events), d.MAX_EVENTS)
    for e in defn.events:
        _write_event(w, e)
    w.count(len(defn.transitions), d.MAX_TRANSITIONS)
    for t in defn.transitions:
        _write_transition(w, t)
    w.count(len(defn.timeouts), d.MAX_TIMEOUTS)
    for to in defn.timeouts:
        _write_timeout(w, to)


def read_definition(r: Reader) -> d.Definition:
    """Read a definition written by :func:`write_definition` (structure only, [FSM-8])."""
    r.version(frozenset({DEFINITION_VERSION}))
    name = r.string(MAX_DEFINITION_NAME)
    version = r.u32()
    library = r.string(MAX_LIBRARY_IDENT)
    budget = r.u32()
    roles = tuple(r.items(d.MAX_ROLES, _read_role))
    params = tuple(r.items(d.MAX_PARAMS, read_param))
    variables = tuple(r.items(d.MAX_VARIABLES, _read_variable))
    states = tuple(r.items(d.MAX_STATES, _read_name))
    initial = _read_name(r)
    finals = tuple(r.items(d.MAX_STATES, _read_name))
    events = tuple(r.items(d.MAX_EVENTS, _read_event))
    transitions = tuple(r.items(d.MAX_TRANSITIONS, _read_transition))
    timeouts = tuple(r.items(d.MAX_TIMEOUTS, _read_timeout))
    return d.Definition(
        name,
        version,
        roles,
        params,
        variables,
        states,
        initial,
        finals,
        events,
        transitions,
        timeouts,
        library,
        budget,
    )


def encode_definition(defn: d.Definition) -> bytes:
    """Return the canonical encoding of ``defn`` ([FSM-8])."""
    w = Writer()
    write_definition(w, defn)
    return w.getvalue()


def decode_definition(data: bytes) -> d.Definition:
    """Decode a definition spanning all of ``data`` (structure only; check it before use)."""
    return decode_exact(data, read_definition)


def definition_id(defn: d.Definition) -> bytes:
    """Return the definition id: ``tagged_hash(FSM_DEFINITION, encoding)`` ([FSM-9]).

    Computed once per definition object (definitions are immutable).
    """
    cached = defn._index.get("id")
    if not isinstance(cached, bytes):
        cached = defn._index["id"] = tagged_hash(Tag.FSM_DEFINITION, encode_definition(defn))
    return cached
