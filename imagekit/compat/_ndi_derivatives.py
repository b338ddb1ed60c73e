"""scipy.ndimage's Sobel, Prewitt and Laplace filters on imagekit's engine.

The weights come from :mod:`imagekit.kernels`, rescaled to scipy's: imagekit's
derivative kernels give 1 on a unit slope (difference ``[-1, 0, 1] / 2``,
smoothing summing to 1), scipy's use ``[-1, 0, 1]`` and ``[1, 2, 1]`` or
``[1, 1, 1]``, so ``scipy.ndimage.sobel`` is ``2 * 4**(ndim - 1)`` times
``imagekit.kernels.sobel`` and ``prewitt`` is ``2 * 3**(ndim - 1)`` times
``imagekit.kernels.prewitt``. The factors are exact in floating point.
"""

from __future__ import annotations

import numpy as np

from ..kernels import factored, laplacian
from ._engine import Pass, run_passes
from ._ndi_linear import correlate1d
from ._support import add_term, as_input, get_output, normalize_axis, normalize_sequence, over_axes

__all__ = ["laplace", "prewitt", "sobel"]

# scipy's factor per kernel: (difference, smoothing).
_SCALES = {"sobel": (2.0, 4.0), "prewitt": (2.0, 3.0)}


def scipy_weights(name: str) -> tuple[np.ndarray, np.ndarray]:
    """scipy's 1-D (difference, smoothing) correlation weights, from imagekit's kernels."""
    diff, smooth = factored.sobel(0, 2) if name == "sobel" else factored.prewitt(0, 2)
    d_scale, s_scale = _SCALES[name]
    return diff.weights * d_scale, smooth.weights * s_scale


def _edge(name, input, axis, output, mode, cval):
    input = as_input(input)
    axis = normalize_axis(axis, input.ndim)
    output = get_output(output, input)
    modes = normalize_sequence(mode, input.ndim, "mode")
    diff, smooth = scipy_weights(name)
    passes = [Pass(axis, diff, 0, modes[axis])]
    passes += [Pass(ax, smooth, 0, modes[ax]) for ax in range(input.ndim) if ax != axis]
    return run_passes(input, passes, output, cval)


def sobel(input, axis=-1, output=None, mode="reflect", cval=0.0):
    """Drop-in for ``scipy.ndimage.sobel``, on imagekit's engine.

    ``2 * 4**(ndim - 1)`` times :func:`imagekit.kernels.sobel` (which gives 1
    on a unit slope). ``mode`` may be one per axis, as in scipy.

    See Also
    --------
    imagekit.kernels.sobel : the native kernel, scaled to a unit slope.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.ndimage import sobel
    >>> ramp = np.tile(np.arange(5.0), (5, 1))
    >>> sobel(ramp, axis=1)[2]
    array([4., 8., 8., 8., 4.])
    """
    return _edge("sobel", input, axis, output, mode, cval)


def prewitt(input, axis=-1, output=None, mode="reflect", cval=0.0):
    """Drop-in for ``scipy.ndimage.prewitt``, on imagekit's engine.

    ``2 * 3**(ndim - 1)`` times :func:`imagekit.kernels.prewitt`. ``mode``
    may be one per axis, as in scipy.

    See Also
    --------
    imagekit.kernels.prewitt : the native kernel, scaled to a unit slope.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.ndimage import prewitt
    >>> ramp = np.tile(np.arange(5.0), (5, 1))
    >>> prewitt(ramp, axis=1)[2]
    array([3., 6., 6., 6., 3.])
    """
    return _edge("prewitt", input, axis, output, mode, cval)


def laplace(input, output=None, mode="reflect", cval=0.0, *, axes=None):
    """Drop-in for ``scipy.ndimage.laplace``, on imagekit's engine.

    The sum over ``axes`` of ``[1, -2, 1]`` along each (the weights of
    :func:`imagekit.kernels.laplacian`); ``mode`` may be one per axis.

    See Also
    --------
    imagekit.kernels.laplacian : the native (N-D) kernel.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat.ndimage import laplace
    >>> laplace(np.array([0.0, 1.0, 4.0, 9.0, 16.0]), mode="nearest")
    array([ 1.,  2.,  2.,  2., -7.])
    """
    second = np.array(laplacian(1).weights)

    def derivative2(input, axis, output, mode, cval):
        return correlate1d(input, second, axis, output, mode, cval, 0)

    input = as_input(input)
    return over_axes(input, derivative2, output, mode, cval, axes, add_term)
