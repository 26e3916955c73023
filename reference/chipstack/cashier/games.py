"""How a game plugs into the cashier: any FSM definition whose final state yields balances.

Spec: ``spec/04-cashier.md`` section 5.1 (``[CASH-30]``). A game *declares*
its balances by convention (:class:`DeclaredBalances`): a list role
``players`` bound to the seats in seat order, parameters ``table: bytes``,
``hand: int`` and ``stacks: list[int]`` that the cashier fixes for each
hand, and a variable ``balances: list[int]`` that holds every seat's chips
in each final state. Any object meeting :class:`GameRules` works the same
way; :class:`StakeAdapter` shows one for a game written before the
convention (tic-tac-toe, whose result is the name of its final state).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from chipstack.errors import Reason, Rejected, require
from chipstack.fsm.definition import Definition
from chipstack.fsm.expr import BYTES, DEFAULT_LIBRARY, INT, Library, ListType
from chipstack.fsm.instance import Instance
from chipstack.fsm.state import State


class GameRules(Protocol):
    """What the cashier needs from a game to settle a dispute by replaying it ([CASH-30])."""

    @property
    def definition(self) -> Definition:
        """The game's checked FSM definition; its id is the table's ``game_id``."""
        ...

    @property
    def library(self) -> Library:
        """The built-in library the definition names."""
        ...

    def check_instance(
        self, inst: Instance, table_id: bytes, hand: int, seats: tuple[bytes, ...],
        stacks: tuple[int, ...],
    ) -> None:  # fmt: skip
        """Reject (``cashier.dispute_bad_game``) unless ``inst`` is hand ``hand`` of this table."""
        ...

    def balances(self, state: State, stacks: tuple[int, ...]) -> tuple[int, ...]:
        """Return every seat's chips in the final ``state`` of a hand that began with ``stacks``."""
        ...


def _bad(detail: str) -> Rejected:
    return Rejected(Reason.CASHIER_DISPUTE_BAD_GAME, detail)


@dataclass(frozen=True)
class DeclaredBalances:
    """A game that follows the cashier convention of [CASH-30] (role, params, ``balances``)."""

    definition: Definition
    library: Library = DEFAULT_LIBRARY

    def __post_init__(self) -> None:
        d = self.definition
        role = d.role("players")
        if role is None or role.size is None:
            raise _bad("a cashier game declares a list role 'players'")
        params = {p.name: p.type for p in d.params}
        for name, t in (("table", BYTES), ("hand", INT), ("stacks", ListType(INT))):
            if params.get(name) != t:
                raise _bad(f"a cashier game declares parameter {name}: {t}")
        if {v.name: v.type for v in d.variables}.get("balances") != ListType(INT):
            raise _bad("a cashier game declares variable balances: list[int]")

    def check_instance(
        self, inst: Instance, table_id: bytes, hand: int, seats: tuple[bytes, ...],
        stacks: tuple[int, ...],
    ) -> None:  # fmt: skip
        """The instance's ``table``, ``hand``, ``stacks`` and ``players`` are the expected ones."""
        values: Mapping[str, object] = inst.param_values()
        require(values.get("table") == table_id, Reason.CASHIER_DISPUTE_BAD_GAME, "table")
        require(values.get("hand") == hand, Reason.CASHIER_DISPUTE_BAD_GAME, f"hand != {hand}")
        require(values.get("stacks") == stacks, Reason.CASHIER_DISPUTE_BAD_GAME, "stacks")
        require(inst.keys_of("players") == seats, Reason.CASHIER_DISPUTE_BAD_GAME, "players")

    def balances(self, state: State, stacks: tuple[int, ...]) -> tuple[int, ...]:
        """The final state's ``balances`` variable."""
        value = state.variables(self.definition)["balances"]
        assert isinstance(value, tuple)
        return tuple(int(v) for v in value if isinstance(v, int))


@dataclass(frozen=True)
class StakeAdapter:
    """Adapter for a two-role game with no balances: the winner takes ``stake`` from the loser.

    ``winners`` maps a final state name to the winning seat (0 or 1) or -1
    for a draw; the two roles are bound to seats 0 and 1. The game has no
    table or hand parameter, so the adapter binds each hand by its creation
    time: hand ``h`` of a table must be created at ``h`` (a reference-only
    convention for the tests; games written for the cashier use
    :class:`DeclaredBalances`).
    """

    definition: Definition
    roles: tuple[str, str]
    winners: Mapping[str, int]
    stake: int
    library: Library = DEFAULT_LIBRARY

    def check_instance(
        self, inst: Instance, table_id: bytes, hand: int, seats: tuple[bytes, ...],
        stacks: tuple[int, ...],
    ) -> None:  # fmt: skip
        """Two seats, bound in order to the two roles, each with at least the stake."""
        require(len(seats) == 2, Reason.CASHIER_DISPUTE_BAD_GAME, "a two-seat game")
        require(inst.created == hand, Reason.CASHIER_DISPUTE_BAD_GAME, "hand binding")
        for role, seat in zip(self.roles, seats, strict=True):
            require(inst.keys_of(role) == (seat,), Reason.CASHIER_DISPUTE_BAD_GAME, role)
        require(min(stacks) >= self.stake, Reason.CASHIER_DISPUTE_BAD_GAME, "stake > stack")

    def balances(self, state: State, stacks: tuple[int, ...]) -> tuple[int, ...]:
        """Move ``stake`` from the loser to the winner named by the final state."""
        won = self.winners.get(state.name)
        if won is None:
            raise _bad(f"final state {state.name} has no outcome")
        if won < 0:
            return stacks
        out = list(stacks)
        out[won] += self.stake
        out[1 - won] -= self.stake
        return tuple(out)
