"""IIR strategy: the recursive Gaussian, at a cost that does not grow with sigma.

Along each axis the Gaussian is approximated by a 3rd-order causal
recursion followed by the same recursion run backward (Young & van Vliet),
with the poles of van Vliet, Young & Verbeek scaled to the wanted sigma
(exact variance), and the backward pass started from the exact state of
the infinitely extended line (Triggs & Sdika). The result is approximate.
Relative L2 error against ``scipy.ndimage.gaussian_filter(truncate=6)``,
nearest border, on 4096-sample lines:

=============================  =====  =====  =====  =====  =====
sigma                            2      3      5      10     30
=============================  =====  =====  =====  =====  =====
white noise (zero mean)        1.8 %  1.4 %  1.3 %  1.2 %  1.3 %
uniform noise in [0, 1)        0.4 %  0.25%  0.17%  0.12%  0.08%
smooth (low-frequency waves)   0.00%  0.00%  0.01%  0.07%  0.3 %
=============================  =====  =====  =====  =====  =====

White noise shows the error of the impulse response itself; no 3rd-order
recursion does much better (1.6 % at sigma 2, 1.0 % at 30 with poles
fitted to each sigma). Young & van Vliet's closed-form coefficients do
worse on that measure: 1995 (``q`` piecewise linear in sigma) 6 % at
sigma 2 down to 1.3 % at 30, with a Gaussian 8-13 % too wide; 2002
(``q = 1.31564 (sqrt(1 + 0.490811 sigma²) - 1)``, ``m0 = 1.16680``,
``m1 = 1.10783``, ``m2 = 1.40586``) the exact variance, but 12 % down to
7 %. Hence the poles below, in the same recursion. Near the edges the
error is no larger than inside. Float32 images give the same results:
the recursion runs in float64. Past sigma ~1000, ``1 - a1 - a2 - a3``
falls below 1e-9 and rounding starts to show.

Coefficients, for ``sigma`` along one axis:

1. Poles for sigma 2 (van Vliet, Young, Verbeek 1998, the L-infinity
   optimal set): ``d1, d2 = 1.41650 ± 1.00829i``, ``d3 = 1.86543``.
2. ``q`` solves ``sigma**2 = sum_k 2 d_k**(1/q) / (d_k**(1/q) - 1)**2``
   (the variance of the forward-backward impulse response); the poles of
   the recursion are ``p_k = d_k**(-1/q)``: ``p3`` real, ``p1,2 = r e^(±iθ)``.
3. ``u[i] = b x[i] + a1 u[i-1] + a2 u[i-2] + a3 u[i-3]`` with
   ``a1 = p3 + 2 r cos θ``, ``a2 = -(r**2 + 2 p3 r cos θ)``,
   ``a3 = p3 r**2``, ``b = 1 - a1 - a2 - a3`` (gain 1 at DC); the
   backward pass is the same recursion with ``i+1, i+2, i+3``.
4. Borders (Triggs & Sdika 2006): before the line the causal state is the
   steady state of the edge value ``x-`` (``u = x-``); past the end, with
   ``x+`` the value beyond it (the last sample, or the fill value),
   ``(v[n-1], v[n], v[n+1]) = x+ + b M (u[n-1] - x+, u[n-2] - x+, u[n-3] - x+)``
   where, with ``D = (1 + a1 - a2 + a3)(1 - a1 - a2 - a3)(1 + a2 + (a1 - a3) a3)``,
   ``D M`` is::

       [1 - a2 - a1 a3 - a3²,     (a1 + a3)(a2 + a1 a3),                  a3 (a1 + a2 a3)     ]
       [a1 + a2 a3,               (1 - a2)(a2 + a1 a3),                   a3 (1 - a2 - a1 a3 - a3²)]
       [a1 a3 + a2 + a1² - a2²,   a1 a2 + a3 a2² - a1 a3² - a3³ - a2 a3 + a3,   a3 (a1 + a2 a3)]

   Both ends are then exact for the line continued by ``x-`` and ``x+``:
   the result is the recursion applied to the infinitely padded line.

References
----------
I. T. Young, L. J. van Vliet, "Recursive implementation of the Gaussian
filter", Signal Processing 44(2):139-151, 1995.
L. J. van Vliet, I. T. Young, P. W. Verbeek, "Recursive Gaussian derivative
filters", Proc. 14th ICPR, 1998, pp. 509-514.
I. T. Young, L. J. van Vliet, M. van Ginkel, "Recursive Gabor filtering",
IEEE Trans. Signal Processing 50(11):2798-2805, 2002.
B. Triggs, M. Sdika, "Boundary conditions for Young-van Vliet recursive
filtering", IEEE Trans. Signal Processing 54(6):2365-2367, 2006.
"""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING

