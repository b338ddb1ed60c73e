"""plan_filterbank: kept filterbank plans equal filterbank, refuse other images, explain."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imagekit import Fill, filterbank
from imagekit.filtering import FilterbankPlan, plan_filterbank
from imagekit.filtering._filterbank_plan import _PLANS

BORDERS = ["reflect", "mirror", "nearest", "wrap", 0, Fill(1.5), "na"]


@settings(max_examples=40, deadline=None)
@given(
    algorithm=st.sampled_from(["auto", "direct", "winograd", "gemm", "fft"]),
    border=st.sampled_from(BORDERS),
    dtype=st.sampled_from([np.float32, np.float64]),
    mode=st.sampled_from(["same", "valid", "full"]),
    batch=st.booleans(),
    c_out=st.sampled_from([1, 5, 65]),
    seed=st.integers(0, 2**16),
)
def test_a_kept_filterbank_plan_equals_filterbank(
    algorithm, border, dtype, mode, batch, c_out, seed
):
    rng = np.random.default_rng(seed)
    lead = (2,) if batch else ()
    image = rng.random((*lead, 9, 11, 3)).astype(dtype)
    bank = (rng.random((3, 3, 3, c_out)) - 0.4).astype(dtype)
    kw = dict(shape=mode, algorithm=algorithm, batch_axis=0 if batch else None)
    p = plan_filterbank(image, bank, border, **kw)
    assert isinstance(p, FilterbankPlan) and p.loop.startswith(p.strategy + "/")
    for _ in range(2):
        image = rng.random(image.shape).astype(dtype)
        _PLANS.clear()  # filterbank plans this call afresh
        expected = filterbank(image, bank, border, **kw)
        np.testing.assert_array_equal(p(image), expected)
        out = np.empty_like(expected)
        assert p(image, out=out) is out
        np.testing.assert_array_equal(out, expected)


def test_the_plan_keeps_its_own_copy_of_the_bank():
    rng = np.random.default_rng(1)
    image, bank = rng.random((12, 12, 2)), rng.random((3, 3, 2, 4))
    expected = filterbank(image, bank, "wrap")
    p = plan_filterbank(image, bank, "wrap")
    bank[...] = 0
    np.testing.assert_array_equal(p(image), expected)
    with pytest.raises(ValueError, match="read-only"):
        p.bank[0, 0, 0, 0] = 1.0


def test_other_images_are_refused_and_plans_are_immutable():
    rng = np.random.default_rng(2)
    image, bank = rng.random((16, 16, 3)).astype(np.float32), rng.random((3, 3, 3, 4))
    p = plan_filterbank(image, bank, 0)
    with pytest.raises(ValueError, match=r"made for images of shape \(16, 16, 3\) and dtype"):
        p(image[:8])
    with pytest.raises(ValueError, match=r"got shape \(16, 16, 3\) and dtype float64"):
        p(image.astype(np.float64))
    before = {f.name: getattr(p, f.name) for f in dataclasses.fields(p)}
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.strategy = "bank-fft"
    p(image)
    assert all(getattr(p, name) is value for name, value in before.items())


def test_repr_and_explain():
    rng = np.random.default_rng(3)
    image, bank = rng.random((64, 64, 4)), rng.random((31, 31, 4, 4))
    p = plan_filterbank(image, bank, "reflect")
    assert p.strategy == "bank-fft" and p.chosen_algorithm == "fft"
    assert "\n" not in repr(p) and "bank 31x31 4->4" in repr(p) and "bank-fft" in repr(p)
    text = p.explain()
    for name in ("bank-tiles", "bank-winograd", "bank-gemm", "bank-fft"):
        assert name in text
    assert "bank-winograd not a candidate: takes 3x3 kernels on 2-D images" in text
    assert "chosen: bank-fft, the cheapest exact strategy" in text
    with pytest.raises(ValueError, match=r"algorithm='winograd' takes 3x3 kernels"):
        plan_filterbank(image, bank, algorithm="winograd")
    asked = plan_filterbank(image, bank, algorithm="direct")
    assert asked.strategy == "bank-tiles" and "chosen: bank-tiles, asked for" in asked.explain()
