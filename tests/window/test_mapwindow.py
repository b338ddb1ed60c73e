"""mapwindow against the window-by-window numpy reference: every recognised
function, dtype, border, window (sizes, footprints, offsets), shape, channels
and every strategy that applies."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import imagekit
from imagekit import NA, Fill, mapwindow
from imagekit.kernels import Kernel
from imagekit.window import Percentile, Rank, plan_mapwindow

from ._reference import as_dtype, reference
from ._windows import random_image

SELECTIONS = [np.median, np.min, np.max, Rank(1), Rank(-2), Percentile(30)]
STATS = [np.mean, np.sum, np.var, np.std]
FUNCS = [*SELECTIONS, np.ptp, *STATS]
DISK = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], bool)
WINDOWS = [3, (2, 3), (1, 4), DISK, Kernel(np.ones((2, 3)), start=(-1, 0))]
BORDERS = ["reflect", "nearest", "circular", Fill(7), NA()]


def check(func, image, window, border="reflect", **options):
    got = mapwindow(func, image, window, border, **options)
    ref = reference(func, image, window, border, **options)
    assert got.shape == ref.shape
    if got.dtype.kind in "iub":
        np.testing.assert_array_equal(got, as_dtype(ref, got.dtype))
    elif func in SELECTIONS or func is np.ptp:
        np.testing.assert_array_equal(got, ref.astype(got.dtype))
    else:
        tol = 2e-5 if got.dtype == np.float32 else 1e-9
        scale = max(1.0, float(np.nanmax(np.abs(ref), initial=0)))
        atol = tol * scale * 10
        if func is np.std:  # the square root of a difference of sums: sqrt(eps) accuracy
            atol = max(atol, 1e-6 * scale)
        np.testing.assert_allclose(got, ref, rtol=tol, atol=atol)
    return got


@pytest.mark.parametrize("func", FUNCS, ids=str)
@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.float32, np.float64])
@pytest.mark.parametrize("border", BORDERS, ids=repr)
def test_functions_dtypes_borders(func, dtype, border):
    rng = np.random.default_rng(abs(hash((str(func), np.dtype(dtype).str, repr(border)))) % 2**32)
    image = random_image(rng, (7, 9), dtype, nan=0.1 if isinstance(border, NA) else 0.0)
    for window in WINDOWS:
        check(func, image, window, border)


@pytest.mark.parametrize("func", [*SELECTIONS, np.ptp, np.mean], ids=str)
@pytest.mark.parametrize("shape", ["same", "valid", "full"])
@pytest.mark.parametrize("window", WINDOWS, ids=lambda w: repr(getattr(w, "shape", w)))
def test_shapes(func, shape, window):
    rng = np.random.default_rng(5)
    image = random_image(rng, (6, 8), np.float64)
    check(func, image, window, "reflect", shape=shape)
    check(func, image, window, NA(), shape=shape)


@pytest.mark.parametrize("func", [np.median, np.max, np.mean], ids=str)
def test_nan_follows_numpy(func):
    image = np.arange(30, dtype=np.float64).reshape(5, 6)
    image[2, 3] = np.nan
    got = check(func, image, 3)
    assert np.isnan(got[1:4, 2:5]).all() and np.isfinite(got[0]).all()


@pytest.mark.parametrize("ndim", [1, 3, 4])
@pytest.mark.parametrize("func", [np.median, np.min, Rank(1), np.var], ids=str)
def test_other_dimensions(ndim, func):
    rng = np.random.default_rng(ndim)
    shape = {1: (23,), 3: (5, 6, 7), 4: (3, 4, 5, 4)}[ndim]
    image = random_image(rng, shape, np.float32)
    check(func, image, 3)
    check(func, image, 2, "nearest")


def test_channels_and_axes():
    rng = np.random.default_rng(1)
    image = random_image(rng, (8, 9, 3), np.uint8)
    got = check(np.median, image, 3, channel_axis=-1)
    for c in range(3):
        np.testing.assert_array_equal(got[..., c], mapwindow(np.median, image[..., c], 3))
    got = check(np.max, image, 5, axes=(1,))
    np.testing.assert_array_equal(got, mapwindow(np.max, image, (1, 5, 1)))


@pytest.mark.parametrize("func", [*SELECTIONS, np.ptp, *STATS], ids=str)
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.int32, np.float32])
@pytest.mark.parametrize("border", ["reflect", NA()], ids=repr)
def test_every_strategy_agrees(func, dtype, border):
    rng = np.random.default_rng(3)
    image = random_image(rng, (9, 11), dtype)
    for window in (3, (5, 4), DISK):
        p = plan_mapwindow(func, image, window, border)
        ref = mapwindow(func, image, window, border)
        for name in p.costs:
            q = plan_mapwindow(func, image, window, border, algorithm=name)
            assert q.strategy == name
            np.testing.assert_array_equal(q(image), ref, err_msg=name)


def test_dtypes():
    u8 = np.zeros((4, 4), np.uint8)
    assert mapwindow(np.median, u8, 3).dtype == np.uint8
    assert mapwindow(np.median, u8, 3, NA()).dtype == np.uint8
    assert mapwindow(np.mean, u8, 3).dtype == np.float64
    assert mapwindow(np.mean, u8.astype(np.float32), 3).dtype == np.float32
    assert mapwindow(np.ptp, u8.astype(np.int8), 3).dtype == np.uint8
    assert mapwindow(np.max, u8.astype(bool), 3).dtype == bool
    assert mapwindow(np.median, u8.astype(np.float16), 3).dtype == np.float16
    assert mapwindow(np.median, u8, 3, dtype=np.float32).dtype == np.float32
    out = np.empty((4, 4), np.int64)
    assert mapwindow(np.max, u8 + 3, 3, out=out) is out and (out == 3).all()


def test_ptp_never_wraps():
    image = np.array([[-128, 127, 0]], np.int8)
    np.testing.assert_array_equal(mapwindow(np.ptp, image, 3, "nearest"), [[255, 255, 127]])


def test_even_integer_median_rounds_half_to_even():
    image = np.array([1, 2, 5, 6, 3, 4], np.uint8)
    got = mapwindow(np.median, image, 2, "nearest")
    ref = np.rint(np.median(np.stack([np.r_[1, image[:-1]], image]), axis=0)).astype(np.uint8)
    np.testing.assert_array_equal(got, ref)


def test_empty_na_window_is_nan_or_zero():
    image = np.array([1.0, 2.0, 3.0])
    offset = Kernel(np.ones(1), start=5)  # every window lies beyond the image
    assert np.isnan(mapwindow(np.median, image, offset, NA())).all()
    assert (mapwindow(np.median, image.astype(np.uint8), offset, NA()) == 0).all()


def test_input_never_modified():
    rng = np.random.default_rng(0)
    for func in FUNCS:
        image = random_image(rng, (6, 7), np.float32, nan=0.2)
        copy = image.copy()
        mapwindow(func, image, 3, NA())
        np.testing.assert_array_equal(image, copy)


def test_plan_kept_and_explained():
    image = np.zeros((32, 32), np.float32)
    p = plan_mapwindow(np.median, image, 3)
    assert p.strategy == "median9" and "median9" in repr(p)
    text = p.explain()
    assert "chosen: median9" in text and "select" in text
    with pytest.raises(ValueError, match="shape"):
        p(np.zeros((8, 8), np.float32))
    assert imagekit.window.median(image + 1)[0, 0] == 1


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda x: mapwindow(np.median, x, 0), ValueError, "window"),
        (lambda x: mapwindow(np.median, x, (3, 3, 3)), ValueError, "window"),
        (lambda x: mapwindow(np.median, x, np.zeros((3, 3), bool)), ValueError, "window"),
        (lambda x: mapwindow(np.median, x, "big"), TypeError, "window"),
        (lambda x: mapwindow(np.median, x, 3.5), TypeError, "window"),
        (lambda x: mapwindow(Percentile(101), x, 3), ValueError, "q"),
        (lambda x: mapwindow(Rank(9), x, 3), ValueError, "k"),
        (lambda x: mapwindow(Rank(-10), x, 3), ValueError, "k"),
        (lambda x: mapwindow(42, x, 3), TypeError, "func"),
        (lambda x: mapwindow(np.median, x, 3, "sideways"), ValueError, "border"),
        (lambda x: mapwindow(np.median, x, 3, shape="big"), ValueError, "shape"),
        (lambda x: mapwindow(np.median, x + 1j, 3), TypeError, "real"),
        (lambda x: mapwindow(np.median, x, 3, algorithm="nope"), ValueError, "algorithm"),
        (lambda x: mapwindow(np.mean, x, 3, algorithm="histogram"), ValueError, "algorithm"),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call(np.zeros((5, 5)))


@settings(max_examples=40, deadline=None)
@given(
    func=st.sampled_from([*SELECTIONS, np.ptp, np.mean, np.var]),
    dtype=st.sampled_from([np.uint8, np.uint16, np.int32, np.float32, np.float64]),
    border=st.sampled_from(BORDERS),
    sizes=st.tuples(st.integers(1, 5), st.integers(1, 5)),
    start=st.tuples(st.integers(-4, 1), st.integers(-4, 1)),
    use_kernel=st.booleans(),
    shape=st.sampled_from(["same", "valid", "full"]),
    image_shape=st.tuples(st.integers(1, 9), st.integers(1, 9)),
    seed=st.integers(0, 2**16),
)
def test_hypothesis(func, dtype, border, sizes, start, use_kernel, shape, image_shape, seed):
    rng = np.random.default_rng(seed)
    image = random_image(rng, image_shape, dtype, nan=0.1 if isinstance(border, NA) else 0.0)
    if use_kernel:
        fp = rng.random(sizes) < 0.7
        fp.flat[0] = True
        window = Kernel(fp.astype(float), start=start)
    else:
        window = sizes
    if isinstance(func, Rank):
        n = int(np.count_nonzero(window.weights)) if use_kernel else sizes[0] * sizes[1]
        func = Rank(min(func.k, n - 1) if func.k >= 0 else max(func.k, -n))
    check(func, image, window, border, shape=shape)


def _spread(v):
    """A user's function as a user writes it: numba compiles it."""
    m = v.sum() / v.size
    return np.sqrt(((v - m) ** 2).sum() / v.size)


