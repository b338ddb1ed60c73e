"""The kernels as tuples of 1-D factors (ImageFiltering.jl's ``KernelFactors``).

Each function returns one 1-D :class:`~imagekit.kernels.Kernel` per axis;
passing the tuple to :func:`imagekit.imfilter` filters factor ``d`` along
axis ``d``, one pass each. ``kernels.X(...)`` and ``imfilter(a,
kernels.factored.X(...))`` give the same result. Kernels that do not
factor (DoG, LoG, Laplacian, Gabor, disk) have no factored form.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

from ._derivatives import gradient_factors
from ._kernel import Kernel, with_recipe
from ._smoothing import box as _box
from ._smoothing import gaussian as _gaussian
from ._smoothing import per_axis

__all__ = [
    "ando3",
    "ando4",
    "ando5",
    "bickley",
    "box",
    "farid",
    "gaussian",
    "iir_gaussian",
    "prewitt",
    "scharr",
    "sobel",
]


def gaussian(
    sigma: float | Sequence[float],
    ndim: int | None = None,
    truncate: float = 4.0,
    radius: int | Sequence[int] | None = None,
    order: int | Sequence[int] = 0,
) -> tuple[Kernel, ...]:
    """1-D factors of :func:`imagekit.kernels.gaussian` (same arguments).

    Examples
    --------
    >>> from imagekit.kernels import factored
    >>> [f.shape for f in factored.gaussian((1.0, 2.0))]
    [(9,), (17,)]
    """
    return _gaussian(sigma, ndim, truncate, radius, order)._factors


def box(size: int | Sequence[int], ndim: int | None = None) -> tuple[Kernel, ...]:
    """1-D factors of :func:`imagekit.kernels.box`.

    Examples
    --------
    >>> from imagekit.kernels import factored
    >>> [f.weights.tolist() for f in factored.box((2, 1))]
    [[0.5, 0.5], [1.0]]
    """
    return _box(size, ndim)._factors


def iir_gaussian(sigma: float | Sequence[float], ndim: int | None = None) -> tuple[Kernel, ...]:
    """Gaussian factors that ``imfilter`` runs with the recursive (IIR) strategy.

    The Young–van Vliet recursion costs the same for every sigma but
    approximates the Gaussian (relative L2 error under 1% for sigma ≥ 2;
    see the user guide). The factors' weights are the exact FIR Gaussian
    (truncate 4), which ``algorithm="direct"``/``"separable"`` would use.

    Examples
    --------
    >>> from imagekit.kernels import factored
    >>> fs = factored.iir_gaussian(3.0)
    >>> len(fs), fs[0].recipe
    (2, ('iir_gaussian', (3.0,)))
    """
    if ndim is None and not isinstance(sigma, (list, tuple)):
        ndim = 2
    sigmas = per_axis(sigma, ndim, "sigma", numbers.Real)
    out = []
    for s in sigmas:
        (f,) = _gaussian((float(s),))._factors
        out.append(with_recipe(Kernel(f.weights, start=f.start), ("iir_gaussian", (float(s),))))
    return tuple(out)


def _factored(name: str):
    def make(axis: int = 0, ndim: int = 2) -> tuple[Kernel, ...]:
        return gradient_factors(name, axis, ndim)

    make.__name__ = make.__qualname__ = name
    make.__doc__ = f"""1-D factors of :func:`imagekit.kernels.{name}` (same arguments).

    Examples
    --------
    >>> from imagekit.kernels import factored
    >>> [f.shape[0] for f in factored.{name}(axis=0)][0] >= 3
    True
    """
    return make


sobel = _factored("sobel")
prewitt = _factored("prewitt")
scharr = _factored("scharr")
bickley = _factored("bickley")
ando3 = _factored("ando3")
ando4 = _factored("ando4")
ando5 = _factored("ando5")
farid = _factored("farid")
