"""The ``fsm/events`` vector suite (spec/03-fsm.md): event sequences with every intermediate
state hash; invalid events and instances with reasons. Keys are
``PrivateKey.from_label("chipstack/fsm/" + name)``."""

from __future__ import annotations

from dataclasses import replace

from chipstack.encoding import from_hex
from chipstack.errors import Rejected
from chipstack.fsm import definition as d
from chipstack.fsm.codec import encode_definition
from chipstack.fsm.event import Arg, Event, decode_event
from chipstack.fsm.expr import BYTES, value_to_json
from chipstack.fsm.instance import Binding, ParamValue
from chipstack.fsm.loader import load_definition
from chipstack.fsm.machines import load_machine
from chipstack.fsm.scenario import Script, key, make_instance
from chipstack.fsm.state import State
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.testvectors.fsm import pins
from chipstack.testvectors.fsm.common import (
    KEYS_NOTE,
    edit,
    run_input,
    start_machine,
    turnstile_script,
)
from chipstack.vectors.model import Case, CaseTable, JSONObject, Suite, make_case


def _state_json(defn: d.Definition, s: State) -> JSONObject:
    return {
        "name": s.name,
        "seq": s.seq,
        "time": s.time,
        "variables": {
            v.name: value_to_json(val, v.type)
            for v, val in zip(defn.variables, s.values, strict=True)
        },
        "encoding": s.encode(defn).hex(),
        "hash": s.hash(defn).hex(),
    }


def op_run_events(case_input: JSONObject) -> JSONObject:
    """Create the instance and apply the events in order; return every state or reject."""
    m = start_machine(case_input)
    defn, inst = m.definition, m.instance
    initial = _state_json(defn, m.state)
    steps: list[JSONObject] = []
    for hex_event in case_input["events"]:
        ev = decode_event(from_hex(hex_event))
        out = m.apply(ev)
        step = _state_json(defn, out.state)
        step["event_id"] = ev.id.hex()
        step["via_timeout"] = out.via_timeout
        steps.append(step)
    return {
        "instance_id": inst.id.hex(),
        "initial": initial,
        "steps": steps,
    }


def op_apply_each(case_input: JSONObject) -> JSONObject:
    """Apply events one by one, recording rejections; a rejected event changes nothing ([REJ-2]).

    Each step is either the new state hash, or the rejection reason together with
    the state hash that is still current. Later events apply to that unchanged
    state, so an implementation that alters state while rejecting diverges.
    """
    m = start_machine(case_input)
    steps: list[JSONObject] = []
    for hex_event in case_input["events"]:
        try:
            m.apply(decode_event(from_hex(hex_event)))
        except Rejected as exc:
            steps.append({"rejected": exc.reason.value, "hash": m.state_hash.hex()})
            continue
        steps.append({"state": m.state.name, "hash": m.state_hash.hex()})
    return {"steps": steps, "final": _state_json(m.definition, m.state)}



class _Cases(CaseTable):
    """The case table of ``fsm/events``, with lines for whole ``run_events`` scripts."""

    def __init__(self) -> None:
        super().__init__(OPS)

    def run_valid(self, s: Script, comment: str, covers: tuple[str, ...]) -> None:
        """Add a case running every event of ``s``, which the reference must accept."""
        self.valid("run_events", run_input(s, s.events), comment, covers)

    def run_invalid(self, s: Script, bad: Event, comment: str, covers: tuple[str, ...]) -> None:
        """Add a case running the events of ``s`` then ``bad``, which must be refused."""
        self.invalid("run_events", run_input(s, [*s.events, bad]), comment, covers)


