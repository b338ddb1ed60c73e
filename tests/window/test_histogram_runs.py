"""Sliding histograms over footprints (``window._loops.histogram_runs``) against
numpy, exactly: uint8 and uint16, any footprint, the NA border (pixels outside
the image hold a value past every real one and are left out) and bands."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import imagekit
from imagekit.filtering.strategies._threads import run_tasks
from imagekit.window._loops.histogram_runs import footprint_runs, runs_rows
from imagekit.window._loops.select import MEDIAN, PERCENTILE, RANK, UPPER
from tests.window._windows import na_selection_ref, padded


def select(image, footprint, kind, k=0, q=0.0, na=True, band=3, empty=3):
    """``runs_rows`` over ``image`` extended by NA (into the next wider dtype, the
    value ``nbins``) or by reflect."""
    nbins = 256 if image.dtype == np.uint8 else 65536
    pad = [(s // 2, s - 1 - s // 2) for s in footprint.shape]
    if na:
        wider = np.uint16 if image.dtype == np.uint8 else np.uint32
        ext = np.pad(image.astype(wider), pad, constant_values=nbins)
    else:
        ext = padded(image, footprint.shape)
    out = np.empty((1, *image.shape), image.dtype)
    ntasks = -(-image.shape[0] // band)
    args = (ext[None], out, *footprint_runs(footprint), nbins, kind, k, q, empty, band)
    runs_rows(0, ntasks, *args)
    return out[0]


def reference(image, footprint, kind, k=0, q=0.0, na=True, empty=3):
    pad = [(s // 2, s - 1 - s // 2) for s in footprint.shape]
    if na:
        ext = np.pad(image.astype(float), pad, constant_values=np.nan)
    else:
        ext = padded(image, footprint.shape).astype(float)
    return na_selection_ref(ext, footprint, kind, k, q, empty).astype(image.dtype)


def test_runs_of_a_footprint():
    footprint = np.array([[1, 0, 1, 1], [0, 0, 0, 0], [1, 1, 1, 1]], bool)
    ry, x0, x1 = footprint_runs(footprint)
    assert ry.tolist() == [0, 0, 2] and x0.tolist() == [0, 2, 0] and x1.tolist() == [1, 4, 4]


@settings(max_examples=30, deadline=None)
@given(
    dtype=st.sampled_from([np.uint8, np.uint16]),
    spread=st.sampled_from([2, 5, 256, 65536]),
    shape=st.tuples(st.integers(1, 10), st.integers(1, 14)),
    footprint=hnp.arrays(bool, st.tuples(st.integers(1, 6), st.integers(1, 6))),
    kind=st.sampled_from([MEDIAN, UPPER, RANK, PERCENTILE]),
    k=st.integers(-40, 40),
    q=st.floats(0, 100),
    na=st.booleans(),
    band=st.integers(1, 4),
    seed=st.integers(0, 2**16),
)
def test_footprint_histogram_equals_numpy(
    dtype, spread, shape, footprint, kind, k, q, na, band, seed
):
    rng = np.random.default_rng(seed)
    top = np.iinfo(dtype).max
    spread = min(spread, top + 1)
    image = (top + 1 - spread + rng.integers(0, spread, shape)).astype(dtype)
    if not footprint.any():
        footprint[-1, -1] = True
    got = select(image, footprint, kind, k, q, na, band)
    np.testing.assert_array_equal(got, reference(image, footprint, kind, k, q, na))


def test_threads_agree():
    rng = np.random.default_rng(6)
    image = rng.integers(0, 256, (37, 60)).astype(np.uint8)
    footprint = np.hypot(*np.mgrid[-4:5, -4:5]) <= 4
    ext = np.pad(image.astype(np.uint16), 4, constant_values=256)
    out = np.empty((1, 37, 60), np.uint8)
    args = (ext[None], out, *footprint_runs(footprint), 256, MEDIAN, 0, 0.0, 0, 4)
    with imagekit.config(threads=2):
        run_tasks(runs_rows, 10, *args)
    np.testing.assert_array_equal(out[0], reference(image, footprint, MEDIAN))
