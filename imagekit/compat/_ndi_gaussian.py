"""scipy.ndimage's Gaussian filters on imagekit's engine."""

from __future__ import annotations

import numbers

import numpy as np

from ._engine import Pass, run_passes
from ._ndi_linear import correlate1d
from ._support import (
    add_term,
    as_input,
    check_axes,
    get_output,
    normalize_sequence,
    over_axes,
    sqrt_in_place,
    square_and_add,
)

__all__ = [
    "gaussian_filter",
    "gaussian_filter1d",
    "gaussian_gradient_magnitude",
    "gaussian_laplace",
    "gaussian_passes",
    "gaussian_weights",
]


def gaussian_weights(sigma: float, order: int, radius: int) -> np.ndarray:
    """scipy's ``_gaussian_kernel1d`` (a convolution kernel), to the last bit.

    :func:`imagekit.kernels.gaussian` gives the same weights to ~1e-15 by
    another formula; an integer output truncates, so the compat layer uses
    scipy's arithmetic for the weights as well.
    """
    if order < 0:
        raise ValueError("order must be non-negative")
    exponent_range = np.arange(order + 1)
    sigma2 = sigma * sigma
    x = np.arange(-radius, radius + 1)
    phi_x = np.exp(-0.5 / sigma2 * x**2)
    phi_x = phi_x / phi_x.sum()
    if order == 0:
        return phi_x
    # f(x) = q(x) * phi(x): apply d/dx to the polynomial q, order times.
    q = np.zeros(order + 1)
    q[0] = 1
    derivative = np.diag(exponent_range[1:], 1) + np.diag(np.ones(order) / -sigma2, -1)
    for _ in range(order):
        q = derivative.dot(q)
    q = (x[:, None] ** exponent_range).dot(q)
    return q * phi_x


def _gaussian_pass(sigma, axis, order, mode, truncate, radius) -> Pass:
    sd = float(sigma)
    lw = int(truncate * sd + 0.5)
    if radius is not None:
        lw = radius
    if not isinstance(lw, numbers.Integral) or lw < 0:
        raise ValueError(f"Radius must be a nonnegative integer, got {lw!r}.")
    return Pass(axis, gaussian_weights(sigma, order, lw)[::-1].copy(), 0, mode)


def gaussian_filter1d(
    input,
    sigma,
    axis=-1,
    order=0,
    output=None,
    mode="reflect",
    cval=0.0,
    truncate=4.0,
    *,
    radius=None,
):
    """Drop-in for ``scipy.ndimage.gaussian_filter1d``, on imagekit's engine.

    See Also
    --------
    imagekit.kernels.gaussian : the native kernel (weights equal to ~1e-15).

    Examples
    --------
    >>> from imagekit.compat.ndimage import gaussian_filter1d
    >>> gaussian_filter1d([1.0, 2.0, 3.0, 4.0, 5.0], 1)
    array([1.42704095, 2.06782203, 3.        , 3.93217797, 4.57295905])
    """
    p = _gaussian_pass(sigma, 0, order, mode, truncate, radius)
    return correlate1d(input, p.weights, axis, output, mode, cval, 0)


def gaussian_filter(
    input,
    sigma,
    order=0,
    output=None,
    mode="reflect",
    cval=0.0,
    truncate=4.0,
    *,
    radius=None,
    axes=None,
):
    """Drop-in for ``scipy.ndimage.gaussian_filter``, on imagekit's engine.

    ``sigma``, ``order``, ``mode`` and ``radius`` may be one per filtered
    axis; axes with ``sigma <= 1e-15`` are left alone, as in scipy.

    See Also
    --------
    imagekit.kernels.gaussian : the native kernel (weights equal to ~1e-15).

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.ndimage import gaussian_filter
    >>> gaussian_filter(np.arange(0, 50, 2).reshape(5, 5), sigma=1)
    array([[ 4,  6,  8,  9, 11],
           [10, 12, 14, 15, 17],
           [20, 22, 24, 25, 27],
           [29, 31, 33, 34, 36],
           [35, 37, 39, 40, 42]])
    """
    input = as_input(input)
    output = get_output(output, input)
    passes = gaussian_passes(input.ndim, sigma, order, mode, truncate, radius, axes)
    return run_passes(input, passes, output, cval)


def gaussian_passes(ndim, sigma, order, mode, truncate, radius, axes) -> list[Pass]:
    """The 1-D passes of ``gaussian_filter`` on an image of ``ndim`` axes, in scipy's order."""
    axes = check_axes(axes, ndim)
    n = len(axes)
    orders = normalize_sequence(order, n, "order")
    sigmas = normalize_sequence(sigma, n, "sigma")
    modes = normalize_sequence(mode, n, "mode")
    radii = normalize_sequence(radius, n, "radius")
    return [
        _gaussian_pass(s, ax, o, m, truncate, r)
        for ax, s, o, m, r in zip(axes, sigmas, orders, modes, radii)
        if s > 1e-15
    ]


def gaussian_laplace(input, sigma, output=None, mode="reflect", cval=0.0, *, axes=None, **kwargs):
    """Drop-in for ``scipy.ndimage.gaussian_laplace``, on imagekit's engine.

    ``kwargs`` go to :func:`gaussian_filter` (``truncate``, ``radius``).

    See Also
    --------
    imagekit.kernels.log : the native kernel.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.ndimage import gaussian_laplace
    >>> impulse = np.zeros((5, 5)); impulse[2, 2] = 1
    >>> float(gaussian_laplace(impulse, 1)[2, 2]) < 0
    True
    """
    input = as_input(input)
    axes = check_axes(axes, input.ndim)
    sigma = normalize_sequence(sigma, len(axes), "sigma")
    if len(axes) < input.ndim:  # axes not filtered get sigma 0
        full = [0] * input.ndim
        for s, ax in zip(sigma, axes):
            full[ax] = s
        sigma = full

    def derivative2(input, axis, output, mode, cval):
        order = [0] * input.ndim
        order[axis] = 2
        return gaussian_filter(input, sigma, order, output, mode, cval, **kwargs)

    return over_axes(input, derivative2, output, mode, cval, axes, add_term)


def gaussian_gradient_magnitude(
    input, sigma, output=None, mode="reflect", cval=0.0, *, axes=None, **kwargs
):
    """Drop-in for ``scipy.ndimage.gaussian_gradient_magnitude``, on imagekit's engine.

    ``kwargs`` go to :func:`gaussian_filter` (``truncate``, ``radius``). As
    in scipy, the smoothing covers every axis and ``axes`` chooses the
    derivatives summed.

    See Also
    --------
    imagekit.magnitude, imagekit.imgradients : the native calls.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.ndimage import gaussian_gradient_magnitude
    >>> ramp = np.tile(np.arange(9.0), (9, 1))
    >>> round(float(gaussian_gradient_magnitude(ramp, 1)[4, 4]), 4)
    0.9999
    """
    input = as_input(input)

    def derivative(input, axis, output, mode, cval):
        order = [0] * input.ndim
        order[axis] = 1
        return gaussian_filter(input, sigma, order, output, mode, cval, **kwargs)

    output = over_axes(input, derivative, output, mode, cval, axes, square_and_add)
    if check_axes(axes, input.ndim):
        sqrt_in_place(output)
    return output
