"""The ``fsm/costs`` vector suite (spec/03-fsm.md EXPR-50 .. EXPR-57, FSM-50 .. FSM-53).

What evaluating an expression costs and its static bound; the exact cost of
every event of the example machines; an event refused for its budget with
the state left as it was; the static bound of every (state, event) pair of a
definition, and definitions refused for their budget or their bound. Trees,
definitions, instances and events travel as hex of their canonical
encodings, so no YAML or expression parser is needed to run the suite.
"""

from __future__ import annotations

from chipstack.encoding import from_hex
from chipstack.errors import Rejected
from chipstack.fsm import definition as d
from chipstack.fsm.codec import decode_definition, encode_definition
from chipstack.fsm.event import decode_event
from chipstack.fsm.expr import DEFAULT_LIBRARY, Meter, Type, Value, evaluate, parse
from chipstack.fsm.expr.codec import decode_expr, encode_expr
from chipstack.fsm.expr.typecheck import typecheck_bound
from chipstack.fsm.expr.types import parse_type
from chipstack.fsm.expr.values import value_from_json, value_to_json
from chipstack.fsm.loader import load_definition
from chipstack.fsm.scenario import Script, example_script, make_instance
from chipstack.fsm.synthetic import budget_yaml
from chipstack.fsm.validity import check_definition, static_bounds
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.testvectors.fsm.common import KEYS_NOTE, run_input, start_machine, turnstile_script
from chipstack.vectors.inputs import hex_field
from chipstack.vectors.model import Case, JSONObject, Suite, make_case

# -- operations ------------------------------------------------------------------------


def op_evaluate_cost(case_input: JSONObject) -> JSONObject:
    """Type-check tree ``expr`` in ``env`` (name -> {type, value}) and evaluate it, metered
    against ``budget`` when given; return the value, its cost and the tree's static bound."""
    types: dict[str, Type] = {}
    values: dict[str, Value] = {}
    for name, entry in case_input["env"].items():
        t = parse_type(entry["type"])
        types[str(name)] = t
        values[str(name)] = value_from_json(entry["value"], t)
    e = decode_expr(hex_field(case_input, "expr"))
    t, bound = typecheck_bound(e, types, DEFAULT_LIBRARY)
    budget = case_input.get("budget")
    meter = Meter(None if budget is None else int(budget))
    v = evaluate(e, values, DEFAULT_LIBRARY, meter)
    return {"type": str(t), "value": value_to_json(v, t), "cost": meter.spent, "bound": bound}


def op_run_costs(case_input: JSONObject) -> JSONObject:
    """Apply the events in order; return each one's cost and new state hash, or refuse."""
    m = start_machine(case_input)
    steps: list[JSONObject] = []
    for hex_event in case_input["events"]:
        out = m.apply(decode_event(from_hex(hex_event)))
        steps.append({"cost": out.cost, "hash": out.state_hash.hex()})
    return {"steps": steps}


def op_apply_each(case_input: JSONObject) -> JSONObject:
    """Apply events one by one: each step is its cost and the new state hash, or the
    rejection and the hash of the state that is still current ([FSM-53])."""
    m = start_machine(case_input)
    steps: list[JSONObject] = []
    for hex_event in case_input["events"]:
        try:
            out = m.apply(decode_event(from_hex(hex_event)))
        except Rejected as exc:
            steps.append({"rejected": exc.reason.value, "hash": m.state_hash.hex()})
            continue
        steps.append({"cost": out.cost, "hash": out.state_hash.hex()})
    return {"steps": steps}


def op_static_bounds(case_input: JSONObject) -> JSONObject:
    """Decode and check a definition; return the static bound of every (state, event) pair
    that has a transition, in the order of the pairs' first transitions ([FSM-51])."""
    defn = decode_definition(from_hex(case_input["definition"]))
    check_definition(defn)
    bounds = static_bounds(defn)
    return {
        "budget": defn.budget,
        "bounds": [{"state": s, "event": e, "bound": b} for (s, e), b in bounds.items()],
    }


