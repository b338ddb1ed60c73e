"""mapwindow on Dask arrays: lazy, block by block, equal to the in-memory result."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import imagekit as ik
from imagekit.borders import NA, Fill
from imagekit.kernels import Kernel
from imagekit.window import Percentile, Rank, plan_mapwindow

da = pytest.importorskip("dask.array")

BORDERS = ["reflect", "mirror", "nearest", "wrap", "constant", Fill(7), Fill(0.75), NA()]
FUNCS = [
    np.median,
    np.min,
    np.max,
    np.mean,
    np.sum,
    np.var,
    np.std,
    np.ptp,
    Rank(1),
    Rank(-2),
    Percentile(30),
]
EXACT = {np.median, np.min, np.max, np.ptp}
WINDOWS = [
    (4, 2),  # even sizes: one further back than forward
    Kernel(np.ones((2, 3)), start=(1, -5)),  # offset: neither holds the pixel itself
    np.array([[0, 1, 0], [1, 1, 1], [0, 1, 1], [1, 0, 0]], bool),
]
CHUNKS = (5, 1, 2, 3)  # uneven, some smaller than the window's reach


def image(dtype, shape=(11, 10), seed=0):
    rng = np.random.default_rng(seed)
    a = np.round(rng.normal(40, 20, shape))  # ties, and values below 0
    if np.dtype(dtype).kind == "u":
        return np.clip(a, 0, 255).astype(dtype)
    a = a.astype(dtype)
    if np.dtype(dtype).kind == "f":
        a[rng.random(shape) < 0.08] = np.nan
    return a


def in_memory(func, a, window, border, **kw):
    """mapwindow on the NumPy image, or the exception it raises."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a NaN window's variance
        try:
            return ik.mapwindow(func, a, window, border, **kw)
        except (ValueError, TypeError, OverflowError) as e:
            return e


def assert_same(got, expected, func):
    assert isinstance(got, da.Array)
    if isinstance(expected, Exception):
        with pytest.raises(type(expected)):
            got.compute()
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        result = got.compute()
    assert result.shape == expected.shape and result.dtype == expected.dtype
    if func in EXACT or isinstance(func, (Rank, Percentile)):
        np.testing.assert_array_equal(result, expected)
        return
    scale = max(float(np.nanmax(np.abs(expected), initial=0)), 1.0)
    tol = 1e-7 if func is np.std else 1e-9  # a flat window's deviation: ~sqrt(eps)
    np.testing.assert_allclose(result, expected, rtol=tol, atol=tol * scale, equal_nan=True)


def run(func, a, d, window, border, **kw):
    expected = in_memory(func, a, window, border, **kw)
    try:
        got = ik.mapwindow(func, d, window, border, **kw)
    except (ValueError, TypeError, OverflowError) as e:  # refused when the graph is made
        assert isinstance(expected, type(e)), e
        return
    assert_same(got, expected, func)


@pytest.mark.parametrize("border", BORDERS, ids=repr)
@pytest.mark.parametrize("func", FUNCS, ids=lambda f: getattr(f, "__name__", repr(f)))
@pytest.mark.parametrize("dtype", [np.float64, np.uint8])
def test_every_function_border_shape_and_window_equals_in_memory(func, border, dtype):
    a = image(dtype)
    d = da.from_array(a, chunks=(CHUNKS, (4, 1, 5)))
    for shape in ("same", "valid", "full"):
        for window in WINDOWS:
            run(func, a, d, window, border, shape=shape)


def _chunks(draw, n):
    out, left = [], n
    while left:
        c = draw(st.integers(1, left))
        out.append(c)
        left -= c
    return tuple(out) or (0,)


@st.composite
def cases(draw):
    ndim = draw(st.integers(1, 3))
    shape = tuple(draw(st.integers(1, 8)) for _ in range(ndim))
    chunks = tuple(_chunks(draw, n) for n in shape)
    wshape = tuple(draw(st.integers(1, 4)) for _ in range(ndim))
    start = tuple(draw(st.integers(-m - 1, 1)) for m in wshape)
    footprint = np.array(
        draw(st.lists(st.booleans(), min_size=int(np.prod(wshape)), max_size=int(np.prod(wshape)))),
        bool,
    ).reshape(wshape)
    footprint.flat[draw(st.integers(0, footprint.size - 1))] = True
    return shape, chunks, Kernel(footprint.astype(float), start=start)


