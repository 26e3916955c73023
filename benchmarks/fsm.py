"""FSM engine figures: events applied per second, with and without the Ed25519 check.

Run: ``python benchmarks/fsm.py`` (``--quick`` for a short smoke run). Each
machine's events are pre-built and pre-signed (a valid chain from the initial
state); the timed loop applies the whole chain to a fresh initial state, over
and over (creating the initial state counts in the time). "with signatures"
verifies each event's Ed25519 signature; "without" skips only that check. Also reported: loading and
checking each shipped YAML definition, and the on-chain validator (one
event transaction checked against a UTXO view). Expression evaluation alone
is measured in benchmarks/fsm_expr.py. Spec: spec/03-fsm.md.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from timing import timed

from chipstack.fsm import apply_event, load_machine, machine_text
from chipstack.fsm.engine import Applied
from chipstack.fsm.event import Event
from chipstack.fsm.instance import initial_state
from chipstack.fsm.loader import load_definition
from chipstack.fsm.onchain import FsmIndex, MarkerView, create_tx, define_tx, event_tx
from chipstack.fsm.scenario import Script, make_instance
from chipstack.fsm.state import State


def chain(name: str) -> Script:
    """A valid event chain for a shipped machine."""
    d = load_machine(name)
    if name == "turnstile":
        s = Script(d, make_instance(d, {"fare": 5}, {"operator": ["op"], "riders": ["r"]}, 0))
        for _ in range(20):
            s.step("coin", {"amount": 5}, "r")
            s.step("push", {}, "r")
    elif name == "escrow":
        s = Script(d, make_instance(d, {"price": 5}, {"buyer": ["b"], "seller": ["s"]}, 0))
        s.step("deposit", {"amount": 5}, "b")
        s.step("release", {}, "b")
    else:
        s = Script(d, make_instance(d, {}, {"x": ["x"], "o": ["o"]}, 0))
        for i, cell in enumerate((4, 0, 2, 6, 3, 5, 1, 7, 8)):
            s.step("move", {"cell": cell}, "x" if i % 2 == 0 else "o")
    return s


def replay(s: Script, check: bool) -> Callable[[], int]:
    """Return a function applying the script's whole chain from a fresh initial state."""
    d, inst, events = s.machine.definition, s.machine.instance, s.events

    def run() -> int:
        st: State = initial_state(d, inst)
        for ev in events:
            out: Applied = apply_event(d, inst, st, ev, check_signature=check)
            st = out.state
        return len(events)

    return run


def onchain_rate(seconds: float) -> float:
    """Event transactions validated per second by :class:`FsmIndex` (check only)."""
    s = chain("turnstile")
    d, inst = s.machine.definition, s.machine.instance
    index, view = FsmIndex(), MarkerView()
    c_tx = create_tx(d, inst, ())
    for tx in (define_tx(d, ()), c_tx):
        index.accept(tx, view)
        view.add(tx)
    first: Event = s.events[0]
    out = s.outcomes[0]
    prev = initial_state(d, inst)
    marker = index.marker_of(inst.id)
    assert marker is not None
    tx = event_tx(d, prev, marker, first, out.state_hash, out.via_timeout)

    def run() -> int:
        index.check(tx, view)
        return 1

    return timed(run, seconds)


def main() -> None:
    """Print the figures table."""
    seconds = 0.2 if "--quick" in sys.argv else 2.0
    rows: list[tuple[str, float]] = []
    for name in ("turnstile", "escrow", "tictactoe"):
        s = chain(name)
        rows.append((f"{name}: events/s with signatures", timed(replay(s, True), seconds)))
        rows.append((f"{name}: events/s without signatures", timed(replay(s, False), seconds)))
    for name in ("turnstile", "tictactoe"):
        text = machine_text(name)

        def load(text: str = text) -> int:
            load_definition(text)
            return 1

        rows.append((f"{name}: YAML loads+checks/s", timed(load, seconds)))
    rows.append(("on-chain E tx checks/s (turnstile)", onchain_rate(seconds)))
    print(f"{'figure':<44} {'per second':>12}")
    print(f"{'-' * 44} {'-' * 12}")
    for label, per_s in rows:
        print(f"{label:<44} {per_s:>12,.0f}")


if __name__ == "__main__":
    main()
