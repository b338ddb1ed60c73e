"""The window filters' workloads M1-M8 (issue #18's table), against their peers.

Each runs a public call (``imagekit.window.*``, ``imagekit.mapwindow``,
``imagekit.findlocalmaxima``) and the peer the table names, with the same
window and border, and the suite checks that the results agree:

- M1, M2: ``cv2.medianBlur`` extends the image by its edge pixels (scipy's
  ``nearest``); for a 3×3 window ``reflect`` extends it by the same pixels,
  so M1 runs ``reflect`` as the table says and M2 runs ``nearest``.
- M5: ``cv2.dilate`` with a 15×15 rectangle and ``BORDER_REPLICATE``.
- M6: scikit-image's rank filters leave out-of-image pixels out of each
  window and take the value of rank ``floor(p0 * n)`` among the ``n`` left:
  ``Percentile(25)`` with the ``NA`` border, equal at every pixel.
- M7: the user's function is plain Python, compiled by mapwindow; the peer
  is ``scipy.ndimage.generic_filter`` with the same function compiled as a
  numba ``cfunc`` ``LowLevelCallable``; both ``reflect``.
- M8: ``peak_local_max(min_distance=1)`` keeps the pixels equal to their
  3×3 maximum above the image's minimum, one pixel from the edge, sorted by
  value; ``findlocalmaxima(edges=False)`` keeps those strictly greater than
  their neighbours, away from the edge. The image is a permutation of
  distinct values (exact in float32), where the two definitions select the
  same pixels; the check compares the coordinates sorted.

M7 is left out, with a note saying why, where mapwindow does not run a user's
function compiled (a build without compiled user functions).
"""

from __future__ import annotations

import time

import numpy as np
import scipy.ndimage as ndi
from numba import carray, cfunc, njit, types
from scipy import LowLevelCallable

import imagekit as ik
from imagekit.borders import NA

from .workloads import Workload, cv2

try:
    from skimage.feature import peak_local_max
    from skimage.filters.rank import percentile as rank_percentile
    from skimage.morphology import disk
except ImportError:  # a peer, not a requirement
    peak_local_max = rank_percentile = disk = None

# Windows per second below which mapwindow calls a user function from Python per
# window (a microsecond or more each): the user-function workload then takes minutes.
COMPILED_WINDOWS_PER_S = 2e6


def user_std(values):
    """The population standard deviation of a window, as a user writes it in Python."""
    n = values.size
    mean = 0.0
    for v in values:
        mean += v
    mean /= n
    acc = 0.0
    for v in values:
        acc += (v - mean) * (v - mean)
    return (acc / n) ** 0.5


def _std_callable():
    """``user_std`` as scipy's ``generic_filter`` callback, compiled by numba."""
    std = njit(user_std)
    sig = types.intc(
        types.CPointer(types.float64), types.intp, types.CPointer(types.float64), types.voidptr
    )

    @cfunc(sig)
    def callback(values, n, result, data):  # pragma: no cover - numba
        result[0] = std(carray(values, (n,)))
        return 1

    return LowLevelCallable(callback.ctypes)


def _skipped(name: str, why: str) -> list[Workload]:
    print(f"note: {name} is left out: {why}")
    return []


