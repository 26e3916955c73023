"""Property tests: random event sequences stay within the declared states, replays give the
same hashes, and a rejected event changes nothing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.errors import Rejected
from chipstack.fsm import Machine, load_machine
from chipstack.fsm.expr import Value
from chipstack.fsm.scenario import Script, make_instance

#: Per machine: its instance, the keys that may sign (plus a stranger), and plausible numbers.
SETUPS: dict[str, tuple[dict[str, Value], dict[str, list[str]], list[int]]] = {
    "turnstile": ({"fare": 10}, {"operator": ["op"], "riders": ["r0", "r1"]}, [0, 5, 10, 20]),
    "escrow": ({"price": 10}, {"buyer": ["buyer"], "seller": ["seller"]}, [9, 10, 11]),
    "tictactoe": ({}, {"x": ["x"], "o": ["o"]}, [-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
}
DELAYS = [0, 1, 5, 29, 30, 3599, 3600, 86400, 7 * 86400]


def _script(name: str) -> Script:
    d = load_machine(name)
    params, roles, _ = SETUPS[name]
    return Script(d, make_instance(d, params, roles, 0))


@pytest.mark.parametrize("machine", sorted(SETUPS))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_random_sequences(machine: str, data: st.DataObject) -> None:
    s = _script(machine)
    defn = s.machine.definition
    _, roles, numbers = SETUPS[machine]
    signers = [k for keys in roles.values() for k in keys] + ["stranger"]
    accepted = []
    for _ in range(data.draw(st.integers(0, 30))):
        event = data.draw(st.sampled_from([e.name for e in defn.events] + ["bogus"]))
        decl = defn.event(event)
        args: dict[str, Value] = {}
        for p in decl.params if decl else ():
            args[p.name] = data.draw(st.sampled_from(numbers))
        ev = s.draft(event, args, data.draw(st.sampled_from(signers)),
                     data.draw(st.sampled_from(DELAYS)))
        before = s.machine.state
        before_hash = s.machine.state_hash
        before_encoding = before.encode(defn)
        try:
            out = s.machine.apply(ev)
        except Rejected:
            # a rejected event changes nothing
            assert s.machine.state is before
            assert s.machine.state_hash == before_hash
            assert before.encode(defn) == before_encoding
            continue
        accepted.append(ev)
        assert out.state.name in defn.states
        assert out.state.seq == before.seq + 1
        assert len(out.state.values) == len(defn.variables)
    # replaying the accepted events on a fresh machine gives the same hashes
    fresh = Machine(defn, s.machine.instance)
    for ev in accepted:
        fresh.apply(ev)
    assert fresh.hashes == s.machine.hashes
