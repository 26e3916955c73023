"""Per-event budgets and static bounds (spec/03-fsm.md FSM-50 .. FSM-53).

Expected costs are computed by hand from the rules: NODE = 6 per node reached,
comparisons add the smaller weight, every event pays EVENT_COST = 1500 plus its
arguments' weight, each effect the weight of what it assigns, and the new
state its variables' weight.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from chipstack.errors import Reason, Rejected
from chipstack.fsm import decode_definition, encode_definition, load_machine
from chipstack.fsm.budget import EVENT_COST
from chipstack.fsm.definition import MAX_EVENT_BUDGET
from chipstack.fsm.loader import load_definition
from chipstack.fsm.scenario import EXAMPLES, Script, example_script, make_instance
from chipstack.fsm.synthetic import budget_yaml, hostile_yaml
from chipstack.fsm.validity import check_definition, static_bounds

NODE = 6

COUNTER = """
name: counter
version: 1
budget: {budget}
roles: [p]
variables:
  x: {{type: int, init: 0}}
  xs: {{type: "list[int]", init: "[1, 2]"}}
states: [s0]
initial: s0
events:
  go:
    params: {{n: int}}
    signers: [p]
transitions:
  - from: s0
    on: go
    to: s0
    guard: vars.x < 3
    effects:
      - {{set: x, to: vars.x + args.n}}
      - {{set: xs, to: "append(vars.xs, args.n)"}}
  - from: s0
    on: go
    to: s0
    guard: not (vars.x < 3)
