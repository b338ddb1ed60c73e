"""Separability: finding 1-D factors, and composing cascades of kernels."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

from ._kernel import Kernel, as_kernel

__all__ = ["cascade", "factors", "rank1_factors"]


def _tolerance(weights: np.ndarray) -> float:
    """Relative tolerance for "rank one": the rounding of an outer product of this size.

    Rebuilding a random rank-one kernel from its SVD factors errs by up to
    about 1.5 * sqrt(size) * eps in norm; 8x that leaves margin while a
    genuinely rank-two kernel (second singular value above it) is refused.
    """
    eps = np.finfo(weights.dtype).eps
    return 8.0 * np.sqrt(weights.size) * eps


def _constant_factors(w: np.ndarray, rtol: float) -> list[np.ndarray] | None:
    """Exact factors of a real kernel whose taps are all equal (to ``rtol``), or None.

    A box is a box however it was built: ``np.ones((5, 5)) / 25`` gets the
    factors of :func:`imagekit.kernels.box` (``1/n`` per axis) when it sums to
    one, so it runs on the same paths (running sums, integer lanes) with the
    same results. Another constant goes on the first axis, ones elsewhere, an
    exact product where the SVD's balanced factors would be off by an ulp.
    """
    if w.dtype.kind != "f" or w.size < 2:
        return None
    c = w.flat[0]
    if c == 0 or not np.all(np.abs(w - c) <= rtol * abs(c)):
        return None
    if abs(float(c) * w.size - 1.0) <= rtol:
        return [np.full(n, 1.0 / n, w.dtype) for n in w.shape]
    return [np.full(w.shape[0], c, w.dtype)] + [np.ones(n, w.dtype) for n in w.shape[1:]]


def _mirror_fixed(f: np.ndarray, rtol: float) -> np.ndarray:
    """``f`` made exactly symmetric or antisymmetric when it is so to ``rtol``.

    ``(f + f[::-1]) / 2`` is exactly symmetric (floating-point addition
    commutes) and ``(f - f[::-1]) / 2`` exactly antisymmetric with an exact
    zero in the middle, so a factor found from values has the mirror
    structure of the factory's factor that built the kernel.
    """
    mirror = f[::-1]
    if f.size == 1 or bool((f == mirror).all()):
        return f
    scale = rtol * _norm(f)
    if _norm(f - mirror) <= scale:
        return (f + mirror) / 2
    if _norm(f + mirror) <= scale:
        return (f - mirror) / 2
    return f


def _norm(x: np.ndarray) -> float:
    """The 2-norm of ``x`` (real or complex, any shape)."""
    return math.sqrt(float(np.vdot(x, x).real))


def _canonical(fs: list[np.ndarray], scale: float, rtol: float) -> list[np.ndarray]:
    """Factors of ``scale * outer(fs)`` in the factories' convention.

    Each factor is made exactly (anti)symmetric where it is so to ``rtol``.
    A factor whose taps share one sign (a smoothing: Gaussian, box, the
    Sobel smoothing) is scaled to sum 1. The remaining scale is shared in
    norm by the other factors (differences), each antisymmetric one turned
    so that a rising ramp gives a positive response and any sign left going
    to the last; with no difference factor it goes to the first axis, or
    nowhere when it is 1 to ``rtol``. So ``np.outer(s, d)`` for a smoothing
    ``s`` summing to 1 and a difference ``d`` gets back ``s`` and ``d``.
    """
    fs = [_mirror_fixed(f, rtol) for f in fs]
    rest = []
    for d, f in enumerate(fs):
        if f.min() >= 0 or f.max() <= 0:
            total = float(f.sum())
            if abs(total - 1.0) > rtol:  # one that sums to 1 already is kept to the bit
                fs[d] = f / total
                scale *= total
        else:
            rest.append(d)
    if not rest:
        if abs(scale - 1.0) > rtol:
            fs[0] = fs[0] * scale
        return fs
    norms = [_norm(fs[d]) for d in rest]
    each = (abs(scale) * float(np.prod(norms))) ** (1.0 / len(rest))
    sign = 1.0 if scale > 0 else -1.0
    for d, n in zip(rest, norms):
        f = fs[d] * (abs(scale) if len(rest) == 1 else each / n)
        antisymmetric = bool((f == -f[::-1]).all())
        up = np.dot(f, np.arange(f.size)) > 0 if antisymmetric else f[np.argmax(np.abs(f))] > 0
        if not up:
            f = -f
            sign = -sign
        fs[d] = f
    fs[rest[-1]] = fs[rest[-1]] * sign
    return fs


def _fibres(w: np.ndarray) -> tuple[list[np.ndarray], float]:
    """The lines of ``w`` through its largest tap, one per axis, and the scale that
    makes their outer product ``w`` (for a rank-one ``w``).

    Taken from the values themselves, they are exact where the kernel's
    products were: ``np.outer([1, 2, 1], [-1, 0, 1]) / 8`` gives back its
    factors to the bit, where the SVD's vectors are off by an ulp or two.
    """
    p = np.unravel_index(int(np.argmax(np.abs(w))), w.shape)
    fs = [np.array(w[(*p[:d], slice(None), *p[d + 1 :])]) for d in range(w.ndim)]
    with np.errstate(all="ignore"):
        scale = 1.0 / float(w[p]) ** (w.ndim - 1)
    return fs, scale


def _square_root(w: np.ndarray) -> list[np.ndarray] | None:
    """``[g, g]`` for ``w == np.outer(g, g)`` with ``g > 0``: ``g`` is the square root
    of the diagonal, exact (the square root of a rounded square is the number)."""
    if w.ndim != 2 or w.shape[0] != w.shape[1] or not np.array_equal(w, w.T):
        return None
    g = np.diagonal(w)
    if not np.all(g > 0):
        return None
    g = np.sqrt(g)
    return [g, g.copy()]


def _close(fs: list[np.ndarray], w: np.ndarray, tol: float) -> bool:
    recon = fs[0]
    for f in fs[1:]:
        recon = np.multiply.outer(recon, f)
    return bool(_norm(recon - w) <= tol)


# An unfolding at least this many rows and columns is tested by ``_surely_not_rank_one``
# before its SVD (below it, the SVD costs less than the test).
_LARGE = 64


def _surely_not_rank_one(m: np.ndarray, rtol: float) -> bool:
    """Whether the second singular value of ``m`` surely exceeds ``rtol`` times its first.

    For any ``q`` of two orthonormal columns, the singular values of ``q^H m``
    are at most those of ``m`` (interlacing), and the first singular value of
    ``m`` is at most its Frobenius norm: so ``s_1(q^H m) > rtol * ||m||_F``
    proves the SVD test would refuse ``m``. ``q`` spans ``m`` times two fixed
    random vectors: two passes over ``m``, where the SVD is cubic in its size
    (a kernel gradient's "kernel" is the whole upstream gradient). Without a
    power iteration the bound is less sharp near the tolerance, where the SVD
    then decides.
    """
    start = np.random.default_rng(0).standard_normal((m.shape[1], 2))
    q, _ = np.linalg.qr(m @ start)
    s = np.linalg.svd(q.conj().T @ m, compute_uv=False)
    return bool(s.size > 1 and s[1] > rtol * _norm(m))


def rank1_factors(weights: np.ndarray) -> list[np.ndarray] | None:
    """1-D arrays whose outer product is ``weights``, or None if there are none.

    Each unfolding ``(n_d, rest)`` of the remaining tensor must be rank one by
    SVD (second singular value below a tolerance relative to the first); the
    product of the factors is then checked against ``weights`` in norm. For
    2-D kernels this is exactly the SVD rank test. Real factors follow the
    factories' convention (:func:`_canonical`): exact mirror symmetry where
    the values have it, smoothings summing to 1, so a kernel given as values
    gets the factors of the factory that made it.
    """
    w = np.asarray(weights)
    if w.ndim == 1:
        return [w.copy()]
    norm = float(np.linalg.norm(w))
    if norm == 0.0:
        return [np.zeros(w.shape[0], w.dtype)] + [np.ones(n, w.dtype) for n in w.shape[1:]]
    rtol = _tolerance(w)
    box = _constant_factors(w, rtol)
    if box is not None:
        return box
    out = []
    rest = w
    for _ in range(w.ndim - 1):
        m = rest.reshape(rest.shape[0], -1)
        if m.shape[0] == 1:
            u0, v0 = np.ones(1, w.dtype), m[0]
        elif m.shape[1] == 1:
            u0, v0 = m[:, 0], np.ones(1, w.dtype)
        else:
            if min(m.shape) >= _LARGE and _surely_not_rank_one(m, rtol):
                return None
            u, s, vh = np.linalg.svd(m, full_matrices=False)
            if s[1] > rtol * s[0]:
                return None
            u0, v0 = u[:, 0] * s[0], vh[0]
        out.append(u0)
        rest = v0.reshape(rest.shape[1:])
    out = [np.array(f) for f in (*out, rest)]
    # Where a whole slice of the kernel is zero, make the factor exactly zero,
    # so the product keeps the kernel's exact zeros (SVD leaves ~1e-17 there).
    for d, f in enumerate(out):
        other = tuple(e for e in range(w.ndim) if e != d)
        f[~np.any(w != 0, axis=other)] = 0
    if w.dtype.kind != "f":
        # Balance magnitudes; the product is unchanged.
        scale = norm ** (1.0 / w.ndim)
        out = [f * (scale / np.linalg.norm(f)) for f in out]
        return out if _close(out, w, rtol * norm) else None
    for fs in _candidates(w, out, rtol):
        if _close(fs, w, rtol * norm):
            return [f.astype(w.dtype, copy=False) for f in fs]
    return None


def _candidates(w: np.ndarray, svd: list[np.ndarray], rtol: float):
    """Factors of a real rank-one ``w`` in the factories' convention, most exact first:
    the square root of the diagonal, the lines through the largest tap, the SVD's."""
    root = _square_root(w)
    if root is not None:
        yield _canonical(root, 1.0, rtol)
    fibres, scale = _fibres(w)
    if np.isfinite(scale) and scale != 0:
        yield _canonical(fibres, scale, rtol)
    yield _canonical(svd, 1.0, rtol)


def factors(kernel: ArrayLike | Kernel) -> tuple[Kernel, ...] | None:
    """The separable 1-D factors of ``kernel``, one per axis, or None.

    Parameters
    ----------
    kernel : array_like or Kernel

    Returns
    -------
    tuple of Kernel or None
        ``factors(k)[d]`` is a 1-D kernel acting along axis ``d``, with the
        offset of ``k`` along that axis; their outer product is ``k`` to a
        few ulps. None when ``k`` is not rank one. Factors given to
        :meth:`Kernel.from_factors` are returned as they were.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.kernels import factors
    >>> fs = factors(np.outer([1.0, 2.0, 1.0], [-1.0, 0.0, 1.0]))
    >>> [f.shape for f in fs]
    [(3,), (3,)]
    >>> factors(np.eye(3)) is None
    True
    """
    k = as_kernel(kernel)
    if k._factors is not None:
        return k._factors
    fs = rank1_factors(k.weights)
    if fs is None:
        return None
    result = tuple(Kernel(f, start=(s,)) for f, s in zip(fs, k.start))
    k._factors = result  # a cache on an immutable value
    return result


def _full_convolve(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Full N-D convolution of two small weight arrays (kernel composition)."""
    if a.size < b.size:
        a, b = b, a
    shape = tuple(n + m - 1 for n, m in zip(a.shape, b.shape))
    out = np.zeros(shape, np.result_type(a, b))
    for idx in zip(*np.nonzero(b)):
        window = tuple(slice(i, i + n) for i, n in zip(idx, a.shape))
        out[window] += b[idx] * a
    return out


def cascade(kernels: Sequence[ArrayLike | Kernel]) -> Kernel:
    """The single kernel equal to correlating with ``kernels`` one after another.

    Correlating with ``k1`` then ``k2`` is correlating with the composition
    whose weights are the full convolution of the weights and whose start is
    ``k1.start + k2.start``. All kernels must have the same ndim. When every
    stage is separable the result keeps per-axis factors.
    """
    ks = [as_kernel(k) for k in kernels]
    if len(ks) == 1:
        return ks[0]
    fs = [factors(k) for k in ks]
    if all(f is not None for f in fs):
        per_axis = []
        for d in range(ks[0].ndim):
            w = fs[0][d].weights
            for f in fs[1:]:
                w = _full_convolve(w, f[d].weights)
            per_axis.append(Kernel(w, start=(sum(f[d].start[0] for f in fs),)))
        return Kernel.from_factors(per_axis)
    w = ks[0].weights
    for k in ks[1:]:
        w = _full_convolve(w, k.weights)
    start = tuple(sum(s) for s in zip(*(k.start for k in ks)))
    return Kernel(w, start=start)
