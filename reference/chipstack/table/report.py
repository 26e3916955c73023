"""The end-of-run report of a table: hands, winners, nets, conservation, costs, sync figures.

Filled by a runner from the engines' summaries (:class:`~chipstack.table.engine.NodeSummary`)
and the hand records the players agree on; the sync figures come from whatever moved
the items (the in-process bus, or the TCP runner's nodes). :meth:`TableReport.render`
is the readable text ``chipstack table`` prints.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from chipstack.table.config import TableConfig
    from chipstack.table.engine import NodeSummary


@dataclass(frozen=True)
class HandRecord:
    """One hand as every seat agreed on it ([TABLE-8]).

    ``outcome`` is ``complete`` or ``void``; ``winners`` are player names (empty for a
    void hand); ``net`` is chips won or lost per player name; ``faults`` are readable
    ``"seat reason (rule)"`` strings; ``seconds`` is the runner's clock from the hand's
    start to its settlement; ``dealing_cpu`` is the worst seat's dealing CPU seconds and
    ``dealing_bytes`` the bytes of every dealing message of the hand, each counted once.
    """

    number: int
    hand_id: str
    outcome: str
    winners: tuple[str, ...]
    net: dict[str, int]
    faults: tuple[str, ...] = ()
    seconds: float = 0.0
    dealing_cpu: float = 0.0
    dealing_bytes: int = 0
    board: tuple[str, ...] = ()


@dataclass
class SyncFigures:
    """How well the items moved: count, share present everywhere, bytes, propagation.

    ``in_sync`` is the percent of (item, node) pairs delivered by the end; ``p50_ms``
    and ``p99_ms`` are propagation delays from publication to arrival. ``None`` where
    the runner did not measure a figure.
    """

    items: int = 0
    in_sync: float | None = None
    bytes_per_item: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None


@dataclass
class TableReport:
    """Everything ``chipstack table`` shows at the end of a run."""

    table: str
    seats: int
    hands_planned: int
    hands: list[HandRecord] = field(default_factory=list)
    players: list[str] = field(default_factory=list)
    deposits: dict[str, int] = field(default_factory=dict)
    redeemed: dict[str, int] = field(default_factory=dict)
    remaining: int = 0
    closed: str = ""
    faults: list[str] = field(default_factory=list)
    sync: SyncFigures = field(default_factory=SyncFigures)
    seconds: float = 0.0
    nodes: list[str] = field(default_factory=list)

    @property
    def net(self) -> dict[str, int]:
        """Each player's result: chips redeemed less chips deposited."""
        return {p: self.redeemed.get(p, 0) - self.deposits.get(p, 0) for p in self.players}

    @property
    def conserved(self) -> bool:
        """Conservation: deposits == redemptions + chips remaining at the table ([CASH-60])."""
        return sum(self.deposits.values()) == sum(self.redeemed.values()) + self.remaining

    def render(self) -> str:
        """The report as readable text, one section per topic."""
        out = [f"table {self.table}: {self.seats} seats, {len(self.hands)} of "
               f"{self.hands_planned} hands played" + (f", {self.closed}" if self.closed else "")]
        out.append("")
        out.append("hand  outcome   winners           time(s)  dealing CPU(s)  dealing KB")
        for h in self.hands:
            winners = ", ".join(h.winners) if h.winners else "-"
            out.append(f"{h.number:>4}  {h.outcome:<8}  {winners:<16}  {h.seconds:>7.2f}  "
                       f"{h.dealing_cpu:>14.3f}  {h.dealing_bytes / 1000:>10.1f}")
            if h.board:
                out.append(f"      board: {' '.join(h.board)}")
            for f in h.faults:
                out.append(f"      fault: {f}")
        out.append("")
        out.append("player  deposited  redeemed      net")
        for p in self.players:
            out.append(f"{p:<6}  {self.deposits.get(p, 0):>9}  {self.redeemed.get(p, 0):>8}  "
                       f"{self.net[p]:>+7}")
        dep, red = sum(self.deposits.values()), sum(self.redeemed.values())
        verdict = "holds" if self.conserved else "FAILS"
        out.append(f"conservation: deposits {dep} == redeemed {red} + remaining "
                   f"{self.remaining}: {verdict}")
        out.append("")
        s = self.sync

        def fig(v: float | None, fmt: str) -> str:
            return "n/a" if v is None else format(v, fmt)

        out.append(f"sync: {s.items} items, {fig(s.in_sync, '.1f')}% in sync, "
                   f"{fig(s.bytes_per_item, '.0f')} bytes/item, propagation p50 "
                   f"{fig(s.p50_ms, '.1f')} ms, p99 {fig(s.p99_ms, '.1f')} ms")
        if self.hands:
            played = [h for h in self.hands if h.seconds > 0]
            if played:
                mean = sum(h.seconds for h in played) / len(played)
                out.append(f"time per hand: {mean:.2f} s (mean of {len(played)})")
            cpu = max(h.dealing_cpu for h in self.hands)
            kb = max(h.dealing_bytes for h in self.hands) / 1000
            out.append(f"dealing: worst seat CPU {cpu:.3f} s per hand, up to {kb:.1f} KB per hand")
        out.append(f"run time: {self.seconds:.1f} s")
        return "\n".join(out)


def build_report(
    config: TableConfig, summaries: Sequence[NodeSummary], sync: SyncFigures, seconds: float
) -> TableReport:
    """The report of a run from every node's summary (the house's and the seats').

    Hands come from the seat that recorded the most; a hand's dealing CPU is the worst
    seat's. Deposits, payouts and what remains come from the house.
    """
    house = next(s for s in summaries if s.role == "house")
    seats = [s for s in summaries if s.role != "house"]
    ref = max(seats, key=lambda s: len(s.hands))
    hands = []
    for h in ref.hands:
        cpu = max((x.dealing_cpu for s in seats for x in s.hands if x.number == h.number),
                  default=h.dealing_cpu)
        hands.append(replace(h, dealing_cpu=cpu))
    faults = sorted({f for h in hands for f in h.faults})
    return TableReport(
        table=config.label, seats=config.seats, hands_planned=config.hands, hands=hands,
        players=[config.name(i) for i in range(config.seats)], deposits=dict(house.deposits),
        redeemed=dict(house.redeemed), remaining=house.remaining, closed=ref.closed,
        faults=faults, sync=sync, seconds=seconds,
        nodes=[f"{s.name}: {s.items_sent} items sent, {s.items_received} received, refused "
               f"{s.refused or 'none'}" for s in summaries],
    )  # fmt: skip
