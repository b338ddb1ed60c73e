"""numba-parallel twins of the loops whose calls are short (a millisecond or less).

``run_tasks`` hands pieces of a loop to a Python thread pool. Waking a pool
thread costs ~50 us on this kind of virtual machine and waiting for it as
much again, which is most of what a second core saves on a 0.3 ms filter
(W2: two threads 0.38 ms against one thread's 0.40 ms). numba's OpenMP or TBB
threading layer keeps its workers spinning between calls: the same loop
split by ``prange`` takes 0.17 ms. So the short loops have a twin here,
``twin(pieces, ntasks, *args)``, which runs ``kernel`` over ``pieces`` equal
slices of ``[0, ntasks)`` with ``prange``; long loops (Gaussians on large
images) keep the pool, where a hand-off is noise and compile time counts.

The twins are used only where they are safe (``available``): numba's
threading layer must be OpenMP or TBB (``workqueue`` fails when two threads
launch at once), and never in a process forked after the layer started
(GNU OpenMP cannot run in such a child): then the pool runs the serial loop.
"""

from __future__ import annotations

import os
import threading

import numba
from numba import njit, prange

from ..._config import current
from ._bank_kernels import bank_tiles
from ._box8_kernels import box8_rows
from ._dense3_kernels import dense3_rows
from ._kgrad2_kernels import kernel_gradient3_rows, vjp2_dense3_rows
from ._winograd_kernels import winograd_tiles

_lock = threading.Lock()
_state = {"ok": None}  # None until probed


def _forked() -> None:
    _state["ok"] = False


def available() -> bool:
    """Whether the twins may run here: not with the ``threading="pool"`` setting
    (``imagekit.config``); else probed once (starting numba's threading layer)."""
    if current().threading == "pool":
        return False
    if _state["ok"] is None:
        with _lock:
            if _state["ok"] is None:
                # start numba's threading layer (what its first parallel call does,
                # without compiling one) and ask which it is
                from numba.np.ufunc.parallel import _launch_threads

                try:
                    _launch_threads()
                    ok = numba.threading_layer() in ("omp", "tbb")
                except (ValueError, RuntimeError):  # no threading layer loads
                    ok = False
                _state["ok"] = ok
                os.register_at_fork(after_in_child=_forked)
    return bool(_state["ok"])


@njit(cache=True, parallel=True, nogil=True)
def dense3_rows_par(pieces, ntasks, *args):  # pragma: no cover - numba
    """``dense3_rows`` over ``pieces`` slices of ``[0, ntasks)``, one per thread."""
    for p in prange(pieces):
        dense3_rows(ntasks * p // pieces, ntasks * (p + 1) // pieces, *args)


@njit(cache=True, parallel=True, nogil=True)
def box8_rows_par(pieces, ntasks, *args):  # pragma: no cover - numba
    """``box8_rows`` over ``pieces`` slices of ``[0, ntasks)``, one per thread."""
    for p in prange(pieces):
        box8_rows(ntasks * p // pieces, ntasks * (p + 1) // pieces, *args)


@njit(cache=True, parallel=True, nogil=True)
def vjp2_dense3_rows_par(pieces, ntasks, fwd, kgrad):  # pragma: no cover - numba
    """What ``vjp2_dense3_rows`` does, over ``pieces`` slices of ``[0, ntasks)``, one per
    thread. (The argument tuples are unpacked outside ``prange``: a parallel loop
    cannot take a tuple holding arrays.)"""
    f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14 = fwd
    k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10 = kgrad
    for p in prange(pieces):
        f = (f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14)
        k = (k0, k1, k2, k3, k4, k5, k6, k7, k8, k9, k10)
        # vjp2_dense3_rows's loop, not a call of it: one layer fewer for LLVM to
        # optimise and lower again (a cold first vjp: 0.5 s)
        for task in range(ntasks * p // pieces, ntasks * (p + 1) // pieces):
            dense3_rows(task, task + 1, *f)
            kernel_gradient3_rows(task, task + 1, *k)


@njit(cache=True, parallel=True, nogil=True)
def bank_tiles_par(pieces, ntasks, *args):  # pragma: no cover - numba
    """``bank_tiles`` over ``pieces`` slices of ``[0, ntasks)``, one per thread: equal
    halves, where the pool's first-come pieces left one thread a piece behind."""
    for p in prange(pieces):
        bank_tiles(ntasks * p // pieces, ntasks * (p + 1) // pieces, *args)


@njit(cache=True, parallel=True, nogil=True)
def winograd_tiles_par(pieces, ntasks, *args):  # pragma: no cover - numba
    """``winograd_tiles`` over ``pieces`` slices of ``[0, ntasks)``, one per thread."""
    for p in prange(pieces):
        winograd_tiles(ntasks * p // pieces, ntasks * (p + 1) // pieces, *args)


TWINS = {
    bank_tiles: bank_tiles_par,
    winograd_tiles: winograd_tiles_par,
    dense3_rows: dense3_rows_par,
    box8_rows: box8_rows_par,
    vjp2_dense3_rows: vjp2_dense3_rows_par,
}
