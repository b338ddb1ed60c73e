"""mapwindow on device arrays (CuPy's path) on CPU: NumPy with ``scipy.ndimage``
standing in for CuPy with ``cupyx.scipy.ndimage``; ``array_api_strict`` arrays on a
non-default device (which refuse any trip through NumPy) for the array operations,
with an ndimage stand-in injected for them. GPU tests carry the ``gpu`` marker."""

from __future__ import annotations

import types
import warnings

import numpy as np
import pytest
import scipy.ndimage

import imagekit as ik
from imagekit.borders import NA, Fill
from imagekit.kernels import Kernel
from imagekit.window import Percentile, Rank, plan_mapwindow
from imagekit.window.backends import cupy as W

xp = pytest.importorskip("array_api_strict")
DEVICE = xp.Device("device1")  # not the CPU: converting to NumPy raises
CPU = xp.Device("CPU_DEVICE")

BORDERS = ["reflect", "mirror", "nearest", "wrap", "constant", Fill(7), Fill(0.75), NA()]
SELECTIONS = [np.median, np.min, np.max, Rank(1), Rank(-2), Percentile(30)]
FUNCS = [*SELECTIONS, np.mean, np.sum, np.var, np.std, np.ptp]
WINDOWS = [
    (4, 2),  # even sizes: the median of an even count
    Kernel(np.ones((2, 3)), start=(1, -5)),  # offsets ndimage's origin cannot take
    Kernel(np.ones((3, 3)), start=(-2, 0)),  # offsets it can
    np.array([[0, 1, 0], [1, 1, 1], [0, 1, 1]], bool),
]
SHAPES = ["same", "valid", "full"]
name = lambda f: getattr(f, "__name__", repr(f))  # noqa: E731


def image(dtype, shape=(11, 10), seed=0, nan=True):
    rng = np.random.default_rng(seed)
    a = np.round(rng.normal(40, 20, shape))
    if np.dtype(dtype).kind == "u":
        return np.clip(a, 0, 255).astype(dtype)
    a = a.astype(dtype)
    if np.dtype(dtype).kind == "f" and nan:
        a[rng.random(shape) < 0.08] = np.nan
        a.flat[5] = np.inf
    return a


def on_device(a):
    return xp.asarray(a, device=DEVICE)


def to_host(r):
    assert r.device == DEVICE  # the result stays where the image was
    return np.asarray(r.to_device(CPU))


def _host(v):
    return np.asarray(v.to_device(CPU)) if hasattr(v, "to_device") else v


def host_ndimage():
    """``scipy.ndimage`` for array_api_strict arrays: in and out through the host (the
    stand-in's own business; cupyx filters on the device)."""

    def wrap(f):
        def call(x, *args, **kw):
            args = [_host(a) for a in args]
            kw = {k: _host(v) for k, v in kw.items()}
            return on_device(f(_host(x), *args, **kw))

        return call

    names = ["minimum_filter", "maximum_filter", "rank_filter", "uniform_filter", "correlate"]
    return types.SimpleNamespace(**{n: wrap(getattr(scipy.ndimage, n)) for n in names})


@pytest.fixture
def strict_ndimage(monkeypatch):
    monkeypatch.setitem(W.NDIMAGE, "array_api_strict", host_ndimage())


def expected_of(func, a, window, border, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        try:
            return ik.mapwindow(func, a, window, border, **kw)
        except (ValueError, TypeError, OverflowError) as e:
            return e


def assert_same(got, expected, func):
    assert got.shape == expected.shape and got.dtype == expected.dtype
    if func in (np.median, np.min, np.max, np.ptp) or isinstance(func, (Rank, Percentile)):
        np.testing.assert_array_equal(got, expected)  # exact, NaN where numpy gives it
        return
    finite = np.where(np.isfinite(expected), expected, 0)
    scale = max(float(np.abs(finite).max(initial=0)), 1.0)
    tol = 2e-5 if expected.dtype == np.float32 else 1e-7 if func is np.std else 1e-9
    np.testing.assert_allclose(got, expected, rtol=tol, atol=tol * scale, equal_nan=True)


def check(run, func, a, window, border, **kw):
    expected = expected_of(func, a, window, border, **kw)
    if isinstance(expected, Exception):
        with pytest.raises(type(expected)):
            run()
        return
    assert_same(run(), expected, func)


@pytest.mark.parametrize("border", BORDERS, ids=repr)
@pytest.mark.parametrize("func", FUNCS, ids=name)
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.uint8, np.int16])
def test_numpy_and_scipy_stand_in_for_cupy_and_cupyx(func, border, dtype):
    """Every recognised function, border, shape and window: the backend's own code on
    NumPy arrays (array_api_compat's numpy namespace, scipy.ndimage) equals mapwindow."""
    a = image(dtype)
    for shape in SHAPES:
        for window in WINDOWS:
            algorithms = ["auto", "stack"] if func in SELECTIONS else ["auto"]
            for algorithm in algorithms:
                kw = dict(shape=shape, algorithm=algorithm, channel_axis=None, axes=None)

                def run(kw=kw, window=window):
                    return W.mapwindow(func, a, window, border, out=None, dtype=None, **kw)

                check(run, func, a, window, border, shape=shape)


