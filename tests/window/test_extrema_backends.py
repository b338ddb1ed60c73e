"""findlocalmaxima and findlocalminima on Dask arrays (lazy) and on array_api_strict
arrays on a non-default device (standing in for CuPy, with scipy.ndimage standing in
for cupyx.scipy.ndimage through the host): the same coordinates as in memory."""

from __future__ import annotations

import numpy as np
import pytest

import imagekit as ik
from imagekit.kernels import Kernel

from .test_window_device import CPU, DEVICE, on_device, strict_ndimage, xp  # noqa: F401

da = pytest.importorskip("dask.array")

WINDOWS = [
    3,
    (2, 3),
    np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]], bool),
    Kernel(np.ones((2, 2)), start=(-1, 0)),
]


def images():
    rng = np.random.default_rng(4)
    f = np.round(rng.normal(0, 3, (13, 17))).astype(np.float32)
    f[rng.random(f.shape) < 0.05] = np.nan
    u = rng.integers(0, 6, (13, 17)).astype(np.uint8)
    c = rng.integers(0, 9, (9, 11, 2)).astype(np.int16)
    return [(f, None), (u, None), (c, -1)]


@pytest.mark.parametrize("find", [ik.findlocalmaxima, ik.findlocalminima], ids=lambda f: f.__name__)
@pytest.mark.parametrize("window", WINDOWS, ids=lambda w: repr(getattr(w, "shape", w)))
@pytest.mark.parametrize("options", [{}, {"edges": False}, {"threshold": 1.5}], ids=str)
def test_dask_equals_in_memory(find, window, options):
    for a, channel_axis in images():
        expected = find(a, window, channel_axis=channel_axis, **options)
        d = da.from_array(a, chunks=(4, 5, *a.shape[2:]))
        got = find(d, window, channel_axis=channel_axis, **options)
        assert isinstance(got, da.Array)
        np.testing.assert_array_equal(got.compute(), expected)


@pytest.mark.parametrize("find", [ik.findlocalmaxima, ik.findlocalminima], ids=lambda f: f.__name__)
@pytest.mark.parametrize("options", [{}, {"edges": False}, {"threshold": 2}], ids=str)
def test_device_equals_in_memory(strict_ndimage, find, options):  # noqa: F811
    for a, channel_axis in images():
        expected = find(a, 3, channel_axis=channel_axis, **options)
        got = find(on_device(a), 3, channel_axis=channel_axis, **options)
        assert got.device == DEVICE
        np.testing.assert_array_equal(np.asarray(got.to_device(CPU)), expected)


def test_bad_input_on_dask():
    d = da.zeros((5, 5), chunks=3)
    with pytest.raises(TypeError, match="edges"):
        ik.findlocalmaxima(d, edges="no")
    with pytest.raises(ValueError, match="window"):
        ik.findlocalmaxima(d, 0)


@pytest.mark.gpu
@pytest.mark.parametrize("options", [{}, {"edges": False}, {"threshold": 2}], ids=str)
def test_on_the_gpu(options):
    cp = pytest.importorskip("cupy")
    for a, channel_axis in images():
        expected = ik.findlocalmaxima(a, 3, channel_axis=channel_axis, **options)
        got = ik.findlocalmaxima(cp.asarray(a), 3, channel_axis=channel_axis, **options)
        assert isinstance(got, cp.ndarray)
        np.testing.assert_array_equal(got.get(), expected)
