"""Kernel structure from values: a kernel given as a plain array gets the factors
(exact mirror symmetry, the factories' scaling) and the loop of the factory that
built it."""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from imagekit import imfilter, kernels
from imagekit.filtering import plan
from imagekit.kernels import factors


def outer(fs):
    w = fs[0]
    for f in fs[1:]:
        w = np.multiply.outer(w, f)
    return w


def mirrored(rng, n, kind):
    """A random 1-D factor of ``n`` taps, symmetric or antisymmetric, away from zero."""
    half = rng.uniform(0.1, 1.0, n // 2) * rng.choice([-1.0, 1.0], n // 2)
    mid = [0.0] if kind == "anti" else list(rng.uniform(0.1, 1.0, n % 2))
    mid = mid[: n % 2]
    mirror = -half[::-1] if kind == "anti" else half[::-1]
    f = np.concatenate([half, mid, mirror])
    return f if f.any() else np.ones(n)


@given(
    st.lists(
        st.tuples(st.integers(1, 15), st.sampled_from(["sym", "anti"])), min_size=2, max_size=3
    ),
    st.integers(0, 2**32 - 1),
    st.sampled_from([np.float32, np.float64]),
)
def test_mirror_symmetric_factors_come_back_exactly_symmetric(axes, seed, dtype):
    rng = np.random.default_rng(seed)
    vecs = [mirrored(rng, n, kind) for n, kind in axes]
    w = outer(vecs).astype(dtype)
    fs = factors(w)
    assert fs is not None
    for f, v in zip(fs, vecs):
        f = f.weights
        assert f.dtype == dtype
        if np.array_equal(v, v[::-1]):
            assert np.array_equal(f, f[::-1])
        else:  # antisymmetric, with an exact zero in the middle of an odd size
            assert np.array_equal(f, -f[::-1])
    rtol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(outer([f.weights for f in fs]), w, rtol=rtol, atol=rtol)


FACTORY = {
    "gaussian(2)": kernels.gaussian(2),
    "gaussian((1, 2))": kernels.gaussian((1.0, 2.0)),
    "gaussian(1.5, order=(1, 0))": kernels.gaussian(1.5, order=(1, 0)),
    "gaussian(1.5, ndim=3)": kernels.gaussian(1.5, 3),
    "box(5)": kernels.box(5),
    "box((3, 7))": kernels.box((3, 7)),
    "sobel(axis=1)": kernels.sobel(axis=1),
    "sobel(axis=0, ndim=3)": kernels.sobel(axis=0, ndim=3),
    "scharr(axis=0)": kernels.scharr(axis=0),
    "prewitt(axis=1)": kernels.prewitt(axis=1),
    "farid(axis=0)": kernels.farid(axis=0),
    "ando4(axis=1)": kernels.ando4(axis=1),
    "ando5(axis=0)": kernels.ando5(axis=0),
}
# The factors from values equal the factory's to the bit for these; the others
# are within a few ulps (the factory's weights are themselves rounded products).
EXACT = {"gaussian(2)", "box(5)", "box((3, 7))", "sobel(axis=1)", "sobel(axis=0, ndim=3)"}
EXACT |= {"scharr(axis=0)", "farid(axis=0)"}


def ulps(a, b):
    return np.max(np.abs(a - b) / np.spacing(np.maximum(np.abs(b), 1e-300)))


@pytest.mark.parametrize("name", FACTORY)
def test_factors_from_values_are_the_factorys(name):
    k = FACTORY[name]
    fs = factors(np.array(k.weights))
    assert fs is not None
    for f, g in zip(fs, k._factors):
        if name in EXACT:
            assert np.array_equal(f.weights, g.weights)
        else:
            assert ulps(f.weights, g.weights) <= 8


def loop(p):
    return re.search(r"loop '([^']*)'", repr(p)).group(1)


@pytest.mark.parametrize("out", [None, np.uint8, np.float32])
@pytest.mark.parametrize("name", FACTORY)
def test_a_kernel_given_as_values_runs_the_factorys_loop(name, out):
    k = FACTORY[name]
    rng = np.random.default_rng(3)
    shape = (24, 20, 18) if k.ndim == 3 else (64, 70)
    image = rng.integers(0, 256, shape).astype(np.uint8)
    kw = {} if out is None else {"dtype": out}
    if out == np.uint8 and np.any(k.weights < 0):
        kw = {"dtype": np.float32}
    values = np.array(k.weights)  # the factory's dense weights as a plain array
    assert loop(plan(image, values, **kw)) == loop(plan(image, k, **kw))
    ours, theirs = imfilter(image, values, **kw), imfilter(image, k, **kw)
    if name in EXACT:
        np.testing.assert_array_equal(ours, theirs)
    else:  # a few ulps apart in the factors: equal to rounding
        tol = 1e-5 if theirs.dtype == np.float32 else 1e-12
        if theirs.dtype == np.uint8:  # a rounding tie may fall either way
            np.testing.assert_allclose(ours, theirs, atol=1)
        else:
            np.testing.assert_allclose(ours, theirs, rtol=0, atol=tol * np.abs(theirs).max())


def test_outer_of_the_factory_gaussian_factor_is_the_factory_gaussian():
    g = kernels.gaussian(2)
    (gy, gx) = (f.weights for f in g._factors)
    fs = factors(np.outer(gy, gx))
    assert all(np.array_equal(f.weights, h) for f, h in zip(fs, (gy, gx)))


@pytest.mark.parametrize(
    "kernel",
    [
        kernels.laplacian(),
        kernels.laplacian(3),
        kernels.disk(3),
        kernels.ball(2),
        kernels.log(2.0),
        kernels.dog(1.0),
        np.array([[1.0, 2.0, 1.0], [2.0, 1.0, 2.0], [1.0, 2.0, 1.0]]),
    ],
    ids=["laplacian", "laplacian-3d", "disk", "ball", "log", "dog", "cross"],
)
def test_symmetric_but_not_separable_kernels_do_not_factor(kernel):
    w = np.array(getattr(kernel, "weights", kernel))
    assert factors(w) is None
    assert plan(np.zeros((16,) * w.ndim), w).factors is None


def test_a_scaled_smoothing_keeps_unit_sum_factors_with_the_scale_on_the_first_axis():
    s = np.array([1.0, 2.0, 1.0]) / 4
    fs = factors(3.0 * np.outer(s, s))
    np.testing.assert_array_equal(fs[1].weights, s)
    np.testing.assert_allclose(fs[0].weights, 3.0 * s, rtol=1e-15)


def test_a_difference_factor_takes_the_scale_and_the_sign():
    # the smoothing sums to 1; the difference, the only other factor, takes the rest
    fs = factors(np.outer([1.0, 2.0, 1.0], [1.0, 0.0, -1.0]))
    np.testing.assert_array_equal(fs[0].weights, [0.25, 0.5, 0.25])
    np.testing.assert_array_equal(fs[1].weights, [4.0, 0.0, -4.0])