def _turnstile_cases(c: _Cases) -> None:
    """The turnstile: a full run, truncations, and every way one event is refused."""
    # turnstile: a full valid run, including a timeout fired by a stranger
    s = turnstile_script()
    c.run_valid(
        s,
        "turnstile: instance creation and its initial state",
        ("FSM-16", "FSM-17", "FSM-19"),
    )
    s.step("coin", {"amount": 25}, "rider0", 3)
    s.step("push", {}, "rider0", 2)
    s.step("coin", {"amount": 30}, "rider1", 10)
    s.step("coin", {"amount": 5}, "rider0", 1)
    s.step("relock", {}, "stranger", 30)
    s.step("coin", {"amount": 25}, "rider1", 100)
    s.step("push", {}, "rider1", 1)
    s.step("close", {}, "operator", 1)
    c.run_valid(
        s,
        "turnstile: coins, pushes, a timeout fired by anyone exactly at the deadline, close",
        ("FSM-20", "FSM-31", "FSM-32"),
    )
    run = run_input(s, s.events)
    c.cases.append(
        make_case(
            OPS,
            "run_events",
            {**run, "instance": run["instance"][:-2]},
            "truncated instance encoding",
            ("FSM-16",),
            expect="invalid",
        )
    )
    c.cases.append(
        make_case(
            OPS,
            "run_events",
            {**run, "events": [*run["events"][:2], run["events"][2][:-2]]},
            "truncated event encoding (its signature is cut)",
            ("FSM-21",),
            expect="invalid",
        )
    )
    zero = load_definition(
        edit("passes: {type: int, init: 0}", "passes: {type: int, init: 100 / params.fare}")
    )
    zinst = make_instance(zero, {"fare": 0}, {"operator": ["operator"], "riders": ["rider0"]}, 5)
    c.cases.append(
        make_case(
            OPS,
            "run_events",
            {
                "definition": encode_definition(zero).hex(),
                "instance": zinst.encode().hex(),
                "events": [],
            },
            "an initial value divides by a zero parameter: the instance is refused",
            ("FSM-19",),
            expect="invalid",
        )
    )

    s = turnstile_script()
    s.step("coin", {"amount": 25}, "rider0", 3)
    c.run_invalid(
        s, s.draft("push", {}, "operator"), "wrong signer: the operator may not push", ("FSM-31",)
    )
    c.run_invalid(s, s.draft("push", {}, "rider0", seq=3), "wrong seq (skips one)", ("FSM-26",))
    c.run_invalid(
        s, s.draft("push", {}, "rider0", seq=1), "wrong seq (replays the last)", ("FSM-26",)
    )
    c.run_invalid(
        s,
        s.draft("push", {}, "rider0", prev_hash=s.machine.hashes[0]),
        "stale previous state hash",
        ("FSM-27",),
    )
    c.run_invalid(
        s, s.draft("push", {}, "rider0", dt=-1), "event time before the last event", ("FSM-28",)
    )
    c.run_invalid(
        s,
        s.draft("push", {}, "rider0", instance_id=bytes(32)),
        "event for another instance",
        ("FSM-17", "FSM-24"),
    )
    c.run_invalid(
        s,
        s.draft("relock", {}, "stranger", dt=29),
        "timeout event one second before the deadline",
        ("FSM-31",),
    )
    c.run_invalid(
        s,
        s.draft("push", {}, "rider0", dt=30),
        "ordinary event at the deadline: the state has expired",
        ("FSM-31",),
    )
    c.run_invalid(s, s.draft("kick", {}, "rider0"), "undeclared event", ("FSM-29",))
    c.run_invalid(s, s.draft("coin", {}, "rider0"), "missing argument", ("FSM-29",))
    wrong_type = s.draft("coin", {"amount": 1}, "rider0")
    wrong_type = replace(wrong_type, args=(Arg("amount", BYTES, b"\x01"),))
    c.run_invalid(
        s, wrong_type, "argument of the wrong type (and so a bad signature too)", ("FSM-29",)
    )
    good = s.draft("push", {}, "rider0")
    tampered = replace(good, time=good.time + 1)
    c.run_invalid(s, tampered, "event changed after signing", ("FSM-22", "FSM-23"))
    c.run_invalid(
        s,
        replace(good, signer=s.draft("push", {}, "rider1").signer),
        "signer field swapped for another rider: signature no longer verifies",
        ("FSM-23",),
    )

    s = turnstile_script()
    c.run_invalid(
        s,
        s.draft("coin", {"amount": 24}, "rider0"),
        "guard false: coin below the fare",
        ("FSM-32",),
    )
    c.run_invalid(
        s, s.draft("relock", {}, "stranger"), "no transition on relock from locked", ("FSM-30",)
    )
    s.step("coin", {"amount": 25}, "rider0")
    c.run_invalid(
        s,
        s.draft("coin", {"amount": 2**63 - 1}, "rider0"),
        "effect overflows int: evaluation failure rejects the event",
        ("FSM-33",),
    )
    s = turnstile_script()
    s.step("close", {}, "operator")
    c.run_invalid(
        s, s.draft("coin", {"amount": 25}, "rider0"), "event after a final state", ("FSM-25",)
    )


