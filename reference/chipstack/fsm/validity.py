"""The validity rules of a machine definition (spec/03-fsm.md FSM-1 .. FSM-13, FSM-50, FSM-51,
FSM-54).

These checks run on the typed model, whether it came from YAML
(:mod:`chipstack.fsm.loader`) or from bytes (:mod:`chipstack.fsm.codec`), so
the on-chain validator needs no YAML. :func:`definition_problems` returns
every problem found, in the order of [FSM-1], each with the *path* of what it
concerns (``("transitions", 3, "guard")``), which a YAML front end maps to a
line and column; :func:`check_definition` refuses with the first.
:func:`definition_warnings` lists what is legal but likely a mistake. Every
pass is linear in the size of the definition.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from chipstack.errors import Reason, Rejected
from chipstack.fsm import definition as d
from chipstack.fsm.budget import creation_bound, effect_bound, event_bounds
from chipstack.fsm.env import init_env_types, transition_env_types
from chipstack.fsm.exclusive import guard_key
from chipstack.fsm.expr import BOOL, DEFAULT_LIBRARY, Expr, Library, Type
from chipstack.fsm.expr.ast import KEYWORDS, Name, children
from chipstack.fsm.expr.typecheck import typecheck_bound

_NAME = re.compile(d.NAME_PATTERN)

#: Where in a definition a problem is: keys and indices from the top, as in the YAML form.
Path = tuple[str | int, ...]


#: The bounds of a definition's expressions ([EXPR-57]): per transition its guard's and its
#: effects' (with the weights they assign), then per variable its initial value's.
_Bounds = tuple[list[int], list[int], list[int]]


@dataclass(frozen=True)
class Problem:
    """One finding about a definition: a reason code, a detail and where it is."""

    reason: Reason
    detail: str
    path: Path = ()

    def rejection(self) -> Rejected:
        """Return the :class:`Rejected` this problem refuses a definition with."""
        where = path_text(self.path)
        return Rejected(self.reason, f"{where}: {self.detail}" if where else self.detail)


def path_text(path: Path) -> str:
    """Spell a path the way the YAML reads: ``transitions[3].guard``."""
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else p)
    return out


class _Checks:
    """Collects the problems of one definition, pass by pass, in the order of [FSM-1]."""

    def __init__(self, defn: d.Definition, library: Library, skip: frozenset[Path]) -> None:
        self.defn = defn
        self.library = library
        self.skip = skip
        self.problems: list[Problem] = []

    def fail(self, reason: Reason, detail: str, *path: str | int) -> None:
        self.problems.append(Problem(reason, detail, path))

    # -- [FSM-2], [FSM-3], [FSM-8], [FSM-50]: structure, names and sizes

    def names(
        self, kind: str, names: list[str], path: Path, in_expressions: bool = False
    ) -> None:
        seen: set[str] = set()
        for i, n in enumerate(names):
            if _NAME.fullmatch(n) is None:
                self.fail(Reason.FSM_DEF_BAD_NAME, f"{kind} name {n!r}", *path, i)
            elif in_expressions and n in KEYWORDS:
                self.fail(Reason.FSM_DEF_BAD_NAME, f"{kind} name {n!r} is a keyword", *path, i)
            elif n in seen:
                self.fail(Reason.FSM_DEF_DUPLICATE_NAME, f"{kind} {n!r} declared twice", *path, i)
            seen.add(n)

    def structure(self) -> None:
        defn = self.defn
        if not 0 < len(defn.name.encode()) <= 64:
            self.fail(Reason.FSM_DEF_BAD_NAME, "definition name is 1 to 64 bytes", "name")
        if not 0 <= defn.version <= 0xFFFF_FFFF:
            self.fail(Reason.FSM_DEF_MALFORMED, "version out of u32", "version")
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
            if n > limit:
                self.fail(Reason.FSM_DEF_MALFORMED, f"{n} {what} > {limit}", what)
        if not defn.states:
            self.fail(Reason.FSM_DEF_MALFORMED, "no states", "states")
        self.names("role", [r.name for r in defn.roles], ("roles",), True)
        self.names("param", [p.name for p in defn.params], ("params",), True)
        self.names("variable", [v.name for v in defn.variables], ("variables",), True)
        self.names("state", list(defn.states), ("states",))
        self.names("event", [e.name for e in defn.events], ("events",))
        for i, r in enumerate(defn.roles):
            if r.size is not None and not 1 <= r.size <= d.MAX_ROLE_MEMBERS:
                self.fail(Reason.FSM_DEF_MALFORMED, f"role {r.name} size {r.size}", "roles", i)
        for e in defn.events:
            if len(e.params) > d.MAX_EVENT_PARAMS:
                self.fail(Reason.FSM_DEF_MALFORMED, f"{len(e.params)} arguments", "events", e.name)
            args = [p.name for p in e.params]
            self.names(f"argument of {e.name}", args, ("events", e.name, "params"), True)
            self.names(f"signer of {e.name}", list(e.signers), ("events", e.name, "signers"))
        for i, t in enumerate(defn.transitions):
            if len(t.effects) > d.MAX_EFFECTS:
                self.fail(Reason.FSM_DEF_MALFORMED, "too many effects", "transitions", i, "effects")
        if not 0 <= defn.budget <= d.MAX_EVENT_BUDGET:  # [FSM-50]
            self.fail(
                Reason.FSM_DEF_OVER_BUDGET,
                f"budget {defn.budget} is over the maximum {d.MAX_EVENT_BUDGET}",
                "budget",
            )

    # -- [FSM-10]

    def library_ident(self) -> None:
        if self.defn.library != self.library.ident:  # [FSM-10]
            self.fail(
                Reason.FSM_DEF_UNKNOWN_LIBRARY,
                f"definition needs {self.defn.library!r}, have {self.library.ident!r}",
                "library",
            )

    # -- [FSM-5], [FSM-6], [FSM-7]: every name used is declared

    def references(self) -> None:
        defn = self.defn
        states = set(defn.states)
        events = {e.name for e in defn.events}
        roles = {r.name for r in defn.roles}
        variables = {v.name for v in defn.variables}
        finals = set(defn.finals)

        def state(name: str, *path: str | int) -> None:
            if name not in states:
                self.fail(Reason.FSM_DEF_UNKNOWN_STATE, f"{name!r} is not a declared state", *path)

        state(defn.initial, "initial")
        if len(finals) != len(defn.finals):
            self.fail(Reason.FSM_DEF_DUPLICATE_NAME, "finals repeat", "finals")
        for i, s in enumerate(defn.finals):
            state(s, "finals", i)
        for e in defn.events:
            for i, s in enumerate(e.signers):
                if s not in roles:
                    self.fail(
                        Reason.FSM_DEF_UNKNOWN_ROLE,
                        f"signer {s!r} is not a declared role",
                        "events", e.name, "signers", i,
                    )
        for i, t in enumerate(defn.transitions):
            state(t.source, "transitions", i, "from")
            state(t.target, "transitions", i, "to")
            if t.on not in events:
                self.fail(Reason.FSM_DEF_UNKNOWN_EVENT, f"{t.on!r} is not a declared event",
                          "transitions", i, "on")
            if t.source in finals:
                self.fail(Reason.FSM_DEF_FINAL_HAS_EXIT, f"{t.source} is final",
                          "transitions", i, "from")
            for j, eff in enumerate(t.effects):
                if eff.var not in variables:
                    self.fail(Reason.FSM_DEF_UNKNOWN_VARIABLE, f"set {eff.var!r}",
                              "transitions", i, "effects", j, "set")
        seen: set[str] = set()
        for i, to in enumerate(defn.timeouts):
            state(to.state, "timeouts", i, "in")
            if to.fire not in events:
                self.fail(Reason.FSM_DEF_UNKNOWN_EVENT, f"fires {to.fire!r}", "timeouts", i, "fire")
            if to.state in seen:
                self.fail(Reason.FSM_DEF_BAD_TIMEOUT, f"two timeouts in {to.state}",
                          "timeouts", i, "in")
            seen.add(to.state)
            if to.state in finals:
                self.fail(Reason.FSM_DEF_BAD_TIMEOUT, f"timeout in final {to.state}",
                          "timeouts", i, "in")
            if not 1 <= to.after <= d.MAX_TIMEOUT_SECONDS:
                self.fail(Reason.FSM_DEF_BAD_TIMEOUT, f"after {to.after}", "timeouts", i, "after")
            if not defn.transitions_from(to.state, to.fire):
                self.fail(Reason.FSM_DEF_BAD_TIMEOUT,
                          f"no transition from {to.state} on {to.fire}", "timeouts", i)

    # -- [FSM-4], [FSM-11]: types, and the bound of every expression ([EXPR-57])

    def typed(self, e: Expr, env: Mapping[str, Type], want: Type, path: Path) -> int | None:
        if path in self.skip:
            return None
        try:
            got, bound = typecheck_bound(e, env, self.library)
        except Rejected as exc:
            self.fail(Reason.FSM_DEF_ILL_TYPED, str(exc), *path)
            return None
        if got != want:
            self.fail(Reason.FSM_DEF_ILL_TYPED, f"type {got}, expected {want}", *path)
            return None
        return bound

    def types(self) -> _Bounds | None:
        """Check every expression's type; return the guard, effect and initial-value bounds
        when all pass."""
        defn = self.defn
        before = len(self.problems)
        init_env = init_env_types(defn)
        inits = [
            self.typed(v.init, init_env, v.type, ("variables", v.name, "init"))
            for v in defn.variables
        ]
        var_types = {v.name: v.type for v in defn.variables}
        events = {e.name: e for e in defn.events}
        envs: dict[str, dict[str, Type]] = {}
        guards: list[int] = []
        effects: list[int] = []
        for i, t in enumerate(defn.transitions):
            ev = events.get(t.on)
            if ev is None:  # reported by references()
                continue
            env = envs.get(t.on)
            if env is None:
                env = envs[t.on] = transition_env_types(defn, ev)
            where: Path = ("transitions", i)
            g = 0 if t.guard is None else self.typed(t.guard, env, BOOL, (*where, "guard"))
            bounds = [
                self.typed(eff.expr, env, var_types[eff.var], (*where, "effects", j, "to"))
                if eff.var in var_types else None
                for j, eff in enumerate(t.effects)
            ]
            if g is not None and None not in bounds:
                guards.append(g)
                effects.append(effect_bound(defn, t, [b for b in bounds if b is not None]))
        if len(self.problems) > before or self.skip or len(guards) != len(defn.transitions):
            return None
        return guards, effects, [b for b in inits if b is not None]

    # -- [FSM-12]

    def graph(self) -> None:
        defn = self.defn
        reached = _reachable(defn, {t.on for t in defn.transitions})
        sources = {t.source for t in defn.transitions}
        finals = set(defn.finals)
        for i, s in enumerate(defn.states):
            if s not in reached:
                self.fail(Reason.FSM_DEF_UNREACHABLE_STATE, f"{s} cannot be reached", "states", i)
        for i, s in enumerate(defn.states):
            if s not in finals and s not in sources:
                self.fail(Reason.FSM_DEF_DEAD_END, f"{s} has no way out", "states", i)

    # -- [FSM-13]

    def determinism(self) -> None:
        """[FSM-13]: pairwise exclusivity per (from, on), through an index of conjuncts (a
        pair costs one set lookup); failing pairs ``(i, j)`` are reported in definition order."""
        groups: dict[tuple[str, str], list[int]] = {}
        for i, t in enumerate(self.defn.transitions):
            groups.setdefault((t.source, t.on), []).append(i)
        failing: list[tuple[int, int]] = []
        for members in groups.values():
            if len(members) < 2:
                continue
            if any(("transitions", i, "guard") in self.skip for i in members):
                continue
            keys = {i: guard_key(self.defn.transitions[i].guard) for i in members}
            holders: dict[Expr, list[int]] = {}
            for i in members:
                for c in keys[i][0]:
                    holders.setdefault(c, []).append(i)
            exclusive: set[tuple[int, int]] = set()
            for i in members:
                for c in keys[i][1]:
                    for j in holders.get(c, ()):
                        exclusive.add((min(i, j), max(i, j)))
            for a, i in enumerate(members):
                failing += [(i, j) for j in members[a + 1:] if (i, j) not in exclusive]
        for i, j in sorted(failing):
            t = self.defn.transitions[i]
            self.fail(
                Reason.FSM_DEF_NONDETERMINISTIC,
                f"from {t.source} on {t.on}: guards of transitions {i} and {j}"
                " are not syntactically exclusive",
                "transitions", j, "guard",
            )

    # -- [FSM-51]

    def budget(self, bounds: _Bounds) -> None:
        """[FSM-51]: no (state, event) pair may cost more than the global maximum; nor may
        the creation of an instance ([FSM-54])."""
        per_event = event_bounds(self.defn, bounds[0], bounds[1])
        first: dict[tuple[str, str], int] = {}
        for i, t in enumerate(self.defn.transitions):
            first.setdefault((t.source, t.on), i)
        for key, bound in per_event.items():
            if bound > d.MAX_EVENT_BUDGET:
                self.fail(
                    Reason.FSM_DEF_OVER_BUDGET,
                    f"event {key[1]} in state {key[0]} may cost {bound} units,"
                    f" over the maximum {d.MAX_EVENT_BUDGET}",
                    "transitions", first[key],
                )
        creation = creation_bound(self.defn, bounds[2])
        if creation > d.MAX_EVENT_BUDGET:  # [FSM-54]
            self.fail(
                Reason.FSM_DEF_OVER_BUDGET,
                f"creating an instance may cost {creation} units, over the maximum"
                f" {d.MAX_EVENT_BUDGET}",
                "variables",
            )


def definition_problems(
    defn: d.Definition, library: Library = DEFAULT_LIBRARY, skip: frozenset[Path] = frozenset()
) -> list[Problem]:
    """Return every problem of ``defn``, in the order of [FSM-1] (empty when it is valid).

    ``skip`` names expressions that could not be read (a YAML front end's
    parse failures, reported already): they are not type-checked, and the
    static budget is then not computed (nor when any other problem is found).
    Expressions are not type-checked against a library the definition does
    not name.
    """
    c = _Checks(defn, library, skip)
    c.structure()
    c.library_ident()
    library_ok = not c.problems or c.problems[-1].reason is not Reason.FSM_DEF_UNKNOWN_LIBRARY
    c.references()
    # Each pass tolerates what an earlier one reported (it skips a transition on an
    # undeclared event, an effect on an undeclared variable), so that every problem
    # is found in one run; the first one is still the one [FSM-1] names.
    bounds = c.types() if library_ok else None
    c.graph()
    c.determinism()
    if bounds is not None and not c.problems:
        c.budget(bounds)
    return c.problems


def static_bounds(
    defn: d.Definition, library: Library = DEFAULT_LIBRARY
) -> dict[tuple[str, str], int]:
    """Return the static bound of every (state, event) pair with a transition ([FSM-51]).

    ``defn`` must be valid (:func:`check_definition`), or be refused.
    """
    bounds = _valid_bounds(defn, library)
    return event_bounds(defn, bounds[0], bounds[1])


def static_creation_bound(defn: d.Definition, library: Library = DEFAULT_LIBRARY) -> int:
    """Return the static bound of creating an instance's initial state ([FSM-54]).

    ``defn`` must be valid (:func:`check_definition`), or be refused.
    """
    return creation_bound(defn, _valid_bounds(defn, library)[2])


def _valid_bounds(defn: d.Definition, library: Library) -> _Bounds:
    bounds = _Checks(defn, library, frozenset()).types()
    if bounds is None:
        check_definition(defn, library)
        raise ValueError("a definition without bounds must have been refused")
    return bounds


def check_definition(defn: d.Definition, library: Library = DEFAULT_LIBRARY) -> None:
    """Run every definition check in the spec's order ([FSM-1]); refuse with the first failure."""
    problems = definition_problems(defn, library)
    if problems:
        raise problems[0].rejection()


