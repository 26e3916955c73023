"""YAML machine definitions -> a checked :class:`~chipstack.fsm.definition.Definition`.

:func:`load_definition` parses YAML text (a safe loader that also refuses
duplicate keys and reads only ``true``/``false`` as booleans, so that the key
``on`` stays a string), builds the typed model, and runs
:func:`check_definition`: the same checks a validator runs on a definition
decoded from bytes. Every failure is a :class:`~chipstack.errors.Rejected`
whose reason is one of the ``fsm.def_*`` codes.
"""

from __future__ import annotations

import re
import reprlib
from collections.abc import Mapping
from typing import Any

import yaml

from chipstack.errors import Reason, Rejected, require
from chipstack.fsm import definition as d
from chipstack.fsm.env import init_env_types, transition_env_types
from chipstack.fsm.exclusive import guard_key, keys_exclusive
from chipstack.fsm.expr import (
    BOOL,
    DEFAULT_LIBRARY,
    Expr,
    Library,
    Type,
    parse,
    parse_type,
    typecheck,
)
from chipstack.fsm.expr.ast import KEYWORDS

_NAME = re.compile(d.NAME_PATTERN)
_LIST_ROLE = re.compile(r"([a-z][a-z0-9_]{0,31})\[0\.\.([0-9]{1,3})\]")
_DURATION = re.compile(r"([0-9]{1,10})(s|m|h|d)")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
#: Longest YAML text the loader accepts, in characters.
MAX_YAML_LEN = 1 << 20


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans and no duplicate mapping keys."""


_StrictLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:bool"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf")
)


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    loader.flatten_mapping(node)
    out: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | bool | float | None):
            raise _malformed(f"mapping key of type {type(key).__name__}")
        if key in out:
            raise Rejected(Reason.FSM_DEF_DUPLICATE_NAME, f"duplicate YAML key {key!r}")
        out[key] = loader.construct_object(value_node, deep=True)
    return out


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


#: Bounded ``repr`` for error details: a YAML alias chain can expand a short text
#: into a structure of billions of items, which a plain ``repr`` would print.
_SHORT = reprlib.Repr()
_SHORT.maxlevel = 3
_SHORT.maxstring = 80
_SHORT.maxother = 80


def _malformed(detail: str) -> Rejected:
    return Rejected(Reason.FSM_DEF_MALFORMED, detail)


def _mapping(v: object, where: str) -> Mapping[str, Any]:
    if not isinstance(v, dict) or not all(isinstance(k, str) for k in v):
        raise _malformed(f"{where}: expected a mapping with string keys")
    return v


def _keys(m: Mapping[str, Any], where: str, required: set[str], optional: set[str]) -> None:
    missing = required - set(m)
    extra = set(m) - required - optional
    if missing or extra:
        raise _malformed(f"{where}: missing {sorted(missing)}, unknown {sorted(extra)}")


def _list(v: object, where: str) -> list[Any]:
    if v is None:
        return []
    if not isinstance(v, list):
        raise _malformed(f"{where}: expected a list")
    return v


def _str(v: object, where: str) -> str:
    if not isinstance(v, str):
        raise _malformed(f"{where}: expected a string, got {_SHORT.repr(v)}")
    return v


def _int(v: object, where: str) -> int:
    if type(v) is not int:
        raise _malformed(f"{where}: expected an integer, got {_SHORT.repr(v)}")
    return v


def _expr(v: object, where: str) -> Expr:
    if type(v) is bool:
        text = "true" if v else "false"
    elif type(v) is int:
        text = str(v)
    else:
        text = _str(v, where)
    try:
        return parse(text)
    except Rejected as exc:
        raise Rejected(Reason.FSM_DEF_BAD_EXPRESSION, f"{where}: {exc}") from None


def _type(v: object, where: str) -> Type:
    try:
        return parse_type(_str(v, where))
    except Rejected as exc:
        raise Rejected(Reason.FSM_DEF_BAD_EXPRESSION, f"{where}: {exc}") from None


def _duration(v: object, where: str) -> int:
    """Parse a duration: an integer of seconds or ``<n>s|m|h|d`` ([FSM-7])."""
    if type(v) is int:
        return v
    m = _DURATION.fullmatch(_str(v, where))
    if m is None:
        raise _malformed(f"{where}: bad duration {_SHORT.repr(v)}")
    return int(m.group(1)) * _UNITS[m.group(2)]


def _role(v: object) -> d.Role:
    text = _str(v, "roles")
    m = _LIST_ROLE.fullmatch(text)
    if m is not None:
        return d.Role(m.group(1), int(m.group(2)) + 1)
    return d.Role(text, None)


def _params(v: object, where: str) -> tuple[d.Param, ...]:
    if v is None:
        return ()
    m = _mapping(v, where)
    return tuple(d.Param(_str(k, where), _type(t, f"{where}.{k}")) for k, t in m.items())


def _variable(name: str, v: object) -> d.Variable:
    where = f"variables.{name}"
    m = _mapping(v, where)
    _keys(m, where, {"type"}, {"init"})
    t = _type(m["type"], f"{where}.type")
    init = m.get("init")
    if init is None:
        raise _malformed(f"{where}: missing init")
    return d.Variable(name, t, _expr(init, f"{where}.init"))


def _event(name: str, v: object) -> d.Event:
    where = f"events.{name}"
    m = _mapping(v if v is not None else {}, where)
    _keys(m, where, set(), {"params", "signers"})
    signers = tuple(_str(s, f"{where}.signers") for s in _list(m.get("signers"), where))
    return d.Event(name, _params(m.get("params"), f"{where}.params"), signers)


def _effect(v: object, where: str) -> d.Effect:
    m = _mapping(v, where)
    _keys(m, where, {"set", "to"}, set())
    return d.Effect(_str(m["set"], f"{where}.set"), _expr(m["to"], f"{where}.to"))


def _transition(i: int, v: object) -> d.Transition:
    where = f"transitions[{i}]"
    m = _mapping(v, where)
    _keys(m, where, {"from", "on", "to"}, {"guard", "effects"})
    guard = _expr(m["guard"], f"{where}.guard") if "guard" in m else None
    effects = tuple(
        _effect(e, f"{where}.effects[{j}]") for j, e in enumerate(_list(m.get("effects"), where))
    )
    return d.Transition(
        _str(m["from"], f"{where}.from"),
        _str(m["on"], f"{where}.on"),
        _str(m["to"], f"{where}.to"),
        guard,
        effects,
    )


def _timeout(i: int, v: object) -> d.Timeout:
    where = f"timeouts[{i}]"
    m = _mapping(v, where)
    _keys(m, where, {"in", "after", "fire"}, set())
    return d.Timeout(
        _str(m["in"], f"{where}.in"),
        _duration(m["after"], f"{where}.after"),
        _str(m["fire"], where),
    )


def definition_from_yaml(text: str) -> d.Definition:
    """Parse YAML text into the typed model without the semantic checks."""
    if not isinstance(text, str) or len(text) > MAX_YAML_LEN:
        raise _malformed("definition text must be a string of at most 1 MiB")
    try:
        doc = yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        raise _malformed(f"YAML: {exc}") from None
    except (ValueError, TypeError, RecursionError) as exc:  # e.g. "!!int abc", deep nesting
        raise _malformed(f"YAML value: {type(exc).__name__}") from None
    top = _mapping(doc, "definition")
    _keys(
        top,
        "definition",
        {"name", "version", "states", "initial", "events", "transitions"},
        {"roles", "params", "variables", "finals", "timeouts", "description", "library"},
    )
    if "description" in top:
        _str(top["description"], "description")
    variables = _mapping(top.get("variables") or {}, "variables")
    events = _mapping(top["events"], "events")
    return d.Definition(
        name=_str(top["name"], "name"),
        version=_int(top["version"], "version"),
        roles=tuple(_role(r) for r in _list(top.get("roles"), "roles")),
        params=_params(top.get("params"), "params"),
        variables=tuple(_variable(k, v) for k, v in variables.items()),
        states=tuple(_str(s, "states") for s in _list(top["states"], "states")),
        initial=_str(top["initial"], "initial"),
        finals=tuple(_str(s, "finals") for s in _list(top.get("finals"), "finals")),
        events=tuple(_event(k, v) for k, v in events.items()),
        transitions=tuple(_transition(i, t) for i, t in enumerate(_list(top["transitions"], "t"))),
        timeouts=tuple(
            _timeout(i, t) for i, t in enumerate(_list(top.get("timeouts"), "timeouts"))
        ),
        library=_str(top.get("library", d.DEFAULT_LIBRARY_IDENT), "library"),
    )


def load_definition(text: str, library: Library = DEFAULT_LIBRARY) -> d.Definition:
    """Load and check a YAML definition ([FSM-1]); reject it with a ``fsm.def_*`` reason."""
    defn = definition_from_yaml(text)
    check_definition(defn, library)
    return defn


# --------------------------------------------------------------------- checks


def _check_names(kind: str, names: list[str], in_expressions: bool = False) -> None:
    seen: set[str] = set()
    for n in names:
        require(_NAME.fullmatch(n) is not None, Reason.FSM_DEF_BAD_NAME, f"{kind} name {n!r}")
        require(
            not (in_expressions and n in KEYWORDS),
            Reason.FSM_DEF_BAD_NAME,
            f"{kind} name {n!r} is an expression keyword",
        )
        require(n not in seen, Reason.FSM_DEF_DUPLICATE_NAME, f"{kind} {n!r} declared twice")
        seen.add(n)


def _check_structure(defn: d.Definition) -> None:
    """[FSM-2], [FSM-3], [FSM-8]: names, sizes, duplicates."""
    require(0 < len(defn.name.encode()) <= 64, Reason.FSM_DEF_BAD_NAME, "definition name")
    require(0 <= defn.version <= 0xFFFF_FFFF, Reason.FSM_DEF_MALFORMED, "version out of u32")
    limits = (
        (len(defn.roles), d.MAX_ROLES, "roles"),
        (len(defn.params), d.MAX_PARAMS, "params"),
        (len(defn.variables), d.MAX_VARIABLES, "variables"),
        (len(defn.states), d.MAX_STATES, "states"),
        (len(defn.events), d.MAX_EVENTS, "events"),
        (len(defn.transitions), d.MAX_TRANSITIONS, "transitions"),
        (len(defn.timeouts), d.MAX_TIMEOUTS, "timeouts"),
    )
    for n, limit, what in limits:
        require(n <= limit, Reason.FSM_DEF_MALFORMED, f"{n} {what} > {limit}")
    require(len(defn.states) > 0, Reason.FSM_DEF_MALFORMED, "no states")
    _check_names("role", [r.name for r in defn.roles], in_expressions=True)
    _check_names("param", [p.name for p in defn.params], in_expressions=True)
    _check_names("variable", [v.name for v in defn.variables], in_expressions=True)
    _check_names("state", list(defn.states))
    _check_names("event", [e.name for e in defn.events])
    for r in defn.roles:
        require(
            r.size is None or 1 <= r.size <= d.MAX_ROLE_MEMBERS,
            Reason.FSM_DEF_MALFORMED,
            f"role {r.name} size {r.size}",
        )
    for e in defn.events:
        require(len(e.params) <= d.MAX_EVENT_PARAMS, Reason.FSM_DEF_MALFORMED, e.name)
        _check_names(f"argument of {e.name}", [p.name for p in e.params], in_expressions=True)
        _check_names(f"signer of {e.name}", list(e.signers))
    for t in defn.transitions:
        require(len(t.effects) <= d.MAX_EFFECTS, Reason.FSM_DEF_MALFORMED, "too many effects")


def _check_references(defn: d.Definition) -> None:
    """[FSM-5], [FSM-6], [FSM-7]: every state, event, role and variable named is declared."""
    states = set(defn.states)
    events = {e.name for e in defn.events}
    roles = {r.name for r in defn.roles}
    variables = {v.name for v in defn.variables}
    finals = set(defn.finals)

    def state(name: str, where: str) -> None:
        require(name in states, Reason.FSM_DEF_UNKNOWN_STATE, f"{where}: {name!r}")

    state(defn.initial, "initial")
    require(len(finals) == len(defn.finals), Reason.FSM_DEF_DUPLICATE_NAME, "finals repeat")
    for s in defn.finals:
        state(s, "finals")
    for e in defn.events:
        for s in e.signers:
            require(s in roles, Reason.FSM_DEF_UNKNOWN_ROLE, f"event {e.name} signer {s!r}")
    for t in defn.transitions:
        state(t.source, "transition from")
        state(t.target, "transition to")
        require(t.on in events, Reason.FSM_DEF_UNKNOWN_EVENT, f"transition on {t.on!r}")
        require(t.source not in finals, Reason.FSM_DEF_FINAL_HAS_EXIT, f"from final {t.source}")
        for eff in t.effects:
            require(eff.var in variables, Reason.FSM_DEF_UNKNOWN_VARIABLE, f"set {eff.var!r}")
    seen: set[str] = set()
    for to in defn.timeouts:
        state(to.state, "timeout in")
        require(to.fire in events, Reason.FSM_DEF_UNKNOWN_EVENT, f"timeout fires {to.fire!r}")
        require(to.state not in seen, Reason.FSM_DEF_BAD_TIMEOUT, f"two timeouts in {to.state}")
        seen.add(to.state)
        require(to.state not in finals, Reason.FSM_DEF_BAD_TIMEOUT, f"timeout in final {to.state}")
        require(
            1 <= to.after <= d.MAX_TIMEOUT_SECONDS,
            Reason.FSM_DEF_BAD_TIMEOUT,
            f"timeout after {to.after}",
        )
        require(
            bool(defn.transitions_from(to.state, to.fire)),
            Reason.FSM_DEF_BAD_TIMEOUT,
            f"no transition from {to.state} on {to.fire}",
        )


def _typed(e: Expr, env: Mapping[str, Type], library: Library, want: Type, where: str) -> None:
    try:
        got = typecheck(e, env, library)
    except Rejected as exc:
        raise Rejected(Reason.FSM_DEF_ILL_TYPED, f"{where}: {exc}") from None
    require(got == want, Reason.FSM_DEF_ILL_TYPED, f"{where}: type {got}, expected {want}")


def _check_types(defn: d.Definition, library: Library) -> None:
    """[FSM-4], [FSM-11]: initial values, guards and effects are well typed."""
    init_env = init_env_types(defn)
    for v in defn.variables:
        _typed(v.init, init_env, library, v.type, f"variable {v.name} init")
    var_types = {v.name: v.type for v in defn.variables}
    for i, t in enumerate(defn.transitions):
        ev = defn.event(t.on)
        assert ev is not None
        env = transition_env_types(defn, ev)
        if t.guard is not None:
            _typed(t.guard, env, library, BOOL, f"transition {i} guard")
        for eff in t.effects:
            _typed(eff.expr, env, library, var_types[eff.var], f"transition {i} set {eff.var}")


def _check_graph(defn: d.Definition) -> None:
    """[FSM-12]: every state reachable; every non-final state has a way out."""
    reached = {defn.initial}
    frontier = [defn.initial]
    while frontier:
        s = frontier.pop()
        for t in defn.transitions:
            if t.source == s and t.target not in reached:
                reached.add(t.target)
                frontier.append(t.target)
    for s in defn.states:
        require(s in reached, Reason.FSM_DEF_UNREACHABLE_STATE, s)
    sources = {t.source for t in defn.transitions}
    for s in defn.states:
        require(s in defn.finals or s in sources, Reason.FSM_DEF_DEAD_END, s)


def _check_determinism(defn: d.Definition) -> None:
    """[FSM-13]: transitions sharing (from, on) have pairwise exclusive guards."""
    keys = [guard_key(t.guard) for t in defn.transitions]
    for i, a in enumerate(defn.transitions):
        for j in range(i + 1, len(defn.transitions)):
            b = defn.transitions[j]
            if a.source == b.source and a.on == b.on:
                require(
                    keys_exclusive(keys[i], keys[j]),
                    Reason.FSM_DEF_NONDETERMINISTIC,
                    f"from {a.source} on {a.on}: guards not syntactically exclusive",
                )


def check_definition(defn: d.Definition, library: Library = DEFAULT_LIBRARY) -> None:
    """Run every definition check in the spec's order ([FSM-1]); the first failure rejects."""
    _check_structure(defn)
    require(  # [FSM-10]
        defn.library == library.ident,
        Reason.FSM_DEF_UNKNOWN_LIBRARY,
        f"definition needs {defn.library!r}, have {library.ident!r}",
    )
    _check_references(defn)
    _check_types(defn, library)
    _check_graph(defn)
    _check_determinism(defn)
