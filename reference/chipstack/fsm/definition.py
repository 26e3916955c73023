"""The typed model of a machine definition (spec/03-fsm.md, rules FSM-1 .. FSM-14).

A :class:`Definition` is plain immutable data: roles, parameters, typed
variables, states, events, transitions and timeouts. It is produced by the
YAML loader (:mod:`chipstack.fsm.loader`) or by the canonical decoder
(:mod:`chipstack.fsm.codec`), and both hand it to
:func:`chipstack.fsm.validity.check_definition` before anyone may use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from chipstack.fsm.expr import Expr, Type

#: Names of states, events, roles, variables and parameters ([FSM-2]).
NAME_PATTERN = r"[a-z][a-z0-9_]{0,31}"
#: Longest name in encoded bytes.
MAX_NAME_LEN = 32
#: Identity of the built-in library a definition uses when it names none.
DEFAULT_LIBRARY_IDENT = "core/1"

#: Size limits of a definition ([FSM-8]).
MAX_ROLES = 16
MAX_ROLE_MEMBERS = 64
MAX_PARAMS = 32
MAX_VARIABLES = 64
MAX_STATES = 64
MAX_EVENTS = 64
MAX_EVENT_PARAMS = 16
MAX_TRANSITIONS = 256
MAX_EFFECTS = 32
MAX_TIMEOUTS = 64
#: Longest timeout, in seconds (about 136 years: fits every u32 deadline arithmetic).
MAX_TIMEOUT_SECONDS = 0xFFFF_FFFF
#: The global maximum of an event's budget, in cost units ([FSM-50]); also the default budget.
MAX_EVENT_BUDGET = 1_000_000


@dataclass(frozen=True)
class Role:
    """A named signer; ``size`` is ``None`` for one key, or the largest member count of a list.

    A list role is written ``seats[0..9]`` in YAML: members ``seats[0]`` to
    ``seats[9]``, so ``size == 10``; an instance binds 1 to ``size`` keys ([FSM-3]).
    """

    name: str
    size: int | None = None


@dataclass(frozen=True)
class Param:
    """A typed name: an instance parameter or an event argument."""

    name: str
    type: Type


@dataclass(frozen=True)
class Variable:
    """A typed variable and the expression of its initial value ([FSM-4])."""

    name: str
    type: Type
    init: Expr


@dataclass(frozen=True)
class EventDecl:
    """The declaration of an event kind: its typed arguments and which roles may sign it ([FSM-5]).

    A signed occurrence of the event is a :class:`chipstack.fsm.event.Event`.
    """

    name: str
    params: tuple[Param, ...] = ()
    signers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Effect:
    """One assignment ``var := expr``; a transition's effects run in order ([FSM-33])."""

    var: str
    expr: Expr


@dataclass(frozen=True)
class Transition:
    """``from --on[guard]--> to`` with ordered effects ([FSM-6])."""

    source: str
    on: str
    target: str
    guard: Expr | None = None
    effects: tuple[Effect, ...] = ()


@dataclass(frozen=True)
class Timeout:
    """In ``state``, ``after`` seconds past its last event, anyone may ``fire`` ([FSM-7])."""

    state: str
    after: int
    fire: str


@dataclass(frozen=True)
class Definition:
    """A whole machine definition; checked by :func:`chipstack.fsm.validity.check_definition`.

    ``budget`` is the most cost units one event may spend ([FSM-50]).
    """

    name: str
    version: int
    roles: tuple[Role, ...]
    params: tuple[Param, ...]
    variables: tuple[Variable, ...]
    states: tuple[str, ...]
    initial: str
    finals: tuple[str, ...]
    events: tuple[EventDecl, ...]
    transitions: tuple[Transition, ...]
    timeouts: tuple[Timeout, ...] = ()
    library: str = DEFAULT_LIBRARY_IDENT
    budget: int = MAX_EVENT_BUDGET
    _index: dict[str, object] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def event(self, name: str) -> EventDecl | None:
        """Return the event called ``name``, or ``None`` (the table is built once)."""
        table = self._index.get("events")
        if table is None:
            by_name: dict[str, EventDecl] = {}
            for e in reversed(self.events):  # the first of a repeated name, as a scan finds
                by_name[e.name] = e
            table = self._index["events"] = by_name
        assert isinstance(table, dict)
        found: EventDecl | None = table.get(name)
        return found

    def role(self, name: str) -> Role | None:
        """Return the role called ``name``, or ``None``."""
        for r in self.roles:
            if r.name == name:
                return r
        return None

    def transitions_from(self, state: str, event: str) -> tuple[Transition, ...]:
        """Return the transitions leaving ``state`` on ``event``, in definition order."""
        return tuple(t for _, t in self.candidates(state, event))

    def candidates(self, state: str, event: str) -> tuple[tuple[int, Transition], ...]:
        """Return ``(index, transition)`` for each transition leaving ``state`` on ``event``.

        The table of every (state, event) pair is built once, in one pass.
        """
        table = self._index.get("candidates")
        if table is None:
            groups: dict[tuple[str, str], list[tuple[int, Transition]]] = {}
            for i, t in enumerate(self.transitions):
                groups.setdefault((t.source, t.on), []).append((i, t))
            table = self._index["candidates"] = {k: tuple(v) for k, v in groups.items()}
        assert isinstance(table, dict)
        found: tuple[tuple[int, Transition], ...] = table.get((state, event), ())
        return found

    def timeout_in(self, state: str) -> Timeout | None:
        """Return the timeout of ``state`` (at most one per state, [FSM-7]), or ``None``."""
        for t in self.timeouts:
            if t.state == state:
                return t
        return None
