"""imagekit.compat.ndimage against scipy.ndimage: same signatures, dtypes, errors, results.

Results are identical to scipy's, bit for bit, whatever the dtype (the
drop-ins add scipy's products in scipy's order); comparisons with
imagekit's own engine agree to rounding, measured against the scale of the
sums (``max|input| * sum|weights|``): 1e-6 of it in float32, 1e-12 in
float64.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest
import scipy.ndimage as ndi

import imagekit
from imagekit.compat import ndimage as ik
from imagekit.compat._ndi_derivatives import scipy_weights
from imagekit.compat._ndi_gaussian import gaussian_weights
from tests.compat._ndimage_support import (
    NAMES,
    assert_same,
    compare,
)

# -- the API ---------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
def test_signature_is_scipys(name):
    assert inspect.signature(getattr(ik, name)) == inspect.signature(getattr(ndi, name))


@pytest.mark.parametrize("name", NAMES)
def test_docstring_says_drop_in(name):
    assert getattr(ik, name).__doc__.startswith(f"Drop-in for ``scipy.ndimage.{name}``")


def test_swapping_the_import_keeps_a_script_working():
    script = """
import numpy as np
{import_line}
rng = np.random.default_rng(7)
image = (rng.random((32, 40)) * 255).astype(np.uint8)
smooth = ndimage.gaussian_filter(image, sigma=1.5)
edges = np.hypot(ndimage.sobel(smooth.astype(float), axis=0),
                 ndimage.sobel(smooth.astype(float), axis=1))
