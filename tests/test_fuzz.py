"""Fuzzing the public API's argument space (hypothesis).

Every call must either return an array of the promised shape and dtype or
raise ``ValueError``/``TypeError`` — never another exception, a crash, or a
changed input. CI runs a bounded number of examples; run it longer with
``HYPOTHESIS_PROFILE=thorough`` (8000 per property) or
``IMAGEKIT_FUZZ_EXAMPLES=N``.
"""

from __future__ import annotations

import os

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import imagekit as ik
from imagekit.borders import NA, Fill
from imagekit.kernels import Kernel

_N = os.environ.get("IMAGEKIT_FUZZ_EXAMPLES")
FUZZ = settings(
    deadline=None,
    suppress_health_check=list(HealthCheck),
    **({"max_examples": int(_N)} if _N else {"max_examples": 300}),
)

DTYPES = [
    *("bool", "int8", "uint8", "int16", "uint16", "int32", "int64", "uint64", "float16"),
    *("float32", "float64", "complex64", "complex128", ">f8", "<U1", "O"),
]


@st.composite
def arrays(draw, max_dims=3, max_side=6):
    ndim = draw(st.integers(0, max_dims))
    shape = tuple(draw(st.integers(0, max_side)) for _ in range(ndim))
    dtype = np.dtype(draw(st.sampled_from(DTYPES)))
    if dtype.kind in "UO":
        return np.full(shape, "x" if dtype.kind == "U" else None, dtype)
    values = np.random.default_rng(draw(st.integers(0, 2**16))).normal(0, 100, shape)
    special = draw(st.sampled_from([None, np.nan, np.inf, -np.inf, 1e300]))
    if special is not None and values.size and dtype.kind in "fc":
        values.flat[0] = special
    with np.errstate(all="ignore"):
        a = values.astype(dtype) if dtype.kind != "b" else values > 0
    layout = draw(st.sampled_from(["c", "f", "reversed"]))
    if layout == "f":
        a = np.asfortranarray(a)
    elif layout == "reversed" and a.ndim:
        a = a[::-1]
    return a


def _offset_kernel(w, start):
    """A Kernel with offsets, or the bad weights themselves (for imfilter to refuse)."""
    try:
        return Kernel(w, start=tuple(start[: w.ndim]))
    except (ValueError, TypeError):
        return w


kernels = st.one_of(
    arrays(max_dims=3, max_side=4),
    st.builds(
        _offset_kernel,
        arrays(max_dims=2, max_side=3),
        st.lists(st.integers(-5, 5), min_size=3, max_size=3),
    ),
    st.tuples(arrays(max_dims=1, max_side=3), arrays(max_dims=1, max_side=3)),
    st.sampled_from(["gaussian", None, 3, [[1, 2], [3]]]),
)
borders = st.one_of(
    st.sampled_from(["reflect", "mirror", "nearest", "wrap", "constant", "na", "bogus", ""]),
    st.floats(allow_nan=True) | st.integers(-300, 300),
    st.builds(Fill, st.floats(-1e3, 1e3) | st.complex_numbers(max_magnitude=10)),
    st.just(NA()),
    st.sampled_from([None, object(), [1, 2]]),
)
options = st.fixed_dictionaries(
    {},
    optional={
        "shape": st.sampled_from(["same", "valid", "full", "bogus", 3]),
        "algorithm": st.sampled_from(["auto", "direct", "separable", "fft", "iir", "x", None]),
        "channel_axis": st.one_of(st.integers(-4, 4), st.none(), st.just(1.5)),
        "axes": st.one_of(st.none(), st.lists(st.integers(-4, 4), max_size=3).map(tuple)),
        "dtype": st.sampled_from([None, "uint8", "int16", "float32", "complex128", "bogus", bool]),
    },
)


def _check(call, inputs):
    before = [np.array(x, copy=True) for x in inputs if isinstance(x, np.ndarray)]
    try:
        result = call()
    except (ValueError, TypeError):
        result = None
    after = [x for x in inputs if isinstance(x, np.ndarray)]
    for b, a in zip(before, after):  # inputs never change, even on error
        np.testing.assert_array_equal(a, b)
    return result


@FUZZ
@given(image=arrays(), kernel=kernels, border=borders, kw=options)
def test_public_api_never_crashes(image, kernel, border, kw):
    with np.errstate(all="ignore"):
        out = _check(lambda: ik.imfilter(image, kernel, border, **kw), [image, kernel])
    if out is None:
        return
    assert isinstance(out, np.ndarray)
    p = ik.filtering.plan(image, kernel, border, **kw)
    assert out.shape == p.out_shape and out.dtype == p.out_dtype


@FUZZ
@given(image=arrays(), border=borders, pad=st.one_of(st.integers(-2, 9), st.just([(1, 2)])))
def test_padarray_never_crashes(image, border, pad):
    out = _check(lambda: ik.padarray(image, border, pad), [image])
    if out is not None:
        assert isinstance(out, np.ndarray) and out.ndim == image.ndim


@FUZZ
@given(
    image=arrays(max_dims=3),
    bank=arrays(max_dims=4, max_side=3),
    border=borders,
    shape=st.sampled_from(["same", "valid", "full"]),
    channel_axis=st.integers(-3, 2),
)
def test_filterbank_never_crashes(image, bank, border, shape, channel_axis):
    with np.errstate(all="ignore"):
        out = _check(
            lambda: ik.filterbank(image, bank, border, shape=shape, channel_axis=channel_axis),
            [image, bank],
        )
    if out is not None:
        assert isinstance(out, np.ndarray) and out.ndim == image.ndim
