"""Filters called from several Python threads at once give each caller its own result."""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import imagekit
from imagekit import imfilter, kernels
from imagekit.filtering.strategies import _threads
from imagekit.gradients import imfilter_vjp


@pytest.mark.parametrize(
    ("kernel", "border", "algorithm"),
    [
        (np.ones((3, 3)) / 9, "reflect", "auto"),  # the 2-D in-place loop
        (kernels.gaussian(2.0), "reflect", "auto"),  # the fused separable sweep
        (np.ones((3, 3, 1)) / 9, "wrap", "direct"),  # the run loop
        (kernels.gaussian(3.0), "nearest", "iir"),  # the recursive Gaussian
    ],
    ids=["plane", "separable", "runs", "iir"],
)
@pytest.mark.parametrize("size", [120, 400])  # 400: enough work for two threads
def test_eight_threads_at_once(kernel, border, algorithm, size):
    rng = np.random.default_rng(0)
    images = [rng.random((size, size + 10, 3)).astype(np.float32) for _ in range(8)]
    # a 3-D kernel filters all three axes; the others treat the last as channels
    kw = dict(algorithm=algorithm, channel_axis=None if np.ndim(kernel) == 3 else -1)
    expected = [imfilter(im, kernel, border, **kw) for im in images]
    with ThreadPoolExecutor(8) as pool:
        for _ in range(5):
            got = list(pool.map(lambda im: imfilter(im, kernel, border, **kw), images))
            for g, e in zip(got, expected):
                np.testing.assert_array_equal(g, e)


def test_thread_count_follows_the_config():
    with imagekit.config(threads=3):
        assert _threads.threads() == 3
    with imagekit.config(threads=1):
        assert _threads.threads() == 1
        calls = []
        _threads.run_tasks(lambda a, b: calls.append((a, b)), 10)
        assert calls == [(0, 10)]


def test_the_pool_setting_turns_the_twins_off():
    with imagekit.config(threading="pool"):
        assert _threads.threading_mode() == "pool"


def _twins_and_pool(run):
    """``run()`` with the numba-parallel twins, then with the Python pool only."""
    twins = run()
    with imagekit.config(threading="pool"):
        return twins, run()


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.uint8])
@pytest.mark.parametrize("border", ["reflect", "mirror", 0.5])
def test_parallel_twins_equal_the_pool(dtype, border):
    """The short loops' numba-parallel twins (``_threads.parallel_twin``) split the rows as the pool
    does: the same results, bit for bit (the kernel gradient's sums to rounding)."""
    rng = np.random.default_rng(1)
    image = (rng.random((700, 650)) * 200).astype(dtype)
    dense = rng.uniform(0.1, 1.0, (3, 3))  # the dense 3x3 loop
    out = dict(dtype=np.uint8) if dtype == np.uint8 else {}
    border = 1 if dtype == np.uint8 and border == 0.5 else border

    def run():
        a = imfilter(image, dense, border, **out)
        b = imfilter(image, kernels.box(5), border, **out)  # the uint8 box loop
        g = imfilter_vjp(image.astype(np.float64), dense, image.astype(np.float64), 0)
        return a, b, *g

    twins, pool = _twins_and_pool(run)
    for t, p in zip(twins[:3], pool[:3]):  # the filters and the image gradient
        np.testing.assert_array_equal(t, p)
    # The kernel gradient's sums are vectorised with reassociation, and the twin's
    # copy of the loop is compiled on its own: equal to rounding, not bit for bit.
    np.testing.assert_allclose(twins[3], pool[3], rtol=1e-12)


def test_parallel_twins_run_where_the_threading_layer_is_safe():
    image = np.random.default_rng(2).random((600, 600)).astype(np.float32)
    imfilter(image, np.ones((3, 3)) / 9)
    import numba

    if _threads.threads() > 1:
        assert _threads.twins_available() == (numba.threading_layer() in ("omp", "tbb"))


def _filter_in_child(queue):
    image = np.ones((600, 600), np.float32)
    queue.put(float(imfilter(image, np.ones((3, 3)) / 9).sum()))


