"""Selections over a footprint (``window._loops.select``) against numpy: the
median (numpy's and scipy's upper middle), ranks and percentiles, exactly,
for every dtype, footprint and shape; NaN by numpy's rule or left out."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import imagekit
from imagekit.filtering.strategies._threads import run_tasks
from imagekit.window._loops.select import (
    MEDIAN,
    PERCENTILE,
    RANK,
    UPPER,
    median9_rows,
    network_rows,
    ranks,
    select_rows,
)
from imagekit.window._networks import network
from tests.window._windows import (
    FLOATS,
    INTEGERS,
    geometry,
    median_ref,
    padded,
    random_image,
    ranked_ref,
    windows,
)

DTYPES = (*FLOATS, *INTEGERS)


def footprints(ndim):
    """Boolean footprints of ``ndim`` axes, 1 to 5 long, with at least one element."""
    shapes = hnp.array_shapes(min_dims=ndim, max_dims=ndim, min_side=1, max_side=5)
    return shapes.flatmap(lambda s: hnp.arrays(np.bool_, s)).filter(lambda f: f.any())


def run(loop, image, footprint, *args):
    """``loop`` over every row of ``image``'s output, on the reflected extension."""
    ext = padded(image, footprint.shape)
    offsets, bases = geometry(ext, footprint, image.shape)
    out = np.empty_like(image)
    loop(0, bases.shape[0], ext.ravel(), bases, offsets, out.reshape(bases.shape[0], -1), *args)
    return out, windows(ext, footprint)


def expected(values, kind, k, q, dtype):
    if kind == MEDIAN:
        return median_ref(values, dtype)
    lo, _ = ranks(kind, values.shape[-1], k, q)
    return ranked_ref(values, lo)


@settings(max_examples=80)
@given(
    data=st.data(),
    dtype=st.sampled_from(DTYPES),
    ndim=st.integers(1, 3),
    kind=st.sampled_from([MEDIAN, UPPER, RANK, PERCENTILE]),
    seed=st.integers(0, 2**16),
)
def test_selections_equal_numpy(data, dtype, ndim, kind, seed):
    footprint = data.draw(footprints(ndim), label="footprint")
    shape = data.draw(hnp.array_shapes(min_dims=ndim, max_dims=ndim, max_side=7), label="shape")
    n = int(footprint.sum())
    k = data.draw(st.integers(-n, n - 1), label="k")
    q = data.draw(st.floats(0, 100), label="q")
    nan = 0.08 if np.dtype(dtype).kind == "f" else 0.0
    image = random_image(np.random.default_rng(seed), shape, dtype, nan=nan)
    got, values = run(select_rows, image, footprint, kind, k, q, False)
    np.testing.assert_array_equal(got, expected(values, kind, k, q, dtype))
    lo, hi = ranks(kind, n, k, q)
    got, _ = run(network_rows, image, footprint, network(n, lo, hi), lo, hi, 4)
    np.testing.assert_array_equal(got, expected(values, kind, k, q, dtype))


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", [(3, 3), (4, 2), (5, 5)])
def test_skip_nan_is_nanmedian(dtype, shape):
    image = random_image(np.random.default_rng(3), (12, 9), dtype, nan=0.4)
    image[:4, :4] = np.nan  # windows with no value at all: NaN
    footprint = np.ones(shape, bool)
    got, values = run(select_rows, image, footprint, MEDIAN, 0, 0.0, True)
    np.testing.assert_array_equal(got, median_ref(values, dtype, skip_nan=True))
    # ranks and percentiles count the values that are there
    got, values = run(select_rows, image, footprint, PERCENTILE, 0, 70.0, True)
    for v, g in zip(values.reshape(-1, values.shape[-1]), got.ravel()):
        v = np.sort(v[~np.isnan(v)])
        want = v[min(int(0.7 * v.size), v.size - 1)] if v.size else np.nan
        np.testing.assert_array_equal(g, want)


@pytest.mark.parametrize("dtype", DTYPES)
def test_median9_equals_numpy(dtype):
    rng = np.random.default_rng(5)
    image = random_image(rng, (11, 37), dtype, nan=0.03)
    scattered = rng.permutation([True] * 9 + [False] * 7).reshape(4, 4)
    for footprint in (np.ones((3, 3), bool), scattered):
        got, values = run(median9_rows, image, footprint)
        np.testing.assert_array_equal(got, median_ref(values, dtype))


@pytest.mark.parametrize("dtype", FLOATS)
def test_infinities_are_values_not_nans(dtype):
    image = np.zeros((5, 6), dtype)
    image[2, 2], image[2, 3] = np.inf, -np.inf  # their sum is NaN: not a NaN input
    footprint = np.ones((3, 3), bool)
    got, values = run(median9_rows, image, footprint)
    np.testing.assert_array_equal(got, median_ref(values, dtype))
    assert not np.isnan(got).any()


@pytest.mark.parametrize(("a", "b", "mean"), [(1, 2, 2), (2, 3, 2), (-3, -2, -2), (-2, -1, -2)])
def test_even_integer_median_rounds_half_to_even(a, b, mean):
    image = np.array([[a, b]], np.int16)
    footprint = np.ones((1, 2), bool)
    got, _ = run(select_rows, image, footprint, MEDIAN, 0, 0.0, False)
    assert got[0, 0] == mean  # window (a, b): its mean a + 0.5, to the even neighbour
    got, _ = run(network_rows, image, footprint, network(2, 0, 1), 0, 1, 8)
    assert got[0, 0] == mean


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 9, 12])
def test_network_selects_every_rank_of_every_zero_one_input(n):
    # the 0-1 principle: a comparator network that selects correctly on every
    # input of zeros and ones selects correctly on every input
    inputs = (np.arange(2**n)[:, None] >> np.arange(n)) & 1
    for lo in range(n):
        hi = min(lo + 1, n - 1)
        values = inputs.copy()
        for a, b in network(n, lo, hi):
            values[:, a], values[:, b] = (
                np.minimum(values[:, a], values[:, b]),
                np.maximum(values[:, a], values[:, b]),
            )
        ordered = np.sort(inputs, axis=1)
        np.testing.assert_array_equal(values[:, [lo, hi]], ordered[:, [lo, hi]])


def test_network_keeps_only_what_reaches_the_ranks():
    for n in (2, 5, 9, 25, 49):  # the minimum alone: a tournament of n - 1 comparators
        assert len(network(n, 0, 0)) == n - 1
    pairs = network(25, 12, 12)
    assert (pairs[:, 0] < pairs[:, 1]).all() and pairs.max() < 25


def test_threads_agree():
    rng = np.random.default_rng(9)
    image = random_image(rng, (40, 50), np.uint8)
    footprint = np.ones((5, 5), bool)
    ext = padded(image, footprint.shape)
    offsets, bases = geometry(ext, footprint, image.shape)
    lo, hi = ranks(MEDIAN, 25)
    want = median_ref(windows(ext, footprint), np.uint8)
    with imagekit.config(threads=2):
        for loop, args in (
            (network_rows, (network(25, lo, hi), lo, hi, 16)),
            (select_rows, (MEDIAN, 0, 0.0, False)),
        ):
            out = np.empty_like(image)
            run_tasks(loop, 40, ext.ravel(), bases, offsets, out, *args)
            np.testing.assert_array_equal(out, want)
