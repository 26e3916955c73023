"""Every state of one hand, one frame per accepted event, to step back and forth through it.

A :class:`HandTimeline` follows a :class:`~chipstack.poker.hand.Hand` (a hand
being played, or one a PHH replay built). It keeps a second hand of the same
instance with no dealer of its own and feeds it the same events one at a time
through the public :class:`Hand` methods, taking a snapshot after each one: a
:class:`Frame`. So frame ``k`` is the hand after its ``k``-th event, frame 0
the state before any, and the rules stay in the machine (nothing here decides
what is legal). Re-running the events also checks the hash chain: every
re-run event must lead to the state hash the live hand recorded.

Typical use::

    timeline = HandTimeline(hand)
    hand.act("call"); timeline.sync()
    timeline.frames[-1].view(viewer=0).seats[0].hole
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from chipstack.fsm.expr import Value
from chipstack.poker.builtins import DECK_SIZE
from chipstack.poker.hand import Hand, HandView, Step

#: The machine variable that holds every seat's hole cards (masked in :meth:`Frame.variables`).
HOLE_VARIABLE = "hole"


@dataclass(frozen=True)
class Frame:
    """The hand after ``index`` events: its views, the event that led here and the FSM state.

    ``public`` shows no hole cards but those shown down; ``full`` shows all of
    them. ``step`` is the event that led to this state (``None`` for frame 0)
    and ``prev_hash`` the state hash that event named; ``state`` is the FSM
    state's name and ``all_variables`` its variables (with every hole card).
    """

    index: int
    public: HandView
    full: HandView
    step: Step | None
    prev_hash: bytes
    state: str
    all_variables: dict[str, Value]

    @property
    def state_hash(self) -> bytes:
        """The hash of the FSM state after this frame's event."""
        return self.public.state_hash

    def view(self, viewer: int | None = None, reveal: bool = False) -> HandView:
        """The hand as ``viewer`` sees it: their own hole cards and those shown down.

        ``reveal`` shows every seat's cards (a spectator after the game).
        """
        if reveal:
            return self.full
        if viewer is None or not 0 <= viewer < len(self.public.seats):
            return self.public
        seats = list(self.public.seats)
        seats[viewer] = self.full.seats[viewer]
        return dataclasses.replace(self.public, seats=tuple(seats))

    def variables(self, viewer: int | None = None, reveal: bool = False) -> dict[str, Value]:
        """The FSM variables with the hole cards the viewer may not see replaced by -1."""
        out = dict(self.all_variables)
        hole = out.get(HOLE_VARIABLE)
        if reveal or not isinstance(hole, tuple):
            return out
        seen = self.view(viewer)
        visible = {c for s in seen.seats for c in s.hole}
        out[HOLE_VARIABLE] = tuple(c if c in visible else -1 for c in hole)
        return out


def _ints(value: Value) -> list[int]:
    assert isinstance(value, tuple)
    return [x for x in value if isinstance(x, int)]


class HandTimeline:
    """The frames of one hand, rebuilt event by event from the live hand's steps."""

    def __init__(self, hand: Hand) -> None:
        self.hand = hand
        p = hand.instance.param_values()
        min_bet, button = p["min_bet"], p["button"]
        assert isinstance(min_bet, int) and isinstance(button, int)
        self._shadow = Hand(
            _ints(p["stacks"]),
            blinds=_ints(p["blinds"]),
            antes=_ints(p["antes"]),
            min_bet=min_bet,
            button=button,
            deck=list(range(DECK_SIZE)),
            auto=False,
            sign=hand.sign,
            created=hand.instance.created,
        )
        #: One frame per state: ``frames[k]`` follows the ``k``-th event.
        self.frames: list[Frame] = [self._snapshot(None, b"")]
        self.sync()

    def __len__(self) -> int:
        return len(self.frames)

    def sync(self) -> int:
        """Take in the live hand's new events; return how many frames were added."""
        added = 0
        for step in self.hand.steps[len(self.frames) - 1 :]:
            prev = self._shadow.machine.state_hash
            self._feed(step)
            mine = self._shadow.steps[-1]
            if mine.state_hash != step.state_hash:
                raise RuntimeError(f"event {step.seq} ({step.name}) led to another state on re-run")
            self.frames.append(self._snapshot(step, prev))
            added += 1
        return added

    def _feed(self, step: Step) -> None:
        s, args = self._shadow, step.args
        if step.name == "deal_hole":
            s.deal_hole(list(args["cards"]))  # type: ignore[arg-type]
        elif step.name == "deal_board":
            s.deal_board(list(args["cards"]))  # type: ignore[arg-type]
        elif step.name == "settle":
            s.settle()
        elif step.name == "timeout":
            s.time_out()
        elif step.name == "raise_to":
            amount = args["amount"]
            assert isinstance(amount, int)
            s.act("raise", amount)
        else:
            s.act(step.name)

    def _snapshot(self, step: Step | None, prev: bytes) -> Frame:
        s = self._shadow
        state = s.machine.state
        return Frame(
            index=len(s.steps),
            public=s.view(),
            full=s.view(reveal=True),
            step=step,
            prev_hash=prev,
            state=state.name,
            all_variables=state.variables(s.machine.definition),
        )
