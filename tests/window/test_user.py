"""A user's function over each window (``window._user``): compiled by numba or
called from Python, equal to the function applied to each window with numpy,
for every dtype and footprint, NaNs left out under ``skip_nan``; what does not
compile falls back; errors name ``func``."""

from __future__ import annotations

import functools
import gc
import weakref

import numba
import numpy as np
import pytest
import scipy.ndimage as ndi

import imagekit
from imagekit.window import _user
from imagekit.window._geometry import flat_offsets
from imagekit.window._user import compiled, run_compiled, run_python
from tests.window._windows import FLOATS, INTEGERS, padded, random_image, windows

DTYPES = (*FLOATS, *INTEGERS)
PATHS = ("compiled", "python")


def std(v):
    m = v.sum() / v.size
    return np.sqrt(((v - m) ** 2).sum() / v.size)


def weighted_first(v):
    """Depends on the order of the window's values, and on their count."""
    total = 0.0
    for i in range(v.size):
        total += (i + 1) * float(v[i])
    return total / (v.size * v.size) + v[0]


def median_of_sorted(v):
    s = np.sort(v)
    return s[s.size // 2]


CROSS = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], bool)
FOOTPRINTS = (
    np.ones((3, 3), bool),
    CROSS,
    np.array([[1, 0, 0, 1], [0, 1, 1, 0]], bool),
    np.ones((1, 5), bool),
)


def geometry(image, footprint):
    """The reflected extension of ``image`` (flat) and the windows' flat geometry."""
    ext = padded(image, footprint.shape)
    offsets, bases = flat_offsets(ext.shape, footprint, image.shape)
    return ext, offsets, bases


def apply(path, func, image, footprint, skip_nan=False, dst_dtype=np.float64, **kw):
    ext, offsets, bases = geometry(image, footprint)
    out = np.full(image.shape, -7, dst_dtype)
    dst = out.reshape(bases.shape[0], -1)
    if path == "compiled":
        cf = compiled(func, np.float64)  # the windows are float64, whatever ext's dtype
        assert cf is not None
        run_compiled(cf, ext.ravel(), bases, offsets, dst, skip_nan)
    else:
        run_python(func, ext.ravel(), bases, offsets, dst, skip_nan, **kw)
    return out


def reference(func, image, footprint, skip_nan=False):
    """``func`` applied to each window (``sliding_window_view``) from Python; NaNs
    left out with ``skip_nan``, NaN for a window of none."""
    values = windows(padded(image, footprint.shape), footprint)
    flat = values.reshape(-1, values.shape[-1])
    out = []
    for w in flat:
        if skip_nan:
            w = w[~np.isnan(w)] if w.dtype.kind == "f" else w
            if w.size == 0:
                out.append(np.nan)
                continue
        out.append(float(func(np.ascontiguousarray(w))))
    return np.array(out).reshape(image.shape)


