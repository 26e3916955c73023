"""Poker figures, each side by side with its anchor in the same run (spec/06-poker.md).

Run: ``python benchmarks/poker.py`` (``--quick`` for a short smoke run).

- Rows: a table of ``Row`` (what, our rate, the anchor's rate, the ratio).
  Each entry of ``ROWS`` is a function ``(seconds) -> Row``; add a row by
  appending a function (``side_by_side`` times two callables in alternating
  slices and keeps each one's best). The evaluator anchor is treys (pure
  Python), whose ``Evaluator.evaluate`` is timed on the very same hands.
- ``--full``: every one of the 133,784,560 seven-card hands is evaluated and
  the count of each best-hand category is compared with the known counts
  (Wikipedia, "Poker probability", the 7-card table: 41,584 straight
  flushes, 224,848 four of a kind, 3,473,184 full houses, 4,047,644 flushes,
  6,180,020 straights, 6,461,620 three of a kind, 31,433,400 two pair,
  58,627,800 one pair, 23,294,460 high card). Minutes of CPU: run it rarely.
- PHH replay: every shared hand (``shared/data/phh``) loaded and replayed through
  the hold'em FSM with every state hashed and the final stacks checked, against
  PokerKit loading the same files and iterating their states (timed in
  alternating slices); then the matched hands of both and the peak traced
  memory (tracemalloc) of one pass of each.
- ``--random N``: N seeded random 7-card hands must get exactly treys' value
  (``ours == 7463 - treys``).
Peak memory (max RSS of this process) is printed at the end.
"""

from __future__ import annotations

import random
import resource
import sys
import time
import tracemalloc
import warnings
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations, islice
from pathlib import Path

from pokerkit import HandHistory
from timing import timed
from tqdm import tqdm
from treys import Card as TreysCard
from treys import Evaluator as TreysEvaluator

from chipstack.poker.cards import DECK, format_card
from chipstack.poker.evaluator import HandCategory, category, hand_value
from chipstack.poker.phh import read_phh, shared_phh_dir
from chipstack.poker.replay import phh_files, replay_files


@dataclass(frozen=True)
class Row:
    """One line of the figures table: our rate, the anchor's, and their ratio."""

    what: str
    unit: str
    ours: float
    anchor: str
    theirs: float | None

    def line(self) -> str:
        """The row formatted for the table."""
        theirs = f"{self.theirs:>12,.0f}" if self.theirs else f"{'-':>12}"
        ratio = f"{self.ours / self.theirs:>7.1f}x" if self.theirs else f"{'-':>8}"
        return f"{self.what:<34} {self.unit:<8} {self.ours:>12,.0f} {theirs} {ratio}  {self.anchor}"


HEADER = f"{'what':<34} {'unit':<8} {'ours':>12} {'anchor':>12} {'ratio':>8}  anchor is"
"""The table's header; rates are per second of this process's CPU time (see ``side_by_side``)."""

_TREYS = TreysEvaluator()


def to_treys(cards: Sequence[int]) -> list[int]:
    """The same cards as treys integers (via the shared two-character text form)."""
    return [TreysCard.new(format_card(c)) for c in cards]


def side_by_side(
    ours: Callable[[], int], theirs: Callable[[], int], seconds: float, rounds: int = 10
) -> tuple[float, float]:
    """Best rates of ``ours`` and ``theirs`` in ``rounds`` alternating slices, per CPU second.

    On a shared machine the load changes from second to second. Both sides
    are single-threaded pure Python, so each is timed in this process's CPU
    time (equal to wall time on an idle machine), in alternating slices,
    keeping each one's best slice: the two are compared under like load.
    """
    best = [0.0, 0.0]
    for _ in range(rounds):
        for i, fn in enumerate((ours, theirs)):
            best[i] = max(best[i], timed(fn, seconds / rounds, time.process_time))
    return best[0], best[1]


def _random_hands(n: int, size: int, seed: str) -> list[tuple[int, ...]]:
    rng = random.Random(seed)
    return [tuple(rng.sample(DECK, size)) for _ in range(n)]


def _eval_row(size: int) -> Callable[[float], Row]:
    def row(seconds: float) -> Row:
        hands = _random_hands(10_000, size, f"bench-{size}")
        theirs_hands = [to_treys(h) for h in hands]
        evaluate = _TREYS.evaluate

        def ours() -> int:
            for _ in map(hand_value, hands):
                pass
            return len(hands)

        def theirs() -> int:
            for h in theirs_hands[:500]:
                evaluate(h[:2], h[2:])
            return 500

        best_ours, best_theirs = side_by_side(ours, theirs, seconds)
        return Row(f"{size}-card evaluations", "evals/s", best_ours, "treys 0.1.8", best_theirs)

    return row


def phh_data() -> Path:
    """The shared PHH folder (``../shared/data/phh`` beside the repo)."""
    found = shared_phh_dir(Path(__file__).resolve().parents[1])
    if found is None:
        raise SystemExit("the shared PHH data (../shared/data/phh) is missing")
    return found