@dataclass(frozen=True)
class Caution:
    """A warning about a valid definition: legal, never a reason to refuse, likely a mistake.

    ``code`` is ``timeout_only_state``, ``unused_variable`` or ``bound_over_budget``.
    """

    code: str
    detail: str
    path: Path = ()


def definition_warnings(
    defn: d.Definition, library: Library = DEFAULT_LIBRARY
) -> list[Caution]:
    """Return the warnings of a valid definition: states that only a timeout reaches,
    variables no guard or effect reads, then (state, event) pairs whose static bound is
    over the definition's own budget (such events are metered, and may be refused)."""
    return [
        *_timeout_only_states(defn),
        *_unused_variables(defn),
        *_over_own_budget(defn, library),
    ]


def _over_own_budget(defn: d.Definition, library: Library) -> Iterator[Caution]:
    first: dict[tuple[str, str], int] = {}
    for i, t in enumerate(defn.transitions):
        first.setdefault((t.source, t.on), i)
    for (state, event), bound in static_bounds(defn, library).items():
        if bound > defn.budget:
            yield Caution(
                "bound_over_budget",
                f"event {event} in state {state} may cost up to {bound} units, over the"
                f" budget {defn.budget}: such an event is refused with fsm.over_budget",
                ("transitions", first[(state, event)]),
            )


