"""Kernel factories against scipy.ndimage and scikit-image, and their properties."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.ndimage as ndi
import skimage.filters as skf

from imagekit import imfilter
from imagekit import kernels as K
from imagekit.kernels import factored, factors
from tests._oracles import BORDERS, assert_close

RNG = np.random.default_rng(0)
IMAGE2 = RNG.random((31, 40))
IMAGE3 = RNG.random((12, 13, 14))
GRADIENTS = ["sobel", "prewitt", "scharr", "bickley", "ando3", "ando4", "ando5", "farid"]


@pytest.mark.parametrize("border", BORDERS)
@pytest.mark.parametrize(
    ("sigma", "order"), [(2.0, 0), ((1.5, 3.0), (0, 1)), (1.0, (2, 0)), (0.7, (1, 1)), (3, 3)]
)
def test_gaussian_equals_scipy_gaussian_filter(border, sigma, order):
    got = imfilter(IMAGE2, K.gaussian(sigma, order=order), border)
    assert_close(got, ndi.gaussian_filter(IMAGE2, sigma, order=order, mode=border))


@pytest.mark.parametrize(("truncate", "radius"), [(2.5, None), (4.0, 3), (1.0, (2, 5))])
def test_gaussian_truncate_and_radius_like_scipy(truncate, radius):
    got = imfilter(IMAGE2, K.gaussian(1.7, truncate=truncate, radius=radius))
    assert_close(got, ndi.gaussian_filter(IMAGE2, 1.7, truncate=truncate, radius=radius))


def test_gaussian_3d_and_zero_sigma_axis():
    got = imfilter(IMAGE3, K.gaussian((1.0, 0.0, 2.0), order=(0, 1, 1)))
    assert_close(got, ndi.gaussian_filter(IMAGE3, (1.0, 0.0, 2.0), order=(0, 1, 1)))
    assert K.gaussian((1.0, 0.0, 2.0)).shape == (9, 1, 17)


def test_gaussian_equals_skimage_gaussian():
    got = imfilter(IMAGE2, K.gaussian(2.5), "nearest")
    assert_close(got, skf.gaussian(IMAGE2, sigma=2.5, preserve_range=True))


def test_gaussian_radius_rule_and_normalisation():
    for s in (0.3, 1.0, 2.4, 7.3):
        k = K.gaussian(s, ndim=1)
        assert k.shape == (2 * int(4 * s + 0.5) + 1,)
        assert abs(k.weights.sum() - 1) < 1e-14
        np.testing.assert_array_equal(k.weights, k.weights[::-1])
    assert K.gaussian(2.0).recipe == ("gaussian", (2.0, 2.0), (0, 0))


@pytest.mark.parametrize("border", BORDERS)
def test_sobel_and_prewitt_match_scipy_up_to_documented_scale(border):
    for axis in (0, 1):
        got = imfilter(IMAGE2, K.sobel(axis=axis), border)
        assert_close(8 * got, ndi.sobel(IMAGE2, axis=axis, mode=border))
        got = imfilter(IMAGE2, K.prewitt(axis=axis), border)
        assert_close(6 * got, ndi.prewitt(IMAGE2, axis=axis, mode=border))
    got3 = imfilter(IMAGE3, K.sobel(axis=2, ndim=3), border)
    assert_close(32 * got3, ndi.sobel(IMAGE3, axis=2, mode=border))


@pytest.mark.parametrize("axis", [0, 1])
def test_scharr_sobel_prewitt_farid_match_skimage(axis):
    scale = {"scharr": 2.0, "sobel": 2.0, "prewitt": 2.0, "farid": 0.99179702875213}
    for name, s in scale.items():
        got = imfilter(IMAGE2, getattr(K, name)(axis=axis), "reflect")
        expected = getattr(skf, name)(IMAGE2, axis=axis, mode="reflect")
        assert_close(s * got, expected)


@pytest.mark.parametrize("border", BORDERS)
def test_laplacian_and_log_match_scipy(border):
    assert_close(imfilter(IMAGE2, K.laplacian(), border), ndi.laplace(IMAGE2, mode=border))
    assert_close(imfilter(IMAGE3, K.laplacian(3), border), ndi.laplace(IMAGE3, mode=border))
    assert_close(
        imfilter(IMAGE2, K.log(1.5), border), ndi.gaussian_laplace(IMAGE2, 1.5, mode=border)
    )


def test_dog_matches_skimage_difference_of_gaussians():
    got = imfilter(IMAGE2, K.dog(1.5), "nearest")
    assert_close(got, skf.difference_of_gaussians(IMAGE2, 1.5))
    got = imfilter(IMAGE2, K.dog(1.0, 3.0), "reflect")
    assert_close(got, skf.difference_of_gaussians(IMAGE2, 1.0, 3.0, mode="reflect"))


@pytest.mark.parametrize("size", [1, 2, 3, 4, (3, 5)])
def test_box_and_moving_average_match_uniform_filter(size):
    assert_close(imfilter(IMAGE2, K.box(size)), ndi.uniform_filter(IMAGE2, size))
    n = size if isinstance(size, int) else size[0]
    assert_close(
        imfilter(IMAGE2, K.moving_average(n, axis=1, ndim=2)),
        ndi.uniform_filter1d(IMAGE2, n, axis=1),
    )


def test_gabor_matches_skimage_gabor_kernel_up_to_normalisation():
    g = skf.gabor_kernel(0.25, theta=0.3, sigma_x=2, sigma_y=3, n_stds=3)
    re, im = K.gabor(g.shape, sigma=2, theta=0.3, wavelength=4, aspect=2 / 3)
    norm = 1 / (2 * np.pi * 2 * 3)
    np.testing.assert_allclose(norm * re.weights, g.real, atol=1e-15)
    np.testing.assert_allclose(norm * im.weights, g.imag, atol=1e-15)


@pytest.mark.parametrize("name", GRADIENTS)
@pytest.mark.parametrize("ndim", [1, 2, 3])
def test_derivatives_give_unit_slope_and_sum_zero(name, ndim):
    for axis in range(ndim):
        k = getattr(K, name)(axis=axis, ndim=ndim)
        assert abs(k.weights.sum()) < 1e-14
        ramp = np.indices((9,) * ndim)[axis].astype(float)
        got = imfilter(ramp, k, "nearest")
        centre = (4,) * ndim
        assert abs(got[centre] - 1) < 1e-12
        assert factors(k) is not None


@pytest.mark.parametrize("name", [*GRADIENTS, "gaussian", "box"])
def test_factored_form_gives_the_same_result(name):
    if name == "gaussian":
        full, parts = K.gaussian((1.2, 2.0)), factored.gaussian((1.2, 2.0))
    elif name == "box":
        full, parts = K.box((3, 4)), factored.box((3, 4))
    else:
        full, parts = getattr(K, name)(axis=1), getattr(factored, name)(axis=1)
    assert all(p.ndim == 1 for p in parts)
    np.testing.assert_allclose(
        imfilter(IMAGE2, parts), imfilter(IMAGE2, full), rtol=1e-13, atol=1e-15
    )


def test_smoothing_kernels_sum_to_one_and_are_symmetric():
    for k in (K.gaussian(1.3), K.box(3), K.disk(2.5), K.ball(1.5), K.gaussian(0.5, ndim=3)):
        assert abs(k.weights.sum() - 1) < 1e-14
        np.testing.assert_allclose(k.weights, k.weights[(slice(None, None, -1),) * k.ndim])
    assert abs(K.dog(2.0).weights.sum()) < 1e-12
    assert abs(K.log(2.0).weights.sum()) < 1e-3  # the sampled LoG sums to ~0


def test_disk_is_the_set_within_radius():
    k = K.disk(2)
    expected = (
        np.array(
            [[0, 0, 1, 0, 0], [0, 1, 1, 1, 0], [1, 1, 1, 1, 1], [0, 1, 1, 1, 0], [0, 0, 1, 0, 0]]
        )
        / 13
    )
    np.testing.assert_allclose(k.weights, expected)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: K.gaussian(-1.0), ValueError, "sigma must be finite and non-negative"),
        (lambda: K.gaussian(np.nan), ValueError, "sigma must be finite"),
        (lambda: K.gaussian(1.0, order=-1), ValueError, "order must be non-negative"),
        (lambda: K.gaussian(1.0, order=1.5), TypeError, "order must be a"),
        (lambda: K.gaussian((1.0, 2.0), ndim=3), ValueError, "one entry per axis"),
        (lambda: K.gaussian(1.0, truncate=-1), ValueError, "truncate must be"),
        (lambda: K.sobel(axis=2), ValueError, "axis=2 is out of range"),
        (lambda: K.box(0), ValueError, "size must be at least 1"),
        (lambda: K.disk(-1), ValueError, "radius must be"),
        (lambda: K.gabor(5, sigma=0, theta=0, wavelength=3), ValueError, "sigma must be"),
        (lambda: K.dog(2.0, 1.0), ValueError, "sigma2 must be at least sigma"),
        (lambda: K.laplacian(0), ValueError, "ndim must be a positive int"),
    ],
)
def test_bad_factory_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()
