"""Peak memory of imfilter, at a size CI can afford (``imagekit bench memory``
measures the 1 GiB case): input + output + small buffers for the direct and separable
strategies (<= 2.2x the input), bounded for the FFT's overlap-save tiles (<= 4x)."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

import imagekit as ik

LIMITS = {"direct": 2.2, "separable": 2.2, "fft": 4.0}


def peak_ratio(image, kernel, algorithm) -> float:
    """(input + peak of new allocations during the call) / input."""
    ik.imfilter(image[:32, :32], kernel, algorithm=algorithm)  # compile outside the window
    tracemalloc.start()
    try:
        out = ik.imfilter(image, kernel, algorithm=algorithm)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert out.shape == image.shape
    return (image.nbytes + peak) / image.nbytes


@pytest.mark.parametrize(
    ("algorithm", "kernel"),
    [
        ("direct", np.full((3, 3), 1 / 9)),
        ("separable", ik.kernels.gaussian(2.0)),
        ("fft", np.full((31, 31), 1 / 961)),
    ],
)
def test_peak_memory_is_bounded(algorithm, kernel):
    image = np.random.default_rng(0).random((3072, 3072), dtype=np.float32)  # 36 MB
    ratio = peak_ratio(image, kernel, algorithm)
    assert ratio <= LIMITS[algorithm], f"{algorithm}: peak {ratio:.2f}x the input"
