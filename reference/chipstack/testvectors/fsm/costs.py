"""The ``fsm/costs`` vector suite (spec/03-fsm.md EXPR-50 .. EXPR-57, FSM-50 .. FSM-53).

What evaluating an expression costs and its static bound; the exact cost of
every event of the example machines; an event refused for its budget with
the state left as it was; the static bound of every (state, event) pair of a
definition, and definitions refused for their budget or their bound. Trees,
definitions, instances and events travel as hex of their canonical
encodings, so no YAML or expression parser is needed to run the suite.
"""

from __future__ import annotations

from typing import Literal

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
from chipstack.fsm.instance import initial_state
from chipstack.fsm.loader import load_definition
from chipstack.fsm.scenario import Script, example_script, make_instance
from chipstack.fsm.synthetic import budget_yaml
from chipstack.fsm.validity import check_definition, static_bounds, static_creation_bound
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
    """Create the initial state, then apply the events in order; return what creation cost
    ([FSM-54]) and each event's cost and new state hash, or refuse."""
    m = start_machine(case_input)
    meter = Meter(m.definition.budget)
    initial_state(m.definition, m.instance, DEFAULT_LIBRARY, meter)
    steps: list[JSONObject] = []
    for hex_event in case_input["events"]:
        out = m.apply(decode_event(from_hex(hex_event)))
        steps.append({"cost": out.cost, "hash": out.state_hash.hex()})
    return {"creation": meter.spent, "steps": steps}


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
        "creation": static_creation_bound(defn),
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
    ("true or sum(xs) > 0", {"xs": ("list[int]", tuple(range(100)))},
     "a decided or: the right operand costs nothing", ("EXPR-51", "EXPR-55")),
    ("sum(xs) if b else 1", {"b": ("bool", True), "xs": ("list[int]", tuple(range(100)))},
     "a conditional that takes its first branch pays for it only", ("EXPR-51", "EXPR-55")),
    ("-(i) * 2 + xs[1] / 3 % 7 - -i", {"i": ("int", 5), "xs": ("list[int]", (1, 20))},
     "unary, arithmetic and index nodes cost NODE only", ("EXPR-51", "EXPR-52")),
    ("s < t", {"s": ("bytes", bytes(130)), "t": ("bytes", bytes(700))},
     "< on bytes pays the smaller weight", ("EXPR-50", "EXPR-52")),
    ("big == [:list[list[bool]]]",
     {"big": ("list[list[list[bool]]]", tuple(tuple(() for _ in range(100)) for _ in range(3)))},
     "== of a heavy list and an empty one pays the empty one's weight, 1", ("EXPR-52",)),
    ("[min(xs), max(1, 2, 3), abs(0 - 5), count(xs, 1), index_of(xs, 3), len(xs)]",
     {"xs": ("list[int]", (1, 2, 3, 1))},
     "min, max (list and arguments), abs, count, index_of, len: each at its rule",
     ("EXPR-53", "EXPR-54")),
    ("[contains(ys, x\"00\"), all(bs), any(bs)]",
     {"ys": ("list[bytes]", (bytes(64), b"\x00")), "bs": ("list[bool]", (True, False))},
     "contains, all, any: CALL plus the arguments' weights", ("EXPR-53", "EXPR-54")),
    ("[slice(xs, 1, 3), set(xs, 0, 9), append(xs, 4)]", {"xs": ("list[int]", (1, 2, 3, 1))},
     "slice, set, append: CALL plus the arguments' weights", ("EXPR-53", "EXPR-54")),
    ("len(repeat(xs, 0)) + len(repeat(ys, 2))",
     {"xs": ("list[int]", tuple(range(50))), "ys": ("list[list[int]]", ((1, 2), (3,)))},
     "repeat of count 0 pays CALL only; of nested lists, count times the weight",
     ("EXPR-54",)),
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
    # repeat(xs, 1024) with xs of 64 ints (weight 65): 4 nodes (24), then CALL + the cap
    # 65537 = 65565 units, within 66000: the result is over the size limit. Charging
    # 1024 * 65 = 66560 uncapped would be over the budget instead.
    wide: dict[str, tuple[str, Value]] = {"xs": ("list[int]", tuple(range(64)))}
    cases.append(make_case(OPS, "evaluate_cost", _expr_input("len(repeat(xs, 1024))", wide,
                                                             66000),
                           "repeat's charge is capped at 65537: the size limit then refuses",
                           ("EXPR-3", "EXPR-54", "EXPR-56"), expect="invalid"))
    # nine copies of a list of 1024 ints: 10 nodes (60) then the items' weights 9 * 1025,
    # 9285 in all, charged before the literal's size (over 65536 bytes) is checked
    many = "[" + ", ".join(["xs"] * 9) + "]"
    long: dict[str, tuple[str, Value]] = {"xs": ("list[int]", tuple(range(1024)))}
    cases.append(make_case(OPS, "evaluate_cost", _expr_input(many, long, 9284),
                           "a list literal's charge comes before its size check: over budget"
                           " wins", ("EXPR-52", "EXPR-56"), expect="invalid"))
    cases.append(make_case(OPS, "evaluate_cost", _expr_input(many, long, 9285),
                           "the same literal paid for: the size limit refuses it",
                           ("EXPR-3", "EXPR-52"), expect="invalid"))
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
    # creating counter: init x = 0 is 6 + weight 1; xs = [1, 2] is 3 nodes (18) + items'
    # weights 2, then weight 3; then the state's weight 1 + 3: 34 units in all
    fits: tuple[tuple[int, Literal["valid", "invalid"], str], ...] = (
        (34, "valid", "exactly"), (33, "invalid", "one unit short of"))
    for budget, expect, what in fits:
        small = load_definition(COUNTER.replace("budget: 1584", f"budget: {budget}"))
        inst = make_instance(small, {}, {"p": ["p"]}, 0)
        case_input: JSONObject = {"definition": encode_definition(small).hex(),
                                  "instance": inst.encode().hex(), "events": []}
        cases.append(make_case(OPS, "run_costs", case_input,
                               f"creating an instance costs 34 units; a budget {what} that",
                               ("FSM-54",), expect=expect))
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
