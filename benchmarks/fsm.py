"""FSM engine figures: events applied per second, with and without the Ed25519 check.

Run: ``python benchmarks/fsm.py`` (``--quick`` for a short smoke run). Each
machine's events are pre-built and pre-signed (a valid chain from the initial
state); the timed loop applies the whole chain to a fresh initial state, over
and over (creating the initial state counts in the time). "with signatures"
verifies each event's Ed25519 signature; "without" skips only that check. Also reported: loading and
checking each shipped YAML definition, and the on-chain validator (one
event transaction checked against a UTXO view). Expression evaluation alone
is measured in benchmarks/fsm_expr.py. Spec: spec/03-fsm.md.

Cost model (spec/03-fsm.md FSM-50 .. FSM-53): for each machine, the mean cost
units per event (what the engine charges) beside the wall time per event
(signatures checked; the fastest of repeated runs of the whole chain, the
least disturbed on a shared machine) in wall and in CPU time, and the ratio
of CPU time to units in nanoseconds per unit, which should be about the same
for every machine: the shipped ones and a synthetic machine
whose every event costs just under the global maximum. Then load and check
time against definition size, up to the 1 MB hostile definition of issue 9
(refused at load by its static bound).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from timing import best_seconds, timed
from tqdm import tqdm

from chipstack.errors import Rejected
from chipstack.fsm import apply_event, machine_text
from chipstack.fsm.definition import MAX_EVENT_BUDGET, Definition
from chipstack.fsm.engine import Applied
from chipstack.fsm.event import Event
from chipstack.fsm.instance import initial_state
from chipstack.fsm.loader import load_definition
from chipstack.fsm.onchain import FsmIndex, MarkerView, create_tx, define_tx, event_tx
from chipstack.fsm.scenario import Script, example_script, make_instance
from chipstack.fsm.state import State
from chipstack.fsm.synthetic import budget_yaml, hostile_yaml
from chipstack.fsm.validity import Problem, definition_problems


def largest_terms() -> int:
    """The most items :func:`budget_yaml` can hold with its static bound under the cap."""
    lo, hi = 1, 335  # 335 items stay within the 4096-character text limit
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _over_cap(load_or_problems(budget_yaml(mid))):
            hi = mid - 1
        else:
            lo = mid
    return lo


def load_or_problems(text: str) -> Definition | list[Problem]:
    """The loaded definition, or the problems that refuse it."""
    from chipstack.fsm.loader import definition_from_yaml

    d = definition_from_yaml(text)
    problems = definition_problems(d)
    return problems if problems else d


def _over_cap(result: Definition | list[Problem]) -> bool:
    return isinstance(result, list)


def chain(name: str) -> Script:
    """A valid event chain for a shipped machine, or for the budget-maximal one."""
    if name == "budget-maximal":
        loaded = load_or_problems(budget_yaml(largest_terms()))
        assert isinstance(loaded, Definition)
        s = Script(loaded, make_instance(loaded, {}, {"p": ["p"]}, 0))
        for i in range(3):
            s.step("poke", {"n": i}, "p")
        return s
    return example_script(name)


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


def steps(s: Script) -> Callable[[], int]:
    """Return a function applying each event of the chain to the state it was made for.

    The states are those of the running machine (their hashes cached, as in
    :class:`~chipstack.fsm.engine.Machine`); signatures are checked.
    """
    d, inst = s.machine.definition, s.machine.instance
    befores = [initial_state(d, inst), *(o.state for o in s.outcomes[:-1])]
    pairs = list(zip(befores, s.events, strict=True))
    for st, _ in pairs:
        st.hash(d)

    def run() -> int:
        for st, ev in pairs:
            apply_event(d, inst, st, ev)
        return len(pairs)

    return run


def cost_table(seconds: float) -> None:
    """Print cost units and time per event, and their ratio, for every machine."""
    head = f"{'machine':<16} {'units/event':>12} {'wall us/ev':>11} {'cpu us/ev':>10}"
    print(f"{head} {'ns/unit':>8}")
    print(f"{'-' * 16} {'-' * 12} {'-' * 11} {'-' * 10} {'-' * 8}")
    ratios = []
    names = ("turnstile", "escrow", "tictactoe", "budget-maximal")
    for name in tqdm(names, desc="cost", leave=False, disable=None):
        s = chain(name)
        units = sum(o.cost for o in s.outcomes) / len(s.outcomes)
        run = steps(s)
        repeats = max(3, int(seconds / (best_seconds(run, 1) * len(s.events))))
        wall = best_seconds(run, repeats)
        cpu = best_seconds(run, repeats, time.process_time)
        ratio = cpu * 1e9 / units
        ratios.append(ratio)
        print(f"{name:<16} {units:>12,.0f} {wall * 1e6:>11,.1f} {cpu * 1e6:>10,.1f} {ratio:>8.1f}")
    spread = max(ratios) / min(ratios)
    print(f"ns/unit is CPU time per unit; spread {spread:.2f}x (max/min);"
          f" cap {MAX_EVENT_BUDGET:,} units")


def load_table() -> None:
    """Print load+check CPU time against definition size, up to the hostile definition."""
    from chipstack.fsm.loader import load_definition

    print(f"\n{'definition':<28} {'bytes':>10} {'cpu ms':>9} {'us/KB':>7}  outcome")
    cases = [(n, machine_text(n)) for n in ("turnstile", "tictactoe")]
    cases += [(f"hostile, {k} transitions", hostile_yaml(k)) for k in (16, 64, 255)]
    for label, text in tqdm(cases, desc="load", leave=False, disable=None):
        outcome = "loaded"

        def load(text: str = text) -> int:
            nonlocal outcome
            try:
                load_definition(text)
            except Rejected as exc:
                outcome = exc.reason.value
            return 1

        ms = best_seconds(load, 2, time.process_time) * 1e3
        size = len(text.encode())
        print(f"{label:<28} {size:>10,} {ms:>9,.1f} {ms * 1e3 / (size / 1024):>7,.0f}  {outcome}")


def main() -> None:
    """Print the figures tables."""
    seconds = 0.2 if "--quick" in sys.argv else 2.0
    cost_table(seconds)
    load_table()
    print()
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
