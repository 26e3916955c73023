"""Poker on ipywidgets: a table to play a hand on, step through it, and replay PHH records.

:class:`PokerWidget` renders a :class:`~chipstack.poker.tablemodel.TableModel`
and sends the person's clicks back to it; all the logic is in the model, so
the tests drive the model (or click the widgets' buttons headless) and read
what the widgets show. The parts:

- the table: seats round an oval with name, stack, bet, cards (hidden but for
  the chosen viewer), the button, the player to act; board, pots and street
  in the middle;
- the actions: one button per legal action, a bet-size slider with preset
  sizes, and *next hand* (the table's button moves, stacks carry over);
- the timeline: first / back / forward / last and a slider over every state;
- the hash chain of the events so far and the FSM state at the cursor;
- a PHH loader: pick a record (or type a path) and replay it.

In a notebook::

    from chipstack.poker.widgets import PokerWidget
    PokerWidget.play(["ann", "bob", "cid"], seed=1)     # displays itself

Every element a browser test needs has a ``cs-*`` CSS class.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import ipywidgets as w

from chipstack.poker.tablemodel import (
    ACTOR,
    EVERYONE,
    HIDDEN,
    NOBODY,
    Centre,
    ChainRow,
    SeatDisplay,
    TableModel,
    Viewer,
)
from chipstack.poker.timeline import HOLE_VARIABLE

_SUITS = {
    "c": ("♣", "#1b5e20"), "d": ("♦", "#1565c0"), "h": ("♥", "#c62828"), "s": ("♠", "#212121"),
}

_CSS = """<style>
.cs-table{position:relative;width:920px;height:580px;margin:6px auto;font-family:sans-serif}
.cs-felt{position:absolute;left:160px;top:140px;width:600px;height:300px;border-radius:150px;
 background:radial-gradient(#2e7d32,#1b5e20);border:12px solid #5d4037;box-sizing:border-box}
.cs-centre{position:absolute;left:0;right:0;top:85px;text-align:center;color:#fff}
.cs-seat{position:absolute;width:124px;margin-left:-62px;margin-top:-62px;padding:4px;
 background:#fafafa;border:2px solid #9e9e9e;border-radius:8px;text-align:center;font-size:13px}
.cs-seat.cs-to-act{border:3px solid #ffb300;box-shadow:0 0 10px #ffb300}
.cs-seat.cs-folded{opacity:.45}
.cs-pots,.cs-status{min-height:17px}
.cs-name{font-weight:bold}.cs-bet{color:#e65100;font-weight:bold;min-height:16px}
.cs-card{display:inline-block;width:30px;height:40px;line-height:40px;margin:1px;border-radius:4px;
 background:#fff;border:1px solid #616161;font-weight:bold;font-size:15px;text-align:center}
.cs-card.cs-back{background:repeating-linear-gradient(45deg,#b71c1c,#b71c1c 4px,#e57373 4px,
 #e57373 8px);color:transparent}
.cs-card.cs-slot{background:transparent;border:1px dashed #a5d6a7}
.cs-dealer{display:inline-block;width:18px;height:18px;line-height:18px;border-radius:9px;
 background:#fff;border:1px solid #000;font-size:11px;font-weight:bold;margin-left:4px}
.cs-chain td,.cs-chain th{padding:1px 6px;font-family:monospace;font-size:12px}
.cs-chain tr.cs-current{background:#fff59d}
</style>"""


def card_html(text: str) -> str:
    """One card as HTML: rank and coloured suit symbol, or a card back for ``??``."""
    if text == HIDDEN:
        return '<span class="cs-card cs-back">??</span>'
    symbol, colour = _SUITS[text[1]]
    return f'<span class="cs-card" style="color:{colour}">{html.escape(text[0])}{symbol}</span>'


def _seat_xy(k: int, n: int) -> tuple[float, float]:
    """Where seat ``k`` of ``n`` sits round the oval (seat 0 at the bottom, clockwise)."""
    import math

    angle = math.pi / 2 + 2 * math.pi * k / n
    return 460 + 390 * math.cos(angle), 290 + 225 * math.sin(angle)


def seat_html(s: SeatDisplay, n: int) -> str:
    """One seat's box: name (and the button), stack, cards, bet and status."""
    x, y = _seat_xy(s.seat, n)
    classes = ["cs-seat"] + (["cs-to-act"] if s.to_act else []) + (
        ["cs-folded"] if s.folded else [])
    dealer = '<span class="cs-dealer" title="button">D</span>' if s.button else ""
    cards = "".join(card_html(c) for c in s.cards) or "&nbsp;"
    return (
        f'<div class="{" ".join(classes)}" data-seat="{s.seat}" '
        f'style="left:{x:.0f}px;top:{y:.0f}px">'
        f'<div class="cs-name">{html.escape(s.name)}{dealer}</div>'
        f'<div>stack <span class="cs-stack">{s.stack}</span></div>'
        f'<div class="cs-cards">{cards}</div>'
        f'<div class="cs-bet">{"bet " + s.bet if s.bet else ""}</div>'
        f'<div class="cs-status">{html.escape(s.status)}</div></div>'
    )


def table_html(seats: Sequence[SeatDisplay], centre: Centre, actor: str) -> str:
    """The whole table: the oval with board, pots and street, and every seat round it."""
    board = "".join(card_html(c) for c in centre.board)
    board += '<span class="cs-card cs-slot"></span>' * (5 - len(centre.board))
    pots = " · ".join(centre.pots)
    middle = (
        f'<div class="cs-centre"><div class="cs-street">{html.escape(centre.street)}</div>'
        f'<div class="cs-board">{board}</div>'
        f'<div class="cs-pots">{html.escape(pots)}</div>'
        f'<div class="cs-actor">{html.escape(actor)}</div></div>'
    )
    body = "".join(seat_html(s, len(seats)) for s in seats)
    return f'{_CSS}<div class="cs-table"><div class="cs-felt">{middle}</div>{body}</div>'


def chain_html(rows: Sequence[ChainRow]) -> str:
    """The events' hash chain: each event names the previous state hash and leads to the next."""
    head = ("<tr><th>seq</th><th>event</th><th>by</th><th>event id</th>"
            "<th>prev state</th><th>state</th></tr>")
    body = "".join(
        f'<tr class="{"cs-current" if r.current else ""}"><td>{r.seq}</td>'
        f"<td>{html.escape(r.event)}</td><td>{html.escape(r.by)}</td><td>{r.event_id}…</td>"
        f"<td>{r.prev_hash}…</td><td>{r.state_hash}…</td></tr>"
        for r in rows
    )
    return f'<table class="cs-chain">{head}{body}</table>'


def state_html(model: TableModel) -> str:
    """The FSM state at the cursor: name, hash and variables (hidden hole cards as -1)."""
    f = model.frame
    variables = f.variables(model.viewer_seat(), reveal=model.viewer == EVERYONE)
    rows = "".join(
        f"<tr><td>{html.escape(k)}</td><td>{html.escape(_short(v))}</td></tr>"
        for k, v in variables.items()
    )
    note = f" ({HOLE_VARIABLE}: -1 = hidden)" if HOLE_VARIABLE in variables else ""
    return (
        f'<div class="cs-state"><b>state</b> <code>{html.escape(f.state)}</code> '
        f"after event {f.index}, hash <code>{f.state_hash.hex()}</code>{note}"
        f'<table class="cs-chain">{rows}</table></div>'
    )


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


class PokerWidget:
    """The widgets of one :class:`TableModel`; :attr:`box` is what a notebook displays."""

    def __init__(self, model: TableModel) -> None:
        self.model = model
        self._rendering = False
        layout = w.Layout(width="auto")
        self.table = w.HTML()
        self.table.add_class("cs-table-view")
        self.status = w.HTML()
        self.status.add_class("cs-message")
        self.action_box = w.HBox()
        self.action_buttons: dict[str, w.Button] = {}
        self.slider = w.IntSlider(description="raise to", continuous_update=False,
                                  layout=w.Layout(width="420px"))
        self.slider.add_class("cs-size")
        self.slider.observe(self._on_slider, names="value")
        self.size_box = w.HBox()
        self.next_hand = self._button("next hand", "cs-next-hand", lambda: model.next_hand())
        self.first = self._button("◀◀", "cs-first", lambda: model.go(0))
        self.back = self._button("◀", "cs-back", lambda: model.step(-1))
        self.forward = self._button("▶", "cs-forward", lambda: model.step(1))
        self.last = self._button("▶▶", "cs-last", lambda: model.go(len(model.timeline)))
        self.position = w.IntSlider(description="event", min=0, max=0, continuous_update=True,
                                    layout=w.Layout(width="420px"))
        self.position.add_class("cs-position")
        self.position.observe(self._on_position, names="value")
        self.viewer = w.Dropdown(description="cards of")
        self.viewer.add_class("cs-viewer")
        self.viewer.observe(self._on_viewer, names="value")
        self.chain = w.HTML()
        self.state = w.HTML()
        files = model.phh_files()
        base = model.phh_dir
        self.files = w.Dropdown(
            options=[(str(p.relative_to(base)) if base else str(p), str(p)) for p in files],
            description="record", layout=w.Layout(width="460px"),
        )
        self.path = w.Text(placeholder="or a path to a .phh file", layout=w.Layout(width="300px"))
        self.path.add_class("cs-path")
        self.load = self._button("replay", "cs-load", self._on_load)
        details = w.Accordion(children=[self.chain, self.state])
        details.set_title(0, "hash chain of the events")
        details.set_title(1, "FSM state at the cursor")
        details.selected_index = 0
        self.box = w.VBox([
            self.table,
            self.status,
            w.HBox([self.action_box, self.next_hand], layout=layout),
            w.HBox([self.slider, self.size_box]),
            w.HBox([self.first, self.back, self.position, self.forward, self.last, self.viewer]),
            w.HBox([self.files, self.path, self.load]),
            details,
        ])
        self.box.add_class("cs-poker")
        model.on_change(self.render)
        self.render()

    @classmethod
    def play(cls, names: Sequence[str] = ("ann", "bob", "cid"), **kwargs: Any) -> PokerWidget:
        """A new table with ``names`` seated (``kwargs`` go to :class:`TableModel`)."""
        return cls(TableModel(names, **kwargs))

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.box)  # type: ignore[no-untyped-call]

    def _button(self, label: str, css: str, action: Any) -> w.Button:
        b = w.Button(description=label, layout=w.Layout(width="auto"))
        b.add_class(css)
        b.on_click(lambda _b: action())
        return b

    def _on_load(self) -> None:
        path = self.path.value.strip() or self.files.value
        if path:
            self.model.load(path)
        else:
            self.model.say("choose a record or type a path")

    def _on_slider(self, change: dict[str, Any]) -> None:
        if not self._rendering:
            self._label_raise()

    def _on_position(self, change: dict[str, Any]) -> None:
        if not self._rendering:
            self.model.go(int(change["new"]))

    def _on_viewer(self, change: dict[str, Any]) -> None:
        if not self._rendering:
            self.model.set_viewer(change["new"])

    def _act(self, kind: str) -> None:
        amount = self.slider.value if kind == "raise" else None
        self.model.act(kind, amount)

    def _label_raise(self) -> None:
        b = self.action_buttons.get("raise")
        if b is not None:
            word = self.model.controls().raise_word
            b.description = f"{word} {self.model.chips(self.slider.value)}"

    def _viewer_options(self) -> list[tuple[str, Viewer]]:
        seats: list[tuple[str, Viewer]] = [(n, k) for k, n in enumerate(self.model.names)]
        return [("player to act", ACTOR), ("nobody", NOBODY), *seats, ("everyone", EVERYONE)]

    def render(self) -> None:
        """Show the model's state: table, message, buttons, slider, timeline, chain, FSM state."""
        self._rendering = True
        try:
            self._render()
        finally:
            self._rendering = False

    def _render(self) -> None:
        m = self.model
        self.table.value = table_html(m.seats(), m.centre(), m.actor_text())
        self.status.value = f'<span class="cs-message-text">{html.escape(m.message)}</span>'
        c = m.controls()
        self.action_buttons = {}
        for kind, label in c.buttons:
            b = self._button(label, f"cs-act-{kind}", lambda k=kind: self._act(k))
            self.action_buttons[kind] = b
        self.action_box.children = tuple(self.action_buttons.values())
        if c.raise_range is not None:
            lo, hi = c.raise_range
            self.slider.max = max(hi, self.slider.min)
            self.slider.min = lo
            self.slider.max = hi
            self.slider.value = lo
            self.slider.disabled = False
            self.size_box.children = tuple(
                self._button(label, "cs-size-preset", lambda to=to: self._set_size(to))
                for label, to in c.sizes
            )
        else:
            self.slider.disabled = True
            self.size_box.children = ()
        self.slider.description = c.raise_word
        self._label_raise()
        self.next_hand.disabled = m.mode == "play" and not m.hand.is_over
        self.next_hand.description = "next hand" if m.mode == "play" else "play a new hand"
        last = len(m.timeline) - 1
        self.position.max = last
        self.position.value = m.cursor
        self.first.disabled = self.back.disabled = m.cursor == 0
        self.forward.disabled = self.last.disabled = m.cursor == last
        options = self._viewer_options()
        if list(self.viewer.options) != options:
            self.viewer.options = options
        self.viewer.value = m.viewer
        self.chain.value = chain_html(m.chain())
        self.state.value = state_html(m)

    def _set_size(self, to: int) -> None:
        self.slider.value = to
        self._label_raise()

    def click(self, kind: str) -> None:
        """Click the button of legal action ``kind`` (as a person would; for tests and scripts)."""
        self.action_buttons[kind].click()
