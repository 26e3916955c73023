"""The ``fsm/definitions`` vector suite (spec/03-fsm.md): YAML to canonical encoding and id,
invalid definitions with reasons, strict decoding."""

from __future__ import annotations

from dataclasses import replace

from chipstack.encoding import from_hex
from chipstack.errors import Reason, Rejected
from chipstack.fsm.codec import decode_definition, definition_id, encode_definition
from chipstack.fsm.loader import check_definition, load_definition
from chipstack.fsm.machines import load_machine, machine_text
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.testvectors.fsm import pins
from chipstack.testvectors.fsm.common import KEYS_NOTE, edit
from chipstack.vectors.model import Case, JSONObject, Suite, make_case


def op_load_definition(case_input: JSONObject) -> JSONObject:
    """Load and check a YAML definition; return its canonical encoding and id."""
    text = case_input["yaml"]
    if not isinstance(text, str):
        raise Rejected(Reason.VECTORS_BAD_INPUT, "yaml must be a string")
    defn = load_definition(text)
    return {"encoding": encode_definition(defn).hex(), "id": definition_id(defn).hex()}


def op_decode_definition(case_input: JSONObject) -> JSONObject:
    """Decode and check a definition encoding; return its id."""
    defn = decode_definition(from_hex(case_input["encoding"]))
    check_definition(defn)
    return {"id": definition_id(defn).hex(), "name": defn.name}



# ------------------------------------------------------------------ definitions



_BAD_DEFINITIONS: list[tuple[str, str, tuple[str, ...]]] = [
    (
        edit("to: unlocked\n    guard", "to: open\n    guard"),
        "transition to an undeclared state",
        ("FSM-6",),
    ),
    (edit("initial: locked", "initial: idle"), "initial state not declared", ("FSM-6",)),
    (
        edit("{from: locked, on: push, to: locked}", "{from: locked, on: kick, to: locked}"),
        "transition on an undeclared event",
        ("FSM-6",),
    ),
    (edit("signers: [operator]", "signers: [janitor]"), "signer role not declared", ("FSM-5",)),
    (
        edit("{set: passes, to:", "{set: fares, to:"),
        "effect sets an undeclared variable",
        ("FSM-6",),
    ),
    (
        edit(
            "{from: locked, on: close, to: closed}",
            "{from: locked, on: close, to: closed}\n  - {from: closed, on: push, to: locked}",
        ),
        "a transition leaves a final state",
        ("FSM-6",),
    ),
    (
        edit("states: [locked, unlocked, closed]", "states: [locked, unlocked, closed, broken]"),
        "a state no transition reaches",
        ("FSM-12",),
    ),
    (edit("finals: [closed]", "finals: []"), "a non-final state with no way out", ("FSM-12",)),
    (
        edit(
            "{from: locked, on: push, to: locked}",
            "{from: locked, on: push, to: locked}\n  - {from: locked, on: push, to: unlocked}",
        ),
        "two unguarded transitions on one event from one state",
        ("FSM-13",),
    ),
    (
        edit(
            "{from: locked, on: push, to: locked}",
            "{from: locked, on: push, to: locked, guard: vars.coins > 0}\n"
            "  - {from: locked, on: push, to: unlocked, guard: vars.coins > 1}",
        ),
        "guards that are not syntactically exclusive (g vs h)",
        ("FSM-13",),
    ),
    (
        edit("guard: args.amount >= params.fare", "guard: args.amount + params.fare"),
        "guard of type int",
        ("FSM-11",),
    ),
    (
        edit("{set: passes, to: vars.passes + 1}", "{set: passes, to: vars.passes > 1}"),
        "effect of type bool assigned to an int variable",
        ("FSM-11",),
    ),
    (
        edit("guard: args.amount >= params.fare", "guard: args.amount >= vars.fare"),
        "guard names an unknown variable",
        ("FSM-11",),
    ),
    (
        edit("coins: {type: int, init: 0}", 'coins: {type: int, init: "true"}'),
        "initial value of the wrong type",
        ("FSM-4", "FSM-11"),
    ),
    (
        edit("guard: args.amount >= params.fare", "guard: args.amount >= >= params.fare"),
        "guard that does not parse",
        ("FSM-11",),
    ),
    (
        edit("{in: unlocked, after: 30s, fire: relock}", "{in: closed, after: 30s, fire: relock}"),
        "timeout in a final state",
        ("FSM-7",),
    ),
    (
        edit("{in: unlocked, after: 30s, fire: relock}", "{in: unlocked, after: 0, fire: relock}"),
        "timeout after zero seconds",
        ("FSM-7",),
    ),
    (
        edit("{in: unlocked, after: 30s, fire: relock}", "{in: locked, after: 30s, fire: relock}"),
        "timeout fires an event with no transition from its state",
        ("FSM-7",),
    ),
    (
        edit(
            "{in: unlocked, after: 30s, fire: relock}",
            "{in: unlocked, after: 30s, fire: relock}\n"
            "  - {in: unlocked, after: 60s, fire: relock}",
        ),
        "two timeouts in one state",
        ("FSM-7",),
    ),
    (
        edit(
            "  passes: {type: int, init: 0}",
            "  passes: {type: int, init: 0}\n  coins: {type: int, init: 1}",
        ),
        "duplicate YAML key",
        ("FSM-14",),
    ),
    (
        edit("states: [locked, unlocked, closed]", "states: [locked, unlocked, closed, locked]"),
        "a state declared twice",
        ("FSM-2",),
    ),
    (
        edit("states: [locked, unlocked, closed]", "states: [Locked, locked, unlocked, closed]"),
        "state name with a capital letter",
        ("FSM-2",),
    ),
    (
        edit("passes: {type: int, init: 0}", "not: {type: int, init: 0}"),
        "variable named after an expression keyword",
        ("FSM-2",),
    ),
    (edit("initial: locked\n", ""), "no initial state", ("FSM-14",)),
    (
        edit("version: 1\n", "version: 1\nlibrary: poker/1\n"),
        "unknown built-in library",
        ("FSM-10",),
    ),
    (edit('"riders[0..3]"', '"riders[0..99]"'), "list role larger than 64 members", ("FSM-3",)),
]


