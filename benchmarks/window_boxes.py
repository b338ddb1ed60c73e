"""The window filters' median loops (the 3x3 register network, the box medians on
sorted columns) against their peers on issue #18's workloads M1, M3 and M4.

Run as ``python -m benchmarks.window_boxes [repeats [threading [names]]]``
(``threading``: ``auto`` or ``pool``, imagekit's setting; ``names``: the
workloads to run, as ``M1,M3``; every one by default). Each workload times
imagekit's loop on the path a strategy runs (the border extension included:
the 3x3 median reads the image in place and extends only its frame) and the
peer in one process, in interleaved blocks of calls, both at their default
threads; each time is the minimum over the blocks of the mean call, and the
ratio is the peer's time over ours (above 1: ours is faster). Results are
checked equal to the peer's (away from the border where the peers' rules
differ).
"""

from __future__ import annotations

import sys
import time

import cv2
import numpy as np
import scipy.ndimage as ndi

import imagekit
from imagekit import padarray
from imagekit.borders._border import normalize_border
from imagekit.filtering.strategies._threads import run_tasks
from imagekit.window import plan_mapwindow
from imagekit.window._geometry import flat_offsets, normalize_window
from imagekit.window._interior import run_in_place
from imagekit.window._loops import box3x3x3, box7x7, select


def _geometry(ext, footprint, out_shape):
    """The footprint's flat offsets into ``ext`` and the flat base of each output row."""
    return flat_offsets(ext.shape, footprint, out_shape)


def median3(image):
    """The 3x3 median: the image read in place, its frame from small extensions."""
    window = normalize_window(3, (0, 1), 2)
    out = np.empty_like(image)
    return run_in_place(select.median9_rows, image, normalize_border("reflect"), window, out)


def median_box(image, size, loop):
    """The median over a box of ``size`` on every axis by a ``box*`` loop."""
    ext = padarray(image, "reflect", size // 2)
    offsets, bases = _geometry(ext, np.ones((size,) * image.ndim, bool), image.shape)
    out = np.empty_like(image)
    run_tasks(loop, bases.size, ext.ravel(), bases, offsets, out.reshape(bases.size, -1))
    return out


def _best(fs, blocks, calls):
    """Minimum over ``blocks`` of the mean time of ``calls`` calls of each function,
    the functions' blocks in turn."""
    best = [np.inf] * len(fs)
    for _ in range(blocks):
        for i, f in enumerate(fs):
            t = time.perf_counter()
            for _ in range(calls):
                f()
            best[i] = min(best[i], (time.perf_counter() - t) / calls)
    return best


def main(repeats: int = 7, only: tuple[str, ...] = ()) -> None:
    rng = np.random.default_rng(0)
    u8 = rng.integers(0, 256, (2048, 2048), dtype=np.uint8)
    f32 = rng.random((1024, 1024), dtype=np.float32)
    f32c = rng.random((128, 128, 128), dtype=np.float32)
    workloads = [
        (
            "M1 median 3x3 u8 vs cv2.medianBlur",
            lambda: cv2.medianBlur(u8, 3),
            lambda: median3(u8),
            1,
        ),
        (
            "M3 median 7x7 f32 vs ndi.median_filter",
            lambda: ndi.median_filter(f32, 7),
            lambda: median_box(f32, 7, box7x7.median_7x7_rows),
            0,
        ),
        (
            "M4 median 3x3x3 f32 vs ndi.median_filter",
            lambda: ndi.median_filter(f32c, 3),
            lambda: median_box(f32c, 3, box3x3x3.median_3x3x3_rows),
            0,
        ),
    ]
    # the public path: a kept plan, on the strategy the planner chooses
    m1 = plan_mapwindow(np.median, u8, 3, "reflect")
    m3 = plan_mapwindow(np.median, f32, 7, "reflect")
    m4 = plan_mapwindow(np.median, f32c, 3, "reflect")
    workloads += [
        (f"M1 plan ({m1.strategy})", lambda: cv2.medianBlur(u8, 3), lambda: m1(u8), 1),
        (f"M3 plan ({m3.strategy})", lambda: ndi.median_filter(f32, 7), lambda: m3(f32), 0),
        (f"M4 plan ({m4.strategy})", lambda: ndi.median_filter(f32c, 3), lambda: m4(f32c), 0),
    ]
    for name, peer, ours, edge in workloads:
        if only and name[:2] not in only:
            continue
        a, b = peer(), ours()  # the first calls compile
        inner = (slice(edge, a.shape[0] - edge),) * a.ndim
        assert np.array_equal(a[inner], b[inner]), name
        slow = name[:2] in ("M3", "M4")
        tp, to = _best([peer, ours], repeats, 1 if slow else 10)
        print(f"{name}: peer {tp * 1e3:8.2f} ms  ours {to * 1e3:8.2f} ms  ratio {tp / to:5.2f}x")


if __name__ == "__main__":
    with imagekit.config(threading=sys.argv[2] if len(sys.argv) > 2 else "auto"):
        print(f"imagekit threads: {imagekit.config().threads}, {imagekit.config().threading}")
        only = tuple(sys.argv[3].split(",")) if len(sys.argv) > 3 else ()
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 7, only)
