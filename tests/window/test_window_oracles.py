"""mapwindow against scipy.ndimage and OpenCV on random images: the selections
exactly (integers and floats), for every border scipy shares with imagekit,
odd windows and footprints (scipy's median of an even count is the upper middle
value, which ``Rank(n // 2)`` is)."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import scipy.ndimage as ndi
from hypothesis import given, settings
from hypothesis import strategies as st

from imagekit import Fill, mapwindow
from imagekit.window import Percentile, Rank, maximum, median, minimum

from ._windows import random_image

MODES = {"reflect": "reflect", "mirror": "mirror", "nearest": "nearest", "circular": "wrap"}
DTYPES = [np.uint8, np.uint16, np.int16, np.int32, np.float32, np.float64]


@settings(max_examples=60, deadline=None)
@given(
    dtype=st.sampled_from(DTYPES),
    border=st.sampled_from([*MODES, "fill"]),
    size=st.tuples(st.integers(1, 6), st.integers(1, 6)),
    footprint=st.booleans(),
    shape=st.tuples(st.integers(1, 12), st.integers(1, 12)),
    seed=st.integers(0, 2**16),
)
def test_selections_equal_scipy(dtype, border, size, footprint, shape, seed):
    rng = np.random.default_rng(seed)
    image = random_image(rng, shape, dtype)
    if border == "fill":
        ours, mode, cval = Fill(5), "constant", 5
    else:
        ours, mode, cval = border, MODES[border], 0.0
    if footprint:
        fp = rng.random(size) < 0.6
        fp.flat[rng.integers(fp.size)] = True
        window, kw = fp, {"footprint": fp}
    else:
        fp = np.ones(size, bool)
        window, kw = size, {"size": size}
    n = int(fp.sum())
    opts = dict(mode=mode, cval=cval, **kw)
    np.testing.assert_array_equal(
        mapwindow(np.min, image, window, ours), ndi.minimum_filter(image, **opts)
    )
    np.testing.assert_array_equal(
        mapwindow(np.max, image, window, ours), ndi.maximum_filter(image, **opts)
    )
    np.testing.assert_array_equal(
        mapwindow(Rank(n // 2), image, window, ours), ndi.median_filter(image, **opts)
    )
    if n % 2:
        np.testing.assert_array_equal(
            mapwindow(np.median, image, window, ours), ndi.median_filter(image, **opts)
        )
    k = int(rng.integers(-n, n))
    np.testing.assert_array_equal(
        mapwindow(Rank(k), image, window, ours), ndi.rank_filter(image, k, **opts)
    )
    q = float(rng.uniform(0, 100))
    np.testing.assert_array_equal(
        mapwindow(Percentile(q), image, window, ours), ndi.percentile_filter(image, q, **opts)
    )


@pytest.mark.parametrize("size", [3, 5])
def test_median_equals_opencv(size):
    image = np.random.default_rng(size).integers(0, 256, (61, 77), dtype=np.uint8)
    np.testing.assert_array_equal(median(image, size, "nearest"), cv2.medianBlur(image, size))


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_min_max_equal_opencv(dtype):
    image = random_image(np.random.default_rng(2), (64, 80), dtype)
    rect = np.ones((5, 7), np.uint8)
    replicate = dict(borderType=cv2.BORDER_REPLICATE)
    np.testing.assert_array_equal(
        maximum(image, (5, 7), "nearest"), cv2.dilate(image, rect, **replicate)
    )
    np.testing.assert_array_equal(
        minimum(image, (5, 7), "nearest"), cv2.erode(image, rect, **replicate)
    )


@pytest.mark.parametrize("shape", [(40, 50), (12, 13, 14)])
def test_larger_windows_every_strategy(shape):
    rng = np.random.default_rng(7)
    for dtype in (np.uint8, np.uint16, np.float32):
        image = random_image(rng, shape, dtype)
        for size in (7, 10):
            if len(shape) == 3 and size == 10:
                continue
            ref = ndi.median_filter(image, size=size, mode="reflect")
            np.testing.assert_array_equal(
                mapwindow(Rank(size ** len(shape) // 2), image, size), ref
            )
