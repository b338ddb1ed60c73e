"""Local maxima against scikit-image on issue #18's workload M8.

Run as ``python -m benchmarks.window_extrema [repeats [threading]]``
(``threading``: ``auto`` or ``pool``, imagekit's setting). A 2048x2048
float32 image of uniform noise:

- M8: ``imagekit.findlocalmaxima(image)`` (3x3, strict) against
  ``skimage.feature.peak_local_max(image, min_distance=1)`` (a 3x3 maximum
  filter, the border of one pixel excluded, the peaks sorted by intensity);
- M8 drop-in: ``imagekit.compat.skimage.feature.peak_local_max`` against
  the same call, with equal results.

Both run in one process, interleaved call by call, at their default
threads; each time is the minimum over the repeats, and the ratio is
scikit-image's time over ours (above 1: ours is faster). The peaks are
checked to be the same: those of ``findlocalmaxima(image, edges=False)``
(noise has no ties), in scikit-image's order for the drop-in.
"""

from __future__ import annotations

import sys
import time

import numpy as np
from skimage.feature import peak_local_max

import imagekit
from imagekit.compat.skimage import feature


def _best(calls, repeats):
    """Minimum time of each function, the functions called in turn ``repeats`` times."""
    best = [np.inf] * len(calls)
    for _ in range(repeats):
        for i, f in enumerate(calls):
            t = time.perf_counter()
            f()
            best[i] = min(best[i], time.perf_counter() - t)
    return best


def main(repeats: int = 7) -> None:
    image = np.random.default_rng(0).random((2048, 2048), dtype=np.float32)
    peer = peak_local_max(image, min_distance=1)
    inner = imagekit.findlocalmaxima(image, edges=False)  # the first calls compile
    assert np.array_equal(np.unique(peer, axis=0), inner), "M8: the peaks differ"
    assert np.array_equal(feature.peak_local_max(image, min_distance=1), peer), "M8 drop-in"
    tp, to, tc = _best(
        [
            lambda: peak_local_max(image, min_distance=1),
            lambda: imagekit.findlocalmaxima(image),
            lambda: feature.peak_local_max(image, min_distance=1),
        ],
        repeats,
    )
    for name, t in (("M8 findlocalmaxima 3x3 f32", to), ("M8 drop-in peak_local_max", tc)):
        print(f"{name} vs skimage: peer {tp * 1e3:8.2f} ms  ours {t * 1e3:8.2f} ms  "
              f"ratio {tp / t:5.2f}x")  # fmt: skip


if __name__ == "__main__":
    with imagekit.config(threading=sys.argv[2] if len(sys.argv) > 2 else "auto"):
        print(f"imagekit threads: {imagekit.config().threads}, {imagekit.config().threading}")
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
