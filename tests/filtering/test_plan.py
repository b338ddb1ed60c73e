"""The planner: strategy choice, predicted costs, geometry, and option normalisation."""

from __future__ import annotations

import numpy as np
import pytest

from imagekit import Kernel, imfilter, kernels
from imagekit.borders import Fill, Pad
from imagekit.filtering import Plan, plan
from imagekit.filtering._options import embed_kernel, normalize_axes, normalize_kernel
from imagekit.filtering._registry import STRATEGIES
from imagekit.kernels import factors


def test_auto_picks_separable_for_rank_one_kernels():
    p = plan(np.zeros((512, 512)), np.outer(np.arange(1.0, 8.0), np.arange(7.0, 0, -1)))
    assert isinstance(p, Plan)
    assert p.strategy == "separable"
    assert [ax for ax, _ in p.factors] == [0, 1]
    assert set(p.costs) == {"direct", "separable", "fft", "shifts"}
    assert p.costs["separable"] == min(p.costs.values())


def test_auto_picks_direct_for_small_non_separable_kernels():
    p = plan(np.zeros((256, 256)), np.eye(3))
    assert p.strategy == "direct"
    assert p.factors is None
    assert set(p.costs) == {"direct", "fft", "shifts"}


def test_auto_picks_fft_for_large_dense_kernels():
    rng = np.random.default_rng(0)
    assert plan(np.zeros((1024, 1024), np.float32), rng.random((31, 31))).strategy == "fft"
    assert plan(np.zeros((64, 64, 64), np.float32), rng.random((9, 9, 9))).strategy == "fft"


def test_kernels_built_from_factors_keep_them():
    g = np.array([0.25, 0.5, 0.25])
    p = plan(np.zeros((8, 8, 3)), Kernel.from_factors([g, g]), channel_axis=-1)
    assert [ax for ax, _ in p.factors] == [0, 1]
    np.testing.assert_array_equal(p.factors[0][1].weights, g)


def test_factored_tuple_acts_along_each_axis():
    p = plan(np.zeros((8, 9)), (np.array([1.0, 2.0, 1.0]), np.array([1.0, -1.0])))
    assert p.kernel.shape == (3, 2)
    assert p.kernel.start == (-1, -1)
    assert p.factors is not None


def test_a_1x3_kernel_is_direct_not_separable():
    # One axis to pass along: nothing to separate.
    assert plan(np.zeros((8, 9)), np.ones((1, 3))).strategy == "direct"


def test_geometry_of_each_shape():
    k = Kernel(np.ones((3, 4)), start=(-1, -3))
    same = plan(np.zeros((10, 12)), k)
    valid = plan(np.zeros((10, 12)), k, shape="valid")
    full = plan(np.zeros((10, 12)), k, shape="full")
    assert same.out_shape == (10, 12) and same.out_lo == (0, 0)
    assert valid.out_shape == (8, 9) and valid.out_lo == (1, 3)
    assert full.out_shape == (12, 15) and full.out_lo == (-1, 0)
    assert valid.window() == ((0, 0), (10, 12))


def test_dtypes_are_resolved_in_the_plan():
    p = plan(np.zeros((4, 4), np.uint8), np.ones((3, 3), np.float32))
    assert p.compute_dtype == np.float32 and p.out_dtype == np.float32
    p = plan(np.zeros((4, 4), np.float32), np.ones((3, 3)) * 1j)
    assert p.is_complex and p.out_dtype == np.complex64
    p = plan(np.zeros((4, 4)), np.ones((3, 3)), dtype=np.uint16)
    assert p.compute_dtype == np.float64 and p.out_dtype == np.uint16


def test_border_strings_are_normalised_once():
    assert plan(np.zeros(5), np.ones(3), "symmetric").border == Pad("reflect")
    assert plan(np.zeros(5), np.ones(3), 2).border == Fill(2)


def test_registry_lists_each_strategy_with_a_cost():
    p = plan(np.zeros((512, 512)), np.outer(np.ones(9), np.ones(9)))
    assert set(p.costs) == {"direct", "separable", "fft", "shifts"}
    for name in p.costs:
        assert STRATEGIES[name].applies(p)
        assert STRATEGIES[name].cost(p) > 0, name
    # Two passes of 9 taps predict less work than one pass of 81 taps.
    assert p.costs["separable"] < p.costs["direct"]