@pytest.mark.parametrize("border", BORDERS, ids=repr)
@pytest.mark.parametrize("func", FUNCS, ids=name)
def test_strict_arrays_on_a_device_with_an_ndimage_stand_in(strict_ndimage, func, border):
    a = image(np.float32)
    for shape in SHAPES:
        for window in WINDOWS[:2]:

            def run(shape=shape, window=window):
                return to_host(ik.mapwindow(func, on_device(a), window, border, shape=shape))

            check(run, func, a, window, border, shape=shape)


@pytest.mark.parametrize("border", BORDERS, ids=repr)
@pytest.mark.parametrize("func", SELECTIONS, ids=name)
@pytest.mark.parametrize("dtype", [np.float64, np.uint8])
def test_selections_need_only_array_operations(func, border, dtype):
    """A library without an ndimage module: the selections sort stacked windows."""
    a = image(dtype)
    for shape in SHAPES:
        for window in WINDOWS:

            def run(shape=shape, window=window):
                return to_host(ik.mapwindow(func, on_device(a), window, border, shape=shape))

            check(run, func, a, window, border, shape=shape)


def test_channels_axes_out_and_dtype(strict_ndimage):
    a = image(np.float32, (9, 8, 3))
    got = ik.mapwindow(np.median, on_device(a), 3, NA(), channel_axis=-1)
    assert_same(to_host(got), ik.mapwindow(np.median, a, 3, NA(), channel_axis=-1), np.median)
    out = on_device(np.zeros((9, 8, 3), np.int16))
    r = ik.mapwindow(np.mean, on_device(a), (2, 3), "wrap", axes=(0, 2), out=out)
    assert r is out
    want = ik.mapwindow(np.mean, a, (2, 3), "wrap", axes=(0, 2), dtype=np.int16)
    np.testing.assert_array_equal(to_host(out), want)
    b = image(np.uint8) > 40
    got = ik.window.maximum(on_device(b), 3, 0)  # bool in, bool out
    np.testing.assert_array_equal(to_host(got), ik.window.maximum(b, 3, 0))


@pytest.mark.parametrize("border", ["reflect", Fill(3), NA()], ids=repr)
@pytest.mark.parametrize("func", [np.median, np.min, np.std], ids=name)
def test_a_kept_device_plan_equals_mapwindow_on_the_device(strict_ndimage, func, border):
    a = image(np.float64, (12, 9))
    p = plan_mapwindow(func, on_device(a), (3, 2), border, shape="full")
    assert p._impl.operation == "mapwindow-device"
    assert p.strategy in ("device-ndimage", "device-stack") and p.strategy in repr(p)
    assert "<- chosen" in p.explain()
    if func is np.median and isinstance(border, NA):
        assert p.strategy == "device-stack"  # ndimage has no median of what is there
    assert_same(to_host(p(on_device(a))), expected_of(func, a, (3, 2), border, shape="full"), func)
    with pytest.raises(TypeError, match="device"):
        p(a)  # a NumPy array to a device plan


def test_what_the_device_cannot_do_is_refused_clearly():
    x = on_device(image(np.float64))

    def spread(values):
        return values.max() - values.mean()

    with pytest.raises(TypeError, match=r"user function \(spread\) is not supported.*get\(\)"):
        ik.mapwindow(spread, x, 3)
    with pytest.raises(TypeError, match="needs an ndimage module"):
        ik.mapwindow(np.mean, x, 3)  # array_api_strict has no ndimage module
    with pytest.raises(TypeError, match="needs an ndimage module"):
        ik.mapwindow(np.median, x, 3, algorithm="ndimage")
    with pytest.raises(ValueError, match="median9"):
        ik.mapwindow(np.median, x, 3, algorithm="median9")  # an in-memory strategy
    with pytest.raises(ValueError, match="ndimage has no"):
        W.mapwindow(np.median, image(np.float64), 3, NA(), out=None, algorithm="ndimage")


@pytest.fixture(scope="module")
def cp():
    return pytest.importorskip("cupy")


@pytest.mark.gpu
@pytest.mark.parametrize("border", BORDERS, ids=repr)
@pytest.mark.parametrize("func", FUNCS, ids=name)
def test_mapwindow_on_the_gpu_equals_numpy(cp, func, border):
    for dtype in (np.float32, np.uint8):
        a = image(dtype, (67, 45))
        for shape in SHAPES:
            for window in WINDOWS:
                expected = expected_of(func, a, window, border, shape=shape)
                if isinstance(expected, Exception):
                    continue
                got = ik.mapwindow(func, cp.asarray(a), window, border, shape=shape)
                assert isinstance(got, cp.ndarray)
                assert_same(got.get(), expected, func)


@pytest.mark.gpu
def test_a_kept_plan_on_the_gpu(cp):
    a = image(np.uint8, (128, 96))
    p = plan_mapwindow(np.median, cp.asarray(a), 5)
    assert p.strategy == "device-ndimage"
    np.testing.assert_array_equal(p(cp.asarray(a)).get(), ik.mapwindow(np.median, a, 5))
