"""imfilter: the public N-D correlation, as a staged pipeline.

1. resolve the call into a Plan (options, dtypes, geometry, factors, strategy);
2. check ``out=``;
3. compose: NA borders become a ratio of two zero-filled filters, complex
   inputs become real filters of their parts;
4. run the plan's strategy on real arrays;
5. cast into the output (rounded and clipped for integers).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .._dispatch import route
from .._docstrings import docfiller
from .._dtypes import cast_into
from .._recycle import empty
from .._typing import Algorithm, ArrayLike, BorderLike, DTypeLike, KernelLike, ShapeMode
from ..borders import NA, Fill
from ._options import normalize_out
from ._plan import STRATEGIES, Plan, derive, make_plan

__all__ = ["filter_with_plan", "imfilter"]


def _filter_real(image: np.ndarray, plan: Plan, out: np.ndarray | None = None) -> np.ndarray:
    """Run the plan's strategy on a real image; ``out`` is a C-contiguous buffer or None."""
    if out is None:
        out = empty(plan.out_shape, plan.compute_dtype)
    STRATEGIES[plan.strategy].run(image, plan, out)
    return out


def _parts(x):
    """(real, imag) of an array or scalar; imag is None when it is real."""
    if np.iscomplexobj(x):
        return np.real(x), np.imag(x)
    return x, None


def _filter_complex(image: np.ndarray, plan: Plan) -> np.ndarray:
    """Complex correlation as real ones: (a + ib) * (p + iq) = (ap - bq) + i(aq + bp)."""
    a, b = _parts(image)
    fill = plan.border.value if isinstance(plan.border, Fill) else None
    fr, fi = _parts(fill) if fill is not None else (None, None)
    if fi is not None and b is None:
        b = np.zeros(image.shape, plan.compute_dtype)
    p, q = _parts(plan.kernel.weights)
    kernel = plan.kernel

    def run(img, w, f):
        k = type(kernel)(w, start=kernel.start)
        border = Fill(0.0 if f is None else f) if fill is not None else None
        return _filter_real(img, derive(plan, kernel=k, border=border))

    re = run(a, p, fr)
    im = np.zeros_like(re)
    if q is not None:
        im += run(a, q, fr)
    if b is not None:
        im += run(b, p, fi)
        if q is not None:
            re -= run(b, q, fi)
    result = np.empty(plan.out_shape, np.result_type(plan.compute_dtype, np.complex64))
    result.real, result.imag = re, im
    return result


def _filter_na(image: np.ndarray, plan: Plan) -> np.ndarray:
    """Normalised filtering: NaN and out-of-image pixels are left out of each sum."""
    missing = np.isnan(image)
    values = np.where(missing, 0, image) if missing.any() else image
    zero = derive(plan, border=Fill(0.0))
    num = filter_with_plan(values, zero)
    available = (~missing).astype(plan.compute_dtype)
    den = filter_with_plan(available, zero)
    if zero.strategy == "fft":
        # The transform leaves ~eps residue where no weight was available, where
        # an exact strategy gives 0 (and so NaN). Find those places exactly: the
        # number of available taps is an integer, so its FFT rounds back exactly.
        k = plan.kernel
        support = type(k)((k.weights != 0).astype(plan.compute_dtype), start=k.start)
        counts = filter_with_plan(available, derive(zero, kernel=support))
        den[np.rint(counts) == 0] = 0
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.divide(num, den, out=num)
    result[den == 0] = np.nan  # no weight available: not available
    return result


def filter_with_plan(image: np.ndarray, plan: Plan) -> np.ndarray:
    """The filtered image in the plan's natural dtype (compute precision)."""
    if isinstance(plan.border, NA):
        return _filter_na(image, plan)
    if plan.is_complex:
        return _filter_complex(image, plan)
    return _filter_real(image, plan)


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
    algorithm : {'auto', 'direct', 'separable', 'fft', 'iir'}, optional
        ``'auto'`` picks the cheapest exact strategy by a cost model (see
        :func:`imagekit.filtering.plan`); kernels from
        ``kernels.factored.iir_gaussian`` run the recursive Gaussian.
        ``'fft'`` is exact to float rounding; ``'iir'`` is an approximation.
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
    # 1. resolve
    plan = make_plan(image, kernel, border, **options)
    a = np.asarray(image)
    # 2. check out=
    if out is not None:
        out = normalize_out(out, plan.out_shape, dtype)
        if plan.is_complex and out.dtype.kind != "c":
            raise TypeError(f"out has dtype {out.dtype}, but the result is complex")
    target = plan.out_dtype if out is None else out.dtype
    # 3–4. compose and run. Real, non-NA filters run straight into the output
    # (the strategy casts), unless `out` is strided or overlaps the image.
    if not plan.is_complex and not isinstance(plan.border, NA):
        dst = empty(plan.out_shape, target) if out is None else out
        if dst.flags.c_contiguous and not np.may_share_memory(dst, a):
            _filter_real(a, plan, dst)
            return dst
    result = filter_with_plan(a, plan)
    # 5. cast
    if out is None:
        if result.dtype == target:
            return result
        out = empty(plan.out_shape, target)
    cast_into(result, out)
    return out
