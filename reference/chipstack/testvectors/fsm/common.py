"""Shared fixtures of the FSM vector suites: the turnstile script and the key note."""

from __future__ import annotations

from chipstack.fsm.machines import load_machine, machine_text
from chipstack.fsm.scenario import KEY_PREFIX, Script, make_instance


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
