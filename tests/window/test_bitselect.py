"""Selections by a binary search on the bits (``window._loops.bitselect``) against
numpy, exactly: uint8 and uint16, any footprint, odd and even counts, ties, the
NA border (pixels outside the image left out) and every chunk width."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import imagekit
from imagekit.filtering.strategies._threads import run_tasks
from imagekit.window._loops.bitselect import bits_rows
from imagekit.window._loops.select import MEDIAN, PERCENTILE, RANK, UPPER
from tests.window._windows import geometry, na_selection_ref, padded

NONE = np.zeros(0, np.int64)


def select(image, footprint, kind, k=0, q=0.0, na=True, chunk=7, empty=3):
    """``bits_rows`` over ``image`` extended by NA (the dtype's top value) or reflect."""
    fy, fx = footprint.shape
    if na:
        top = np.iinfo(image.dtype).max
        pad = [(s // 2, s - 1 - s // 2) for s in footprint.shape]
        ext = np.pad(image, pad, constant_values=top)
        dy, dx = np.nonzero(footprint)
        geo = (dy - fy // 2, dx - fx // 2, image.shape[0], image.shape[1])
    else:
        ext = padded(image, footprint.shape)
        geo = (NONE, NONE, 0, 0)
    offsets, bases = geometry(ext, footprint, image.shape)
    out = np.empty(image.shape, image.dtype)
    bits = 8 * image.dtype.itemsize
    args = (ext.ravel(), bases, offsets, out, kind, k, q, bits, *geo, empty, chunk)
    bits_rows(0, image.shape[0], *args)
    return out


def reference(image, footprint, kind, k=0, q=0.0, na=True, empty=3):
    pad = [(s // 2, s - 1 - s // 2) for s in footprint.shape]
    if na:
        ext = np.pad(image.astype(float), pad, constant_values=np.nan)
    else:
        ext = padded(image, footprint.shape).astype(float)
    return na_selection_ref(ext, footprint, kind, k, q, empty).astype(image.dtype)


@settings(max_examples=80, deadline=None)
@given(
    dtype=st.sampled_from([np.uint8, np.uint16]),
    spread=st.sampled_from([2, 5, 256, 65536]),  # ties to the whole range
    shape=st.tuples(st.integers(1, 12), st.integers(1, 20)),
    footprint=hnp.arrays(bool, st.tuples(st.integers(1, 6), st.integers(1, 6))),
    kind=st.sampled_from([MEDIAN, UPPER, RANK, PERCENTILE]),
    k=st.integers(-40, 40),
    q=st.floats(0, 100),
    na=st.booleans(),
    chunk=st.integers(1, 9),
    seed=st.integers(0, 2**16),
)
def test_bit_search_equals_numpy(dtype, spread, shape, footprint, kind, k, q, na, chunk, seed):
    rng = np.random.default_rng(seed)
    top = np.iinfo(dtype).max
    spread = min(spread, top + 1)
    image = (top + 1 - spread + rng.integers(0, spread, shape)).astype(dtype)  # the top too
    if not footprint.any():
        footprint[0, 0] = True
    got = select(image, footprint, kind, k, q, na, chunk)
    np.testing.assert_array_equal(got, reference(image, footprint, kind, k, q, na))


def test_windows_with_no_pixel_in_the_image_get_empty():
    footprint = np.zeros((7, 7), bool)
    footprint[0, 0] = footprint[0, 1] = True  # far up-left of the pixel
    image = np.arange(20, dtype=np.uint8).reshape(4, 5)
    got = select(image, footprint, MEDIAN, empty=9)
    np.testing.assert_array_equal(got, reference(image, footprint, MEDIAN, empty=9))
    assert (got[:3] == 9).all() and (got[3] != 9).any()


def test_threads_agree():
    rng = np.random.default_rng(5)
    image = rng.integers(0, 256, (40, 300)).astype(np.uint8)
    footprint = np.hypot(*np.mgrid[-5:6, -5:6]) <= 5  # a disk
    top = 255
    ext = np.pad(image, 5, constant_values=top)
    dy, dx = np.nonzero(footprint)
    offsets, bases = geometry(ext, footprint, image.shape)
    out = np.empty_like(image)
    args = (ext.ravel(), bases, offsets, out, PERCENTILE, 0, 25.0, 8, dy - 5, dx - 5, 40, 300)
    with imagekit.config(threads=2):
        run_tasks(bits_rows, 40, *args, 0, 128)
    np.testing.assert_array_equal(out, reference(image, footprint, PERCENTILE, q=25.0))
