"""Side-pot layering and pot splitting, in integer chip units (spec/06-poker.md, the POT rules).

Plain Python on plain lists, so that the FSM built-ins of
:mod:`chipstack.poker.builtins` and the people-facing :class:`~chipstack.poker.hand.Hand`
compute pots the same way. A *pot* is ``(amount, eligible seats)``; the
eligible seats of every pot are in seat order.
"""

from __future__ import annotations

from collections.abc import Sequence

#: One pot: its amount and the seats that may win it, in seat order.
Pot = tuple[int, tuple[int, ...]]


def side_pots(contrib: Sequence[int], folded: Sequence[bool], dead: int = 0) -> list[Pot]:
    """Layer the contributions into a main pot and side pots ([POT-1] .. [POT-3]).

    The layer boundaries are the distinct contributions of the players still
    in the hand, lowest first; each layer takes, from every player (folded
    ones included), the part of their contribution between the previous
    boundary and this one, and is won among the players still in the hand
    whose contribution reaches the boundary. Adjacent layers with the same
    eligible players are merged. ``dead`` money (a big-blind ante) goes to the
    main pot. A layer whose only eligible player is its only contributor is
    an uncalled bet: it is a pot of one, returned to that player.
    Contributions of folded players above the highest live boundary go to
    the last pot.
    """
    live = sorted({c for c, f in zip(contrib, folded, strict=True) if not f})
    pots: list[Pot] = []
    prev = 0
    for level in live:
        amount = sum(min(c, level) - min(c, prev) for c in contrib)
        eligible = tuple(
            i for i, (c, f) in enumerate(zip(contrib, folded, strict=True)) if not f and c >= level
        )
        if pots and pots[-1][1] == eligible:
            pots[-1] = (pots[-1][0] + amount, eligible)
        elif amount > 0 or not pots:
            pots.append((amount, eligible))
        prev = level
    rest = sum(c - min(c, prev) for c in contrib)
    if pots and rest:
        pots[-1] = (pots[-1][0] + rest, pots[-1][1])
    if pots and dead:
        pots[0] = (pots[0][0] + dead, pots[0][1])
    return pots


def clockwise_from(start: int, n: int) -> list[int]:
    """Return the seats ``start, start+1, ...`` modulo ``n`` (``n`` seats in all)."""
    return [(start + k) % n for k in range(n)]


def split_pots(pots: Sequence[Pot], values: Sequence[int], button: int) -> list[int]:
    """Return each seat's winnings: each pot split among its best hands ([POT-4], [POT-5]).

    A pot goes to the eligible seats with the highest hand value; when ``k``
    seats tie, each gets ``amount // k`` and all ``amount % k`` odd chips go
    to the first of them clockwise from the button (the first tied winner
    left of the button).
    """
    n = len(values)
    won = [0] * n
    order = clockwise_from(button + 1, n)
    for amount, eligible in pots:
        if not eligible:
            continue
        best = max(values[i] for i in eligible)
        winners = [i for i in order if i in eligible and values[i] == best]
        share, odd = divmod(amount, len(winners))
        for i in winners:
            won[i] += share
        won[winners[0]] += odd
    return won


def showdown_order(folded: Sequence[bool], aggressor: int, button: int) -> list[int]:
    """Return the order in which the remaining hands are shown ([HOLDEM-14]).

    The last player to bet or raise in the last betting round shows first;
    when nobody bet, the first remaining player left of the button does.
    The others follow clockwise.
    """
    n = len(folded)
    start = aggressor if 0 <= aggressor < n and not folded[aggressor] else (button + 1) % n
    return [i for i in clockwise_from(start, n) if not folded[i]]


def next_to_act(
    folded: Sequence[bool],
    stacks: Sequence[int],
    faced: Sequence[int],
    bets: Sequence[int],
    max_bet: int,
    after: int,
) -> int:
    """Return the next seat clockwise after ``after`` that must act, or ``-1`` ([HOLDEM-6]).

    A seat must act when it has not folded, has chips, and either faces a
    bet (its bet is below ``max_bet``) or has not acted yet this round (its
    ``faced`` entry, the bet to call when it last acted, is negative) while
    some other player still in the hand has chips to bet against. Nobody
    acts once at most one player is left in the hand.
    """
    n = len(folded)
    in_hand = [i for i in range(n) if not folded[i]]
    if len(in_hand) <= 1:
        return -1
    with_chips = sum(1 for i in in_hand if stacks[i] > 0)
    for i in clockwise_from(after + 1, n):
        if folded[i] or stacks[i] <= 0:
            continue
        if bets[i] < max_bet or (faced[i] < 0 and with_chips >= 2):
            return i
    return -1
