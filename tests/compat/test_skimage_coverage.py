"""The remaining skimage.filters linear filters against scikit-image on random inputs.

roberts*, correlate_sparse and butterworth are linear: float results agree to
1e-6 (float32) or 1e-12 (float64) of the scale of their sums, as in
test_skimage.py. gabor's integer results (it keeps integer dtypes) are
identical. The ridge filters (sato, meijering, frangi, hessian) pass the
Hessian through eigenvalues, ratios and exponentials, which amplify the
Hessian's rounding: they agree to 1e-9 (float64) or 2e-3 (float32) of the
result's largest magnitude.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import skimage.filters as skf
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from imagekit.compat.skimage import filters as ikf
from tests.compat.test_skimage import SETTINGS, compare, images

MODES = ["reflect", "constant", "nearest", "mirror", "wrap"]


def _random(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    values = rng.random(shape) * (120 if np.dtype(dtype).kind in "iu" else 4) - (
        0 if np.dtype(dtype).kind == "u" else 0.5
    )
    if np.dtype(dtype).kind == "c":
        values = values + 1j * rng.random(shape)
    return values.astype(dtype)


def _both(name, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return getattr(skf, name)(*args, **kwargs), getattr(ikf, name)(*args, **kwargs)


def _close(ours, ref, rtol):
    """Same dtype and shape; within ``rtol`` of the result's largest magnitude."""
    assert ours.dtype == ref.dtype, (ours.dtype, ref.dtype)
    assert ours.shape == ref.shape
    scale = max(float(np.abs(ref).max()), 1e-300)
    error = float(np.abs(ours.astype(np.complex128) - ref).max())
    assert error <= rtol * scale, f"max error {error} of {scale}"


# -- Roberts --------------------------------------------------------------------


@SETTINGS
@given(image=images(min_dims=2, max_dims=2), data=st.data())
def test_roberts_filters_match(image, data):
    mask = data.draw(st.none() | hnp.arrays(bool, image.shape))
    for name in ("roberts", "roberts_pos_diag", "roberts_neg_diag"):
        compare(name, image, mask=mask)


# -- Gabor ----------------------------------------------------------------------

GABOR_OPTIONS = [
    dict(frequency=0.1),
    dict(frequency=0.3, theta=0.7, bandwidth=2, offset=0.5),
    dict(frequency=-0.2, theta=2.0, sigma_x=2.0),
    dict(frequency=0.15, theta=1.0, sigma_x=1.5, sigma_y=3.0, n_stds=2),
    dict(frequency=0.4, theta=-0.3, bandwidth=0.5),
]


@pytest.mark.parametrize(
    "dtype", [np.float64, np.float32, np.float16, np.uint8, np.uint16, np.int16]
)
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("options", GABOR_OPTIONS)
def test_gabor_matches(dtype, mode, options):
    image = _random((13, 16), dtype, seed=3)
    (ref_real, ref_imag), (real, imag) = _both("gabor", image, mode=mode, cval=1.5, **options)
    for ours, ref in ((real, ref_real), (imag, ref_imag)):
        if ref.dtype.kind in "iu":  # kept integer and truncated, as in scikit-image
            assert ours.dtype == ref.dtype
            np.testing.assert_array_equal(ours, ref)
        else:
            _close(ours, ref, 1e-6 if ref.dtype == np.float32 else 1e-12)


def test_gabor_kernel_is_imagekits_rescaled():
    """The compat kernel is kernels.gabor times 1 / (2 pi sigma_x sigma_y)."""
    from imagekit.compat.skimage._gabor import _kernel_parts
    from imagekit.kernels import gabor as native

    re, im = _kernel_parts(0.25, 0.3, 1, 2.0, 3.0, 3, 0.1, np.complex128)
    native_re, native_im = native(re.shape, sigma=2.0, theta=0.3, wavelength=4.0, phase=0.1,
                                  aspect=2.0 / 3.0)  # fmt: skip
    np.testing.assert_allclose(re, native_re.weights / (2 * np.pi * 6.0), rtol=0, atol=1e-17)
    np.testing.assert_allclose(im, native_im.weights / (2 * np.pi * 6.0), rtol=0, atol=1e-17)


# -- ridge filters ----------------------------------------------------------------

RIDGES = ["sato", "meijering", "frangi", "hessian"]


@pytest.mark.parametrize("name", RIDGES)
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.uint8, np.uint16])
@pytest.mark.parametrize("shape", [(12, 13), (6, 7, 5)])
@pytest.mark.parametrize(
    "options",
    [
        dict(sigmas=[1, 2.5]),
        dict(sigmas=[0.5], black_ridges=False, mode="constant", cval=3),
        dict(sigmas=(1.5,), mode="wrap"),
    ],
)
def test_ridge_filters_match(name, dtype, shape, options):
    image = _random(shape, dtype, seed=5)
    ref, ours = _both(name, image, **options)
    _close(ours, ref, 2e-3 if ref.dtype == np.float32 else 1e-9)