def _instance_cases(c: _Cases) -> None:
    """Instances that do not fit their definition."""
    # instances that do not fit their definition
    defn = load_machine("turnstile")
    base = make_instance(defn, {"fare": 25}, {"operator": ["operator"], "riders": ["rider0"]}, 7)
    bad_instances = [
        (replace(base, roles=base.roles[:1]), "role riders not bound", ("FSM-18",)),
        (
            replace(
                base,
                roles=(
                    base.roles[0],
                    Binding("riders", tuple(key(f"r{i}").public_key.raw for i in range(5))),
                ),
            ),
            "five keys for a four-member role",
            ("FSM-18",),
        ),
        (
            replace(base, roles=(Binding("operator", base.roles[0].keys * 2), base.roles[1])),
            "two keys for a single role",
            ("FSM-18",),
        ),
        (
            replace(base, params=(ParamValue("fare", BYTES, b"\x19"),)),
            "parameter of the wrong type",
            ("FSM-18",),
        ),
        (replace(base, params=()), "missing parameter", ("FSM-18",)),
        (
            replace(base, definition_id=bytes(32)),
            "instance of another definition",
            ("FSM-9", "FSM-18"),
        ),
    ]
    for inst, comment, covers in bad_instances:
        c.cases.append(
            make_case(
                OPS,
                "run_events",
                {
                    "definition": encode_definition(defn).hex(),
                    "instance": inst.encode().hex(),
                    "events": [],
                },
                comment,
                covers,
                expect="invalid",
            )
        )


def _escrow_cases(c: _Cases) -> None:
    """The escrow machine: release, refund, and the refund timeout."""
    # escrow: release, refund, and the refund timeout
    edefn = load_machine("escrow")

    def escrow() -> Script:
        return Script(
            edefn,
            make_instance(edefn, {"price": 500}, {"buyer": ["buyer"], "seller": ["seller"]}, 1_000),
        )

    s = escrow()
    s.step("deposit", {"amount": 500}, "buyer", 60)
    s.step("release", {}, "buyer", 3600)
    c.run_valid(s, "escrow: deposit then release to the seller", ("FSM-24", "FSM-33"))
    s = escrow()
    s.step("deposit", {"amount": 500}, "buyer", 60)
    s.step("expire", {}, "seller", 7 * 86400)
    c.run_valid(s, "escrow: nobody acts for 7 days, the refund timeout fires", ("FSM-31",))
    s = escrow()
    s.step("deposit", {"amount": 500}, "buyer", 60)
    c.run_invalid(
        s,
        s.draft("expire", {}, "buyer", dt=7 * 86400 - 1),
        "refund timeout not yet due",
        ("FSM-31",),
    )
    c.run_invalid(
        s, s.draft("release", {}, "buyer", dt=7 * 86400), "release after the deadline", ("FSM-31",)
    )
    c.run_invalid(s, s.draft("release", {}, "seller"), "the seller may not release", ("FSM-31",))
    s = escrow()
    c.run_invalid(
        s,
        s.draft("deposit", {"amount": 499}, "buyer"),
        "deposit differs from the price",
        ("FSM-32",),
    )
    s.step("cancel", {}, "seller", 5)
    c.run_valid(s, "escrow: the seller cancels before any deposit", ("FSM-31",))


