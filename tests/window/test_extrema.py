"""findlocalmaxima and findlocalminima against a numpy reference.

The reference pads the image (and a mask of what may be compared: inside
the image and not NaN), takes every pixel's window with
``sliding_window_view`` and keeps the pixels that are numbers, strictly
beat every other comparable pixel of their window and beat the threshold
(compared exactly, as Python numbers).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.lib.stride_tricks import sliding_window_view

import imagekit as ik
from imagekit.kernels import Kernel

DTYPES = (np.bool_, np.uint8, np.int16, np.int32, np.int64, np.uint64, np.float16,
          np.float32, np.float64)  # fmt: skip


def reference(image, footprint, start, *, lower=False, threshold=None, edges=True,
              channel_axis=None):  # fmt: skip
    """The extrema's coordinates: ``footprint`` and ``start`` over the searched axes."""
    if channel_axis is not None:
        footprint = np.expand_dims(footprint, channel_axis)
        start = tuple(np.insert(np.array(start, int), channel_axis % image.ndim, 0))
    valid = ~np.isnan(image) if image.dtype.kind == "f" else np.ones(image.shape, bool)
    pad = [(max(0, -s), max(0, s + n - 1)) for s, n in zip(start, footprint.shape)]
    values = sliding_window_view(np.pad(image, pad, mode="edge"), footprint.shape)
    inside = sliding_window_view(np.pad(valid, pad, constant_values=False), footprint.shape)
    offset = tuple(slice(b + s, b + s + n) for (b, _), s, n in zip(pad, start, image.shape))
    values, inside = values[offset], inside[offset]
    others = footprint.copy()
    centre = tuple(-s for s in start)
    if all(0 <= c < n for c, n in zip(centre, footprint.shape)):
        others[centre] = False
    v = image[(...,) + (None,) * image.ndim]
    with np.errstate(invalid="ignore"):
        beats = (v < values) if lower else (v > values)
    axes = tuple(range(image.ndim, 2 * image.ndim))
    keep = valid & np.all(beats | ~inside | ~others, axis=axes)
    if threshold is not None:
        # exactly: integers as Python ints, floats widened to float64
        as_python = image.astype(np.float64 if image.dtype.kind == "f" else object)
        with np.errstate(invalid="ignore"):
            keep &= (as_python < threshold) if lower else (as_python > threshold)
    if not edges:
        rows = np.argwhere(footprint) + np.array(start)
        lo, hi = rows.min(axis=0), rows.max(axis=0)
        for d, n in enumerate(image.shape):
            index = np.arange(n)
            ok = (index + lo[d] >= 0) & (index + hi[d] < n)
            keep &= ok.reshape((-1,) + (1,) * (image.ndim - 1 - d))
    return np.argwhere(keep)


def random_image(rng, shape, dtype, nan=0.1):
    """Values in a small range, so that windows hold ties; NaN at rate ``nan``."""
    dtype = np.dtype(dtype)
    values = rng.integers(0, 6, shape)
    if dtype.kind == "b":
        return (values > 3).astype(bool)
    if dtype.kind == "f":
        image = (values - 2.5).astype(dtype)
        image[rng.random(shape) < nan] = np.nan
        return image
    if dtype.kind == "u":
        return (np.iinfo(dtype).max - values.astype(dtype)).astype(dtype)  # near the top
    return (values.astype(dtype) + np.iinfo(dtype).min).astype(dtype)  # near the bottom


def find(lower):
    return ik.findlocalminima if lower else ik.findlocalmaxima


