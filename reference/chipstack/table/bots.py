"""Seeded bot strategies: how a seat chooses among the legal actions of the hold'em machine.

A bot sees only what its seat may see: the legal actions, its own hole cards (when
opened) and the board. Its choice is a pure function of those and a seed, so a run
with the same configuration plays the same hands.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from chipstack.poker.hand import LegalAction


@dataclass(frozen=True)
class Choice:
    """An action: ``kind`` (fold, check, call, raise) and, for a raise, the street total."""

    kind: str
    amount: int | None = None


def _rank(card: int) -> int:
    """Rank of a card numbered as in CARD-1 (0 is a deuce, 12 an ace)."""
    return card // 4


def _passive(legal: Sequence[LegalAction]) -> Choice:
    kinds = {a.kind for a in legal}
    return Choice("check") if "check" in kinds else Choice("fold")


def choose(
    strategy: str, legal: Sequence[LegalAction], hole: tuple[int, ...] | None, seed: bytes
) -> Choice:
    """The action ``strategy`` takes among ``legal`` with ``hole`` (``None``: not yet seen).

    ``station`` checks or calls; ``tight`` raises the minimum with a pair or two cards
    ten or higher, calls with an ace, and otherwise checks or folds; ``random`` picks a
    legal kind uniformly (a raise to a uniform total between the bounds).
    """
    kinds = {a.kind: a for a in legal}
    if strategy == "station":
        return Choice("check") if "check" in kinds else Choice("call")
    if strategy == "tight":
        if hole is None:
            return _passive(legal)
        a, b = (_rank(c) for c in hole)
        if (a == b or min(a, b) >= 8) and "raise" in kinds:
            return Choice("raise", kinds["raise"].min_to)
        if max(a, b) == 12 or a == b or min(a, b) >= 8:
            return Choice("check") if "check" in kinds else Choice("call")
        return _passive(legal)
    rng = random.Random(seed)
    pick = legal[rng.randrange(len(legal))]
    if pick.kind == "raise":
        return Choice("raise", rng.randint(pick.min_to, pick.max_to))
    return Choice(pick.kind)
