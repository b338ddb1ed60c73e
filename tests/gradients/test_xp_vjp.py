"""The vjps on a device (array_api_strict on a non-default device, which refuses any
trip through NumPy) equal the NumPy ones."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import imagekit as ik
from imagekit.borders import NA, Fill
from imagekit.gradients import filterbank_vjp, imfilter_vjp
from imagekit.kernels import Kernel

xp = pytest.importorskip("array_api_strict")
DEVICE = xp.Device("device1")
BORDERS = ["reflect", "mirror", "nearest", "wrap", "constant", Fill(0.75), NA()]


def dev(a):
    return xp.asarray(a, device=DEVICE)


def host(r):
    assert r.device == DEVICE
    return np.asarray(r.to_device(xp.Device("CPU_DEVICE")))


@settings(deadline=None, max_examples=120)
@given(
    ndim=st.integers(1, 3),
    border=st.sampled_from(BORDERS),
    mode=st.sampled_from(["same", "valid", "full"]),
    big=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_imfilter_vjp_on_a_device_equals_numpy(ndim, border, mode, big, seed):
    rng = np.random.default_rng(seed)
    shape = tuple(int(n) for n in rng.integers(1, 9, ndim))
    kshape = (9, 9) if big and ndim == 2 else tuple(int(m) for m in rng.integers(1, 4, ndim))
    start = tuple(int(rng.integers(-m, 1)) for m in kshape)
    image = rng.random(shape)
    if isinstance(border, NA) and image.size > 2:
        image.flat[0] = np.nan
    kernel = Kernel(rng.random(kshape), start=start)
    g = rng.random(ik.imfilter(image, kernel, border, shape=mode).shape)
    gi, gk = imfilter_vjp(image, kernel, g, border, shape=mode)
    di, dk = imfilter_vjp(dev(image), kernel, dev(g), border, shape=mode)
    np.testing.assert_allclose(host(di), gi, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(host(dk), gk, rtol=1e-9, atol=1e-9)


def test_imfilter_vjp_channels_and_axes_order():
    rng = np.random.default_rng(1)
    image = rng.random((7, 3, 9))
    kernel = rng.random((4, 2))  # acts on axes (2, 0): the kernel's first axis is image axis 2
    g = rng.random(image.shape)
    gi, gk = imfilter_vjp(image, kernel, g, "wrap", axes=(2, 0))
    di, dk = imfilter_vjp(dev(image), kernel, dev(g), "wrap", axes=(2, 0))
    assert host(dk).shape == kernel.shape
    np.testing.assert_allclose(host(di), gi, rtol=1e-10)
    np.testing.assert_allclose(host(dk), gk, rtol=1e-10)


@pytest.mark.parametrize("border", BORDERS)
@pytest.mark.parametrize("mode", ["same", "valid", "full"])
def test_filterbank_vjp_on_a_device_equals_numpy(border, mode):
    rng = np.random.default_rng(2)
    image = rng.random((2, 3, 8, 7))  # batch, channels, rows, cols
    if isinstance(border, NA):
        image[1, 2, 3, 4] = np.nan
    bank = rng.standard_normal((3, 2, 3, 4))
    kw = dict(shape=mode, channel_axis=1, batch_axis=0)
    g = rng.random(ik.filterbank(image, bank, border, **kw).shape)
    gi, gw = filterbank_vjp(image, bank, g, border, **kw)
    di, dw = filterbank_vjp(dev(image), bank, dev(g), border, **kw)
    np.testing.assert_allclose(host(di), gi, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(host(dw), gw, rtol=1e-9, atol=1e-9)
