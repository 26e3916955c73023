"""FSM and expression cases that pin the order of checks and the choices of issue 8.

spec/03-fsm.md: the order inside FSM-1's phases, FSM-23 (weak keys and
small-order ``R`` are ``fsm.bad_signature``), FSM-31 (the signature last),
EXPR-4 (depth before an unknown tag), EXPR-6 (hex in either case), EXPR-13 (a
long name is ``encoding.over_length`` in the tree encoding) and EXPR-24 (the
canonical text). Each suite's ``build_cases`` appends these after its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from chipstack.crypto import Tag, tagged_hash
from chipstack.fsm.codec import encode_definition
from chipstack.fsm.event import Event
from chipstack.fsm.scenario import key
from chipstack.testvectors.fsm.common import edit, turnstile_script
from chipstack.testvectors.pins import IDENTITY_POINT, TWO_FAULTS, Pins, identity_r_signature
from chipstack.vectors.model import Case, Operation

Ops = Mapping[str, Operation]


def definition_pins(ops: Ops) -> list[Case]:
    """FSM-1: the order of the checks inside the structure, references and graph phases."""
    p = Pins(ops)
    p.add(
        "load_definition",
        {
            "yaml": edit(
                "  passes: {type: int, init: 0}",
                "  Passes: {type: int, init: 0}",
                edit(
                    'roles: [operator, "riders[0..3]"]',
                    'roles: [operator, operator, "riders[0..3]"]',
                ),
            )
        },
        "a role declared twice and a variable named Passes: roles are checked before variables",
        ["FSM-1", "FSM-2"],
        [TWO_FAULTS, "duplicate"],
        "fsm.def_duplicate_name",
    )
    p.add(
        "load_definition",
        {
            "yaml": edit(
                "  - {from: locked, on: push, to: locked}",
                "  - {from: locked, on: shove, to: open}",
            )
        },
        "a transition whose to and on are both undeclared: to before on",
        ["FSM-1", "FSM-6"],
        [TWO_FAULTS, "unknown_name"],
        "fsm.def_unknown_state",
    )
    p.add(
        "load_definition",
        {
            "yaml": edit(
                "  - {from: locked, on: close, to: closed}",
                "  - {from: locked, on: close, to: closed}\n"
                "  - from: closed\n    on: push\n    to: closed\n    effects:\n"
                "      - {set: tally, to: 1}",
            )
        },
        "a transition from a final state that sets an undeclared variable: the exit first",
        ["FSM-1", "FSM-6"],
        [TWO_FAULTS, "graph"],
        "fsm.def_final_has_exit",
    )
    p.add(
        "load_definition",
        {
            "yaml": edit(
                "  - {from: locked, on: push, to: locked}",
                "  - {from: locked, on: push, to: stuck}",
                edit(
                    "states: [locked, unlocked, closed]",
                    "states: [locked, stuck, unlocked, closed, lost]",
                ),
            )
        },
        "a dead end (stuck) declared before an unreachable state (lost): reachability first",
        ["FSM-1", "FSM-12"],
        [TWO_FAULTS, "graph"],
        "fsm.def_unreachable_state",
    )
    return p.cases


def event_pins(ops: Ops) -> list[Case]:
    """FSM-23: a weak signer key or a small-order R is fsm.bad_signature; FSM-31's order."""
    p = Pins(ops)
    s = turnstile_script()
    s.step("coin", {"amount": 25}, "rider0", 3)
    defn, inst = s.machine.definition, s.machine.instance

    def run(events: list[Event]) -> dict[str, object]:
        return {
            "definition": encode_definition(defn).hex(),
            "instance": inst.encode().hex(),
            "events": [e.encode().hex() for e in events],
        }

    late = s.draft("relock", {}, "stranger", 30)
    weak = replace(late, signer=IDENTITY_POINT, signature=IDENTITY_POINT + bytes(32))
    p.add(
        "apply_each",
        run([*s.events, weak]),
        "relock on the timeout path by the identity point, R = identity and S = 0 (RFC 8032 "
        "alone accepts it): refused, nothing changes",
        ["FSM-23", "SIG-6"],
        ["weak_key"],
        "valid",
    )
    coin = s.draft("coin", {"amount": 5}, "rider1", 1)
    rider1 = key("rider1")
    digest = tagged_hash(Tag.FSM_EVENT, coin.body())
    owned = replace(coin, signature=identity_r_signature(rider1.seed, coin.signer, digest))
    p.add(
        "apply_each",
        run([*s.events, owned]),
        "a bound rider's event signed with R = identity by the key's owner: refused, nothing "
        "changes",
        ["FSM-23", "SIG-7"],
        ["small_order_r"],
        "valid",
    )
    stranger = replace(s.draft("coin", {"amount": 5}, "stranger", 1), signature=bytes(64))
    p.add(
        "run_events",
        run([*s.events, stranger]),
        "an unbound signer and a bad signature: authorisation before the signature",
        ["FSM-31", "FSM-23"],
        [TWO_FAULTS, "unauthorized"],
        "fsm.unauthorized_signer",
    )
    return p.cases


