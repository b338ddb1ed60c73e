"""Argument normalisation at the API boundary.

Every public filter calls these first; nothing below them sees a raw string,
a bare array kernel, a negative axis or an unchecked ``out``. Each function
raises a ``ValueError``/``TypeError`` that names the argument, what was given
and what is allowed.
"""

from __future__ import annotations

import numbers

import numpy as np

from .._dispatch import array_kind
from .._dtypes import check_numeric, np_dtype
from ..kernels import Kernel, as_kernel, cascade
from ..kernels._kernel import with_recipe

__all__ = [
    "ALGORITHMS",
    "SHAPES",
    "as_image",
    "check_axis",
    "embed_kernel",
    "kept_image",
    "normalize_algorithm",
    "normalize_axes",
    "normalize_kernel",
    "normalize_out",
    "normalize_shape",
]

SHAPES = ("same", "valid", "full")
ALGORITHMS = ("auto", "direct", "separable", "fft", "iir", "shifts")


def as_image(image, name: str = "image") -> np.ndarray:
    """The image as an ndarray (no copy), checked to be numeric and at least 1-D."""
    if isinstance(image, (str, bytes)):
        raise TypeError(f"{name} must be a numeric array, got {type(image).__name__}")
    if type(image).__module__.startswith("cupy"):  # never a silent copy off the device
        raise TypeError(f"{name} is a CuPy array, which this function does not take yet")
    a = np.asarray(image)
    check_numeric(a, name)
    if a.ndim == 0:
        raise ValueError(f"{name} must have at least one axis, got a 0-d array")
    return a


def kept_image(image, shape: tuple[int, ...], dtype: np.dtype):
    """``image`` (an ndarray unless it is a Dask or device array: see ``_dispatch``),
    checked against the shape and dtype a kept plan was made for."""
    a = image if type(image) is np.ndarray or array_kind(image) != "numpy" else np.asarray(image)
    got_shape, got_dtype = a.shape, a.dtype
    if type(a) is not np.ndarray:
        got_shape, got_dtype = tuple(got_shape), np_dtype(got_dtype)
    if got_shape != shape or got_dtype != dtype:
        raise ValueError(
            f"this plan was made for images of shape {shape} and dtype {dtype}, got shape "
            f"{got_shape} and dtype {got_dtype}; make another plan for it"
        )
    return a


def _choice(value, allowed, name):
    if not isinstance(value, str) or value.lower() not in allowed:
        raise ValueError(f"{name}={value!r} is not one of: {', '.join(allowed)}")
    return value.lower()


def normalize_shape(shape) -> str:
    return _choice(shape, SHAPES, "shape")


def normalize_algorithm(algorithm) -> str:
    return _choice(algorithm, ALGORITHMS, "algorithm")


