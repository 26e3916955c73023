"""Tic-tac-toe on the engine agrees with an independent judge written here in plain Python."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from chipstack.errors import Reason, Rejected
from chipstack.fsm import load_machine
from chipstack.fsm.scenario import Script, make_instance

LINES = [(0, 1, 2), (3, 4, 5), (6, 7, 8), (0, 3, 6), (1, 4, 7), (2, 5, 8), (0, 4, 8), (2, 4, 6)]
DEFN = load_machine("tictactoe")


def judge(board: list[int]) -> str | None:
    for a, b, c in LINES:
        if board[a] and board[a] == board[b] == board[c]:
            return "x_won" if board[a] == 1 else "o_won"
    return "draw" if all(board) else None


def new_game() -> Script:
    return Script(DEFN, make_instance(DEFN, {}, {"x": ["alice"], "o": ["bob"]}, 0))


@settings(max_examples=80, deadline=None)
@given(order=st.permutations(list(range(9))))
def test_random_games_match_the_judge(order: list[int]) -> None:
    s = new_game()
    board = [0] * 9
    for i, cell in enumerate(order):
        mark = 1 if i % 2 == 0 else 2
        player = "alice" if mark == 1 else "bob"
        out = s.step("move", {"cell": cell}, player, 10)
        board[cell] = mark
        assert list(out.state.variables(DEFN)["board"]) == board  # type: ignore[arg-type]
        verdict = judge(board)
        if verdict is not None:
            assert out.state.name == verdict
            break
        assert out.state.name == ("o_turn" if mark == 1 else "x_turn")
    else:
        raise AssertionError("nine moves always end the game")


def test_illegal_moves() -> None:
    s = new_game()
    s.step("move", {"cell": 4}, "alice", 1)
    for cell, player in ((4, "bob"), (-1, "bob"), (9, "bob"), (0, "alice")):
        try:
            s.machine.apply(s.draft("move", {"cell": cell}, player))
        except Rejected as exc:
            assert exc.reason == Reason.FSM_GUARD_FALSE
        else:
            raise AssertionError(f"move {cell} by {player} accepted")
    try:
        s.machine.apply(s.draft("move", {"cell": 0}, "mallory"))
    except Rejected as exc:
        assert exc.reason == Reason.FSM_UNAUTHORIZED_SIGNER
    else:
        raise AssertionError("a stranger moved")


def test_move_clock() -> None:
    s = new_game()
    s.step("move", {"cell": 0}, "alice", 1)
    out = s.step("forfeit", {}, "anyone", 3600)
    assert out.via_timeout and out.state.name == "x_won"
