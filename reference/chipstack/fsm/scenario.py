"""Deterministic test keys, instances and event scripts for vectors, notebooks and benchmarks.

Keys come from :meth:`chipstack.crypto.PrivateKey.from_label` with the label
``"chipstack/fsm/" + name`` (the vector files state this). A :class:`Script`
drives a :class:`~chipstack.fsm.engine.Machine`: :meth:`Script.step` builds,
signs and applies the next event; :meth:`Script.draft` builds and signs one
without applying it (to make the invalid events of the vectors).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from chipstack.crypto import PrivateKey
from chipstack.fsm import definition as d
from chipstack.fsm.codec import definition_id
from chipstack.fsm.engine import Applied, Machine
from chipstack.fsm.event import Arg, Event, sign_event
from chipstack.fsm.expr import DEFAULT_LIBRARY, INT, Library, Value
from chipstack.fsm.instance import Binding, Instance, ParamValue

#: Prefix of every key label used by the fsm vectors.
KEY_PREFIX = "chipstack/fsm/"


def key(name: str) -> PrivateKey:
    """Return the deterministic test key called ``name``."""
    return PrivateKey.from_label(KEY_PREFIX + name)


def make_instance(
    defn: d.Definition,
    params: Mapping[str, Value],
    roles: Mapping[str, list[str]],
    created: int,
) -> Instance:
    """Build an instance of ``defn``: parameters by name, roles bound to key names."""
    types = {p.name: p.type for p in defn.params}
    return Instance(
        definition_id(defn),
        tuple(ParamValue(n, types[n], v) for n, v in params.items()),
        tuple(
            Binding(r, tuple(key(k).public_key.raw for k in names)) for r, names in roles.items()
        ),
        created,
    )


class Script:
    """Builds a valid event chain step by step on a :class:`Machine`."""

    def __init__(
        self, defn: d.Definition, inst: Instance, library: Library = DEFAULT_LIBRARY
    ) -> None:
        self.machine = Machine(defn, inst, library)
        self.events: list[Event] = []
        self.outcomes: list[Applied] = []

    @property
    def time(self) -> int:
        """The current state's last-event time."""
        return self.machine.state.time

    def draft(
        self, name: str, args: Mapping[str, Value], signer: str, dt: int = 1, **fields: object
    ) -> Event:
        """Return the signed event ``name`` for the current state, ``dt`` seconds later.

        Keyword ``fields`` override event fields *before* signing (seq, prev_hash,
        instance_id, time, ...), so the result is well signed but may be invalid.
        """
        decl = self.machine.definition.event(name)
        types = {p.name: p.type for p in decl.params} if decl else {}
        ev = Event(
            self.machine.instance.id,
            self.machine.state.seq + 1,
            self.machine.state_hash,
            name,
            tuple(Arg(n, types.get(n, INT), v) for n, v in args.items()),
            b"",
            self.time + dt,
        )
        ev = replace(ev, **fields)  # type: ignore[arg-type]
        return sign_event(ev, key(signer))

    def step(self, name: str, args: Mapping[str, Value], signer: str, dt: int = 1) -> Applied:
        """Build, sign and apply the next event; it must be accepted."""
        ev = self.draft(name, args, signer, dt)
        out = self.machine.apply(ev)
        self.events.append(ev)
        self.outcomes.append(out)
        return out


#: The shipped machines :func:`example_script` can drive.
EXAMPLES = ("turnstile", "escrow", "tictactoe")


def example_script(name: str) -> Script:
    """A valid event chain through a shipped machine (for benchmarks and tests)."""
    from chipstack.fsm.machines import load_machine

    defn = load_machine(name)
    if name == "turnstile":
        s = Script(defn, make_instance(defn, {"fare": 5}, {"operator": ["op"], "riders": ["r"]}, 0))
        for _ in range(20):
            s.step("coin", {"amount": 5}, "r")
            s.step("push", {}, "r")
    elif name == "escrow":
        s = Script(defn, make_instance(defn, {"price": 5}, {"buyer": ["b"], "seller": ["s"]}, 0))
        s.step("deposit", {"amount": 5}, "b")
        s.step("release", {}, "b")
    elif name == "tictactoe":
        s = Script(defn, make_instance(defn, {}, {"x": ["x"], "o": ["o"]}, 0))
        for i, cell in enumerate((4, 0, 2, 6, 3, 5, 1, 7, 8)):
            s.step("move", {"cell": cell}, "x" if i % 2 == 0 else "o")
    else:
        raise KeyError(name)
    return s
