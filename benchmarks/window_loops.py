"""The window filters' loops against their peers on issue #18's workloads M1, M2, M3, M5.

Run as ``python -m benchmarks.window_loops [repeats [threading]]``
(``threading``: ``auto`` or ``pool``, imagekit's setting). Each workload times
imagekit's loop (the border extension by ``imagekit.padarray`` included)
and the peer in one process, interleaved call by call, both at their
default threads; each time is the minimum over the repeats, and the ratio
is the peer's time over ours (above 1: ours is faster). Results are checked
equal to the peer's (away from the border, where the peers' rules differ).
"""

from __future__ import annotations

import sys
import time

import cv2
import numpy as np
import scipy.ndimage as ndi

import imagekit
from imagekit import padarray
from imagekit.filtering.strategies._threads import run_tasks
from imagekit.window._loops import histogram, minmax, select


def _geometry(ext, footprint, out_shape):
    """The footprint's flat offsets into ``ext`` and the flat base of each output row."""
    strides = np.array([int(np.prod(ext.shape[i + 1 :])) for i in range(ext.ndim)])
    offsets = (np.argwhere(footprint) * strides).sum(axis=1).astype(np.int64)
    nrows = int(np.prod(out_shape[:-1]))
    rows = np.indices(out_shape[:-1]).reshape(len(out_shape) - 1, nrows)
    return offsets, (rows * strides[:-1, None]).sum(axis=0).astype(np.int64)


def median3(image):
    ext = padarray(image, "reflect", 1)
    offsets, bases = _geometry(ext, np.ones((3, 3), bool), image.shape)
    out = np.empty_like(image)
    run_tasks(select.median9_rows, image.shape[0], ext.ravel(), bases, offsets, out)
    return out


def median_histogram(image, size, band=32):
    ext = padarray(image, "reflect", size // 2)[None]
    lo, hi = select.ranks(select.MEDIAN, size * size)
    out = np.empty((1, *image.shape), image.dtype)
    ntasks = -(-image.shape[0] // band)
    run_tasks(histogram.huang_rows, ntasks, ext, out, size, size, lo, hi, band)
    return out[0]


def median_network(image, size, chunk=128):
    ext = padarray(image, "reflect", size // 2)
    offsets, bases = _geometry(ext, np.ones((size, size), bool), image.shape)
    lo, hi = select.ranks(select.MEDIAN, size * size)
    pairs = select.network(size * size, lo, hi)
    out = np.empty_like(image)
    rows = image.shape[0]
    run_tasks(select.network_rows, rows, ext.ravel(), bases, offsets, out, pairs, lo, hi, chunk)
    return out


def maximum(image, size):
    h, w = image.shape
    ext = padarray(image, "replicate", size // 2)
    mid = np.empty((1, h, w + size - 1), image.dtype)
    chunk = 4096
    ntasks = -(-(w + size - 1) // chunk) * -(-h // size)
    run_tasks(minmax.vanherk_lines, ntasks, ext[None], mid, size, True, None, chunk)
    out = np.empty((h, w, 1), image.dtype)
    run_tasks(minmax.doubling_lines, h, mid.reshape(h, w + size - 1, 1), out, size, True, None)
    return out.reshape(h, w)


def _best(pairs, repeats):
    """Minimum time of each function, the functions called in turn ``repeats`` times."""
    best = [np.inf] * len(pairs)
    for _ in range(repeats):
        for i, f in enumerate(pairs):
            t = time.perf_counter()
            f()
            best[i] = min(best[i], time.perf_counter() - t)
    return best


def main(repeats: int = 7) -> None:
    rng = np.random.default_rng(0)
    u8 = rng.integers(0, 256, (2048, 2048), dtype=np.uint8)
    f32 = rng.random((1024, 1024), dtype=np.float32)
    f32b = rng.random((2048, 2048), dtype=np.float32)
    rect = np.ones((15, 15), np.uint8)
    workloads = [
        (
            "M1 median 3x3 u8 vs cv2.medianBlur",
            lambda: cv2.medianBlur(u8, 3),
            lambda: median3(u8),
            1,
        ),
        (
            "M2 median 15x15 u8 vs cv2.medianBlur",
            lambda: cv2.medianBlur(u8, 15),
            lambda: median_histogram(u8, 15),
            7,
        ),
        (
            "M3 median 7x7 f32 vs ndi.median_filter",
            lambda: ndi.median_filter(f32, 7),
            lambda: median_network(f32, 7),
            3,
        ),
        (
            "M5 max 15x15 f32 vs cv2.dilate",
            lambda: cv2.dilate(f32b, rect, borderType=cv2.BORDER_REPLICATE),
            lambda: maximum(f32b, 15),
            7,
        ),
    ]
    for name, peer, ours, edge in workloads:
        a, b = peer(), ours()  # the first calls compile
        inner = (slice(edge, -edge),) * 2
        assert np.array_equal(a[inner], b[inner]), name
        tp, to = _best([peer, ours], repeats if "M3" not in name else max(2, repeats // 3))
        print(f"{name}: peer {tp * 1e3:8.2f} ms  ours {to * 1e3:8.2f} ms  ratio {tp / to:5.2f}x")


if __name__ == "__main__":
    with imagekit.config(threading=sys.argv[2] if len(sys.argv) > 2 else "auto"):
        print(f"imagekit threads: {imagekit.config().threads}, {imagekit.config().threading}")
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
