"""The array-namespace backend (CuPy's path) on CPU: array_api_strict arrays on a
non-default device, which refuse any trip through NumPy, and NumPy standing in."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import imagekit as ik
from imagekit.borders import NA, Fill
from imagekit.filtering._plan import make_plan
from imagekit.filtering.backends import cupy as X
from imagekit.kernels import Kernel

xp = pytest.importorskip("array_api_strict")
DEVICE = xp.Device("device1")  # not the CPU: converting to NumPy raises
BORDERS = ["reflect", "mirror", "nearest", "wrap", "constant", Fill(0.75), NA()]


def on_device(a):
    return xp.asarray(a, device=DEVICE)


def to_host(r):
    assert r.device == DEVICE  # the result stays where the image was
    return np.asarray(r.to_device(xp.Device("CPU_DEVICE")))


def assert_same(got, expected):
    assert got.shape == expected.shape and got.dtype == expected.dtype
    if expected.dtype.kind in "iu":  # float rounding may fall either way of .5
        assert np.abs(got.astype(float) - expected.astype(float)).max(initial=0) <= 1
        return
    rtol = 2e-5 if expected.dtype in (np.float32, np.complex64) else 1e-10
    scale = max(float(np.nanmax(np.abs(expected), initial=0)), 1.0)
    np.testing.assert_allclose(got, expected, rtol=rtol, atol=rtol * scale, equal_nan=True)


@st.composite
def cases(draw):
    ndim = draw(st.integers(1, 3))
    shape = tuple(draw(st.integers(1, 8)) for _ in range(ndim))
    kshape = tuple(draw(st.integers(1, 4)) for _ in range(ndim))
    start = tuple(draw(st.integers(-m - 1, 1)) for m in kshape)
    return shape, kshape, start


@settings(deadline=None, max_examples=200)
@given(
    case=cases(),
    border=st.sampled_from(BORDERS),
    mode=st.sampled_from(["same", "valid", "full"]),
    dtype=st.sampled_from([np.float64, np.float32, np.uint8, np.int16, np.complex128]),
    algorithm=st.sampled_from(["auto", "direct", "fft", "separable"]),
    seed=st.integers(0, 2**16),
)
def test_imfilter_on_a_device_equals_numpy(case, border, mode, dtype, algorithm, seed):
    shape, kshape, start = case
    rng = np.random.default_rng(seed)
    image = (rng.random(shape) * 100).astype(dtype)
    if dtype == np.complex128:
        image = image + 1j * rng.random(shape)
    if isinstance(border, NA) and np.dtype(dtype).kind in "fc" and image.size > 2:
        image.flat[rng.integers(image.size)] = np.nan
    if algorithm == "separable":  # a rank-one kernel
        kernel = Kernel.from_factors([rng.random(m) for m in kshape])
    else:
        kernel = Kernel(rng.random(kshape), start=start)
    kw = dict(shape=mode, algorithm=algorithm, dtype=np.uint8 if dtype == np.uint8 else None)
    try:
        expected = ik.imfilter(image, kernel, border, **kw)
    except (ValueError, TypeError) as e:
        with pytest.raises(type(e)):
            ik.imfilter(on_device(image), kernel, border, **kw)
        return
    assert_same(to_host(ik.imfilter(on_device(image), kernel, border, **kw)), expected)


@pytest.mark.parametrize("border", BORDERS)
def test_channels_and_out(border):
    rng = np.random.default_rng(1)
    image = rng.random((9, 7, 3)).astype(np.float32)
    kernel = rng.random((3, 5))
    out = on_device(np.zeros((9, 7, 3), np.uint16))
    got = ik.imfilter(on_device(image * 300), kernel, border, channel_axis=-1, out=out)
    assert got is out
    expected = ik.imfilter(image * 300, kernel, border, channel_axis=-1, dtype=np.uint16)
    assert_same(to_host(out), expected)


@pytest.mark.parametrize("border", BORDERS)
@pytest.mark.parametrize("mode", ["same", "valid", "full"])
def test_filterbank_on_a_device_equals_numpy(border, mode):
    rng = np.random.default_rng(2)
    image = rng.random((2, 4, 9, 8)).astype(np.float32)  # batch, channels, rows, cols
    bank = rng.standard_normal((3, 2, 4, 5)).astype(np.float32)
    kw = dict(shape=mode, channel_axis=1, batch_axis=0)
    got = ik.filterbank(on_device(image), bank, border, **kw)
    assert_same(to_host(got), ik.filterbank(image, bank, border, **kw))


@pytest.mark.parametrize("border", BORDERS)
def test_padarray_on_a_device_equals_numpy(border):
    image = np.arange(12, dtype=np.int16).reshape(3, 4)
    pad = [(7, 2), (0, 5)]
    got = to_host(ik.padarray(on_device(image), border, pad))
    expected = ik.padarray(image, border, pad)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


def test_gradients_and_magnitude_on_a_device():
    image = np.random.default_rng(3).random((12, 10))
    grads = ik.imgradients(on_device(image), "scharr", "mirror")
    expected = ik.imgradients(image, "scharr", "mirror")
    for g, e in zip(grads, expected):
        assert_same(to_host(g), e)
    assert_same(to_host(ik.magnitude(grads)), ik.magnitude(expected))


def test_numpy_stands_in_for_the_device():
    """The backend's own code on NumPy arrays (array_api_compat's numpy namespace)."""
    rng = np.random.default_rng(4)
    image = rng.random((11, 13))
    for border in BORDERS:
        for algorithm in ["direct", "fft"]:
            got = X.imfilter(image, rng.random((4, 3)), border, out=None, algorithm=algorithm)
            assert isinstance(got, np.ndarray)
    big = rng.random((10, 9))
    k = rng.random((9, 9))  # 81 taps: 'auto' takes the FFT on a device
    p = ik.filtering.plan(big, k)
    assert X.choose(p) == "fft"
    assert_same(X.imfilter(big, k, "wrap", out=None), ik.imfilter(big, k, "wrap"))


def test_inf_never_smears_through_the_transform():
    image = np.ones((16, 16))
    image[3, 4] = np.inf
    got = to_host(ik.imfilter(on_device(image), np.ones((9, 9)), "reflect", algorithm="fft"))
    assert np.isinf(got[3, 4]) and np.isfinite(got[15, 15])


def test_what_a_device_cannot_do_is_refused_clearly():
    image = on_device(np.ones((8, 8)))
    with pytest.raises(ValueError, match="iir"):
        ik.imfilter(image, ik.kernels.factored.iir_gaussian(2.0), "nearest", algorithm="iir")
    with pytest.raises(ValueError, match="gemm"):
        ik.filterbank(on_device(np.ones((8, 8, 2))), np.ones((3, 3, 2, 2)), algorithm="fft")
    with pytest.raises(ValueError, match="NaN"):
        nan = on_device(np.full((4, 4), np.nan))
        ik.imfilter(nan, np.ones((3, 3)), NA(), dtype=np.uint8)


def test_cupy_arrays_are_refused_where_there_is_no_device_path():
    class FakeCupy:  # looks like cupy.ndarray to the checks
        __module__ = "cupy._core.core"

        def __array__(self, dtype=None, copy=None):  # pragma: no cover - must not be called
            raise AssertionError("copied to the host")

    with pytest.raises(TypeError, match="CuPy"):  # the NumPy engine's planner
        make_plan(FakeCupy(), np.ones((3, 3)))
