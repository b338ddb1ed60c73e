"""Type aliases of the public API's annotations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from numpy.typing import ArrayLike, DTypeLike

from .borders._border import Border  # leaf modules: no import cycle
from .kernels._kernel import Kernel

__all__ = [
    "Algorithm",
    "ArrayLike",
    "BorderLike",
    "DTypeLike",
    "KernelLike",
    "ShapeMode",
    "WindowFunc",
    "WindowLike",
]

# An array of weights (centred), a Kernel with its offsets, or a tuple: a cascade,
# or one 1-D kernel per filtered axis (the factored form).
KernelLike = ArrayLike | Kernel | tuple
# A border name ("reflect", "mirror", "nearest", "wrap", "constant", aliases), a
# fill value, or a Border (Pad, Fill, NA).
BorderLike = str | float | complex | Border
ShapeMode = Literal["same", "valid", "full"]
# A window: a size, a size per filtered axis, a footprint array or an offset Kernel.
WindowLike = int | tuple[int, ...] | ArrayLike | Kernel
# mapwindow's function: a recognised numpy reduction, Rank/Percentile or any
# callable from a 1-D array of values to a scalar.
WindowFunc = Callable[..., object]
Algorithm = Literal["auto", "direct", "separable", "fft", "iir", "shifts"]