# -- cases -----------------------------------------------------------------------------


def _expr_input(text: str, env: dict[str, tuple[str, Value]], budget: int | None) -> JSONObject:
    out: JSONObject = {
        "expr": encode_expr(parse(text)).hex(),
        "env": {
            name: {"type": t, "value": value_to_json(v, parse_type(t))}
            for name, (t, v) in env.items()
        },
    }
    if budget is not None:
        out["budget"] = budget
    return out


_EXPRESSIONS: list[tuple[str, dict[str, tuple[str, Value]], str, tuple[str, ...]]] = [
    ("sum(vars.xs) > 10", {"vars.xs": ("list[int]", (5, 1, 7))},
     "the worked example of EXPR-56: 33 units", ("EXPR-51", "EXPR-52", "EXPR-53")),
    ("false and sum(xs) > 0", {"xs": ("list[int]", tuple(range(100)))},
     "a decided and: the right operand costs nothing", ("EXPR-51", "EXPR-55")),
    ("1 if b else sum(xs)", {"b": ("bool", False), "xs": ("list[int]", tuple(range(100)))},
     "a conditional pays for the branch it takes", ("EXPR-51", "EXPR-55", "EXPR-57")),
    ("a == b", {"a": ("list[list[int]]", ((1, 2), (3,))), "b": ("list[list[int]]", ((1,),))},
     "== pays the smaller weight of nested lists", ("EXPR-50", "EXPR-52")),
    ("[a, a, x\"00\"]", {"a": ("bytes", bytes(200))},
     "a list literal pays its items' weights (bytes: 1 + n / 64)", ("EXPR-50", "EXPR-52")),
    ("len(range(n)) + len(repeat(xs, 3))", {"n": ("int", 600), "xs": ("list[int]", (1, 2))},
     "range and repeat pay by their count, len pays CALL", ("EXPR-53", "EXPR-54")),
    ("sha256(concat(b, b))", {"b": ("bytes", bytes(1000))},
     "bytes built-ins pay 1 + n / 64 per argument", ("EXPR-53", "EXPR-54")),
]


def _expression_cases() -> list[Case]:
    cases = [
        make_case(OPS, "evaluate_cost", _expr_input(text, env, None), comment, covers,
                  expect="valid")
        for text, env, comment, covers in _EXPRESSIONS
    ]
    text = "sum(vars.xs) > 10"
    env: dict[str, tuple[str, Value]] = {"vars.xs": ("list[int]", (5, 1, 7))}
    cases.append(make_case(OPS, "evaluate_cost", _expr_input(text, env, 33),
                           "a budget of exactly the cost", ("EXPR-56",), expect="valid"))
    cases.append(make_case(OPS, "evaluate_cost", _expr_input(text, env, 32),
                           "one unit short: refused at the last charge", ("EXPR-56",),
                           expect="invalid"))
    cases.append(make_case(OPS, "evaluate_cost", _expr_input("xs[5] == xs[0]",
                           {"xs": ("list[int]", (1, 2))}, 24),
                           "the index fails before the comparison's charge: that reason wins",
                           ("EXPR-56",), expect="invalid"))
    cases.append(make_case(OPS, "evaluate_cost", _expr_input("range(0 - 1)", {}, 27),
                           "range's charge comes before its argument check: over budget wins",
                           ("EXPR-55", "EXPR-56"), expect="invalid"))
    return cases


COUNTER = """\
name: counter
version: 1
budget: 1584
roles: [p]
variables:
  x: {type: int, init: 0}
  xs: {type: "list[int]", init: "[1, 2]"}
states: [s0]
initial: s0
events:
  go:
    params: {n: int}
    signers: [p]
  push:
    params: {items: "list[int]"}
    signers: [p]
transitions:
  - {from: s0, on: go, to: s0, guard: vars.x < 3,
     effects: [{set: x, to: vars.x + args.n}, {set: xs, to: "append(vars.xs, args.n)"}]}
  - {from: s0, on: go, to: s0, guard: not (vars.x < 3)}
  - {from: s0, on: push, to: s0, effects: [{set: xs, to: "concat(vars.xs, args.items)"}]}
"""


