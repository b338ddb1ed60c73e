"""Selection networks for the window filters: which comparators a pruned sorting
network needs to place given ranks (plain Python: the planner costs them without
loading numba, and the ``network`` strategy's loop runs them)."""

from __future__ import annotations

import functools

import numpy as np

__all__ = ["batcher", "network", "prune"]


@functools.cache
def batcher(n: int) -> tuple[tuple[int, int], ...]:
    """The comparators ``(i, j)`` (``i < j``: the smaller value goes to ``i``) of
    Batcher's odd-even merge sort of ``n`` values, built for the next power of
    two with the missing values taken as larger than all (so comparators
    reaching past ``n`` change nothing and are dropped)."""
    size = 1
    while size < n:
        size *= 2
    pairs = []
    p = 1
    while p < size:
        k = p
        while k >= 1:
            for j in range(k % p, size - k, 2 * k):
                for i in range(min(k, size - j - k)):
                    a, b = i + j, i + j + k
                    if a // (2 * p) == b // (2 * p) and b < n:
                        pairs.append((a, b))
            k //= 2
        p *= 2
    return tuple(pairs)


def prune(pairs, needed) -> list[tuple[int, int]]:
    """The comparators of ``pairs`` that the values at positions ``needed`` depend on
    (walking back from them), in order."""
    needed, kept = set(needed), []
    for a, b in reversed(pairs):
        if a in needed or b in needed:
            needed |= {a, b}
            kept.append((a, b))
    return kept[::-1]


@functools.cache
def network(n: int, lo: int, hi: int) -> np.ndarray:
    """The comparators ``(i, j)`` (``i < j``: the smaller value goes to ``i``) of
    Batcher's odd-even merge sort of ``n`` values (:func:`batcher`) that reach
    positions ``lo`` and ``hi``: an ``(m, 2)`` int64 array."""
    return np.array(prune(batcher(n), {lo, hi}), dtype=np.int64).reshape(-1, 2)
