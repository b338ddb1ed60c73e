"""A user's function over a window of any footprint, compiled by numba.

The footprint is a list of flat offsets into the extended (padded) array,
``src`` flattened; output row ``r`` of ``dst`` (a 2-D view, rows by values
along the contiguous axis) starts at ``bases[r]``: pixel ``x`` of that row
reads ``src[bases[r] + x + offsets[k]]``. Rows are the tasks that
``run_tasks`` spreads over threads.

``user_rows`` gathers each window's values into a buffer of the task's own
(C-contiguous float64, the footprint's elements in C order: each value of
``src``, of any real dtype, converted as it is read) and calls ``func``,
the user's function compiled by numba, on it. ``func`` is an argument of
numba's dispatcher type, so the loop compiles once per function (and
dtypes) and calls it directly: an exception ``func`` raises propagates
from the loop, as it would from Python. A loop specialised on a function
that lives only in this process is not cached on disk.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["user_rows"]


@njit(nogil=True)
def user_rows(t0, t1, src, bases, offsets, dst, func, skip_nan):  # pragma: no cover - numba
    """``dst[r, x] = func(window)``, cast to ``dst``'s dtype. With ``skip_nan`` the
    window holds its values that are not NaN (``func`` gets the shorter array) and a
    window of none gives NaN without calling ``func``.

    Without ``skip_nan``, four neighbouring windows are gathered together (each
    offset read at four consecutive addresses) and ``func`` called on each in
    turn: the four calls are independent, so the processor overlaps their
    arithmetic, where one window at a time waits on each call's chain of
    dependent operations. The calls happen in the pixels' order, as one at a
    time."""
    nk = offsets.shape[0]
    n = dst.shape[1]
    b0 = np.empty(nk, np.float64)
    # unsigned indices: no wrap-around test for negative ones in the gather
    offs = offsets.astype(np.uint64)
    if skip_nan:
        for r in range(t0, t1):
            d = dst[r]
            for x in range(n):
                at = np.uint64(bases[r] + x)
                m = 0
                for j in range(nk):
                    v = src[at + offs[j]]
                    if v == v:  # always true for integers
                        b0[m] = v
                        m += 1
                if m == 0:
                    d[x] = np.nan
                else:
                    d[x] = func(b0 if m == nk else b0[:m])
        return
    b1 = np.empty(nk, np.float64)
    b2 = np.empty(nk, np.float64)
    b3 = np.empty(nk, np.float64)
    one, two, three = np.uint64(1), np.uint64(2), np.uint64(3)
    for r in range(t0, t1):
        d = dst[r]
        x = 0
        while x + 4 <= n:
            at = np.uint64(bases[r] + x)
            for j in range(nk):
                p = at + offs[j]
                b0[j], b1[j], b2[j], b3[j] = src[p], src[p + one], src[p + two], src[p + three]
            d[x] = func(b0)
            d[x + 1] = func(b1)
            d[x + 2] = func(b2)
            d[x + 3] = func(b3)
            x += 4
        while x < n:
            at = np.uint64(bases[r] + x)
            for j in range(nk):
                b0[j] = src[at + offs[j]]
            d[x] = func(b0)
            x += 1
