"""REJ-2 vector: rejected events leave the state unchanged (checked against a second run)."""

from __future__ import annotations

from chipstack.testvectors import suite_by_name
from chipstack.testvectors.fsm.events import op_apply_each, op_run_events


def test_apply_each_matches_a_run_of_only_the_accepted_events() -> None:
    suite = suite_by_name("fsm/events")
    cases = [c for c in suite.build_cases() if c.operation == "apply_each" and c.result == "valid"]
    assert cases
    for case in cases:
        out = op_apply_each(case.input)
        steps = out["steps"]
        rejected = [i for i, st in enumerate(steps) if "rejected" in st]
        assert rejected, "the case must contain rejected events"
        for i in rejected:  # a rejection reports the hash that was current before it
            before = steps[i - 1]["hash"] if i else None
            if before is not None:
                assert steps[i]["hash"] == before
        accepted = [ev for ev, st in zip(case.input["events"], steps, strict=True)
                    if "rejected" not in st]
        clean = op_run_events({**case.input, "events": accepted})
        assert [s["hash"] for s in clean["steps"]] == [
            st["hash"] for st in steps if "rejected" not in st]
        assert clean["steps"][-1]["hash"] == out["final"]["hash"]