def _by_name(v):
    """A function numba cannot compile (a Python object per call): Python per window."""
    return float(np.median(np.asarray(v, dtype=object).astype(float)))


@pytest.mark.parametrize("func", [_spread, _by_name], ids=["compiled", "python"])
@pytest.mark.parametrize("border", ["reflect", Fill(2), NA()], ids=repr)
def test_user_functions(func, border):
    rng = np.random.default_rng(11)
    image = random_image(rng, (9, 10), np.int16).astype(np.float32)
    image[3, 4] = np.nan
    p = plan_mapwindow(func, image, DISK, border)
    assert p.strategy == "user"
    assert p.loop == ("user/numba-threads" if func is _spread else "user/python-per-window")
    got = mapwindow(func, image, DISK, border)
    assert got.dtype == np.float64
    ref = reference(func, image, DISK, border)
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-12)
    assert mapwindow(func, image, DISK, border, dtype=np.float32).dtype == np.float32


def test_fill_value_the_dtype_cannot_hold():
    u8 = np.full((4, 4), 10, np.uint8)
    np.testing.assert_array_equal(imagekit.window.maximum(u8, 3, 300)[0], 255)
    np.testing.assert_array_equal(imagekit.window.minimum(u8, 3, 2.7)[0], [3, 3, 3, 3])
    np.testing.assert_array_equal(imagekit.window.maximum(u8, 3, 300, dtype=np.int32)[0], 300)
    with pytest.raises(TypeError, match="border"):
        imagekit.window.median(u8, 3, Fill(1 + 2j))


@pytest.mark.parametrize("func", STATS, ids=str)
@pytest.mark.parametrize("border", ["reflect", NA(), Fill(np.inf), Fill(2)], ids=repr)
def test_stats_of_windows_with_nan_and_infinities_follow_numpy(func, border):
    rng = np.random.default_rng(9)
    image = np.round(rng.normal(0, 3, (9, 8)))
    image[rng.random(image.shape) < 0.1] = np.nan
    image[rng.random(image.shape) < 0.05] = np.inf
    image[rng.random(image.shape) < 0.05] = -np.inf
    for window in (DISK, (3, 4), Kernel(np.array([[1.0, 1, 0, 1]]), start=(0, -1))):
        got = mapwindow(func, image, window, border)
        ref = reference(func, image, window, border)
        np.testing.assert_allclose(got, ref, rtol=1e-9, atol=1e-6, equal_nan=True)