def _tictactoe_cases(c: _Cases) -> None:
    """Tic-tac-toe: a whole game won by X, plus illegal moves."""
    # tic-tac-toe: a whole game won by X, plus illegal moves
    tdefn = load_machine("tictactoe")

    def ttt() -> Script:
        return Script(tdefn, make_instance(tdefn, {}, {"x": ["alice"], "o": ["bob"]}, 50))

    s = ttt()
    for player, cell in (
        ("alice", 4),
        ("bob", 0),
        ("alice", 2),
        ("bob", 6),
        ("alice", 3),
        ("bob", 5),
        ("alice", 1),
        ("bob", 7),
    ):
        s.step("move", {"cell": cell}, player, 20)
    c.run_invalid(
        s,
        s.draft("move", {"cell": 4}, "alice"),
        "tic-tac-toe: move on an occupied cell",
        ("FSM-32",),
    )
    c.run_invalid(
        s, s.draft("move", {"cell": 8}, "bob"), "tic-tac-toe: O moves out of turn", ("FSM-32",)
    )
    c.run_invalid(
        s, s.draft("move", {"cell": 9}, "alice"), "tic-tac-toe: cell out of the board", ("FSM-32",)
    )
    s.step("move", {"cell": 8}, "alice", 20)
    c.run_valid(s, "tic-tac-toe: nine moves ending in a draw", ("FSM-13", "FSM-32", "FSM-33"))
    s = ttt()
    for player, cell in (("alice", 0), ("bob", 3), ("alice", 1), ("bob", 4), ("alice", 2)):
        s.step("move", {"cell": cell}, player, 20)
    c.run_valid(s, "tic-tac-toe: X wins on the top row", ("FSM-32", "FSM-33"))
    s = ttt()
    s.step("move", {"cell": 4}, "alice", 20)
    s.step("forfeit", {}, "alice", 3600)
    c.run_valid(s, "tic-tac-toe: O lets the move clock run out", ("FSM-31",))


def _apply_each_cases(c: _Cases) -> None:
    """``apply_each``: rejected events between valid ones leave the state as it was ([REJ-2])."""
    # REJ-2: rejected events interleaved with valid ones; each rejection leaves the state as it was
    s = turnstile_script()
    s.step("coin", {"amount": 25}, "rider0", 3)
    mixed = [s.events[-1]]
    mixed.append(s.draft("push", {}, "operator"))  # wrong signer
    mixed.append(s.draft("push", {}, "rider0", seq=3))  # skips a sequence number
    s.step("push", {}, "rider0", 2)
    mixed.append(s.events[-1])
    mixed.append(s.draft("coin", {"amount": 25}, "rider1", prev_hash=s.machine.hashes[0]))
    s.step("coin", {"amount": 25}, "rider1", 4)
    mixed.append(s.events[-1])
    apply_input = {**run_input(s, []), "events": [e.encode().hex() for e in mixed]}
    c.cases.append(
        make_case(
            OPS,
            "apply_each",
            apply_input,
            "three rejected events between valid ones leave the state unchanged each time",
            ("REJ-2", "FSM-26", "FSM-31"),
            expect="valid",
        )
    )
    c.cases.append(
        make_case(
            OPS,
            "apply_each",
            {**apply_input, "instance": apply_input["instance"][:-2]},
            "a truncated instance is refused before any event is tried",
            ("REJ-2", "FSM-16"),
            expect="invalid",
        )
    )


def _event_cases() -> list[Case]:
    c = _Cases()
    for section in (
        _turnstile_cases,
        _instance_cases,
        _escrow_cases,
        _tictactoe_cases,
        _apply_each_cases,
    ):
        section(c)
    return c.cases


# ------------------------------------------------------------------ equivocation


#: The operations of ``fsm/events``: name -> adapter.
OPS = {"run_events": op_run_events, "apply_each": op_apply_each}

#: The ``fsm/events`` suite.
SUITE = Suite(
    name="fsm/events",
    description="Instances and event sequences with every intermediate state; invalid events. "
    f"{KEYS_NOTE}",
    notes=FLAGS,
    shared={"run_events": ("definition",), "apply_each": ("definition",)},
    reason_flags=REASON_FLAGS,
    operations=OPS,
    build_cases=lambda: _event_cases() + pins.event_pins(OPS),
)
