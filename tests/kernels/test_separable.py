"""Separability: rank-one detection by SVD, N-D factors, cascades."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from imagekit import imfilter
from imagekit.kernels import Kernel, cascade, factors


def outer(fs):
    w = fs[0]
    for f in fs[1:]:
        w = np.multiply.outer(w, f)
    return w


@given(
    st.lists(st.integers(1, 7), min_size=1, max_size=4),
    st.integers(0, 2**32 - 1),
    st.sampled_from([np.float32, np.float64]),
)
def test_random_rank_one_kernels_factor(shape, seed, dtype):
    rng = np.random.default_rng(seed)
    vecs = [rng.uniform(-1, 1, n) for n in shape]
    w = outer(vecs).astype(dtype)
    fs = factors(w)
    assert fs is not None
    assert [f.shape for f in fs] == [(n,) for n in shape]
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(outer([f.weights for f in fs]), w, rtol=rtol, atol=rtol)


@given(st.lists(st.integers(2, 6), min_size=2, max_size=4), st.integers(0, 2**32 - 1))
def test_random_full_rank_kernels_do_not_factor(shape, seed):
    rng = np.random.default_rng(seed)
    assert factors(rng.uniform(-1, 1, shape)) is None


def test_rank_two_just_above_tolerance_is_refused():
    w = np.outer([1.0, 2.0, 1.0], [1.0, 0.0, -1.0])
    w[0, 0] += 1e-9
    assert factors(w) is None
    w[0, 0] += -1e-9 + 1e-17  # within rounding: still rank one
    assert factors(w) is not None


def test_factors_keep_the_kernel_offsets_and_exact_zeros():
    k = Kernel(np.outer([0.0, 1.0, 2.0], [1.0, 0.0, -1.0]), start=(2, -3))
    fs = factors(k)
    assert [f.start for f in fs] == [(2,), (-3,)]
    assert fs[0].weights[0] == 0.0 and fs[1].weights[1] == 0.0


def test_factor_signs_read_naturally():
    fs = factors(np.outer([1.0, 2.0, 1.0], [1.0, 0.0, -1.0]))
    np.testing.assert_allclose(fs[0].weights / fs[0].weights[0], [1.0, 2.0, 1.0])
    assert fs[0].weights[0] > 0 and fs[1].weights[0] > 0


def test_zero_kernel_factors():
    fs = factors(np.zeros((3, 3)))
    assert fs is not None
    np.testing.assert_array_equal(outer([f.weights for f in fs]), 0)


def test_complex_rank_one_kernel_factors():
    w = np.outer([1.0, 2j, 1.0], [1.0, 1.0 - 1j])
    fs = factors(w)
    np.testing.assert_allclose(outer([f.weights for f in fs]), w, atol=1e-14)


@pytest.mark.parametrize("border", ["reflect", "mirror", "nearest", "wrap", 0.0, 1.5])
def test_cascade_equals_filtering_once_with_the_composition(border):
    rng = np.random.default_rng(0)
    image = rng.random((12, 13))
    k1 = Kernel(rng.random((3, 2)), start=(-1, 0))
    k2 = Kernel(rng.random((2, 3)), start=(0, -2))
    composed = cascade([k1, k2])
    assert composed.shape == (4, 4) and composed.start == (-1, -2)
    np.testing.assert_allclose(
        imfilter(image, (k1, k2), border), imfilter(image, composed, border), rtol=1e-13
    )
    # Zero border, full shape: a cascade equals filtering twice.
    twice = imfilter(imfilter(image, k1, 0, shape="full"), k2, 0, shape="full")
    np.testing.assert_allclose(imfilter(image, (k1, k2), 0, shape="full"), twice, rtol=1e-13)


def test_cascade_of_separable_kernels_stays_separable():
    g = Kernel.from_factors([np.array([1.0, 2.0, 1.0]), np.array([1.0, 2.0, 1.0])])
    c = cascade([g, g])
    assert c._factors is not None
    np.testing.assert_array_equal(factors(c)[0].weights, [1.0, 4.0, 6.0, 4.0, 1.0])


@pytest.mark.parametrize("shape", [(5, 5), (3, 7), (2, 3, 4), (4,)])
def test_a_normalised_constant_kernel_gets_the_box_factors(shape):
    # a box built from values is the factory's box: the same factors, so the same paths
    w = np.ones(shape) / np.prod(shape)
    fs = factors(w)
    assert [f.weights.tolist() for f in fs] == [[1.0 / n] * n for n in shape]


@pytest.mark.parametrize("c", [1.0, 2.0, -0.3])
def test_a_constant_kernel_factors_exactly(c):
    fs = factors(np.full((3, 4), c))
    assert np.array_equal(outer([f.weights for f in fs]), np.full((3, 4), c))


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("border", ["reflect", "nearest", 0])
def test_a_box_from_values_filters_as_the_factory_box(dtype, border):
    from imagekit.kernels import box

    image = np.random.default_rng(1).integers(0, 256, (64, 70)).astype(dtype)
    out = {"dtype": np.uint8} if dtype == np.uint8 else {}
    ours = imfilter(image, np.full((5, 5), 1 / 25), border, **out)
    np.testing.assert_array_equal(ours, imfilter(image, box(5), border, **out))


@given(
    st.integers(64, 160),
    st.integers(64, 160),
    st.integers(0, 2**32 - 1),
    st.sampled_from([0.0, 1e-9, 1e-6, 1e-4, 1e-2, 1.0]),
    st.sampled_from([np.float32, np.float64, np.complex128]),
)
def test_large_arrays_are_refused_before_their_svd_only_where_the_svd_refuses(
    rows, cols, seed, size, dtype
):
    """The cheap test before a large unfolding's SVD refuses no array the SVD test
    accepts, and the factors are those found without it: rank one plus rank-two
    perturbations of every size around the tolerance, in every dtype."""
    from imagekit.kernels import _separable

    rng = np.random.default_rng(seed)
    w = np.outer(rng.uniform(-1, 1, rows), rng.uniform(-1, 1, cols))
    w = (w + size * np.outer(rng.standard_normal(rows), rng.standard_normal(cols))).astype(dtype)
    s = np.linalg.svd(w, compute_uv=False)
    rtol = _separable._tolerance(w)
    if _separable._surely_not_rank_one(w, rtol):
        assert s[1] > rtol * s[0]
    got = factors(w)
    large = _separable._LARGE
    _separable._LARGE = 10**9  # no test before the SVD
    try:
        want = factors(w)
    finally:
        _separable._LARGE = large
    assert (got is None) == (want is None)
    if got is not None:
        for a, b in zip(got, want, strict=True):
            np.testing.assert_array_equal(np.asarray(a.weights), np.asarray(b.weights))


def test_a_large_full_rank_array_is_refused_without_its_svd(monkeypatch):
    """A kernel gradient's "kernel" is the upstream gradient, as large as the image."""
    svd, shapes = np.linalg.svd, []

    def recording_svd(m, *args, **kwargs):
        shapes.append(m.shape)
        return svd(m, *args, **kwargs)

    monkeypatch.setattr(np.linalg, "svd", recording_svd)
    w = np.random.default_rng(7).random((512, 480)).astype(np.float32)
    assert factors(w) is None
    assert (512, 480) not in shapes and shapes  # only the test's small SVD ran
