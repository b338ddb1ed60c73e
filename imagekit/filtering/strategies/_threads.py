"""How imagekit runs a numba loop on all cores: one execution model, decided here.

A loop is a serial ``nogil`` numba function over a range of tasks,
``loop(t0, t1, *args)`` for tasks ``[t0, t1)`` (rows, pieces of runs, groups
of lines). ``run_tasks(loop, ntasks, *args, work=...)`` runs it over
``[0, ntasks)`` in one of three ways, chosen by ``run_tasks`` alone:

1. on the calling thread, when one thread is asked for (``threads()``) or the
   work is small (``work < serial_work`` multiply-adds, ``SERIAL_WORK`` unless
   the caller passes its own): a hand-off to another thread costs more than
   it saves;
2. by the loop's numba-parallel twin, when the loop has one
   (``parallel_twin``), the threading choice allows it (``threading_mode()``)
   and numba's threading layer is safe here (``twins_available()``): the
   twin splits the range into one equal slice per thread with ``prange``;
3. otherwise on a shared Python thread pool: the range is cut into a few
   contiguous pieces per thread, which the calling thread and the pool's
   threads take in turn, so the calling thread starts at once and the others
   join as they wake; one that has not woken when the pieces run out is
   cancelled, not waited for. The pool has as many threads as the largest call has
   asked for: a call that asks for more replaces it with a larger one.

Why both: the pool keeps compile time low (a ``parallel=True`` function
compiles about twice as long, and most of a first call is compile time) and
makes calls from several user threads safe without choosing a threading
layer; but waking a pool thread costs about as much as a short loop saves,
where numba's OpenMP or TBB workers spin between calls. So the loops whose
calls are short (a millisecond or less: the dense 3x3, the uint8 box, the
filter bank's tiles, a 3x3 vjp) declare a twin beside themselves::

    @parallel_twin(dense3_rows)
    @njit(cache=True, parallel=True, nogil=True)
    def dense3_rows_parallel(pieces, ntasks, *args):
        for p in prange(pieces):
            dense3_rows(ntasks * p // pieces, ntasks * (p + 1) // pieces, *args)

Settings: the thread count and the threading choice (``imagekit.config``'s
``threads`` and ``threading``) are read through ``threads()`` and
``threading_mode()`` only.
"""

from __future__ import annotations

import itertools
import os
import threading
from concurrent.futures import ThreadPoolExecutor

from ..._config import current

__all__ = [
    "SERIAL_WORK",
    "parallel_twin",
    "run_tasks",
    "threading_mode",
    "threads",
    "twins_available",
]

# Handing work to another thread means waking it; below this many multiply-adds
# that costs more than the second thread saves, so one thread runs the call.
SERIAL_WORK = 1_000_000

_lock = threading.Lock()
_pool: tuple[ThreadPoolExecutor, int] | None = None  # the shared pool and its thread count
_twins: dict = {}  # loop -> its numba-parallel twin (``parallel_twin``)
_layer = {"safe": None}  # whether numba's threading layer may run twins; None: not probed


def threads() -> int:
    """Threads a filter uses: the ``threads`` setting (``imagekit.config``)."""
    return current().threads


def threading_mode() -> str:
    """How several threads run a loop that has a twin: ``"auto"`` (the twin where it is
    safe) or ``"pool"`` (always the Python pool): the ``threading`` setting."""
    return current().threading


def parallel_twin(loop):
    """Declare the decorated numba function the parallel twin of ``loop``.

    The twin is called as ``twin(pieces, ntasks, *args)`` and must do what
    ``loop(0, ntasks, *args)`` does, in ``pieces`` slices ``[ntasks * p //
    pieces, ntasks * (p + 1) // pieces)`` run by ``prange``. ``run_tasks``
    decides when it runs (see the module's docstring).
    """

    def register(twin):
        _twins[loop] = twin
        return twin

    return register


def _after_fork_in_child() -> None:
    """A forked child has none of the pool's threads (nor a consistent lock): start
    afresh, or the first hand-off would wait forever. GNU OpenMP cannot run in a child
    forked after it started: no twins there once the parent has probed the layer."""
    global _pool, _lock
    _pool = None
    _lock = threading.Lock()
    if _layer["safe"] is not None:
        _layer["safe"] = False


os.register_at_fork(after_in_child=_after_fork_in_child)


def twins_available() -> bool:
    """Whether numba's threading layer may run the twins here: OpenMP or TBB
    (``workqueue`` fails when two threads launch at once), probed once by starting
    the layer; never in a process forked after that."""
    if _layer["safe"] is None:
        with _lock:
            if _layer["safe"] is None:
                import numba

                # start numba's threading layer (what its first parallel call does,
                # without compiling one) and ask which it is
                from numba.np.ufunc.parallel import _launch_threads

                try:
                    _launch_threads()
                    safe = numba.threading_layer() in ("omp", "tbb")
                except (ValueError, RuntimeError):  # no threading layer loads
                    safe = False
                _layer["safe"] = safe
    return bool(_layer["safe"])


def _run_twin(twin, n: int, ntasks: int, args) -> None:
    import numba

    n = min(n, numba.config.NUMBA_NUM_THREADS)
    before = numba.get_num_threads()
    if before == n:  # the usual case: no setting to change and restore
        twin(n, ntasks, *args)
        return
    numba.set_num_threads(n)
    try:
        twin(n, ntasks, *args)
    finally:
        numba.set_num_threads(before)


def _get_pool(workers: int) -> ThreadPoolExecutor:
    """The shared pool, with at least ``workers`` threads. A larger one replaces a
    smaller one; the smaller one's threads end once its callers let go of it."""
    global _pool
    with _lock:
        if _pool is None or _pool[1] < workers:
            _pool = (
                ThreadPoolExecutor(max_workers=workers, thread_name_prefix="imagekit"),
                workers,
            )
        return _pool[0]


def run_tasks(
    loop, ntasks: int, *args, work: float | None = None, serial_work: float = SERIAL_WORK
) -> None:
    """``loop(t0, t1, *args)`` over ``[0, ntasks)``, shared among the threads.

    ``work`` (multiply-adds, or any proportional count) below ``serial_work``
    runs on the calling thread alone; otherwise the loop's twin or the pool
    runs it (see the module's docstring).
    """
    n = min(threads(), ntasks)
    if work is not None and work < serial_work:
        n = 1
    if n <= 1:
        loop(0, ntasks, *args)
        return
    twin = _twins.get(loop)
    if twin is not None and threading_mode() == "auto" and twins_available():
        _run_twin(twin, n, ntasks, args)
        return
    pieces = min(ntasks, 4 * n)
    bounds = [ntasks * i // pieces for i in range(pieces + 1)]
    counter = itertools.count()  # next() is atomic under the GIL

    def worker():
        while (i := next(counter)) < pieces:
            loop(bounds[i], bounds[i + 1], *args)

    pool = _get_pool(n - 1)
    futures = [pool.submit(worker) for _ in range(n - 1)]
    worker()
    for f in futures:
        # the range is done: a helper that has not started yet is cancelled rather
        # than waited for (waking it would cost more than its share saved)
        if not f.cancel():
            f.result()
