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
