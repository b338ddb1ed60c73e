"""Timing shared by the benchmark commands."""

from __future__ import annotations

import time

import numpy as np


def _times(fn, repeat: int) -> list[float]:
    """Wall times of ``repeat`` calls of ``fn``."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return times


def median_time(fn, repeat: int) -> float:
    """Median wall time of ``repeat`` calls of ``fn`` after one warm-up call."""
    fn()
    return float(np.median(_times(fn, repeat)))


def block_medians(fns: dict, repeat: int, warmup: int = 3, rounds: int = 2) -> dict[str, float]:
    """Median wall time of each of ``fns``: the lower of ``rounds`` block medians.

    Each round times every contender in turn, ``repeat`` calls in a block after
    warm-up calls (``warmup`` in the first round, one after). Blocks, not
    interleaved single calls: OpenCV's and torch's worker threads spin for a
    while after a call and slow whoever runs next; in blocks each library
    meets only its own state, as in a user's loop. Rounds: a drift in the
    machine's speed (it is shared) hits each contender's best round less
    than a single block, and the first touches of fresh memory in a process
    (slow for the first few large outputs, whichever library runs) are
    behind the second round. Touching a large block of memory once at the
    start instead would slow the later FFT workloads.
    """
    best = {name: float("inf") for name in fns}
    for r in range(rounds):
        for name, fn in fns.items():
            for _ in range(warmup if r == 0 else 1):
                fn()
            best[name] = min(best[name], float(np.median(_times(fn, repeat))))
    return best
