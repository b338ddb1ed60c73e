"""Smoothing kernels: Gaussian (and its derivatives), DoG, LoG, box, disk.

Every kernel is a correlation kernel (``imfilter`` correlates). Gaussians
follow scipy.ndimage.gaussian_filter exactly: radius ``int(truncate * sigma
+ 0.5)``, weights normalised to sum 1 before the derivative polynomial, and
an axis whose sigma is 0 is left alone.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

from ._kernel import Kernel, with_recipe

__all__ = [
    "ball",
    "box",
    "disk",
    "dog",
    "gaussian",
    "gaussian_1d",
    "log",
    "moving_average",
    "per_axis",
]


def per_axis(value, ndim: int | None, name: str, kind=numbers.Real) -> tuple:
    """``value`` as one entry per axis (a scalar is repeated), checked."""
    if isinstance(value, (list, tuple, np.ndarray)):
        values = tuple(np.asarray(value).tolist())
        if ndim is not None and len(values) != ndim:
            raise ValueError(f"{name} must have one entry per axis ({ndim}), got {value!r}")
    else:
        values = (value,) * (2 if ndim is None else ndim)
    for v in values:
        if isinstance(v, bool) or not isinstance(v, kind):
            raise TypeError(f"{name} must be a {kind.__name__.lower()} or a sequence, got {v!r}")
    if not values:
        raise ValueError(f"{name} must name at least one axis")
    return values


def _radius(sigma: float, truncate: float, radius) -> int:
    if radius is not None:
        return int(radius)
    return int(truncate * float(sigma) + 0.5)


def gaussian_1d(sigma: float, order: int = 0, radius: int = 0) -> np.ndarray:
    """Correlation weights of the order-th derivative of a sampled Gaussian.

    The Gaussian ``exp(-x**2 / (2 sigma**2))`` is sampled at ``-radius ..
    radius`` and normalised to sum 1; its n-th derivative is that times
    ``(-1/sigma)**n He_n(x/sigma)`` (probabilists' Hermite polynomials).
    scipy.ndimage convolves with this, so the correlation weights are it
    reversed.
    """
    x = np.arange(-radius, radius + 1, dtype=np.float64)
    phi = np.exp(-0.5 * (x / sigma) ** 2)
    phi /= phi.sum()
    if order == 0:
        return phi
    u = x / sigma
    he_prev, he = np.ones_like(u), u  # He_0, He_1
    for n in range(1, order):
        he_prev, he = he, u * he - n * he_prev
    return ((-1.0 / sigma) ** order * he * phi)[::-1]


def gaussian(
    sigma: float | Sequence[float],
    ndim: int | None = None,
    truncate: float = 4.0,
    radius: int | Sequence[int] | None = None,
    order: int | Sequence[int] = 0,
) -> Kernel:
    """Gaussian kernel (or a derivative of it), separable, N-D.

    Parameters
    ----------
    sigma : float or sequence of float
        Standard deviation, one for every axis or one per axis. An axis
        with sigma 0 is not filtered (size 1).
    ndim : int, optional
        Number of axes (default: ``len(sigma)`` for a sequence, else 2).
    truncate : float, optional
        Radius in sigmas: ``radius = int(truncate * sigma + 0.5)``.
    radius : int or sequence of int, optional
        Radius per axis, overriding ``truncate``.
    order : int or sequence of int, optional
        Derivative order per axis (0: smoothing), as scipy.ndimage.

    Returns
    -------
    Kernel
        With its 1-D factors (one pass per axis in ``imfilter``) and a
        ``("gaussian", sigmas, orders)`` recipe (``algorithm="iir"`` uses it).

    Notes
    -----
    ``imfilter(a, gaussian(s, a.ndim), "reflect")`` equals
    ``scipy.ndimage.gaussian_filter(a, s)``, orders included. scikit-image's
    ``filters.gaussian`` is the same with its default ``mode="nearest"``.

    Examples
    --------
    >>> from imagekit.kernels import gaussian
    >>> k = gaussian(1.0)
    >>> k.shape, k.start
    ((9, 9), (-4, -4))
    >>> round(float(k.weights.sum()), 12)
    1.0
    >>> gaussian((2.0, 0.0)).shape
    (17, 1)
    """
    if ndim is None and not isinstance(sigma, (list, tuple, np.ndarray)):
        ndim = 2
    sigmas = per_axis(sigma, ndim, "sigma")
    ndim = len(sigmas)
    orders = per_axis(order, ndim, "order", numbers.Integral)
    radii = per_axis(radius, ndim, "radius", numbers.Integral) if radius is not None else None
    if not np.isfinite(truncate) or truncate < 0:
        raise ValueError(f"truncate must be a non-negative number, got {truncate!r}")
    factors = []
    for d, (s, o) in enumerate(zip(sigmas, orders)):
        if not np.isfinite(s) or s < 0:
            raise ValueError(f"sigma must be finite and non-negative, got {s!r}")
        if o < 0:
            raise ValueError(f"order must be non-negative, got {o!r}")
        if s <= 1e-15:  # scipy leaves such an axis alone, whatever the order
            factors.append(with_recipe(Kernel([1.0], start=0), ("gaussian", (0.0,), (0,))))
            continue
        r = _radius(s, truncate, None if radii is None else radii[d])
        if r < 0:
            raise ValueError(f"radius must be non-negative, got {r}")
        w = gaussian_1d(float(s), int(o), r)
        factors.append(with_recipe(Kernel(w, start=-r), ("gaussian", (float(s),), (int(o),))))
    return Kernel.from_factors(factors)


def _sum_aligned(kernels) -> Kernel:
    """Sum of centred kernels of different sizes, each padded to the largest."""
    shape = tuple(max(k.shape[d] for k in kernels) for d in range(kernels[0].ndim))
    total = np.zeros(shape)
    for k in kernels:
        pad = tuple(((n - m) // 2,) * 2 for n, m in zip(shape, k.shape))
        total += np.pad(k.weights, pad)
    return Kernel(total)


def dog(
    sigma: float | Sequence[float],
    sigma2: float | Sequence[float] | None = None,
    ndim: int | None = None,
    truncate: float = 4.0,
) -> Kernel:
    """Difference of Gaussians: ``gaussian(sigma) - gaussian(sigma2)``.

    ``sigma2`` defaults to ``1.6 * sigma`` (scikit-image's
    ``difference_of_gaussians`` default; ImageFiltering.jl uses sqrt(2)).
    Filtering by it equals subtracting the two Gaussian filters, like
    ``skimage.filters.difference_of_gaussians`` on the same border.

    Examples
    --------
    >>> from imagekit.kernels import dog
    >>> k = dog(1.0)
    >>> k.shape, abs(float(k.weights.sum())) < 1e-12
    ((13, 13), True)
    """
    sigmas = per_axis(sigma, ndim, "sigma")
    if sigma2 is None:
        sigma2 = tuple(1.6 * s for s in sigmas)
    sigmas2 = per_axis(sigma2, len(sigmas), "sigma2")
    if any(b < a for a, b in zip(sigmas, sigmas2)):
        raise ValueError(f"sigma2 must be at least sigma on every axis, got {sigma!r}, {sigma2!r}")
    lo = gaussian(sigmas, truncate=truncate)
    hi = gaussian(sigmas2, truncate=truncate)
    return _sum_aligned([lo, Kernel(-hi.weights)])


def log(sigma: float | Sequence[float], ndim: int | None = None, truncate: float = 4.0) -> Kernel:
    """Laplacian of Gaussian: the sum over axes of the second derivative along it.

    Equals scipy.ndimage.gaussian_laplace(a, sigma) under ``imfilter``.

    Examples
    --------
    >>> from imagekit.kernels import log
    >>> k = log(1.0)
    >>> k.shape, float(k.weights[4, 4]) < 0
    ((9, 9), True)
    """
    sigmas = per_axis(sigma, ndim, "sigma")
    n = len(sigmas)
    terms = [
        gaussian(sigmas, truncate=truncate, order=[int(e == d) * 2 for e in range(n)])
        for d in range(n)
    ]
    return Kernel(sum(t.weights for t in terms))


def box(size: int | Sequence[int], ndim: int | None = None) -> Kernel:
    """Box (uniform) averaging kernel: ``size`` taps of ``1/size`` per axis.

    Centred like scipy.ndimage.uniform_filter (element ``size // 2`` at
    offset 0), separable.

    Examples
    --------
    >>> from imagekit.kernels import box
    >>> box(3).weights
    array([[0.11111111, 0.11111111, 0.11111111],
           [0.11111111, 0.11111111, 0.11111111],
           [0.11111111, 0.11111111, 0.11111111]])
    """
    sizes = per_axis(size, ndim, "size", numbers.Integral)
    if any(s < 1 for s in sizes):
        raise ValueError(f"size must be at least 1, got {size!r}")
    return Kernel.from_factors([np.full(s, 1.0 / s) for s in sizes])


def moving_average(size: int, axis: int = 0, ndim: int = 1) -> Kernel:
    """Running mean of ``size`` samples along one axis (scipy's uniform_filter1d).

    Examples
    --------
    >>> from imagekit.kernels import moving_average
    >>> moving_average(4, axis=1, ndim=2).shape
    (1, 4)
    """
    if not 0 <= axis < ndim:
        raise ValueError(f"axis={axis} is out of range for ndim={ndim}")
    sizes = [1] * ndim
    sizes[axis] = size
    return box(sizes)


def disk(radius: float, ndim: int = 2) -> Kernel:
    """Averaging over the pixels within ``radius`` of the centre (an N-D disk).

    Examples
    --------
    >>> from imagekit.kernels import disk
    >>> (disk(1).weights * 5).round(12)
    array([[0., 1., 0.],
           [1., 1., 1.],
           [0., 1., 0.]])
    """
    if not np.isfinite(radius) or radius < 0:
        raise ValueError(f"radius must be finite and non-negative, got {radius!r}")
    r = int(np.floor(radius))
    grid = np.indices((2 * r + 1,) * ndim) - r
    mask = (grid**2).sum(axis=0) <= radius * radius
    return Kernel(mask / mask.sum())


def ball(radius: float) -> Kernel:
    """3-D ``disk``: averaging over a ball of ``radius``.

    Examples
    --------
    >>> from imagekit.kernels import ball
    >>> ball(1).shape
    (3, 3, 3)
    """
    return disk(radius, ndim=3)