"""


def counter(budget: int = MAX_EVENT_BUDGET) -> Script:
    d = load_definition(COUNTER.format(budget=budget))
    return Script(d, make_instance(d, {}, {"p": ["p"]}, 0))


def reason(fn: object, *args: object) -> Reason:
    with pytest.raises(Rejected) as info:
        fn(*args)  # type: ignore[operator]
    return info.value.reason


# the first event of counter: x = 0, xs = [1, 2], args.n = 1
FIRST = (
    EVENT_COST + 1  # fixed part, argument n (weight 1)
    + 3 * NODE + 1  # guard vars.x < 3: three nodes, comparison of two ints
    + 3 * NODE + 1  # effect vars.x + args.n, then its value (weight 1)
    + 3 * NODE + 4 + 3 + 1 + 4  # append(vars.xs, args.n): CALL + weights 3 and 1; [1, 2, 1]
    + 1 + 4  # new state: x (1) and xs (4)
)


def test_an_event_costs_what_the_rules_say() -> None:
    s = counter()
    assert s.step("go", {"n": 1}, "p").cost == FIRST
    # second event: xs = [1, 2, 1] (weight 4), so append costs one more, and the state too
    assert s.step("go", {"n": 1}, "p").cost == FIRST + 1 + 1 + 1


def test_the_else_path_pays_for_both_guards() -> None:
    s = counter()
    s.step("go", {"n": 5}, "p")  # x = 5: the first guard is now false
    out = s.step("go", {"n": 0}, "p")
    assert out.transition == 1
    # both guards (the second is not (vars.x < 3): one more node), no effects;
    # the state: x = 5 (weight 1), xs = [1, 2, 5] (weight 4)
    assert out.cost == EVENT_COST + 1 + (3 * NODE + 1) + (4 * NODE + 1) + 1 + 4


def test_an_event_over_its_budget_is_refused_and_changes_nothing() -> None:
    s = counter(budget=FIRST - 1)
    before = (s.machine.state, s.machine.state_hash, len(s.machine.history))
    ev = s.draft("go", {"n": 1}, "p")
    assert reason(s.machine.apply, ev) is Reason.FSM_OVER_BUDGET
    assert (s.machine.state, s.machine.state_hash, len(s.machine.history)) == before
    exact = counter(budget=FIRST)
    assert exact.step("go", {"n": 1}, "p").cost == FIRST


def test_a_budget_below_the_fixed_part_refuses_every_event() -> None:
    s = counter(budget=EVENT_COST)
    assert reason(s.machine.apply, s.draft("go", {"n": 1}, "p")) is Reason.FSM_OVER_BUDGET


def test_budget_is_carried_by_the_encoding() -> None:
    d = load_definition(COUNTER.format(budget=12345))
    back = decode_definition(encode_definition(d))
    assert back.budget == 12345 and back == d
    assert load_definition(COUNTER.format(budget=12346)) != d


def test_a_budget_over_the_cap_is_refused() -> None:
    text = COUNTER.format(budget=MAX_EVENT_BUDGET + 1)
    assert reason(load_definition, text) is Reason.FSM_DEF_OVER_BUDGET


def test_static_bounds_cover_every_event_of_the_shipped_machines() -> None:
    for name in EXAMPLES:
        script = example_script(name)
        d = script.machine.definition
        bounds = static_bounds(d)
        state = d.initial
        for ev, out in zip(script.events, script.outcomes, strict=True):
            assert out.cost <= bounds[(state, ev.name)], name
            state = out.state.name


def test_the_budget_maximal_machine_costs_its_bound() -> None:
    d = load_definition(budget_yaml(50))
    s = Script(d, make_instance(d, {}, {"p": ["p"]}, 0))
    bound = static_bounds(d)[("s0", "poke")]
    assert s.step("poke", {"n": 1}, "p").cost == bound


def test_the_hostile_definition_of_issue_9_is_refused_at_load() -> None:
    # 255 exclusive transitions on one event, ~700-node guards, most of 1 MiB
    text = hostile_yaml()
    assert len(text) > 700_000
    assert reason(load_definition, text) is Reason.FSM_DEF_OVER_BUDGET


def test_a_small_hostile_definition_loads_and_runs_within_its_bound() -> None:
    d = load_definition(hostile_yaml(transitions=2))
    s = Script(d, make_instance(d, {}, {"p": ["p"]}, 0))
    out = s.step("poke", {"n": 0}, "p")
    assert out.transition == 1  # transition 1 spells bit 0: poke(0)
    assert EVENT_COST < out.cost <= MAX_EVENT_BUDGET


def test_over_the_cap_is_the_last_check() -> None:
    # a definition with another problem reports that one ([FSM-1] order)
    text = hostile_yaml(transitions=16).replace("initial: s0", "initial: nowhere")
    assert reason(load_definition, text) is Reason.FSM_DEF_UNKNOWN_STATE


def test_decoded_definitions_are_held_to_the_cap_too() -> None:
    d = load_machine("turnstile")
    from dataclasses import replace

    assert reason(check_definition, replace(d, budget=MAX_EVENT_BUDGET + 1)) is (
        Reason.FSM_DEF_OVER_BUDGET
    )
    check_definition(replace(d, budget=0))  # legal, if useless


def test_the_onchain_validator_does_not_import_yaml() -> None:
    code = "import sys, chipstack.fsm.onchain, chipstack.fsm; print('yaml' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# creating counter ([FSM-54]): x = 0 is one node then its weight 1; xs = [1, 2] is three
# nodes, the items' weights 2, then its weight 3; last the state's weights 1 + 3
CREATION = (NODE + 1) + (3 * NODE + 2 + 3) + (1 + 3)


def test_creating_an_instance_is_metered() -> None:
    from chipstack.fsm.expr import Meter
    from chipstack.fsm.instance import initial_state

    d = load_definition(COUNTER.format(budget=CREATION))
    inst = make_instance(d, {}, {"p": ["p"]}, 0)
    meter = Meter(d.budget)
    initial_state(d, inst, meter=meter)
    assert meter.spent == CREATION
    short = load_definition(COUNTER.format(budget=CREATION - 1))
    assert reason(initial_state, short, make_instance(short, {}, {"p": ["p"]}, 0)) is (
        Reason.FSM_OVER_BUDGET
    )


def test_the_creation_bound_counts_initial_values_and_the_state() -> None:
    from chipstack.fsm.validity import static_creation_bound

    # x: one node, weight 1 twice; xs: three nodes and two items of weight 1, then the
    # largest weight of list[int] (1 + 1024) twice
    assert static_creation_bound(counter().machine.definition) == (
        (NODE + 2) + (3 * NODE + 2 + 2 * 1025)
    )


def test_initial_values_that_would_take_minutes_are_refused_at_load() -> None:
    # each term builds two 64 KiB lists and compares them: ~200,000 units each, 55 terms a
    # variable, 64 variables: about 10 minutes to create one instance, with no event at all
    a = "repeat(repeat(true, 1024), 63)"
    init = " and ".join([f"({a} == {a})"] * 55)
    variables = "\n".join(f'  v{i}: {{type: bool, init: "{init}"}}' for i in range(64))
    text = (
        "name: heavy\nversion: 1\nroles: [p]\nvariables:\n" + variables + "\n"
        "states: [s0, s1]\ninitial: s0\nfinals: [s1]\nevents:\n  go: {signers: [p]}\n"
        "transitions:\n  - {from: s0, on: go, to: s1}\n"
    )
    assert reason(load_definition, text) is Reason.FSM_DEF_OVER_BUDGET
