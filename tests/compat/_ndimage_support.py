"""Helpers shared by the scipy.ndimage drop-in tests: option lists, comparison, images."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import scipy.ndimage as ndi
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from imagekit.compat import ndimage as ik

NAMES = [
    "correlate",
    "convolve",
    "correlate1d",
    "convolve1d",
    "gaussian_filter",
    "gaussian_filter1d",
    "uniform_filter",
    "uniform_filter1d",
    "sobel",
    "prewitt",
    "laplace",
    "gaussian_laplace",
    "gaussian_gradient_magnitude",
    "generic_laplace",
    "generic_gradient_magnitude",
]
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
DTYPES = [np.float32, np.float64, np.uint8, np.int16]
OUTPUTS = [None, np.float64, np.float32, np.int16, np.uint8, "array"]
SETTINGS = settings(max_examples=150, deadline=None)


# -- helpers ---------------------------------------------------------------------


def _call(module, name, *args, **kwargs):
    """Call ``module.name``; floating-point warnings are scipy's own behaviour here."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        return getattr(module, name)(*args, **kwargs)


def _output_arg(spec, shape, dtype):
    if spec == "array":
        return np.zeros(shape, dtype)
    return spec


def assert_same(ours, ref, scale=1.0):
    """Same dtype and shape; identical for integers, bool and non-finite values; else close."""
    assert ours.dtype == ref.dtype, (ours.dtype, ref.dtype)
    assert ours.shape == ref.shape
    if ref.dtype.kind in "biu":
        if ref.dtype == bool:  # scipy stores the C cast's byte, e.g. 255 for -1
            ours, ref = ours.view(np.uint8), ref.view(np.uint8)
        np.testing.assert_array_equal(ours, ref)
        return
    np.testing.assert_array_equal(np.isfinite(ours), np.isfinite(ref))
    np.testing.assert_array_equal(np.isnan(ours), np.isnan(ref))
    finite = np.isfinite(ref)
    rtol = 1e-6 if ref.dtype in (np.float32, np.complex64) else 1e-12
    error = np.abs(ours[finite] - ref[finite])
    allowed = rtol * (np.abs(ref[finite]) + scale)
    assert np.all(error <= allowed), f"max error {error.max()} vs scale {scale}"
    np.testing.assert_array_equal(ours[~finite], ref[~finite])


def assert_identical(ours, ref):
    """Same dtype, shape and bytes (NaN where scipy has NaN, whatever its payload): the
    drop-ins add scipy's products in scipy's order, so every result is scipy's."""
    assert ours.dtype == ref.dtype, (ours.dtype, ref.dtype)
    assert ours.shape == ref.shape
    if ref.dtype.kind == "c":
        assert_identical(ours.real, ref.real)
        assert_identical(ours.imag, ref.imag)
        return
    if ref.dtype.kind == "f":
        nan = np.isnan(ref)
        np.testing.assert_array_equal(np.isnan(ours), nan)
        ours, ref = ours[~nan], ref[~nan]
    if not np.array_equal(ours.view(np.uint8), ref.view(np.uint8)):
        error = np.abs(ours.astype(np.complex128) - ref).max()
        raise AssertionError(f"not bit for bit: max error {error}")


def compare(name, image, *args, output=None, gain=1.0, **kwargs):
    """Run both libraries with the same arguments (fresh output arrays): the same error
    type, or identical results. (``gain``, the weights' sum, is no longer needed.)"""
    shape = np.shape(image)
    dtype = np.asarray(image).dtype if output == "array" else None
    outs = [_output_arg(output, shape, dtype or np.float64) for _ in range(2)]
    try:
        ref = _call(ndi, name, image, *args, output=outs[0], **kwargs)
    except TypeError:  # a mistake in the test's call, not a behaviour to compare
        raise
    except Exception as error:  # the same error type
        with pytest.raises(type(error)):
            _call(ik, name, image, *args, output=outs[1], **kwargs)
        return None
    ours = _call(ik, name, image, *args, output=outs[1], **kwargs)
    if output == "array":
        assert ours is outs[1] and ref is outs[0]
    assert_identical(ours, ref)
    return ours


def images(dtypes=DTYPES, min_side=1, max_side=7, max_dims=3):
    """Small random images of the dtypes under test (often constant, as hypothesis likes)."""

    def build(dtype):
        dtype = np.dtype(dtype)
        if dtype.kind == "f":
            elements = st.floats(-100, 100, width=8 * dtype.itemsize, allow_subnormal=False)
        else:
            info = np.iinfo(dtype)
            elements = st.integers(max(info.min, -300), min(info.max, 300))
        shapes = hnp.array_shapes(
            min_dims=1, max_dims=max_dims, min_side=min_side, max_side=max_side
        )
        return hnp.arrays(dtype, shapes, elements=elements)

    return st.sampled_from(dtypes).flatmap(build)


weights_1d = hnp.arrays(
    np.float64, st.integers(1, 6), elements=st.floats(-3, 3, allow_subnormal=False)
)


def _reflect_reach_ok(mode, shape, wshape, origins):
    """scipy's N-D reflect reads garbage when a kernel reaches 4 lengths before an axis."""
    if mode not in ("reflect", "grid-mirror"):
        return True
    return all(n == 1 or m // 2 + o < 4 * n for n, m, o in zip(shape, wshape, origins))
