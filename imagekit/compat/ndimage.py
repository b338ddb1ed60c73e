"""scipy.ndimage's linear filters on imagekit's engine: a drop-in import swap.

``from imagekit.compat import ndimage`` in place of ``from scipy import
ndimage`` keeps every call below working with the same signatures (scipy
1.17), defaults, output dtypes, errors and results:

=============================  ===============================================
function                       engine
=============================  ===============================================
``correlate``, ``convolve``    one N-D ``imfilter`` (convolve: ``reflect(k)``)
``correlate1d``, ``convolve1d``  ``imfilter`` with a 1-D kernel on one axis
``gaussian_filter(1d)``        1-D Gaussian passes (one separable call)
``uniform_filter(1d)``         1-D box passes
``sobel``, ``prewitt``         ``kernels.sobel`` / ``kernels.prewitt``, rescaled
``laplace``                    ``[1, -2, 1]`` per axis, summed
``gaussian_laplace``           second-derivative Gaussians, summed
``gaussian_gradient_magnitude``  first-derivative Gaussians, root sum of squares
``generic_laplace``            the user's derivative per axis, summed
``generic_gradient_magnitude``  the user's derivative per axis, root sum of squares
=============================  ===============================================

Modes: ``'reflect'`` (``d c b a | a b c d | d c b a``), ``'mirror'``
(``d c b | a b c d | c b a``), ``'nearest'``, ``'wrap'``, ``'constant'``
(``cval``) and the ``grid-`` names, which for filters are the same as
``reflect``, ``wrap`` and ``constant`` (they differ only in scipy's
interpolation). Where scipy takes one mode per axis (the filters made of
1-D passes), so does this module; ``correlate`` and ``convolve`` refuse a
sequence, as scipy does. Unknown modes raise scipy's RuntimeError.

Bad arguments raise scipy's exception types, checked in scipy's order (a
complex ``cval`` on a real image is a ValueError before anything about the
weights; dtypes are checked last, where scipy's C code checks them), with
messages that name the argument.

Dtypes, as in scipy (checked by experiment against scipy 1.17):

- The output has the input's dtype unless ``output`` says otherwise (a
  dtype, or an array that is written in place and returned); complex
  input or weights give a complex output.
- The sums are computed in double precision whatever the dtypes, and cast
  into the output after every 1-D pass (a ``uint8`` Gaussian rounds down
  between its passes, as scipy's does).
- The cast is C's ``(type)value``: floats round to nearest; **integers
  truncate toward zero** (2.9 becomes 2, -2.9 becomes -2) and wrap past
  their range (-1 becomes 255 in ``uint8``); ``bool`` is true where that
  ``uint8`` is non-zero. float16 and long double raise RuntimeError, as in
  scipy.

Truncation makes the last bit of a sum visible (scipy turns a Gaussian of a
constant 3 into 2.9999999999999996, then 2), and so does ``0 * inf`` at a
zero weight. So integer and bool outputs, and images, weights or ``cval``
with NaN or inf, follow scipy's order of operations where it decides the
result (the engine's sum stands wherever no integer is within its error
bound) and are identical to scipy's. Floating outputs come from the engine
and agree with scipy to rounding: a few ulps of ``max|input| *
sum|weights|``.

Differences that remain:

- where scipy reads outside its buffers it returns memory garbage: its N-D
  ``correlate``/``convolve`` in ``'reflect'`` mode with a kernel reaching
  4 or more image lengths before the start of an axis; this module
  returns the reflected image;
- integer casts of values far outside the output type's range follow
  numpy's conversion, which can differ from C's for ``uint64`` below
  ``-2**63`` (scipy's N-D ``correlate`` only).
"""

from ._ndi_derivatives import laplace, prewitt, sobel
from ._ndi_gaussian import (
    gaussian_filter,
    gaussian_filter1d,
    gaussian_gradient_magnitude,
    gaussian_laplace,
)
from ._ndi_generic import generic_gradient_magnitude, generic_laplace
from ._ndi_linear import (
    convolve,
    convolve1d,
    correlate,
    correlate1d,
    uniform_filter,
    uniform_filter1d,
)

__all__ = [
    "convolve",
    "convolve1d",
    "correlate",
    "correlate1d",
    "gaussian_filter",
    "gaussian_filter1d",
    "gaussian_gradient_magnitude",
    "gaussian_laplace",
    "generic_gradient_magnitude",
    "generic_laplace",
    "laplace",
    "prewitt",
    "sobel",
    "uniform_filter",
    "uniform_filter1d",
]
