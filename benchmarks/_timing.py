"""Timing shared by the benchmark commands."""

from __future__ import annotations

import time

import numpy as np


def median_time(fn, repeat: int) -> float:
    """Median wall time of ``repeat`` calls of ``fn`` after one warm-up call."""
    fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return float(np.median(times))


def interleaved_medians(fns: dict, repeat: int, warmup: int = 3) -> dict[str, float]:
    """Median wall time of each of ``fns``, timed in interleaved rounds.

    Timing one contender after another biases the comparison against the
    first: on a virtual machine the first touches of fresh memory are slow
    (a 64 MB output took 47 ms for the first ~8 calls of a process and 30 ms
    after, whichever library ran), so whoever runs later inherits warm
    pages. Here every contender is warmed ``warmup`` times, round-robin, and
    then each round calls every contender once, the starting one rotating
    from round to round.
    """
    names = list(fns)
    for _ in range(warmup):
        for name in names:
            fns[name]()
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(repeat):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            t = time.perf_counter()
            fns[name]()
            times[name].append(time.perf_counter() - t)
    return {name: float(np.median(t)) for name, t in times.items()}
