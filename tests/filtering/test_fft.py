"""The FFT strategy: tiles, slabs, borders, and the NaN guard."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import scipy.fft
import scipy.ndimage as ndi
import scipy.signal

import imagekit.filtering._transforms as transforms
import imagekit.filtering.strategies.fft as fft
from imagekit import Kernel, config, imfilter
from imagekit.filtering import plan
from tests._oracles import BORDERS, assert_close


@pytest.mark.parametrize("border", [*BORDERS, 1.5])
@pytest.mark.parametrize("mode", ["same", "valid", "full"])
def test_tiled_and_slabbed_fft_equals_direct(border, mode):
    many_slabs = fft.Fft(max_slab_bytes=40_000, min_slab_bytes=40_000)
    rng = np.random.default_rng(0)
    image = rng.random((150, 70, 2))
    kernel = Kernel(rng.random((9, 6)), start=(-2, -5))
    kw = dict(shape=mode, channel_axis=-1)
    p = plan(image, kernel, border, algorithm="fft", **kw)
    got = np.empty(p.out_shape)
    prepared = many_slabs.prepare(p, image.dtype, got.dtype)
    assert prepared.state[-1] == 40_000
    many_slabs.run(prepared, image, got)
    assert_close(got, imfilter(image, kernel, border, algorithm="direct", **kw))


def _small_tiles(p, dtype, extra=3):
    """``p`` prepared for FFT with tiles of ``m + extra`` along every transformed axis
    (``extra + 1`` outputs each: many tiles), the spectrum made at run time."""
    prepared = fft.FFT.prepare(p, dtype, dtype)
    axes, _, _, _, budget = prepared.state
    lengths = tuple(p.kernel.shape[d] + extra for d in axes)
    blocks = tuple(extra + 1 for _ in axes)
    return dataclasses.replace(prepared, state=(axes, lengths, blocks, None, budget))


@pytest.mark.parametrize("border", [*BORDERS, 1.5])
@pytest.mark.parametrize(
    ("shape", "kshape", "channel_axis"),
    [
        ((37,), (6,), None),
        ((41, 29), (5, 4), None),
        ((30, 26), (1, 7), None),
        ((13, 11, 9), (3, 4, 2), None),
        ((23, 19, 3), (6, 5), -1),
    ],
)
@pytest.mark.parametrize("mode", ["same", "valid", "full"])
@pytest.mark.parametrize("per_group", [2, 1000])
def test_groups_of_small_tiles_equal_direct(
    monkeypatch, border, shape, kshape, channel_axis, mode, per_group
):
    # groups of two tiles (written tile by tile) or of whole rows (gathered first),
    # on all threads, odd and even kernel sizes
    rng = np.random.default_rng(4)
    image = rng.random(shape)
    weights = rng.random(kshape)
    kw = dict(shape=mode, channel_axis=channel_axis)
    p = plan(image, weights, border, algorithm="fft", **kw)
    prepared = _small_tiles(p, image.dtype)
    _, lengths, _, _, _ = prepared.state
    points = int(np.prod(lengths)) * (3 if channel_axis else 1)
    monkeypatch.setattr(fft, "TASK_POINTS", per_group * points)
    got = np.empty(p.out_shape)
    fft.FFT.run(prepared, image, got)
    assert_close(got, imfilter(image, weights, border, algorithm="direct", **kw))


@pytest.mark.parametrize("m", [30, 31])
def test_large_kernels_equal_scipy_correlate(m):
    # whole-image tile and several groups of fast tiles, float32 as float32
    rng = np.random.default_rng(5)
    for n in (200, 1100):
        image = rng.random((n, n - 37)).astype(np.float32)
        k = rng.random((m, m - 3)).astype(np.float32)
        p = plan(image, k, "reflect", algorithm="fft")
        counts = [
            -(-s // b)
            for s, b in zip(p.out_shape, p.prepared_for(image.dtype, image.dtype).state[2])
        ]
        assert (np.prod(counts) == 1) == (n == 200)
        got = p(image)
        assert got.dtype == np.float32
        want = ndi.correlate(image.astype(np.float64), k.astype(np.float64), mode="reflect")
        np.testing.assert_allclose(got, want, rtol=0, atol=2e-6 * np.abs(want).max())


@pytest.mark.parametrize("border", ["reflect", "wrap", "constant"])
def test_nan_in_one_group_of_tiles_stays_local(monkeypatch, border):
    # with wrap, the NaN at the left edge reaches the tiles at the right edge
    rng = np.random.default_rng(6)
    image = rng.random((40, 40))
    image[33, 0] = np.nan
    p = plan(image, np.ones((5, 5)), border, algorithm="fft")
    prepared = _small_tiles(p, image.dtype)
    monkeypatch.setattr(fft, "TASK_POINTS", 1)
    got = np.empty(p.out_shape)
    fft.FFT.run(prepared, image, got)
    want = imfilter(image, np.ones((5, 5)), border, algorithm="direct")
    assert np.isnan(got).sum() == np.isnan(want).sum() < 40
    assert_close(got, want)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    ("shape", "kshape", "channel_axis"),
    [((300, 280), (31, 25), None), ((90, 80, 3), (9, 7), -1), ((30, 26, 22), (5, 4, 3), None)],
)
def test_kept_buffers_and_scipy_fft_give_one_result(
    monkeypatch, dtype, shape, kshape, channel_axis
):
    """The transforms into this thread's kept buffers (scipy.fft's pypocketfft) equal
    scipy.fft's public functions, which stand in where that module is missing."""
    rng = np.random.default_rng(3)
    image = rng.random(shape).astype(dtype)
    kernel = rng.random(kshape).astype(dtype)
    kw = dict(algorithm="fft", channel_axis=channel_axis)
    kept = imfilter(image, kernel, "reflect", **kw)
    monkeypatch.setattr(transforms, "_pocketfft", lambda: None)
    public = imfilter(image, kernel, "reflect", **kw)
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(kept, public, rtol=tol, atol=tol * np.abs(public).max())
    assert_close(
        kept, imfilter(image, kernel, "reflect", algorithm="direct", channel_axis=channel_axis)
    )


