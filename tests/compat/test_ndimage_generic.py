"""generic_laplace and generic_gradient_magnitude against scipy.ndimage.

Each side gets its own library's derivative (``imagekit.compat.ndimage``'s
for ours, scipy's for scipy), so a compat derivative runs on imagekit's
engine; results are compared as in test_ndimage.py (integer outputs
identical, floats to 1e-6 / 1e-12 of the sums' scale).
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.ndimage as ndi
from hypothesis import given
from hypothesis import strategies as st

from imagekit.compat import ndimage as ik
from tests.compat._ndimage_support import MODES, OUTPUTS, SETTINGS, _call, _output_arg, assert_same
from tests.compat._ndimage_support import images as ndimage_images


def _second(module):
    def derivative2(input, axis, output, mode, cval, weights=(1.0, -2.0, 1.0), scale=1.0):
        result = module.correlate1d(input, np.multiply(weights, scale), axis, output, mode, cval)
        return result

    return derivative2


# (name, derivative for a module, extra_arguments, extra_keywords, gain)
CASES = [
    ("generic_laplace", _second, (), None, 4.0),
    ("generic_laplace", _second, ((1.0, -3.0, 2.0),), {"scale": 0.5}, 6.0),
    ("generic_laplace", lambda m: m.sobel, (), None, 8.0),
    ("generic_gradient_magnitude", lambda m: m.sobel, (), None, 16.0),
    ("generic_gradient_magnitude", lambda m: m.prewitt, (), {}, 16.0),
    ("generic_gradient_magnitude", _second, ((0.5, 0.0, -0.5),), None, 4.0),
]


def _run_both(name, derivative, image, extra, keywords, output, **kwargs):
    shape, dtype = np.shape(image), np.asarray(image).dtype
    outs = [_output_arg(output, shape, dtype) for _ in range(2)]
    args = dict(extra_arguments=extra, extra_keywords=keywords, **kwargs)
    try:
        ref = _call(ndi, name, image, derivative(ndi), output=outs[0], **args)
    except Exception as error:
        with pytest.raises(type(error)):
            _call(ik, name, image, derivative(ik), output=outs[1], **args)
        return None, None
    ours = _call(ik, name, image, derivative(ik), output=outs[1], **args)
    if output == "array":
        assert ours is outs[1]
    return ours, ref


@SETTINGS
@given(
    image=ndimage_images(max_side=6),
    case=st.sampled_from(CASES),
    data=st.data(),
    output=st.sampled_from(OUTPUTS),
)
def test_generic_filters_match_scipy(image, case, data, output):
    name, derivative, extra, keywords, gain = case
    n = image.ndim
    axes = data.draw(st.none() | st.permutations(range(n)).map(lambda p: tuple(p[: max(1, n - 1)])))
    count = n if axes is None else len(axes)
    mode = data.draw(st.sampled_from(MODES) | st.lists(st.sampled_from(MODES), min_size=count,
                                                        max_size=count))  # fmt: skip
    cval = data.draw(st.sampled_from([0.0, 2.5]))
    ours, ref = _run_both(
        name, derivative, image, extra, keywords, output, mode=mode, cval=cval, axes=axes
    )
    if ref is not None:
        scale = max(float(np.abs(image.astype(np.float64)).max()), cval, 1e-300)
        assert_same(ours, ref, scale=scale * gain * (scale if "gradient" in name else 1.0))


def test_derivative_gets_scipys_arguments():
    calls = []

    def derivative(input, axis, output, mode, cval, *extra, **keywords):
        given = ("array", output.dtype) if isinstance(output, np.ndarray) else ("dtype", output)
        calls.append((axis, given, mode, cval, extra, keywords))
        return ik.correlate1d(input, [1.0, -1.0], axis, output, mode, cval)

    image = np.arange(12.0).reshape(3, 4)
    options = dict(mode=["wrap", "nearest"], cval=1.5, extra_arguments=(7,),
                   extra_keywords={"k": 2})  # fmt: skip
    ik.generic_laplace(image, derivative, **options)
    ours, calls[:] = list(calls), []
    ndi.generic_laplace(image, derivative, **options)
    assert ours == calls
    assert ours[0][1] == ("array", np.float64) and ours[1][1] == ("dtype", np.float64)
    assert ours[0][2:] == ("wrap", 1.5, (7,), {"k": 2})


def test_empty_axes_copy_the_input():
    image = np.arange(6, dtype=np.uint8).reshape(2, 3)
    for name in ("generic_laplace", "generic_gradient_magnitude"):
        ours = getattr(ik, name)(image, ik.sobel, axes=())
        np.testing.assert_array_equal(ours, getattr(ndi, name)(image, ndi.sobel, axes=()))
        assert ours.dtype == np.uint8 and ours is not image


def test_uint8_gradient_magnitude_is_scipys_bit_for_bit():
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (40, 50), dtype=np.uint8)
    ours = ik.generic_gradient_magnitude(image, ik.sobel)
    np.testing.assert_array_equal(ours, ndi.generic_gradient_magnitude(image, ndi.sobel))


def test_wide_gaussians_in_four_dimensions():
    """The 1-D passes' N-D product is too large to build: they run one axis at a time."""
    image = np.random.default_rng(1).random((4, 5, 4, 3))
    ours = ik.gaussian_filter(image, 0.7, truncate=100)
    assert_same(ours, ndi.gaussian_filter(image, 0.7, truncate=100))
