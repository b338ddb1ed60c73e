"""imgradients and magnitude."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.ndimage as ndi

from imagekit import imgradients, magnitude
from imagekit import kernels as K
from tests._oracles import assert_close

FAMILIES = ["ando3", "ando4", "ando5", "sobel", "prewitt", "scharr", "bickley", "farid"]


@pytest.mark.parametrize("kernel", FAMILIES)
def test_gradients_of_a_plane_are_its_slopes(kernel):
    plane = np.add.outer(3.0 * np.arange(12), -0.5 * np.arange(11))
    gy, gx = imgradients(plane, kernel, "nearest")
    np.testing.assert_allclose(gy[4:-4, 4:-4], 3.0, rtol=1e-12)
    np.testing.assert_allclose(gx[4:-4, 4:-4], -0.5, rtol=1e-12)


def test_gradients_match_scaled_scipy_sobel_in_3d():
    rng = np.random.default_rng(0)
    vol = rng.random((8, 9, 10))
    grads = imgradients(vol, "sobel", "mirror")
    assert len(grads) == 3
    for axis, g in enumerate(grads):
        assert_close(32 * g, ndi.sobel(vol, axis=axis, mode="mirror"))


@pytest.mark.parametrize("channel_axis", [0, -1])
def test_channel_axis_differentiates_each_channel(channel_axis):
    rng = np.random.default_rng(1)
    rgb = rng.random((10, 12, 3))
    rgb = np.moveaxis(rgb, -1, channel_axis)
    grads = imgradients(rgb, "scharr", channel_axis=channel_axis)
    assert len(grads) == 2
    for c in range(3):
        single = imgradients(np.take(rgb, c, axis=channel_axis), "scharr")
        for g, s in zip(grads, single):
            np.testing.assert_allclose(np.take(g, c, axis=channel_axis), s, rtol=1e-14)


def test_callable_kernel_family():
    rng = np.random.default_rng(2)
    image = rng.random((16, 16))
    grads = imgradients(
        image, lambda axis, ndim: K.gaussian(2.0, ndim, order=[int(d == axis) for d in range(ndim)])
    )
    for axis, g in enumerate(grads):
        order = [int(d == axis) for d in range(2)]
        assert_close(g, ndi.gaussian_filter(image, 2.0, order=order))


def test_magnitude():
    gy, gx = np.array([[3.0, 0.0]]), np.array([[4.0, -2.0]])
    np.testing.assert_allclose(magnitude((gy, gx)), [[5.0, 2.0]])
    assert magnitude((np.ones(3, np.float32),)).dtype == np.float32
    with pytest.raises(ValueError, match="at least one array"):
        magnitude(())


def test_unknown_family():
    with pytest.raises(ValueError, match="kernel='roberts' is not one of: sobel"):
        imgradients(np.zeros((4, 4)), "roberts")
