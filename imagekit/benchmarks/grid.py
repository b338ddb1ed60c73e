"""The large-kernel grid G1-G6 (issue #19's first rows), against their peers.

Dense random float32 kernels on float32 images, border ``reflect``, through
``imagekit.imfilter`` (the planner picks the strategy), against OpenCV's
``filter2D`` with ``BORDER_REFLECT`` (scipy's ``reflect``) and scipy.signal's
``oaconvolve`` and ``fftconvolve`` on the image padded the same way
(``workloads._fft_peer``: the padding is part of the peers' measured work).
G4 is W4's case. The check's tolerance is relative to the output's largest
value: a float32 correlation of up to 63×63 taps rounds differently in every
library.
"""

from __future__ import annotations

import numpy as np

import imagekit as ik

from .workloads import Workload, _fft_peer, cv2

# (name, image side, kernel side): issue #19's grid.
GRID = (
    ("G1", 256, 31),
    ("G2", 512, 41),
    ("G3", 1024, 31),
    ("G4", 2048, 31),
    ("G5", 2048, 63),
    ("G6", 4096, 31),
)


def _fft_peers(img, k) -> dict:
    """OpenCV's ``filter2D`` (where installed) and scipy.signal's FFT convolutions."""
    peers = {}
    if cv2 is not None:
        peers["opencv"] = lambda: cv2.filter2D(img, -1, k, borderType=cv2.BORDER_REFLECT)
    peers["scipy.signal.oaconvolve"] = _fft_peer(img, k, "oaconvolve")
    peers["scipy.signal.fftconvolve"] = _fft_peer(img, k, "fftconvolve")
    return peers


def workload(rng, name: str, n: int, m: int, peers=_fft_peers, atol=4e-6) -> Workload:
    """One grid point: an ``n``² image, an ``m``×``m`` kernel; ``peers(img, k)`` names
    the peers' calls."""
    img = rng.random((n, n)).astype(np.float32)
    k = rng.random((m, m)).astype(np.float32)
    return Workload(
        name,
        f"{n}² float32, dense random {m}×{m}, reflect",
        lambda: ik.imfilter(img, k, "reflect"),
        peers(img, k),
        atol=atol,
    )


def workloads(rng, s) -> list[Workload]:
    """G1-G6, image sides divided by ``s`` (never below the kernel's)."""
    return [workload(rng, name, max(n // s, m), m) for name, n, m in GRID]
