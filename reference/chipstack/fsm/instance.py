"""Instances: a definition bound to parameters, role keys and a creation time (spec/03-fsm.md).

Rules FSM-16 .. FSM-18. The instance encoding is self-describing (every
parameter carries its name and type, every role its name and keys), so that
it can be decoded without the definition; :func:`check_instance` then
matches it against the definition. The instance id is a tagged hash of the
encoding; :func:`initial_state` evaluates the initial values.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chipstack.crypto import PUBLIC_KEY_LEN, Tag, is_weak_public_key, tagged_hash
from chipstack.encoding import Reader, Writer, decode_exact
from chipstack.errors import Reason, Rejected, require
from chipstack.fsm import definition as d
from chipstack.fsm.budget import state_cost
from chipstack.fsm.codec import definition_id
from chipstack.fsm.env import base_env
from chipstack.fsm.expr import (
    DEFAULT_LIBRARY,
    Library,
    Meter,
    Type,
    Value,
    check_type,
    read_type,
    read_value,
    value_checker,
    weight,
    write_type,
    write_value,
)
from chipstack.fsm.expr.compiled import Compiled, compile_expr
from chipstack.fsm.expr.values import Checker
from chipstack.fsm.state import State, checked_state
from chipstack.fsm.times import read_time, write_time

#: The only instance encoding version ([FSM-16]).
INSTANCE_VERSION = 1
HASH_LEN = 32


@dataclass(frozen=True)
class Binding:
    """The keys bound to one role: exactly one for a single role, 1..size for a list role."""

    role: str
    keys: tuple[bytes, ...]


@dataclass(frozen=True)
class ParamValue:
    """One instance parameter: its name, type and value."""

    name: str
    type: Type
    value: Value


@dataclass(frozen=True)
class Instance:
    """``(definition id, parameters, role bindings, creation time)`` ([FSM-16])."""

    definition_id: bytes
    params: tuple[ParamValue, ...]
    roles: tuple[Binding, ...]
    created: int
    _cache: dict[str, bytes] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def encode(self) -> bytes:
        """Return the canonical encoding ([FSM-16]); computed once (a decoded instance keeps
        the bytes it was decoded from)."""
        cached = self._cache.get("enc")
        if cached is None:
            w = Writer()
            write_instance(w, self)
            cached = self._cache["enc"] = w.getvalue()
        return cached

    @property
    def id(self) -> bytes:
        """The instance id: ``tagged_hash(FSM_INSTANCE, encoding)`` ([FSM-17])."""
        cached = self._cache.get("id")
        if cached is None:
            cached = self._cache["id"] = tagged_hash(Tag.FSM_INSTANCE, self.encode())
        return cached

    def keys_of(self, role: str) -> tuple[bytes, ...]:
        """Return the keys bound to ``role`` (empty if the role is not bound)."""
        for b in self.roles:
            if b.role == role:
                return b.keys
        return ()

    def param_values(self) -> dict[str, Value]:
        """Return the parameters as a name -> value mapping."""
        return {p.name: p.value for p in self.params}


def write_instance(w: Writer, inst: Instance) -> None:
    """Write the canonical instance encoding ([FSM-16])."""
    w.u8(INSTANCE_VERSION)
    w.fixed(inst.definition_id, HASH_LEN)
    w.count(len(inst.params), d.MAX_PARAMS)
    for p in inst.params:
        w.string(p.name, d.MAX_NAME_LEN)
        write_type(w, p.type)
        write_value(w, p.value, p.type)
    w.count(len(inst.roles), d.MAX_ROLES)
    for b in inst.roles:
        w.string(b.role, d.MAX_NAME_LEN)
        w.count(len(b.keys), d.MAX_ROLE_MEMBERS)
        for k in b.keys:
            w.fixed(k, PUBLIC_KEY_LEN)
    write_time(w, inst.created)


def _read_param(r: Reader) -> ParamValue:
    name = r.string(d.MAX_NAME_LEN)
    t = read_type(r)
    return ParamValue(name, t, read_value(r, t))


def _read_binding(r: Reader) -> Binding:
    role = r.string(d.MAX_NAME_LEN)
    keys = tuple(r.items(d.MAX_ROLE_MEMBERS, lambda rr: rr.fixed(PUBLIC_KEY_LEN)))
    return Binding(role, keys)


def read_instance(r: Reader) -> Instance:
    """Read an instance encoding strictly ([FSM-16]); the instance keeps its bytes."""
    start = r.position
    r.version(frozenset({INSTANCE_VERSION}))
    def_id = r.fixed(HASH_LEN)
    params = tuple(r.items(d.MAX_PARAMS, _read_param))
    roles = tuple(r.items(d.MAX_ROLES, _read_binding))
    inst = Instance(def_id, params, roles, read_time(r))
    inst._cache["enc"] = r.read_since(start)
    return inst


def decode_instance(data: bytes) -> Instance:
    """Decode an instance spanning all of ``data``."""
    return decode_exact(data, read_instance)


def check_instance(defn: d.Definition, inst: Instance) -> None:
    """Check ``inst`` against its definition ([FSM-18]); reject with a reason otherwise."""
    require(inst.definition_id == definition_id(defn), Reason.FSM_WRONG_DEFINITION, "definition id")
    require(
        [(p.name, p.type) for p in inst.params] == [(p.name, p.type) for p in defn.params],
        Reason.FSM_BAD_PARAMS,
        "parameters must match the declared names and types, in order",
    )
    for p, check in zip(inst.params, _checkers(defn)[0], strict=True):
        try:
            check(p.value)  # check_value(p.value, p.type), compiled once per definition
        except Rejected as exc:
            raise Rejected(Reason.FSM_BAD_PARAMS, f"{p.name}: {exc}") from None
    require(
        [b.role for b in inst.roles] == [r.name for r in defn.roles],
        Reason.FSM_BAD_BINDING,
        "roles must be bound in declaration order, each once",
    )
    for b, role in zip(inst.roles, defn.roles, strict=True):
        limit = 1 if role.size is None else role.size
        require(
            1 <= len(b.keys) <= limit and (role.size is not None or len(b.keys) == 1),
            Reason.FSM_BAD_BINDING,
            f"role {role.name}: {len(b.keys)} keys",
        )
        require(all(len(k) == PUBLIC_KEY_LEN for k in b.keys), Reason.FSM_BAD_BINDING, "key length")
        require(  # [FSM-18]: no protocol object names a weak key (SIG-6)
            not any(is_weak_public_key(k) for k in b.keys),
            Reason.FSM_BAD_BINDING,
            f"role {b.role}: a weak key (SIG-6)",
        )


def initial_state(
    defn: d.Definition,
    inst: Instance,
    library: Library = DEFAULT_LIBRARY,
    meter: Meter | None = None,
) -> State:
    """Check ``inst`` and return its initial state: seq 0, time = created ([FSM-19]).

    Creating it is metered ([FSM-54]) against ``meter``, by default a fresh
    one with the definition's budget (past it: ``fsm.over_budget``); read
    ``meter.spent`` for what creation cost.
    """
    check_instance(defn, inst)
    env = base_env(inst.param_values(), {b.role: b.keys for b in inst.roles}, defn, inst.created)
    meter = Meter(defn.budget) if meter is None else meter
    values: list[Value] = []
    weights: list[int] = []
    checkers = _checkers(defn)[1]
    for v, code, check in zip(defn.variables, _init_code(defn, library), checkers, strict=True):
        try:  # [FSM-54]: each initial value, then its weight
            value = code(env, meter)
            w = weight(value)
            meter.charge(w, "init " + v.name)
            values.append(check(value))  # check_value(value, v.type)
            weights.append(w)
        except Rejected as exc:
            if exc.reason is Reason.FSM_OVER_BUDGET:
                raise
            raise Rejected(Reason.FSM_EVAL_FAILED, f"init {v.name}: {exc}") from None
    meter.charge(state_cost(values), "initial state")  # [FSM-54]: last, the state's weight
    return checked_state(inst.id, defn, defn.initial, tuple(values), 0, inst.created, weights)


def _checkers(defn: d.Definition) -> tuple[list[Checker], list[Checker]]:
    """:func:`check_value` for each parameter and each variable of ``defn`` (built once)."""
    found = defn._index.get("instance_checkers")
    if found is None:
        found = defn._index["instance_checkers"] = (
            [value_checker(check_type(p.type)) for p in defn.params],
            [value_checker(check_type(v.type)) for v in defn.variables],
        )
    return found  # type: ignore[return-value]


def _init_code(defn: d.Definition, library: Library) -> list[Compiled]:
    """The initial-value expressions of ``defn`` compiled with ``library`` (once per pair);
    each evaluates exactly as :func:`~chipstack.fsm.expr.evaluate` would."""
    found = defn._index.get("init_code")
    if not (isinstance(found, tuple) and found[0] is library):
        found = defn._index["init_code"] = (
            library, [compile_expr(v.init, library, typed=True) for v in defn.variables]
        )
    return found[1]  # type: ignore[no-any-return]