def m1_m2(rng, s):
    u8 = rng.integers(0, 256, (2048 // s, 2048 // s), dtype=np.uint8)
    out = []
    for name, size, border in (("M1", 3, "reflect"), ("M2", 15, "nearest")):
        peers = {"opencv medianBlur": lambda m=size: cv2.medianBlur(u8, m)} if cv2 else {}
        out.append(
            Workload(
                name,
                f"{u8.shape[0]}² uint8, median {size}×{size}, {border}",
                lambda m=size, b=border: ik.window.median(u8, m, b),
                peers,
                rtol=0,
            )
        )
    return out


def m3_m4(rng, s):
    img = rng.random((1024 // s, 1024 // s), dtype=np.float32)
    vol = rng.random((128 // s,) * 3, dtype=np.float32)
    return [
        Workload(
            name,
            description,
            lambda a=a, m=m: ik.window.median(a, m),
            {"scipy.ndimage": lambda a=a, m=m: ndi.median_filter(a, m, mode="reflect")},
            rtol=0,
        )
        for name, description, a, m in (
            ("M3", f"{img.shape[0]}² float32, median 7×7", img, 7),
            ("M4", f"{vol.shape[0]}³ float32, median 3×3×3", vol, 3),
        )
    ]


def m5(rng, s):
    img = rng.random((2048 // s, 2048 // s), dtype=np.float32)
    rect = np.ones((15, 15), np.uint8)
    peers = {}
    if cv2 is not None:
        peers["opencv dilate"] = lambda: cv2.dilate(img, rect, borderType=cv2.BORDER_REPLICATE)
    return Workload(
        "M5",
        f"{img.shape[0]}² float32, max 15×15, nearest",
        lambda: ik.window.maximum(img, 15, "nearest"),
        peers,
        rtol=0,
    )


def m6(rng, s):
    u8 = rng.integers(0, 256, (2048 // s, 2048 // s), dtype=np.uint8)
    if disk is None:
        return _skipped("M6", "scikit-image (its peer and its disk footprint) is not installed")
    footprint = disk(5)
    window = footprint.astype(bool)
    return [
        Workload(
            "M6",
            f"{u8.shape[0]}² uint8, 25th percentile in disk(5), NA",
            lambda: ik.window.percentile(u8, 25, window, NA()),
            {"skimage.filters.rank": lambda: rank_percentile(u8, footprint, p0=0.25)},
            rtol=0,
        )
    ]


def _compiles_user_functions() -> str:
    """Why M7 cannot run here ("" when it can): mapwindow must take a user function
    and run it compiled."""
    small = np.random.default_rng(1).random((64, 64), dtype=np.float32)
    try:
        ik.mapwindow(user_std, small, 5)
        t = time.perf_counter()
        ik.mapwindow(user_std, small, 5)
        rate = small.size / (time.perf_counter() - t)
    except (TypeError, ValueError) as e:
        return f"mapwindow does not take a user function in this build ({e})"
    if rate < COMPILED_WINDOWS_PER_S:
        return "mapwindow calls the user function from Python per window in this build"
    return ""


def m7(rng, s):
    img = rng.random((1024 // s, 1024 // s), dtype=np.float32)
    why = _compiles_user_functions()
    if why:
        return _skipped("M7", why)
    peer = _std_callable()
    return [
        Workload(
            "M7",
            f"{img.shape[0]}² float32, a user's Python std over 5×5",
            lambda: ik.mapwindow(user_std, img, 5),
            {
                "scipy generic_filter (cfunc)": lambda: ndi.generic_filter(
                    img, peer, 5, mode="reflect"
                )
            },
            rtol=1e-4,
            atol=1e-6,
        )
    ]


def _coordinates_sorted(peaks: np.ndarray) -> np.ndarray:
    """Peak coordinates in C order, whatever order a peer lists them in."""
    return peaks[np.lexsort(peaks.T[::-1])] if peaks.size else peaks


def m8(rng, s):
    n = 2048 // s
    img = rng.permutation(n * n).reshape(n, n).astype(np.float32)
    peers = {}
    if peak_local_max is not None:
        peers["skimage peak_local_max"] = lambda: peak_local_max(img, min_distance=1)
    return [
        Workload(
            "M8",
            f"{n}² float32 (distinct values), findlocalmaxima 3×3",
            lambda: ik.findlocalmaxima(img, 3, edges=False),
            peers,
            rtol=0,
            compare=_coordinates_sorted,
        )
    ]


def workloads(rng, s) -> list[Workload]:
    """M1-M8, sizes divided by ``s``."""
    return [*m1_m2(rng, s), *m3_m4(rng, s), m5(rng, s), *m6(rng, s), *m7(rng, s), *m8(rng, s)]
