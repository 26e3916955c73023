"""FSM and expression cases that pin the order of checks and the choices of issue 8.

spec/03-fsm.md: the order inside FSM-1's phases, FSM-23 (weak keys and
small-order ``R`` are ``fsm.bad_signature``), FSM-31 (the signature last),
EXPR-4 (depth before an unknown tag), EXPR-6 (hex in either case), EXPR-13 (a
long name is ``encoding.over_length`` in the tree encoding) and EXPR-24 (the
canonical text). Each suite's ``build_cases`` appends these after its own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from chipstack.crypto import Tag, tagged_hash
from chipstack.encoding import Writer
from chipstack.fsm.codec import encode_definition
from chipstack.fsm.event import Event
from chipstack.fsm.scenario import Script, key
from chipstack.testvectors.fsm.common import TURNSTILE, edit, turnstile_script
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
    _phase_pins(p)
    return p.cases


def _phase_pins(p: Pins) -> None:
    """FSM-1: the order of the phases, and more of the order inside structure and references."""
    library = ("version: 1\n", "version: 1\nlibrary: poker/1\n")
    to_nowhere = (
        "  - {from: locked, on: push, to: locked}",
        "  - {from: locked, on: push, to: nowhere}",
    )
    lost = ("states: [locked, unlocked, closed]", "states: [locked, unlocked, closed, lost]")
    for edits, comment, covers, flag, why in [
        (
            [library, ('roles: [operator, "riders[0..3]"]', 'roles: [Operator, "riders[0..3]"]')],
            "another library and a role named Operator: structure before library",
            ["FSM-1", "FSM-10"],
            "bad_name",
            "fsm.def_bad_name",
        ),
        (
            [library, to_nowhere],
            "another library and a transition to an undeclared state: library before references",
            ["FSM-1", "FSM-10"],
            "unknown_name",
            "fsm.def_unknown_library",
        ),
        (
            [to_nowhere, ("  passes: {type: int, init: 0}", "  passes: {type: int, init: true}")],
            "a transition to an undeclared state and an ill-typed initial value: references "
            "before types",
            ["FSM-1", "FSM-4"],
            "unknown_name",
            "fsm.def_unknown_state",
        ),
        (
            [lost, ("    guard: args.amount >= params.fare", "    guard: args.amount")],
            "an unreachable state and a guard of type int: types before graph",
            ["FSM-1", "FSM-11"],
            "ill_typed",
            "fsm.def_ill_typed",
        ),
        (
            [lost, ("  - {from: locked, on: close, to: closed}",
                    "  - {from: locked, on: close, to: closed}\n"
                    "  - {from: locked, on: close, to: unlocked}")],
            "an unreachable state and two unguarded transitions on one event: graph before "
            "determinism",
            ["FSM-1", "FSM-13"],
            "graph",
            "fsm.def_unreachable_state",
        ),
        (
            [("  push:\n    signers: [riders]", "  push:\n    signers: [drivers]"), to_nowhere],
            "push signed by an undeclared role and a transition to an undeclared state: "
            "signers before transitions",
            ["FSM-1", "FSM-5"],
            "unknown_name",
            "fsm.def_unknown_role",
        ),
        (
            [to_nowhere, ("fire: relock}", "fire: vanish}")],
            "a transition to an undeclared state and a timeout firing an undeclared event: "
            "transitions before timeouts",
            ["FSM-1", "FSM-6"],
            "unknown_name",
            "fsm.def_unknown_state",
        ),
        (
            [('roles: [operator, "riders[0..3]"]', 'roles: [operator, "riders[0..99]"]'),
             ("  passes: {type: int, init: 0}", "  Passes: {type: int, init: 0}")],
            "a role of 100 members and a variable named Passes: every name before role sizes",
            ["FSM-1", "FSM-3"],
            "bad_name",
            "fsm.def_bad_name",
        ),
    ]:
        text = TURNSTILE
        for old, new in edits:
            text = edit(old, new, text)
        p.add("load_definition", {"yaml": text}, comment, covers, [TWO_FAULTS, flag], why)


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
    non_canonical = bytes([0xED]) + bytes([0xFF] * 30) + bytes([0x7F])  # y = p
    for weak_key, what in [(IDENTITY_POINT, "the identity point"), (non_canonical, "y = p")]:
        riders = replace(inst.roles[1], keys=(*inst.roles[1].keys[:1], weak_key))
        p.add(
            "run_events",
            {**run([]), "instance": replace(inst, roles=(inst.roles[0], riders)).encode().hex()},
            f"an instance binding a weak key ({what}) to the riders role",
            ["FSM-18", "SIG-6"],
            ["weak_key"],
            "fsm.bad_binding",
        )
    _apply_order_pins(p, s, run)
    return p.cases


def _apply_order_pins(
    p: Pins, s: Script, run: Callable[[list[Event]], dict[str, object]]
) -> None:
    """The order of apply_event's checks (FSM-24 .. FSM-30), one pair of faults each."""
    for event, comment, covers, flag, why in [
        (
            s.draft("push", {}, "rider0", 1, instance_id=bytes(32), seq=5),
            "another instance and seq 5 for 2: the instance first",
            ["FSM-24", "FSM-26"],
            "context",
            "fsm.wrong_instance",
        ),
        (
            s.draft("push", {}, "rider0", 1, seq=5, prev_hash=bytes(32)),
            "seq 5 for 2 and a stale previous state: the seq first",
            ["FSM-26", "FSM-27"],
            "replay",
            "fsm.wrong_seq",
        ),
        (
            s.draft("push", {}, "rider0", -1, prev_hash=bytes(32)),
            "a stale previous state and a time before the state's: the state hash first",
            ["FSM-27", "FSM-28"],
            "replay",
            "fsm.stale_state",
        ),
        (
            s.draft("close", {"amount": 1}, "operator", 1),
            "close with an argument it does not take, in a state without a close "
            "transition: the arguments first",
            ["FSM-29", "FSM-30"],
            "bad_arguments",
            "fsm.bad_arguments",
        ),
    ]:
        p.add("run_events", run([*s.events, event]), comment, covers, [TWO_FAULTS, flag], why)


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
        ("a if (b if c else d) else e", "a conditional as the condition is wrapped"),
        ("(a or b) if c else d", "an or as the then branch is not wrapped (level 2)"),
        ("not (not a)", "not of not is not wrapped"),
        ("(-5) * 2", "a negative literal binds tighter than *"),
    ]:
        p.add("parse", {"text": text}, f"canonical text: {why}", ["EXPR-24"], ["normal"], "valid")
    return p.cases


