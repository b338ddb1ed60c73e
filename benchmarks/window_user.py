"""A user's function over each window against its peer, issue #18's workload M7.

Run as ``python -m benchmarks.window_user [repeats [threading]]``
(``threading``: ``auto`` or ``pool``, imagekit's setting). A 1024x1024
float32 image, the population standard deviation over a 5x5 window written
as a user writes it in Python, twice (with numpy's array methods, and with
explicit loops): imagekit compiles it (``window._user.compiled``) and runs it
over the border-extended image (``run_compiled``, the extension included);
the peer is ``scipy.ndimage.generic_filter`` with the same function as a
numba ``cfunc`` ``LowLevelCallable``. Both run in one process, interleaved
call by call, at their default threads; each time is the minimum over the
repeats, and the ratio is the peer's time over ours (above 1: ours is
faster). Results are checked equal to the peer's away from the border.

``python -m benchmarks.window_user first`` prints the first call's time in
a fresh process: numba compiles the user's function and the loop for it
(a loop specialised on a function is not cached on disk; run it twice so
that the rest of imagekit comes from numba's cache).
"""

from __future__ import annotations

import functools
import sys
import time

import numpy as np
import scipy.ndimage as ndi
from numba import carray, cfunc
from scipy import LowLevelCallable

import imagekit
from imagekit.borders import normalize_border
from imagekit.window._geometry import extended, flat_offsets, normalize_window, out_geometry
from imagekit.window._user import compiled, run_compiled


def std(v):
    m = v.sum() / v.size
    return np.sqrt(((v - m) ** 2).sum() / v.size)


def std_loops(v):
    n = v.size
    s = 0.0
    for i in range(n):
        s += v[i]
    m = s / n
    q = 0.0
    for i in range(n):
        d = v[i] - m
        q += d * d
    return np.sqrt(q / n)


_SIG = "intc(CPointer(float64), intp, CPointer(float64), voidptr)"


@cfunc(_SIG)
def std_peer(values, n, result, data):  # pragma: no cover - numba
    v = carray(values, (n,))
    m = v.sum() / v.size
    result[0] = np.sqrt(((v - m) ** 2).sum() / v.size)
    return 1


@cfunc(_SIG)
def std_loops_peer(values, n, result, data):  # pragma: no cover - numba
    s = 0.0
    for i in range(n):
        s += values[i]
    m = s / n
    q = 0.0
    for i in range(n):
        d = values[i] - m
        q += d * d
    result[0] = np.sqrt(q / n)
    return 1


def mapwindow_user(func, image, size, border="reflect"):
    """``func`` over each ``size``-square window of ``image``, as mapwindow's
    compiled path runs it: extend, flat geometry, the compiled loop."""
    window = normalize_window(size, (0, 1), 2)
    out_shape, out_lo = out_geometry(image.shape, window, "same")
    ext = extended(image, normalize_border(border), out_shape, out_lo, window)
    offsets, bases = flat_offsets(ext.shape, window.footprint, out_shape)
    out = np.empty(out_shape, np.float64)
    cf = compiled(func, ext.dtype)
    run_compiled(cf, ext.ravel(), bases, offsets, out.reshape(bases.shape[0], -1), False)
    return out


def _best(calls, repeats):
    """Minimum time of each call, the calls made in turn ``repeats`` times."""
    best = [np.inf] * len(calls)
    for _ in range(repeats):
        for i, f in enumerate(calls):
            t = time.perf_counter()
            f()
            best[i] = min(best[i], time.perf_counter() - t)
    return best


def main(repeats: int = 7) -> None:
    f32 = np.random.default_rng(0).random((1024, 1024), dtype=np.float32)
    for name, func, peer in (("numpy", std, std_peer), ("loops", std_loops, std_loops_peer)):
        low = LowLevelCallable(peer.ctypes)
        a, b = ndi.generic_filter(f32, low, size=5), mapwindow_user(func, f32, 5)
        inner = (slice(2, -2),) * 2
        np.testing.assert_allclose(b[inner], a[inner], rtol=1e-5, atol=1e-6, err_msg=name)
        tp, to = _best(
            [
                functools.partial(ndi.generic_filter, f32, low, size=5),
                functools.partial(mapwindow_user, func, f32, 5),
            ],
            repeats,
        )
        print(
            f"M7 user std 5x5 f32 ({name}) vs ndi.generic_filter(cfunc): "
            f"peer {tp * 1e3:8.2f} ms  ours {to * 1e3:8.2f} ms  ratio {tp / to:5.2f}x"
        )


def first_call() -> None:
    """The first call's time (the user's function and its loop compiled)."""
    f32 = np.random.default_rng(0).random((64, 64), dtype=np.float32)

    def user_std(v):  # a new function: compiled afresh in every process
        m = v.sum() / v.size
        return np.sqrt(((v - m) ** 2).sum() / v.size)

    t = time.perf_counter()
    mapwindow_user(user_std, f32, 5)
    print(f"first call (the function and its loop compiled): {time.perf_counter() - t:.3f} s")
    t = time.perf_counter()
    mapwindow_user(user_std, f32, 5)
    print(f"second call: {(time.perf_counter() - t) * 1e3:.2f} ms")


if __name__ == "__main__":
    if sys.argv[1:2] == ["first"]:
        first_call()
    else:
        with imagekit.config(threading=sys.argv[2] if len(sys.argv) > 2 else "auto"):
            print(f"imagekit threads: {imagekit.config().threads}, {imagekit.config().threading}")
            main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
