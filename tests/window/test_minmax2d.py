"""The fused rectangular minimum / maximum (``window._loops.minmax2d``) against
numpy's min/max over ``sliding_window_view`` of the image extended by
``nearest`` (clamped indices), or of an extension the caller made, for every
dtype, window size, offset and band; NaN winning or left out (NA)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.ndimage as ndi
from hypothesis import given, settings
from hypothesis import strategies as st

import imagekit
from imagekit import Fill, Kernel
from imagekit.borders import NA
from imagekit.filtering.strategies._threads import run_tasks
from imagekit.window import maximum, minimum, plan_mapwindow
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


@settings(max_examples=40, deadline=None)
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


@pytest.mark.parametrize("mx", range(1, 21))
def test_every_width_across_the_paired_doublings(mx):
    """Across a row: two doublings per pass while they fit (1 -> 4 -> 16), then one,
    then a last shifted comparison; with NaNs winning or left out as well."""
    image = random_image(np.random.default_rng(mx), (1, 9, 40), np.float32, nan=0.05)
    ext = np.pad(image, [(0, 0), (0, 1), (0, mx - 1)], constant_values=np.nan)
    for is_max in (True, False):
        for nan in (None, True, False):
            out = np.empty_like(image)
            rect_bands(0, 2, ext, out, 2, mx, 0, 0, is_max, nan, 5)
            expected = reference(ext, 2, mx, is_max, skip_nan=nan is False)
            if nan is None:  # plain comparisons: only where no NaN is in the window
                clean = ~np.isnan(reference(ext, 2, mx, True))
                np.testing.assert_array_equal(out[clean], expected[clean])
            else:
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


@pytest.mark.parametrize(("my", "mx"), [(3, 4), (7, 5), (1, 9)])
@pytest.mark.parametrize("band", [1, 5, 14])
def test_nan_in_some_bands_only(my, mx, band):
    # bands with NaNs among bands without (plain comparisons there, the NaN rule
    # in the others): NaNs in the first row, in one band's rows only, in the rows a
    # band reads past its end, and in the last row
    image = random_image(np.random.default_rng(my + band), (2, 61, 17), np.float64)
    image[0, 0, 3] = image[0, 37, 16] = image[1, 60, 0] = np.nan
    image[1, 20:23, 5] = np.nan
    ay, ax = -(my // 2), -(mx // 2)
    ntasks = 2 * -(-61 // band)
    pad = [(0, 0), (-ay, my - 1 + ay), (-ax, mx - 1 + ax)]
    for is_max in (True, False):
        out = np.empty_like(image)
        rect_bands(0, ntasks, image, out, my, mx, ay, ax, is_max, True, band)
        expected = reference(np.pad(image, pad, mode="edge"), my, mx, is_max)
        np.testing.assert_array_equal(out, expected)
        rect_bands(0, ntasks, image, out, my, mx, ay, ax, is_max, False, band)  # NA
        na = np.pad(image, pad, constant_values=np.nan)
        np.testing.assert_array_equal(out, reference(na, my, mx, is_max, skip_nan=True))


def test_hand_derived_maximum_and_minimum():
    image = np.array([[1, 5, 2, 0], [3, 0, 9, 4], [7, 1, 1, 6]], np.float32)
    # 3x3 windows, nearest: rows and columns clamped at the edges
    expected_max = np.array([[5, 9, 9, 9], [7, 9, 9, 9], [7, 9, 9, 9]], np.float32)
    expected_min = np.array([[0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1]], np.float32)
    np.testing.assert_array_equal(maximum(image, 3, "nearest"), expected_max)
    np.testing.assert_array_equal(minimum(image, 3, "nearest"), expected_min)
    image[1, 2] = np.nan  # a NaN wins every window holding it; NA leaves it out
    nan_max = maximum(image, 3, "nearest")
    assert np.isnan(nan_max[:, 1:]).all() and not np.isnan(nan_max[:, 0]).any()
    np.testing.assert_array_equal(maximum(image, 3, NA())[:, 1:], [[5, 5, 4], [7, 6, 6], [7, 6, 6]])


SCIPY_BORDERS = {
    "nearest": ("nearest", 0.0),
    "reflect": ("reflect", 0.0),
    "fill": ("constant", 3.0),
}


@settings(max_examples=40, deadline=None)
@given(
    dtype=st.sampled_from([np.uint8, np.int16, np.float32, np.float64]),
    border=st.sampled_from(sorted(SCIPY_BORDERS)),
    size=st.tuples(st.integers(1, 17), st.integers(1, 17)),
    shape=st.tuples(st.integers(1, 40), st.integers(1, 40)),
    nan=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_maximum_and_minimum_equal_scipy(dtype, border, size, shape, nan, seed):
    # windows larger than the image included; NaNs against numpy's rule (scipy's
    # result with NaNs depends on the order it compares in)
    nan = nan and np.dtype(dtype).kind == "f"
    image = random_image(np.random.default_rng(seed), shape, dtype, nan=0.03 if nan else 0.0)
    mode, cval = SCIPY_BORDERS[border]
    ours = Fill(cval) if border == "fill" else border
    for func, ik_func, ndi_func in (
        (np.max, maximum, ndi.maximum_filter),
        (np.min, minimum, ndi.minimum_filter),
    ):
        got = ik_func(image, size, ours)
        if nan:
            expected = window_reference(func, image, size, ours).astype(dtype)
        else:
            expected = ndi_func(image, size, mode=mode, cval=cval)
        np.testing.assert_array_equal(got, expected)
