"""Kernel values: offsets, immutability, reflect, centred."""

from __future__ import annotations

import pickle

import numpy as np
import pytest
import scipy.ndimage as ndi

from imagekit import imfilter
from imagekit.kernels import Kernel, as_kernel, centered, factors, reflect


def test_default_start_is_centred_like_scipy_origin_zero():
    assert Kernel(np.ones((3, 4))).start == (-1, -2)
    assert centered(np.ones(5)).start == (-2,)
    assert as_kernel(np.ones((2, 1))).start == (-1, 0)


def test_attributes():
    k = Kernel(np.ones((1, 3)), start=(0, -2))
    assert k.shape == (1, 3) and k.ndim == 2 and k.size == 3
    assert k.start == (0, -2) and k.stop == (1, 1)
    assert k.dtype == np.float64
    assert "start=(0, -2)" in repr(k)


def test_weights_are_copied_and_frozen():
    w = np.ones(3)
    k = Kernel(w)
    w[0] = 5
    assert k.weights[0] == 1
    with pytest.raises(ValueError):
        k.weights[0] = 2


def test_integer_weights_become_float64_and_float16_float32():
    assert Kernel(np.array([1, 2, 1])).dtype == np.float64
    assert Kernel(np.array([1, 2, 1], np.float16)).dtype == np.float32
    assert Kernel(np.array([1, 2], np.float32)).dtype == np.float32


def test_equality_and_hash():
    a = Kernel([1.0, 2.0], start=0)
    assert a == Kernel(np.array([1.0, 2.0]), start=(0,))
    assert a != Kernel([1.0, 2.0], start=-1)
    assert len({a, Kernel([1.0, 2.0], start=0)}) == 1


def test_pickle_round_trip_keeps_start_and_factors():
    k = Kernel.from_factors([np.array([1.0, 2.0]), Kernel([1.0, 0.0, -1.0], start=0)])
    k2 = pickle.loads(pickle.dumps(k))
    assert k2 == k and factors(k2) is not None
    assert k2.start == (-1, 0)


@pytest.mark.parametrize("shape", [(3,), (4,), (3, 2), (2, 5, 3)])
@pytest.mark.parametrize("border", ["reflect", "mirror", "nearest", "wrap", "constant"])
def test_reflect_turns_correlation_into_scipy_convolution(shape, border):
    rng = np.random.default_rng(0)
    image = rng.random(tuple(n + 6 for n in shape))
    w = rng.random(shape)
    np.testing.assert_allclose(
        imfilter(image, reflect(centered(w)), border),
        ndi.convolve(image, w, mode=border),
        rtol=1e-13,
    )


def test_reflect_twice_is_identity_and_keeps_factors():
    k = Kernel(np.arange(6.0).reshape(2, 3), start=(1, -4))
    assert reflect(reflect(k)) == k
    f = Kernel.from_factors([np.array([1.0, 2.0]), np.array([3.0, 4.0, 5.0])])
    r = reflect(f)
    assert factors(r) is not None and r.start == (0, -1)
    np.testing.assert_array_equal(r.weights, f.weights[::-1, ::-1])


def test_from_factors_builds_the_outer_product():
    k = Kernel.from_factors([np.array([1.0, 2.0, 1.0]), Kernel([1.0, -1.0], start=0)])
    np.testing.assert_array_equal(k.weights, np.outer([1, 2, 1], [1, -1]))
    assert k.start == (-1, 0)
    with pytest.raises(ValueError, match="must be 1-D"):
        Kernel.from_factors([np.ones((2, 2))])
    with pytest.raises(ValueError, match="at least one"):
        Kernel.from_factors([])


def test_bad_weights():
    with pytest.raises(ValueError, match="weights must have at least one axis"):
        Kernel(np.float64(1.0))
    with pytest.raises(ValueError, match="weights must be finite"):
        Kernel([1.0, np.nan])
    with pytest.raises(TypeError, match="start must be an int or a sequence"):
        Kernel([1.0], start=object())
