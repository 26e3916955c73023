"""The ``poker/holdem`` vector suite (spec/06-poker.md): whole hands on the hold'em machine.

Each case is a table (stacks, antes, blinds, ``min_bet``, button) and a list of
steps: dealer steps (``{"dealer": "hole" | "board", "cards": "AsKd..."}``,
``{"dealer": "settle"}``), ``{"timeout": true}`` (sent by a key with no role at
the deadline of the current state, [HOLDEM-17]) and player actions (``{"seat": i, "act": "fold" |
"check" | "call" | "raise", "to": n}``, ``to`` the street total of a raise).
``play_hand`` runs every step and returns the final stacks, the pots and
winnings, the hand values, the showdown order and the last state hash; a
case whose last step is refused gives that step's reason. ``legal_actions``
runs the steps and returns what the seat to act may do.
"""

from __future__ import annotations

from typing import Any

from chipstack.errors import Reason, Rejected
from chipstack.poker.cards import parse_cards
from chipstack.poker.hand import Hand
from chipstack.testvectors.flags import FLAGS, REASON_FLAGS
from chipstack.vectors.inputs import int_field
from chipstack.vectors.model import Case, JSONObject, Suite, make_case

#: How the keys and times of the hands are made (the state hashes depend on them).
KEYS_NOTE = (
    "Seat i signs with PrivateKey.from_label('chipstack/poker/seat/' + str(i)) and the dealer "
    "with PrivateKey.from_label('chipstack/poker/dealer'); the instance is created at time 0 "
    "and each event's time is the previous state's time plus 1."
)


def _ints(case_input: JSONObject, key: str) -> list[int]:
    v = case_input.get(key)
    if not isinstance(v, list) or not all(type(x) is int for x in v):
        raise Rejected(Reason.VECTORS_BAD_INPUT, f"{key}: a list of integers")
    return v


def _run(case_input: JSONObject) -> Hand:
    hand = Hand(
        _ints(case_input, "stacks"),
        antes=_ints(case_input, "antes"),
        blinds=_ints(case_input, "blinds"),
        min_bet=int_field(case_input, "min_bet"),
        button=int_field(case_input, "button"),
        auto=False,
        sign=False,
    )
    steps = case_input.get("steps")
    if not isinstance(steps, list):
        raise Rejected(Reason.VECTORS_BAD_INPUT, "steps: a list")
    for step in steps:
        _step(hand, step)
    return hand


def _step(hand: Hand, step: Any) -> None:
    if not isinstance(step, dict):
        raise Rejected(Reason.VECTORS_BAD_INPUT, "a step is an object")
    dealer = step.get("dealer")
    if dealer == "hole":
        hand.deal_hole(parse_cards(str(step.get("cards", ""))))
    elif dealer == "board":
        hand.deal_board(parse_cards(str(step.get("cards", ""))))
    elif dealer == "settle":
        hand.settle()
    elif dealer is not None:
        raise Rejected(Reason.VECTORS_BAD_INPUT, f"dealer step {dealer!r}")
    elif step.get("timeout") is True:
        hand.time_out()
    else:
        seat, act, to = step.get("seat"), step.get("act"), step.get("to")
        if type(seat) is not int or not isinstance(act, str) or (to is not None
                                                                  and type(to) is not int):
            raise Rejected(Reason.VECTORS_BAD_INPUT, "a player step has seat, act and maybe to")
        hand.act(act, to, seat=seat)


def op_play_hand(case_input: JSONObject) -> JSONObject:
    """Play the steps on the hold'em machine; return the settled hand's outcome."""
    hand = _run(case_input)
    return {
        "stacks": hand.stacks,
        "payouts": hand.payouts,
        "pots": hand.settled_pots(),
        "values": hand.values(),
        "shown": hand.shown(),
        "state": hand.machine.state.name,
        "state_hash": hand.machine.state_hash.hex(),
    }


def op_legal_actions(case_input: JSONObject) -> JSONObject:
    """Play the steps; return the seat to act and the actions it may take."""
    hand = _run(case_input)
    return {
        "actor": -1 if hand.actor is None else hand.actor,
        "actions": [
            {"kind": a.kind, "amount": a.amount, "min_to": a.min_to, "max_to": a.max_to}
            for a in hand.legal_actions()
        ],
    }


#: The operations of ``poker/holdem``: name -> adapter.
OPS = {"play_hand": op_play_hand, "legal_actions": op_legal_actions}


