"""CuPy arrays on a real GPU: the same results as NumPy, and never a host copy.

Marked ``gpu``: skipped (and counted in the summary line) when
``cupy.is_available()`` is False, as on CI.
"""

from __future__ import annotations

import numpy as np
import pytest

import imagekit as ik
from imagekit.borders import NA, Fill

pytestmark = pytest.mark.gpu
BORDERS = ["reflect", "mirror", "nearest", "wrap", "constant", Fill(0.75), NA()]


@pytest.fixture(scope="module")
def cp():
    return pytest.importorskip("cupy")


@pytest.mark.parametrize("border", BORDERS)
@pytest.mark.parametrize("algorithm", ["auto", "direct", "separable", "fft"])
@pytest.mark.parametrize("mode", ["same", "valid", "full"])
def test_imfilter_on_the_gpu_equals_numpy(cp, border, algorithm, mode):
    rng = np.random.default_rng(0)
    image = rng.random((67, 45, 3)).astype(np.float32)
    kernel = ik.kernels.gaussian(1.5) if algorithm == "separable" else rng.random((5, 4))
    kw = dict(shape=mode, algorithm=algorithm, channel_axis=-1)
    got = ik.imfilter(cp.asarray(image), kernel, border, **kw)
    assert isinstance(got, cp.ndarray)
    expected = ik.imfilter(image, kernel, border, **kw)
    np.testing.assert_allclose(got.get(), expected, rtol=1e-4, atol=1e-5, equal_nan=True)


@pytest.mark.parametrize("border", BORDERS)
def test_filterbank_and_padarray_on_the_gpu(cp, border):
    rng = np.random.default_rng(1)
    image = rng.random((32, 32, 16)).astype(np.float32)
    bank = rng.standard_normal((3, 3, 16, 8)).astype(np.float32)
    got = ik.filterbank(cp.asarray(image), bank, border)
    assert isinstance(got, cp.ndarray)
    expected = ik.filterbank(image, bank, border)
    np.testing.assert_allclose(got.get(), expected, rtol=1e-4, atol=1e-4, equal_nan=True)
    padded = ik.padarray(cp.asarray(image[..., 0]), border, 40)
    np.testing.assert_array_equal(padded.get(), ik.padarray(image[..., 0], border, 40))


@pytest.mark.parametrize("algorithm", ["direct", "separable"])
def test_no_device_to_host_copies(cp, algorithm):
    """With device synchronisation forbidden (CuPy raises on any copy back to the
    host), a float filter still runs: the image never leaves the device."""
    cupyx = pytest.importorskip("cupyx")
    image = cp.random.random((256, 256), dtype=cp.float32)
    with cupyx.allow_synchronize(False):
        got = ik.imfilter(image, ik.kernels.gaussian(2.0), "wrap", algorithm=algorithm)
    assert isinstance(got, cp.ndarray) and got.device == image.device
