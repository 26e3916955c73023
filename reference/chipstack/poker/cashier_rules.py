"""Hold'em at a cashier table: how the cashier replays a disputed hold'em hand.

Spec: ``spec/04-cashier.md`` rules ``[CASH-30]`` and ``[CASH-38]``. The
hold'em machine (``machines/holdem.yaml``) predates the cashier convention:
its seats are the role ``seats``, its final chips the variable ``stacks``,
and it has no ``table`` or ``hand`` parameter. :class:`HoldemRules` maps
those names for the cashier, and because the instance cannot name its table
and hand, it asks for the seats' hand binding ([CASH-38]) on every hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from chipstack.cashier.dispute import Hand, sign_binding
from chipstack.crypto import PrivateKey
from chipstack.errors import Reason, require
from chipstack.fsm.definition import Definition
from chipstack.fsm.expr import Library
from chipstack.fsm.instance import Instance
from chipstack.fsm.state import State
from chipstack.poker.builtins import POKER_LIBRARY
from chipstack.poker.hand import Hand as PokerHand
from chipstack.poker.machines import holdem_id, load_holdem


@dataclass(frozen=True)
class HoldemRules:
    """The cashier's view of the hold'em machine ([CASH-30] by mapping, bound by [CASH-38]).

    Seats are the role ``seats`` in seat order, the stacks before the hand
    are the parameter ``stacks`` and the chips after it the variable
    ``stacks`` of the final state (``settled``, or ``cancelled``, which gives
    every stack back). Antes, blinds, ``min_bet`` and the button are free:
    every seat signs the binding of the instance that fixes them.
    """

    definition: Definition = field(default_factory=load_holdem)
    library: Library = POKER_LIBRARY
    #: The instance does not name its table and hand: the seats sign a binding ([CASH-38]).
    binds_hands: bool = True

    def check_instance(
        self, inst: Instance, table_id: bytes, hand: int, seats: tuple[bytes, ...],
        stacks: tuple[int, ...],
    ) -> None:  # fmt: skip
        """A hold'em instance whose ``seats`` and ``stacks`` are the table's, in seat order."""
        require(inst.definition_id == holdem_id(), Reason.CASHIER_DISPUTE_BAD_GAME, "not hold'em")
        require(inst.keys_of("seats") == seats, Reason.CASHIER_DISPUTE_BAD_GAME, "seats")
        require(
            inst.param_values().get("stacks") == stacks, Reason.CASHIER_DISPUTE_BAD_GAME, "stacks"
        )
        dealer = inst.keys_of("dealer")
        require(
            len(dealer) == 1 and dealer[0] not in seats,
            Reason.CASHIER_DISPUTE_BAD_GAME,
            "one dealer key, not a seat's",
        )

    def balances(self, state: State, stacks: tuple[int, ...]) -> tuple[int, ...]:
        """The final state's ``stacks`` variable: every seat's chips after the hand."""
        value = state.variables(self.definition)["stacks"]
        assert isinstance(value, tuple)
        return tuple(int(v) for v in value if isinstance(v, int))


def dispute_hand(
    hand: PokerHand, table_id: bytes, number: int, keys: Sequence[PrivateKey]
) -> Hand:
    """The dispute form of a played hold'em hand: its instance, its signed events, and the
    seats' binding of it as hand ``number`` of the table, signed by ``keys`` in seat order."""
    binding = tuple(sign_binding(k, table_id, number, hand.instance.id) for k in keys)
    return Hand(hand.instance, tuple(hand.events), binding)
