"""The ``fsm/equivocation`` vector suite (spec/03-fsm.md): evidence valid and invalid."""

from __future__ import annotations

from dataclasses import replace

from chipstack.encoding import Writer, from_hex
from chipstack.fsm.equivocation import Equivocation, decode_evidence, verify_evidence
from chipstack.fsm.event import Event
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.testvectors.fsm.common import KEYS_NOTE, turnstile_script
from chipstack.testvectors.fsm.pins import equivocation_pins
from chipstack.vectors.model import Case, JSONObject, Suite, make_case


def op_verify_evidence(case_input: JSONObject) -> JSONObject:
    """Decode and verify equivocation evidence; return its id and what it proves."""
    ev = decode_evidence(from_hex(case_input["evidence"]))
    verify_evidence(ev)
    return {
        "id": ev.id.hex(),
        "signer": ev.signer.hex(),
        "instance_id": ev.first.instance_id.hex(),
        "seq": ev.first.seq,
    }



def _raw_evidence(a: Event, b: Event) -> str:
    w = Writer().u8(1)
    w.var_bytes(a.encode()).var_bytes(b.encode())
    return w.getvalue().hex()


def _equivocation_cases() -> list[Case]:
    ops = OPS
    s = turnstile_script()
    s.step("coin", {"amount": 25}, "rider0", 3)
    a = s.draft("push", {}, "rider0", 2)
    b = s.draft("coin", {"amount": 40}, "rider0", 2)
    first, second = (a, b) if a.id < b.id else (b, a)
    cases = [
        make_case(
            ops,
            "verify_evidence",
            {"evidence": Equivocation(first, second).encode().hex()},
            "rider0 signs push and coin for the same slot",
            ("FSM-34", "FSM-35", "FSM-36"),
            expect="valid",
        ),
        make_case(
            ops,
            "verify_evidence",
            {"evidence": _raw_evidence(second, first)},
            "the same pair in the wrong order",
            ("FSM-35",),
            expect="invalid",
        ),
        make_case(
            ops,
            "verify_evidence",
            {"evidence": _raw_evidence(a, a)},
            "one event twice proves nothing",
            ("FSM-36",),
            expect="invalid",
        ),
    ]
    c = s.draft("push", {}, "rider1", 2)
    x, y = sorted((a, c), key=lambda e: e.id)
    cases.append(
        make_case(
            ops,
            "verify_evidence",
            {"evidence": _raw_evidence(x, y)},
            "two riders, one event each: not equivocation",
            ("FSM-36",),
            expect="invalid",
        )
    )
    later = s.draft("push", {}, "rider0", 2, seq=3)
    x, y = sorted((a, later), key=lambda e: e.id)
    cases.append(
        make_case(
            ops,
            "verify_evidence",
            {"evidence": _raw_evidence(x, y)},
            "different seq: different slots",
            ("FSM-36",),
            expect="invalid",
        )
    )
    forged = replace(b, time=b.time + 7)
    x, y = sorted((a, forged), key=lambda e: e.id)
    cases.append(
        make_case(
            ops,
            "verify_evidence",
            {"evidence": _raw_evidence(x, y)},
            "the second event's signature does not verify",
            ("FSM-36",),
            expect="invalid",
        )
    )
    cases.append(
        make_case(
            ops,
            "verify_evidence",
            {"evidence": Equivocation(first, second).encode().hex() + "00"},
            "trailing byte after the evidence",
            ("FSM-35",),
            expect="invalid",
        )
    )
    return cases


#: The operations of ``fsm/equivocation``: name -> adapter.
OPS = {"verify_evidence": op_verify_evidence}

#: The ``fsm/equivocation`` suite.
SUITE = Suite(
    name="fsm/equivocation",
    description="Equivocation evidence: two signed events for one slot by one signer. "
    f"{KEYS_NOTE}",
    notes=FLAGS,
    reason_flags=REASON_FLAGS,
    operations=OPS,
    build_cases=lambda: _equivocation_cases() + equivocation_pins(OPS),
)
