"""The recursive (IIR) Gaussian against scipy's exact Gaussian and against its own padded form."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy import ndimage as ndi

from imagekit import kernels
from imagekit.borders import NA, Fill, Pad
from imagekit.filtering._plan import make_plan
from imagekit.filtering.strategies import iir
from imagekit.filtering.strategies.iir import correlate, gaussian_iir, recursion_coefficients

SIGMAS = (2, 3, 5, 10, 30)
SHAPES = {1: (1000,), 2: (120, 136), 3: (36, 40, 44)}


def _smooth(shape, seed=0):
    """A sum of low-frequency plane waves, offset from 0."""
    rng = np.random.default_rng(seed)
    grids = np.meshgrid(*[np.arange(n, dtype=float) for n in shape], indexing="ij")
    img = np.full(shape, 2.0)
    for f in (0.011, 0.023, 0.037):
        img += np.sin(sum(g * f * (d + 1.3) for d, g in enumerate(grids)) + rng.uniform(0, 6))
    return img


def _iir(image, sigmas, border=None, dtype=np.float64):
    out = np.empty(np.shape(image), dtype)
    gaussian_iir(image, sigmas, Pad("nearest") if border is None else border, out)
    return out


def _rel(a, b):
    return float(np.linalg.norm(a - b) / np.linalg.norm(b))


def _edges(shape, margin):
    """Mask of the band within ``margin`` pixels of any edge."""
    mask = np.ones(shape, bool)
    mask[tuple(slice(margin, n - margin) for n in shape)] = False
    return mask


# (a) accuracy


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("ndim", [1, 2, 3])
@pytest.mark.parametrize("kind", ["smooth", "random"])
@pytest.mark.parametrize("sigma", SIGMAS)
def test_within_one_percent_of_the_exact_gaussian(sigma, kind, ndim, dtype):
    shape = SHAPES[ndim]
    img = _smooth(shape) if kind == "smooth" else np.random.default_rng(1).random(shape)
    img = img.astype(dtype)
    ref = ndi.gaussian_filter(img.astype(np.float64), sigma, mode="nearest", truncate=6)
    out = _iir(img, [sigma] * ndim, dtype=dtype)
    assert out.dtype == dtype
    assert _rel(out, ref) <= 0.01
    edges = _edges(shape, 3 * sigma)  # Triggs–Sdika: the edges are as good as the rest
    assert _rel(out[edges], ref[edges]) <= 0.01


@pytest.mark.parametrize(("ndim", "bound"), [(1, 0.025), (2, 0.035), (3, 0.04)])
def test_white_noise_error_is_the_third_order_floor(ndim, bound):
    # Zero-mean white noise weighs every frequency alike: the relative L2
    # error is that of the impulse response itself, 1.2-1.9 % per axis for
    # any 3rd-order recursion (1.0-1.6 % with poles fitted per sigma).
    img = np.random.default_rng(2).standard_normal(SHAPES[ndim])
    for sigma in SIGMAS:
        ref = ndi.gaussian_filter(img, sigma, mode="nearest", truncate=6)
        assert _rel(_iir(img, [sigma] * ndim), ref) <= bound


def test_coefficients_give_the_asked_variance_and_unit_gain():
    for sigma in (0.5, 1.0, 2.0, 7.5, 30.0, 200.0):
        (b, a1, a2, a3), _ = recursion_coefficients(sigma)
        assert b == pytest.approx(1 - a1 - a2 - a3, rel=1e-12)
        n = int(40 * sigma) + 41
        impulse = np.zeros(n)
        impulse[n // 2] = 1.0
        h = _iir(impulse, [sigma], Fill(0.0))
        x = np.arange(n) - n // 2
        assert h.sum() == pytest.approx(1.0, abs=1e-9)
        assert np.sqrt(np.sum(h * x * x)) == pytest.approx(sigma, rel=1e-6)


# Triggs–Sdika: both ends are exact for the infinitely extended line.


@pytest.mark.parametrize("sigma", [0.5, 2.0, 5.0])
@pytest.mark.parametrize("n", [1, 2, 3, 4, 17, 60])
@pytest.mark.parametrize(
    ("border", "mode", "kwargs"),
    [(Pad("nearest"), "edge", {}), (Fill(-1.5), "constant", {"constant_values": -1.5})],
)
def test_ends_equal_filtering_the_padded_line(sigma, n, border, mode, kwargs):
    x = np.random.default_rng(n).standard_normal(n)
    pad = int(60 * sigma) + 10  # the recursion forgets its start long before this
    padded = np.pad(x, pad, mode=mode, **kwargs)
    ref = _iir(padded, [sigma], border)[pad:-pad]
    np.testing.assert_allclose(_iir(x, [sigma], border), ref, rtol=0, atol=1e-12)


@pytest.mark.parametrize("shape", [(3, 20, 130), (5, 40, 9)])
def test_every_axis_equals_filtering_its_lines_one_by_one(shape):
    # Lines side by side (wide groups, some straddling an outer index),
    # strided and along the last axis (transposed) all go through the kernel.
    img = np.random.default_rng(3).random(shape)
    out = _iir(img, [2.0, 3.0, 4.0])
    ref = img
    for axis, sigma in enumerate([2.0, 3.0, 4.0]):
        ref = np.apply_along_axis(lambda line, s=sigma: _iir(line, [s]), axis, ref)
    np.testing.assert_allclose(out, ref, rtol=1e-12, atol=1e-13)


# (b) constants stay constant


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("sigma", [0.5, 3.0, 30.0, 300.0])
def test_a_constant_image_stays_constant(sigma, dtype):
    img = np.full((40, 33), 0.7, dtype)
    out = _iir(img, [sigma, sigma], Pad("nearest"), dtype)
    np.testing.assert_allclose(out, 0.7, rtol=1e-6)
    out = _iir(img, [sigma, sigma], Fill(0.7), dtype)
    np.testing.assert_allclose(out, 0.7, rtol=1e-6)


# (c) constant borders


@pytest.mark.parametrize("cval", [0.0, 2.5])
@pytest.mark.parametrize("sigma", [2, 5, 10])
def test_fill_matches_scipy_constant_mode(sigma, cval):
    img = _smooth((90, 100))
    ref = ndi.gaussian_filter(img, sigma, mode="constant", cval=cval, truncate=6)
    assert _rel(_iir(img, [sigma, sigma], Fill(cval)), ref) <= 0.01


# (d) per-axis sigma


def test_zero_sigma_leaves_that_axis_alone():
    img = _smooth((80, 90))
    out = _iir(img, [4.0, 0])
    ref = ndi.gaussian_filter(img, (4.0, 0), mode="nearest", truncate=6)
    assert _rel(out, ref) <= 0.01
    for j in (0, 45, 89):  # each column is the 1-D filter of that column alone
        np.testing.assert_allclose(out[:, j], _iir(img[:, j], [4.0]), rtol=1e-13)
    np.testing.assert_array_equal(_iir(img, [0, 0]), img)


# layouts and dtypes


def test_any_layout_and_dtype_in_out_of_either_precision():
    base = np.random.default_rng(4).integers(0, 255, (60, 70)).astype(np.uint8)
    ref = _iir(base.astype(np.float64), [3.0, 2.0])
    np.testing.assert_allclose(_iir(base, [3.0, 2.0]), ref, rtol=1e-12)  # integers
    flipped = np.asfortranarray(base.astype(np.float64))[::-1, :]
    np.testing.assert_allclose(_iir(flipped, [3.0, 2.0]), _iir(flipped.copy(), [3.0, 2.0]))
    out32 = _iir(base.astype(np.float64), [3.0, 2.0], dtype=np.float32)
    np.testing.assert_allclose(out32, ref, rtol=1e-6)


def test_in_place_and_input_untouched():
    img = _smooth((50, 40))
    keep = img.copy()
    out = _iir(img, [3.0, 3.0])
    np.testing.assert_array_equal(img, keep)
    gaussian_iir(img, [3.0, 3.0], Pad("nearest"), img)
    np.testing.assert_array_equal(img, out)
    memory = np.random.default_rng(5).random(300)  # image and out overlap in part
    expected = _iir(memory[:200].reshape(10, 20).copy(), [2.0, 2.0])
    gaussian_iir(
        memory[:200].reshape(10, 20), [2.0, 2.0], Pad("nearest"), memory[100:].reshape(10, 20)
    )
    np.testing.assert_array_equal(memory[100:].reshape(10, 20), expected)


def test_empty_image():
    out = np.empty((0, 5))
    gaussian_iir(np.empty((0, 5)), [2.0, 2.0], Pad("nearest"), out)


# the strategy entry point


def _plan(image, kernel, border="nearest", **changes):
    return dataclasses.replace(make_plan(image, kernel, border), **changes)


def test_correlate_reads_the_gaussian_recipe():
    img = _smooth((40, 50))
    plan = _plan(img, kernels.gaussian(3.0, ndim=2))
    out = np.empty_like(img)
    correlate(img, plan, out)
    np.testing.assert_array_equal(out, _iir(img, [3.0, 3.0]))
    one_axis = make_plan(img, kernels.gaussian(2.0, ndim=1), Fill(1.0), axes=(1,))
    correlate(img, one_axis, out)
    np.testing.assert_array_equal(out, _iir(img, [0, 2.0], Fill(1.0)))


# (e) errors


@pytest.mark.parametrize("border", [Pad("reflect"), Pad("mirror"), Pad("wrap"), NA(), Fill(1j)])
def test_other_borders_raise_naming_the_border(border):
    with pytest.raises(ValueError, match=r"border=.*supports 'nearest' and constant borders"):
        _iir(np.zeros(10), [2.0], border)


@pytest.mark.parametrize("sigma", [0.3, -1.0, np.nan, np.inf])
def test_bad_sigma_raises_naming_sigma(sigma):
    with pytest.raises(ValueError, match=r"sigma=.* is not available"):
        _iir(np.zeros((10, 10)), [2.0, sigma])


def test_wrong_number_of_sigmas_or_out_shape_raises():
    with pytest.raises(ValueError, match="one value per image axis"):
        _iir(np.zeros((10, 10)), [2.0])
    with pytest.raises(ValueError, match="out has shape"):
        gaussian_iir(np.zeros((10, 10)), [2.0, 2.0], Pad("nearest"), np.empty((10, 9)))


def test_correlate_refuses_other_shapes_derivatives_and_kernels():
    img = np.zeros((20, 20))
    out = np.empty_like(img)
    with pytest.raises(ValueError, match="computes shape='same' only"):
        correlate(img, _plan(img, kernels.gaussian(2.0, ndim=2), shape="valid"), out)
    with pytest.raises(ValueError, match="derivatives of Gaussians are not available"):
        correlate(img, _plan(img, kernels.gaussian(2.0, ndim=2, order=(1, 0))), out)
    with pytest.raises(ValueError, match="needs a Gaussian kernel"):
        correlate(img, _plan(img, np.ones((3, 3))), out)


def test_min_sigma_is_documented():
    assert iir.MIN_SIGMA == 0.5
    _iir(np.zeros(5), [iir.MIN_SIGMA])
