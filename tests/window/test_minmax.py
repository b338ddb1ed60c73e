"""Running minima and maxima (``window._loops.minmax``) against numpy's min/max over
``sliding_window_view``, for every dtype, window length, axis and shape."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import imagekit
from imagekit.filtering.strategies._threads import run_tasks
from imagekit.window._loops.minmax import doubling_lines, vanherk_lines
from tests.window._windows import FLOATS, INTEGERS, random_image

DTYPES = (*FLOATS, *INTEGERS)


def lines(ext, axis, m):
    """``ext`` as ``(outer, n + m - 1, inner)`` and an output to match."""
    shape = ext.shape
    outer, inner = int(np.prod(shape[:axis])), int(np.prod(shape[axis + 1 :]))
    src = ext.reshape(outer, shape[axis], inner)
    return src, np.empty((outer, shape[axis] - m + 1, inner), ext.dtype)


def reference(ext, axis, m, is_max):
    view = np.lib.stride_tricks.sliding_window_view(ext, m, axis=axis)
    return view.max(axis=-1) if is_max else view.min(axis=-1)


def run_vanherk(ext, axis, m, is_max, nan=None, chunk=5):
    src, dst = lines(ext, axis, m)
    n, inner = dst.shape[1], dst.shape[2]
    ntasks = dst.shape[0] * (-(-inner // chunk)) * (-(-n // m))
    vanherk_lines(0, ntasks, src, dst, m, is_max, nan, chunk)
    return dst.reshape(reference(ext, axis, m, is_max).shape)


def run_doubling(ext, axis, m, is_max, nan=None):
    src, dst = lines(ext, axis, m)
    doubling_lines(0, dst.shape[0], src, dst, m, is_max, nan)
    return dst.reshape(reference(ext, axis, m, is_max).shape)


@settings(max_examples=60)
@given(
    dtype=st.sampled_from(DTYPES),
    m=st.integers(1, 31),
    shape=st.lists(st.integers(1, 9), min_size=1, max_size=3),
    axis_seed=st.integers(0, 2),
    is_max=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_running_extremum_equals_numpy(dtype, m, shape, axis_seed, is_max, seed):
    axis = axis_seed % len(shape)
    shape[axis] += m - 1  # the extended axis: n + m - 1 values
    ext = random_image(np.random.default_rng(seed), tuple(shape), dtype)
    expected = reference(ext, axis, m, is_max)
    np.testing.assert_array_equal(run_vanherk(ext, axis, m, is_max), expected)
    np.testing.assert_array_equal(run_doubling(ext, axis, m, is_max), expected)


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("m", [1, 2, 5, 8])
def test_nan_wins_every_comparison_when_asked(dtype, m):
    ext = random_image(np.random.default_rng(m), (6, 19 + m, 6 + m), dtype, nan=0.05)
    for is_max in (True, False):
        for axis in (1, 2):
            expected = reference(ext, axis, m, is_max)  # numpy: a NaN in the window gives NaN
            assert np.isnan(expected).any()
            got = run_vanherk(ext, axis, m, is_max, nan=True)
            np.testing.assert_array_equal(got, expected)
            got = run_doubling(ext, axis, m, is_max, nan=True)
            np.testing.assert_array_equal(got, expected)


def test_two_passes_give_a_rectangle_and_threads_agree():
    rng = np.random.default_rng(7)
    image = random_image(rng, (37, 41), np.float32)
    ext = np.pad(image, [(4, 4), (2, 3)], mode="edge")
    expected = reference(reference(ext, 0, 9, True), 1, 6, True)
    with imagekit.config(threads=2):
        src, mid = lines(ext, 0, 9)
        run_tasks(vanherk_lines, 1 * 2 * 5, src, mid, 9, True, None, 32)
        src, out = lines(mid.reshape(37, 46), 1, 6)
        run_tasks(doubling_lines, 37, src, out, 6, True, None)
    np.testing.assert_array_equal(out.reshape(37, 41), expected)


@pytest.mark.parametrize("m", [1, 3, 8])
def test_nan_left_out_when_asked(m):
    ext = random_image(np.random.default_rng(m), (5, 17 + m, 4 + m), np.float64, nan=0.2)
    ext[0, : m + 2] = np.nan  # windows of NaNs alone: NaN
    for is_max in (True, False):
        for axis in (1, 2):
            view = np.lib.stride_tricks.sliding_window_view(ext, m, axis=axis)
            with np.errstate(all="ignore"), pytest.warns(RuntimeWarning):
                expected = np.nanmax(view, axis=-1) if is_max else np.nanmin(view, axis=-1)
            got = run_vanherk(ext, axis, m, is_max, nan=False)
            np.testing.assert_array_equal(got, expected)
            np.testing.assert_array_equal(run_doubling(ext, axis, m, is_max, nan=False), expected)