def test_a_forked_child_filters_without_the_threading_layer():
    """GNU OpenMP cannot run in a child forked after it started, and the pool's threads
    do not survive a fork: a forked child starts a fresh pool and runs the serial
    loops (``os.register_at_fork``). Before, the child's first hand-off waited
    forever for a pool thread that was not there."""
    image = np.ones((600, 600), np.float32)
    imfilter(image, np.ones((3, 3)) / 9)  # starts the threading layer, if any
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    child = ctx.Process(target=_filter_in_child, args=(queue,), daemon=True)
    child.start()
    child.join(60)
    if child.exitcode is None:  # hung: fail, not hang the suite
        child.kill()
    assert child.exitcode == 0
    assert queue.get(timeout=5) == pytest.approx(600 * 600)


def test_run_tasks_chooses_the_calling_thread_the_twin_or_the_pool(monkeypatch):
    """One place decides how a loop runs: small work on the calling thread; else its
    twin where the threading layer allows and the ``threading`` setting is not
    "pool"; else the pool, in pieces that cover the range once."""
    monkeypatch.setattr(_threads, "_twins", {})
    monkeypatch.setitem(_threads._layer, "safe", True)
    calls = []

    def loop(t0, t1):
        calls.append(("loop", t0, t1))

    @_threads.parallel_twin(loop)
    def twin(pieces, ntasks):
        calls.append(("twin", ntasks))

    with imagekit.config(threads=2, threading="auto"):
        _threads.run_tasks(loop, 10, work=10)
        assert calls == [("loop", 0, 10)]
        calls.clear()
        _threads.run_tasks(loop, 10, work=10, serial_work=5)  # the caller's threshold
        assert calls == [("twin", 10)]
        calls.clear()
        _threads.run_tasks(loop, 10, work=1e9)
        assert calls == [("twin", 10)]
    for pool_only in ("setting", "unsafe layer"):
        calls.clear()
        if pool_only == "unsafe layer":
            monkeypatch.setitem(_threads._layer, "safe", False)
        with imagekit.config(threads=2, threading="pool" if pool_only == "setting" else "auto"):
            _threads.run_tasks(loop, 10, work=1e9)
        assert all(kind == "loop" for kind, *_ in calls) and len(calls) > 1
        assert sorted(t for _, t0, t1 in calls for t in range(t0, t1)) == list(range(10))


@pytest.mark.parametrize("first", ["fewer threads", "fewer tasks"])
def test_the_pool_grows_to_what_a_call_asks_for(first, monkeypatch):
    """A call that asks for more threads than the pool's first call gets them all: the
    pool's size is not fixed by the call that started it (two threads, or two tasks).
    Every thread's first piece waits until four threads have each taken one."""
    monkeypatch.setattr(_threads, "_pool", None)  # a fresh pool, started below
    with imagekit.config(threads=2 if first == "fewer threads" else 4, threading="pool"):
        _threads.run_tasks(lambda t0, t1: None, 2, work=1e9)
    barrier = threading.Barrier(4, timeout=10)
    seen = set()

    def loop(t0, t1):
        name = threading.current_thread().name
        if name not in seen:
            seen.add(name)
            barrier.wait()  # BrokenBarrierError when fewer than four threads run

    with imagekit.config(threads=4, threading="pool"):
        _threads.run_tasks(loop, 16, work=1e9)
    assert len(seen) == 4


def test_the_caller_does_not_wait_for_a_helper_that_has_not_started(monkeypatch):
    """When the calling thread has run every piece before a pool thread wakes, the
    pool thread's share is cancelled: the call returns while the only pool thread
    is still busy with something else."""
    monkeypatch.setattr(_threads, "_pool", None)
    busy, release = threading.Event(), threading.Event()
    with imagekit.config(threads=2, threading="pool"):
        pool = _threads._get_pool(1)
        blocker = pool.submit(lambda: (busy.set(), release.wait(10)))
        busy.wait(10)
        done = []
        caller = threading.Thread(
            target=lambda: _threads.run_tasks(lambda t0, t1: done.append((t0, t1)), 8, work=1e9)
        )
        caller.start()
        caller.join(5)
        returned = not caller.is_alive()
        release.set()
        blocker.result()
        caller.join()
    assert returned
    assert sorted(t for t0, t1 in done for t in range(t0, t1)) == list(range(8))


def test_the_short_loops_have_twins():
    from imagekit.filtering._loops import box, filterbank, plane, winograd
    from imagekit.gradients._loops import kernel_gradient

    for loop in (
        plane.dense3_rows,
        box.box8_rows,
        filterbank.bank_tiles,
        winograd.winograd_tiles,
        kernel_gradient.vjp2_dense3_rows,
    ):
        assert loop in _threads._twins
