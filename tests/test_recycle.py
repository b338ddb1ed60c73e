"""Large results in recycled memory: a freed result's block carries the next one,
never while any view of it lives, within the cap, and with every value rewritten."""

from __future__ import annotations

import gc
import threading

import numpy as np
import pytest

import imagekit as ik
from imagekit import _recycle

SHAPE = (2048, 4096)  # float32: 32 MiB, a recycled size (from 4 MiB)


def address(a: np.ndarray) -> int:
    return a.__array_interface__["data"][0]


def leased(a: np.ndarray) -> bool:
    """Whether ``a`` is a view of a recycled block."""
    while isinstance(a, np.ndarray):
        a = a.base
    return isinstance(a, _recycle._Lease)


@pytest.fixture(autouse=True)
def empty_pool():
    _recycle.release()
    with ik.config(keep_outputs_mb=256):  # the default, whatever the environment says
        yield
    _recycle.release()


def test_a_freed_block_carries_the_next_result():
    a = _recycle.empty(SHAPE, np.float32)
    first = address(a)
    assert a.shape == SHAPE and a.dtype == np.float32
    assert a.flags.c_contiguous and a.flags.writeable and a.flags.aligned
    del a
    b = _recycle.empty(SHAPE, np.float32)
    assert address(b) == first


def test_a_live_view_keeps_its_block():
    a = _recycle.empty(SHAPE, np.float32)
    first = address(a)
    corner = a[:10, :10]
    del a
    b = _recycle.empty(SHAPE, np.float32)
    assert address(b) != first
    del corner, b
    gc.collect()
    assert len(_recycle._free) == 2


def test_small_results_and_object_dtypes_are_plain_arrays():
    small = _recycle.empty((100, 100), np.float64)
    assert small.base is None
    objects = _recycle.empty(SHAPE, object)
    assert objects.base is None and objects.dtype == object


def test_only_blocks_of_a_close_size_are_taken():
    a = _recycle.empty((4096, 4096), np.float32)  # 64 MiB
    big = address(a)
    del a
    b = _recycle.empty(SHAPE, np.float32)  # 32 MiB: would waste half the block
    assert address(b) != big
    c = _recycle.empty((4096, 4000), np.float64)  # 125 MiB: larger than any free block
    assert address(c) != big
    assert len(_recycle._free) == 1


def test_the_cap_drops_the_oldest_blocks():
    with ik.config(keep_outputs_mb=64):
        arrays = [_recycle.empty(SHAPE, np.float32) for _ in range(3)]
    addresses = [address(a) for a in arrays]
    del arrays
    gc.collect()
    kept = sorted(address for _, address in _recycle._free.values())
    assert kept == sorted(addresses[1:]) or kept == sorted(addresses[:2])
    assert len(kept) == 2


def test_zero_turns_recycling_off():
    with ik.config(keep_outputs_mb=0):
        a = _recycle.empty(SHAPE, np.float32)
    assert a.base is None
    del a
    assert not _recycle._free


def test_imfilter_rewrites_every_value_of_a_recycled_result():
    rng = np.random.default_rng(0)
    image = rng.random(SHAPE, dtype=np.float32)
    kernel = ik.kernels.gaussian(1.0)
    expected = ik.imfilter(image, kernel, "wrap")
    first = address(expected)
    expected = expected.copy()  # the result's block is free again
    stale = _recycle.empty(SHAPE, np.float32)
    assert address(stale) == first
    stale[...] = np.nan  # garbage the next result must overwrite
    del stale
    again = ik.imfilter(image, kernel, "wrap")
    assert address(again) == first
    np.testing.assert_array_equal(again, expected)


def test_threads_never_share_a_block():
    held, errors = [], []

    def work():
        try:
            for _ in range(20):
                a = _recycle.empty(SHAPE, np.float32)
                held.append(address(a))
                assert held.count(address(a)) == 1  # no other live result has it
                held.remove(address(a))
                del a
        except AssertionError as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_results_from_4_mib_are_recycled():
    at_threshold = _recycle.empty((1024, 1024), np.float32)  # 4 MiB
    assert isinstance(at_threshold.base, _recycle._Lease)
    below = _recycle.empty((1000, 1000), np.float32)  # 3.8 MiB: the heap serves it
    assert below.base is None


def test_vjp_image_gradients_and_bank_tiles_are_recycled():
    # the loop that faulted: a forward result and a vjp's gradient alive at once
    from imagekit.filtering._filterbank import layout
    from imagekit.filtering._filterbank_direct import direct_suits
    from imagekit.gradients import imfilter_vjp

    rng = np.random.default_rng(0)
    x, w = rng.random((1024, 1024)), rng.random((3, 3))
    out = ik.imfilter(x, w, 0)
    gi, _ = imfilter_vjp(x, w, rng.random(out.shape), 0)
    assert leased(out) and leased(gi)
    image = rng.random((256, 256, 16), dtype=np.float32)
    bank = rng.random((3, 3, 16, 64), dtype=np.float32)  # 16 MiB of results
    result = ik.filterbank(image, bank, border=0)
    if direct_suits(layout(image, bank, 0)):  # the register tiles' result
        assert leased(result)
    expected = ik.filterbank(image, bank, border=0, algorithm="gemm")
    np.testing.assert_allclose(result, expected, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize(
    "call",
    [
        lambda im: ik.window.median(im, 3),
        lambda im: ik.window.maximum(im, (5, 1), "nearest"),
        lambda im: ik.mapwindow(np.ptp, im, 3, ik.borders.NA()),
    ],
    ids=["median", "maximum", "ptp-NA"],
)
def test_window_results_are_recycled_and_every_value_rewritten(call):
    image = np.random.default_rng(1).random((1024, 1024), dtype=np.float32)  # 4 MiB
    expected = call(image)
    assert leased(expected)
    first = address(expected)
    expected = expected.copy()
    stale = _recycle.empty(image.shape, np.float32)
    assert address(stale) == first
    stale[...] = np.nan
    del stale
    again = call(image)
    assert address(again) == first
    np.testing.assert_array_equal(again, expected)
