"""The demo's cashier section shows what it claims: replayed dispute paid, replays refused."""

from __future__ import annotations

from chipstack.demo import cashier_part


def test_cashier_section() -> None:
    lines = cashier_part.run()
    assert "rejected, cashier.dispute_mismatch" in lines[1]
    assert lines[2].endswith("closing balances (40, 80)")  # seat 1 won the forfeited stake
    assert lines[3].endswith("[0.4, 0.8] coins")  # 40 and 80 chips at 0.01 coin each
    assert lines[4].endswith("rejected, cashier.already_redeemed")
