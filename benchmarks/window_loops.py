"""The window filters' loops against their peers on issue #18's workloads M1, M2, M3,
M5, M6.

Run as ``python -m benchmarks.window_loops [repeats [threading [names...]]]``
(``threading``: ``auto`` or ``pool``, imagekit's setting; ``names``: the
workloads to run, such as ``M2 M6``, all by default). Each workload times
imagekit's loop (the border extension included) and the peer in one
process, interleaved call by call, both at their default threads. It prints
the minimum time of each over the repeats, the ratio of the minima and the
median of the per-round ratios (the peer's time over ours: above 1, ours is
faster; on a shared machine the median ratio is the steadier). Results are
checked equal to the peer's away from the border, where the peers' rules
differ, or, for M6 (skimage's percentile rounds its rank differently), to a
numpy reference of imagekit's definition on a crop.
"""

from __future__ import annotations

import sys
import time

import cv2
import numpy as np
import scipy.ndimage as ndi
from skimage.filters.rank import percentile as sk_percentile
from skimage.morphology import disk

import imagekit
from imagekit import padarray
from imagekit.borders import Fill
from imagekit.borders._pad import extend
from imagekit.filtering.strategies._threads import run_tasks
from imagekit.window._loops import bitselect, histogram, minmax2d, select


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


def median_bits(image, size, chunk=1024):
    """The median over a ``size`` square, reflect border, by the bit search."""
    r = size // 2
    ext = padarray(image, "reflect", r)
    offsets, bases = _geometry(ext, np.ones((size, size), bool), image.shape)
    out = np.empty_like(image)
    bits = 8 * image.dtype.itemsize
    none = np.zeros(0, np.int64)
    args = (ext.ravel(), bases, offsets, out, select.MEDIAN, 0, 0.0, bits, none, none, 0, 0)
    run_tasks(bitselect.bits_rows, image.shape[0], *args, 0, chunk)
    return out


def median_network(image, size, chunk=128):
    ext = padarray(image, "reflect", size // 2)
    offsets, bases = _geometry(ext, np.ones((size, size), bool), image.shape)
    lo, hi = select.ranks(select.MEDIAN, size * size)
    pairs = select.network(size * size, lo, hi)
    out = np.empty_like(image)
    rows = image.shape[0]
    run_tasks(select.network_rows, rows, ext.ravel(), bases, offsets, out, pairs, lo, hi, chunk)
    return out


def maximum(image, size, band=60):
    """The maximum over a ``size`` square, nearest border: one fused pass that clamps
    indices at the edges (no extension); a NaN wins in floats, as in ``maximum``."""
    h, w = image.shape
    out = np.empty((1, h, w), image.dtype)
    r = size // 2
    ntasks = -(-h // band)
    nan = True if image.dtype.kind == "f" else None
    run_tasks(minmax2d.rect_bands, ntasks, image[None], out, size, size, -r, -r, True, nan, band)
    return out[0]


def percentile_na(image, footprint, q, chunk=1024):
    """The ``q`` percentile over ``footprint`` with the NA border: the image extended by
    its dtype's top value, which no count includes, and the ranks of the pixels inside."""
    fy, fx = footprint.shape
    h, w = image.shape
    lo = (-(fy // 2), -(fx // 2))
    hi = (h + fy - 1 + lo[0], w + fx - 1 + lo[1])
    ext = extend(image, Fill(np.iinfo(image.dtype).max), lo, hi)
    offsets, bases = _geometry(ext, footprint, image.shape)
    dy, dx = np.nonzero(footprint)
    out = np.empty_like(image)
    bits = 8 * image.dtype.itemsize
    na = (dy + lo[0], dx + lo[1], h, w)
    args = (ext.ravel(), bases, offsets, out, select.PERCENTILE, 0, q, bits, *na, 0, chunk)
    run_tasks(bitselect.bits_rows, h, *args)
    return out


def percentile_na_ref(image, footprint, q):
    """numpy: the rank ``min(int(q / 100 n), n - 1)`` value among the ``n`` pixels
    of each window inside the image."""
    fy, fx = footprint.shape
    pad = [(fy // 2, fy - 1 - fy // 2), (fx // 2, fx - 1 - fx // 2)]
    ext = np.pad(image.astype(float), pad, constant_values=np.nan)
    values = np.sort(np.lib.stride_tricks.sliding_window_view(ext, footprint.shape)[..., footprint])
    n = (~np.isnan(values)).sum(axis=-1)
    rank = np.minimum((q / 100 * n).astype(int), n - 1)
    return np.take_along_axis(values, rank[..., None], axis=-1)[..., 0].astype(image.dtype)


def _times(pairs, repeats):
    """Times of each function, the functions called in turn ``repeats`` times."""
    times = [[] for _ in pairs]
    for _ in range(repeats):
        for i, f in enumerate(pairs):
            t = time.perf_counter()
            f()
            times[i].append(time.perf_counter() - t)
    return [np.array(t) for t in times]


def main(repeats: int = 7, names=()) -> None:
    rng = np.random.default_rng(0)
    u8 = rng.integers(0, 256, (2048, 2048), dtype=np.uint8)
    f32 = rng.random((1024, 1024), dtype=np.float32)
    f32b = rng.random((2048, 2048), dtype=np.float32)
    rect = np.ones((15, 15), np.uint8)
    d5 = disk(5).astype(bool)
    # (name, peer, ours, border width where the results are not compared)
    workloads = [
        (
            "M1 median 3x3 u8 vs cv2.medianBlur",
            lambda: cv2.medianBlur(u8, 3),
            lambda: median3(u8),
            1,
        ),
        (
            "M2h median 15x15 u8 (Huang histogram) vs cv2.medianBlur",
            lambda: cv2.medianBlur(u8, 15),
            lambda: median_histogram(u8, 15),
            7,
        ),
        (
            "M2 median 15x15 u8 (bit search) vs cv2.medianBlur",
            lambda: cv2.medianBlur(u8, 15),
            lambda: median_bits(u8, 15),
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
            0,
        ),
        (
            "M6 25th percentile disk(5) u8 NA vs skimage rank.percentile",
            lambda: sk_percentile(u8, disk(5), p0=0.25),
            lambda: percentile_na(u8, d5, 25.0),
            None,
        ),
    ]
    for name, peer, ours, edge in workloads:
        if names and name.split()[0] not in names:
            continue
        a, b = peer(), ours()  # the first calls compile
        if edge is None:  # against imagekit's definition, on a crop with two image edges
            crop = u8[:200, :200]
            assert np.array_equal(b[:190, :190], percentile_na_ref(crop, d5, 25.0)[:190, :190])
        else:
            inner = (slice(edge, a.shape[0] - edge),) * 2
            assert np.array_equal(a[inner], b[inner]), name
        tp, to = _times([peer, ours], repeats if "M3" not in name else max(2, repeats // 3))
        print(
            f"{name}: peer {tp.min() * 1e3:8.2f} ms  ours {to.min() * 1e3:8.2f} ms  "
            f"ratio of minima {tp.min() / to.min():5.2f}x  median ratio {np.median(tp / to):5.2f}x"
        )


if __name__ == "__main__":
    with imagekit.config(threading=sys.argv[2] if len(sys.argv) > 2 else "auto"):
        print(f"imagekit threads: {imagekit.config().threads}, {imagekit.config().threading}")
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 7, tuple(sys.argv[3:]))
