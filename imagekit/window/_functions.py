"""The functions mapwindow recognises and runs on dedicated algorithms, and the
selection objects ``Rank`` and ``Percentile``.

:func:`recognise` turns mapwindow's ``func`` into a :class:`Reduction`: a
``kind`` the planner chooses algorithms for (``'median'``, ``'rank'``,
``'percentile'``, ``'min'``, ``'max'``, ``'ptp'``, ``'mean'``, ``'sum'``,
``'var'``, ``'std'``) or ``'user'`` for any other callable.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

__all__ = ["SELECTIONS", "Percentile", "Rank", "Reduction", "recognise"]

# Kinds whose result is one of the window's values (or the mean of two, for an
# even-count median): they keep the image's dtype.
SELECTIONS = frozenset({"median", "rank", "percentile", "min", "max"})


@dataclass(frozen=True)
class Rank:
    """The ``k``-th smallest value of each window (``k = 0``: the minimum); a negative
    ``k`` counts from the top (``-1``: the maximum), as Python's indexing does.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit import mapwindow
    >>> from imagekit.window import Rank
    >>> mapwindow(Rank(-2), np.array([5, 1, 4, 2, 3]), 3, "nearest")
    array([5, 4, 2, 3, 3])
    """

    k: int

    def __post_init__(self):
        if isinstance(self.k, bool) or not isinstance(self.k, numbers.Integral):
            raise TypeError(f"k must be an int, got {self.k!r}")
        object.__setattr__(self, "k", int(self.k))

    def __call__(self, values) -> object:
        """The rank-``k`` value of the 1-D array ``values``."""
        v = np.sort(np.asarray(values).ravel())
        return v[self.k]


@dataclass(frozen=True)
class Percentile:
    """The value of rank ``min(int(q / 100 * n), n - 1)`` among each window's ``n``
    values: scipy's ``percentile_filter``, no interpolation.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit import mapwindow
    >>> from imagekit.window import Percentile
    >>> mapwindow(Percentile(25), np.arange(8), 4, "nearest")
    array([0, 0, 1, 2, 3, 4, 5, 6])
    """

    q: float

    def __post_init__(self):
        if isinstance(self.q, bool) or not isinstance(self.q, numbers.Real):
            raise TypeError(f"q must be a number, got {self.q!r}")
        if not 0 <= self.q <= 100:
            raise ValueError(f"q must lie in [0, 100], got {self.q}")
        object.__setattr__(self, "q", float(self.q))

    def __call__(self, values) -> object:
        """The percentile ``q`` of the 1-D array ``values`` (see the class)."""
        v = np.sort(np.asarray(values).ravel())
        return v[min(int(self.q / 100 * v.size), v.size - 1)]


@dataclass(frozen=True)
class Reduction:
    """What mapwindow computes over each window.

    Attributes
    ----------
    kind : str
        One of the recognised kinds (see the module docstring) or ``'user'``.
    k : int
        The rank, for ``'rank'`` (negative: from the top).
    q : float
        The percentile, for ``'percentile'``.
    func : callable or None
        The user's function, for ``'user'``.
    """

    kind: str
    k: int = 0
    q: float = 0.0
    func: object = None

    @property
    def selection(self) -> bool:
        return self.kind in SELECTIONS

    def rank_of(self, n: int) -> tuple[int, int]:
        """The ranks ``(lo, hi)`` among ``n`` values the reduction reads (the mean of
        the two when they differ: an even-count median)."""
        if self.kind == "median":
            return (n - 1) // 2, n // 2
        if self.kind == "min":
            return 0, 0
        if self.kind == "max":
            return n - 1, n - 1
        if self.kind == "rank":
            r = self.k if self.k >= 0 else n + self.k
            return r, r
        r = min(int(self.q / 100 * n), n - 1)
        return r, r

    def __str__(self) -> str:
        if self.kind == "rank":
            return f"Rank({self.k})"
        if self.kind == "percentile":
            return f"Percentile({self.q:g})"
        if self.kind == "user":
            return getattr(self.func, "__name__", type(self.func).__name__)
        return self.kind


_NUMPY = {
    np.median: "median",
    np.min: "min",
    np.amin: "min",
    np.max: "max",
    np.amax: "max",
    np.mean: "mean",
    np.sum: "sum",
    np.var: "var",
    np.std: "std",
    np.ptp: "ptp",
}


def recognise(func) -> Reduction:
    """The :class:`Reduction` for mapwindow's ``func``: TypeError if not callable."""
    if isinstance(func, Rank):
        return Reduction("rank", k=func.k)
    if isinstance(func, Percentile):
        return Reduction("percentile", q=func.q)
    if not callable(func):
        raise TypeError(f"func must be callable, got {func!r}")
    try:
        kind = _NUMPY.get(func)
    except TypeError:  # an unhashable callable
        kind = None
    if kind is not None:
        return Reduction(kind)
    return Reduction("user", func=func)
