"""scipy.ndimage's correlations and uniform filters on imagekit's engine."""

from __future__ import annotations

import operator

import numpy as np

from ._engine import Pass, correlate_nd, run_passes
from ._support import (
    as_input,
    check_axes,
    get_output,
    normalize_axis,
    normalize_sequence,
)

__all__ = [
    "convolve",
    "convolve1d",
    "correlate",
    "correlate1d",
    "uniform_filter",
    "uniform_filter1d",
]


def _check_origin(origin, size: int) -> None:
    """scipy's range test (a non-number fails the comparison with a TypeError)."""
    if origin < -(size // 2) or origin > (size - 1) // 2:
        raise ValueError(
            "Invalid origin; origin must satisfy -(weights.shape[k] // 2) <= origin[k] <= "
            f"(weights.shape[k]-1) // 2: got origin {origin} for a kernel of length {size}"
        )


def _integer_origin(origin) -> int:
    """An origin in range must still be an integer: scipy's C call's TypeError."""
    try:
        return operator.index(origin)
    except TypeError:
        raise TypeError(f"origin must be an integer, got {origin!r}") from None


def _reflected_origin(origin, size: int):
    """The origin of the reflected kernel (convolution as correlation).

    Reflection (:func:`imagekit.kernels.reflect`) negates the offsets a
    kernel covers; in scipy's terms ``o`` becomes ``-o``, or ``-o - 1`` for
    an even length.
    """
    origin = -origin
    return origin - 1 if not size & 1 else origin


def _flipped(weights: np.ndarray, origins) -> tuple[np.ndarray, list]:
    """Convolution as correlation: the weights reflected on every axis, and their origins."""
    if weights.ndim == 0 or weights.size == 0:
        return weights, list(origins)
    return np.flip(weights), [_reflected_origin(o, n) for n, o in zip(weights.shape, origins)]


def _complex_via_real_components(func, input, weights, output, cval, **kwargs):
    """scipy's complex filtering: real filters of the parts, combined in ``output``."""
    complex_input = input.dtype.kind == "c"
    complex_weights = weights.dtype.kind == "c"
    if complex_input and complex_weights:
        func(input.real, weights.real, output=output.real, cval=np.real(cval), **kwargs)
        output.real -= func(input.imag, weights.imag, output=None, cval=np.imag(cval), **kwargs)
        func(input.real, weights.imag, output=output.imag, cval=np.real(cval), **kwargs)
        output.imag += func(input.imag, weights.real, output=None, cval=np.imag(cval), **kwargs)
    elif complex_input:
        func(input.real, weights, output=output.real, cval=np.real(cval), **kwargs)
        func(input.imag, weights, output=output.imag, cval=np.imag(cval), **kwargs)
    else:
        if np.iscomplexobj(cval):
            raise ValueError("Cannot provide a complex-valued cval when the input is real.")
        func(input, weights.real, output=output.real, cval=cval, **kwargs)
        func(input, weights.imag, output=output.imag, cval=cval, **kwargs)
    return output


def correlate1d(input, weights, axis=-1, output=None, mode="reflect", cval=0.0, origin=0):
    """Drop-in for ``scipy.ndimage.correlate1d``, on imagekit's engine.

    Same parameters, defaults, output dtype and errors as scipy's; see the
    module docstring of :mod:`imagekit.compat.ndimage` for the dtype rules.

    See Also
    --------
    imagekit.imfilter : the native call, ``imfilter(a, w, axes=(axis,))``.

    Examples
    --------
    >>> from imagekit.compat.ndimage import correlate1d
    >>> correlate1d([2, 8, 0, 4, 1, 9, 9, 0], weights=[1, 3])
    array([ 8, 26,  8, 12,  7, 28, 36,  9])
    """
    input = as_input(input)
    weights = np.asarray(weights)
    if input.dtype.kind == "c" or weights.dtype.kind == "c":
        if weights.dtype.kind == "c":
            weights = weights.conj().astype(np.complex128, copy=False)
        output = get_output(output, input, complex_output=True)
        kwargs = dict(axis=axis, mode=mode, origin=origin)
        return _complex_via_real_components(correlate1d, input, weights, output, cval, **kwargs)
    output = get_output(output, input)
    weights = np.asarray(weights, dtype=np.float64)
    if weights.ndim != 1 or weights.shape[0] < 1:
        raise RuntimeError(f"no filter weights given: weights must be 1-D, got {weights.shape}")
    axis = normalize_axis(axis, input.ndim)
    _check_origin(origin, weights.size)
    passes = [Pass(axis, weights, _integer_origin(origin), mode)]
    return run_passes(input, passes, output, cval)


def convolve1d(input, weights, axis=-1, output=None, mode="reflect", cval=0.0, origin=0):
    """Drop-in for ``scipy.ndimage.convolve1d``, on imagekit's engine.

    Correlation with the reflected kernel (:func:`imagekit.kernels.reflect`).

    See Also
    --------
    imagekit.kernels.reflect : convolution as correlation.

    Examples
    --------
    >>> from imagekit.compat.ndimage import convolve1d
    >>> convolve1d([2, 8, 0, 4, 1, 9, 9, 0], weights=[1, 3])
    array([14, 24,  4, 13, 12, 36, 27,  0])
    """
    # scipy's order: reverse (a 0-d array raises IndexError), move the origin,
    # then let correlate1d check the weights, the complex cval and the rest.
    flipped = np.asarray(weights)[::-1]
    origin = _reflected_origin(origin, flipped.shape[0])
    if flipped.dtype.kind == "c":  # undo correlate1d's conjugation
        flipped = flipped.conj()
    return correlate1d(input, flipped, axis, output, mode, cval, origin)


def _expand(input, weights, origin, axes):
    """scipy's ``axes``: weights gain unit axes, origins go to the filtered axes."""
    ndim = input.ndim
    origins = normalize_sequence(origin, len(axes), "origin")
    if len(axes) < ndim:
        if weights.ndim != len(axes):
            raise RuntimeError(f"weights.ndim ({weights.ndim}) must match len(axes) ({len(axes)})")
        weights = np.expand_dims(weights, tuple(ax for ax in range(ndim) if ax not in axes))
        full = [0] * ndim
        for o, ax in zip(origins, axes):
            full[ax] = o
        origins = full
    if len([n for n in weights.shape if n > 0]) != ndim:
        raise RuntimeError(f"weights.ndim ({weights.ndim}) must match len(axes) ({len(axes)})")
    return weights, list(origins)


def _correlate_or_convolve(input, weights, output, mode, cval, origin, convolution, axes):
    input = as_input(input)
    weights = np.asarray(weights)
    if input.dtype.kind == "c" or weights.dtype.kind == "c":
        if weights.dtype.kind == "c" and not convolution:
            weights = weights.conj()  # as numpy.correlate does
        output = get_output(output, input, complex_output=True)
        kwargs = dict(mode=mode, origin=origin, convolution=convolution, axes=axes)
        return _complex_via_real_components(
            _correlate_or_convolve, input, weights, output, cval, **kwargs
        )
    axes = check_axes(axes, input.ndim)
    weights, origins = _expand(input, np.asarray(weights, dtype=np.float64), origin, axes)
    if convolution:
        weights, origins = _flipped(weights, origins)
    for o, n in zip(origins, weights.shape):
        _check_origin(o, n)
    output = get_output(output, input)
    if not isinstance(mode, str) and np.iterable(mode):
        raise RuntimeError("A sequence of modes is not supported by correlate and convolve")
    origins = [_integer_origin(o) for o in origins]
    if input.ndim == 0:  # the engine filters arrays with axes: one sample
        correlate_nd(input.reshape(1), weights.reshape(1), [0], mode, cval, output.reshape(1))
        return output
    return correlate_nd(input, weights, origins, mode, cval, output)


def correlate(input, weights, output=None, mode="reflect", cval=0.0, origin=0, *, axes=None):
    """Drop-in for ``scipy.ndimage.correlate``, on imagekit's engine.

    Weights of magnitude at most ``DBL_EPSILON`` are left out, as scipy does.
    A sequence of modes raises RuntimeError, as in scipy.

    See Also
    --------
    imagekit.imfilter : the native call, with ``Kernel(w, start=-(n // 2) - origin)``.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.ndimage import correlate
    >>> correlate(np.arange(9).reshape(3, 3), [[0, 1], [1, 0]])
    array([[ 0,  1,  3],
           [ 3,  4,  6],
           [ 9, 10, 12]])
    """
    return _correlate_or_convolve(input, weights, output, mode, cval, origin, False, axes)


def convolve(input, weights, output=None, mode="reflect", cval=0.0, origin=0, *, axes=None):
    """Drop-in for ``scipy.ndimage.convolve``, on imagekit's engine.

    Correlation with the reflected kernel (:func:`imagekit.kernels.reflect`);
    for an even-sized kernel scipy's origin ``o`` becomes ``-o - 1``.

    See Also
    --------
    imagekit.kernels.reflect : convolution as correlation.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.ndimage import convolve
    >>> convolve(np.arange(5.0), [1.0, 2.0, 0.0], mode="nearest")
    array([ 1.,  4.,  7., 10., 12.])
    """
    return _correlate_or_convolve(input, weights, output, mode, cval, origin, True, axes)


def _box_pass(size, axis, origin, mode) -> Pass:
    if size < 1:
        raise RuntimeError(f"incorrect filter size: size must be at least 1, got {size}")
    if size // 2 + origin < 0 or size // 2 + origin >= size:
        raise ValueError(f"invalid origin: {origin} for a filter of size {size}")
    return Pass(axis, np.full(size, 1.0 / size), _integer_origin(origin), mode, box=size)


def uniform_filter1d(input, size, axis=-1, output=None, mode="reflect", cval=0.0, origin=0):
    """Drop-in for ``scipy.ndimage.uniform_filter1d``, on imagekit's engine.

    See Also
    --------
    imagekit.kernels.moving_average : the native kernel.

    Examples
    --------
    >>> from imagekit.compat.ndimage import uniform_filter1d
    >>> uniform_filter1d([2, 8, 0, 4, 1, 9, 9, 0], size=3)
    array([4, 3, 4, 1, 4, 6, 6, 3])
    """
    input = as_input(input)
    axis = normalize_axis(axis, input.ndim)
    p = _box_pass(size, axis, origin, mode)
    output = get_output(output, input, complex_output=input.dtype.kind == "c")
    return run_passes(input, [p], output, cval)


def uniform_filter(input, size=3, output=None, mode="reflect", cval=0.0, origin=0, *, axes=None):
    """Drop-in for ``scipy.ndimage.uniform_filter``, on imagekit's engine.

    ``size``, ``mode`` and ``origin`` may be one per filtered axis, as in scipy.

    See Also
    --------
    imagekit.kernels.box : the native kernel.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.ndimage import uniform_filter
    >>> uniform_filter(np.arange(9.0).reshape(3, 3), size=3, mode="constant")
    array([[0.88888889, 1.66666667, 1.33333333],
           [2.33333333, 4.        , 3.        ],
           [2.22222222, 3.66666667, 2.66666667]])
    """
    input = as_input(input)
    output = get_output(output, input, complex_output=input.dtype.kind == "c")
    axes = check_axes(axes, input.ndim)
    sizes = normalize_sequence(size, len(axes), "size")
    origins = normalize_sequence(origin, len(axes), "origin")
    modes = normalize_sequence(mode, len(axes), "mode")
    passes = [
        _box_pass(int(s), ax, o, m) for ax, s, o, m in zip(axes, sizes, origins, modes) if s > 1
    ]
    return run_passes(input, passes, output, cval)
