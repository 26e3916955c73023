"""Applying one event to one state: the whole validator step (spec/03-fsm.md FSM-24 .. FSM-33).

:func:`apply_event` runs the checks in the spec's order and either returns
the new state (with its hash and how the event was authorised) or raises
:class:`~chipstack.errors.Rejected`. States are immutable, so a rejected event
changes nothing. :class:`Machine` bundles a checked definition, an instance
and a library, and keeps the current state for convenience.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from chipstack.errors import Reason, Rejected, require
from chipstack.fsm import definition as d
from chipstack.fsm.budget import args_cost
from chipstack.fsm.env import base_env
from chipstack.fsm.event import Event, verify_event_signature
from chipstack.fsm.expr import (
    DEFAULT_LIBRARY,
    Library,
    Meter,
    Type,
    Value,
    check_type,
    value_checker,
    weight,
)
from chipstack.fsm.expr.compiled import Compiled, compile_expr
from chipstack.fsm.expr.values import Checker
from chipstack.fsm.instance import Instance, initial_state
from chipstack.fsm.state import State, next_state


@dataclass(frozen=True)
class Applied:
    """The outcome of an accepted event: the new state, its hash, and the path taken.

    ``via_timeout`` is true when the event was accepted because its state's
    timeout had expired ([FSM-31]); ``transition`` is the index of the
    transition that fired; ``cost`` is what the event spent of its budget,
    in cost units ([FSM-52]).
    """

    state: State
    state_hash: bytes
    via_timeout: bool
    transition: int
    cost: int = 0


def _authorise(defn: d.Definition, inst: Instance, state: State, event: Event) -> bool:
    """Return whether the timeout path authorises ``event``; reject if nothing does ([FSM-31])."""
    timeout = defn.timeout_in(state.name)
    expired = timeout is not None and event.time >= state.time + timeout.after
    if timeout is not None and expired:
        require(
            event.name == timeout.fire,
            Reason.FSM_DEADLINE_PASSED,
            f"state {state.name} expired at {state.time + timeout.after}",
        )
        return True
    decl = defn.event(event.name)
    assert decl is not None
    for role in decl.signers:
        if event.signer in inst.keys_of(role):
            return False
    if timeout is not None and event.name == timeout.fire:
        raise Rejected(
            Reason.FSM_TIMEOUT_NOT_DUE,
            f"{event.name} due at {state.time + timeout.after}, event time {event.time}",
        )
    raise Rejected(Reason.FSM_UNAUTHORIZED_SIGNER, f"signer may not sign {event.name}")


def _check_args(defn: d.Definition, decl: d.EventDecl, event: Event) -> None:
    """[FSM-29]: arguments are exactly the declared ones, in order, well typed."""
    expected, checkers = _plan_of_decl(defn, decl)
    if len(event.args) != len(expected) or any(
        a.name != name or a.type != t for a, (name, t) in zip(event.args, expected, strict=False)
    ):
        raise Rejected(
            Reason.FSM_BAD_ARGUMENTS, f"{event.name} takes {[p.name for p in decl.params]}"
        )
    for a, check in zip(event.args, checkers, strict=True):
        try:
            check(a.value)  # check_value(a.value, a.type): the declared type, compiled once
        except Rejected as exc:
            raise Rejected(Reason.FSM_BAD_ARGUMENTS, f"{a.name}: {exc}") from None


def apply_event(
    defn: d.Definition,
    inst: Instance,
    state: State,
    event: Event,
    library: Library = DEFAULT_LIBRARY,
    check_signature: bool = True,
) -> Applied:
    """Apply ``event`` to ``state`` ([FSM-24] .. [FSM-33]); return the outcome or reject.

    ``defn`` must have passed :func:`~chipstack.fsm.validity.check_definition`
    with ``library`` and ``inst`` :func:`~chipstack.fsm.instance.check_instance`.
    ``check_signature=False`` skips only the Ed25519 check (for benchmarks and
    for callers that verified the signature already). The event is metered
    against ``defn.budget`` ([FSM-52], [FSM-53]).
    """
    # [FSM-24]
    require(event.instance_id == state.instance_id, Reason.FSM_WRONG_INSTANCE, "instance id")
    # (The checks below raise directly rather than through ``require``, so that
    # their details are formatted only when they fail.)
    # [FSM-25]
    if state.is_final(defn):
        raise Rejected(Reason.FSM_INSTANCE_FINAL, f"state {state.name} is final")
    # [FSM-26]
    if event.seq != state.seq + 1:
        raise Rejected(Reason.FSM_WRONG_SEQ, f"{event.seq} != {state.seq + 1}")
    # [FSM-27]
    require(event.prev_hash == state.hash(defn), Reason.FSM_STALE_STATE, "previous state hash")
    # [FSM-28]
    if event.time < state.time:
        raise Rejected(Reason.FSM_TIME_REGRESSED, f"{event.time} < {state.time}")
    decl = defn.event(event.name)
    require(decl is not None, Reason.FSM_UNKNOWN_EVENT, event.name)  # [FSM-29]
    assert decl is not None
    _check_args(defn, decl, event)  # [FSM-29]
    candidates = defn.candidates(state.name, event.name)
    # [FSM-30]
    if not candidates:
        raise Rejected(Reason.FSM_NO_TRANSITION, f"{event.name} in {state.name}")
    via_timeout = _authorise(defn, inst, state, event)  # [FSM-31]
    if check_signature:
        verify_event_signature(event)  # [FSM-31] last, [FSM-23]
    # [FSM-52]: every charge below goes to this meter; past the budget it refuses
    # with fsm.over_budget and, states being values, nothing has changed ([FSM-53]).
    meter = Meter(defn.budget)
    meter.charge(args_cost([a.value for a in event.args]), "event")  # [FSM-52]

    plan = _plan(defn)
    env = dict(plan.base_env(defn, inst))
    env["signer"] = event.signer
    env["now"] = event.time
    env["seq"] = event.seq
    env.update(zip(plan.var_keys, state.values, strict=True))
    for a in event.args:
        env["args." + a.name] = a.value

    guards, effects = plan.compiled(defn, library)
    chosen: d.Transition | None = None
    fired = -1
    for i, t in candidates:
        guard = guards[i]
        if guard is None or _run(guard, env, meter, "guard") is True:
            chosen, fired = t, i
            break
    if chosen is None:  # [FSM-32]
        raise Rejected(Reason.FSM_GUARD_FALSE, f"no guard holds for {event.name} in {state.name}")

    # [FSM-52]: state_cost(values) at the end, each value's weight taken from the last
    # state unless an effect set it (then the weight charged for the effect's value)
    weights = list(state._weights or [weight(v) for v in state.values])
    for where, key, slot, code, check in effects[fired]:  # [FSM-33], in order
        value = _run(code, env, meter, where)
        w = weight(value)
        meter.charge(w, where)  # [FSM-52]
        try:
            # check_value against the variable's (checked) type; the new state's
            # encoding relies on this check and does not repeat it.
            env[key] = check(value)
        except Rejected as exc:
            raise Rejected(Reason.FSM_EVAL_FAILED, f"{where}: {exc}") from None
        weights[slot] = w
    values = tuple([env[k] for k in plan.var_keys])
    meter.charge(sum(weights), "new state")
    new = next_state(state, defn, chosen.target, values, event.seq, event.time)
    new._weights[:] = weights
    return Applied(new, new.hash(defn), via_timeout, fired, meter.spent)


#: A compiled effect: its label, the variable's environment key and index, its code and
#: the variable's check.
_Effect = tuple[str, str, int, Compiled, Callable[[object], Value]]


class _Plan:
    """What :func:`apply_event` needs of a definition, computed once per definition object.

    The environment keys of the variables, a compiled :func:`check_value` per
    variable, and the environment names of the last instance seen (values
    are immutable, so the names of one instance never change).
    """

    def __init__(self, defn: d.Definition) -> None:
        self.var_keys = tuple("vars." + v.name for v in defn.variables)
        self.slots = {v.name: i for i, v in enumerate(defn.variables)}
        self.checkers: dict[str, Callable[[object], Value]] = {
            v.name: value_checker(check_type(v.type)) for v in defn.variables
        }
        self._inst: Instance | None = None
        self._env: dict[str, Value] = {}
        self._code: dict[int, tuple[Library, list[Compiled | None], list[list[_Effect]]]] = {}

    def compiled(
        self, defn: d.Definition, library: Library
    ) -> tuple[list[Compiled | None], list[list[_Effect]]]:
        """Each transition's guard (``None`` when it has none) and effects, compiled with
        ``library`` (:func:`~chipstack.fsm.expr.compiled.compile_expr`: same values, same
        charges as the evaluator). An effect is ``(where, key, slot, code, check)``: its
        label in charges and rejections, the variable's environment key and index, the
        compiled expression and the variable's compiled :func:`check_value`."""
        found = self._code.get(id(library))
        if found is None or found[0] is not library:
            guards = [
                None if t.guard is None else compile_expr(t.guard, library, typed=True)
                for t in defn.transitions
            ]
            effects = [
                [
                    ("set " + e.var, "vars." + e.var, self.slots[e.var],
                     compile_expr(e.expr, library, typed=True), self.checkers[e.var])
                    for e in t.effects
                ]
                for t in defn.transitions
            ]
            found = self._code[id(library)] = (library, guards, effects)
        return found[1], found[2]

    def base_env(self, defn: d.Definition, inst: Instance) -> dict[str, Value]:
        """``params.*``, ``roles.*`` and ``created`` of ``inst`` ([FSM-15]); do not modify."""
        if self._inst is not inst:
            self._env = base_env(
                inst.param_values(), {b.role: b.keys for b in inst.roles}, defn, inst.created
            )
            self._inst = inst
        return self._env