@settings(deadline=None, max_examples=60)
@given(
    case=cases(),
    func=st.sampled_from(FUNCS),
    border=st.sampled_from(BORDERS),
    mode=st.sampled_from(["same", "valid", "full"]),
    dtype=st.sampled_from([np.float64, np.float32, np.uint8, np.int16]),
    seed=st.integers(0, 2**16),
)
def test_random_chunks_windows_and_offsets_equal_in_memory(case, func, border, mode, dtype, seed):
    shape, chunks, window = case
    a = image(dtype, shape, seed)
    run(func, a, da.from_array(a, chunks=chunks), window, border, shape=mode)


@pytest.mark.parametrize("border", ["wrap", NA()], ids=repr)
def test_channels_axes_dtype_and_algorithm(border):
    a = image(np.float32, (9, 12, 3))
    d = da.from_array(a, chunks=(4, 5, 2))
    got = ik.mapwindow(np.median, d, (3, 4), border, channel_axis=-1)
    assert got.chunks == d.chunks  # 'same' keeps the input's chunks
    assert_same(got, ik.mapwindow(np.median, a, (3, 4), border, channel_axis=-1), np.median)
    kw = dict(axes=(0, 2), dtype=np.int16, algorithm="select")
    assert_same(
        ik.mapwindow(np.max, d, 3, border, **kw), in_memory(np.max, a, 3, border, **kw), np.max
    )
    got = ik.window.median(d, 5, border)  # the shorthands route too
    assert_same(got, ik.window.median(a, 5, border), np.median)


def test_a_user_function_runs_in_each_block():
    a = image(np.float64, (10, 9))
    d = da.from_array(a, chunks=(3, 4))

    def spread(values):
        return values.max() - values.mean()

    run(spread, a, d, (3, 2), "mirror")


def test_window_longer_than_the_image_and_its_chunks():
    a = np.arange(7.0)
    d = da.from_array(a, chunks=2)
    for border in BORDERS:
        for shape in ("same", "valid", "full"):
            run(np.median, a, d, 19, border, shape=shape)


@pytest.mark.parametrize("border", ["reflect", Fill(3), NA()], ids=repr)
@pytest.mark.parametrize("func", [np.median, np.var, Percentile(80)], ids=str)
def test_a_kept_dask_plan_is_lazy_and_equals_in_memory(func, border):
    a = image(np.uint8, (13, 10))
    d = da.from_array(a, chunks=(4, 3))
    p = plan_mapwindow(func, d, (3, 2), border, shape="full")
    assert (p.strategy, p.loop) == ("dask-blocks", "dask-blocks/halo-windows")
    assert p._impl.operation == "mapwindow-dask"
    assert "dask-blocks" in repr(p) and "<- chosen" in p.explain()
    got = p(d)
    assert_same(got, ik.mapwindow(func, a, (3, 2), border, shape="full"), func)
    assert_same(p(d + 1), ik.mapwindow(func, a + 1, (3, 2), border, shape="full"), func)


def test_a_kept_dask_plan_refuses_other_arrays_and_out():
    d = da.zeros((6, 6), np.float32, chunks=3)
    p = plan_mapwindow(np.max, d, 3)
    with pytest.raises(TypeError, match="Dask arrays, got a NumPy array"):
        p(np.zeros((6, 6), np.float32))
    with pytest.raises(ValueError, match="shape"):
        p(da.zeros((5, 6), np.float32, chunks=3))
    with pytest.raises(TypeError, match="out="):
        p(d, out=np.empty((6, 6), np.float32))
    with pytest.raises(TypeError, match="out="):
        ik.mapwindow(np.max, d, 3, out=np.empty((6, 6), np.float32))


def test_options_are_checked_when_the_graph_is_made():
    d = da.zeros((4, 4), chunks=2)
    with pytest.raises(ValueError, match="border"):
        ik.mapwindow(np.median, d, 3, "bogus")
    with pytest.raises(ValueError, match="k=9"):
        ik.mapwindow(Rank(9), d, 3)
    with pytest.raises(TypeError, match="func"):
        ik.mapwindow("median", d, 3)


def test_numpy_calls_never_import_the_backends_libraries():
    code = (
        "import sys, numpy as np, imagekit as ik;"
        "ik.mapwindow(np.median, np.ones((5, 5)), 3);"
        "ik.window.plan_mapwindow(np.max, np.ones(4), 2);"
        "print([m for m in ('dask', 'cupy', 'scipy.ndimage') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