@pytest.mark.parametrize("shape", [(17,), (4, 5, 4, 3)])
def test_meijering_is_n_dimensional(shape):
    ref, ours = _both("meijering", _random(shape, np.float64, seed=6), sigmas=[1.0])
    _close(ours, ref, 1e-9)


@pytest.mark.parametrize("name", ["frangi", "hessian"])
def test_frangi_options_match(name):
    image = _random((14, 12), np.float64, seed=7)
    for options in (dict(alpha=0.2, beta=0.9, gamma=2.0), dict(gamma=None), dict(sigmas=[1, 2])):
        ref, ours = _both(name, image, **options)
        _close(ours, ref, 1e-9)


def test_frangi_scale_range_warns_as_scikit_image():
    image = _random((10, 10), np.float64)
    with pytest.warns(UserWarning, match="sigmas"):
        ours = ikf.frangi(image, scale_range=(1, 3), scale_step=1)
    with pytest.warns(UserWarning):
        ref = skf.frangi(image, scale_range=(1, 3), scale_step=1)
    _close(ours, ref, 1e-9)


def test_ridge_filters_find_a_dark_line():
    image = np.ones((15, 15))
    image[:, 7] = 0
    for name in RIDGES:
        response = getattr(ikf, name)(image, sigmas=[1])
        assert response[7].argmax() == 7 or name == "hessian"
    assert ikf.hessian(np.ones((5, 5)), sigmas=[1]).min() == 1.0


@pytest.mark.slow
@pytest.mark.parametrize("name", RIDGES)
def test_ridge_filters_match_with_default_sigmas(name):
    image = _random((48, 40), np.float64, seed=8)
    ref, ours = _both(name, image)
    _close(ours, ref, 1e-9)


# -- Butterworth ------------------------------------------------------------------


@pytest.mark.parametrize(
    "dtype", [np.float64, np.float32, np.float16, np.uint8, np.uint16, np.complex128, bool]
)
@pytest.mark.parametrize(
    ("shape", "channel_axis"),
    [((9, 8), None), ((7, 6, 3), -1), ((3, 7, 6), 0), ((5, 6, 7), None), ((10,), None)],
)
@pytest.mark.parametrize(
    "options",
    [
        dict(),
        dict(cutoff_frequency_ratio=0.2, high_pass=False, order=3.5),
        dict(squared_butterworth=False, npad=3, cutoff_frequency_ratio=0.1),
        dict(cutoff_frequency_ratio=0.5, order=1, npad=1),
    ],
)
def test_butterworth_matches(dtype, shape, channel_axis, options):
    image = _random(shape, dtype, seed=9)
    ref, ours = _both("butterworth", image, channel_axis=channel_axis, **options)
    _close(ours, ref, 1e-6 if ref.dtype in (np.float32, np.complex64) else 1e-12)


def test_butterworth_filters_each_channel_alone():
    rng = np.random.default_rng(10)
    image = rng.random((12, 10, 3))
    together = ikf.butterworth(image, 0.1, channel_axis=-1)
    for c in range(3):
        np.testing.assert_allclose(
            together[..., c], ikf.butterworth(image[..., c], 0.1), atol=1e-14
        )


# -- correlate_sparse ---------------------------------------------------------------

SPARSE_MODES = [*MODES, "edge", "symmetric", "valid", "linear_ramp", "maximum"]


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.uint8, np.int16])
@pytest.mark.parametrize(("shape", "kernel_shape"), [((7, 9), (3, 5)), ((5, 6, 4), (3, 1, 3))])
@pytest.mark.parametrize("mode", SPARSE_MODES)
def test_correlate_sparse_matches(dtype, shape, kernel_shape, mode):
    rng = np.random.default_rng(11)
    image = _random(shape, dtype, seed=12)
    kernel = rng.standard_normal(kernel_shape) * (rng.random(kernel_shape) > 0.5)
    compare("correlate_sparse", image, kernel, mode=mode, raw=True, gain=np.abs(kernel).sum())


def test_correlate_sparse_valid_takes_even_kernels():
    image = _random((6, 7), np.float64)
    kernel = np.array([[1.0, 0.0], [0.0, -2.0]])
    ours = compare("correlate_sparse", image, kernel, mode="valid", raw=True, gain=3.0)
    assert ours.shape == (5, 6)


def test_correlate_sparse_non_finite_pixels_as_scikit_image():
    """Zero weights are skipped (no ``0 * inf``), except the kernel's first corner,
    where scikit-image's sum starts whatever its weight."""
    image = np.arange(12.0).reshape(3, 4)
    image[1, 1] = np.inf
    kernel = np.zeros((3, 3))
    kernel[1, 2] = 1.0
    ref, ours = _both("correlate_sparse", image, kernel)
    np.testing.assert_array_equal(ours, ref)
    assert np.isfinite(ours[1, 1]) and np.isnan(ours[2, 2])
    kernel[0, 0] = 2.0
    ref, ours = _both("correlate_sparse", image, kernel)
    np.testing.assert_array_equal(ours, ref)