def test_tiles_are_transformed_into_kept_buffers():
    """A second call allocates none of its groups' spectra or results: each thread keeps
    them (fresh ones are faulted in afresh on many calls, up to doubling the time)."""
    import tracemalloc

    rng = np.random.default_rng(4)
    image = rng.random((600, 600)).astype(np.float32)
    p = plan(image, rng.random((41, 41)).astype(np.float32), "reflect", algorithm="fft")
    prepared = fft.FFT.prepare(p, image.dtype, image.dtype)
    lengths = prepared.state[1]
    assert image.shape[0] > lengths[0] - 40  # more than one tile per axis
    got = np.empty(p.out_shape, np.float32)
    with config(threads=1):  # one thread: the groups of both calls run on it
        fft.FFT.run(prepared, image, got)
        tracemalloc.start()
        try:
            fft.FFT.run(prepared, image, got)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    one_spectrum = lengths[0] * (lengths[1] // 2 + 1) * 8
    assert peak < one_spectrum / 2  # small temporaries only (reductions, index maps)
    assert_close(got, imfilter(image, p.kernel, "reflect", algorithm="direct"))


def test_tile_lengths_cut_long_axes_into_fast_tiles():
    L, B = fft.tile_lengths(31, 4096, 2)
    assert L == B + 30 and B < 4096
    assert L == scipy.fft.next_fast_len(L, real=True)
    L, B = fft.tile_lengths(31, 40, 2)  # small output: one tile
    assert B >= 40 and L == B + 30


def test_next_fast_len_is_scipys_for_real_transforms():
    assert [fft.next_fast_len(n) for n in range(1, 3000)] == [
        scipy.fft.next_fast_len(n, real=True) for n in range(1, 3000)
    ]


def test_3d_fft_equals_direct():
    rng = np.random.default_rng(1)
    vol = rng.random((20, 21, 22)).astype(np.float32)
    k = rng.random((5, 4, 3)).astype(np.float32)
    assert_close(
        imfilter(vol, k, "mirror", algorithm="fft"), imfilter(vol, k, "mirror", algorithm="direct")
    )


def test_nan_does_not_spread_through_the_transform():
    rng = np.random.default_rng(2)
    image = rng.random((64, 64))
    image[10, 10] = np.nan
    got = imfilter(image, np.ones((5, 5)), algorithm="fft")
    assert np.isnan(got).sum() == 25
    inf = image.copy()
    inf[10, 10] = np.inf
    assert np.isinf(imfilter(inf, np.ones((5, 5)), algorithm="fft")).sum() == 25


def test_complex_and_integer_images():
    rng = np.random.default_rng(3)
    z = rng.random((30, 31)) + 1j * rng.random((30, 31))
    k = rng.random((7, 7)) - 0.5j
    assert_close(imfilter(z, k, algorithm="fft"), imfilter(z, k, algorithm="direct"))
    u8 = rng.integers(0, 255, (40, 40), dtype=np.uint8)
    got = imfilter(u8, np.ones((9, 9)) / 81, algorithm="fft", dtype=np.uint8)
    np.testing.assert_array_equal(got, imfilter(u8, np.ones((9, 9)) / 81, dtype=np.uint8))


def test_single_tap_kernel_is_a_shift():
    image = np.arange(20.0).reshape(4, 5)
    k = Kernel([[2.0]], start=(1, 0))
    np.testing.assert_array_equal(
        imfilter(image, k, "nearest", algorithm="fft"), imfilter(image, k, "nearest")
    )


def test_costs_include_fft():
    p = plan(np.zeros((100, 100)), np.ones((3, 3)))
    assert "fft" in p.costs and p.costs["fft"] > 0


@pytest.mark.parametrize("n_threads", [1, 2])
def test_a_single_large_tile_transforms_with_every_thread(monkeypatch, n_threads):
    """A single tile (the kernel gradient's: a kernel nearly the image's size) has no
    other tiles to share the threads with: its transforms take one worker each."""
    pocketfft = transforms._pocketfft()
    workers = []

    class Recording:
        def __getattr__(self, name):
            def call(*args):
                workers.append(args[-1])
                return getattr(pocketfft, name)(*args)

            return call

    monkeypatch.setattr(transforms, "_pocketfft", Recording)
    rng = np.random.default_rng(8)
    image, kernel = rng.random((400, 400)), rng.random((380, 380))
    with config(threads=n_threads):
        got = imfilter(image, kernel, 0, shape="valid", algorithm="fft")
    assert workers and set(workers) == {n_threads}
    want = scipy.signal.correlate(image, kernel, mode="valid")
    np.testing.assert_allclose(got, want, rtol=1e-9)