def expr_pins(ops: Ops) -> list[Case]:
    """EXPR-4, EXPR-6, EXPR-13 and EXPR-24."""
    p = Pins(ops)
    p.add(
        "type_decode",
        {"encoded": "040404ff"},
        "three list tags then an unknown tag: the tag is reported",
        ["EXPR-4"],
        [TWO_FAULTS, "unknown_type"],
        "fsm.expr_unknown_type",
    )
    p.add(
        "type_decode",
        {"encoded": "04040404ff"},
        "a fourth list tag is too deep at once, before the unknown tag after it",
        ["EXPR-4"],
        [TWO_FAULTS, "limit"],
        "fsm.expr_limit",
    )
    p.add(
        "decode",
        {"expr": "0441" + "61" * 65},
        "a name node 65 bytes long: its length is refused before the name is read",
        ["EXPR-13", "ENC-4"],
        ["over_length"],
        "encoding.over_length",
    )
    p.add(
        "decode",
        {"expr": "0441" + "2d" * 65},
        "a name 65 bytes long of characters no name may hold: the length first",
        ["EXPR-13", "EXPR-9"],
        [TWO_FAULTS, "over_length"],
        "encoding.over_length",
    )
    p.add(
        "parse",
        {"text": "a" * 65},
        "a name token of 65 characters (the parser has no length prefix)",
        ["EXPR-9", "EXPR-13"],
        ["bad_name"],
        "fsm.expr_bad_name",
    )
    p.add(
        "evaluate",
        {"expr": "040178", "env": {"x": {"type": "bytes", "value": "zz"}}},
        "x -- bytes text that is not hex",
        ["EXPR-6", "ENC-13"],
        ["bad_hex"],
        "encoding.bad_hex",
    )
    for text, why in [
        ("a - (b - c)", "operators group to the left: the right operand is wrapped"),
        ("(a < b) == c", "comparisons do not chain: the left operand is wrapped"),
        ("-(5)", "negation of a literal: -5 would read back as the literal"),
        ("--5", "negation of the literal -5"),
        ("(-5)[0]", "a negative literal indexed"),
        ('x"AB"', "bytes print in lower case"),
        ("(a if c else b) if d else e", "a conditional as the then branch is wrapped"),
        ("a if c else (b if d else e)", "the else branch is not wrapped"),
        ("not (a and b)", "not binds tighter than and"),
        ("-x[0]", "index binds tighter than negation"),
        ("f( )", "a call without arguments"),
        ("[1,2 , 3]", "one space after each comma, none before"),
    ]:
        p.add("parse", {"text": text}, f"canonical text: {why}", ["EXPR-24"], ["normal"], "valid")
    return p.cases
