"""Finite-state-machine contracts: one engine, unlimited machines (spec/03-fsm.md).

A machine is data: a YAML definition (roles, typed variables, states,
events, guarded transitions with ordered effects, timeouts) loaded into a
checked :class:`Definition` whose id is a tagged hash of its canonical
encoding. An :class:`Instance` binds a definition to parameters, role keys
and a creation time; every signed :class:`Event` names the hash of the
:class:`State` it applies to, so a validator checks one step with no history
(:func:`apply_event`). Two signed events for one slot by one signer are
:class:`Equivocation` evidence. :mod:`chipstack.fsm.onchain` carries all of
this as chain transactions (``EVAL_FSM = 0xe7``). Guards and effects are
written in the expression language of :mod:`chipstack.fsm.expr`. Every event
is metered in cost units against its definition's budget, and a definition
whose worst event could pass the global maximum is refused at load
(:mod:`chipstack.fsm.budget`). The validity rules live in
:mod:`chipstack.fsm.validity`; the YAML front end (:mod:`chipstack.fsm.loader`,
with ``check_yaml`` reporting every problem with its line and column) is
imported only when used.

Typical use::

    defn = load_definition(Path("turnstile.yaml").read_text())
    inst = Instance(definition_id(defn), params, bindings, created=1_700_000_000)
    m = Machine(defn, inst)
    m.apply(sign_event(Event(inst.id, 1, m.state_hash, "coin", args, b"", t), key))
"""

from typing import TYPE_CHECKING

from chipstack.fsm.codec import decode_definition, definition_id, encode_definition
from chipstack.fsm.definition import (
    Definition,
    Effect,
    EventDecl,
    Param,
    Role,
    Timeout,
    Transition,
    Variable,
)
from chipstack.fsm.engine import Applied, Machine, apply_event
from chipstack.fsm.equivocation import (
    Equivocation,
    decode_evidence,
    make_evidence,
    verify_evidence,
)
from chipstack.fsm.event import (
    Arg,
    Event,
    decode_event,
    encode_event,
    sign_event,
    verify_event_signature,
)
from chipstack.fsm.instance import (
    Binding,
    Instance,
    ParamValue,
    check_instance,
    decode_instance,
    initial_state,
)
from chipstack.fsm.machines import load_machine, machine_names, machine_text
from chipstack.fsm.state import State, decode_state
from chipstack.fsm.validity import check_definition

# The YAML front end is imported on first use, so that validators (engine,
# on-chain index) never load the YAML module.
if TYPE_CHECKING:
    from chipstack.fsm.loader import definition_from_yaml, load_definition

_LAZY = {"definition_from_yaml", "load_definition"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        from chipstack.fsm import loader

        return getattr(loader, name)
    raise AttributeError(f"module 'chipstack.fsm' has no attribute {name!r}")


__all__ = [
    "Applied",
    "Arg",
    "Binding",
    "Definition",
    "Effect",
    "Equivocation",
    "Event",
    "EventDecl",
    "Instance",
    "Machine",
    "Param",
    "ParamValue",
    "Role",
    "State",
    "Timeout",
    "Transition",
    "Variable",
    "apply_event",
    "check_definition",
    "check_instance",
    "decode_definition",
    "decode_event",
    "decode_evidence",
    "decode_instance",
    "decode_state",
    "definition_from_yaml",
    "definition_id",
    "encode_definition",
    "encode_event",
    "initial_state",
    "load_definition",
    "load_machine",
    "machine_names",
    "machine_text",
    "make_evidence",
    "sign_event",
    "verify_event_signature",
    "verify_evidence",
]