def _phh_row(seconds: float) -> Row:
    texts = [p.read_text(encoding="utf-8") for p in sorted(phh_data().rglob("*.phh"))]

    def read_all() -> int:
        for text in texts:
            read_phh(text)
        return len(texts)

    return Row(f"PHH records read ({len(texts)} shared)", "files/s",
               timed(read_all, seconds, time.process_time), "-", None)


def _pokerkit_replay(path: Path) -> bool:
    """PokerKit loads one file and iterates its states; True if it ends on the recorded stacks."""
    with path.open("rb") as f:
        history = HandHistory.load(f)
    states = iter(history)
    state = next(states)
    for state in states:  # noqa: B007 (the last state is the one we want)
        pass
    return list(state.stacks) == list(history.finishing_stacks or ())


def _replay_row(seconds: float) -> Row:
    files = phh_files([phh_data()])
    batch = 10
    turn = [0, 0]

    def next_batch(side: int) -> list[Path]:
        start = turn[side]
        turn[side] = (start + batch) % len(files)
        return [files[(start + k) % len(files)] for k in range(batch)]

    def ours() -> int:
        for result in replay_files(next_batch(0)):  # load, replay, check the stacks
            assert result.matched, result.reason
        return batch

    def theirs() -> int:
        for path in next_batch(1):
            _pokerkit_replay(path)
        return batch

    best_ours, best_theirs = side_by_side(ours, theirs, seconds)
    return Row(f"PHH hands replayed ({len(files)} files)", "hands/s", best_ours,
               "PokerKit 0.7 HandHistory", best_theirs)


def replay_summary() -> None:
    """Matched hands for both engines and the peak traced memory of one pass of each."""
    files = phh_files([phh_data()])
    tracemalloc.start()
    ours = sum(r.matched for r in replay_files(files))
    _, ours_peak = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    theirs = sum(_pokerkit_replay(p) for p in files)
    _, theirs_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"PHH replay: matched {ours} of {len(files)} (chipstack FSM, every state hashed), "
          f"{theirs} of {len(files)} (PokerKit); peak traced memory "
          f"{ours_peak / 2**10:,.0f} KiB vs {theirs_peak / 2**10:,.0f} KiB")


ROWS: list[Callable[[float], Row]] = [_eval_row(7), _eval_row(5), _phh_row, _replay_row]
"""The figures, in table order; each is called with the seconds to spend on each side."""

SEVEN_CARD_COUNTS = {
    HandCategory.STRAIGHT_FLUSH: 41_584,
    HandCategory.FOUR_OF_A_KIND: 224_848,
    HandCategory.FULL_HOUSE: 3_473_184,
    HandCategory.FLUSH: 4_047_644,
    HandCategory.STRAIGHT: 6_180_020,
    HandCategory.THREE_OF_A_KIND: 6_461_620,
    HandCategory.TWO_PAIR: 31_433_400,
    HandCategory.PAIR: 58_627_800,
    HandCategory.HIGH_CARD: 23_294_460,
}
"""Best-hand categories over all 133,784,560 seven-card hands (Wikipedia, "Poker probability")."""


def full_sweep() -> bool:
    """Evaluate every 7-card hand; True when each category count is the known one."""
    values: Counter[int] = Counter()
    hands = combinations(DECK, 7)
    total = sum(SEVEN_CARD_COUNTS.values())
    with tqdm(total=total, unit="hand", unit_scale=True, desc="all 7-card hands",
              disable=None) as bar:
        while chunk := list(islice(hands, 1_000_000)):
            values.update(map(hand_value, chunk))
            bar.update(len(chunk))
    counts: Counter[HandCategory] = Counter()
    for value, n in values.items():
        counts[category(value)] += n
    ok = True
    print(f"{'category':<16} {'counted':>12} {'known':>12}")
    for cat in sorted(SEVEN_CARD_COUNTS, reverse=True):
        ok &= counts[cat] == SEVEN_CARD_COUNTS[cat]
        print(f"{cat.name:<16} {counts[cat]:>12,} {SEVEN_CARD_COUNTS[cat]:>12,}")
    print(f"distinct values reached: {len(values):,}")
    return ok and sum(counts.values()) == total


def random_agreement(n: int) -> bool:
    """N seeded random 7-card hands: True when every value equals treys' (on our scale)."""
    rng = random.Random("bench-agreement")
    evaluate = _TREYS.evaluate
    bad = 0
    for _ in tqdm(range(n), unit="hand", unit_scale=True, desc="vs treys",
                  disable=None):
        cards = rng.sample(DECK, 7)
        t = to_treys(cards)
        bad += hand_value(cards) != 7463 - evaluate(t[:2], t[2:])
    print(f"{n:,} random 7-card hands, disagreements with treys: {bad}")
    return bad == 0


def main() -> None:
    """Print the figures table, then run the requested correctness sweeps."""
    warnings.simplefilter("ignore")  # PokerKit warns about the records' dealt cards
    args = sys.argv[1:]
    seconds = 0.2 if "--quick" in args else 2.0
    print(HEADER)
    for make in ROWS:
        print(make(seconds).line(), flush=True)
    replay_summary()
    ok = True
    if "--full" in args:
        ok &= full_sweep()
    if "--random" in args:
        ok &= random_agreement(int(args[args.index("--random") + 1]))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak memory (max RSS): {peak / 1024:.0f} MiB")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
