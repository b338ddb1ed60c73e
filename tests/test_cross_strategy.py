"""One result across strategies: direct, separable, FFT, Dask blocks and the
array-namespace (GPU) path each equal the float64 reference within the
tolerance of ``TOLERANCE`` (documented in docs/guide/algorithms.rst), for every
border x shape x channel_axis x dtype that hypothesis draws. A failure prints
the drawn case, which ``@reproduce_failure`` replays.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import imagekit as ik
from imagekit.filtering.backends import cupy as device_backend
from imagekit.kernels import Kernel
from tests._oracles import correlate_ref

da = pytest.importorskip("dask.array")

# Relative to the largest |value| of the result: float64 and float32 results;
# integer outputs may differ by one unit where a sum falls within rounding of .5.
TOLERANCE = {"float64": 1e-10, "float32": 2e-5, "integer": 1.0}
BORDERS = ["reflect", "mirror", "nearest", "wrap", "constant"]


@st.composite
def cases(draw):
    ndim = draw(st.integers(1, 3))
    shape = [draw(st.integers(1, 9)) for _ in range(ndim)]
    channel_axis = draw(st.sampled_from([None, 0, -1])) if ndim > 1 else None
    spatial = ndim - (channel_axis is not None)
    factors = [draw(st.integers(1, 4)) for _ in range(spatial)]
    return dict(
        shape=tuple(shape),
        channel_axis=channel_axis,
        factors=factors,
        border=draw(st.sampled_from(BORDERS)),
        mode=draw(st.sampled_from(["same", "valid", "full"])),
        dtype=draw(st.sampled_from(["float64", "float32", "uint8", "int16"])),
        seed=draw(st.integers(0, 2**16)),
        chunk=draw(st.integers(1, 5)),
    )


def _reference(image, kernel, border, mode, channel_axis):
    """correlate_ref per channel (it filters every axis it is given)."""
    if channel_axis is None:
        return correlate_ref(image, kernel.weights, kernel.start, border, mode)
    moved = np.moveaxis(image, channel_axis, -1)
    parts = [
        correlate_ref(moved[..., c], kernel.weights, kernel.start, border, mode)
        for c in range(moved.shape[-1])
    ]
    return np.moveaxis(np.stack(parts, axis=-1), -1, channel_axis)


def _check(got, expected, dtype, label):
    got = np.asarray(got, np.float64)
    assert got.shape == expected.shape, label
    if np.dtype(dtype).kind in "iu":
        info = np.iinfo(dtype)
        expected = np.clip(np.rint(expected), info.min, info.max)
        assert np.abs(got - expected).max(initial=0) <= TOLERANCE["integer"], label
        return
    scale = max(float(np.abs(expected).max(initial=0)), 1.0)
    err = np.abs(got - expected).max(initial=0) / scale
    assert err <= TOLERANCE[np.dtype(dtype).name], f"{label}: relative error {err:.3g}"


@settings(deadline=None, max_examples=150)
@given(case=cases())
def test_every_strategy_gives_one_result(case):
    rng = np.random.default_rng(case["seed"])
    dtype = np.dtype(case["dtype"])
    image = (rng.random(case["shape"]) * 100).astype(dtype)
    kernel = Kernel.from_factors([rng.random(m) - 0.3 for m in case["factors"]])
    kw = dict(shape=case["mode"], channel_axis=case["channel_axis"])
    if dtype.kind in "iu":
        kw["dtype"] = dtype
    expected = _reference(image, kernel, case["border"], case["mode"], case["channel_axis"])
    runs = {
        name: lambda alg=name: ik.imfilter(image, kernel, case["border"], algorithm=alg, **kw)
        for name in ("direct", "separable", "fft")
    }
    chunks = tuple(min(case["chunk"], n) for n in image.shape)
    runs["dask"] = lambda: ik.imfilter(
        da.from_array(image, chunks=chunks), kernel, case["border"], **kw
    ).compute()
    runs["device (NumPy standing in)"] = lambda: device_backend.imfilter(
        image, kernel, case["border"], out=None, **kw
    )
    for label, run in runs.items():
        _check(run(), expected, dtype, f"{label} vs the reference")
