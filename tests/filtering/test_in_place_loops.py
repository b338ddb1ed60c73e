"""The fused two-axis separable sweep (reads the image in place) against the direct strategy."""

from __future__ import annotations

import numpy as np
import pytest

from imagekit import Fill, Kernel, imfilter
from imagekit.filtering import _costs, _plan
from imagekit.filtering.strategies.direct import DIRECT
from imagekit.filtering.strategies.separable import SEPARABLE
from tests._oracles import BORDERS, assert_close


@pytest.mark.parametrize("border", [*BORDERS, Fill(-1.25), "na"])
@pytest.mark.parametrize("mode", ["same", "valid", "full"])
@pytest.mark.parametrize("layout", ["2d", "channels-last", "channels-first", "volume-slices"])
@pytest.mark.parametrize("symmetric", [True, False])
def test_fused_equals_direct(border, mode, layout, symmetric):
    rng = np.random.default_rng(0)
    shape = {
        "2d": (13, 11),
        "channels-last": (13, 11, 3),
        "channels-first": (2, 13, 11),
        "volume-slices": (4, 13, 11),
    }[layout]
    channel_axis = {"channels-last": -1, "channels-first": 0}.get(layout)
    axes = (1, 2) if layout == "volume-slices" else None
    image = rng.random(shape).astype(np.float32)
    fy = np.array([1.0, 3.0, 4.0, 3.0, 1.0]) if symmetric else rng.random(5)
    fx = np.array([2.0, 5.0, 2.0]) if symmetric else rng.random(4)
    kernel = Kernel.from_factors([Kernel(fy, start=-2), Kernel(fx, start=-1)])
    kw = dict(shape=mode, channel_axis=channel_axis, axes=axes)
    p = _plan.make_plan(image, kernel, border, algorithm="separable", **kw)
    assert SEPARABLE.fused_types_for(p, image.dtype, p.out_dtype) is not None
    got = imfilter(image, kernel, border, algorithm="separable", **kw)
    assert_close(got, imfilter(image, kernel, border, algorithm="direct", **kw))


@pytest.mark.parametrize("my", [1, 2, 5, 8, 9, 12, 16, 17, 25, 26])
@pytest.mark.parametrize("border", ["reflect", "wrap", Fill(0.5)])
@pytest.mark.parametrize("layout", ["2d", "channels-last", "batch", "4-KiB-rows"])
def test_fused_column_pass_every_tap_count(my, border, layout):
    """Column factors of every tap count the four-row sweep splits differently:
    eight-tap sweeps, a first sweep of nine (8 n + 1), single taps left over; with
    images tall enough for four-row groups inside blocks and edge rows beside them,
    read in place (float rows) and staged (uint8 rows, and float32 rows 4 KiB long)."""
    rng = np.random.default_rng(my)
    shape = {"2d": (70, 23), "channels-last": (53, 9, 3), "batch": (2, 41, 17)}.get(
        layout, (70, 1024)
    )
    channel_axis = {"channels-last": -1, "batch": 0}.get(layout)
    fy = rng.uniform(0.1, 1.0, my)
    fx = rng.uniform(0.1, 1.0, 7)
    kernel = Kernel.from_factors([fy / fy.sum(), fx / fx.sum()])  # uint8 stays in range
    for dtype in (np.float32, np.float64, np.uint8):
        image = rng.random(shape)
        image = (image * 255).astype(np.uint8) if dtype == np.uint8 else image.astype(dtype)
        kw = dict(channel_axis=channel_axis)
        got = imfilter(image, kernel, border, algorithm="separable", dtype=dtype, **kw)
        ref = imfilter(image.astype(np.float64), kernel, border, algorithm="direct", **kw)
        if dtype == np.uint8:  # rounded from float32 sums: one step at most
            assert np.abs(got.astype(np.float64) - np.clip(np.rint(ref), 0, 255)).max() <= 1
        else:
            np.testing.assert_allclose(got, ref, rtol=1e-5 if dtype == np.float32 else 1e-12)


