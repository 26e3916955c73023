"""The demo's sections really show what they claim: proofs verify, forgeries and tampering fail."""

from __future__ import annotations

from chipstack.demo import chain_part, fsm_part, sync_part


def test_chain_section() -> None:
    lines = chain_part.run()
    assert any("verified" in line for line in lines)
    forged = [line for line in lines if line.startswith("forged proof")]
    assert len(forged) == 2 and all("rejected, chain." in line for line in forged)


def test_fsm_section() -> None:
    lines = fsm_part.run()
    assert "final state 'x_won'" in lines[1]
    assert "rejected, fsm.bad_signature" in lines[2]
    assert "rejected, fsm.guard_false" in lines[3]
    first_two = lines[1].split("state hashes ")[1].split(" -> ")[:2]
    assert lines[4].endswith(first_two[1])  # the state after X's first move, unchanged


def test_sync_tcp_section_converges() -> None:
    (line,) = sync_part.tcp_lines(nodes=3, timeout_s=30.0)
    assert f"holds {[3 * sync_part.PER_NODE] * 3} items" in line
    assert line.endswith("identical sets: True")


def test_sync_partition_section_heals() -> None:
    split_line = sync_part.partition_lines()[1]
    split, healed = (part.split(": ")[-1] for part in split_line.split("; "))
    assert split != "100%" and healed == "100%"