def _reachable(defn: d.Definition, use: set[str]) -> set[str]:
    out: dict[str, list[str]] = {}
    for t in defn.transitions:
        if t.on in use:
            out.setdefault(t.source, []).append(t.target)
    reached = {defn.initial}
    frontier = [defn.initial]
    while frontier:
        for target in out.get(frontier.pop(), ()):
            if target not in reached:
                reached.add(target)
                frontier.append(target)
    return reached


def _timeout_only_states(defn: d.Definition) -> Iterator[Caution]:
    """States reachable, but only through an event no role may sign (so only by a timeout)."""
    everything = _reachable(defn, {e.name for e in defn.events})
    by_signers = _reachable(defn, {e.name for e in defn.events if e.signers})
    for i, s in enumerate(defn.states):
        if s in everything and s not in by_signers:
            yield Caution("timeout_only_state", f"state {s} is reached only when a timeout fires",
                          ("states", i))


def _names_in(e: Expr | None, into: set[str]) -> None:
    stack = [] if e is None else [e]
    while stack:
        node = stack.pop()
        if isinstance(node, Name):
            into.add(node.name)
        stack.extend(children(node))


def _unused_variables(defn: d.Definition) -> Iterator[Caution]:
    used: set[str] = set()
    for t in defn.transitions:
        _names_in(t.guard, used)
        for eff in t.effects:
            _names_in(eff.expr, used)
    for v in defn.variables:
        if f"vars.{v.name}" not in used:
            yield Caution("unused_variable", f"variable {v.name} is read by no guard or effect",
                          ("variables", v.name))