@pytest.mark.parametrize("start", [(-6, -7), (3, 2), (0, -20)])
@pytest.mark.parametrize("border", BORDERS)
def test_fused_with_kernels_far_from_the_pixel(start, border):
    # Windows that reach past the image, or lie beside it: margins copied, or extended once.
    rng = np.random.default_rng(1)
    image = rng.random((9, 8))
    kernel = Kernel.from_factors(
        [Kernel(rng.random(3), start=start[0]), Kernel(rng.random(4), start=start[1])]
    )
    for mode in ("same", "valid", "full"):
        got = imfilter(image, kernel, border, shape=mode, algorithm="separable")
        assert_close(got, imfilter(image, kernel, border, shape=mode, algorithm="direct"))


def test_fused_reads_non_contiguous_and_big_endian_images():
    rng = np.random.default_rng(2)
    base = rng.random((30, 40)).astype(">f8")
    view = base[::2, ::-3]
    kernel = Kernel.from_factors([np.ones(3), np.ones(5)])
    got = imfilter(view, kernel, algorithm="separable")
    assert_close(got, imfilter(np.array(view, np.float64), kernel, algorithm="direct"))


def _run_loop(image, kernel, border, **kw):
    """The direct strategy's general path (extended window + run loop), for reference."""
    from imagekit.filtering.strategies.direct import correlate_window

    p = _plan.make_plan(image, kernel, border, algorithm="direct", **kw)
    out = np.empty(p.out_shape, p.compute_dtype)
    correlate_window(np.asarray(image), p.kernel, p.border, p.window(), out)
    return out


@pytest.mark.parametrize("border", [*BORDERS, Fill(0.75)])
@pytest.mark.parametrize("mode", ["same", "valid", "full"])
@pytest.mark.parametrize("layout", ["2d", "channels-last", "channels-first", "row-kernel"])
@pytest.mark.parametrize("start", [None, (-3, 1), (2, -6)])
@pytest.mark.parametrize("blocks", [True, False])
def test_direct_plane_loop_equals_run_loop(monkeypatch, border, mode, layout, start, blocks):
    """Both 2-D loops: the 3-D loop's blocks (``direct/2d-blocks``, the default) and the
    rows loop (``direct/2d-rows``, which the fused vjp runs too)."""
    monkeypatch.setattr(DIRECT, "planar_blocks", blocks)
    rng = np.random.default_rng(3)
    shape = {
        "2d": (12, 10),
        "channels-last": (12, 10, 3),
        "channels-first": (2, 12, 10),
        "row-kernel": (12, 10),
    }[layout]
    channel_axis = {"channels-last": -1, "channels-first": 0}.get(layout)
    image = rng.random(shape)
    w = rng.uniform(-1, 1, (1, 5) if layout == "row-kernel" else (4, 5))
    w[w < -0.6] = 0.0  # zero taps are skipped
    kernel = Kernel(w, start=start) if start else w
    kw = dict(shape=mode, channel_axis=channel_axis)
    p = _plan._make_plan(image, kernel, border, algorithm="direct", **kw)  # not cached
    assert _costs.plane_axes(p) is not None
    rows_loop = not blocks or layout == "row-kernel"  # a one-row kernel reads in place
    assert p.loop.startswith("direct/2d-rows" if rows_loop else "direct/2d-blocks"), p.loop
    assert_close(p(image), _run_loop(image, kernel, border, **kw))


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
def test_direct_plane_loop_reads_small_integers(dtype):
    rng = np.random.default_rng(4)
    image = rng.integers(0, np.iinfo(dtype).max, (20, 30), dtype=dtype)
    w = rng.random((3, 3))
    got = imfilter(image, w, "wrap", algorithm="direct", dtype=dtype)
    expected = np.clip(
        np.rint(_run_loop(image.astype(np.float64), w, "wrap")), 0, np.iinfo(dtype).max
    )
    assert np.abs(got.astype(np.float64) - expected).max() <= 1


@pytest.mark.parametrize("algorithm", ["direct", "separable"])
def test_big_endian_small_integers_are_not_read_in_place(algorithm):
    rng = np.random.default_rng(5)
    image = rng.integers(0, 60000, (15, 17)).astype(">u2")
    kernel = Kernel.from_factors([np.ones(3) / 3, np.ones(3) / 3])
    got = imfilter(image, kernel, "reflect", algorithm=algorithm, dtype=np.uint16)
    ref = imfilter(image.astype(np.uint16), kernel, "reflect", algorithm=algorithm, dtype=np.uint16)
    np.testing.assert_array_equal(got, ref)


