"""A real browser plays a hand on the poker notebook's widgets (``make test-browser``).

Voilà serves ``notebooks/05-poker-hand.ipynb`` on 127.0.0.1; Debian's headless
Chromium (``/usr/bin/chromium``), driven by Playwright, clicks through a hand
on the first table of the page. After every click the page must show what the
rules say: a headless :class:`TableModel` with the notebook's seating and seed
takes the same actions, and each seat's stack, bet, status and cards, the
board, the pots and who is to act are compared with the page. Then the page
replays a recorded PHH hand and must end on the recorded finishing stacks. Screenshots go
to ``build/browser/`` (gitignored). The server and its kernels are stopped at
the end, pass or fail.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from chipstack.poker.phh import shared_phh_dir
from chipstack.poker.tablemodel import EVERYONE, HIDDEN, TableModel

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "notebooks" / "05-poker-hand.ipynb"
SHOTS = REPO / "build" / "browser"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
#: The first table of the notebook: its players, stacks, blinds and seed.
NAMES, STACK, SMALL, BIG, SEED = ["ann", "bob", "cid"], 1000, 5, 10, 2026
#: How long Voilà may take to run the notebook and show the widgets (ms).
READY_MS = 240_000
STEP_MS = 30_000
_SUITS = {"c": "♣", "d": "♦", "h": "♥", "s": "♠"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server and every process it started (its kernels run in their own sessions)."""
    try:
        family = [psutil.Process(proc.pid), *psutil.Process(proc.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        family = []
    for p in family:
        try:
            p.terminate()
        except psutil.NoSuchProcess:
            pass
    _gone, alive = psutil.wait_procs(family, timeout=10)
    for p in alive:
        try:
            p.kill()
        except psutil.NoSuchProcess:
            pass
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """Voilà serving the poker notebook on 127.0.0.1; yields its URL; stopped afterwards."""
    port = _free_port()
    SHOTS.mkdir(parents=True, exist_ok=True)
    log = open(SHOTS / "voila.log", "wb")  # closed in the finally below
    voila = Path(sys.executable).with_name("voila")
    proc = subprocess.Popen(
        [str(voila), str(NOTEBOOK), f"--port={port}", "--no-browser",
         "--Voila.ip=127.0.0.1", "--VoilaConfiguration.show_tracebacks=True"],
        cwd=REPO, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        env={**os.environ, "JUPYTER_PLATFORM_DIRS": "1"},
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, f"voila exited: {(SHOTS / 'voila.log').read_text()}"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "voila did not listen within 60 s"
                time.sleep(0.5)
        yield f"http://127.0.0.1:{port}/"
    finally:
        _stop(proc)
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, under Playwright (no browser is downloaded)."""
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install -y chromium"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def _face(text: str) -> str:
    return text if text == HIDDEN else text[0] + _SUITS[text[1]]


def _check_page(page: Page, model: TableModel) -> None:
    """The first table on the page shows what the model says, seat by seat."""
    main = page.locator(".cs-main")
    expect(main.locator(".cs-actor")).to_have_text(model.actor_text(), timeout=STEP_MS)
    centre = model.centre()
    expect(main.locator(".cs-street")).to_have_text(centre.street)
    expect(main.locator(".cs-board .cs-card:not(.cs-slot)")).to_have_text(
        [_face(c) for c in centre.board])
    expect(main.locator(".cs-pots")).to_have_text(" · ".join(centre.pots))
    for s in model.seats():
        seat = main.locator(f'.cs-seat[data-seat="{s.seat}"]')
        expect(seat.locator(".cs-stack")).to_have_text(s.stack)
        expect(seat.locator(".cs-bet")).to_have_text(f"bet {s.bet}" if s.bet else "")
        expect(seat.locator(".cs-status")).to_have_text(s.status)
        expect(seat.locator(".cs-card")).to_have_text([_face(c) for c in s.cards])
        expect(seat.locator(".cs-dealer")).to_have_count(1 if s.button else 0)


def _click(page: Page, css: str) -> None:
    page.locator(f".cs-main {css}").click()


def test_a_hand_clicked_through_in_chromium(server: str, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 1300})
    page.goto(server, timeout=READY_MS)
    expect(page.locator(".cs-main .cs-actor")).to_be_visible(timeout=READY_MS)
    model = TableModel(NAMES, stack=STACK, small_blind=SMALL, big_blind=BIG, seed=SEED)
    _check_page(page, model)
    assert model.actor_text() == "ann to act"  # the button acts first three-handed

    def act(kind: str, preset: str | None = None) -> None:
        amount = None
        if preset is not None:
            amount = dict(model.controls().sizes)[preset]
            _click(page, f'.cs-size-preset:text-is("{preset}")')
            expect(page.locator(".cs-main .cs-act-raise")).to_contain_text(str(amount))
        elif kind == "raise":
            amount = model.controls().raise_range[0]  # type: ignore[index]
        _click(page, f".cs-act-{kind}")
        assert model.act(kind, amount), model.message
        _check_page(page, model)

    act("raise")                 # ann raises to the minimum, 20
    act("call")                  # bob
    act("call")                  # cid; the dealer deals the flop
    assert model.centre().street == "flop"
    act("raise", "½ pot")        # bob bets half the pot
    act("call")                  # cid
    act("fold")                  # ann
    while not model.hand.is_over:
        act("check")             # turn and river checked; showdown
    assert model.actor_text() == "hand over"
    assert sum(int(s.stack) for s in model.seats()) == 3 * STACK
    page.locator(".cs-main").screenshot(path=str(SHOTS / "poker-showdown.png"))

    # The timeline: back to the start (nobody dealt yet), forward, and to the end.
    end = model.cursor
    _click(page, ".cs-first")
    model.go(0)
    _check_page(page, model)
    assert model.centre().board == () and model.actor_text() == "dealer to deal"
    _click(page, ".cs-forward")
    _click(page, ".cs-forward")
    model.step(2)
    _check_page(page, model)
    assert model.actor_text() == "bob to act"
    _click(page, ".cs-last")
    model.go(end)
    _check_page(page, model)

    # Everyone's cards, then the next hand: the button moves, stacks carry over.
    page.locator(".cs-main .cs-viewer select").select_option(label="everyone")
    model.set_viewer(EVERYONE)
    _check_page(page, model)
    assert all(HIDDEN not in s.cards for s in model.seats())
    page.locator(".cs-main").screenshot(path=str(SHOTS / "poker.png"))
    _click(page, ".cs-next-hand")
    assert model.next_hand(), model.message
    _check_page(page, model)
    assert [s.button for s in model.seats()] == [False, True, False]

    # Replay a recorded hand on the same table: type its path, press replay, go to the end.
    phh = shared_phh_dir(REPO)
    assert phh is not None, "the shared PHH data is missing (../shared/data/phh)"
    record = phh / "data" / "pluribus" / "30" / "27.phh"
    page.locator(".cs-main .cs-path input").fill(str(record))
    _click(page, ".cs-load")
    assert model.load(record), model.message
    expect(page.locator(".cs-main .cs-message-text")).to_have_text(model.message)
    _check_page(page, model)
    _click(page, ".cs-last")
    model.go(len(model.timeline))
    _check_page(page, model)
    assert model.recorded_stacks() == [s.stack for s in model.seats()]
    page.screenshot(path=str(SHOTS / "poker-page.png"), full_page=True)
    page.close()
