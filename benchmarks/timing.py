"""The one timing loop every benchmark script uses: operations per second of wall time."""

from __future__ import annotations

import time
from collections.abc import Callable


def timed(
    fn: Callable[[], int], seconds: float, clock: Callable[[], float] = time.perf_counter
) -> float:
    """Call ``fn`` (which returns how many operations it did) for ``seconds``; ops per second.

    ``clock`` is wall time by default; ``time.process_time`` counts only this
    process's CPU time, which a busy shared machine disturbs far less.
    """
    n, start = 0, clock()
    while (elapsed := clock() - start) < seconds:
        n += fn()
    return n / elapsed


def rate(fn: Callable[[], object], seconds: float, batch: int = 1) -> float:
    """Calls of ``fn`` per second, reading the clock once every ``batch`` calls."""

    def run() -> int:
        for _ in range(batch):
            fn()
        return batch

    return timed(run, seconds)


def best_seconds(
    fn: Callable[[], int], repeats: int, clock: Callable[[], float] = time.perf_counter
) -> float:
    """Smallest time per operation over ``repeats`` calls of ``fn`` (which returns how many
    operations it did): on a shared machine the fastest run is the least disturbed. With
    ``clock=time.process_time`` it is this process's CPU time, which other jobs do not inflate.
    """
    best = float("inf")
    for _ in range(repeats):
        start = clock()
        n = fn()
        best = min(best, (clock() - start) / n)
    return best
