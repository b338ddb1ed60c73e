"""``imagekit warmup``: compile (or load from numba's cache) the common specialisations.

Each step is one group of loops, named by what it filters; the command shows
each on stderr (a progress bar on a terminal, else one line per step with
its time) and the total at the end.

The steps run in worker processes, one per core (``jobs``): numba compiles
one function at a time in a process (it holds a lock while it compiles),
so processes are how compilation uses several cores. numba's on-disk cache
is not safe for processes that write it at once: saving an entry reads the
function's index, adds the entry under the first free data-file name and
writes the index back, so two processes saving at once can lose an entry
or give two entries one data file (and a later process would load the
wrong machine code). Each worker therefore takes an exclusive lock on one
file around every save (``_locked_saves``); where file locks are not
available (no ``fcntl``), the steps run in this process, one after another.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from multiprocessing import get_context

import numpy as np

from . import filterbank, imfilter, kernels, window
from .borders import NA
from .gradients import imfilter_vjp

__all__ = ["STEPS", "warmup"]


def _blurs(dtype):
    """Gaussian and 3x3 box, direct and separable, on a small RGB image."""
    image = np.zeros((32, 32, 3), dtype)
    out = dict(dtype=np.uint8) if dtype == np.uint8 else {}
    for algorithm in ("direct", "separable"):
        imfilter(image, kernels.gaussian(1.0), algorithm=algorithm, channel_axis=-1, **out)
    imfilter(image, kernels.box(3), algorithm="direct", channel_axis=-1, **out)


def _threaded(dtype):
    """A full 3x3 kernel has a loop of its own, and on images large enough for two
    threads a numba-parallel twin (as has the uint8 box)."""
    out = dict(dtype=np.uint8) if dtype == np.uint8 else {}
    big = np.zeros((400, 400, 3), dtype)
    imfilter(big, kernels.box(3), algorithm="direct", channel_axis=-1, **out)
    imfilter(big, kernels.box(5), channel_axis=-1, **out)


def _iir():
    imfilter(np.zeros((32, 32)), kernels.gaussian(2.0), "nearest", algorithm="iir")


def _bank(algorithm):
    """A CNN layer: the filter bank's register tiles and their twin (float32), directly
    and through Winograd's transforms (what "auto" takes for wide 3x3 layers)."""
    bank = np.zeros((3, 3, 16, 64), np.float32)
    filterbank(np.zeros((64, 64, 16), np.float32), bank, 0, algorithm=algorithm)


def _gradients(dtype):
    """Learning a filter: both gradients of a 3x3 and of a 5x5 in one pass over the
    rows, on images large enough for the 3x3's parallel twin. The kernels are not
    separable, as learned kernels are not (a separable one takes other loops)."""
    image = np.ones((400, 400), dtype)
    for kernel in (np.arange(1.0, 10.0).reshape(3, 3), np.arange(1.0, 26.0).reshape(5, 5)):
        for border in (0, "reflect"):
            imfilter_vjp(image, kernel, image, border)


def _medians(dtype):
    """Median 3x3, 5x5 and 7x7 (and a 25th percentile), each on a small image (one
    thread) and on one large enough for the threaded loops: for uint8 the 3x3
    network and the sliding histogram, for float32 the 3x3 network, the sorting
    networks and selection; and the median with missing pixels (``NA``)."""
    for n in (64, 512):
        image = np.zeros((n, n), dtype)
        for size in (3, 5, 7):
            window.median(image, size)
        window.percentile(image, 25, 5)
    if dtype == np.float32:
        window.median(image, 3, NA())
        window.median(image, 5, NA())


def _extremes(dtype):
    """Minimum and maximum over 3x3 and 15x15 rectangles (van Herk / Gil-Werman lines),
    on a small image and on one large enough for the threaded loops."""
    for n in (64, 512):
        image = np.zeros((n, n), dtype)
        for size in (3, 15):
            window.minimum(image, size)
            window.maximum(image, size, "nearest")


# (what it compiles, the call)
STEPS = [
    *(
        (f"{np.dtype(dt).name} gaussian and 3x3 box, direct and separable", _blurs, dt)
        for dt in (np.float32, np.float64, np.uint8)
    ),
    *(
        (f"{np.dtype(dt).name} 3x3 and 5x5 box on 400x400, threaded loops", _threaded, dt)
        for dt in (np.float32, np.float64, np.uint8)
    ),
    ("float64 recursive Gaussian (iir)", _iir),
    ("float32 filter bank 16 -> 64 channels, direct", _bank, "direct"),
    ("float32 filter bank 16 -> 64 channels, Winograd", _bank, "winograd"),
    ("float32 gradients of 3x3 and 5x5 kernels", _gradients, np.float32),
    ("float64 gradients of 3x3 and 5x5 kernels", _gradients, np.float64),
    *(
        (f"{np.dtype(dt).name} median 3x3, 5x5, 7x7 and percentile, window filters", _medians, dt)
        for dt in (np.uint8, np.float32)
    ),
    *(
        (f"{np.dtype(dt).name} minimum and maximum 3x3 and 15x15", _extremes, dt)
        for dt in (np.uint8, np.float32)
    ),
]


def _locked_saves(lock_path: str) -> None:
    """Make every save to numba's on-disk cache in this process hold an exclusive lock
    on ``lock_path`` (see the module docstring)."""
    import fcntl

    from numba.core import caching

    save = caching.IndexDataCacheFile.save

    def locked(self, key, data):
        with open(lock_path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
            save(self, key, data)

    caching.IndexDataCacheFile.save = locked


def _run_step(i: int) -> float:
    """Step ``i`` (in a worker process); its time in seconds."""
    t = time.perf_counter()
    _label, fn, *args = STEPS[i]
    fn(*args)
    return time.perf_counter() - t


def _default_jobs() -> int:
    try:
        import fcntl  # noqa: F401 - only whether it imports
    except ImportError:
        return 1
    return max(1, min(len(STEPS), os.cpu_count() or 1))


def warmup(progress: bool | None = None, jobs: int | None = None) -> int:
    """Run every step, in ``jobs`` worker processes (None: one per core; 1: in this
    process, in order); report each on stderr and the total time on stdout."""
    bar = sys.stderr.isatty() if progress is None else progress
    jobs = _default_jobs() if jobs is None else jobs
    t0 = time.perf_counter()
    if bar:
        from tqdm import tqdm

        bar = tqdm(total=len(STEPS), desc="imagekit warmup", unit="step", file=sys.stderr)

    def report(i, seconds):
        if bar:
            bar.set_postfix_str(STEPS[i][0])
            bar.update()
        else:
            print(
                f"[{i + 1:2}/{len(STEPS)}] {STEPS[i][0]}: {seconds:.2f} s",
                file=sys.stderr,
                flush=True,
            )

    if jobs <= 1:
        for i in range(len(STEPS)):
            report(i, _run_step(i))
    else:
        with tempfile.TemporaryDirectory() as tmp:
            # fresh processes (not forked: this one may hold threads and numba's state)
            workers = ProcessPoolExecutor(
                jobs, get_context("spawn"), _locked_saves, (os.path.join(tmp, "numba-cache.lock"),)
            )
            with workers:
                done = {workers.submit(_run_step, i): i for i in range(len(STEPS))}
                for future in as_completed(done):
                    report(done[future], future.result())
    if bar:
        bar.close()
    total = time.perf_counter() - t0
    print(f"imagekit warmup: compiled/loaded {len(STEPS)} groups of loops in {total:.2f} s")
    return 0
