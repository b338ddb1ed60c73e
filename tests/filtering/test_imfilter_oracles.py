"""imfilter against independent references on random inputs.

The matrix: dtype × border × ndim × kernel shape (odd, even, 1-wide, larger
than the image) × start offset × shape mode × strategy × channel_axis,
drawn by hypothesis and checked against ``tests._oracles.correlate_ref``
(numpy.pad + shift-and-add in float64), scipy.ndimage and scipy.signal.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.ndimage as ndi
import scipy.signal as signal
from hypothesis import given
from hypothesis import strategies as st

from imagekit import Fill, Kernel, imfilter
from imagekit.borders import NA
from imagekit.filtering import plan
from tests._oracles import BORDERS, assert_close, correlate_ref

DTYPES = [
    np.bool_,
    np.uint8,
    np.int16,
    np.int64,
    np.float16,
    np.float32,
    np.float64,
    np.complex64,
    np.complex128,
]


def random_image(rng, shape, dtype, nan=False):
    dtype = np.dtype(dtype)
    if dtype.kind == "b":
        return rng.random(shape) < 0.5
    if dtype.kind in "iu":
        info = np.iinfo(dtype)
        lo, hi = max(info.min, -1000), min(info.max, 1000)
        return rng.integers(lo, hi, shape, endpoint=True).astype(dtype)
    a = rng.uniform(-1, 1, shape)
    if dtype.kind == "c":
        a = a + 1j * rng.uniform(-1, 1, shape)
    a = a.astype(dtype)
    if nan and a.size > 1 and dtype.kind == "f":
        a[tuple(rng.integers(0, n) for n in shape)] = np.nan
    return a


def random_weights(rng, shape, separable):
    if separable:
        w = rng.uniform(-1, 1, shape[0])
        for n in shape[1:]:
            w = np.multiply.outer(w, rng.uniform(-1, 1, n))
        return w
    w = rng.uniform(-1, 1, shape)
    w[rng.random(shape) < 0.2] = 0.0  # zero taps are skipped: exercise that
    return w


@st.composite
def filter_cases(draw):
    ndim = draw(st.integers(1, 4))
    shape = tuple(draw(st.integers(1, 7)) for _ in range(ndim))
    channel_axis = None
    if ndim > 1 and draw(st.booleans()):
        channel_axis = draw(st.integers(-ndim, ndim - 1))
    axes = [d for d in range(ndim) if channel_axis is None or d != channel_axis % ndim]
    kshape = tuple(draw(st.integers(1, shape[d] + 3)) for d in axes)
    start = None
    if draw(st.booleans()):
        start = tuple(draw(st.integers(-m - 1, 1)) for m in kshape)
    return {
        "shape": shape,
        "channel_axis": channel_axis,
        "axes": axes,
        "kshape": kshape,
        "start": start,
        "separable": draw(st.booleans()),
        "dtype": draw(st.sampled_from(DTYPES)),
        "border": draw(st.sampled_from((*BORDERS, "fill", "na"))),
        "mode": draw(st.sampled_from(["same", "valid", "full"])),
        "algorithm": draw(st.sampled_from(["auto", "direct", "separable", "fft"])),
        "seed": draw(st.integers(0, 2**32 - 1)),
    }


def reference(image, weights, start, border, mode, cval, axes, ndim):
    """correlate_ref over `axes`, each other axis index filtered on its own."""
    others = [d for d in range(ndim) if d not in axes]
    moved = np.moveaxis(image, others, list(range(len(others))))
    lead = moved.shape[: len(others)]
    results = [
        correlate_ref(moved[idx], weights, start, border, mode, cval) for idx in np.ndindex(lead)
    ]
    stacked = np.stack(results).reshape(lead + results[0].shape)
    return np.moveaxis(stacked, list(range(len(others))), others)


@given(filter_cases())
def test_imfilter_matches_reference(case):
    rng = np.random.default_rng(case["seed"])
    image = random_image(rng, case["shape"], case["dtype"], nan=case["border"] == "na")
    weights = random_weights(rng, case["kshape"], case["separable"])
    if case["border"] == "na":  # NA is for non-negative kernels; mixed signs cancel in 0/0
        weights = np.abs(weights)
    start = case["start"]
    kernel = Kernel(weights, start=start) if start is not None else weights
    cval = float(rng.uniform(-2, 2))
    border = {"fill": Fill(cval), "na": NA()}.get(case["border"], case["border"])
    algorithm = case["algorithm"]
    if algorithm == "separable" and not case["separable"]:
        algorithm = "auto"
    if (
        algorithm == "separable"
        and sum(
            m > 1 or s != 0
            for m, s in zip(case["kshape"], start or [-(m // 2) for m in case["kshape"]])
        )
        < 2
    ):
        algorithm = "auto"  # fewer than two axes to pass along: nothing to separate
    options = dict(shape=case["mode"], algorithm=algorithm, channel_axis=case["channel_axis"])
    before = image.copy()
    got = imfilter(image, kernel, border, **options)
    np.testing.assert_array_equal(image, before)  # never mutated

    ref_border = "constant" if case["border"] == "fill" else case["border"]
    ref_cval = cval if case["border"] == "fill" else 0.0
    expected = reference(
        image, weights, start, ref_border, case["mode"], ref_cval, case["axes"], image.ndim
    )
    assert got.shape == expected.shape
    if case["border"] == "na" and plan(image, kernel, border, **options).strategy == "fft":
        # NA divides two FFT results: their error (relative to the largest
        # value) grows where little weight is available, by up to
        # sum|w| / min|w| (documented). Exact strategies have no such loss.
        nz = np.abs(weights[weights != 0])
        amp = nz.sum() / nz.min() if nz.size else 1.0
        assert_close(
            got,
            expected,
            rtol64=max(1e-12, 1e3 * 2.2e-16 * amp),
            rtol32=max(1e-5, 1e3 * 1.2e-7 * amp),
        )
    else:
        assert_close(got, expected)


@pytest.mark.parametrize("border", BORDERS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("ksize", [(1, 1), (1, 3), (2, 2), (3, 3), (4, 5), (7, 7)])
def test_imfilter_equals_scipy_correlate(border, dtype, ksize):
    rng = np.random.default_rng(0)
    image = rng.random((23, 31)).astype(dtype)
    weights = rng.uniform(-1, 1, ksize)
    got = imfilter(image, weights, border)
    assert got.dtype == dtype
    assert_close(got, ndi.correlate(image.astype(np.float64), weights, mode=border))


@pytest.mark.parametrize("border", BORDERS)
@pytest.mark.parametrize("origin", [-1, 0, 1])
def test_kernel_start_equals_scipy_origin(border, origin):
    # scipy's origin o places the first tap at -(size // 2) - o.
    rng = np.random.default_rng(1)
    image = rng.random((12, 9))
    weights = rng.random((3, 4))
    start = tuple(-(m // 2) - origin for m in weights.shape)
    got = imfilter(image, Kernel(weights, start=start), border)
    assert_close(got, ndi.correlate(image, weights, mode=border, origin=origin))


@pytest.mark.parametrize("border", BORDERS)
def test_imfilter_5d(border):
    rng = np.random.default_rng(2)
    image = rng.random((4, 3, 5, 3, 4))
    weights = rng.uniform(-1, 1, (3, 2, 3, 1, 2))
    assert_close(imfilter(image, weights, border), ndi.correlate(image, weights, mode=border))


@pytest.mark.parametrize("mode", ["valid", "full"])
@pytest.mark.parametrize("ksize", [(3, 3), (2, 5), (6, 1)])
def test_valid_and_full_equal_scipy_signal(mode, ksize):
    rng = np.random.default_rng(3)
    image = rng.random((17, 13))
    weights = rng.uniform(-1, 1, ksize)
    got = imfilter(image, weights, 0, shape=mode)
    assert_close(got, signal.correlate(image, weights, mode=mode, method="direct"))


@pytest.mark.parametrize("border", BORDERS)
@pytest.mark.parametrize("shape", [(1, 1), (2, 3), (5, 1)])
def test_kernel_larger_than_image(border, shape):
    rng = np.random.default_rng(4)
    image = rng.random(shape)
    weights = rng.random((7, 9))
    assert_close(imfilter(image, weights, border), ndi.correlate(image, weights, mode=border))


@pytest.mark.parametrize("border", [*BORDERS, Fill(2.5)])
@pytest.mark.parametrize("mode", ["same", "valid", "full"])
def test_separable_equals_direct(border, mode):
    rng = np.random.default_rng(5)
    image = rng.random((15, 11, 3))
    kernel = Kernel.from_factors([rng.random(5), rng.random(3)])
    kw = dict(shape=mode, channel_axis=-1)
    sep = imfilter(image, kernel, border, algorithm="separable", **kw)
    direct = imfilter(image, kernel, border, algorithm="direct", **kw)
    assert_close(sep, direct)


@st.composite
def scipy_cases(draw):
    ndim = draw(st.integers(1, 4))
    shape = tuple(draw(st.integers(1, 8)) for _ in range(ndim))
    kshape = tuple(draw(st.integers(1, n + 3)) for n in shape)
    # scipy's origin o must lie in [-(m // 2), (m - 1) // 2]
    origin = tuple(draw(st.integers(-(m // 2), (m - 1) // 2)) for m in kshape)
    return {
        "shape": shape,
        "kshape": kshape,
        "origin": origin,
        "dtype": draw(st.sampled_from([np.float32, np.float64, np.uint8, np.int16])),
        "border": draw(st.sampled_from(BORDERS)),
        "algorithm": draw(st.sampled_from(["auto", "direct", "fft"])),
        "convolve": draw(st.booleans()),
        "seed": draw(st.integers(0, 2**32 - 1)),
    }


@given(scipy_cases())
def test_imfilter_matches_scipy_ndimage(case):
    """scipy.ndimage.correlate/convolve as the oracle, origins mapped to starts."""
    rng = np.random.default_rng(case["seed"])
    image = random_image(rng, case["shape"], case["dtype"])
    w = rng.uniform(-1, 1, case["kshape"])
    origin, border = case["origin"], case["border"]
    ref_image = image.astype(np.float64)
    if case["convolve"]:
        from imagekit.kernels import reflect

        expected = ndi.convolve(ref_image, w, mode=border, origin=origin)
        # scipy's convolve is correlate with w reversed at origin -o (and one
        # more to the left for even sizes); reflect(Kernel(w, s)) is w reversed
        # starting at -(s + m - 1): choose s so that the two agree.
        o2 = tuple(-o - (1 - m % 2) for o, m in zip(origin, w.shape))
        starts = tuple(m // 2 + o - m + 1 for m, o in zip(w.shape, o2))
        kernel = reflect(Kernel(w, start=starts))
    else:
        expected = ndi.correlate(ref_image, w, mode=border, origin=origin)
        kernel = Kernel(w, start=tuple(-(m // 2) - o for m, o in zip(w.shape, origin)))
    got = imfilter(image, kernel, border, algorithm=case["algorithm"])
    assert_close(got, expected)
