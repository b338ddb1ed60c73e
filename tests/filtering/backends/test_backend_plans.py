"""Dask and device calls are planned like in-memory ones: their strategies are in
the registry, ranked by ``rank()``, and their plans name strategy and loop."""

from __future__ import annotations

import numpy as np
import pytest

import imagekit as ik
from imagekit.filtering._filterbank import layout
from imagekit.filtering._registry import strategies
from imagekit.filtering.backends import cupy_filterbank
from imagekit.filtering.backends import dask as dask_backend

da = pytest.importorskip("dask.array")
xps = pytest.importorskip("array_api_strict")


def test_the_registry_holds_the_device_and_dask_strategies():
    assert list(strategies("filterbank-device")) == ["device-gemm"]
    assert list(strategies("imfilter-dask")) == ["dask-blocks"]
    assert list(strategies("filterbank-dask")) == ["dask-blocks"]
    assert {"device-direct", "device-separable", "device-fft"} <= set(strategies("imfilter-device"))


def test_a_dask_imfilter_plan_names_its_strategy_and_loop():
    image = da.zeros((64, 48), np.float32, chunks=(16, 24))
    p = dask_backend.imfilter_plan(image, np.ones((3, 3)), "reflect", algorithm="fft")
    assert (p.strategy, p.loop) == ("dask-blocks", "dask-blocks/halo-windows")
    assert "strategy 'dask-blocks', loop 'dask-blocks/halo-windows'" in repr(p)
    text = p.explain()
    assert "dask-blocks" in text and "<- chosen" in text
    assert p.algorithm == "fft"  # what every block's in-memory plan is asked for


def test_a_dask_filterbank_plan_names_its_strategy_and_loop():
    image = da.zeros((2, 32, 32, 4), np.float32, chunks=(1, 16, 16, 4))
    bank = np.ones((3, 3, 4, 5))
    p = dask_backend.filterbank_plan(
        image, bank, 0, algorithm="gemm", dtype=np.uint8, batch_axis=0, channel_axis=-1
    )
    assert (p.strategy, p.loop, p.operation) == (
        "dask-blocks",
        "dask-blocks/halo-windows",
        "filterbank-dask",
    )
    assert p.algorithm == "gemm" and p.out_dtype == np.uint8
    assert "loop 'dask-blocks/halo-windows'" in repr(p)
    assert "dask-blocks" in p.explain()


def test_dask_calls_run_their_plan():
    rng = np.random.default_rng(0)
    a = rng.random((30, 20))
    got = ik.imfilter(da.from_array(a, chunks=7), np.ones((3, 3)), "wrap")
    np.testing.assert_allclose(got.compute(), ik.imfilter(a, np.ones((3, 3)), "wrap"))
    x, bank = rng.random((30, 20, 3)), rng.random((3, 3, 3, 2))
    got = ik.filterbank(da.from_array(x, chunks=(7, 9, 3)), bank, "nearest")
    np.testing.assert_allclose(got.compute(), ik.filterbank(x, bank, "nearest"))


@pytest.mark.parametrize("algorithm", ["auto", "gemm"])
def test_a_device_filterbank_plan_names_its_strategy_and_loop(algorithm):
    image = np.zeros((16, 16, 4), np.float32)
    lay = layout(image, np.ones((3, 3, 4, 8)), 0)
    p = cupy_filterbank.device_plan(lay, 1, algorithm)
    assert (p.strategy, p.loop, p.operation) == (
        "device-gemm",
        "device-gemm/matmul-per-tap",
        "filterbank-device",
    )
    assert p.chosen_algorithm == "gemm"
    assert "strategy 'device-gemm', loop 'device-gemm/matmul-per-tap'" in repr(p)
    assert "device-gemm" in p.explain()


@pytest.mark.parametrize("algorithm", ["direct", "winograd", "fft"])
def test_a_device_filterbank_refuses_the_in_memory_algorithms(algorithm):
    lay = layout(np.zeros((8, 8, 2)), np.ones((3, 3, 2, 2)), 0)
    with pytest.raises(ValueError, match="runs on NumPy arrays only"):
        cupy_filterbank.device_plan(lay, 1, algorithm)


def test_a_device_filterbank_without_a_batch_axis():
    rng = np.random.default_rng(2)
    x, bank = rng.random((9, 7, 2)), rng.random((3, 3, 2, 3))
    dev = xps.asarray(x, device=xps.Device("device1"))
    got = ik.filterbank(dev, bank, "reflect")
    got = np.asarray(got.to_device(xps.Device("CPU_DEVICE")))
    np.testing.assert_allclose(got, ik.filterbank(x, bank, "reflect"), rtol=1e-12)