CASES = [(weighted_first, dtype) for dtype in DTYPES] + [
    (func, dtype) for func in (std, median_of_sorted) for dtype in (np.float32, np.int16)
]


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize(
    ("func", "dtype"), CASES, ids=lambda c: getattr(c, "__name__", None) or str(c)
)
def test_equals_the_function_on_each_window(path, func, dtype):
    image = random_image(np.random.default_rng(1), (9, 11), dtype)
    for footprint in FOOTPRINTS:
        got = apply(path, func, image, footprint)
        np.testing.assert_allclose(got, reference(func, image, footprint), rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("width", range(1, 10))
def test_every_row_width_around_the_four_window_blocks(width):
    """The compiled path gathers four windows at a time and the rest one by one."""
    image = random_image(np.random.default_rng(7), (3, width), np.float64)
    got = apply("compiled", weighted_first, image, np.ones((3, 3), bool))
    np.testing.assert_allclose(got, reference(weighted_first, image, np.ones((3, 3), bool)))


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("shape", [(13,), (4, 5, 6)])
def test_other_dimensions(path, shape):
    rng = np.random.default_rng(2)
    image = random_image(rng, shape, np.float64)
    footprint = rng.random((3,) * len(shape)) < 0.6
    footprint.flat[0] = True
    got = apply(path, weighted_first, image, footprint)
    np.testing.assert_allclose(got, reference(weighted_first, image, footprint), rtol=1e-12)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("dtype", FLOATS)
def test_skip_nan_leaves_nans_out(path, dtype):
    image = random_image(np.random.default_rng(3), (10, 12), dtype, nan=0.3)
    image[:4, :4] = np.nan  # windows of NaNs only
    for footprint in (np.ones((3, 3), bool), CROSS):
        got = apply(path, weighted_first, image, footprint, skip_nan=True)
        want = reference(weighted_first, image, footprint, skip_nan=True)
        assert np.isnan(want).any()
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def nonempty_min(v):
    if v.size == 0:
        raise ValueError("func called on an empty window")
    return v.min()


@pytest.mark.parametrize("path", PATHS)
def test_an_empty_window_is_nan_without_a_call(path):
    image = np.full((5, 6), np.nan)
    image[4, 5] = 3.0
    got = apply(path, nonempty_min, image, np.ones((3, 3), bool), skip_nan=True)
    assert np.isnan(got[:3]).all() and got[4, 5] == 3.0


@pytest.mark.parametrize("path", PATHS)
def test_without_skip_nan_the_function_sees_nans(path):
    image = np.arange(30.0).reshape(5, 6)
    image[2, 3] = np.nan
    got = apply(path, lambda v: np.isnan(v).sum(), image, np.ones((3, 3), bool))
    assert got[1:4, 2:5].min() == 1 and np.nansum(got) == 9


@pytest.mark.parametrize("path", PATHS)
def test_results_are_cast_into_integer_outputs(path):
    image = random_image(np.random.default_rng(4), (7, 8), np.uint8)
    got = apply(path, std, image, CROSS, dst_dtype=np.int32)
    want = reference(std, image, CROSS).astype(np.int32)
    np.testing.assert_array_equal(got, want)


def test_the_compiled_path_runs_on_several_threads():
    image = random_image(np.random.default_rng(5), (300, 400), np.float32)
    with imagekit.config(threads=2):
        got = apply("compiled", std, image, np.ones((5, 5), bool))
    np.testing.assert_allclose(got, reference(std, image, np.ones((5, 5), bool)), rtol=1e-4)


def test_lambdas_closures_and_dispatchers_compile():
    scale = 3.0
    closure = lambda v: scale * v.max()  # noqa: E731
    assert compiled(closure, np.float32) is not None
    assert compiled(lambda v: v.sum(), np.int16) is not None
    jitted = numba.njit(std)
    assert compiled(jitted, np.float64) is jitted
    image = random_image(np.random.default_rng(6), (6, 7), np.float32)
    got = apply("compiled", closure, image, CROSS)
    np.testing.assert_allclose(got, reference(closure, image, CROSS))


def test_the_compiled_function_is_kept_while_the_function_lives():
    def mean(v):
        return v.mean()

    first = compiled(mean, np.float64)
    assert compiled(mean, np.float64) is first
    assert compiled(mean, np.dtype("float64")) is first
    assert len(first.signatures) == 1
    ref = weakref.ref(mean)
    del mean, first
    gc.collect()
    assert ref() is None


@pytest.mark.parametrize(
    "func",
    [
        lambda v: dict(total=v.sum(), name="window")["total"],
        lambda v: ndi.sum(v),
        functools.partial(np.sum),
        max,
    ],
    ids=["dict", "scipy", "partial", "builtin"],
)
def test_what_does_not_compile_gives_none_and_runs_in_python(func, recwarn):
    assert compiled(func, np.float64) is None
    assert compiled(func, np.float64) is None  # kept: no second attempt's warnings
    assert not [w for w in recwarn if "numba" in str(w.category).lower()]
    image = random_image(np.random.default_rng(7), (5, 6), np.float64)
    got = apply("python", func, image, CROSS)
    np.testing.assert_allclose(got, reference(func, image, CROSS))


def test_a_dispatcher_that_does_not_compile_runs_its_python_function():
    jitted = numba.njit(lambda v: dict(total=v.sum(), name="window")["total"])
    assert compiled(jitted, np.float64) is None
    image = random_image(np.random.default_rng(9), (5, 6), np.float64)
    got = apply("python", jitted, image, CROSS)
    np.testing.assert_allclose(got, reference(jitted.py_func, image, CROSS))


def test_a_compiled_non_scalar_result_is_a_type_error_naming_func():
    with pytest.raises(TypeError, match=r"func must return a real scalar.*<lambda>"):
        compiled(lambda v: v * 2, np.float64)
    with pytest.raises(TypeError, match="func must return a real scalar"):
        compiled(lambda v: (v[0], v[1]), np.float64)
    with pytest.raises(TypeError, match="func must return a real scalar"):
        compiled(lambda v: v[0] + 1j, np.float64)


@pytest.mark.parametrize("result", [np.zeros(2), "text", None, [1.0]])
def test_a_python_non_scalar_result_is_a_type_error_naming_func(result):
    def returns(v):
        return result

    image = np.zeros((4, 4))
    with pytest.raises(TypeError, match=r"func must return a real scalar.*returns"):
        apply("python", returns, image, CROSS)


def raises_on_large(v):
    if v[0] > 50:
        raise ValueError("window too large")
    return v[0]


@pytest.mark.parametrize("path", PATHS)
def test_an_exception_in_func_propagates(path):
    image = np.arange(100.0).reshape(10, 10)
    with pytest.raises(ValueError, match="window too large"):
        apply(path, raises_on_large, image, CROSS)


def test_inputs_are_not_modified():
    image = random_image(np.random.default_rng(8), (6, 6), np.float32)
    ext, offsets, bases = geometry(image, CROSS)
    before = ext.copy()

    def sorts_in_place(v):
        v.sort()
        return v[0]

    dst = np.empty((6, 6))
    run_compiled(compiled(sorts_in_place, ext.dtype), ext.ravel(), bases, offsets, dst, False)
    run_python(sorts_in_place, ext.ravel(), bases, offsets, dst, False)
    np.testing.assert_array_equal(ext, before)


def test_progress_bar_when_asked_or_when_long(capsys, monkeypatch):
    image = np.zeros((20, 20))
    apply("python", std, image, CROSS, progress=True)
    assert "mapwindow" in capsys.readouterr().err
    apply("python", std, image, CROSS)  # a short run
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(_user, "PROGRESS_SECONDS", 0.0)  # every run expected long
    apply("python", std, image, CROSS)
    assert "mapwindow" in capsys.readouterr().err
    apply("python", std, image, CROSS, progress=False)
    assert capsys.readouterr().err == ""


READS = [
    (np.float32, "reflect", np.float32),
    (np.float32, imagekit.borders.NA(), np.float32),
    (np.float32, imagekit.borders.Fill(2.0), np.float32),
    (np.float32, imagekit.borders.Fill(0.1), np.float64),  # 0.1 is not a float32
    (np.uint8, "nearest", np.uint8),
    (np.uint8, imagekit.borders.Fill(3), np.uint8),
    (np.uint8, imagekit.borders.Fill(-1), np.float64),
    (np.uint8, imagekit.borders.Fill(np.nan), np.float64),
    (np.uint8, imagekit.borders.NA(), np.float64),  # NaN marks the missing pixels
    (np.int16, imagekit.borders.Fill(2.5), np.float64),
    (np.float16, "reflect", np.float64),
    (np.bool_, "reflect", np.float64),
]


@pytest.mark.parametrize(("dtype", "border", "reads"), READS, ids=str)
def test_the_compiled_path_reads_the_image_in_its_own_dtype_where_that_is_exact(
    dtype, border, reads
):
    """The extended image stays in the image's dtype where the border's values fit it
    exactly, and the windows' float64 values equal those of a float64 copy."""
    rng = np.random.default_rng(6)
    if dtype is np.bool_:
        image = rng.random((9, 10)) < 0.5
    else:
        image = random_image(rng, (9, 10), dtype)
    p = imagekit.window.plan_mapwindow(weighted_first, image, (3, 4), border)
    assert p.loop == "user/numba-threads"
    assert p._prepared.image_dtype == reads
    f8 = image.astype(np.float64)
    want = imagekit.window.plan_mapwindow(weighted_first, f8, (3, 4), border)(f8)
    np.testing.assert_array_equal(p(image), want)
