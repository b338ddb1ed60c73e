"""Running a numba loop on all cores from Python threads.

Every kernel here is a serial ``nogil`` numba function over a range of
tasks ``[t0, t1)`` (rows, pieces of runs, groups of lines); ``run_tasks``
cuts the range into a few contiguous pieces per thread, which the calling
thread and the pool's threads take in turn. Compared with numba's ``parallel=True``
this halves compile time (measured 3.3 s -> 1.8 s per specialisation, which
is most of a first call) and makes calls from several user threads safe
without choosing a threading layer: each call only submits work to a shared
pool. The few loops whose calls are short have numba-parallel twins
(``_parallel``), which ``run_tasks`` runs instead where they are safe: a
hand-off to a pool thread costs as much as they save."""

from __future__ import annotations

import itertools
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from ..._config import current

__all__ = ["run_tasks", "threads"]

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None


def _after_fork_in_child() -> None:
    """A forked child has none of the pool's threads (nor a consistent lock): start
    afresh, or the first hand-off would wait forever."""
    global _pool, _lock
    _pool = None
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork_in_child)


def threads() -> int:
    """Threads a filter uses: the ``threads`` setting (``imagekit.config``)."""
    return current().threads


def _get_pool(n: int) -> ThreadPoolExecutor:
    global _pool
    with _lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=max(n - 1, 1), thread_name_prefix="imagekit")
        return _pool


# Handing work to another thread costs ~60 us here (waking it up); below this
# many multiply-adds (~0.3 ms on one core) one thread is faster.
SERIAL_WORK = 1_000_000


def _twin(kernel, n: int, ntasks: int, args) -> bool:
    """Run ``kernel``'s numba-parallel twin on ``n`` threads, if it has one and the
    twins may run here (see ``_parallel``); whether it ran."""
    from . import _parallel

    twin = _parallel.TWINS.get(kernel)
    if twin is None or not _parallel.available():
        return False
    import numba

    n = min(n, numba.config.NUMBA_NUM_THREADS)
    before = numba.get_num_threads()
    if before == n:  # the usual case: no setting to change and restore
        twin(n, ntasks, *args)
        return True
    numba.set_num_threads(n)
    try:
        twin(n, ntasks, *args)
    finally:
        numba.set_num_threads(before)
    return True


def run_tasks(kernel, ntasks: int, *args, work: float | None = None) -> None:
    """``kernel(t0, t1, *args)`` over ``[0, ntasks)``, shared among the threads.

    The range is cut into a few pieces per thread that the threads take in
    turn, so the calling thread starts at once and the others join as they
    wake (~60 us here) — nobody waits for the slowest to start. ``work``
    (multiply-adds, or any proportional count) below ``SERIAL_WORK`` runs on
    the calling thread alone.
    """
    n = min(threads(), ntasks)
    if work is not None and work < SERIAL_WORK:
        n = 1
    if n > 1 and _twin(kernel, n, ntasks, args):
        return
    if n <= 1:
        kernel(0, ntasks, *args)
        return
    pieces = min(ntasks, 4 * n)
    bounds = [ntasks * i // pieces for i in range(pieces + 1)]
    counter = itertools.count()  # next() is atomic under the GIL

    def worker():
        while (i := next(counter)) < pieces:
            kernel(bounds[i], bounds[i + 1], *args)

    pool = _get_pool(n)
    futures = [pool.submit(worker) for _ in range(n - 1)]
    worker()
    for f in futures:
        f.result()
