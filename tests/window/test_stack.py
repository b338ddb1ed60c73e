"""The compile-free ``stack`` strategy (window views stacked and sorted, NumPy
alone) against the compiled strategies and numpy, exactly: every selection and
ptp, dtype, border (Fill and NA included), shape, channels and footprint."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import imagekit
from imagekit.borders import NA, Fill
from imagekit.window import Percentile, Rank, mapwindow, plan_mapwindow
from tests.window._reference import reference
from tests.window._windows import random_image

DTYPES = (np.uint8, np.uint16, np.int16, np.int32, np.float32, np.float64, np.bool_, np.float16)
BORDERS = ("reflect", "symmetric", "nearest", "circular", Fill(0), Fill(7), Fill(300), NA())


def _funcs(n):
    return st.sampled_from(
        [np.median, np.min, np.max, np.ptp, Rank(0), Rank(n - 1), Rank(-1), Percentile(37.5)]
    )


@settings(max_examples=60)
@given(
    data=st.data(),
    dtype=st.sampled_from(DTYPES),
    ndim=st.integers(1, 3),
    border=st.sampled_from(BORDERS),
    shape_mode=st.sampled_from(["same", "valid", "full"]),
    seed=st.integers(0, 2**16),
)
def test_stack_equals_the_compiled_strategies(data, dtype, ndim, border, shape_mode, seed):
    sides = hnp.array_shapes(min_dims=ndim, max_dims=ndim, min_side=1, max_side=4)
    footprint = data.draw(
        sides.flatmap(lambda s: hnp.arrays(np.bool_, s)).filter(lambda f: f.any()), label="fp"
    )
    shape = data.draw(hnp.array_shapes(min_dims=ndim, max_dims=ndim, max_side=8), label="shape")
    func = data.draw(_funcs(int(footprint.sum())), label="func")
    if np.dtype(dtype).kind == "b" and func is np.ptp:
        return  # numpy refuses ptp of booleans; mapwindow's own rule is tested elsewhere
    nan = 0.1 if np.dtype(dtype).kind == "f" else 0.0
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind == "b":
        image = rng.integers(0, 2, shape).astype(bool)
    else:
        image = random_image(rng, shape, np.dtype(dtype), nan=nan)
    options = dict(shape=shape_mode)
    got = mapwindow(func, image, footprint, border, algorithm="stack", **options)
    want = mapwindow(func, image, footprint, border, **options)
    assert plan_mapwindow(func, image, footprint, border, **options).strategy != "stack"
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("border", ["reflect", Fill(2.5), NA()])
@pytest.mark.parametrize("func", [np.median, np.max, Rank(3), Percentile(80)])
def test_stack_equals_numpy_with_channels(func, border):
    image = np.random.default_rng(3).random((9, 7, 3)).astype(np.float32)
    image[2, 3, 1] = np.nan
    got = mapwindow(func, image, (3, 4), border, channel_axis=-1, algorithm="stack")
    want = reference(func, image, (3, 4), border, channel_axis=-1)
    np.testing.assert_array_equal(got, want.astype(got.dtype))


def test_even_integer_median_is_rounded_half_to_even_as_in_memory():
    image = np.array([[1, 2, 3, 4], [5, 6, 250, 255]], np.uint8)
    for border in ("reflect", NA(), Fill(9)):
        got = mapwindow(np.median, image, (2, 2), border, algorithm="stack")
        np.testing.assert_array_equal(got, mapwindow(np.median, image, (2, 2), border))


def test_stack_is_no_candidate_for_mean_and_names_why():
    with pytest.raises(ValueError, match="selections and ptp"):
        mapwindow(np.mean, np.zeros((4, 4)), 3, algorithm="stack")
    p = plan_mapwindow(np.median, np.zeros((8, 8), np.uint8), 3)
    assert "stack" in p.costs and p.strategy != "stack"
    assert "numba's start-up is paid" in p.explain()
    eye = np.eye(5, dtype=np.uint8)
    got = imagekit.window.median(eye, 3, "nearest", algorithm="stack")
    np.testing.assert_array_equal(got, imagekit.window.median(eye, 3, "nearest"))
