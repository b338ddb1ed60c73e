"""The device vjps' strategies (``window_grad-device``, ``kernel_grad-device``,
``filterbank_vjp-device``): ranked by the registry, the tap limit a parameter, and the
device NA quotient rule the in-memory one (array_api_strict on a non-default device
stands in for a GPU)."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest

from imagekit.borders import NA, Fill
from imagekit.filtering._filterbank import layout
from imagekit.filtering._registry import rank
from imagekit.gradients import filterbank_vjp, imfilter_vjp
from imagekit.gradients._kernel_grads import KernelGradCall
from imagekit.gradients._strategies import choose
from imagekit.gradients._xp_grads import (
    DeviceKernelGradTaps,
    DeviceWindowGradTaps,
    WindowGradCall,
)

from .test_gradient_strategies import _replaced

xp = pytest.importorskip("array_api_strict")
DEVICE = xp.Device("device1")
F64 = np.dtype(np.float64)


def dev(a):
    return xp.asarray(a, device=DEVICE)


def host(r):
    assert r.device == DEVICE
    return np.asarray(r.to_device(xp.Device("CPU_DEVICE")))


@contextlib.contextmanager
def tap_limit(max_taps: int):
    """Both device tap loops with ``max_taps``, the built-in ones back afterwards."""
    with _replaced(DeviceWindowGradTaps(max_taps)), _replaced(DeviceKernelGradTaps(max_taps)):
        yield


def calls(m: int):
    """The window and kernel gradient calls of an ``m x m`` kernel (every tap non-zero)."""
    window = WindowGradCall(np.ones((m, m)), (12, 12), F64)
    kernel = KernelGradCall((m, m), (12, 12), (11 + m, 11 + m), F64)
    return window, kernel


@pytest.mark.parametrize(("m", "loop"), [(3, "device-taps"), (5, "device-taps"), (9, "device-fft")])
def test_the_registry_chooses_by_the_tap_limit(m, loop):
    window, kernel = calls(m)
    assert rank("window_grad-device", window, "auto")[2] == loop
    assert rank("kernel_grad-device", kernel, "auto")[2] == loop
    assert choose("window_grad-device", window, F64)[1].loop == f"window-grad/{loop}"
    assert choose("kernel_grad-device", kernel, F64)[1].loop == f"kernel-grad/{loop}"


def test_an_empty_gradient_takes_the_tap_loop_at_any_size():
    call = WindowGradCall(np.ones((11, 11)), (0, 12), F64)
    rows, _, chosen, _ = rank("window_grad-device", call, "auto")
    assert chosen == "device-taps"
    assert {row[0]: row[2] for row in rows}["device-fft"] is not None


@pytest.mark.parametrize(("m", "limit"), [(5, 8), (9, 100)])
@pytest.mark.parametrize("border", ["reflect", Fill(0.75), NA()])
def test_the_tap_limit_changes_the_choice_not_the_result(m, limit, border):
    rng = np.random.default_rng(m)
    image = rng.random((12, 12))
    if isinstance(border, NA):
        image[3, 4] = image[8:10, 0:3] = np.nan
    kernel = rng.random((m, m))
    g = rng.random((12, 12))
    before = [host(r) for r in imfilter_vjp(dev(image), kernel, dev(g), border)]
    window, kernel_call = calls(m)
    chosen = rank("kernel_grad-device", kernel_call, "auto")[2]
    with tap_limit(limit):
        assert rank("window_grad-device", window, "auto")[2] != chosen
        assert rank("kernel_grad-device", kernel_call, "auto")[2] != chosen
        after = [host(r) for r in imfilter_vjp(dev(image), kernel, dev(g), border)]
    assert rank("kernel_grad-device", kernel_call, "auto")[2] == chosen  # restored
    on_numpy = imfilter_vjp(image, kernel, g, border)
    for b, a, n in zip(before, after, on_numpy):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(b, n, rtol=1e-9, atol=1e-9)


def test_the_device_filterbank_vjp_is_ranked_by_the_registry():
    lay = layout(np.zeros((9, 8, 3)), np.zeros((3, 3, 3, 2)), "reflect")
    assert rank("filterbank_vjp-device", lay, "auto")[2] == "device-gemm"
    prepared = choose("filterbank_vjp-device", lay, lay.dtype)[1]
    assert prepared.loop == "filterbank-vjp/device-matmul-per-tap"


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("m", [3, 5])
def test_the_device_na_filterbank_vjp_equals_numpy(dtype, m):
    rng = np.random.default_rng(m)
    image = rng.random((2, 11, 10, 3)).astype(dtype)
    image[0, 2:9, 2:9, :] = np.nan  # outputs with no weight available: D == 0
    image[1, 4, 5, 1] = np.nan
    bank = rng.random((m, m, 3, 2)) + 0.1  # float64: the compute dtype is the image's
    g = rng.random((2, 11, 10, 2)).astype(dtype)
    kw = dict(channel_axis=-1, batch_axis=0)
    gi, gw = filterbank_vjp(image, bank, g, NA(), **kw)
    di, dw = filterbank_vjp(dev(image), bank, dev(g), NA(), **kw)
    assert host(di).dtype == gi.dtype and host(dw).dtype == gw.dtype
    tol = 1e-9 if dtype == np.float64 else 1e-4
    np.testing.assert_allclose(host(di), gi, rtol=tol, atol=tol * np.abs(gi).max())
    np.testing.assert_allclose(host(dw), gw, rtol=tol, atol=tol * np.abs(gw).max())
    assert np.all(host(di)[np.isnan(image)] == 0)  # no gradient reaches a NaN pixel
