"""The adjoint of the border extension: the margin-only fold against the full one."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from imagekit import Fill, Kernel, imfilter
from imagekit.borders import Pad
from imagekit.gradients._pad_adjoint import fold, fold_frame, frame_covers


@st.composite
def _cases(draw):
    ndim = draw(st.integers(1, 3))
    n = tuple(draw(st.integers(1, 7)) for _ in range(ndim))  # images smaller than kernels too
    m = tuple(draw(st.integers(1, 6)) for _ in range(ndim))
    start = tuple(draw(st.integers(-(k - 1), 0)) for k in m)  # windows holding the image
    mode = draw(st.sampled_from(["reflect", "mirror", "nearest", "wrap"]))
    seed = draw(st.integers(0, 2**16))
    return n, m, start, mode, seed


@settings(max_examples=150, deadline=None)
@given(_cases())
def test_fold_frame_equals_the_full_fold(case):
    n, m, start, mode, seed = case
    rng = np.random.default_rng(seed)
    g, w = rng.standard_normal(n), rng.standard_normal(m)
    assert frame_covers(n, m, start)
    # the full window gradient: a "full" correlation of g with the reversed kernel
    rev = Kernel(w[(slice(None, None, -1),) * len(n)], start=(0,) * len(n))
    window = imfilter(g, rev, Fill(0.0), shape="full")
    try:
        expected = fold(window, n, Pad(mode), start)
    except ValueError:
        return  # a border that cannot extend this axis (the forward filter refuses it too)
    inside = tuple(slice(-s, -s + k) for s, k in zip(start, n))
    got = window[inside].copy()
    fold_frame(got, g, w, Pad(mode), start)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12)


def test_frame_covers_only_windows_holding_the_image():
    assert frame_covers((5, 5), (3, 3), (-1, -1))
    assert frame_covers((5, 5), (3, 3), (0, -2))
    assert not frame_covers((5, 5), (3, 3), (1, -1))  # the window starts inside the image
    assert not frame_covers((5, 5), (3, 3), (-3, -1))  # and ends inside it
