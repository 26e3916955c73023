"""A whole table in one process: hands, settlements, redemption, faults, conservation."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

import pytest

from chipstack.dealing.hand import settle_void
from chipstack.poker.cards import format_card
from chipstack.poker.table import forced_bets
from chipstack.sync.item import Item
from chipstack.table.config import TableConfig
from chipstack.table.local import run_local
from chipstack.table.report import TableReport

NORMAL = TableConfig(seats=3, hands=2, label="t-normal")
SILENT = TableConfig(seats=3, hands=2, label="t-silent", silent=1, fault_hand=1)
SHUFFLE = TableConfig(seats=3, hands=2, label="t-shuffle", cheat=1, fault_hand=1)
WITHHOLD = TableConfig(seats=3, hands=2, label="t-withhold", cheat=0, cheat_kind="withhold",
                       fault_hand=1)
SHARE = TableConfig(seats=3, hands=2, label="t-share", cheat=2, cheat_kind="bad_share",
                    fault_hand=1)


@cache
def run(config: TableConfig, jitter: float = 0.0) -> TableReport:
    """One run per configuration and jitter, shared by the tests."""
    return run_local(config, jitter=jitter)


def _conserved(r: TableReport) -> None:
    """Deposits == redemptions + remaining, with every chip of every buy-in counted."""
    assert r.conserved
    assert sum(r.deposits.values()) == r.seats * 1000
    assert r.remaining == 0  # every run here ends redeemed
    assert sum(r.net.values()) == 0


def test_normal_run_plays_settles_and_redeems() -> None:
    r = run(NORMAL)
    assert [h.number for h in r.hands] == [1, 2]
    assert all(h.outcome == "complete" and h.winners for h in r.hands)
    assert r.closed == "closed after the last hand"
    _conserved(r)
    # the nets of the hands add up to what each player redeemed less its deposit
    for p in r.players:
        assert sum(h.net.get(p, 0) for h in r.hands) == r.net[p]
    assert "conservation: deposits 3000 == redeemed 3000 + remaining 0: holds" in r.render()


def test_every_node_agrees_and_refuses_nothing() -> None:
    r = run(NORMAL)
    assert all("refused none" in line for line in r.nodes), r.nodes


def test_out_of_order_delivery_changes_nothing() -> None:
    """Items overtaking each other (seeded jitter) are held until due: same hands, same money."""
    a, b = run(NORMAL), run(NORMAL, 0.3)
    assert [(h.outcome, h.winners, h.net, h.board) for h in a.hands] == [
        (h.outcome, h.winners, h.net, h.board) for h in b.hands
    ]
    assert a.redeemed == b.redeemed
    assert b.sync.p99_ms is not None and b.sync.p99_ms > 100


def _blinds(config: TableConfig, hand: int) -> list[int]:
    """Chips posted by each seat in hand ``hand`` when every seat plays (button from seat 0)."""
    button = (hand - 1) % config.seats
    _, blinds = forced_bets(config.seats, button, config.small_blind, config.big_blind)
    return blinds


def test_silent_seat_times_out_leaves_and_the_table_goes_on() -> None:
    r = run(SILENT)
    first, second = r.hands
    assert first.outcome == "void"
    assert first.faults == ("p1: dealing.timeout (DEAL-50)",)
    # [DEAL-55]: the silent seat (the small blind) loses what it committed to the others
    committed = _blinds(SILENT, 1)
    assert committed[1] == SILENT.small_blind
    paid = settle_void(committed, {1})
    assert first.net == {f"p{i}": paid[i] - committed[i] for i in range(3)}
    assert first.net["p1"] == -SILENT.small_blind
    # [DEAL-56]: it leaves; the two others play on and the table settles
    assert second.outcome == "complete" and set(second.net) == {"p0", "p2"}
    assert r.redeemed["p1"] == 1000 - SILENT.small_blind
    _conserved(r)


@pytest.mark.parametrize(
    ("config", "reason", "rule"),
    [(SHUFFLE, "dealing.bad_shuffle_proof", "DEAL-22"),
     (SHARE, "dealing.bad_share_proof", "DEAL-31")],
)
def test_cheat_is_named_and_the_table_closes(config: TableConfig, reason: str, rule: str) -> None:
    r = run(config)
    assert config.cheat is not None
    culprit = f"p{config.cheat}"
    assert len(r.hands) == 1 and r.hands[0].outcome == "void"
    assert r.hands[0].faults == (f"{culprit}: {reason} ({rule})",)
    assert r.closed == "closed after a proven fault"
    # the last agreed settlement (the buy-ins) plus the DEAL-55 payout of the blinds
    committed = _blinds(config, 1)
    paid = settle_void(committed, {config.cheat})
    assert r.redeemed == {f"p{i}": 1000 - committed[i] + paid[i] for i in range(3)}
    _conserved(r)


def test_the_cheat_is_caught_by_every_seat_when_its_message_arrives() -> None:
    """Each seat names the cheat in its own record of the hand (none waits for an audit)."""
    from chipstack.table.engine import house_node, player_node

    config = SHUFFLE
    nodes = [house_node(config)] + [player_node(config, s) for s in range(3)]
    queue = [(i, item) for i, node in enumerate(nodes) for item in node.start(0.0)]
    while queue:
        origin, item = queue.pop(0)
        for i, node in enumerate(nodes):
            if i != origin:
                queue += [(i, x) for x in node.receive(item, 0.0)]
    for node in nodes[1:]:
        hands = node.summary().hands
        assert hands[0].faults == ("p1: dealing.bad_shuffle_proof (DEAL-22)",)
    assert all(node.done for node in nodes)


@pytest.mark.parametrize("after", [12, 45, 90])
def test_a_restarted_seat_resumes_from_its_store_and_changes_nothing(after: int) -> None:
    """[TABLE-5]: rebuilt from what it stored, it makes again the same bytes, says nothing
    twice (no equivocation), catches up and the table ends as without the crash."""
    base = run(NORMAL)
    r = run_local(NORMAL, restart=(1, after))
    assert [(h.outcome, h.net, h.board) for h in r.hands] == [
        (h.outcome, h.net, h.board) for h in base.hands]
    assert r.redeemed == base.redeemed
    assert not r.faults
    _conserved(r)


def test_withheld_hole_shares_are_complained_about_then_time_out() -> None:
    """[DEAL-51] through the table: the others complain at the timeout, seat 0 is then
    awaited in public, named when that runs out, leaves; the table goes on."""
    r = run(WITHHOLD)
    first, second = r.hands
    assert first.outcome == "void" and first.faults == ("p0: dealing.timeout (DEAL-50)",)
    assert first.seconds == pytest.approx(2 * WITHHOLD.timeout, abs=0.1)
    committed = _blinds(WITHHOLD, 1)
    assert first.net["p0"] == -committed[0]
    assert second.outcome == "complete" and set(second.net) == {"p1", "p2"}
    _conserved(r)


def test_over_the_sync_protocol_the_table_ends_the_same() -> None:
    """Items pushed and reconciled by sync nodes over simulated links (latency, loss)."""
    from chipstack.sync.sim import SimConfig
    from chipstack.table.simrun import run_sync_sim

    base = run(NORMAL)
    r = run_sync_sim(NORMAL, SimConfig(latency_ms=(20.0, 80.0), loss=0.05, seed=3))
    assert [(h.outcome, h.net, h.board) for h in r.hands] == [
        (h.outcome, h.net, h.board) for h in base.hands]
    assert r.redeemed == base.redeemed
    assert r.sync.in_sync == 100.0 and r.sync.p50_ms is not None and r.sync.p50_ms >= 20.0
    _conserved(r)


def test_a_seat_that_does_not_show_is_mucked_by_every_node_itself_included() -> None:
    """[DEAL-52]: the hand finishes without it; it loses its claim, even at its own node
    (which holds its cards): every node signs the same settlement."""
    config = TableConfig(seats=3, hands=2, label="t-noshow", cheat=0, cheat_kind="no_show",
                         fault_hand=1, bots=("station",) * 3)
    r = run(config)
    first = r.hands[0]
    assert first.outcome == "complete"
    assert first.faults == ("p0: dealing.timeout (DEAL-52)",)
    assert first.net["p0"] == -config.big_blind and "p0" not in first.winners
    assert len(r.hands) == 2 and all("refused none" in line for line in r.nodes)
    _conserved(r)


def test_a_restart_that_would_say_something_else_stays_silent() -> None:
    """[TABLE-5]: rebuilt bytes that differ from a stored own message are never published."""
    from chipstack.dealing.hand import Hand as DealtHand
    from chipstack.table.engine import house_node, player_node
    from chipstack.table.messages import Deposit, HandEvent, Sign, decode_message
    from chipstack.table.player import PlayerNode
    from chipstack.table.round import deal_event

    config = TableConfig(seats=3, hands=1, label="t-equivocate")
    nodes = [house_node(config)] + [player_node(config, s) for s in range(3)]
    stored: list[Item] = []
    queue = [(i, item) for i, node in enumerate(nodes) for item in node.start(0.0)]
    seat = nodes[1]
    assert isinstance(seat, PlayerNode)
    while seat.round is None:  # until hand 1 starts at seat 0
        origin, item = queue.pop(0)
        for i, node in enumerate(nodes):
            if i != origin:
                if i == 1:
                    stored.append(item)
                queue += [(i, x) for x in node.receive(item, 0.0)]
    r = seat.round
    other = DealtHand(r.id, 3, 0, 10_000, me=0, secret=12345, seed=bytes(32)).key_message()
    forged = deal_event(r.betting.instance.id, r.id, other, config.player_key(0))
    own = seat.publish(HandEvent(1, forged.encode()), 0.0)
    fresh = player_node(config, 0)
    for item in [*stored, own]:
        assert fresh.receive(item, 0.0) == []
    assert isinstance(fresh, PlayerNode) and fresh.round is not None
    assert fresh.round.names_me_for_equivocation()
    said = [decode_message(i.payload) for i in fresh.start(0.0)]
    assert not any(isinstance(m, (HandEvent, Sign)) for m in said)
    assert [type(m) for m in said] == [Deposit]  # its deposit was not in what it stored


def test_a_watcher_sees_the_hand_in_progress_as_a_seat_does() -> None:
    """run_local(watch=...): what a notebook draws, a seat's view of the live hand."""
    from chipstack.table.engine import Engine
    from chipstack.table.player import PlayerNode

    boards: set[tuple[int, ...]] = set()
    cards: set[tuple[int, ...]] = set()

    def watch(now: float, nodes: Sequence[Engine]) -> None:
        seat = nodes[1]
        assert isinstance(seat, PlayerNode)
        if seat.round is not None and seat.round.outcome is None:
            boards.add(seat.round.betting.view(viewer=0).board)  # positions (TABLE-10)
            view = seat.round.view()
            cards.add(view.board)
            if len(view.board) < 5:  # nobody else's cards before the showdown
                assert all(s.hole == () for s in view.seats if s.seat != 0)
            assert len(view.seats[0].hole) == 2 or view.state == "dealing"

    config = TableConfig(seats=3, hands=1, label="t-watch", bots=("station",) * 3)
    r = run_local(config, watch=watch)
    assert () in boards and (6, 7, 8, 9, 10) in boards
    final = max(cards, key=len)
    assert len(final) == 5 and tuple(format_card(c) for c in final) == r.hands[0].board