def check_axis(ax, ndim: int, name: str) -> int:
    """``ax`` as an index in ``range(ndim)``; TypeError or ValueError naming ``name``."""
    if isinstance(ax, bool) or not isinstance(ax, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {ax!r}")
    if not -ndim <= ax < ndim:
        raise ValueError(f"{name}={ax} is out of range for an image with {ndim} axes")
    return int(ax) % ndim


def normalize_axes(ndim: int, channel_axis=None, axes=None) -> tuple[int, ...]:
    """The image axes the kernel's axes apply to, in kernel-axis order.

    By default every axis but ``channel_axis``. ``axes`` must not repeat an
    axis nor name the channel axis.
    """
    ch = None if channel_axis is None else check_axis(channel_axis, ndim, "channel_axis")
    if axes is None:
        return tuple(d for d in range(ndim) if d != ch)
    if isinstance(axes, numbers.Integral):
        axes = (axes,)
    try:
        axes = tuple(axes)
    except TypeError:
        raise TypeError(f"axes must be an int or a sequence of ints, got {axes!r}") from None
    out = tuple(check_axis(a, ndim, "axes") for a in axes)
    if len(set(out)) != len(out):
        raise ValueError(f"axes must not repeat an axis, got {axes!r}")
    if ch is not None and ch in out:
        raise ValueError(
            f"axes={axes!r} includes channel_axis={channel_axis}, which is never filtered"
        )
    if not out:
        raise ValueError("axes must name at least one axis")
    return out


def _is_cascade(kernel) -> bool:
    """A tuple of kernels (not a tuple of numbers, which is a 1-D weight array)."""
    return isinstance(kernel, tuple) and any(
        isinstance(k, (Kernel, np.ndarray, list, tuple)) for k in kernel
    )


def normalize_kernel(kernel, naxes: int) -> Kernel:
    """The one Kernel (over the ``naxes`` filtered axes) that ``kernel`` stands for.

    - an array: centred (scipy's ``origin=0``); a :class:`Kernel`: as is;
    - a tuple with one 1-D kernel per filtered axis: factor ``d`` acts along
      axis ``d`` (ImageFiltering's factored form);
    - any other tuple: a cascade of kernels with ``naxes`` axes each, applied
      one after another (equal to filtering once by their composition).
    """
    if _is_cascade(kernel):
        if len(kernel) == 0:
            raise ValueError("kernel must not be an empty tuple")
        ks = [as_kernel(k, name=f"kernel[{i}]") for i, k in enumerate(kernel)]
        if naxes > 1 and len(ks) == naxes and all(k.ndim == 1 for k in ks):
            return Kernel.from_factors(ks)
        for i, k in enumerate(ks):
            if k.ndim != naxes:
                raise ValueError(
                    f"kernel[{i}] has {k.ndim} axes but the image has {naxes} axes to filter "
                    f"(a tuple holds either one 1-D factor per axis or {naxes}-D kernels)"
                )
        return cascade(ks)
    k = as_kernel(kernel)
    if k.ndim != naxes:
        more = "more" if k.ndim > naxes else "fewer"
        raise ValueError(
            f"kernel has {k.ndim} axes, {more} than the {naxes} axes of the image to filter; "
            "pass axes= to say which image axes it acts on, or channel_axis= for a "
            "channel axis that is not filtered"
        )
    return k


def embed_kernel(kernel: Kernel, axes: tuple[int, ...], ndim: int) -> Kernel:
    """The kernel over all ``ndim`` image axes: length 1, offset 0 on the others.

    An unfiltered axis (channels, axes not in ``axes``) is then just a kernel
    axis of size one, so every strategy filters each channel independently
    without a code path of its own.
    """
    if axes == tuple(range(ndim)):
        return kernel
    order = np.argsort(axes)
    shape = [1] * ndim
    start = [0] * ndim
    for kd, ax in enumerate(axes):
        shape[ax] = kernel.shape[kd]
        start[ax] = kernel.start[kd]
    if kernel._factors is not None:  # keep known factors: ones on the other axes
        full = [Kernel(np.ones(1, kernel.dtype), start=0) for _ in range(ndim)]
        for kd, ax in enumerate(axes):
            full[ax] = kernel._factors[kd]
        embedded = Kernel.from_factors(full)
    else:
        w = np.transpose(kernel.weights, order).reshape(shape)
        embedded = Kernel(w, start=tuple(start))
    if kernel.recipe is not None:  # a factory's recipe, with "nothing" on other axes
        kind, *per_axis = kernel.recipe
        full_recipe = [kind]
        for values in per_axis:
            row = [0] * ndim
            for kd, ax in enumerate(axes):
                row[ax] = values[kd]
            full_recipe.append(tuple(row))
        with_recipe(embedded, tuple(full_recipe))
    return embedded


def normalize_out(out, shape: tuple[int, ...], dtype: np.dtype | None) -> np.ndarray:
    """Check a user's ``out=`` array against the output shape and ``dtype=``."""
    if not isinstance(out, np.ndarray):
        raise TypeError(f"out must be a numpy.ndarray, got {type(out).__name__}")
    if out.shape != tuple(shape):
        raise ValueError(f"out has shape {out.shape}, expected {tuple(shape)}")
    if not out.flags.writeable:
        raise ValueError("out must be writeable, got a read-only array")
    check_numeric(out, "out")
    if out.dtype.kind == "b":
        raise TypeError("out must have an integer, floating or complex dtype, got bool")
    if dtype is not None and np.dtype(dtype) != out.dtype:
        raise ValueError(f"out has dtype {out.dtype} but dtype={np.dtype(dtype)} was asked for")
    return out
