"""imagekit.config: one settings object, read by the engine; blocks per thread, defaults
from the environment read once."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import threading

import numpy as np
import pytest

import imagekit
from imagekit import _config, _recycle
from imagekit.filtering.strategies import _parallel, _threads


def test_the_getter_returns_the_settings_in_force():
    s = imagekit.config()
    assert isinstance(s, _config.Settings)
    assert s.threads >= 1 and s.threading in ("auto", "pool") and s.keep_outputs_mb >= 0
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.threads = 2


def test_a_block_sets_the_settings_and_restores_them():
    before = imagekit.config()
    with imagekit.config(threads=1, keep_outputs_mb=0) as inside:
        assert imagekit.config() == inside
        assert (inside.threads, inside.keep_outputs_mb) == (1, 0)
        assert inside.threading == before.threading  # the others stay
        with imagekit.config(threading="pool"):
            assert imagekit.config().threading == "pool"
            assert imagekit.config().threads == 1  # nested blocks add up
        assert imagekit.config() == inside
    assert imagekit.config() == before


def test_the_engine_reads_the_block():
    with imagekit.config(threads=3, threading="pool", keep_outputs_mb=1):
        assert _threads.threads() == 3
        assert not _parallel.available()
        assert _recycle.keep_bytes() == 2**20
        calls = []
        _threads.run_tasks(lambda a, b: calls.append((a, b)), 12)
        assert sorted(calls)[0][0] == 0 and len(calls) > 1  # shared among threads
    with imagekit.config(threads=1):
        calls = []
        _threads.run_tasks(lambda a, b: calls.append((a, b)), 12)
        assert calls == [(0, 12)]


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"threads": 0}, "threads"),
        ({"threads": 2.5}, "threads"),
        ({"threads": True}, "threads"),
        ({"threading": "omp"}, "threading"),
        ({"keep_outputs_mb": -1}, "keep_outputs_mb"),
        ({"keep_outputs_mb": float("nan")}, "keep_outputs_mb"),
        ({"keep_outputs_mb": "64"}, "keep_outputs_mb"),
    ],
)
def test_an_invalid_value_names_the_setting(changes, named):
    before = imagekit.config()
    with pytest.raises(ValueError, match=named):
        imagekit.config(**changes)
    with pytest.raises(ValueError, match=named):
        imagekit.config.set(**changes)
    assert imagekit.config() == before


def test_an_unknown_setting_is_a_type_error():
    with pytest.raises(TypeError, match="thread_count"):
        imagekit.config(thread_count=2)


def test_set_changes_the_defaults_for_every_thread():
    before = imagekit.config()
    seen = []
    try:
        imagekit.config.set(threads=5)
        t = threading.Thread(target=lambda: seen.append(imagekit.config().threads))
        t.start()
        t.join()
        with imagekit.config(threads=2):  # a block still wins inside it
            assert imagekit.config().threads == 2
        assert imagekit.config().threads == 5
    finally:
        imagekit.config.set(threads=before.threads)
    assert seen == [5]
    assert imagekit.config() == before


def test_blocks_in_threads_at_once_never_see_each_other():
    """Each thread's block holds its own settings while the others' are open, and
    every thread finds the defaults again after leaving, whatever the order of exits
    (a process-wide block would restore another thread's value)."""
    before = imagekit.config()
    n = 6
    entered, leave = threading.Barrier(n), [threading.Event() for _ in range(n)]
    seen, after = {}, {}

    def work(i):
        with imagekit.config(threads=i + 1, keep_outputs_mb=i):
            entered.wait()
            seen[i] = (imagekit.config().threads, _threads.threads(), _recycle.keep_bytes())
            leave[i].wait()
        after[i] = imagekit.config()

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for i in (3, 0, 5, 1, 4, 2):  # exits in another order than the entries
        leave[i].set()
    for t in threads:
        t.join()
    assert seen == {i: (i + 1, i + 1, i * 2**20) for i in range(n)}
    assert all(a == before for a in after.values())
    assert imagekit.config() == before


def test_filters_in_threads_follow_their_own_block():
    image = np.random.default_rng(0).random((300, 300))
    expected = imagekit.imfilter(image, imagekit.kernels.gaussian(2.0))
    results = {}

    def work(n):
        with imagekit.config(threads=n):
            results[n] = imagekit.imfilter(image, imagekit.kernels.gaussian(2.0))

    threads = [threading.Thread(target=work, args=(n,)) for n in (1, 2, 3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for got in results.values():
        np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_a_lazy_dask_result_carries_the_settings_of_its_call(monkeypatch):
    da = pytest.importorskip("dask.array")
    from imagekit.filtering import _imfilter

    seen = []
    run = _imfilter.imfilter

    def spy(*args, **kwargs):
        seen.append(imagekit.config())
        return run(*args, **kwargs)

    monkeypatch.setattr(_imfilter, "imfilter", spy)
    x = da.from_array(np.random.default_rng(1).random((40, 40)), chunks=20)
    with imagekit.config(threads=1, keep_outputs_mb=3) as settings:
        lazy = imagekit.imfilter(x, np.ones((3, 3)) / 9)
    assert imagekit.config() != settings
    lazy.compute(scheduler="threads")  # computed outside the block, in Dask's threads
    assert seen and all(s == settings for s in seen)


def test_the_environment_gives_the_defaults():
    env = {"IMAGEKIT_NUM_THREADS": "3", "IMAGEKIT_THREADING": "POOL"}
    env["IMAGEKIT_KEEP_OUTPUTS_MB"] = "12.5"
    s = _config.from_environment(env)
    assert (s.threads, s.threading, s.keep_outputs_mb) == (3, "pool", 12.5)
    assert s.keep_outputs_bytes == int(12.5 * 2**20)
    assert _config.from_environment({"NUMBA_NUM_THREADS": "2"}).threads == 2
    both = {"NUMBA_NUM_THREADS": "2", "IMAGEKIT_NUM_THREADS": "4"}
    assert _config.from_environment(both).threads == 4
    assert _config.from_environment({"NUMBA_NUM_THREADS": "many"}).threads >= 1
    defaults = _config.from_environment({})
    assert (defaults.threading, defaults.keep_outputs_mb) == ("auto", 256)


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("IMAGEKIT_NUM_THREADS", "0"),
        ("IMAGEKIT_NUM_THREADS", "four"),
        ("IMAGEKIT_THREADING", "omp"),
        ("IMAGEKIT_KEEP_OUTPUTS_MB", "-5"),
        ("IMAGEKIT_KEEP_OUTPUTS_MB", "lots"),
    ],
)
def test_an_invalid_environment_value_names_the_variable(variable, value):
    with pytest.raises(ValueError, match=variable):
        _config.from_environment({variable: value})


def test_the_environment_is_read_once_at_import():
    code = (
        "import os, imagekit\n"
        "s = imagekit.config()\n"
        "os.environ['IMAGEKIT_NUM_THREADS'] = '7'\n"
        "print(s.threads, s.threading, s.keep_outputs_mb, imagekit.config().threads)\n"
    )
    env = dict(os.environ, IMAGEKIT_NUM_THREADS="3", IMAGEKIT_THREADING="pool")
    env["IMAGEKIT_KEEP_OUTPUTS_MB"] = "0"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.split() == ["3", "pool", "0.0", "3"]


def test_reading_a_setting_is_cheap():
    import timeit

    n = 20000
    seconds = min(timeit.repeat(_config.current, number=n, repeat=5)) / n
    assert seconds < 1e-6
