"""scipy.ndimage's ``generic_laplace`` and ``generic_gradient_magnitude``.

Both sum one term per axis from a user's derivative callable, called as
scipy calls it: ``derivative(input, axis, output, mode, cval,
*extra_arguments, **extra_keywords)``, first with the output array, then
with the output's dtype for every further axis. When the callable is one
of this package's drop-ins (``correlate1d``, ``sobel``, ``gaussian_filter``
...), each term runs on imagekit's engine; a scipy callable runs on scipy's.
"""

from __future__ import annotations

import numpy as np

from ._support import add_term, check_axes, over_axes, square_and_add

__all__ = ["generic_gradient_magnitude", "generic_laplace"]


def generic_laplace(
    input,
    derivative2,
    output=None,
    mode="reflect",
    cval=0.0,
    extra_arguments=(),
    extra_keywords=None,
    *,
    axes=None,
):
    """Drop-in for ``scipy.ndimage.generic_laplace``.

    The sum over ``axes`` of ``derivative2(input, axis, output, mode, cval,
    *extra_arguments, **extra_keywords)``; ``mode`` may be one per axis.
    Further terms are added in the output's dtype, as in scipy.

    See Also
    --------
    imagekit.compat.ndimage.laplace : with ``[1, -2, 1]`` along each axis.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat import ndimage
    >>> def d2(input, axis, output, mode, cval):
    ...     return ndimage.correlate1d(input, [1, -2, 1], axis, output, mode, cval)
    >>> ndimage.generic_laplace(np.array([0.0, 1.0, 4.0, 9.0]), d2, mode="nearest")
    array([ 1.,  2.,  2., -5.])
    """
    input = np.asarray(input)
    return over_axes(
        input, derivative2, output, mode, cval, axes, add_term, extra_arguments, extra_keywords
    )


def generic_gradient_magnitude(
    input,
    derivative,
    output=None,
    mode="reflect",
    cval=0.0,
    extra_arguments=(),
    extra_keywords=None,
    *,
    axes=None,
):
    """Drop-in for ``scipy.ndimage.generic_gradient_magnitude``.

    The square root of the sum over ``axes`` of the squares of
    ``derivative(input, axis, output, mode, cval, *extra_arguments,
    **extra_keywords)``, squared and summed in the output's dtype (the
    square root is written back with unsafe casting), as in scipy.

    See Also
    --------
    imagekit.compat.ndimage.gaussian_gradient_magnitude : with Gaussian derivatives.
    imagekit.magnitude : the native call.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.compat import ndimage
    >>> ramp = np.add.outer(np.arange(4.0), 2 * np.arange(5.0))  # slopes 1 and 2
    >>> ndimage.generic_gradient_magnitude(ramp, ndimage.sobel)[1, 1:4].round(3)
    array([17.889, 17.889, 17.889])
    """
    input = np.asarray(input)
    output = over_axes(
        input, derivative, output, mode, cval, axes, square_and_add, extra_arguments, extra_keywords
    )
    if check_axes(axes, input.ndim):
        np.sqrt(output, output, casting="unsafe")
    return output
