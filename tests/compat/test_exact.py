"""The drop-ins return scipy's and scikit-image's results bit for bit.

Constant images stay constant wherever the peer's do, integer-valued sums
are exact wherever the peer's are, and, more generally, every floating
output has the peer's bits (the same sums in the same order): compared on
the raw bytes, so that even the sign of a zero counts.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.ndimage as ndi
import skimage.filters as skf
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from imagekit.compat import ndimage as ik
from imagekit.compat.skimage import filters as ikf

MODES = ["reflect", "constant", "nearest", "mirror", "wrap"]
DTYPES = [np.uint8, np.uint16, np.int16, np.int64, np.float32, np.float64]
FAST = settings(max_examples=40, deadline=None)


def assert_identical(ours, ref):
    """Same dtype, shape and bytes (NaN where the peer has NaN, whatever its payload)."""
    assert ours.dtype == ref.dtype, (ours.dtype, ref.dtype)
    assert ours.shape == ref.shape
    if ref.dtype.kind == "f":
        nan = np.isnan(ref)
        np.testing.assert_array_equal(np.isnan(ours), nan)
        ours, ref = ours[~nan], ref[~nan]
    assert np.array_equal(ours.view(np.uint8), ref.view(np.uint8)), np.abs(
        ours.astype(np.float64) - ref
    ).max()


def _both(module_pair, name, *args, **kwargs):
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return [getattr(m, name)(*args, **kwargs) for m in module_pair]


def same_as_scipy(name, *args, **kwargs):
    ours, ref = _both((ik, ndi), name, *args, **kwargs)
    assert_identical(ours, ref)
    return ours


# -- the reported cases ------------------------------------------------------------


def test_gaussian_of_ones_is_exactly_one():
    result = ik.gaussian_filter(np.ones((2, 2)), 1, mode="nearest")
    assert np.all(result == 1.0)
    same_as_scipy("gaussian_filter", np.ones((2, 2)), 1, mode="nearest")


def test_skimage_gaussian_of_integer_ones_is_exactly_one():
    image = np.ones((2, 2), np.int64)
    result = ikf.gaussian(image, preserve_range=True)
    assert_identical(result, skf.gaussian(image, preserve_range=True))
    assert np.all(result == 1.0)


# -- constant images -------------------------------------------------------------

SMOOTHING = {
    "gaussian_filter": lambda s: {"sigma": s},
    "gaussian_filter1d": lambda s: {"sigma": s, "axis": 0},
    "uniform_filter": lambda s: {"size": int(2 * s) + 1},
    "uniform_filter1d": lambda s: {"size": int(2 * s) + 1, "axis": -1},
}


@FAST
@given(
    name=st.sampled_from(sorted(SMOOTHING)),
    dtype=st.sampled_from(DTYPES),
    value=st.one_of(st.integers(0, 255), st.floats(0, 255, allow_subnormal=False)),
    sigma=st.floats(0.3, 6.0),
    mode=st.sampled_from(MODES),
    shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=9),
)
def test_constant_images_match_scipy_bit_for_bit(name, dtype, value, sigma, mode, shape):
    image = np.full(shape, value).astype(dtype)
    cval = float(image.flat[0])  # constant mode with the image's value keeps it constant
    same_as_scipy(name, image, mode=mode, cval=cval, **SMOOTHING[name](sigma))


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.uint8, np.int64])
@pytest.mark.parametrize("mode", MODES)
def test_constant_gaussians_match_scipy_on_a_grid_of_values_and_sigmas(dtype, mode):
    for value in (1, 3, 7.5, 0.1, 100, 255):
        image = np.full((4, 5), value).astype(dtype)
        for sigma in (0.5, 1, 1.5, 2, 3.3, 5):
            same_as_scipy("gaussian_filter", image, sigma, mode=mode, cval=float(image[0, 0]))


@FAST
@given(
    value=st.one_of(st.integers(0, 255), st.floats(0, 255, allow_subnormal=False)),
    sigma=st.floats(0.3, 6.0),
    mode=st.sampled_from(MODES),
    preserve_range=st.booleans(),
    dtype=st.sampled_from(DTYPES),
)
def test_constant_images_match_skimage_gaussian_bit_for_bit(
    value, sigma, mode, preserve_range, dtype
):
    image = np.full((6, 5), value).astype(dtype)
    kwargs = dict(sigma=sigma, mode=mode, cval=float(image.flat[0]), preserve_range=preserve_range)
    ours, ref = _both((ikf, skf), "gaussian", image, **kwargs)
    assert_identical(ours, ref)


# -- integer-valued images, integer weights -------------------------------------------

integer_images = st.sampled_from(DTYPES).flatmap(
    lambda dtype: hnp.arrays(
        dtype,
        hnp.array_shapes(min_dims=1, max_dims=3, max_side=8),
        elements=st.integers(0, 255).map(float)
        if np.dtype(dtype).kind == "f"
        else st.integers(0, 255),
    )
)


@FAST
@given(image=integer_images, data=st.data(), mode=st.sampled_from(MODES))
def test_integer_sums_match_scipy_bit_for_bit(image, data, mode):
    shape = data.draw(hnp.array_shapes(min_dims=image.ndim, max_dims=image.ndim, max_side=4))
    weights = data.draw(hnp.arrays(np.int64, shape, elements=st.integers(-4, 4)))
    line = data.draw(hnp.arrays(np.int64, st.integers(1, 5), elements=st.integers(-4, 4)))
    axis = data.draw(st.integers(0, image.ndim - 1))
    for name in ("correlate", "convolve"):
        same_as_scipy(name, image, weights, mode=mode, cval=3)
    for name in ("correlate1d", "convolve1d"):
        same_as_scipy(name, image, line, axis=axis, mode=mode, cval=3)
    for name in ("sobel", "prewitt"):
        same_as_scipy(name, image, axis=axis, mode=mode)
    same_as_scipy("laplace", image, mode=mode)
    same_as_scipy("uniform_filter", image, size=3, mode=mode, output=np.float64)


# -- any floating image, any weights -------------------------------------------------

float_images = st.sampled_from([np.float32, np.float64]).flatmap(
    lambda dtype: hnp.arrays(
        dtype,
        hnp.array_shapes(min_dims=1, max_dims=3, max_side=8),
        elements=st.floats(-100, 100, width=8 * np.dtype(dtype).itemsize, allow_subnormal=False),
    )
)


@FAST
@given(
    image=float_images,
    data=st.data(),
    mode=st.sampled_from(MODES),
    output=st.sampled_from([None, np.float64, np.float32, np.uint8, np.int16]),
)
def test_float_results_match_scipy_bit_for_bit(image, data, mode, output):
    shape = data.draw(hnp.array_shapes(min_dims=image.ndim, max_dims=image.ndim, max_side=4))
    weights = data.draw(hnp.arrays(np.float64, shape, elements=st.floats(-3, 3)))
    line = data.draw(hnp.arrays(np.float64, st.integers(1, 7), elements=st.floats(-3, 3)))
    sigma = data.draw(st.floats(0.2, 3.0))
    axis = data.draw(st.integers(0, image.ndim - 1))
    options = dict(mode=mode, cval=1.25, output=output)
    for name in ("correlate", "convolve"):
        same_as_scipy(name, image, weights, **options)
    for name in ("correlate1d", "convolve1d"):
        same_as_scipy(name, image, line, axis=axis, **options)
    same_as_scipy("uniform_filter1d", image, size=line.size, axis=axis, **options)
    same_as_scipy("gaussian_filter", image, sigma, **options)
    same_as_scipy("gaussian_laplace", image, sigma, **options)
    same_as_scipy("gaussian_gradient_magnitude", image, sigma, **options)
    for name in ("sobel", "prewitt"):
        same_as_scipy(name, image, axis=axis, **options)


@FAST
@given(image=float_images, mode=st.sampled_from(MODES))
def test_non_finite_pixels_match_scipy(image, mode):
    image = image.copy()
    where = np.arange(0, image.size, max(1, image.size // 3))
    image.flat[where] = np.resize([np.nan, np.inf, -np.inf], where.size)
    same_as_scipy("uniform_filter", image, 3, mode=mode)
    same_as_scipy("gaussian_filter", image, 1.0, mode=mode)
    same_as_scipy("correlate", image, np.arange(3.0**image.ndim).reshape((3,) * image.ndim) - 4)


# -- scikit-image's filters on integer (and float) images -------------------------------

SKIMAGE_CALLS = {
    "gaussian": dict(sigma=1.5),
    "sobel": {},
    "scharr": {},
    "prewitt": {},
    "farid": {},
    "laplace": {},
    "difference_of_gaussians": dict(low_sigma=1, high_sigma=2.5),
    "unsharp_mask": dict(radius=2, amount=1.5),
}


@pytest.mark.parametrize("name", sorted(SKIMAGE_CALLS))
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32, np.float64])
def test_skimage_filters_match_skimage_bit_for_bit(name, dtype):
    rng = np.random.default_rng(7)
    high = 256 if dtype == np.uint8 else 4096
    image = rng.integers(0, high, (23, 31)).astype(dtype)
    if image.dtype.kind == "f":
        image /= high
    ours, ref = _both((ikf, skf), name, image, **SKIMAGE_CALLS[name])
    assert_identical(ours, ref)
    if name in ("sobel", "scharr", "prewitt", "farid"):
        for axis in (0, 1):
            ours, ref = _both((ikf, skf), name, image, axis=axis)
            assert_identical(ours, ref)
    if name == "sobel":
        ours, ref = _both((ikf, skf), name, np.stack([image] * 3, -1))
        assert_identical(ours, ref)


# -- integer images are read as they are ---------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda m, a: m.sobel(a),
        lambda m, a: m.uniform_filter(a, 5),
        lambda m, a: m.correlate(a, np.full((3, 3), 1 / 9)),
        lambda m, a: m.gaussian_filter(a, 2),
    ],
    ids=["sobel", "uniform_filter", "correlate", "gaussian_filter"],
)
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
def test_integer_images_are_filtered_without_a_float64_copy(call, dtype):
    import tracemalloc

    image = np.random.default_rng(0).integers(0, 200, (512, 512)).astype(dtype)
    call(ik, image)  # compiled and warm
    tracemalloc.start()
    try:
        result = call(ik, image)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert_identical(result, call(ndi, image))
    assert peak < 3 * image.nbytes, f"peak {peak} bytes for a {image.nbytes}-byte image"


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
def test_gradient_magnitude_of_small_integers_matches_scipy(dtype):
    rng = np.random.default_rng(3)
    info = np.iinfo(dtype)
    image = rng.integers(info.min, info.max, (40, 30), endpoint=True).astype(dtype)
    for sigma in (0.7, 2.0):
        same_as_scipy("gaussian_gradient_magnitude", image, sigma)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.float32])
def test_sqrt_in_place_is_numpys_unsafe_sqrt(dtype):
    from imagekit.compat._support import sqrt_in_place

    values = np.concatenate([np.arange(256, dtype=np.uint8).astype(dtype)] * 3)
    expected, ours = values.copy(), values.copy()
    np.sqrt(expected, expected, casting="unsafe")
    sqrt_in_place(ours)
    assert_identical(ours, expected)
