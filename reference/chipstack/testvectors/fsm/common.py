"""Shared fixtures of the FSM vector suites: the turnstile script, the key note, and the
machine input (definition, instance, events) of the event-running operations."""

from __future__ import annotations

from chipstack.encoding import from_hex
from chipstack.fsm.codec import decode_definition, encode_definition
from chipstack.fsm.engine import Machine
from chipstack.fsm.event import Event
from chipstack.fsm.instance import decode_instance
from chipstack.fsm.machines import load_machine, machine_text
from chipstack.fsm.scenario import KEY_PREFIX, Script, make_instance
from chipstack.fsm.validity import check_definition
from chipstack.vectors.model import JSONObject


def turnstile_script(created: int = 1_700_000_000) -> Script:
    """Return a script over a fresh turnstile instance (fare 25, one operator, two riders)."""
    defn = load_machine("turnstile")
    inst = make_instance(
        defn, {"fare": 25}, {"operator": ["operator"], "riders": ["rider0", "rider1"]}, created
    )
    return Script(defn, inst)


#: Where the FSM suites' keys come from (said in each suite's description).
KEYS_NOTE = f"Keys: PrivateKey.from_label('{KEY_PREFIX}' + name)."


#: The turnstile machine's YAML text.
TURNSTILE = machine_text("turnstile")


def edit(old: str, new: str, base: str = TURNSTILE) -> str:
    """Return ``base`` with the first ``old`` replaced by ``new`` (which must occur)."""
    assert old in base, old
    return base.replace(old, new, 1)


def start_machine(case_input: JSONObject) -> Machine:
    """Decode and check the case's definition, decode its instance, start the machine."""
    defn = decode_definition(from_hex(case_input["definition"]))
    check_definition(defn)
    return Machine(defn, decode_instance(from_hex(case_input["instance"])))


def run_input(s: Script, events: list[Event]) -> JSONObject:
    """The input of an event-running case: the script's definition and instance, ``events``."""
    return {
        "definition": encode_definition(s.machine.definition).hex(),
        "instance": s.machine.instance.encode().hex(),
        "events": [e.encode().hex() for e in events],
    }
