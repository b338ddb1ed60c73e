"""``imagekit warmup``: compile (or load from numba's cache) the common specialisations.

Each step is one group of loops, named by what it filters; the command shows
each on stderr (a progress bar on a terminal, else one line per step with
its time) and the total at the end.
"""

from __future__ import annotations

import sys
import time

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


def warmup(progress: bool | None = None) -> int:
    """Run every step; report each on stderr and the total time on stdout."""
    bar = sys.stderr.isatty() if progress is None else progress
    t0 = time.perf_counter()
    if bar:
        from tqdm import tqdm

        steps = tqdm(STEPS, desc="imagekit warmup", unit="step", file=sys.stderr)
    else:
        steps = STEPS
    for i, (label, fn, *args) in enumerate(steps, 1):
        t = time.perf_counter()
        if bar:
            steps.set_postfix_str(label)
        fn(*args)
        if not bar:
            dt = time.perf_counter() - t
            print(f"[{i:2}/{len(STEPS)}] {label}: {dt:.2f} s", file=sys.stderr, flush=True)
    total = time.perf_counter() - t0
    print(f"imagekit warmup: compiled/loaded {len(STEPS)} groups of loops in {total:.2f} s")
    return 0
