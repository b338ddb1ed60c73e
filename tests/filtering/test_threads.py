"""Filters called from several Python threads at once give each caller its own result."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

from imagekit import imfilter, kernels
from imagekit.filtering.strategies import _threads


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
def test_eight_threads_at_once(kernel, border, algorithm):
    rng = np.random.default_rng(0)
    images = [rng.random((120, 130, 3)).astype(np.float32) for _ in range(8)]
    # a 3-D kernel filters all three axes; the others treat the last as channels
    kw = dict(algorithm=algorithm, channel_axis=None if np.ndim(kernel) == 3 else -1)
    expected = [imfilter(im, kernel, border, **kw) for im in images]
    with ThreadPoolExecutor(8) as pool:
        for _ in range(5):
            got = list(pool.map(lambda im: imfilter(im, kernel, border, **kw), images))
            for g, e in zip(got, expected):
                np.testing.assert_array_equal(g, e)


def test_thread_count_follows_the_environment(monkeypatch):
    monkeypatch.setenv("IMAGEKIT_NUM_THREADS", "3")
    assert _threads.threads() == 3
    monkeypatch.delenv("IMAGEKIT_NUM_THREADS")
    monkeypatch.setenv("NUMBA_NUM_THREADS", "1")
    assert _threads.threads() == 1
    calls = []
    _threads.run_tasks(lambda a, b: calls.append((a, b)), 10)
    assert calls == [(0, 10)]