box = ndimage.uniform_filter(image.astype(np.float32), size=5, mode="nearest")
log = ndimage.gaussian_laplace(image.astype(float), sigma=2)
kernel = np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]])
conv = ndimage.convolve(image, kernel, mode="constant", cval=10)
result = (smooth, edges, box, log, conv)
"""
    results = []
    for line in ("from scipy import ndimage", "from imagekit.compat import ndimage"):
        namespace = {}
        exec(script.format(import_line=line), namespace)
        results.append(namespace["result"])
    for ours, ref in zip(results[1], results[0]):
        assert_same(ours, ref, scale=255 * 64)


@pytest.mark.parametrize("dtype", [np.uint8, np.float32, np.float64])
def test_inputs_are_not_modified(dtype):
    rng = np.random.default_rng(1)
    image = (rng.random((9, 11)) * 200).astype(dtype)
    weights = rng.random((3, 2))
    keep_image, keep_weights = image.copy(), weights.copy()
    ik.correlate(image, weights, mode="wrap")
    ik.convolve1d(image, weights[:, 0], axis=0)
    ik.gaussian_filter(image, (1.0, 2.0), order=(0, 1))
    ik.uniform_filter(image, 4)
    ik.sobel(image)
    ik.gaussian_gradient_magnitude(image, 1.0)
    np.testing.assert_array_equal(image, keep_image)
    np.testing.assert_array_equal(weights, keep_weights)


def test_output_array_is_written_in_place_and_returned():
    image = np.arange(30.0).reshape(5, 6)
    out = np.empty((5, 6), np.float32)
    got = ik.gaussian_filter(image, 1.0, output=out)
    assert got is out
    assert_same(out, ndi.gaussian_filter(image, 1.0, output=np.float32), scale=30)


def test_output_may_be_the_input():
    image = np.arange(30.0).reshape(5, 6)
    expected = ndi.uniform_filter(image, 3)
    got = ik.uniform_filter(image, 3, output=image)
    assert got is image
    assert_same(image, expected, scale=30)


@pytest.mark.parametrize("name", ["correlate", "gaussian_filter", "sobel", "uniform_filter"])
def test_non_contiguous_input_and_output(name):
    rng = np.random.default_rng(2)
    image = rng.random((12, 14))[::2, ::-2]
    args = {"correlate": (rng.random((3, 3)),), "gaussian_filter": (1.2,)}.get(name, ())
    ours = np.zeros((12, 14))[::2, 1::2]
    ref = np.zeros((6, 7))
    assert getattr(ik, name)(image, *args, output=ours) is ours
    getattr(ndi, name)(image, *args, output=ref)
    assert_same(ours, ref, scale=16)


def test_empty_input_gives_empty_output():
    for name, args in [("correlate", (np.ones((3, 3)),)), ("gaussian_filter", (1.0,))]:
        got = getattr(ik, name)(np.zeros((0, 4)), *args)
        assert got.shape == (0, 4) and got.dtype == np.float64


# -- errors ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args", "kwargs", "error"),
    [
        ("correlate1d", ([1.0, 2.0],), {"mode": "symmetric"}, RuntimeError),
        ("gaussian_filter", (1.0,), {"mode": "bogus"}, RuntimeError),
        ("correlate", ([[1.0]],), {"mode": ["reflect", "wrap"]}, RuntimeError),
        ("correlate1d", ([1.0, 2.0],), {"mode": ["reflect"]}, RuntimeError),
        ("correlate", ([[1.0, 2.0, 3.0]],), {"origin": 2}, ValueError),
        ("correlate", ([[1.0]],), {"origin": (0, 0, 0)}, RuntimeError),
        ("correlate", ([1.0],), {}, RuntimeError),
        ("correlate1d", ([],), {}, RuntimeError),
        ("correlate1d", ([1.0, 2.0],), {"axis": 2}, np.exceptions.AxisError),
        ("convolve1d", ([1.0, 2.0, 3.0],), {"origin": -2}, ValueError),
        ("uniform_filter1d", (0,), {}, RuntimeError),
        ("uniform_filter1d", (3,), {"origin": 2}, ValueError),
        ("gaussian_filter", (1.0,), {"radius": -1}, ValueError),
        ("gaussian_filter", (1.0,), {"order": -1}, ValueError),
        ("gaussian_filter", ((1.0, 2.0, 3.0),), {}, RuntimeError),
        ("gaussian_filter", (1.0,), {"axes": (0, 0)}, ValueError),
        ("gaussian_filter", (1.0,), {"axes": (5,)}, ValueError),
        ("correlate", ([[1.0]],), {"cval": 1j, "mode": "constant"}, TypeError),
        ("correlate", ([[1j]],), {"cval": 1j, "mode": "constant"}, ValueError),
        ("gaussian_filter", (1.0,), {"cval": 1j, "mode": "constant"}, TypeError),
        ("sobel", (), {"output": np.float16}, RuntimeError),
        ("sobel", (), {"output": np.zeros((2, 2))}, RuntimeError),
        ("sobel", (), {"output": np.complex128}, RuntimeError),
    ],
)
def test_bad_arguments_raise_scipys_error_type(name, args, kwargs, error):
    image = np.arange(20.0).reshape(4, 5)
    with pytest.raises(error):
        getattr(ndi, name)(image, *args, **kwargs)
    with pytest.raises(error):
        getattr(ik, name)(image, *args, **kwargs)


def test_errors_name_what_was_given():
    with pytest.raises(RuntimeError, match="'symmetric' is not one of: reflect"):
        ik.correlate1d(np.ones(4), [1.0], mode="symmetric")
    with pytest.raises(ValueError, match="got origin 2 for a kernel of length 3"):
        ik.correlate(np.ones(4), [1.0, 2.0, 3.0], origin=2)


@pytest.mark.parametrize("dtype", [np.float16, np.longdouble])
def test_dtypes_scipy_cannot_filter_raise(dtype):
    with pytest.raises(RuntimeError):
        ndi.gaussian_filter(np.ones((3, 3), dtype), 1.0)
    with pytest.raises(RuntimeError, match="not supported"):
        ik.gaussian_filter(np.ones((3, 3), dtype), 1.0)


# -- the dtype rules -------------------------------------------------------------


def test_integer_outputs_truncate_toward_zero_and_wrap():
    values = np.array([2.9, -2.9, 0.5, -1.0, 255.5, 256.0, 300.0])
    for dtype in (np.uint8, np.int8, np.int16, np.uint16, np.int32, np.uint32, np.int64):
        ours = ik.correlate1d(values, [1.0], output=dtype)
        assert_same(ours, ndi.correlate1d(values, [1.0], output=dtype))
    np.testing.assert_array_equal(
        ik.correlate1d(values, [1.0], output=np.uint8), [2, 254, 0, 255, 255, 0, 44]
    )


def test_bool_output_keeps_scipys_bytes():
    values = np.array([0.5, 1.5, -1.0, 256.0, 2.0])
    ours = ik.correlate(values, [1.0], output=bool)
    ref = ndi.correlate(values, [1.0], output=bool)
    np.testing.assert_array_equal(ours.view(np.uint8), ref.view(np.uint8))
    np.testing.assert_array_equal(ours.view(np.uint8), [0, 1, 255, 0, 2])


@pytest.mark.parametrize("constant", [1, 3, 7, 100, 255])
@pytest.mark.parametrize("sigma", [0.5, 1.0, 2.0])
def test_gaussian_of_a_flat_uint8_image_truncates_as_scipy(constant, sigma):
    # scipy's sum is 2.9999999999999996 for a constant 3 at sigma 0.5, so 2.
    image = np.full((16, 16), constant, np.uint8)
    assert_same(ik.gaussian_filter(image, sigma), ndi.gaussian_filter(image, sigma))


def test_uint8_photograph_is_bit_identical():
    rng = np.random.default_rng(3)
    image = np.repeat(np.repeat(rng.integers(0, 256, (24, 20)), 4, 0), 4, 1).astype(np.uint8)
    image[10:40, 20:60] = 200  # flat regions, where truncation is touchy
    for sigma in (0.5, 1.0, 2.5):
        assert_same(ik.gaussian_filter(image, sigma), ndi.gaussian_filter(image, sigma))
    assert_same(ik.uniform_filter(image, 5), ndi.uniform_filter(image, 5))
    w = rng.random((3, 3))
    assert_same(ik.correlate(image, w), ndi.correlate(image, w))
    assert_same(ik.gaussian_laplace(image, 1.5), ndi.gaussian_laplace(image, 1.5))


def test_non_finite_pixels_give_scipys_nans():
    rng = np.random.default_rng(4)
    image = rng.standard_normal((10, 11))
    image[3, 4], image[7, 7], image[1, 9] = np.nan, np.inf, -np.inf
    for dtype in (np.float64, np.float32):
        x = image.astype(dtype)
        compare("sobel", x, gain=32)  # [-1, 0, 1]: 0 * inf is NaN in scipy
        compare("laplace", x, gain=8)
        compare("uniform_filter1d", x, 4)  # a running sum: NaN for the rest of the line
        compare("gaussian_filter", x, 1.0)
        compare("correlate", x, np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 2.0]]), gain=4)
        compare("correlate1d", x, [1.0, 0.0, 2.0], gain=3)
    compare("correlate", np.ones((4, 4)), np.ones((2, 2)), mode="constant", cval=np.nan)
    compare("correlate1d", np.ones((4, 4)), [1.0, np.nan, 2.0])
    compare("correlate", np.ones((4, 4)), [[1.0, np.nan, 2.0]])  # NaN weights are dropped


@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_complex_input_and_weights(dtype):
    rng = np.random.default_rng(5)
    image = (rng.standard_normal((6, 7)) + 1j * rng.standard_normal((6, 7))).astype(dtype)
    w2 = rng.standard_normal((3, 2)) + 1j * rng.standard_normal((3, 2))
    w1 = rng.standard_normal(4) + 1j * rng.standard_normal(4)
    compare("correlate", image, w2, mode="constant", cval=1 + 2j, gain=8)
    compare("convolve", image, w2, gain=8)
    compare("correlate1d", image, w1, gain=8)
    compare("convolve1d", image, w1, axis=0, gain=8)
    compare("gaussian_filter", image, 1.2, gain=2)
    compare("uniform_filter", image, 3, mode="constant", cval=1 - 1j, gain=2)
    compare("sobel", image, gain=32)
    compare("correlate", image.real.copy(), w2, gain=8)  # complex weights, real image


@pytest.mark.parametrize("name", ["correlate", "gaussian_filter", "sobel", "uniform_filter"])
def test_bool_input(name):
    image = np.random.default_rng(6).random((8, 9)) > 0.5
    args = {"correlate": (np.ones((3, 3)),), "gaussian_filter": (1.0,)}.get(name, ())
    compare(name, image, *args, gain=16)


def test_grid_modes_are_the_plain_modes_for_filters():
    image = np.random.default_rng(7).random((6, 7))
    for grid, plain in [("grid-constant", "constant"), ("grid-wrap", "wrap")]:
        for module in (ndi, ik):
            np.testing.assert_array_equal(
                module.gaussian_filter(image, 1.5, mode=grid, cval=2.0),
                module.gaussian_filter(image, 1.5, mode=plain, cval=2.0),
            )
    np.testing.assert_array_equal(
        ik.correlate(image, np.ones((3, 3)), mode="grid-mirror"),
        ik.correlate(image, np.ones((3, 3)), mode="reflect"),
    )


# -- the weights: imagekit's kernels rescaled to scipy's ---------------------------


def test_sobel_and_prewitt_weights_are_imagekits_rescaled_exactly():
    for name, smooth in [("sobel", [1.0, 2.0, 1.0]), ("prewitt", [1.0, 1.0, 1.0])]:
        diff, got_smooth = scipy_weights(name)
        np.testing.assert_array_equal(diff, [-1.0, 0.0, 1.0])
        np.testing.assert_array_equal(got_smooth, smooth)


@pytest.mark.parametrize("order", [0, 1, 2, 3])
def test_gaussian_weights_agree_with_imagekit_kernels(order):
    for sigma in (0.4, 1.0, 2.7):
        radius = int(4.0 * sigma + 0.5)
        ours = gaussian_weights(sigma, order, radius)[::-1]
        engine = imagekit.kernels.gaussian((sigma,), order=order).weights
        np.testing.assert_allclose(ours, engine, rtol=0, atol=1e-14)


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5])
def test_convolve_origin_is_reflect_of_the_correlation_kernel(size):
    weights = np.arange(1.0, size + 1)
    image = np.random.default_rng(8).random(11)
    for origin in range(-(size // 2), (size - 1) // 2 + 1):
        k = imagekit.kernels.Kernel(weights, start=-(size // 2) - origin)
        expected = imagekit.imfilter(image, imagekit.kernels.reflect(k), "mirror")
        assert_same(ik.convolve(image, weights, mode="mirror", origin=origin), expected, 10)
        assert_same(ik.convolve1d(image, weights, mode="mirror", origin=origin), expected, 10)
