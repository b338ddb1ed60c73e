"""imfilter: the public N-D correlation, a thin call through a (cached) plan.

The call is resolved into a :class:`~imagekit.filtering.Plan` (options,
dtypes, geometry, factors, strategy and its prepared loop; equal calls share
one), which then runs on the image (``_execute.py``). Dask and CuPy arrays
go to their backends.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .._dispatch import route
from .._docstrings import docfiller
from .._typing import Algorithm, ArrayLike, BorderLike, DTypeLike, KernelLike, ShapeMode
from ._execute import apply, filter_with_plan
from ._plan import make_plan

__all__ = ["filter_with_plan", "imfilter"]


@docfiller
def imfilter(
    image: ArrayLike,
    kernel: KernelLike,
    border: BorderLike = "reflect",
    *,
    shape: ShapeMode = "same",
    algorithm: Algorithm = "auto",
    channel_axis: int | None = None,
    axes: Sequence[int] | None = None,
    out: np.ndarray | None = None,
    dtype: DTypeLike = None,
) -> np.ndarray:
    """Filter an N-D image by correlation with a kernel.

    ``out[x] = sum_j k[j] * image[x + j]`` over the kernel's offsets ``j``
    (scipy.ndimage.correlate; ImageFiltering.jl's ``imfilter``). For a true
    convolution pass ``kernels.reflect(k)``.

    Parameters
    ----------
    image : (..., M, N) ndarray or dask.array.Array
        Any numeric N-D array (bool, integer, floating, complex), any memory
        layout. It is never modified. A Dask array gives a lazy Dask array
        with the same chunks (for ``shape='same'``), equal to the in-memory
        result at every border.
    kernel : ndarray, Kernel or tuple
        An array is centred (element ``size // 2`` along each axis is offset
        0, scipy's ``origin=0``); a :class:`~imagekit.kernels.Kernel` carries
        its own offsets; a tuple is a cascade applied one after another, and
        a tuple of one 1-D kernel per filtered axis is the factored form
        (factor ``d`` acts along filtered axis ``d``). Kernels must be finite.
    %(border)s
    shape : {'same', 'valid', 'full'}, optional
        ``'same'``: the image's shape. ``'valid'``: only where the kernel
        lies inside the image (ImageFiltering's ``Inner()``; empty along an
        axis where the kernel is longer than the image). ``'full'``: grown
        by the kernel, every position where it overlaps the image (like
        MATLAB's ``conv2(..., 'full')`` and scipy.signal.correlate).
    algorithm : {'auto', 'direct', 'separable', 'fft', 'iir', 'shifts'}, optional
        ``'auto'`` picks the cheapest exact strategy by a cost model (see
        :func:`imagekit.filtering.plan`); kernels from
        ``kernels.factored.iir_gaussian`` run the recursive Gaussian.
        ``'fft'`` is exact to float rounding; ``'iir'`` is an approximation.
        ``'shifts'`` runs NumPy array operations alone (what ``'auto'`` takes
        for a small first call, before numba has started).
    channel_axis : int, optional
        This axis holds the channels of a vector pixel: each channel is
        filtered on its own with the same spatial kernel.
    axes : sequence of int, optional
        The image axes the kernel's axes apply to, in order (default: all
        axes but ``channel_axis``). Other axes are not filtered.
    out : ndarray, optional
        Written in place and returned. Its dtype is the output dtype.
    dtype : dtype, optional
        Output dtype. Integers are rounded half to even and clipped to the
        dtype's range, never wrapped.

    Returns
    -------
    ndarray
        %(dtype_policy)s

    Raises
    ------
    ValueError, TypeError
        For a kernel with more (or, without ``axes``, fewer) axes than the
        image has to filter, an empty or non-finite kernel, an unknown
        border/shape/algorithm, an axis out of range, or an ``out`` of the
        wrong shape or dtype; the message names the argument.

    See Also
    --------
    scipy.ndimage.correlate, scipy.signal.correlate, cv2.filter2D

    Notes
    -----
    Zero weights are skipped (as scipy.ndimage does), so a NaN under a zero
    weight does not reach the output. A cascade equals one filter with the
    composed kernel for every border: it is not re-bordered between stages.

    Examples
    --------
    A one-sided kernel: taps at offsets -2, -1 and 0 along the second axis
    (``start=(0, -2)``), so each output sees its own pixel and the two to
    its left. On an image whose first column is 1..5 and the rest 0, with
    zeros outside, each weight appears where its tap reaches that column:

    >>> import numpy as np
    >>> from imagekit import imfilter
    >>> from imagekit.kernels import Kernel
    >>> A = np.zeros((5, 7)); A[:, 0] = np.arange(1, 6)
    >>> k = Kernel([[0.0251132, 0.155058, 0.0603386]], start=(0, -2))
    >>> imfilter(A, k, 0)[:2, :4]
    array([[0.0603386, 0.155058 , 0.0251132, 0.       ],
           [0.1206772, 0.310116 , 0.0502264, 0.       ]])

    A true convolution, equal to scipy.ndimage.convolve:

    >>> from imagekit.kernels import reflect
    >>> imfilter(np.arange(5.0), reflect([1.0, 2.0, 0.0]), "nearest")
    array([ 1.,  4.,  7., 10., 12.])
    """
    options = dict(
        shape=shape, algorithm=algorithm, channel_axis=channel_axis, axes=axes, dtype=dtype
    )
    backend = route("imfilter", image)  # Dask: lazy, block by block; CuPy & co: on device
    if backend is not None:
        return backend(image, kernel, border, out=out, **options)
    return apply(make_plan(image, kernel, border, **options), np.asarray(image), out)
