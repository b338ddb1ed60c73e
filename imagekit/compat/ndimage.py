"""scipy.ndimage's linear and window filters, bit for bit: a drop-in import swap.

``from imagekit.compat import ndimage`` in place of ``from scipy import
ndimage`` keeps every call below working with the same signatures (scipy
1.17), defaults, output dtypes, errors and results:

=============================  ===============================================
function                       computed as
=============================  ===============================================
``correlate``, ``convolve``    one N-D correlation (convolve: ``reflect(k)``)
``correlate1d``, ``convolve1d``  one 1-D pass along ``axis``
``gaussian_filter(1d)``        1-D Gaussian passes, one per axis
``uniform_filter(1d)``         1-D running means, one per axis
``sobel``, ``prewitt``         a difference pass, then smoothing passes
``laplace``                    ``[1, -2, 1]`` per axis, summed
``gaussian_laplace``           second-derivative Gaussians, summed
``gaussian_gradient_magnitude``  first-derivative Gaussians, root sum of squares
``generic_laplace``            the user's derivative per axis, summed
``generic_gradient_magnitude``  the user's derivative per axis, root sum of squares
``median_filter``,             one rank of each window (median: ``n // 2``,
``rank_filter``,               the upper middle value), on
``percentile_filter``          :func:`imagekit.mapwindow`
``minimum_filter(1d)``,        1-D passes for boxes, one N-D pass otherwise
``maximum_filter(1d)``
``grey_erosion``, ...          minimum/maximum of ``image -/+ structure``
``generic_filter``             the user's function of each window's values
``generic_filter1d``           the user's function of each extended line
=============================  ===============================================

The window filters' rules (how ``cval`` is read on each route, 1-D rank
filters, ``structure`` arithmetic) are in ``_ndi_window.py``,
``_ndi_rank.py``, ``_ndi_minmax.py`` and ``_ndi_user.py``; the notes
below on exactness and casts are about the linear filters, whose sums the
window filters do not have (their results are the selected values, cast
as scipy casts).

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

Exactness: every result is scipy's, bit for bit, for floating outputs as
well as integer ones. Each pass adds the same products in the same order
as scipy's C loops, with no fused multiply-add: a 1-D pass starts from the
centre tap and adds symmetric pairs as ``(x[-j] + x[j]) * w[-j]``
(antisymmetric: ``x[-j] - x[j]``) from the outermost in, as
``NI_Correlate1D`` does (other weights: the last tap, then the others in
order); an N-D correlation adds ``w * x`` to ``0.0`` over the weights above
``DBL_EPSILON`` in C order, as ``NI_Correlate``; a uniform filter keeps
``NI_UniformFilter1D``'s running sum and divides each output by the size.
So:

- a constant image gives exactly scipy's value: a Gaussian of ``np.ones``
  is exactly 1.0 wherever scipy's is, and where scipy's own rounding shows
  (σ = 0.5 turns a constant 3.0 into 2.9999999999999996, which a uint8
  output truncates to 2) this module's shows the same;
- integer-valued images with integer-valued weights (``sobel``,
  ``prewitt``, ``laplace``, integer kernels, box sums) give exact sums,
  and an integer output truncates and wraps exactly where scipy's does;
- NaN and inf propagate as in scipy (``0 * inf`` at a zero weight is NaN,
  a NaN poisons the rest of a uniform filter's line);
- the sign of a zero and float32 outputs (rounded from the double sum
  after every pass) are scipy's too.

The loops are compiled and run on all of imagekit's threads; uint8,
uint16, float32 and float64 images are read as they are (other dtypes as
the doubles scipy reads), and uint8/uint16 outputs are stored by the loop.

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
from ._ndi_minmax import maximum_filter, maximum_filter1d, minimum_filter, minimum_filter1d
from ._ndi_morphology import grey_closing, grey_dilation, grey_erosion, grey_opening
from ._ndi_rank import median_filter, percentile_filter, rank_filter
from ._ndi_user import generic_filter, generic_filter1d

__all__ = [
    "convolve",
    "convolve1d",
    "correlate",
    "correlate1d",
    "gaussian_filter",
    "gaussian_filter1d",
    "gaussian_gradient_magnitude",
    "gaussian_laplace",
    "generic_filter",
    "generic_filter1d",
    "generic_gradient_magnitude",
    "generic_laplace",
    "grey_closing",
    "grey_dilation",
    "grey_erosion",
    "grey_opening",
    "laplace",
    "maximum_filter",
    "maximum_filter1d",
    "median_filter",
    "minimum_filter",
    "minimum_filter1d",
    "percentile_filter",
    "prewitt",
    "rank_filter",
    "sobel",
    "uniform_filter",
    "uniform_filter1d",
]
