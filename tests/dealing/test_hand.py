"""Whole hands: who sees what, and every cheat or stall named with its rule and its outcome."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.dealing.hand import Hand, Status, hole_positions, settle_void
from chipstack.dealing.local import LocalHand, run_scenario
from chipstack.dealing.messages import ComplaintMessage, SharesMessage, decode_message
from chipstack.errors import Reason, Rejected

SEED = b"\x11" * 32


def _named(table: LocalHand) -> set[tuple[int | None, str, str]]:
    return {(f.seat, f.reason.value, f.rule) for _, f in table.faults}


def test_honest_hand_deals_distinct_cards_each_seen_only_by_its_owner() -> None:
    table = run_scenario(4, SEED)
    assert table.faults == [] and table.refused == []
    boards = {tuple(node.board()) for node in table.nodes}
    assert len(boards) == 1 and len(next(iter(boards))) == 5
    holes = [table.nodes[s].cards_of(s) for s in range(4)]
    assert all(h is not None for h in holes)
    dealt = [c for h in holes if h for c in h] + list(next(iter(boards)))
    assert len(set(dealt)) == len(dealt) == 13 and all(0 <= c < 52 for c in dealt)
    for viewer in range(4):  # nobody opens anybody else's hole cards
        for seat in range(4):
            assert (table.nodes[viewer].cards_of(seat) is not None) == (viewer == seat)


def test_different_seeds_deal_differently() -> None:
    a, b = run_scenario(2, SEED), run_scenario(2, b"\x12" * 32)
    assert a.nodes[0].board() != b.nodes[0].board()


@pytest.mark.parametrize(
    ("cheat", "reason", "rule", "action"),
    [
        ("bad_shuffle", "dealing.bad_shuffle_proof", "DEAL-22", "close"),
        ("duplicate_card", "dealing.bad_shuffle_proof", "DEAL-22", "close"),
        ("bad_share", "dealing.bad_share_proof", "DEAL-31", "close"),
        ("bad_hole", "dealing.bad_share_proof", "DEAL-31", "close"),
        ("equivocate", "dealing.equivocation", "DEAL-45", "close"),
        ("silent_shuffle", "dealing.timeout", "DEAL-50", "continue"),
    ],
)
def test_each_fault_is_named_by_every_node(cheat: str, reason: str, rule: str, action: str) -> None:
    table = run_scenario(3, SEED, cheat, 1)
    assert _named(table) == {(1, reason, rule)}
    assert sorted(obs for obs, _ in table.faults) == [0, 1, 2]  # every node saw it
    assert all(node.status is Status.VOID for node in table.nodes)
    assert all(node.table_action == action for node in table.nodes)
    assert all(node.board() == [] for node in table.nodes)  # voided before any card opened


def test_replayed_messages_are_refused_and_blame_nobody() -> None:
    table = run_scenario(3, SEED, "replay", 2)
    assert table.faults == []
    reasons = {r for _, r in table.refused}
    assert reasons == {Reason.DEALING_WRONG_HAND, Reason.DEALING_DUPLICATE_MESSAGE}
    assert all(node.status is Status.RUNNING for node in table.nodes)
    assert len(table.nodes[0].board()) == 5  # the hand went on


def test_hole_stall_is_complained_about_then_named_by_every_node() -> None:
    table = run_scenario(3, SEED, "stall_hole", 1)
    assert _named(table) == {(1, "dealing.timeout", "DEAL-50")}
    assert sorted(obs for obs, _ in table.faults) == [0, 1, 2]
    assert all(node.complaints.keys() == {(0, 1), (2, 1)} for node in table.nodes)
    assert table.nodes[1].cards_of(1) is not None  # the staller still got its own
    assert table.nodes[0].cards_of(0) is None
    assert all(node.status is Status.VOID for node in table.nodes)


def test_answered_complaint_lets_the_hand_go_on_without_opening_anything_else() -> None:
    table = run_scenario(3, SEED, "late_hole", 2)
    assert table.faults == []
    for viewer in range(3):
        for seat in range(3):
            assert (table.nodes[viewer].cards_of(seat) is not None) == (viewer == seat)
    assert len(table.nodes[0].board()) == 5


def test_folded_hand_never_opens_even_if_its_owner_tries() -> None:
    table = run_scenario(3, SEED, "showdown", 1)
    assert table.faults == []
    assert {(obs, r) for obs, r in table.refused} == {
        (o, Reason.DEALING_OUT_OF_TURN) for o in range(3)
    }
    for viewer in (0, 2):
        assert table.nodes[viewer].cards_of(1) is None
        assert table.nodes[viewer].cards_of(0) is not None
        assert table.nodes[viewer].cards_of(2) is not None
    assert all(node.status is Status.COMPLETE for node in table.nodes)


def test_no_show_mucks_and_finishes_the_hand() -> None:
    table = run_scenario(3, SEED, "no_show", 1)
    assert _named(table) == {(1, "dealing.timeout", "DEAL-52")}
    assert table.nodes[0].mucked == {1} and table.nodes[2].mucked == {1}
    assert all(node.status is Status.COMPLETE for node in table.nodes)
    assert all(node.table_action == "continue" for node in table.nodes)


def test_out_of_turn_message_changes_nothing_and_is_taken_later() -> None:
    table = LocalHand(3, SEED)
    table.keys()
    first = table.nodes[0].shuffle_message()
    table.send(0, "shuffle", first, to=[0, 1])  # seat 2's node has not seen seat 0's shuffle
    second = table.nodes[1].shuffle_message()
    node = table.nodes[2]
    with pytest.raises(Rejected) as exc:
        node.receive(second, 1, 0)
    assert exc.value.reason is Reason.DEALING_OUT_OF_TURN and node.turn == 0
    assert node.receive(first, 0, 0) is None and node.receive(second, 1, 0) is None
    assert node.turn == 2


def test_sender_must_be_the_author() -> None:
    table = LocalHand(3, SEED)
    raw = table.nodes[1].key_message()
    fault = table.nodes[0].receive(raw, 2, 0)
    assert fault is not None and (fault.seat, fault.reason) == (2, Reason.DEALING_WRONG_SENDER)


def test_duplicate_card_at_opening_voids_naming_nobody() -> None:
    table = LocalHand(2, SEED)
    table.keys()
    table.shuffles()
    for node in table.nodes:  # a deck the proofs would have refused: flop card 2 = card 1
        node.deck[6] = node.deck[5]
    table.stage("flop")
    faults = {(f.seat, f.reason) for _, f in table.faults}
    assert faults == {(None, Reason.DEALING_DUPLICATE_CARD)}


def test_messages_after_a_void_are_refused() -> None:
    table = run_scenario(3, SEED, "bad_shuffle", 0)
    raw = table.nodes[2].key_message()
    with pytest.raises(Rejected) as exc:
        table.nodes[0].receive(raw, 2, 0)
    assert exc.value.reason is Reason.DEALING_HAND_OVER
    assert table.nodes[0].status is Status.VOID


@settings(max_examples=200)
@given(
    st.lists(st.integers(min_value=0, max_value=10_000), min_size=2, max_size=10),
    st.data(),
)
def test_void_payout_conserves_chips(committed: list[int], data: st.DataObject) -> None:
    faulty = data.draw(st.sets(st.integers(0, len(committed) - 1), max_size=len(committed) - 1))
    paid = settle_void(committed, faulty)
    assert sum(paid) == sum(committed)
    for s in range(len(committed)):
        if s in faulty:
            assert paid[s] == 0
        else:
            assert paid[s] >= committed[s]
    shares = [paid[s] - committed[s] for s in range(len(committed)) if s not in faulty]
    assert not shares or max(shares) - min(shares) <= 1


@settings(max_examples=200)
@given(st.binary(max_size=300))
def test_fuzz_receive_never_crashes(raw: bytes) -> None:
    node = Hand(b"\x00" * 32, 3, 0, 30, 0, 5, b"\x01" * 32)
    try:
        fault = node.receive(raw, 1, 0)
    except Rejected:
        return
    assert fault is None or fault.seat == 1


@settings(max_examples=300)
@given(st.binary(max_size=400))
def test_fuzz_decode_message(raw: bytes) -> None:
    try:
        message = decode_message(raw)
    except Rejected as exc:
        assert exc.reason.value.split(".")[0] in ("dealing", "encoding")
    else:
        assert message.encode() == raw


def test_hole_positions_follow_the_deal_order() -> None:
    assert [hole_positions(s, 3) for s in range(3)] == [(0, 3), (1, 4), (2, 5)]


def _valid_messages() -> list[bytes]:
    table = LocalHand(2, SEED)
    table.keys()
    table.shuffles()
    return [
        table.nodes[0].key_message(),
        table.nodes[0].hole_messages()[1],
        table._held[2][1],  # seat 0's shuffle message
        ComplaintMessage(table.hand_id, 0, 1).encode(),
    ]


VALID = _valid_messages()


@settings(max_examples=300)
@given(st.sampled_from(VALID), st.integers(0, 10_000), st.integers(0, 255), st.booleans())
def test_fuzz_mutated_messages(raw: bytes, where: int, value: int, cut: bool) -> None:
    where %= len(raw)
    mutated = raw[:where] if cut else raw[:where] + bytes([value]) + raw[where + 1 :]
    try:
        message = decode_message(mutated)
    except Rejected as exc:
        assert exc.reason.value.split(".")[0] in ("dealing", "encoding")
    else:
        assert message.encode() == mutated


def test_every_message_rides_an_fsm_list_of_bytes_argument() -> None:
    from chipstack.dealing.messages import from_event_argument, to_event_argument
    from chipstack.encoding import Reader, Writer
    from chipstack.fsm.expr.types import BYTES, ListType
    from chipstack.fsm.expr.values import check_size, check_value, read_value, write_value

    t = ListType(BYTES)
    for raw in VALID:
        chunks = to_event_argument(raw)
        value = check_size(check_value(chunks, t))  # the FSM's own limits accept it
        w = Writer()
        write_value(w, value, t)
        back = read_value(Reader(w.getvalue()), t)
        assert isinstance(back, tuple)
        assert from_event_argument([bytes(c) for c in back if isinstance(c, bytes)]) == raw
    assert len(to_event_argument(VALID[2])) == 3  # a shuffle message is three chunks
    with pytest.raises(Rejected) as exc:
        from_event_argument([VALID[2][:100], VALID[2][100:]])
    assert exc.value.reason is Reason.DEALING_BAD_MESSAGE


def _dealt(seats: int) -> LocalHand:
    """Keys and every shuffle taken: the hand is in its dealing phase."""
    table = LocalHand(seats, SEED)
    table.keys()
    table.shuffles()
    return table


def test_no_show_is_mucked_by_its_own_node_too() -> None:
    # [DEAL-52] the seat's own node opened its cards at the deal, but it never showed:
    # every node, its own included, mucks it, so all agree on who keeps a claim.
    table = run_scenario(3, SEED, "no_show", 1)
    assert [node.mucked for node in table.nodes] == [{1}, {1}, {1}]
    muck = [(1, Reason.DEALING_TIMEOUT, "DEAL-52")]
    assert all([(f.seat, f.reason, f.rule) for f in node.faults] == muck for node in table.nodes)


def test_seats_that_show_are_not_mucked_anywhere() -> None:
    table = _dealt(3)
    table.hole()
    for stage in ("flop", "turn", "river"):
        table.stage(stage)
    table.showdown()
    table.tick(table.now + 30)
    assert all(node.mucked == set() and node.faults == [] for node in table.nodes)
    assert all(node.cards_of(s) is not None for node in table.nodes for s in range(3))


@pytest.mark.parametrize("accused", [3, 9])
def test_complaint_about_a_seat_not_at_the_table_is_a_fault(accused: int) -> None:
    # [DEAL-51] out of the table's range is bad_message, not a blameless out_of_turn
    table = _dealt(3)
    raw = ComplaintMessage(table.hand_id, 0, accused).encode()
    fault = table.nodes[1].receive(raw, 0, table.now)
    assert fault is not None
    assert (fault.seat, fault.reason, fault.rule) == (0, Reason.DEALING_BAD_MESSAGE, "DEAL-51")


def test_shares_for_a_recipient_not_at_the_table_are_a_fault() -> None:
    # [DEAL-43] the recipient is a seat or 0xff; seat 3 of a 3-seat table is neither
    table = _dealt(3)
    message = decode_message(table.nodes[0].hole_messages()[1])
    assert isinstance(message, SharesMessage)
    raw = SharesMessage(
        message.hand_id, 0, 3, message.positions, message.shares, message.proof
    ).encode()
    fault = table.nodes[2].receive(raw, 0, table.now)
    assert fault is not None
    assert (fault.seat, fault.reason, fault.rule) == (0, Reason.DEALING_BAD_MESSAGE, "DEAL-43")


def test_complaint_about_a_seated_player_is_still_taken() -> None:
    table = _dealt(3)
    raw = ComplaintMessage(table.hand_id, 0, 2).encode()
    assert table.nodes[1].receive(raw, 0, table.now) is None
    assert (0, 2) in table.nodes[1].complaints
    with pytest.raises(Rejected) as exc:
        table.nodes[1].receive(raw, 0, table.now)
    assert exc.value.reason is Reason.DEALING_DUPLICATE_MESSAGE


def _dealing_phase_traffic() -> tuple[list[tuple[int, bytes]], list[tuple[int, bytes]]]:
    """What brings seat 1's node of a 2-seat hand to its dealing phase, and later messages."""
    table = LocalHand(2, SEED)
    table.keys()
    table.shuffles()
    setup = [(a, raw) for a, raw in table._held]
    later = [(0, table.nodes[0].hole_messages()[1])]
    for node in table.nodes:
        node.open_stage("flop", 0)
    later += [(s, table.nodes[s].stage_message("flop")) for s in range(2)]
    later += [(0, ComplaintMessage(table.hand_id, 0, 1).encode())]
    later += [(s, table.nodes[s].showdown_message()) for s in range(2)]
    return setup, later


SETUP, LATER = _dealing_phase_traffic()


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, len(LATER) - 1), st.integers(0, 20_000), st.integers(0, 255)),
        min_size=1,
        max_size=6,
    ),
    st.booleans(),
)
def test_fuzz_mutated_messages_in_the_dealing_phase(
    edits: list[tuple[int, int, int]], showdown: bool
) -> None:
    """Mutated shares, complaints and shows reach a dealing node: only typed outcomes."""
    node = LocalHand(2, SEED).nodes[1]
    for author, raw in SETUP:
        assert node.receive(raw, author, 0) is None
    node.open_stage("flop", 0)
    if showdown:
        node.start_showdown(0)
    for which, where, value in edits:
        author, raw = LATER[which]
        where %= len(raw)
        mutated = raw[:where] + bytes([value]) + raw[where + 1 :]
        try:
            fault = node.receive(mutated, author, 0)
        except Rejected as exc:
            assert exc.reason.value.startswith("dealing.")
            continue
        assert fault is None or fault.seat in (author, None)
    node.tick(10_000)  # deadlines never crash either
