"""imgradients: the derivative of an image along each of its spatial axes."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .._dispatch import array_kind, route
from .._docstrings import docfiller
from .._typing import ArrayLike, BorderLike
from ..kernels import Kernel
from ..kernels._derivatives import GRADIENT_FACTORS, gradient_factors
from ._imfilter import imfilter
from ._options import as_image, normalize_axes

__all__ = ["imgradients", "magnitude"]


@docfiller
def imgradients(
    image: ArrayLike,
    kernel: str | Callable = "ando3",
    border: BorderLike = "reflect",
    *,
    channel_axis: int | None = None,
) -> tuple[np.ndarray, ...]:
    """The image's derivative along each spatial axis (ImageFiltering.jl's ``imgradients``).

    Parameters
    ----------
    image : ndarray
        N-D image, any numeric dtype (never modified).
    kernel : str or callable, optional
        A derivative family: ``'ando3'`` (default), ``'ando4'``, ``'ando5'``,
        ``'sobel'``, ``'prewitt'``, ``'scharr'``, ``'bickley'``, ``'farid'``;
        or a callable ``f(axis, ndim) -> Kernel`` (for example
        ``lambda axis, ndim: kernels.gaussian(2.0, ndim, order=...)``).
    %(border)s
    channel_axis : int, optional
        Axis of channels: each channel is differentiated on its own.

    Returns
    -------
    tuple of ndarray
        One derivative per spatial axis, in axis order, each scaled so that
        a unit slope gives 1 (see the kernels' docstrings for how that
        relates to scipy's and OpenCV's scaling).

    See Also
    --------
    magnitude, imagekit.kernels.sobel, numpy.gradient

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit import imgradients
    >>> ramp = np.add.outer(2.0 * np.arange(6), np.arange(6))  # slopes 2 and 1
    >>> gy, gx = imgradients(ramp, "sobel", "nearest")
    >>> float(gy[3, 3]), float(gx[3, 3])
    (2.0, 1.0)
    """
    # Dask: lazy gradients; CuPy & co: on the array's device
    a = image if array_kind(image) != "numpy" else as_image(image)
    axes = normalize_axes(a.ndim, channel_axis, None)
    if callable(kernel):
        make = kernel
    elif isinstance(kernel, str) and kernel in GRADIENT_FACTORS:
        family = kernel

        def make(axis, ndim):
            return Kernel.from_factors(gradient_factors(family, axis, ndim))
    else:
        raise ValueError(
            f"kernel={kernel!r} is not one of: {', '.join(GRADIENT_FACTORS)} (or a callable)"
        )
    n = len(axes)
    return tuple(imfilter(a, make(d, n), border, channel_axis=channel_axis) for d in range(n))


def magnitude(gradients: Sequence[ArrayLike]) -> np.ndarray:
    """The gradient magnitude ``sqrt(sum(g**2))`` of :func:`imgradients`' result.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit import magnitude
    >>> magnitude((np.array([3.0]), np.array([4.0])))
    array([5.])
    """
    if not len(gradients):
        raise ValueError("gradients must hold at least one array")
    backend = route("magnitude", *gradients)  # Dask: lazy; CuPy & co: on their device
    if backend is not None:
        return backend(gradients)
    gs = [np.asarray(g) for g in gradients]
    total = np.zeros(np.broadcast_shapes(*(g.shape for g in gs)), np.result_type(*gs, np.float32))
    for g in gs:
        total += np.abs(g) ** 2
    return np.sqrt(total)
