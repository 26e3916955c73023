"""The configuration of one table: seats, stakes, bots, timing, seed and staged faults.

Spec: ``spec/08-table.md`` section 1. Everything a node needs to join the table
comes from a :class:`TableConfig`; every key is derived from its ``label`` so that
all processes started with the same configuration agree on who is who.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from chipstack.crypto import PrivateKey, sha256

#: The bot strategies a seat may play (see :mod:`chipstack.table.bots`).
BOT_NAMES = ("station", "tight", "random")
#: The cheats a seat may stage (spec/08-table.md section 6).
CHEAT_KINDS = ("bad_shuffle", "bad_share", "withhold", "no_show")


@dataclass(frozen=True)
class TableConfig:
    """One table's settings; frozen, so every node of a run shares the same values.

    ``timeout`` is the step timeout in seconds ([DEAL-50], [TABLE-7]). ``silent`` is a
    seat that stops sending hand messages from hand ``fault_hand`` on (it still signs
    settlements, spec/08-table.md section 6); ``cheat`` is a seat that stages
    ``cheat_kind`` in hand ``fault_hand``. Hands are numbered from 1.
    """

    seats: int = 3
    hands: int = 3
    buy_in: int = 1000
    small_blind: int = 5
    big_blind: int = 10
    timeout: float = 10.0
    bots: tuple[str, ...] = ()
    seed: bytes = b"chipstack/table"
    label: str = "demo"
    silent: int | None = None
    cheat: int | None = None
    cheat_kind: str = "bad_shuffle"
    fault_hand: int = 2
    names: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not 2 <= self.seats <= 10:
            raise ValueError("2 .. 10 seats")
        if self.hands < 1 or self.buy_in < 1 or not 0 < self.small_blind <= self.big_blind:
            raise ValueError("hands, buy-in and blinds must be positive (small <= big)")
        if self.timeout <= 0:
            raise ValueError("the timeout must be positive")
        for bot in self.bots:
            if bot not in BOT_NAMES:
                raise ValueError(f"unknown bot {bot!r}; one of {BOT_NAMES}")
        if self.bots and len(self.bots) != self.seats:
            raise ValueError("one bot per seat (or none for the default rotation)")
        if self.names and len(self.names) != self.seats:
            raise ValueError("one name per seat")
        for seat in (self.silent, self.cheat):
            if seat is not None and not 0 <= seat < self.seats:
                raise ValueError(f"fault seat {seat} is not at the table")
        if self.cheat_kind not in CHEAT_KINDS:
            raise ValueError(f"unknown cheat {self.cheat_kind!r}; one of {CHEAT_KINDS}")
        if self.fault_hand < 1:
            raise ValueError("hands are numbered from 1")

    # ------------------------------------------------------------------ who is who

    def name(self, seat: int) -> str:
        """The display name of ``seat`` (``names`` if given, else ``p0``, ``p1``, ...)."""
        return self.names[seat] if self.names else f"p{seat}"

    def bot(self, seat: int) -> str:
        """The bot of ``seat``: ``bots`` if given, else a rotation of :data:`BOT_NAMES`."""
        return self.bots[seat] if self.bots else BOT_NAMES[seat % len(BOT_NAMES)]

    def player_key(self, seat: int) -> PrivateKey:
        """Seat ``seat``'s key: signs its items, events, deposits and settlements ([TABLE-1])."""
        return PrivateKey.from_label(f"chipstack/table/{self.label}/player/{seat}")

    def house_key(self) -> PrivateKey:
        """The house node's key: signs the items of the chain and the cashier set ([TABLE-1])."""
        return PrivateKey.from_label(f"chipstack/table/{self.label}/house")

    @cached_property
    def tag(self) -> str:
        """The sync tag of every item of this table: ``t/`` and 16 hex digits ([TABLE-2])."""
        return "t/" + sha256(b"chipstack/table/" + self.label.encode() + self.seed).hex()[:16]
