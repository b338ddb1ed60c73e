"""Kept plans made for Dask and device arrays: ``plan`` and ``plan_filterbank`` route
like ``imfilter`` and ``filterbank``; the plans run on their kind of array only."""

from __future__ import annotations

import numpy as np
import pytest

import imagekit as ik
from imagekit.borders import NA, Fill
from imagekit.filtering import plan, plan_filterbank

da = pytest.importorskip("dask.array")
xp = pytest.importorskip("array_api_strict")
DEVICE = xp.Device("device1")  # not the CPU: converting to NumPy raises
BORDERS = ["reflect", Fill(0), NA(), "wrap"]
DTYPES = [np.float32, np.uint8]
SHAPES = ["same", "valid"]


def on_device(a):
    return xp.asarray(a, device=DEVICE)


def to_host(r):
    assert type(r) is type(on_device(0)) and r.device == DEVICE  # stays where the image was
    return np.asarray(r.to_device(xp.Device("CPU_DEVICE")))


def image(dtype, shape=(20, 17)):
    a = np.random.default_rng(0).random(shape) * 200
    if np.dtype(dtype).kind != "f":
        return a.astype(dtype)
    a[3, 4] = np.nan  # NA treats it as missing
    return a.astype(dtype)


KERNEL = np.random.default_rng(1).random((3, 5))


@pytest.mark.parametrize("border", BORDERS, ids=repr)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_a_dask_plan_equals_imfilter_and_stays_lazy(border, dtype, shape):
    d = da.from_array(image(dtype), chunks=(7, 6))
    p = plan(d, KERNEL, border, shape=shape)
    got = p(d)
    assert isinstance(got, da.Array)
    want = ik.imfilter(d, KERNEL, border, shape=shape).compute()
    np.testing.assert_array_equal(got.compute(), want)


@pytest.mark.parametrize("border", BORDERS, ids=repr)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_a_device_plan_equals_imfilter_on_the_device(border, dtype, shape):
    x = on_device(image(dtype))
    p = plan(x, KERNEL, border, shape=shape)
    want = to_host(ik.imfilter(x, KERNEL, border, shape=shape))
    np.testing.assert_array_equal(to_host(p(x)), want)
    out = on_device(np.zeros(p.out_shape, want.dtype))
    assert p(x, out=out) is out
    np.testing.assert_array_equal(to_host(out), want)


@pytest.mark.parametrize("border", BORDERS, ids=repr)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_filterbank_plans_on_dask_and_devices_equal_filterbank(border, dtype, shape):
    a = image(dtype, (12, 10, 3))
    bank = np.random.default_rng(2).random((3, 3, 3, 4))
    d = da.from_array(a, chunks=(5, 4, 3))
    got = plan_filterbank(d, bank, border, shape=shape)(d)
    assert isinstance(got, da.Array)
    want = ik.filterbank(d, bank, border, shape=shape).compute()
    np.testing.assert_array_equal(got.compute(), want)
    x = on_device(a)
    want = to_host(ik.filterbank(x, bank, border, shape=shape))
    np.testing.assert_array_equal(to_host(plan_filterbank(x, bank, border, shape=shape)(x)), want)


def test_plans_name_the_device_strategy_and_loop():
    a = np.zeros((64, 64), np.float32)
    gauss = ik.kernels.gaussian(1.0)
    p = plan(da.from_array(a, chunks=32), gauss)
    assert (p.strategy, p.loop) == ("dask-blocks", "dask-blocks/halo-windows")
    assert "strategy 'dask-blocks', loop 'dask-blocks/halo-windows'" in repr(p)
    assert "<- chosen" in p.explain()
    q = plan(on_device(a), gauss)
    assert (q.strategy, q.loop) == ("device-separable", "device-separable/array-ops")
    assert "strategy 'device-separable', loop 'device-separable/array-ops'" in repr(q)
    assert "device-separable" in q.explain() and "device-fft" in q.explain()
    assert plan(on_device(a), np.random.default_rng(0).random((9, 9))).strategy == "device-fft"
    bank = np.ones((3, 3, 2, 4))
    b = plan_filterbank(on_device(np.zeros((16, 16, 2), np.float32)), bank)
    assert (b.strategy, b.loop) == ("device-gemm", "device-gemm/matmul-per-tap")
    assert "strategy 'device-gemm'" in repr(b) and "<- chosen" in b.explain()
    c = plan_filterbank(da.zeros((16, 16, 2), np.float32, chunks=8), bank)
    assert c.strategy == "dask-blocks" and "strategy 'dask-blocks'" in repr(c)


def test_the_kept_bank_is_a_copy():
    bank = np.ones((3, 3, 1, 1))
    x = on_device(np.ones((8, 8, 1), np.float32))
    p = plan_filterbank(x, bank, 0)
    bank[...] = 0
    assert to_host(p(x))[4, 4, 0] == 9


def test_plans_refuse_another_shape_or_dtype():
    a = np.zeros((16, 16), np.float32)
    d, x = da.from_array(a, chunks=8), on_device(a)
    for p, other in (
        (plan(d, KERNEL), da.zeros((16, 8), np.float32, chunks=8)),
        (plan(d, KERNEL), d.astype(np.float64)),
        (plan(x, KERNEL), on_device(np.zeros((16, 8), np.float32))),
        (plan(x, KERNEL), on_device(np.zeros((16, 16), np.uint8))),
    ):
        with pytest.raises(
            ValueError, match=r"made for images of shape \(16, 16\) and dtype float32"
        ):
            p(other)
    b = plan_filterbank(x[..., None], np.ones((3, 3, 1, 2)))
    with pytest.raises(ValueError, match=r"shape \(16, 16, 1\) and dtype float32"):
        b(on_device(np.zeros((16, 16, 1), np.float64)))


def test_plans_refuse_another_kind_of_array():
    a = np.zeros((16, 16), np.float32)
    d, x = da.from_array(a, chunks=8), on_device(a)
    numpy_plan, dask_plan, device_plan = plan(a, KERNEL), plan(d, KERNEL), plan(x, KERNEL)
    cases = [
        (numpy_plan, x, "runs on NumPy arrays, got a device .*array_api_strict"),
        (numpy_plan, d, "runs on NumPy arrays, got a Dask array"),
        (dask_plan, a, "runs on Dask arrays, got a NumPy array"),
        (device_plan, a, r"runs on device \(CuPy, array-API\) arrays, got a NumPy array"),
        (device_plan, d, r"runs on device \(CuPy, array-API\) arrays, got a Dask array"),
    ]
    bank = np.ones((3, 3, 1, 2))
    cases.append((plan_filterbank(a[..., None], bank), x[..., None], "runs on NumPy arrays"))
    cases.append((plan_filterbank(d[..., None], bank), a[..., None], "runs on Dask arrays"))
    for p, other, message in cases:
        with pytest.raises(TypeError, match=message):
            p(other)


def test_out_is_refused_for_dask_plans_as_by_imfilter():
    d = da.zeros((16, 16), np.float32, chunks=8)
    out = np.empty((16, 16), np.float32)
    with pytest.raises(TypeError, match="out= is not supported for Dask arrays"):
        plan(d, KERNEL)(d, out=out)
    with pytest.raises(TypeError, match="out= is not supported for Dask arrays"):
        plan_filterbank(d[..., None], np.ones((3, 3, 1, 2)))(d[..., None], out=out)


def test_the_recursive_gaussian_is_refused_on_devices_as_by_imfilter():
    x = on_device(np.zeros((16, 16), np.float32))
    with pytest.raises(ValueError, match="iir"):
        plan(x, ik.kernels.gaussian(1.0), algorithm="iir")