@pytest.mark.parametrize("border", [*BORDERS, Fill(0.75)])
@pytest.mark.parametrize("mode", ["same", "valid", "full"])
@pytest.mark.parametrize("layout", ["2d", "channels-last", "channels-first", "narrow", "tall"])
@pytest.mark.parametrize("start", [None, (-2, 1), (-5, 4)])
def test_dense_3x3_sweep_equals_run_loop(border, mode, layout, start):
    # interior rows go through one 2-D sweep per run of consecutive image rows
    # (runs cut at task blocks), the others row by row: both, and their seams
    rng = np.random.default_rng(6)
    shape = {
        "2d": (12, 10),
        "channels-last": (12, 10, 3),
        "channels-first": (2, 12, 10),
        "narrow": (5, 2),
        "tall": (37, 21),
    }[layout]
    channel_axis = {"channels-last": -1, "channels-first": 0}.get(layout)
    image = rng.random(shape).astype(np.float32 if layout == "tall" else np.float64)
    w = rng.uniform(0.1, 1.0, (3, 3))  # no zero weight: the one-sweep path
    kernel = Kernel(w, start=start) if start else w
    kw = dict(shape=mode, channel_axis=channel_axis)
    got = imfilter(image, kernel, border, algorithm="direct", **kw)
    assert_close(got, _run_loop(image, kernel, border, **kw))
    u8 = (image * 255).astype(np.uint8)
    got8 = imfilter(u8, kernel, border, algorithm="direct", dtype=np.uint8, **kw)
    ref8 = np.clip(np.rint(_run_loop(u8.astype(np.float64), kernel, border, **kw)), 0, 255)
    assert got8.shape == ref8.shape
    assert np.all(np.abs(got8.astype(np.float64) - ref8) <= 1)


@pytest.mark.parametrize("border", [*BORDERS, Fill(0.75)])
@pytest.mark.parametrize("mode", ["same", "valid", "full"])
@pytest.mark.parametrize("layout", ["2d", "channels-last", "narrow"])
@pytest.mark.parametrize("start", [None, (-1, -12), (0, 3)])
@pytest.mark.parametrize("blocks", [True, False])
def test_wide_rows_extended_once_equal_run_loop(monkeypatch, border, mode, layout, start, blocks):
    """Kernels wide against the image extend each row once (no edge taps), in both 2-D
    loops."""
    monkeypatch.setattr(DIRECT, "planar_blocks", blocks)
    rng = np.random.default_rng(7)
    shape = {"2d": (9, 14), "channels-last": (9, 14, 2), "narrow": (6, 3)}[layout]
    channel_axis = -1 if layout == "channels-last" else None
    image = rng.random(shape)
    w = rng.uniform(0.1, 1.0, (2, 11))
    w[1, 4] = 0  # a zero weight inside a group
    kernel = Kernel(w, start=start) if start else w
    kw = dict(shape=mode, channel_axis=channel_axis)
    p = _plan._make_plan(image, kernel, border, algorithm="direct", **kw)  # not cached
    if p.out_shape[0] and p.out_shape[1]:  # else: nothing to compute
        assert p.loop == ("direct/2d-blocks" if blocks else "direct/2d-rows-wide"), p.loop
    assert_close(p(image), _run_loop(image, kernel, border, **kw))
    u16 = (image * 60000).astype(np.uint16)
    p16 = _plan._make_plan(u16, kernel, border, algorithm="direct", dtype=np.uint16, **kw)
    got16 = p16(u16)
    ref16 = np.clip(np.rint(_run_loop(u16.astype(np.float64), kernel, border, **kw)), 0, 65535)
    assert np.all(np.abs(got16.astype(np.float64) - ref16) <= 1)


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
@pytest.mark.parametrize("border", [*BORDERS, Fill(7)])
@pytest.mark.parametrize("height", [3, 5, 8])
@pytest.mark.parametrize("layout", ["2d", "channels-last"])
def test_box_rows_by_running_sums(dtype, border, height, layout):
    """A box along the rows over small integers: running column sums (exact)."""
    rng = np.random.default_rng(8)
    shape = (70, 13) if layout == "2d" else (70, 13, 3)  # more rows than one block
    channel_axis = -1 if layout == "channels-last" else None
    image = rng.integers(0, np.iinfo(dtype).max, shape, dtype=dtype)
    kernel = Kernel.from_factors([np.full(height, 1 / height), rng.random(4)])
    got = imfilter(
        image, kernel, border, algorithm="separable", dtype=dtype, channel_axis=channel_axis
    )
    ref = _run_loop(image.astype(np.float64), kernel, border, channel_axis=channel_axis)
    expected = np.clip(np.rint(ref), 0, np.iinfo(dtype).max)
    assert np.all(np.abs(got.astype(np.float64) - expected) <= 1)
    assert np.mean(got == expected) > 0.99


