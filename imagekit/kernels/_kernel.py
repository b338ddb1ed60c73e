"""The Kernel value: weights plus the offset of their first element.

A kernel is an immutable pair ``(weights, start)``: ``start[d]`` is the offset
of ``weights[0, ..., 0]`` along axis ``d`` (OffsetArrays' first index), so the
tap at array index ``i`` sits at offset ``start + i``. Filtering is a
correlation, ``out[x] = sum_j k[j] * image[x + j]`` over the offsets ``j``.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["Kernel", "as_kernel", "centered", "reflect", "with_recipe"]


def _frozen_weights(weights, name: str) -> np.ndarray:
    """Copy ``weights`` into a read-only float/complex array, checking it."""
    w = np.asarray(weights)
    if w.dtype == object or w.dtype.kind not in "biufc":
        raise TypeError(f"{name} must hold numbers, got an array of dtype {w.dtype}")
    if w.ndim == 0:
        raise ValueError(f"{name} must have at least one axis, got a 0-d array")
    if w.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {w.shape}")
    if w.dtype.kind in "biu":
        w = w.astype(np.float64)
    elif w.dtype == np.float16:
        w = w.astype(np.float32)
    if not np.all(np.isfinite(w)):
        raise ValueError(f"{name} must be finite, got NaN or inf among its weights")
    w = np.array(w, copy=True, order="C")
    w.flags.writeable = False
    return w


def _as_start(start, ndim: int, name: str = "start") -> tuple[int, ...]:
    if isinstance(start, numbers.Integral):
        start = (int(start),) * ndim
    try:
        start = tuple(start)
    except TypeError:
        raise TypeError(f"{name} must be an int or a sequence of ints, got {start!r}") from None
    if len(start) != ndim:
        raise ValueError(f"{name} must have one entry per kernel axis ({ndim}), got {start!r}")
    if not all(isinstance(s, numbers.Integral) for s in start):
        raise TypeError(f"{name} must hold integers, got {start!r}")
    return tuple(int(s) for s in start)


# The most weights a dense kernel may hold (1 GiB of float64): beyond this, building
# it would exhaust memory before any filtering starts.
MAX_WEIGHTS = 2**27


def check_size(shape) -> None:
    """A clear error, before allocating, for a dense kernel too large to build."""
    n = int(np.prod(shape, dtype=np.float64))
    if n > MAX_WEIGHTS:
        raise ValueError(
            f"the kernel would have shape {tuple(int(m) for m in shape)} ({n:.3g} weights), "
            f"more than imagekit builds ({MAX_WEIGHTS:.3g}); for a very wide Gaussian, filter "
            "one axis at a time (a 1-D kernel with axes=(d,)) or lower truncate= or radius="
        )


class Kernel:
    """An N-D filter kernel with explicit offsets.

    Parameters
    ----------
    weights : array_like
        The kernel's weights; integer weights become float64, float16 becomes
        float32. Copied and frozen (read-only).
    start : int or sequence of int, optional
        Offset of ``weights[0, ..., 0]`` along each axis. Default: centred,
        ``-(size // 2)`` per axis, which matches scipy.ndimage's ``origin=0``.

    Attributes
    ----------
    weights : ndarray (read-only)
    start : tuple of int
    stop : tuple of int
        One past the last offset along each axis, ``start + shape``.
    shape, ndim, size, dtype

    Notes
    -----
    A kernel built from 1-D factors (:meth:`from_factors`) keeps them, so
    :func:`imagekit.kernels.factors` returns them without an SVD and
    :func:`imagekit.imfilter` filters with one pass per axis.

    Examples
    --------
    A one-sided kernel: three taps at offsets -2, -1 and 0 along the second
    axis (a centred 1x3 kernel has -1, 0 and 1), so each output sees its
    own pixel and the two before it:

    >>> import numpy as np
    >>> from imagekit.kernels import Kernel
    >>> k = Kernel(np.array([[0.0251132, 0.155058, 0.0603386]]), start=(0, -2))
    >>> k.start, k.stop
    ((0, -2), (1, 1))
    """

    __slots__ = ("_factors", "_recipe", "_start", "_weights")

    def __init__(self, weights, start=None):
        w = _frozen_weights(weights, "weights")
        if start is None:
            start = tuple(-(n // 2) for n in w.shape)
        self._weights = w
        self._start = _as_start(start, w.ndim)
        self._factors = None
        self._recipe = None

    @classmethod
    def from_factors(cls, factors: Sequence) -> Kernel:
        """Build the N-D kernel ``f0 ⊗ f1 ⊗ ...`` and keep its 1-D factors.

        Each factor is a 1-D array (centred) or a 1-D :class:`Kernel`; factor
        ``d`` acts along axis ``d``. Factors made by the same factory (for
        example 1-D Gaussians) give the product that factory's recipe.
        """
        fs = tuple(as_kernel(f, name=f"factors[{d}]") for d, f in enumerate(factors))
        if not fs:
            raise ValueError("factors must hold at least one 1-D kernel")
        for d, f in enumerate(fs):
            if f.ndim != 1:
                raise ValueError(f"factors[{d}] must be 1-D, got shape {f.shape}")
        check_size(tuple(f.size for f in fs))
        weights = fs[0].weights
        for f in fs[1:]:
            weights = np.multiply.outer(weights, f.weights)
        k = cls(weights, start=tuple(f.start[0] for f in fs))
        k._factors = fs
        k._recipe = _joint_recipe([f._recipe for f in fs])
        return k

    @property
    def weights(self) -> np.ndarray:
        return self._weights

    @property
    def recipe(self) -> tuple | None:
        """How a factory made this kernel, or None.

        ``("gaussian", sigmas, orders)`` or ``("iir_gaussian", sigmas)``, one
        entry per axis. Strategies that compute a kernel without its weights
        (the recursive Gaussian) read it; transforming a kernel drops it.
        """
        return self._recipe

    @property
    def start(self) -> tuple[int, ...]:
        return self._start

    @property
    def stop(self) -> tuple[int, ...]:
        return tuple(s + n for s, n in zip(self._start, self._weights.shape))

    @property
    def shape(self) -> tuple[int, ...]:
        return self._weights.shape

    @property
    def ndim(self) -> int:
        return self._weights.ndim

    @property
    def size(self) -> int:
        return self._weights.size

    @property
    def dtype(self) -> np.dtype:
        return self._weights.dtype

    def __repr__(self) -> str:
        body = np.array2string(self._weights, precision=6, separator=", ")
        return f"Kernel({body}, start={self._start})"

    def __eq__(self, other) -> bool:
        if not isinstance(other, Kernel):
            return NotImplemented
        return self._start == other._start and np.array_equal(self._weights, other._weights)

    def __hash__(self) -> int:
        return hash((self._start, self._weights.shape, self._weights.tobytes()))

    def __reduce__(self):
        # Pickle (dask, multiprocessing) keeps start, factors and recipe.
        fs = None
        if self._factors is not None:
            fs = [(np.array(f.weights), f.start, f.recipe) for f in self._factors]
        return (_rebuild, (np.array(self._weights), self._start, fs, self._recipe))


def _rebuild(weights, start, factors, recipe) -> Kernel:
    if factors is None:
        return with_recipe(Kernel(weights, start), recipe)
    fs = [with_recipe(Kernel(w, s), r) for w, s, r in factors]
    return with_recipe(Kernel.from_factors(fs), recipe)


def _joint_recipe(recipes) -> tuple | None:
    """The recipe of a product of 1-D factors: per-axis entries joined, if all agree in kind."""
    if not recipes or any(r is None for r in recipes):
        return None
    kind = recipes[0][0]
    if any(r[0] != kind for r in recipes):
        return None
    return (kind, *(sum((r[i] for r in recipes), ()) for i in range(1, len(recipes[0]))))


def with_recipe(kernel: Kernel, recipe: tuple) -> Kernel:
    """``kernel`` marked as made by a factory (for the factories' use)."""
    kernel._recipe = recipe
    return kernel


def as_kernel(kernel: ArrayLike | Kernel, name: str = "kernel") -> Kernel:
    """Return ``kernel`` as a :class:`Kernel`; an array becomes a centred kernel."""
    if isinstance(kernel, Kernel):
        return kernel
    if isinstance(kernel, (str, bytes)) or kernel is None:
        raise TypeError(f"{name} must be an array or a Kernel, got {kernel!r}")
    w = _frozen_weights(kernel, name)
    k = Kernel.__new__(Kernel)
    k._weights = w
    k._start = tuple(-(n // 2) for n in w.shape)
    k._factors = None
    k._recipe = None
    return k


def centered(weights: ArrayLike) -> Kernel:
    """A kernel whose centre, element ``size // 2`` along each axis, is offset 0.

    This is scipy.ndimage's convention for ``origin=0`` (for even sizes the
    centre is the element right of the middle).

    Examples
    --------
    >>> from imagekit.kernels import centered
    >>> centered([1.0, 2.0, 1.0]).start
    (-1,)
    >>> centered([1.0, -1.0]).start
    (-1,)
    """
    if isinstance(weights, Kernel):
        weights = weights.weights
    return Kernel(weights)


def reflect(kernel: ArrayLike | Kernel) -> Kernel:
    """The kernel mirrored through offset 0: ``reflect(k)[j] = k[-j]``.

    Correlating with ``reflect(k)`` is convolving with ``k``:
    ``imfilter(a, reflect(k))`` equals ``scipy.ndimage.convolve(a, w)`` for
    ``k = centered(w)``. Factors, if known, are reflected too.

    Examples
    --------
    >>> from imagekit.kernels import Kernel, reflect
    >>> r = reflect(Kernel([1.0, 2.0, 3.0], start=0))
    >>> r.weights.tolist(), r.start
    ([3.0, 2.0, 1.0], (-2,))
    """
    k = as_kernel(kernel)
    if k._factors is not None:
        return Kernel.from_factors([reflect(f) for f in k._factors])
    start = tuple(-(s + n - 1) for s, n in zip(k.start, k.shape))
    return Kernel(k.weights[(slice(None, None, -1),) * k.ndim], start=start)
