"""The direct strategy's 3-D loop (``direct/3d-blocks``: blocks of rows from a ring of
extended planes, the image never extended whole) against the run loop and scipy."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import ndimage as ndi

from imagekit import Fill, Kernel, imfilter
from imagekit.filtering import _costs, _plan, _volume, plan
from tests._oracles import BORDERS, assert_close
from tests.filtering.test_in_place_loops import _run_loop

SHAPES = {
    "3d": (7, 12, 10),
    "channels-last": (6, 9, 8, 3),
    "batch": (2, 5, 9, 8),
}


def _kw(layout):
    if layout == "channels-last":
        return dict(channel_axis=-1)
    if layout == "batch":
        return dict(axes=(1, 2, 3))
    return {}


@pytest.mark.parametrize("border", [*BORDERS, Fill(0.75)])
@pytest.mark.parametrize("mode", ["same", "valid", "full"])
@pytest.mark.parametrize("layout", ["3d", "channels-last", "batch"])
@pytest.mark.parametrize("start", [None, (-3, 1, 0), (1, -4, -5)])
def test_volume_loop_equals_run_loop(border, mode, layout, start):
    rng = np.random.default_rng(6)
    image = rng.random(SHAPES[layout])
    w = rng.uniform(-1, 1, (3, 4, 5))
    w[w < -0.6] = 0.0  # zero taps are skipped
    kernel = Kernel(w, start=start) if start else w
    kw = dict(shape=mode, **_kw(layout))
    p = _plan.make_plan(image, kernel, border, algorithm="direct", **kw)
    assert p.loop == "direct/3d-blocks", p.explain()
    got = imfilter(image, kernel, border, algorithm="direct", **kw)
    assert_close(got, _run_loop(image, kernel, border, **kw))


@pytest.mark.parametrize("border", [*BORDERS, Fill(-2.0)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_volume_loop_equals_scipy(border, dtype):
    rng = np.random.default_rng(7)
    image = rng.random((11, 13, 17)).astype(dtype)
    w = rng.random((5, 5, 5)).astype(dtype)
    mode, cval = (border, 0.0) if isinstance(border, str) else ("constant", border.value)
    got = imfilter(image, w, border, algorithm="direct")
    assert got.dtype == dtype
    assert_close(got, ndi.correlate(image.astype(np.float64), w, mode=mode, cval=cval))


def test_kernel_over_the_first_and_last_of_three_axes():
    """Extended along axes 0 and 2 only: the loop reads one row a plane."""
    rng = np.random.default_rng(8)
    image = rng.random((6, 5, 9))
    w = rng.random((3, 1, 4))
    p = plan(image, w, "wrap", algorithm="direct")
    assert _costs.volume_axes(p) == 1 and p.loop == "direct/3d-blocks"
    assert_close(imfilter(image, w, "wrap", algorithm="direct"), _run_loop(image, w, "wrap"))


@pytest.mark.parametrize("budget, tasks", [(1, 1), (1, 64), (4096, 3), (2**20, 1000)])
def test_blocks_and_plane_runs_of_every_length(monkeypatch, budget, tasks):
    """Blocks of one row up to the whole plane, and runs of one plane up to all: the
    ring refills whole at each run's first plane and one plane a step after."""
    monkeypatch.setattr(_volume, "_BUFFER_BYTES", budget)
    monkeypatch.setattr(_volume, "_TASKS", tasks)
    rng = np.random.default_rng(9)
    image = rng.random((9, 23, 6)).astype(np.float32)
    w = rng.random((4, 3, 3)).astype(np.float32)
    kernel = Kernel(w, start=(-1, -1, -1))
    for border in ("reflect", Fill(0.5)):
        # a plan of its own (imfilter's plans are cached), so the patched sizes apply
        p = _plan._make_plan(image, kernel, border, algorithm="direct")
        assert p.loop == "direct/3d-blocks"
        assert_close(p(image), _run_loop(image, kernel, border))


@pytest.mark.parametrize("dtype", [np.uint8, np.int16])
def test_integer_outputs_are_rounded_and_clipped(dtype):
    rng = np.random.default_rng(10)
    info = np.iinfo(dtype)
    image = rng.integers(0, min(info.max, 1000), (8, 10, 12)).astype(dtype)
    w = rng.uniform(-0.5, 1.0, (3, 3, 3))
    got = imfilter(image, w, "nearest", algorithm="direct", dtype=dtype)
    ref = _run_loop(image.astype(np.float64), w, "nearest")
    expected = np.clip(np.rint(ref), info.min, info.max)
    assert got.dtype == dtype
    assert np.abs(got.astype(np.float64) - expected).max() <= 1


def test_all_zero_kernel_takes_the_run_loop():
    p = plan(np.ones((5, 5, 5)), np.zeros((3, 3, 3)), algorithm="direct")
    assert p.loop == "direct/runs"
    np.testing.assert_array_equal(imfilter(np.ones((5, 5, 5)), np.zeros((3, 3, 3))), 0)