def _definition_cases() -> list[Case]:
    ops = OPS
    cases = [
        make_case(
            ops,
            "load_definition",
            {"yaml": machine_text(name)},
            f"the shipped {name} machine",
            ("FSM-8", "FSM-9", "FSM-14"),
            expect="valid",
        )
        for name in ("turnstile", "escrow", "tictactoe")
    ]
    g_not_g = edit(
        "{from: locked, on: push, to: locked}",
        "{from: locked, on: push, to: locked, guard: vars.coins > 0 and params.fare > 0}\n"
        "  - {from: locked, on: push, to: unlocked, guard: not (vars.coins > 0)}",
    )
    cases.append(
        make_case(
            ops,
            "load_definition",
            {"yaml": g_not_g},
            "guards g and ... / not g are exclusive",
            ("FSM-13",),
            expect="valid",
        )
    )
    for text, comment, covers in _BAD_DEFINITIONS:
        cases.append(
            make_case(
                ops,
                "load_definition",
                {"yaml": text},
                comment,
                ("FSM-1", *covers),
                expect="invalid",
            )
        )
    good = encode_definition(load_machine("turnstile"))
    cases.append(
        make_case(
            ops,
            "decode_definition",
            {"encoding": good.hex()},
            "decode the turnstile encoding",
            ("FSM-8", "FSM-9"),
            expect="valid",
        )
    )
    cases.append(
        make_case(
            ops,
            "decode_definition",
            {"encoding": (good + b"\x00").hex()},
            "trailing byte after a definition",
            ("FSM-8",),
            expect="invalid",
        )
    )
    cases.append(
        make_case(
            ops,
            "decode_definition",
            {"encoding": good[:-1].hex()},
            "truncated definition",
            ("FSM-8",),
            expect="invalid",
        )
    )
    cases.append(
        make_case(
            ops,
            "decode_definition",
            {"encoding": (b"\x02" + good[1:]).hex()},
            "unknown definition encoding version",
            ("FSM-8",),
            expect="invalid",
        )
    )
    unreachable = replace(load_machine("turnstile"), states=("locked", "unlocked", "closed", "zz"))
    cases.append(
        make_case(
            ops,
            "decode_definition",
            {"encoding": encode_definition(unreachable).hex()},
            "well-formed bytes, but a state is unreachable: decoding checks too",
            ("FSM-1", "FSM-12"),
            expect="invalid",
        )
    )
    return cases


# ------------------------------------------------------------------ events


#: The operations of ``fsm/definitions``: name -> adapter.
OPS = {"load_definition": op_load_definition, "decode_definition": op_decode_definition}

#: The ``fsm/definitions`` suite.
SUITE = Suite(
    name="fsm/definitions",
    description="Machine definitions: YAML to canonical encoding and id; invalid definitions. "
    f"{KEYS_NOTE}",
    notes=FLAGS,
    reason_flags=REASON_FLAGS,
    operations=OPS,
    build_cases=lambda: _definition_cases() + pins.definition_pins(OPS),
)