def _plan(defn: d.Definition) -> _Plan:
    plan = defn._index.get("engine_plan")
    if not isinstance(plan, _Plan):
        plan = defn._index["engine_plan"] = _Plan(defn)
    return plan


def _plan_of_decl(
    defn: d.Definition, decl: d.EventDecl
) -> tuple[list[tuple[str, Type]], list[Checker]]:
    """The declared ``(name, type)`` of each parameter of ``decl`` and its compiled check."""
    plans = defn._index.get("arg_plans")
    if not isinstance(plans, dict):
        plans = defn._index["arg_plans"] = {}
    found = plans.get(decl.name)
    if found is None:
        found = plans[decl.name] = (
            [(p.name, p.type) for p in decl.params],
            [value_checker(check_type(p.type)) for p in decl.params],
        )
    return found


def _run(code: Compiled, env: dict[str, Value], meter: Meter, where: str) -> Value:
    try:
        return code(env, meter)
    except Rejected as exc:
        if exc.reason is Reason.FSM_OVER_BUDGET:
            raise
        raise Rejected(Reason.FSM_EVAL_FAILED, f"{where}: {exc}") from None


class Machine:
    """A running instance: definition, instance, library and the current state.

    :meth:`apply` replaces :attr:`state` only when the event is accepted; the
    list :attr:`history` keeps every accepted event and :attr:`hashes` every
    state hash from the initial one on.
    """

    def __init__(
        self, defn: d.Definition, inst: Instance, library: Library = DEFAULT_LIBRARY
    ) -> None:
        self.definition = defn
        self.instance = inst
        self.library = library
        self.state = initial_state(defn, inst, library)  # check_instance first ([FSM-18])
        self.history: list[Event] = []
        self.hashes: list[bytes] = [self.state.hash(defn)]

    @property
    def state_hash(self) -> bytes:
        """Hash of the current state."""
        return self.hashes[-1]

    def apply(self, event: Event, check_signature: bool = True) -> Applied:
        """Apply ``event`` to the current state; on success make the new state current."""
        out = apply_event(
            self.definition, self.instance, self.state, event, self.library, check_signature
        )
        self.state = out.state
        self.history.append(event)
        self.hashes.append(out.state_hash)
        return out
