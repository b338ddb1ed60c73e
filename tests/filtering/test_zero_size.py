"""Zero-size axes, every border, shape and strategy: the right result or a clear error."""

from __future__ import annotations

import numpy as np
import pytest

import imagekit as ik
from imagekit.borders import NA, Fill


@pytest.mark.parametrize("algorithm", ["auto", "direct", "separable", "fft"])
@pytest.mark.parametrize("border", ["reflect", "wrap", Fill(2.0), NA()])
@pytest.mark.parametrize("mode", ["same", "valid", "full"])
@pytest.mark.parametrize("shape", [(0, 5), (5, 0), (0, 0), (3, 0, 2)])
def test_zero_size_axes(algorithm, border, mode, shape):
    image = np.zeros(shape)
    kernel = np.ones((3, 3))
    kw = dict(shape=mode, algorithm=algorithm, axes=(0, 1))
    expected_shape = list(shape)
    for d in (0, 1):
        expected_shape[d] = {"same": shape[d], "valid": max(shape[d] - 2, 0)}.get(
            mode, shape[d] + 2
        )
    if mode == "full" and isinstance(border, str):
        # a non-empty output would repeat pixels of an empty axis
        with pytest.raises(ValueError, match="cannot extend an axis of length 0"):
            ik.imfilter(image, kernel, border, **kw)
        return
    got = ik.imfilter(image, kernel, border, **kw)
    assert got.shape == tuple(expected_shape)
    if got.size:  # all from the fill: 9 taps of 2.0, or no weight available under NA
        expected = 18.0 if isinstance(border, Fill) else np.nan
        np.testing.assert_array_equal(got, np.full(got.shape, expected))


@pytest.mark.parametrize("mode", ["same", "valid", "full"])
@pytest.mark.parametrize("shape", [(0, 4, 2), (4, 0, 2), (2, 4, 0), (2, 3, 4, 0)])
def test_zero_size_axes_of_a_3d_kernel(mode, shape):
    """The direct strategy's 3-D loop: an empty image axis, every output from the fill."""
    image = np.zeros(shape)
    kernel = np.ones((3, 3, 3))
    axes = tuple(range(len(shape) - 3, len(shape)))
    got = ik.imfilter(image, kernel, Fill(2.0), shape=mode, algorithm="direct", axes=axes)
    grow = {"same": 0, "valid": -2, "full": 2}[mode]
    expected = tuple(n if d not in axes else max(n + grow, 0) for d, n in enumerate(shape))
    assert got.shape == expected
    np.testing.assert_array_equal(got, np.full(expected, 54.0))