@pytest.mark.parametrize(
    ("ndim", "channel_axis", "axes", "expected"),
    [
        (3, None, None, (0, 1, 2)),
        (3, -1, None, (0, 1)),
        (3, 0, None, (1, 2)),
        (4, None, (3, 1), (3, 1)),
        (4, 0, (-1, 1), (3, 1)),
    ],
)
def test_normalize_axes(ndim, channel_axis, axes, expected):
    assert normalize_axes(ndim, channel_axis, axes) == expected


def test_embed_kernel_puts_kernel_axes_on_image_axes():
    w = np.arange(6.0).reshape(2, 3)
    k = Kernel(w, start=(-1, 0))
    e = embed_kernel(k, (2, 0), 3)  # kernel axis 0 → image axis 2, axis 1 → image axis 0
    assert e.shape == (3, 1, 2)
    assert e.start == (0, 0, -1)
    np.testing.assert_array_equal(e.weights[:, 0, :], w.T)


def test_embed_kernel_keeps_factors():
    k = Kernel.from_factors([np.ones(3), np.arange(1.0, 3.0)])
    e = embed_kernel(k, (0, 2), 3)
    fs = factors(e)
    assert [f.shape for f in fs] == [(3,), (1,), (2,)]


def test_cascade_tuple_composes_into_one_kernel():
    k1 = np.array([[1.0, 2.0]])
    k2 = np.array([[1.0], [3.0]])
    k = normalize_kernel((k1, k2), 2)
    assert k.shape == (2, 2)
    np.testing.assert_allclose(k.weights, [[1.0, 2.0], [3.0, 6.0]], rtol=1e-15)
    assert k.start == (-1, -1)


def test_iir_only_when_asked_or_for_iir_factors():
    image = np.zeros((256, 256), np.float32)
    p = plan(image, kernels.gaussian(10.0))
    assert "iir" in p.costs and p.strategy != "iir"  # approximate: never picked by auto
    assert plan(image, kernels.gaussian(10.0), algorithm="iir").strategy == "iir"
    assert plan(image, kernels.factored.iir_gaussian(10.0)).strategy == "iir"


@pytest.mark.parametrize("border", ["nearest", 0.0, 2.0, "na"])
def test_iir_through_imfilter_is_within_one_percent(border):
    rng = np.random.default_rng(0)
    image = rng.random((96, 80))
    for kernel, kw in [
        (kernels.gaussian(3.0), {"algorithm": "iir"}),
        (kernels.factored.iir_gaussian(3.0), {}),
    ]:
        got = imfilter(image, kernel, border, **kw)
        exact = imfilter(image, kernels.gaussian(3.0, truncate=6.0), border)
        assert np.linalg.norm(got - exact) / np.linalg.norm(exact) < 0.01


def test_iir_refuses_borders_it_cannot_do():
    with pytest.raises(ValueError, match="recursive Gaussian supports"):
        imfilter(np.zeros((16, 16)), kernels.gaussian(3.0), "reflect", algorithm="iir")
    with pytest.raises(ValueError, match="needs a Gaussian kernel"):
        imfilter(np.zeros((16, 16)), np.ones((3, 3)), algorithm="iir")


def test_plans_are_reused_for_equal_calls_and_not_for_changed_kernels():
    image = np.zeros((16, 16))
    w = np.ones((3, 3))
    first = plan(image, w, "wrap")
    assert plan(np.ones((16, 16)), w.copy(), "wrap") is first  # same shapes, kernel, options
    w[0, 0] = 2.0  # a changed kernel is a new plan
    assert plan(image, w, "wrap") is not first
    assert plan(image, w, "wrap").kernel.weights[0, 0] == 2.0
    with pytest.raises(ValueError, match="must be finite"):  # errors are never cached
        plan(image, np.full((3, 3), np.nan))
    with pytest.raises(ValueError, match="must be finite"):
        plan(image, np.full((3, 3), np.nan))
