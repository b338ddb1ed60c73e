"""Dask arrays in, lazy Dask arrays out, equal to the in-memory result."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import imagekit as ik
from imagekit.borders import NA, Fill
from imagekit.kernels import Kernel

da = pytest.importorskip("dask.array")

BORDERS = ["reflect", "mirror", "nearest", "wrap", "constant", Fill(0.75), NA()]


def _chunks(draw, n):
    """Random chunks adding up to ``n`` (some of length 1: smaller than any halo)."""
    out, left = [], n
    while left:
        c = draw(st.integers(1, left))
        out.append(c)
        left -= c
    return tuple(out) or (0,)


@st.composite
def cases(draw):
    ndim = draw(st.integers(1, 3))
    shape = tuple(draw(st.integers(1, 9)) for _ in range(ndim))
    chunks = tuple(_chunks(draw, n) for n in shape)
    kshape = tuple(draw(st.integers(1, 5)) for _ in range(ndim))
    start = tuple(draw(st.integers(-m - 1, 1)) for m in kshape)
    return shape, chunks, kshape, start


def _assert_same(got, expected, dtype):
    assert isinstance(got, da.Array)
    result = got.compute()
    assert result.shape == expected.shape and result.dtype == expected.dtype
    if np.dtype(dtype).kind in "iu":  # a rounding may fall either way of .5
        assert np.abs(result.astype(float) - expected.astype(float)).max(initial=0) <= 1
    else:
        rtol = 1e-5 if np.dtype(dtype) == np.float32 else 1e-10
        scale = max(float(np.nanmax(np.abs(expected), initial=0)), 1.0)
        np.testing.assert_allclose(result, expected, rtol=rtol, atol=rtol * scale, equal_nan=True)


@settings(deadline=None, max_examples=150)
@given(
    case=cases(),
    border=st.sampled_from(BORDERS),
    mode=st.sampled_from(["same", "valid", "full"]),
    dtype=st.sampled_from([np.float64, np.float32, np.uint8]),
    algorithm=st.sampled_from(["auto", "direct", "fft"]),
    seed=st.integers(0, 2**16),
)
def test_imfilter_equals_in_memory(case, border, mode, dtype, algorithm, seed):
    shape, chunks, kshape, start = case
    rng = np.random.default_rng(seed)
    image = (rng.random(shape) * 200).astype(dtype)
    if isinstance(border, NA) and dtype != np.uint8 and image.size > 2:
        image.flat[rng.integers(image.size)] = np.nan  # a missing pixel
    kernel = Kernel(rng.random(kshape), start=start)
    kw = dict(shape=mode, algorithm=algorithm, dtype=dtype if dtype == np.uint8 else None)
    d = da.from_array(image, chunks=chunks)
    try:
        expected = ik.imfilter(image, kernel, border, **kw)
    except ValueError as e:  # e.g. NaN (no weight available under NA) into uint8
        with pytest.raises(ValueError, match=str(e)[:20]):
            ik.imfilter(d, kernel, border, **kw).compute()
        return
    _assert_same(ik.imfilter(d, kernel, border, **kw), expected, expected.dtype)


@pytest.mark.parametrize("border", BORDERS)
def test_imfilter_channels_and_strategies(border):
    rng = np.random.default_rng(1)
    image = rng.random((20, 17, 3))
    d = da.from_array(image, chunks=(6, 5, 2))
    for algorithm, kernel in [
        ("separable", ik.kernels.gaussian(1.5)),
        ("direct", rng.random((4, 3))),
        ("fft", rng.random((5, 6))),
    ]:
        kw = dict(channel_axis=-1, algorithm=algorithm)
        got = ik.imfilter(d, kernel, border, **kw)
        assert got.chunks == d.chunks  # 'same' keeps the input's chunks
        _assert_same(got, ik.imfilter(image, kernel, border, **kw), np.float64)


@pytest.mark.parametrize("border", ["nearest", 0.5])
def test_recursive_gaussian_by_blocks(border):
    """The IIR Gaussian is approximate; by blocks it meets the exact Gaussian as well."""
    rng = np.random.default_rng(4)
    image = rng.random((40, 36))
    d = da.from_array(image, chunks=(7, 9))
    got = ik.imfilter(d, ik.kernels.factored.iir_gaussian(2.0), border, algorithm="iir")
    exact = ik.imfilter(image, ik.kernels.gaussian(2.0), border)
    in_memory = ik.imfilter(image, ik.kernels.factored.iir_gaussian(2.0), border, algorithm="iir")
    tol = 2 * np.abs(in_memory - exact).max()
    assert np.abs(got.compute() - exact).max() <= tol


def test_kernel_longer_than_the_image_and_chunks():
    image = np.arange(7.0)
    d = da.from_array(image, chunks=2)
    kernel = np.ones(19) / 19
    for border in BORDERS:
        _assert_same(ik.imfilter(d, kernel, border), ik.imfilter(image, kernel, border), float)


@pytest.mark.parametrize("border", BORDERS)
@pytest.mark.parametrize("mode", ["same", "valid", "full"])
def test_filterbank_equals_in_memory(border, mode):
    rng = np.random.default_rng(2)
    image = rng.random((2, 13, 11, 4))  # batch, rows, cols, channels
    bank = rng.standard_normal((3, 4, 4, 5))
    d = da.from_array(image, chunks=(1, 5, 4, 3))  # channels split across chunks
    kw = dict(shape=mode, batch_axis=0)
    got = ik.filterbank(d, bank, border, **kw)
    _assert_same(got, ik.filterbank(image, bank, border, **kw), np.float64)


@pytest.mark.parametrize("border", BORDERS)
def test_padarray_equals_in_memory(border):
    image = np.arange(12, dtype=np.int16).reshape(3, 4)
    d = da.from_array(image, chunks=(2, 3))
    pad = [(7, 2), (0, 5)]  # wider than the image on one side
    got = ik.padarray(d, border, pad)
    expected = ik.padarray(image, border, pad)
    assert isinstance(got, da.Array) and got.dtype == expected.dtype
    np.testing.assert_array_equal(got.compute(), expected)


def test_out_is_refused():
    d = da.zeros((4, 4), chunks=2)
    with pytest.raises(TypeError, match="out="):
        ik.imfilter(d, np.ones((3, 3)), out=np.empty((4, 4)))


def test_options_are_checked_before_any_work():
    d = da.zeros((4, 4), chunks=2)
    with pytest.raises(ValueError, match="border"):
        ik.imfilter(d, np.ones((3, 3)), "bogus")


def test_numpy_calls_never_import_dask():
    code = (
        "import sys, numpy as np, imagekit as ik;"
        "ik.imfilter(np.ones((5, 5)), np.ones((3, 3))); ik.padarray(np.ones(3), 'wrap', 1);"
        "print('dask' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_distributed_cluster_of_processes():
    distributed = pytest.importorskip("distributed")
    rng = np.random.default_rng(3)
    image = rng.random((64, 48))
    d = da.from_array(image, chunks=(16, 16))
    kernel = rng.random((5, 3))
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster),
    ):
        got = ik.imfilter(d, kernel, "wrap").compute()
    np.testing.assert_allclose(got, ik.imfilter(image, kernel, "wrap"), rtol=1e-12)


def test_gradients_and_magnitude_stay_lazy():
    image = np.random.default_rng(5).random((19, 23))
    d = da.from_array(image, chunks=(5, 6))
    grads = ik.imgradients(d, "sobel", "wrap")
    assert all(isinstance(g, da.Array) for g in grads)
    mag = ik.magnitude(grads)
    assert isinstance(mag, da.Array)
    expected = ik.imgradients(image, "sobel", "wrap")
    np.testing.assert_allclose(mag.compute(), ik.magnitude(expected), rtol=1e-12)