def equivocation_pins(ops: Ops) -> list[Case]:
    """FSM-36's order: slot, signer, id order, and only then the signatures."""
    p = Pins(ops)
    s = turnstile_script()
    s.step("coin", {"amount": 25}, "rider0", 3)
    a = s.draft("push", {}, "rider0", 2)
    b = s.draft("coin", {"amount": 40}, "rider0", 2)
    rider1 = s.draft("push", {}, "rider1", 2, seq=3)
    other = s.draft("push", {}, "rider1", 2)

    def raw(x: Event, y: Event, ordered: bool = True) -> dict[str, object]:
        if ordered:
            x, y = sorted((x, y), key=lambda e: e.id)
        w = Writer().u8(1).var_bytes(x.encode()).var_bytes(y.encode())
        return {"evidence": w.getvalue().hex()}

    def forge(e: Event) -> Event:
        return replace(e, signature=bytes(64))

    low, high = sorted((a, b), key=lambda e: e.id)
    for evidence, comment, why in [
        (
            raw(a, rider1),
            "another seq and another signer: the slot first",
            "fsm.equivocation_different_slot",
        ),
        (
            raw(forge(a), forge(other)),
            "two signers, both signatures forged: the signer before any signature",
            "fsm.equivocation_different_signer",
        ),
        (
            raw(high, forge(low), ordered=False),
            "a true pair in the wrong order, the second event's signature forged: the id "
            "order before the signatures",
            "fsm.equivocation_not_canonical",
        ),
    ]:
        p.add(
            "verify_evidence",
            evidence,
            comment,
            ["FSM-36", "FSM-35"] if why.endswith("canonical") else ["FSM-36"],
            [TWO_FAULTS, "non_canonical" if why.endswith("canonical") else "not_equivocation"],
            why,
        )
    return p.cases
