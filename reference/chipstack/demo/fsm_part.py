"""Demo section: a game of tic-tac-toe as a hash-chained FSM instance; a tampered move fails."""

from __future__ import annotations

from dataclasses import replace

from chipstack.errors import Rejected
from chipstack.fsm import Arg, load_machine
from chipstack.fsm.scenario import Script, make_instance


def run() -> list[str]:
    """Play X 0, O 3, X 1, O 4, X 2 (X wins the top row); then replay a tampered move."""
    defn = load_machine("tictactoe")
    inst = make_instance(defn, {}, {"x": ["xavier"], "o": ["olga"]}, 1_700_000_000)
    game = Script(defn, inst)
    for cell, player in ((0, "xavier"), (3, "olga"), (1, "xavier"), (4, "olga"), (2, "xavier")):
        game.step("move", {"cell": cell}, player, dt=5)
    m = game.machine
    lines = [
        f"tic-tac-toe: a YAML machine of {len(defn.transitions)} transitions, one generic engine",
        f"5 signed moves -> final state {m.state.name!r}; state hashes "
        + " -> ".join(h.hex()[:8] for h in m.hashes),
    ]
    replay = Script(defn, inst)
    replay.step("move", {"cell": 0}, "xavier", dt=5)
    honest = replay.draft("move", {"cell": 3}, "olga", dt=5)
    (arg,) = honest.args
    tampered = replace(honest, args=(Arg(arg.name, arg.type, 8),))
    try:
        replay.machine.apply(tampered)
        lines.append("a move with its cell changed after signing: ACCEPTED (this is a bug)")
    except Rejected as exc:
        lines.append(f"a move with its cell changed after signing: rejected, {exc.reason.value}")
    try:
        replay.machine.apply(replay.draft("move", {"cell": 0}, "olga", dt=5))
    except Rejected as exc:
        lines.append(f"a move onto an occupied cell: rejected, {exc.reason.value}")
    still = replay.machine.state_hash.hex()[:8]
    lines.append(f"after both rejections the state hash is still {still}")
    return lines
