"""The fused rectangular minimum / maximum (``window._loops.minmax2d``) against
numpy's min/max over ``sliding_window_view`` of the image extended by
``nearest`` (clamped indices), or of an extension the caller made, for every
dtype, window size, offset and band; NaN winning or left out (NA)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import imagekit
from imagekit import Kernel
from imagekit.borders import NA
from imagekit.filtering.strategies._threads import run_tasks
from imagekit.window import plan_mapwindow
from imagekit.window._loops.minmax2d import rect_bands
from tests.window._reference import reference as window_reference
from tests.window._windows import FLOATS, INTEGERS, random_image

DTYPES = (*FLOATS, *INTEGERS)


def reference(ext, my, mx, is_max, skip_nan=False):
    view = np.lib.stride_tricks.sliding_window_view(ext, (my, mx), axis=(1, 2))
    if skip_nan:
        with warnings.catch_warnings():  # an all-NaN window: NaN, as wanted
            warnings.simplefilter("ignore", RuntimeWarning)
            return np.nanmax(view, axis=(-2, -1)) if is_max else np.nanmin(view, axis=(-2, -1))
    return view.max(axis=(-2, -1)) if is_max else view.min(axis=(-2, -1))


def clamped(image, my, mx, ay, ax):
    """``image`` (a batch) extended by its edge values as ``rect_bands`` reads it."""
    pad = [(0, 0), (max(-ay, 0), max(my - 1 + ay, 0)), (max(-ax, 0), max(mx - 1 + ax, 0))]
    ext = np.pad(image, pad, mode="edge")
    return ext[:, max(ay, 0) :, max(ax, 0) :]


@settings(max_examples=80, deadline=None)
@given(
    dtype=st.sampled_from(DTYPES),
    shape=st.tuples(st.integers(1, 3), st.integers(1, 20), st.integers(1, 20)),
    my=st.integers(1, 12),
    mx=st.integers(1, 12),
    ay_seed=st.integers(0, 100),
    ax_seed=st.integers(0, 100),
    is_max=st.booleans(),
    band=st.integers(1, 30),
    seed=st.integers(0, 2**16),
)
def test_clamped_rectangle_equals_numpy(dtype, shape, my, mx, ay_seed, ax_seed, is_max, band, seed):
    image = random_image(np.random.default_rng(seed), shape, dtype)
    b, h, w = shape
    ay = -(ay_seed % (my + h)) + min(ay_seed % 3, h - 1)  # any offset whose rows meet the image
    ax = -(ax_seed % (mx + w)) + min(ax_seed % 3, w - 1)
    ay, ax = max(ay, 1 - my - (h - 1)), max(ax, 1 - mx - (w - 1))
    out = np.empty(shape, dtype)
    rect_bands(0, b * -(-h // band), image, out, my, mx, ay, ax, is_max, None, band)
    ext = clamped(image, my, mx, ay, ax)[:, : h + my - 1, : w + mx - 1]
    np.testing.assert_array_equal(out, reference(ext, my, mx, is_max))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize(("my", "mx"), [(1, 1), (3, 5), (8, 2)])
def test_nan_wins_or_is_left_out(dtype, my, mx):
    image = random_image(np.random.default_rng(my), (2, 23, 17), dtype, nan=0.08)
    image[0, :4, :4] = np.nan  # windows of NaNs alone
    for is_max in (True, False):
        ext = np.pad(image, [(0, 0), (0, my - 1), (0, mx - 1)], constant_values=np.nan)
        for nan in (True, False):  # ``False``: NaNs and out-of-image pixels left out
            expected = reference(ext, my, mx, is_max, skip_nan=not nan)
            out = np.empty_like(image)
            rect_bands(0, 2 * 5, ext, out, my, mx, 0, 0, is_max, nan, 5)
            np.testing.assert_array_equal(out, expected)


def test_reflect_and_na_borders_by_clamping():
    # a window holding its pixel reaches every clamped-in pixel: nearest, reflect
    # and NA (the pixels inside the image) give the same maximum
    image = random_image(np.random.default_rng(3), (1, 30, 26), np.float32)
    out = np.empty_like(image)
    rect_bands(0, 3, image, out, 7, 4, -3, -2, True, None, 12)
    pad = [(0, 0), (3, 3), (2, 1)]
    for mode in ("edge", "symmetric"):
        np.testing.assert_array_equal(out, reference(np.pad(image, pad, mode=mode), 7, 4, True))
    na = np.pad(image, pad, constant_values=np.nan)
    np.testing.assert_array_equal(out, reference(na, 7, 4, True, skip_nan=True))


def test_threads_agree():
    image = random_image(np.random.default_rng(8), (2, 70, 90), np.float32)
    out = np.empty_like(image)
    with imagekit.config(threads=2):
        run_tasks(rect_bands, 2 * 6, image, out, 15, 15, -7, -7, True, None, 12)
    ext = np.pad(image, [(0, 0), (7, 7), (7, 7)], mode="edge")
    np.testing.assert_array_equal(out, reference(ext, 15, 15, True))


@pytest.mark.parametrize(
    ("border", "window", "fused"),
    [
        ("nearest", 6, True),
        ("reflect", 5, True),
        ("reflect", Kernel(np.ones((2, 3)), start=(-1, 0)), False),  # reflects past the window
        (NA(), Kernel(np.ones((2, 3)), start=(-1, 0)), True),
        (NA(), Kernel(np.ones((2, 3)), start=(1, 0)), False),  # the window misses its pixel
        ("circular", 5, False),
    ],
)
def test_the_strategy_fuses_where_clamping_is_exact(border, window, fused):
    image = random_image(np.random.default_rng(2), (2, 19, 23), np.float32, nan=0.05)
    for func in (np.max, np.min, np.ptp):
        p = plan_mapwindow(func, image, window, border, axes=(1, 2))
        assert ("fused" in repr(p)) == fused
        expected = window_reference(func, image, window, border, axes=(1, 2))
        np.testing.assert_array_equal(p(image), expected.astype(np.float32))