def _table(stacks: list[int], blinds: list[int], button: int, antes: list[int] | None = None,
           min_bet: int | None = None) -> dict[str, Any]:
    return {
        "stacks": stacks,
        "antes": antes if antes is not None else [0] * len(stacks),
        "blinds": blinds,
        "min_bet": min_bet if min_bet is not None else max(blinds),
        "button": button,
    }


def _d(kind: str, cards: str = "") -> dict[str, Any]:
    return {"dealer": kind} if kind == "settle" else {"dealer": kind, "cards": cards}


def _p(seat: int, act: str, to: int | None = None) -> dict[str, Any]:
    return {"seat": seat, "act": act} if to is None else {"seat": seat, "act": act, "to": to}


def _checked(board: str, *seats: int) -> list[dict[str, Any]]:
    """Deal ``board`` and let ``seats`` check, in that order."""
    return [_d("board", board), *(_p(s, "check") for s in seats)]


def _hand(table: dict[str, Any], *steps: dict[str, Any]) -> JSONObject:
    return {**table, "steps": list(steps)}


def _cases() -> list[Case]:
    ops = OPS
    cases: list[Case] = []

    def add(op: str, inp: JSONObject, comment: str, covers: tuple[str, ...],
            expect: str, flags: tuple[str, ...] = ()) -> None:
        cases.append(make_case(ops, op, inp, comment, covers, flags, expect=expect))  # type: ignore[arg-type]

    three = _table([1000, 1000, 1000], [5, 10, 0], 2)
    hole3 = _d("hole", "AsAdKsKd2c7h")
    add("play_hand", _hand(three, hole3, _p(2, "fold"), _p(0, "fold"), _d("settle")),
        "everyone folds to the big blind, who wins the small blind", ("HOLDEM-6", "HOLDEM-12",
        "POT-3"), "valid")
    add("play_hand", _hand(
        three, hole3, _p(2, "call"), _p(0, "call"), _p(1, "check"), _d("board", "Qh9c4d"),
        _p(0, "raise", 30), _p(1, "call"), _p(2, "fold"), _d("board", "3s"), _p(0, "check"),
        _p(1, "raise", 50), _p(0, "call"), _d("board", "8c"), _p(0, "check"), _p(1, "check"),
        _d("settle")),
        "three-way limp, a flop bet, a turn bet; aces beat kings at the showdown; the turn "
        "bettor would show first but the river was checked", ("HOLDEM-8", "HOLDEM-11",
        "HOLDEM-14"), "valid")
    heads_up = _table([500, 500], [10, 5], 1)
    add("play_hand", _hand(
        heads_up, _d("hole", "KhKcQdQs"), _p(1, "call"), _p(0, "check"),
        _d("board", "2c3d9h"), _p(0, "check"), _p(1, "raise", 20), _p(0, "call"),
        _d("board", "Jc"), _p(0, "check"), _p(1, "check"), _d("board", "5s"), _p(0, "check"),
        _p(1, "check"), _d("settle")),
        "heads-up: the button posts the small blind, acts first pre-flop and last after",
        ("HOLDEM-6", "HOLDEM-12", "POT-4"), "valid")
    add("play_hand", _hand(
        _table([1000, 300, 1000], [5, 10, 0], 2), _d("hole", "2c3dAsAd4c5d"), _p(2, "fold"),
        _p(0, "raise", 1000), _p(1, "call"), _d("board", "KsQs9h"), _d("board", "8c"),
        _d("board", "7h"), _d("settle")),
        "an all-in nobody can fully call: 700 come back uncalled; the board runs out",
        ("POT-3", "HOLDEM-11"), "valid", ("side_pots",))
    add("play_hand", _hand(
        _table([100, 200, 300, 400], [5, 10, 0, 0], 3), _d("hole", "AsAdKsKdQsQd2c3d"),
        _p(2, "raise", 300), _p(3, "fold"), _p(0, "call"), _p(1, "call"),
        _d("board", "8h7h4c"), _d("board", "9s"), _d("board", "Jc"), _d("settle")),
        "three all in for 100, 200 and 300: a main pot, a side pot and 100 returned",
        ("POT-1", "POT-2", "POT-3"), "valid", ("side_pots",))
    add("play_hand", _hand(
        _table([100, 100, 100], [0, 5, 10], 0), _d("hole", "2c3d4c5d2d3c"), _p(0, "call"),
        _p(1, "fold"), _p(2, "check"), _d("board", "AhKhQs"), _p(2, "check"), _p(0, "check"),
        _d("board", "Js"), _p(2, "check"), _p(0, "check"), _d("board", "Td"), _p(2, "check"),
        _p(0, "check"), _d("settle")),
        "two players tie on a board straight: 25 split 12 and 13, the odd chip to the first "
        "winner left of the button", ("POT-4", "POT-5"), "valid", ("split_pot",))
    add("play_hand", _hand(
        _table([100] * 5, [1, 2, 0, 0, 0], 4, antes=[1] * 5, min_bet=2),
        _d("hole", "2c3d2d3c2h3s4h4s5h5s"), _p(2, "call"), _p(3, "fold"), _p(4, "fold"),
        _p(0, "call"), _p(1, "check"), *_checked("AsKsQs", 0, 1, 2), *_checked("Js", 0, 1, 2),
        *_checked("Ts", 0, 1, 2), _d("settle")),
        "three players tie on a royal flush board: 11 split 3 each, and both odd chips go to "
        "the first winner left of the button (5, 3, 3), not one each to the first two",
        ("POT-4", "POT-5"), "valid", ("split_pot",))
    add("play_hand", _hand(
        _table([500, 600, 500], [50, 100, 0], 2, antes=[0, 100, 0], min_bet=100),
        _d("hole", "2c3d4c5dAsAd"), _p(2, "raise", 500), _p(0, "fold"), _p(1, "call"),
        _d("board", "KsQs9h"), _d("board", "8c"), _d("board", "7h"), _d("settle")),
        "big-blind ante: the ante is dead money in the main pot and never comes back",
        ("HOLDEM-2", "HOLDEM-3", "POT-2"), "valid", ("side_pots",))
    add("play_hand", _hand(
        _table([20, 300, 300], [5, 10, 0], 2, antes=[5, 5, 5], min_bet=10),
        _d("hole", "AsAdKsKdQsQd"), _p(2, "call"), _p(0, "raise", 15), _p(1, "call"),
        _p(2, "call"), _d("board", "2c7h9d"), _p(1, "raise", 100), _p(2, "call"),
        _d("board", "3s"),
        _p(1, "check"), _p(2, "check"), _d("board", "4h"), _p(1, "check"), _p(2, "check"),
        _d("settle")),
        "antes for everyone are live: the small blind, all in for 20 with its ante, wins "
        "the main pot only", ("HOLDEM-2", "HOLDEM-3", "POT-1"), "valid", ("side_pots",))
    add("legal_actions", _hand(_table([100, 6, 100], [5, 10, 0], 2),
                               _d("hole", "AsAdKsKdQsQd")),
        "a big blind posted all in for 6 is still 10 to call", ("HOLDEM-2", "HOLDEM-4"),
        "valid")
    add("legal_actions", _hand(_table([100] * 4, [1, 2, 4, 0], 3, min_bet=2),
                               _d("hole", "AsAdKsKdQsQd2c3d")),
        "a straddle of 4: the button acts first, calls 4 or raises to at least 8",
        ("HOLDEM-4", "HOLDEM-5", "HOLDEM-6"), "valid")
    # The PokerKit reports and WSOP Rule 96.
    i25 = _hand(
        _table([928, 263, 930, 417, 775, 350], [2, 5, 0, 0, 0, 0], 5),
        _d("hole", "2c3dKcKh4c5d6c7dAsAd8c9d"), _p(2, "fold"), _p(3, "fold"),
        _p(4, "raise", 15), _p(5, "fold"), _p(0, "fold"), _p(1, "raise", 109), _p(4, "call"),
        _d("board", "QsTd3h"), _p(1, "raise", 55), _p(4, "raise", 123), _p(1, "raise", 154))
    add("legal_actions", i25, "PokerKit #25: after a short all-in raise the caller may call "
        "31 or fold", ("HOLDEM-9",), "valid", ("pokerkit", "rule96"))
    add("play_hand", {**i25, "steps": [*i25["steps"], _p(4, "call"), _d("board", "7c"),
                                       _d("board", "2d"), _d("settle")]},
        "PokerKit #25: the whole hand", ("HOLDEM-8", "HOLDEM-11", "POT-4"), "valid",
        ("pokerkit",))
    add("play_hand", {**i25, "steps": [*i25["steps"], _p(4, "raise", 300)]},
        "PokerKit #25: a re-raise after the short all-in is refused", ("HOLDEM-9",), "invalid",
        ("pokerkit", "rule96"))
    i40 = _hand(_table([200, 1000], [20, 10], 1), _d("hole", "2c7dAhAd"), _p(1, "raise", 100),
                _p(0, "raise", 180))
    add("legal_actions", i40, "PokerKit #40: the minimum raise is 260 even though the big "
        "blind can put in only 200", ("HOLDEM-5", "HOLDEM-9"), "valid", ("pokerkit",))
    add("play_hand", {**i40, "steps": [*i40["steps"], _p(1, "raise", 200)]},
        "PokerKit #40: a raise to 200 is short and not all in", ("HOLDEM-9",), "invalid",
        ("pokerkit",))
    add("play_hand", {**i40, "steps": [*i40["steps"], _p(1, "raise", 260), _p(0, "call"),
                                       _d("board", "KsQs9h"), _d("board", "5c"),
                                       _d("board", "3d"), _d("settle")]},
        "PokerKit #40: raise to 260, the big blind calls all in for 200, 60 come back",
        ("HOLDEM-5", "HOLDEM-9", "POT-3"), "valid", ("pokerkit",))
    i45 = _hand(_table([19, 200, 16, 200], [1, 2, 0, 0], 3), _d("hole", "2c3d4c5d6c7dAsAd"),
                _p(2, "raise", 16), _p(3, "call"), _p(0, "raise", 19), _p(1, "call"))
    add("legal_actions", i45, "PokerKit #45: UTG's full all-in raise does not let the "
        "small blind's short all-in reopen the betting: the button may only call or fold",
        ("HOLDEM-9",), "valid", ("pokerkit", "rule96"))
    add("play_hand", {**i45, "steps": [*i45["steps"], _p(3, "raise", 40)]},
        "PokerKit #45: the button's re-raise is refused", ("HOLDEM-9",), "invalid",
        ("pokerkit", "rule96"))
    r96a = _hand(_table([1000, 250, 310, 1000], [50, 100, 0, 0], 3),
                 _d("hole", "AsAdKsKdQsQd2c3d"), _p(2, "call"), _p(3, "call"), _p(0, "call"),
                 _p(1, "check"), _d("board", "Jh9c4h"), _p(0, "raise", 100),
                 _p(1, "raise", 150), _p(2, "raise", 210), _p(3, "call"))
    add("legal_actions", r96a, "Rule 96a: two short all-ins (150, 210) together make a full "
        "raise over 100: the first bettor may raise again, to at least 310", ("HOLDEM-9",),
        "valid", ("rule96",))
    add("play_hand", {**r96a, "steps": [*r96a["steps"], _p(0, "raise", 600), _p(3, "call"),
                                        _d("board", "7s"), _p(0, "raise", 300), _p(3, "fold"),
                                        _d("board", "2s"), _d("settle")]},
        "Rule 96a: the re-raise is taken; the last bettor's excess comes back; three pots",
        ("HOLDEM-9", "POT-2", "POT-4"), "valid", ("rule96", "side_pots"))
    r96 = _hand(_table([1000, 250, 1000], [50, 100, 0], 2), _d("hole", "AsAdKsKd2c3d"),
                _p(2, "call"), _p(0, "call"), _p(1, "check"), _d("board", "Qh9c4h"),
                _p(0, "raise", 100), _p(1, "raise", 150), _p(2, "call"))
    add("play_hand", {**r96, "steps": [*r96["steps"], _p(0, "raise", 300)]},
        "Rule 96: a short all-in (150 over a bet of 100) does not reopen the betting",
        ("HOLDEM-9",), "invalid", ("rule96",))
    # Illegal actions.
    start = _hand(three, hole3)
    add("play_hand", {**start, "steps": [*start["steps"], _p(2, "check")]},
        "a check facing the big blind", ("HOLDEM-7",), "invalid")
    add("play_hand", {**start, "steps": [*start["steps"], _p(2, "call"), _p(0, "call"),
                                         _p(1, "fold")]},
        "the big blind folds when it could check", ("HOLDEM-7",), "invalid")
    add("play_hand", {**start, "steps": [*start["steps"], _p(2, "raise", 15)]},
        "a raise to 15: less than a full raise and not all in", ("HOLDEM-5", "HOLDEM-9"),
        "invalid")
    add("play_hand", {**start, "steps": [*start["steps"], _p(2, "raise", 1001)]},
        "a raise to more than the stack", ("HOLDEM-9",), "invalid")
    add("play_hand", {**start, "steps": [*start["steps"], _p(0, "call")]},
        "the small blind acts before the button", ("HOLDEM-6",), "invalid")
    add("play_hand", {**start, "steps": [*start["steps"], _p(2, "fold"), _p(0, "fold"),
                                         _p(1, "check")]},
        "an action when everyone else folded: the dealer settles next", ("HOLDEM-6",),
        "invalid")
    add("play_hand", {**start, "steps": [*start["steps"], _p(2, "fold"), _p(0, "fold"),
                                         _d("settle"), _p(1, "check")]},
        "an action after the settlement", ("HOLDEM-12",), "invalid")
    add("play_hand", _hand(_table([300, 1000], [10, 5], 1), _d("hole", "AsAdKsKd"),
                           _p(1, "raise", 100), _p(0, "raise", 300), _p(1, "raise", 600)),
        "a raise nobody could call (the other player is all in)", ("HOLDEM-9",), "invalid")
    add("play_hand", _hand(three, _d("hole", "AsAdKsKd2cAs")),
        "the same card dealt twice", ("HOLDEM-10",), "invalid")
    add("play_hand", _hand(three, _d("hole", "AsAdKsKd2c")),
        "five hole cards for three seats", ("HOLDEM-10",), "invalid")
    add("play_hand", {**start, "steps": [*start["steps"], _d("board", "QhJhTh")]},
        "a flop while the pre-flop betting is open", ("HOLDEM-11",), "invalid")
    add("play_hand", {**start, "steps": [*start["steps"], _p(2, "call"), _p(0, "call"),
                                         _p(1, "check"), _d("board", "QhJhAs")]},
        "a flop card already in a hand", ("HOLDEM-11",), "invalid")
    add("play_hand", {**start, "steps": [*start["steps"], _p(2, "call"), _p(0, "call"),
                                         _p(1, "check"), _d("settle")]},
        "settling before the river with three players in", ("HOLDEM-12",), "invalid")
    # Stalls: timeouts at the deadline ([HOLDEM-17]).
    tmo = {"timeout": True}
    add("play_hand", {**start, "steps": [*start["steps"], tmo, _p(0, "call"), tmo,
                                         _d("board", "QhJhTd"), _p(0, "check"), _p(1, "check"),
                                         _d("board", "2d"), tmo, tmo, _d("board", "5c"),
                                         _p(0, "check"), _p(1, "check"), _d("settle")]},
        "stalled players: the button facing the blind folds, the big blind with its option "
        "and both players on the turn check", ("HOLDEM-17",), "valid", ("timing",))
    add("play_hand", {**start, "steps": [*start["steps"], _p(2, "fold"), _p(0, "fold"), tmo]},
        "the dealer stalls instead of settling: the machine settles", ("HOLDEM-17",), "valid",
        ("timing",))
    add("play_hand", {**start, "steps": [*start["steps"], _p(2, "raise", 100), _p(0, "call"),
                                         _p(1, "call"), tmo]},
        "the dealer stalls instead of dealing the flop: the hand is cancelled, every stack "
        "back to its start", ("HOLDEM-17",), "valid", ("timing",))
    add("play_hand", {**_table([1000, 1000], [10, 5], 1), "steps": [tmo]},
        "the dealer never deals: the hand is cancelled", ("HOLDEM-17",), "valid", ("timing",))
    add("play_hand", {**start, "steps": [*start["steps"], _p(2, "fold"), _p(0, "fold"), tmo,
                                         tmo]},
        "a timeout after the hand is over", ("HOLDEM-17",), "invalid", ("timing",))
    add("play_hand", _hand(_table([1000], [10], 0)), "one seat", ("HOLDEM-1",), "invalid")
    add("play_hand", _hand(_table([1000, 0, 1000], [5, 10, 0], 2)), "a seat with no chips",
        ("HOLDEM-1",), "invalid")
    add("play_hand", _hand(_table([2**62, 2**62], [2, 1], 1)),
        "stacks adding up to 2^63: the pot could never be settled (i64), so no hand",
        ("HOLDEM-1",), "invalid")
    return cases


#: The ``poker/holdem`` suite.
SUITE = Suite(
    name="poker/holdem",
    description="No-limit hold'em on the FSM machine: whole hands, legal actions, refusals. "
    f"{KEYS_NOTE}",
    notes=FLAGS,
    reason_flags=REASON_FLAGS,
    operations=OPS,
    build_cases=_cases,
)