import numpy as np

from ...borders import Border, Fill, Pad
from .. import _loops
from .._costs import COST
from .._strategy import Prepared, Strategy
from ._readonly import readonly
from ._threads import run_tasks

if TYPE_CHECKING:
    from .._plan import Plan

__all__ = ["IIR", "MIN_SIGMA", "Iir", "correlate", "gaussian_iir", "recursion_coefficients"]

# Below this the 3rd-order recursion is a poor Gaussian (12 % relative L2
# error at 0.5, 5 % at 1, 2 % at 2): use the exact (FIR) Gaussian there.
MIN_SIGMA = 0.5

# van Vliet, Young & Verbeek (1998), 3rd order, L-infinity optimal, for sigma 2 (q = 1).
_POLES = np.array([1.41650 + 1.00829j, 1.41650 - 1.00829j, 1.86543 + 0j])


def _variance(q: float) -> float:
    """Variance of the forward-backward impulse response with poles ``_POLES ** (1/q)``."""
    z = _POLES ** (1.0 / q)
    return float(np.sum(2.0 * z / (z - 1.0) ** 2).real)


def recursion_coefficients(sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """``(b, a1, a2, a3)`` and the Triggs–Sdika matrix ``b * M`` (row-major) for ``sigma``.

    See the module docstring for the formulas.

    Examples
    --------
    >>> from imagekit.filtering.strategies.iir import recursion_coefficients
    >>> coefs, m = recursion_coefficients(2.0)
    >>> [round(float(c), 6) for c in coefs]
    [0.182636, 1.473183, -0.833143, 0.177324]
    """
    from scipy.optimize import brentq  # scipy.optimize takes a second to import

    s2 = float(sigma) ** 2
    q = brentq(lambda q: _variance(q) - s2, 0.05, float(sigma) + 1.0, xtol=1e-14, rtol=1e-14)
    p = _POLES ** (-1.0 / q)
    p3 = p[2].real
    r, theta = abs(p[0]), np.angle(p[0])
    rc = r * math.cos(theta)
    a1 = p3 + 2.0 * rc
    a2 = -(r * r + 2.0 * p3 * rc)
    a3 = p3 * r * r
    b = 1.0 - a1 - a2 - a3
    d = (1 + a1 - a2 + a3) * (1 - a1 - a2 - a3) * (1 + a2 + (a1 - a3) * a3)
    m = np.array(
        [
            [1 - a2 - a1 * a3 - a3 * a3, (a1 + a3) * (a2 + a1 * a3), a3 * (a1 + a2 * a3)],
            [a1 + a2 * a3, (1 - a2) * (a2 + a1 * a3), a3 * (1 - a2 - a1 * a3 - a3 * a3)],
            [
                a1 * a3 + a2 + a1 * a1 - a2 * a2,
                a1 * a2 + a3 * a2 * a2 - a1 * a3 * a3 - a3**3 - a2 * a3 + a3,
                a3 * (a1 + a2 * a3),
            ],
        ]
    )
    return np.array([b, a1, a2, a3]), (b / d) * m.ravel()


def _border_values(border: Border) -> tuple[bool, float]:
    """``(nearest, cval)`` for the kernel, or ValueError for a border it cannot do."""
    if isinstance(border, Pad) and border.mode == "nearest":
        return True, 0.0
    if isinstance(border, Fill):
        v = complex(border.value)
        if v.imag == 0:
            return False, v.real
    given = repr(border.mode) if isinstance(border, Pad) else border
    raise ValueError(
        f"border={given} is not available with algorithm='iir': the recursive Gaussian "
        "supports 'nearest' and constant borders ('nearest', 'replicate', 'edge'; "
        "'constant', a real number v, Fill(v)) and NA(); for other borders use "
        "algorithm='separable' or 'auto'"
    )


def _check_sigmas(sigmas, ndim: int) -> tuple[float, ...]:
    if isinstance(sigmas, numbers.Real):
        sigmas = (sigmas,) * ndim
    sigmas = tuple(float(s) for s in sigmas)
    if len(sigmas) != ndim:
        raise ValueError(f"sigma must give one value per image axis ({ndim}), got {sigmas}")
    for s in sigmas:
        if not (s == 0 or (math.isfinite(s) and s >= MIN_SIGMA)):
            raise ValueError(
                f"sigma={s} is not available with the recursive Gaussian: each sigma must be "
                f"0 (axis left alone) or a finite value >= {MIN_SIGMA}"
            )
    return sigmas


def _lines(shape: tuple[int, ...], axis: int) -> tuple[np.ndarray, int, int]:
    """Flat start offsets of the lines along ``axis`` of a C-contiguous array, stride, length."""
    n = shape[axis]
    inner = math.prod(shape[axis + 1 :])
    outer = math.prod(shape[:axis])
    starts = np.arange(outer, dtype=np.int64)[:, None] * (n * inner)
    bases = (starts + np.arange(inner, dtype=np.int64)[None, :]).ravel()
    return bases, inner, n


def _width(stride: int, n: int) -> int:
    """How many lines the kernel filters together.

    Lines side by side (``stride`` of them in a row) go up to 128 at a time:
    the recursion's vector loop runs long. Transposed lines (along the last
    axis, or a short inner run) go 16 at a time: wider groups spill the
    tiles out of L1. Halved while the float64 buffer would pass 4 MiB.
    Chosen for float32 images from 512² to 4096².
    """
    width = min(128, max(16, 1 << (stride.bit_length() - 1)))
    while width > 8 and (n + 5) * width * 8 > 4 << 20:
        width //= 2
    return width


def gaussian_iir(image: np.ndarray, sigmas, border: Border, out: np.ndarray) -> None:
    """Write the recursive Gaussian of ``image`` into ``out``.

    Parameters
    ----------
    image : ndarray
        Real, any layout and numeric dtype (not modified; may be ``out``).
    sigmas : float or sequence of float
        Standard deviation per image axis, in pixels: 0 leaves that axis
        alone, otherwise at least ``MIN_SIGMA`` (0.5).
    border : Border
        ``Pad("nearest")`` or ``Fill(value)``.
    out : ndarray
        C-contiguous float32 or float64, of ``image``'s shape. The
        recursion runs in float64 and the result is stored in ``out``'s dtype.

    Examples
    --------
    >>> import numpy as np
    >>> from imagekit.borders import Pad
    >>> from imagekit.filtering.strategies.iir import gaussian_iir
    >>> out = np.empty(7)
    >>> gaussian_iir(np.full(7, 3.0), [5.0], Pad("nearest"), out)
    >>> np.allclose(out, 3.0)
    True
    """
    image = np.asarray(image)
    if out.shape != image.shape:
        raise ValueError(f"out has shape {out.shape}, expected the image's {image.shape}")
    nearest, cval = _border_values(border)
    sigmas = _check_sigmas(sigmas, image.ndim)
    src = image
    direct = image.dtype == out.dtype and image.flags.c_contiguous
    if not direct or (image is not out and np.may_share_memory(image, out)):
        out[...] = image
        src = out
    if out.size == 0:
        return
    for axis, sigma in enumerate(sigmas):
        if sigma == 0:
            continue
        coefs, m = recursion_coefficients(sigma)
        bases, stride, n = _lines(out.shape, axis)
        width = min(_width(stride, n), bases.size)
        run_tasks(
            _loops.iir.gaussian_lines,
            -(-bases.size // width),
            readonly(src.reshape(-1)),
            out.reshape(-1),
            bases,
            stride,
            n,
            width,
            coefs,
            m,
            nearest,
            cval,
            work=src.size * 8,
        )
        src = out
    if src is not out:  # every sigma was 0
        out[...] = image


class Iir(Strategy):
    """The recursive Gaussian (approximate: runs only when asked for, or for kernels
    from ``kernels.factored.iir_gaussian``). Loop: ``iir/recursive-gaussian``."""

    name = algorithm = "iir"
    exact = False

    def why_not(self, plan: Plan) -> str | None:
        r = plan.kernel.recipe
        gaussian = r is not None and (
            r[0] == "iir_gaussian" or (r[0] == "gaussian" and not any(r[2]))
        )
        if gaussian:
            return None
        return (
            "needs a Gaussian kernel from kernels.gaussian or kernels.factored.iir_gaussian, "
            f"but the kernel of shape {plan.kernel.shape} is not one"
        )

    @staticmethod
    def border_values(border: Border) -> tuple[bool, float]:
        """``(nearest, cval)`` of a border it computes (a ``Pad('nearest')`` or a real
        ``Fill``), else ValueError."""
        return _border_values(border)

    def cost(self, plan: Plan) -> float:
        passes = sum(1 for s in plan.kernel.recipe[1] if s > 0)
        return COST["call"] + COST["iir"] * float(np.prod(plan.image_shape)) * passes

    def prepare(self, plan: Plan, image_dtype, out_dtype) -> Prepared:
        """The sigmas per axis; a call it cannot compute (another shape, a border or
        kernel it cannot do) is planned and raises its ValueError when it runs."""
        try:
            state = _sigmas(plan)
        except ValueError as e:
            state = e
        loop = "iir/recursive-gaussian"
        return Prepared(loop, plan, np.dtype(image_dtype), np.dtype(out_dtype), state)

    def run(self, prepared: Prepared, image: np.ndarray, out: np.ndarray) -> None:
        if isinstance(prepared.state, ValueError):
            raise ValueError(*prepared.state.args)
        gaussian_iir(image, prepared.state, prepared.plan.border, out)


def _sigmas(plan: Plan) -> tuple[float, ...]:
    """The sigma per image axis of the plan's Gaussian, or ValueError."""
    if plan.shape != "same":
        raise ValueError(
            f"the recursive Gaussian (algorithm='iir') computes shape='same' only, "
            f"got shape={plan.shape!r}"
        )
    recipe = plan.kernel.recipe
    if recipe is None or recipe[0] not in ("gaussian", "iir_gaussian"):
        raise ValueError(
            "algorithm='iir' needs a Gaussian kernel (kernels.gaussian), got a kernel "
            "without a Gaussian recipe"
        )
    if recipe[0] == "gaussian" and any(o != 0 for o in recipe[2]):
        raise ValueError(
            f"derivatives of Gaussians are not available with algorithm='iir' "
            f"(orders={tuple(recipe[2])}); use algorithm='auto'"
        )
    _border_values(plan.border)  # a border it cannot do raises
    return _check_sigmas(recipe[1], len(plan.image_shape))


IIR = Iir()


def correlate(image: np.ndarray, plan: Plan, out: np.ndarray) -> None:
    """Write the recursive Gaussian that ``plan.kernel`` stands for into ``out``."""
    IIR.run(IIR.prepare(plan, image.dtype, out.dtype), image, out)
