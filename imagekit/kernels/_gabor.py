"""Gabor kernels: a Gaussian envelope times a complex sinusoid."""

from __future__ import annotations

import numpy as np

from ._kernel import Kernel
from ._smoothing import per_axis

__all__ = ["gabor"]


def gabor(
    size: int,
    sigma: float,
    theta: float,
    wavelength: float,
    phase: float = 0.0,
    aspect: float = 1.0,
) -> tuple[Kernel, Kernel]:
    """Real and imaginary parts of a 2-D Gabor kernel.

    ``g(x, y) = exp(-(x'**2 + aspect**2 * y'**2) / (2 sigma**2)) *
    exp(i (2 pi x' / wavelength + phase))`` with ``x' = x cos(theta) +
    y sin(theta)``, ``y' = -x sin(theta) + y cos(theta)``; ``x`` runs along
    axis 1 (columns), ``y`` along axis 0 (rows), both centred.

    Parameters
    ----------
    size : int or (int, int)
        Kernel shape (rows, columns); odd sizes keep the centre on a pixel.
    sigma : float
        Standard deviation of the envelope along ``x'``.
    theta : float
        Orientation of the carrier, in radians.
    wavelength : float
        Wavelength of the carrier, in pixels.
    phase : float, optional
        Phase offset of the carrier, in radians.
    aspect : float, optional
        Spatial aspect ratio (``gamma``): the envelope's sigma along ``y'``
        is ``sigma / aspect``.

    Returns
    -------
    (Kernel, Kernel)
        The real (even) and imaginary (odd) parts, as ImageFiltering.jl's
        ``Kernel.gabor``; not separable in general. Filter with each, or with
        ``Kernel(re.weights + 1j * im.weights)`` for a complex response.

    Examples
    --------
    >>> from imagekit.kernels import gabor
    >>> re, im = gabor(7, sigma=2.0, theta=0.0, wavelength=4.0)
    >>> re.shape, float(im.weights[3, 3])
    ((7, 7), 0.0)
    """
    ny, nx = per_axis(size, 2, "size", int)
    if ny < 1 or nx < 1:
        raise ValueError(f"size must be positive, got {size!r}")
    for name, v in (("sigma", sigma), ("wavelength", wavelength), ("aspect", aspect)):
        if not np.isfinite(v) or v <= 0:
            raise ValueError(f"{name} must be a positive number, got {v!r}")
    y, x = np.meshgrid(np.arange(ny) - ny // 2, np.arange(nx) - nx // 2, indexing="ij")
    xr = x * np.cos(theta) + y * np.sin(theta)
    yr = -x * np.sin(theta) + y * np.cos(theta)
    envelope = np.exp(-(xr**2 + (aspect * yr) ** 2) / (2.0 * sigma**2))
    carrier = 2 * np.pi * xr / wavelength + phase
    return Kernel(envelope * np.cos(carrier)), Kernel(envelope * np.sin(carrier))
