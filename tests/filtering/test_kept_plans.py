"""Plans you can keep: equal to imfilter, refuse other images, immutable, explained."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import scipy.ndimage as ndi
from hypothesis import given, settings
from hypothesis import strategies as st

from imagekit import Fill, Kernel, imfilter, kernels
from imagekit.borders import Pad
from imagekit.filtering import Plan, _plan_cache, plan
from imagekit.filtering._registry import register, strategies, unregister
from imagekit.filtering._strategy import Prepared, Strategy

BORDERS = ["reflect", "mirror", "nearest", "wrap", "constant", Fill(1.5), "na"]
DTYPES = [np.float32, np.float64, np.uint8, np.uint16, np.int16]


def _image(rng, shape, dtype):
    if np.dtype(dtype).kind in "iu":
        return rng.integers(0, 200, shape).astype(dtype)
    return rng.standard_normal(shape).astype(dtype)


def _fresh_imfilter(image, kernel, border, **kw):
    """imfilter through a plan made for this call (the cache emptied first)."""
    _plan_cache.clear()
    return imfilter(image, kernel, border, **kw)


@settings(max_examples=60, deadline=None)
@given(
    algorithm=st.sampled_from(["auto", "direct", "separable", "fft"]),
    border=st.sampled_from(BORDERS),
    dtype=st.sampled_from(DTYPES),
    out_dtype=st.sampled_from([None, np.uint8, np.float64]),
    mode=st.sampled_from(["same", "valid", "full"]),
    ky=st.integers(1, 6),
    kx=st.integers(2, 6),
    seed=st.integers(0, 2**16),
)
def test_a_kept_plan_equals_imfilter(algorithm, border, dtype, out_dtype, mode, ky, kx, seed):
    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(6, 20)), int(rng.integers(6, 20)))
    fy, fx = rng.random(ky), rng.random(kx)
    kernel = np.outer(fy, fx) / (fy.sum() * fx.sum())  # rank one: every strategy applies
    kw = dict(shape=mode, algorithm=algorithm, dtype=out_dtype)
    p = plan(_image(rng, shape, dtype), kernel, border, **kw)
    for _ in range(3):  # one plan, several images: nothing carries over between calls
        image = _image(rng, shape, dtype)
        expected = _fresh_imfilter(image, kernel, border, **kw)
        np.testing.assert_array_equal(p(image), expected)
        out = np.empty_like(expected)
        assert p(image, out=out) is out
        np.testing.assert_array_equal(out, expected)


@pytest.mark.parametrize("border", BORDERS)
def test_kept_plans_of_each_loop_equal_scipy(border):
    rng = np.random.default_rng(0)
    image = rng.random((40, 33))
    mode = {"constant": "constant", "na": None}.get(str(border), border)
    for kernel in (
        rng.random((3, 3)),
        rng.random((5, 4)),
        np.ones((5, 5)) / 25,
        rng.random((21, 21)),
    ):
        p = plan(image, kernel, border)
        got = p(image)
        if isinstance(border, Fill):
            expected = ndi.correlate(image, kernel, mode="constant", cval=1.5)
        elif mode is None:  # no NaN: the NA result is the normalised constant filter
            num = ndi.correlate(image, kernel, mode="constant")
            expected = num / ndi.correlate(np.ones_like(image), kernel, mode="constant")
        else:
            expected = ndi.correlate(image, kernel, mode=mode)
        np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9, err_msg=p.loop)


def test_complex_and_iir_plans_equal_imfilter():
    rng = np.random.default_rng(1)
    image = rng.random((30, 31)) + 1j * rng.random((30, 31))
    k = rng.random((3, 3)) - 1j * rng.random((3, 3))
    p = plan(image, k, "wrap")
    np.testing.assert_array_equal(p(image), _fresh_imfilter(image, k, "wrap"))
    real = rng.random((30, 31)).astype(np.float32)
    g = kernels.gaussian(3.0)
    p = plan(real, g, "nearest", algorithm="iir")
    assert p.loop == "iir/recursive-gaussian"
    np.testing.assert_array_equal(p(real), _fresh_imfilter(real, g, "nearest", algorithm="iir"))


def test_another_shape_or_dtype_is_refused_with_what_the_plan_was_made_for():
    p = plan(np.zeros((32, 32), np.float32), np.ones((3, 3)))
    with pytest.raises(ValueError, match=r"made for images of shape \(32, 32\) and dtype float32"):
        p(np.zeros((32, 33), np.float32))
    with pytest.raises(ValueError, match=r"got shape \(32, 32\) and dtype float64"):
        p(np.zeros((32, 32)))
    with pytest.raises(ValueError, match=r"out has shape \(3, 3\), expected \(32, 32\)"):
        p(np.zeros((32, 32), np.float32), out=np.zeros((3, 3), np.float32))


def test_plans_are_immutable_and_running_does_not_change_them():
    rng = np.random.default_rng(2)
    image = rng.random((24, 24)).astype(np.float32)
    for kernel, border in [(rng.random((3, 3)), "reflect"), (np.ones((3, 3)), "na")]:
        p = plan(image, kernel, border)
        before = {f.name: getattr(p, f.name) for f in dataclasses.fields(p)}
        names = set(vars(p))
        with pytest.raises(dataclasses.FrozenInstanceError):
            p.strategy = "fft"
        with pytest.raises(dataclasses.FrozenInstanceError):
            p.extra = 1
        p(image)
        p(image.copy(), out=np.empty((24, 24), np.float32))
        assert set(vars(p)) == names
        assert all(getattr(p, name) is value for name, value in before.items())
    assert not hasattr(Plan, "derived")


def test_repr_is_one_short_line_with_strategy_and_loop():
    p = plan(np.zeros((256, 256), np.float32), kernels.gaussian(10.0), "nearest")
    text = repr(p)
    assert "\n" not in text and len(text) < 250
    assert "float32" in text and "(256, 256)" in text and "nearest" in text
    assert f"strategy {p.strategy!r}" in text and f"loop {p.loop!r}" in text
    assert p.loop.startswith(p.strategy + "/")


@pytest.mark.parametrize(
    ("image", "kernel", "loop"),
    [
        (np.zeros((64, 64), np.float32), np.ones((3, 3)) - np.eye(3) * 0.5, "direct/3x3-rows"),
        (np.zeros((64, 64), np.float32), np.eye(5), "direct/2d-blocks"),
        (np.zeros((64, 64), np.float32), np.zeros((5, 5)), "direct/2d-rows"),
        (np.zeros((8, 8, 8)), np.random.default_rng(0).random((3, 3, 3)), "direct/3d-blocks"),
        (np.zeros((4, 4, 4, 4)), np.ones((2, 2, 2, 2)), "direct/runs"),
        (np.zeros((256, 256), np.float32), kernels.gaussian(2.0), "separable/2d-sweep"),
        (np.zeros((256, 256), np.uint8), kernels.box(5), "separable/box-u8-lanes"),
        (np.zeros((64, 64)), kernels.box((31, 31)), "separable/passes+running-sums"),
        (np.zeros((1024, 1024)), np.random.default_rng(0).random((31, 31)), "fft/overlap-save"),
    ],
)
def test_the_loop_is_named_in_the_plan(image, kernel, loop):
    dtype = np.uint8 if image.dtype == np.uint8 else None
    p = plan(image, kernel, dtype=dtype)
    assert p.loop.startswith(loop), p.explain()


def test_explain_lists_candidates_costs_and_reasons():
    p = plan(np.zeros((256, 256), np.float32), kernels.gaussian(3.0))
    text = p.explain()
    for name, cost in p.costs.items():
        assert f"{cost:.3g} s predicted" in text, name
    assert "iir" in text and "approximate: runs only when asked for" in text
    assert f"chosen: {p.strategy}, the cheapest exact strategy" in text
    assert f"loop: {p.loop}" in text
    text = plan(np.zeros((64, 64)), np.eye(3)).explain()
    assert "separable    not a candidate: needs a separable kernel" in text
    assert "iir          not a candidate: needs a Gaussian kernel" in text
    asked = plan(np.zeros((64, 64)), np.ones((3, 3)), algorithm="fft").explain()
    assert "chosen: fft, asked for" in asked


class _Toy(Strategy):
    """scipy.ndimage.correlate, for 'same' outputs and Pad borders: a strategy in one
    class, registered for a test only."""

    name = algorithm = "toy"

    def __init__(self, cost):
        self._cost = cost

    def why_not(self, plan):
        if plan.shape != "same" or not isinstance(plan.border, Pad):
            return "needs shape='same' and a padding border"
        return None

    def cost(self, plan):
        return self._cost

    def prepare(self, plan, image_dtype, out_dtype):
        weights = plan.kernel.weights.astype(np.float64)
        return Prepared("toy/scipy", plan, np.dtype(image_dtype), np.dtype(out_dtype), weights)

    def run(self, prepared, image, out):
        mode = prepared.plan.border.mode
        out[...] = ndi.correlate(image.astype(np.float64), prepared.state, mode=mode)


def test_a_registered_strategy_is_ranked_and_chosen_when_cheapest():
    rng = np.random.default_rng(3)
    image, k = rng.random((20, 20)), rng.random((3, 3))
    cheap = register(_Toy(cost=0.0))
    try:
        p = plan(image, k, "mirror")
        assert p.strategy == "toy" and p.loop == "toy/scipy"
        assert "toy" in p.costs and "toy" in p.explain()
        np.testing.assert_allclose(p(image), ndi.correlate(image, k, mode="mirror"))
        other = plan(image, k, 0.0)  # not a Pad border: not a candidate
        assert other.strategy != "toy"
        assert "toy          not a candidate: needs shape='same'" in other.explain()
        with pytest.raises(ValueError, match="already registered"):
            register(_Toy(cost=1.0))
    finally:
        unregister(cheap)
    assert "toy" not in strategies("imfilter")
    assert plan(image, k, "mirror").strategy == "direct"
    np.testing.assert_allclose(p(image), ndi.correlate(image, k, mode="mirror"))  # kept


def test_an_expensive_registered_strategy_is_ranked_but_not_chosen():
    dear = register(_Toy(cost=1e9))
    try:
        p = plan(np.zeros((20, 20)), np.ones((3, 3)), "reflect")
        assert p.strategy != "toy" and p.costs["toy"] == 1e9
    finally:
        unregister(dear)


def test_thresholds_are_parameters_of_the_strategy():
    from imagekit.filtering.strategies.separable import Separable

    p = plan(np.zeros((64, 64)), kernels.box((9, 9)), algorithm="separable")
    assert not any(Separable().is_running_sum(f) for _, f in p.factors)
    assert all(Separable(running_sum_min=9).is_running_sum(f) for _, f in p.factors)
    u8 = np.zeros((64, 64), np.uint8)
    rows_box = Kernel.from_factors([np.ones(5) / 5, np.array([1.0, 2.0, 3.0, 2.0, 1.0]) / 9])
    q = plan(u8, rows_box, dtype=np.uint8)
    assert Separable().prepare(q, u8.dtype, np.uint8).loop == "separable/2d-sweep-running-sums"
    assert Separable(running_sums=False).prepare(q, u8.dtype, np.uint8).loop == (
        "separable/2d-sweep"
    )


@pytest.mark.parametrize(
    ("kernel", "expected"),
    [
        (np.eye(3), "direct"),  # 3 taps
        (np.ones((7, 7)), "separable"),  # 14 taps in passes < 49
        (np.random.default_rng(0).random((7, 7)), "direct"),  # 49 taps: the limit
        (np.random.default_rng(0).random((8, 8)), "fft"),  # 64 taps
        (kernels.gaussian(8.0), "separable"),
    ],
)
def test_device_strategies_rank_by_tap_count(kernel, expected):
    from imagekit.filtering.backends.cupy import choose

    p = plan(np.zeros((64, 64), np.float32), kernel)
    assert choose(p) == expected
    asked = plan(np.zeros((64, 64), np.float32), kernel, algorithm="fft")
    assert choose(asked) == "fft"