def _event_cases() -> list[Case]:
    cases: list[Case] = []
    t = turnstile_script()
    t.step("coin", {"amount": 25}, "rider0", 3)
    t.step("push", {}, "rider0", 2)
    t.step("coin", {"amount": 30}, "rider1", 5)
    t.step("relock", {}, "rider0", 40)
    cases.append(make_case(OPS, "run_costs", run_input(t, t.events),
                           "turnstile: the cost of each event, a timeout included",
                           ("FSM-52",), expect="valid"))
    for name in ("escrow", "tictactoe"):
        s = example_script(name)
        cases.append(make_case(OPS, "run_costs", run_input(s, s.events),
                               f"{name}: the cost of each event", ("FSM-52",), expect="valid"))
    # counter, budget 1584: go(1) costs 1574 (x = 0, xs = [1, 2]); push(20 items) would
    # cost 1521 + 46 for the effect, then 23 for the value it assigns: over at 1590
    defn = load_definition(COUNTER)
    c = Script(defn, make_instance(defn, {}, {"p": ["p"]}, 0))
    over = c.draft("push", {"items": tuple(range(20))}, "p")
    c.step("go", {"n": 1}, "p")
    cases.append(make_case(OPS, "apply_each", run_input(c, [over, *c.events]),
                           "an event one unit over its budget is refused and changes nothing;"
                           " the next event applies to the same state", ("FSM-52", "FSM-53"),
                           expect="valid"))
    cases.append(make_case(OPS, "run_costs", run_input(c, [over]),
                           "an event one unit over its budget", ("FSM-53",), expect="invalid"))
    return cases


def _definition_cases() -> list[Case]:
    cases: list[Case] = []
    for name in ("turnstile", "tictactoe"):
        s = example_script(name)
        cases.append(make_case(OPS, "static_bounds",
                               {"definition": encode_definition(s.machine.definition).hex()},
                               f"{name}: the static bound of every (state, event) pair",
                               ("FSM-51", "EXPR-57"), expect="valid"))
    under = load_definition(budget_yaml(300))
    cases.append(make_case(OPS, "static_bounds", {"definition": encode_definition(under).hex()},
                           "a bound just under the global maximum", ("FSM-51",),
                           expect="valid"))
    from chipstack.fsm.loader import definition_from_yaml

    over = definition_from_yaml(budget_yaml(330))
    cases.append(make_case(OPS, "static_bounds", {"definition": encode_definition(over).hex()},
                           "a worst event that could cost more than the global maximum",
                           ("FSM-51",), expect="invalid"))
    from dataclasses import replace

    loose = replace(under, budget=d.MAX_EVENT_BUDGET + 1)
    cases.append(make_case(OPS, "static_bounds", {"definition": encode_definition(loose).hex()},
                           "a budget over the global maximum", ("FSM-50",), expect="invalid"))
    low = replace(under, budget=5000)
    cases.append(make_case(OPS, "static_bounds", {"definition": encode_definition(low).hex()},
                           "a budget below the bound is legal: events are metered",
                           ("FSM-50", "FSM-53"), expect="valid"))
    return cases


#: The operations of ``fsm/costs``: name -> adapter.
OPS = {
    "evaluate_cost": op_evaluate_cost,
    "run_costs": op_run_costs,
    "apply_each": op_apply_each,
    "static_bounds": op_static_bounds,
}

#: The ``fsm/costs`` suite.
SUITE = Suite(
    name="fsm/costs",
    description="Cost units: expressions, events of the example machines, budgets, static"
    f" bounds. {KEYS_NOTE}",
    notes=FLAGS,
    shared={"run_costs": ("definition",), "apply_each": ("definition",)},
    reason_flags=REASON_FLAGS,
    valid_flag="budget",
    operations=OPS,
    build_cases=lambda: _expression_cases() + _event_cases() + _definition_cases(),
)