def _box_sums(image, my, mx, border, channel_axis):
    """Exact integer box sums (int64) over the extended image, per channel."""
    ones = np.ones((my, mx))
    ref = _run_loop(image.astype(np.float64), ones, border, channel_axis=channel_axis)
    return np.rint(ref).astype(np.int64)  # sums of integers: exact in float64


def test_uint8_box_quotient_by_the_inverse_rounds_every_sum():
    """The uint8 box's float32 store for odd sizes (those without 16-bit constants,
    ``box8_magic``, and outputs that clip below 255): ``rint(sum * (1/size))`` is the
    rounded mean for every sum a uint16 lane can hold (no ties: odd sizes)."""
    for size in range(1, 258, 2):
        sums = np.arange(size * 255 + 1)
        inv = np.float32(1.0) / np.float32(size)
        got = np.rint(sums.astype(np.float32) * inv).astype(np.int64)
        np.testing.assert_array_equal(got, (2 * sums + size) // (2 * size))


@pytest.mark.parametrize("size", [(3, 3), (5, 5), (2, 2), (1, 7), (4, 6), (16, 16)])
@pytest.mark.parametrize("border", [*BORDERS, Fill(7)])
@pytest.mark.parametrize("layout", ["2d", "channels-last", "narrow"])
def test_uint8_box_in_16_bit_lanes_is_exact(size, border, layout):
    """A normalised box over uint8 runs in uint16 lanes; results are the exact mean
    rounded half to even (even sizes have ties), for every integer output."""
    rng = np.random.default_rng(9)
    shape = {"2d": (70, 29), "channels-last": (70, 29, 3), "narrow": (9, 2)}[layout]
    channel_axis = -1 if layout == "channels-last" else None
    image = rng.integers(0, 256, shape, dtype=np.uint8)
    my, mx = size
    kernel = Kernel.from_factors([np.full(my, 1 / my), np.full(mx, 1 / mx)])
    exact = _box_sums(image, my, mx, border, channel_axis) / (my * mx)
    for dtype in (np.uint8, np.int16, np.uint16, np.int8):  # int8 clips at 127
        kw = dict(dtype=dtype, channel_axis=channel_axis, algorithm="separable")
        got = imfilter(image, kernel, border, **kw)
        info = np.iinfo(dtype)
        np.testing.assert_array_equal(
            got, np.clip(np.rint(exact), info.min, info.max).astype(dtype)
        )
    kw = dict(dtype=np.float32, channel_axis=channel_axis, algorithm="separable")
    got32 = imfilter(image, kernel, border, **kw)
    np.testing.assert_allclose(got32, exact, rtol=2e-7)


@pytest.mark.parametrize("n", [1, 15, 16, 1000, 1024, 4096, 6144, 10_000])
@pytest.mark.parametrize("itemsize", [4, 8])
def test_buffer_rows_are_whole_lines_away_from_multiples_of_4_kib(n, itemsize):
    from imagekit.filtering._rows import buffer_stride, near_4k

    stride = buffer_stride(n, itemsize)
    assert n <= stride < n + 64 // itemsize + 4096 // itemsize
    assert (stride * itemsize) % 64 == 0 and not near_4k(stride * itemsize)
    assert near_4k(4096 * 3) and near_4k(4096 + 200) and not near_4k(4096 + 512)
