"""The numba loop every CPU strategy runs: correlation over contiguous runs.

Kept deliberately plain (numbagg style): one loop nest over flat arrays,
no N-D logic. It is compiled lazily, once per dtype actually used (float32
and float64: the wrapper casts everything else), so a first call pays for
one specialisation, not all of them. The Python side
(``direct.correlate_window``) turns any N-D correlation into this form:
the output is a stack of equal-length contiguous runs, the source is a
C-contiguous array, each non-zero tap is a flat offset ``delta`` and a
weight, and ``dst[r, x] = sum_t w[t] * src[base[r] + delta[t] + x]``.
The inner loop over ``x`` is unit-stride in both arrays, so LLVM
vectorises it; runs are cut into ``chunk``-long pieces that stay in L1 and
are spread over the threads (``_threads.run_tasks``). The kernel's gradient over
the same layout is ``gradients._loops.kernel_gradient.correlate_runs_adjoint``.
"""

from __future__ import annotations

from numba import njit

__all__ = ["correlate_runs"]


# fastmath "contract" only: multiply-adds may fuse (one rounding instead of
# two); NaN/inf semantics and the order of the sum stay IEEE.
# Compiled on first use for the dtypes the wrapper passes: float32 or float64
# arrays (the source always as a read-only view), int64 offsets and sizes.
@njit(cache=True, nogil=True, fastmath={"contract"})
def correlate_runs(
    t0, t1, src, bases, deltas, weights, dst, run, chunk
):  # pragma: no cover - numba
    per_row = (run + chunk - 1) // chunk
    ntaps = deltas.shape[0]
    for task in range(t0, t1):  # tasks: pieces of runs (run_tasks spreads them over threads)
        r = task // per_row
        x0 = (task - r * per_row) * chunk
        n = min(chunk, run - x0)
        s = bases[r] + x0
        # Slices, not flat indices into `dst` and `src`: LLVM then knows the
        # two do not overlap and vectorises the loops.
        acc = dst[r * run + x0 : r * run + x0 + n]
        w = weights[0]
        row = src[s + deltas[0] : s + deltas[0] + n]
        for x in range(n):
            acc[x] = w * row[x]
        # Four taps per sweep: one load and store of `acc` for four
        # multiply-adds. The sum is still added left to right, tap by tap.
        t = 1
        while t + 4 <= ntaps:
            w0, w1, w2, w3 = weights[t], weights[t + 1], weights[t + 2], weights[t + 3]
            r0 = src[s + deltas[t] : s + deltas[t] + n]
            r1 = src[s + deltas[t + 1] : s + deltas[t + 1] + n]
            r2 = src[s + deltas[t + 2] : s + deltas[t + 2] + n]
            r3 = src[s + deltas[t + 3] : s + deltas[t + 3] + n]
            for x in range(n):
                acc[x] = acc[x] + w0 * r0[x] + w1 * r1[x] + w2 * r2[x] + w3 * r3[x]
            t += 4
        while t < ntaps:
            w = weights[t]
            row = src[s + deltas[t] : s + deltas[t] + n]
            for x in range(n):
                acc[x] += w * row[x]
            t += 1
