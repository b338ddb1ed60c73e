"""Sliding-histogram selections (``window._loops.histogram``) against numpy, exactly,
for 8- and 16-bit images, rectangular windows (odd and even sizes) and bands."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import imagekit
from imagekit.filtering.strategies._threads import run_tasks
from imagekit.window._loops.histogram import huang_rows
from imagekit.window._loops.select import MEDIAN, PERCENTILE, RANK, UPPER, ranks
from tests.window._windows import median_ref, ranked_ref


def select(ext, my, mx, kind, k=0, q=0.0, band=3):
    """``huang_rows`` over a batch of extended images ``(b, h + my - 1, w + mx - 1)``."""
    nb, h, w = ext.shape[0], ext.shape[1] - my + 1, ext.shape[2] - mx + 1
    lo, hi = ranks(kind, my * mx, k, q)
    out = np.empty((nb, h, w), ext.dtype)
    huang_rows(0, nb * (-(-h // band)), ext, out, my, mx, lo, hi, band)
    return out


def reference(ext, my, mx, kind, k=0, q=0.0):
    values = np.lib.stride_tricks.sliding_window_view(ext, (my, mx), axis=(1, 2))
    values = values.reshape((*values.shape[:3], -1))
    if kind == MEDIAN:
        return median_ref(values, ext.dtype)
    return ranked_ref(values, ranks(kind, my * mx, k, q)[0])


@settings(max_examples=60)
@given(
    dtype=st.sampled_from([np.uint8, np.uint16]),
    spread=st.sampled_from([3, 256, 1000, 65536]),  # few values (ties) to the whole range
    my=st.integers(1, 9),
    mx=st.integers(1, 9),
    h=st.integers(1, 8),
    w=st.integers(1, 12),
    kind=st.sampled_from([MEDIAN, UPPER, RANK, PERCENTILE]),
    k=st.integers(-81, 80),
    q=st.floats(0, 100),
    band=st.integers(1, 5),
    seed=st.integers(0, 2**16),
)
def test_histogram_selections_equal_numpy(dtype, spread, my, mx, h, w, kind, k, q, band, seed):
    rng = np.random.default_rng(seed)
    top = min(spread, np.iinfo(dtype).max + 1)
    base = rng.integers(0, np.iinfo(dtype).max + 2 - top)
    ext = (base + rng.integers(0, top, (2, h + my - 1, w + mx - 1))).astype(dtype)
    k = min(max(k, -my * mx), my * mx - 1)
    np.testing.assert_array_equal(
        select(ext, my, mx, kind, k, q, band), reference(ext, my, mx, kind, k, q)
    )


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
def test_extreme_values_and_jumps_across_the_range(dtype):
    # halves of 0 and of the top value: the selected value jumps the whole range
    top = np.iinfo(dtype).max
    ext = np.zeros((1, 12, 40), dtype)
    ext[:, :, 20:] = top
    ext[:, ::3, ::7] = top // 2
    for kind in (MEDIAN, UPPER):
        np.testing.assert_array_equal(select(ext, 4, 6, kind), reference(ext, 4, 6, kind))


def test_threads_agree():
    rng = np.random.default_rng(4)
    ext = rng.integers(0, 256, (2, 30 + 6, 50 + 6)).astype(np.uint8)
    lo, hi = ranks(MEDIAN, 49)
    out = np.empty((2, 30, 50), np.uint8)
    with imagekit.config(threads=2):
        run_tasks(huang_rows, 2 * 8, ext, out, 7, 7, lo, hi, 4)
    np.testing.assert_array_equal(out, reference(ext, 7, 7, MEDIAN))