@st.composite
def windows(draw, naxes):
    """``(window, footprint, start)``: a window as findlocalmaxima takes it, and its
    footprint and offsets over the searched axes."""
    kind = draw(st.sampled_from(["int", "sizes", "footprint", "kernel"]))
    if kind == "int":
        n = draw(st.integers(1, 4))
        return n, np.ones((n,) * naxes, bool), (-(n // 2),) * naxes
    sizes = tuple(draw(st.lists(st.integers(1, 4), min_size=naxes, max_size=naxes)))
    if kind == "sizes":
        return sizes, np.ones(sizes, bool), tuple(-(n // 2) for n in sizes)
    fp = draw(hnp.arrays(bool, sizes).filter(lambda a: a.any()))
    if kind == "footprint":
        return fp, fp, tuple(-(n // 2) for n in sizes)
    start = tuple(draw(st.integers(-n, 1)) for n in sizes)
    return Kernel(fp.astype(np.float64), start), fp, start


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_extrema_match_the_reference(data):
    naxes = data.draw(st.integers(1, 3), label="naxes")
    shape = tuple(data.draw(st.lists(st.integers(1, 7), min_size=naxes, max_size=naxes)))
    channel_axis = data.draw(st.none() | st.integers(-naxes - 1, naxes), label="channel_axis")
    if channel_axis is not None:
        at = channel_axis % (naxes + 1)
        shape = (*shape[:at], 2, *shape[at:])
    dtype = data.draw(st.sampled_from(DTYPES), label="dtype")
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    image = random_image(rng, shape, dtype)
    window, footprint, start = data.draw(windows(naxes), label="window")
    lower, edges = data.draw(st.booleans(), label="lower"), data.draw(st.booleans(), label="edges")
    threshold = data.draw(st.none() | st.sampled_from([0, 1, -1.5, 0.25]), label="threshold")
    if threshold is not None and image.dtype.kind in "iu":
        threshold = float(np.asarray(image).flat[0]) + threshold
    before = image.copy()
    got = find(lower)(image, window, threshold=threshold, edges=edges, channel_axis=channel_axis)
    want = reference(image, footprint, start, lower=lower, threshold=threshold, edges=edges,
                     channel_axis=channel_axis)  # fmt: skip
    assert got.dtype == np.intp and got.shape == (len(want), image.ndim)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(image, before)  # the input is never modified


@pytest.mark.parametrize("lower", [False, True])
@pytest.mark.parametrize(
    "dtype",
    [
        np.uint8,
        np.float32,
        pytest.param(np.int32, marks=pytest.mark.slow),  # the same loop, compiled again
        pytest.param(np.float64, marks=pytest.mark.slow),
    ],
)
@pytest.mark.parametrize("edges", [True, False])
def test_the_3x3_rows_match_the_reference_on_all_threads(lower, dtype, edges):
    rng = np.random.default_rng(3)
    image = random_image(rng, (2, 230, 301), dtype, nan=0.05)  # a batch of two planes
    threshold = None if dtype == np.uint8 else 0.5
    want = reference(image, np.ones((3, 3), bool), (-1, -1), lower=lower, threshold=threshold,
                     edges=edges, channel_axis=0)  # fmt: skip
    for threads in (1, 2):
        with ik.config(threads=threads):
            got = find(lower)(image, threshold=threshold, edges=edges, channel_axis=0)
        np.testing.assert_array_equal(got, want)


def test_a_plateau_holds_no_maximum():
    image = np.zeros((6, 6), np.float32)
    image[2:4, 2:4] = 1
    assert ik.findlocalmaxima(image).shape == (0, 2)
    image[2, 2] = 2
    np.testing.assert_array_equal(ik.findlocalmaxima(image), [[2, 2]])


def test_nan_neighbours_are_left_out_and_nan_pixels_are_not_extrema():
    image = np.array([np.nan, 1.0, np.nan, np.nan, 0.0, -np.inf, np.nan])
    np.testing.assert_array_equal(ik.findlocalmaxima(image), [[1], [4]])
    np.testing.assert_array_equal(ik.findlocalminima(image), [[1], [5]])


def test_a_lone_pixel_is_an_extremum_unless_the_threshold_says_no():
    np.testing.assert_array_equal(ik.findlocalmaxima(np.array([-np.inf])), [[0]])
    assert len(ik.findlocalmaxima(np.array([3]), threshold=3)) == 0
    np.testing.assert_array_equal(ik.findlocalmaxima(np.arange(5), 1), np.arange(5)[:, None])


TOPS = {np.uint8: 255, np.int64: 2**62 + 1, np.float32: np.float32(0.1), np.float64: 1.0}


@pytest.mark.parametrize(
    ("dtype", "threshold", "kept"),
    [
        (np.uint8, -1e300, 1),  # below every value: no threshold
        (np.uint8, 255, 0),  # not below the top value: nothing
        (np.uint8, 254.5, 1),
        (np.int64, float(2**62 + 1), 1),  # the float rounds to 2**62: below the top
        (np.int64, 2**62 + 1, 0),
        (np.int64, 2**70, 0),
        (np.float32, 0.1, 1),  # below float32(0.1), though it rounds to it
        (np.float32, float(np.float32(0.1)), 0),
        (np.float32, 1e300, 0),
        (np.float32, -np.inf, 1),
        (np.float64, np.inf, 0),
    ],
)
def test_the_threshold_is_compared_exactly(dtype, threshold, kept):
    image = np.array([0, TOPS[dtype], 0], dtype)  # one maximum: the top value
    assert len(ik.findlocalmaxima(image, threshold=threshold)) == kept
    if np.dtype(dtype).kind != "u":  # the same, mirrored
        assert len(ik.findlocalminima(-image, threshold=-threshold)) == kept


def test_strided_and_byte_swapped_images_are_read_as_they_are():
    rng = np.random.default_rng(1)
    image = random_image(rng, (20, 30), np.float64)
    want = ik.findlocalmaxima(np.ascontiguousarray(image[::2, ::-3]))
    np.testing.assert_array_equal(ik.findlocalmaxima(image[::2, ::-3]), want)
    swapped = image.astype(image.dtype.newbyteorder(">"))
    np.testing.assert_array_equal(ik.findlocalmaxima(swapped), ik.findlocalmaxima(image))


@pytest.mark.parametrize(
    ("call", "error", "name"),
    [
        (lambda: ik.findlocalmaxima(np.ones((4, 4)), 0), ValueError, "window"),
        (lambda: ik.findlocalmaxima(np.ones((4, 4)), (3, 3, 3)), ValueError, "window"),
        (lambda: ik.findlocalmaxima(np.ones((4, 4)), "3"), TypeError, "window"),
        (lambda: ik.findlocalmaxima(np.ones((4, 4)), threshold="1"), TypeError, "threshold"),
        (lambda: ik.findlocalminima(np.ones((4, 4)), threshold=np.nan), ValueError, "threshold"),
        (lambda: ik.findlocalmaxima(np.ones((4, 4)), edges="no"), TypeError, "edges"),
        (lambda: ik.findlocalmaxima(np.ones((4, 4)), channel_axis=2), ValueError, "channel_axis"),
        (lambda: ik.findlocalmaxima(np.ones(4), channel_axis=0), ValueError, "channel_axis"),
        (lambda: ik.findlocalmaxima(np.ones(4, complex)), TypeError, "image"),
        (lambda: ik.findlocalmaxima("image"), TypeError, "image"),
        (lambda: ik.findlocalmaxima(np.float64(1.0)), ValueError, "image"),
    ],
)
def test_bad_input_names_the_argument(call, error, name):
    with pytest.raises(error, match=name):
        call()


def test_an_empty_image_has_no_extrema():
    assert ik.findlocalmaxima(np.zeros((0, 5))).shape == (0, 2)
