"""compat.ndimage's window filters against scipy.ndimage itself: the same results,
dtypes and exception types across dtype x mode x size/footprint x origin x axes."""

import os
import warnings

import numpy as np
import pytest
import scipy.ndimage as ndi
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from imagekit import mapwindow, padarray
from imagekit.compat import _ndi_window, ndimage

DTYPES = [np.uint8, np.int16, np.int32, np.float32, np.float64]
MODES = [
    "reflect",
    "constant",
    "nearest",
    "mirror",
    "wrap",
    "grid-wrap",
    "grid-mirror",
    "grid-constant",
]


def same(name, *args, **kwargs):
    """scipy's and compat's call give the same array (dtype, values) or the same exception type."""
    outcomes = []
    for module in (ndi, ndimage):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                outcomes.append(getattr(module, name)(*args, **kwargs))
            except Exception as error:
                outcomes.append(error)
    ref, got = outcomes
    if isinstance(ref, Exception) or isinstance(got, Exception):
        assert type(ref) is type(got), (ref, got)
        return
    assert got.dtype == ref.dtype
    np.testing.assert_array_equal(got, ref)


@st.composite
def cases(draw):
    ndim = draw(st.integers(1, 3))
    shape = tuple(draw(st.lists(st.integers(1, 9), min_size=ndim, max_size=ndim)))
    dtype = draw(st.sampled_from(DTYPES))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    low = 0 if dtype == np.uint8 else -100
    image = rng.integers(low, 200, shape).astype(dtype)
    sizes = tuple(draw(st.lists(st.integers(1, 5), min_size=ndim, max_size=ndim)))
    origin = tuple(draw(st.integers(-(n // 2), (n - 1) // 2)) for n in sizes)
    footprint = rng.random(sizes) < 0.6
    footprint.flat[0] = True
    mode = draw(st.sampled_from(MODES))
    cval = draw(st.sampled_from([0.0, 3.0, -1.5, 300.0]))
    return image, sizes, footprint, origin, dict(mode=mode, cval=cval)


SETTINGS = settings(
    max_examples=int(os.environ.get("NDI_EXAMPLES", 30)),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@SETTINGS
@given(cases())
def test_rank_filters_equal_scipy(case):
    image, sizes, footprint, origin, kw = case
    # scipy's 1-D rank loop reads outside a 1-pixel image (its result is garbage)
    assume(image.shape != (1,))
    same("median_filter", image, size=sizes, origin=origin, **kw)
    same("median_filter", image, footprint=footprint, origin=origin, **kw)
    same("percentile_filter", image, 30, footprint=footprint, **kw)
    same("percentile_filter", image, -30, size=sizes, origin=origin, **kw)
    same("rank_filter", image, -2, size=3, **kw)
    same("rank_filter", image, 1, footprint=footprint, origin=origin, **kw)


@SETTINGS
@given(cases())
def test_minimum_maximum_equal_scipy(case):
    image, sizes, footprint, origin, kw = case
    same("minimum_filter", image, size=sizes, origin=origin, **kw)
    same("maximum_filter", image, footprint=footprint, origin=origin, **kw)
    same("minimum_filter1d", image, sizes[0], axis=0, origin=origin[0], **kw)
    same("maximum_filter1d", image, 4, axis=-1, **kw)
    same("maximum_filter", image, size=sizes, output=np.uint8, **kw)


@SETTINGS
@given(cases())
def test_grey_morphology_equal_scipy(case):
    image, sizes, footprint, origin, kw = case
    structure = np.random.default_rng(image.size).integers(-3, 4, sizes).astype(float)
    same("grey_erosion", image, footprint=footprint, **kw)
    same("grey_dilation", image, size=sizes, origin=origin, **kw)
    same("grey_dilation", image, structure=structure, **kw)
    same("grey_erosion", image, structure=structure, footprint=footprint, **kw)
    same("grey_opening", image, size=sizes, **kw)
    same("grey_closing", image, footprint=footprint, **kw)


@pytest.mark.parametrize("mode", MODES)
def test_axes_and_per_axis_modes(mode):
    image = np.random.default_rng(1).integers(0, 99, (6, 7, 5)).astype(np.int16)
    same("median_filter", image, size=3, axes=(0,), mode=mode, cval=2.0)
    same("minimum_filter", image, size=(2, 3), axes=(-1, 0), origin=(0, 1), mode=mode)
    same("maximum_filter", image, size=3, mode=[mode, "nearest", "wrap"])
    same("percentile_filter", image, 75, footprint=np.eye(3, dtype=bool), axes=(2, 1), mode=mode)


def test_bool_and_outputs():
    rng = np.random.default_rng(2)
    image = rng.random((7, 8)) < 0.5
    same("maximum_filter", image, size=3)
    same("median_filter", image, footprint=np.eye(3, dtype=bool))
    same("grey_dilation", image, structure=np.ones((2, 2)))
    values = rng.normal(size=(7, 8)) * 50
    same("median_filter", values, size=3, output=np.int16)
    out = np.empty((7, 8), np.float32)
    assert ndimage.minimum_filter(values, size=3, output=out) is out


def test_upper_median_of_even_count():
    # the window of element 2 is [1, 2, 3, 4]: scipy's median is the upper middle value
    assert ndimage.median_filter(np.array([1, 2, 3, 4]), size=4, mode="nearest")[2] == 3
    same("median_filter", np.array([1, 2, 3, 4]), size=4, mode="nearest")


def test_errors_match_scipy():
    image = np.arange(20.0).reshape(4, 5)
    same("median_filter", image)  # no size or footprint: RuntimeError
    same("median_filter", image, size=3, origin=2)
    same("rank_filter", image, 9, size=3)
    same("percentile_filter", image, 120, size=3)
    same("median_filter", image, size=3, mode="bogus")
    same("median_filter", image, size=3, mode=["reflect", "wrap"])
    same("minimum_filter", image, footprint=np.zeros((3, 3)))
    same("minimum_filter", image.astype(np.complex128), size=3)
    same("grey_erosion", image)
    same("minimum_filter1d", image, 0)
    same("median_filter", image.astype(np.float16), size=3)
    same("generic_filter1d", image, lambda i, o: None, 0)


def test_generic_filter1d_equals_scipy():
    def weighted(iline, oline, a, b=0.0):
        oline[...] = iline[:-2] * a + iline[2:] * 2 + b

    rng = np.random.default_rng(3)
    for dtype in DTYPES:
        image = rng.integers(0, 100, (5, 7)).astype(dtype)
        for mode in MODES:
            for origin in (-1, 0, 1):
                kw = dict(mode=mode, cval=2.5, origin=origin)
                kw.update(extra_arguments=(1.5,), extra_keywords={"b": -3})
                same("generic_filter1d", image, weighted, 3, axis=0, **kw)
                same("generic_filter1d", image, weighted, 3, axis=-1, **kw)


def _spread(values):
    return values.max() - values.min()


def _scaled_sum(values, scale, offset=0.0):
    return values.sum() * scale + offset


def _user_path() -> bool:
    """Whether mapwindow runs user functions (generic_filter's engine)."""
    try:
        mapwindow(_spread, np.ones(3), 3)
    except ValueError:
        return False
    return True


def _numpy_mapwindow(func, image, window, border="reflect", **options):
    """LOCAL NUMPY STAND-IN for mapwindow's user-function path, used only where that
    path is missing: the image extended by the border (padarray), each window's
    values in footprint order, ``func`` called on each; float64 out."""
    assert options.get("axes") is None
    footprint = window.weights != 0
    pads = [(-s, s + n - 1) for s, n in zip(window.start, footprint.shape)]
    ext = padarray(image, border, pads)
    views = np.lib.stride_tricks.sliding_window_view(ext, footprint.shape)
    values = views[(Ellipsis, footprint)]
    return np.apply_along_axis(func, -1, values.astype(np.float64)).astype(np.float64)


@pytest.fixture
def user_path(monkeypatch):
    """mapwindow's user-function path, or the numpy stand-in where it is missing."""
    if not _user_path():
        monkeypatch.setattr(_ndi_window, "mapwindow", _numpy_mapwindow)


@pytest.mark.parametrize("mode", MODES)
def test_generic_filter_equals_scipy(mode, user_path):
    rng = np.random.default_rng(4)
    image = rng.integers(0, 50, (6, 7)).astype(np.int16)
    footprint = np.array([[1, 0, 1], [0, 1, 1]], bool)
    same("generic_filter", image, _spread, size=3, mode=mode, cval=-2.0)
    same("generic_filter", image, _spread, footprint=footprint, origin=(0, -1), mode=mode)
    kw = dict(extra_arguments=(2.0,), extra_keywords={"offset": 0.5}, mode=mode)
    same("generic_filter", image, _scaled_sum, size=(2, 3), output=np.float32, **kw)
    same("generic_filter", image.astype(np.float64), np.median, size=3, axes=(1,), mode=mode)


def test_generic_filter_needs_a_python_callable():
    with pytest.raises(TypeError, match="callable"):
        ndimage.generic_filter(np.ones((3, 3)), "max", size=3)


def test_input_not_modified():
    image = np.random.default_rng(5).integers(0, 9, (5, 5)).astype(np.uint8)
    copy = image.copy()
    ndimage.median_filter(image, size=3)
    ndimage.grey_closing(image, structure=np.ones((3, 3)))
    np.testing.assert_array_equal(image, copy)
