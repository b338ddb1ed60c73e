"""scipy.ndimage's argument rules, written once for every compat function.

Mode names become imagekit borders, scalars become per-axis lists, the
``output`` argument becomes an array, and results are cast into it the way
scipy's C code casts (``(type)value``: truncation toward zero). The errors
have scipy's types, so code that catches them keeps working, with messages
that say what was given and what is allowed.
"""

from __future__ import annotations

import functools
import operator
import warnings
from collections.abc import Iterable

import numpy as np

from ..borders import Fill

__all__ = [
    "MODES",
    "add_term",
    "as_float64",
    "as_input",
    "border_for",
    "cast_into",
    "check_axes",
    "check_dtypes",
    "check_mode",
    "get_output",
    "normalize_axis",
    "normalize_sequence",
    "over_axes",
    "real_cval",
    "sqrt_in_place",
    "square_and_add",
    "truncates",
]

# scipy.ndimage's filter modes and the imagekit border each one is. For
# filters, 'grid-mirror' is 'reflect', 'grid-wrap' is 'wrap' and
# 'grid-constant' is 'constant' (they differ only in interpolation).
MODES = {
    "reflect": "reflect",
    "grid-mirror": "reflect",
    "mirror": "mirror",
    "nearest": "nearest",
    "wrap": "wrap",
    "grid-wrap": "wrap",
    "constant": None,
    "grid-constant": None,
}

# dtypes scipy.ndimage's C loops read and write (complex runs as two real parts).
_SUPPORTED = "?bBhHiIlLqQfdFD"


def check_mode(mode) -> str:
    """``mode`` if it is one of scipy's names, else scipy's RuntimeError."""
    if not isinstance(mode, str) or mode not in MODES:
        raise RuntimeError(
            f"boundary mode not supported: mode={mode!r} is not one of: {', '.join(MODES)}"
        )
    return mode


def real_cval(cval) -> float:
    """``cval`` as the float scipy's C code reads for a real filter.

    A complex number or a string is a TypeError (scipy's "must be real
    number"); an array that does not convert (the real part of a string
    ``cval`` of a complex filter) is numpy's ValueError, as in scipy.
    """
    if isinstance(cval, (str, bytes, complex, np.complexfloating)):
        kind = type(cval).__name__
        raise TypeError(f"cval must be a real number, not {kind}: cval={cval!r}")
    try:
        return float(cval)
    except ValueError as error:
        raise ValueError(f"cval must be a real number: {error} (cval={cval!r})") from None
    except TypeError as error:
        raise TypeError(f"cval must be a real number: {error} (cval={cval!r})") from None


def border_for(mode, cval):
    """The imagekit border for a scipy mode: a name, or ``Fill(cval)`` for constant modes."""
    name = MODES[check_mode(mode)]
    if name is None:
        return Fill(real_cval(cval))
    return name


def truncates(dtype: np.dtype) -> bool:
    """Whether writing into ``dtype`` truncates (integers and bool)."""
    return np.dtype(dtype).kind in "biu"


def _check_dtype(dtype: np.dtype, what: str = "array type") -> None:
    if dtype.char not in _SUPPORTED:
        raise RuntimeError(
            f"{what} {dtype} not supported (scipy.ndimage reads and writes bool, "
            "integers, float32, float64 and complex)"
        )


def check_dtypes(input: np.ndarray, output: np.ndarray) -> None:
    """scipy's RuntimeError for an input or output dtype its C loops do not filter.

    scipy finds it when it calls its C code, after every other argument
    check, so the engine calls this last, just before it filters.
    """
    _check_dtype(input.dtype)
    _check_dtype(output.dtype, "output array type")


def as_input(input) -> np.ndarray:
    """``np.asarray(input)``; its dtype is checked where scipy checks it (``check_dtypes``)."""
    return np.asarray(input)


def normalize_sequence(value, rank: int, name: str = "argument") -> list:
    """``value`` repeated ``rank`` times, or checked to have ``rank`` entries (scipy's rule)."""
    if not isinstance(value, str) and np.iterable(value):
        values = list(value)
        if len(values) != rank:
            raise RuntimeError(
                f"sequence argument must have length equal to input rank: {name} has "
                f"{len(values)} entries, expected {rank}"
            )
        return values
    return [value] * rank


def normalize_axis(axis, ndim: int) -> int:
    """A non-negative axis index, or numpy's AxisError."""
    axis = operator.index(axis)
    if not -ndim <= axis < ndim:
        raise np.exceptions.AxisError(axis, ndim)
    return axis % ndim


def check_axes(axes, ndim: int) -> tuple[int, ...]:
    """scipy's ``axes`` argument: None (all), an int or a sequence of distinct ints."""
    if axes is None:
        return tuple(range(ndim))
    if np.isscalar(axes):
        axes = (operator.index(axes),)
    elif isinstance(axes, Iterable):
        axes = tuple(operator.index(ax) for ax in axes)
    else:
        raise ValueError("axes must be an integer, iterable of integers, or None")
    for ax in axes:
        if not -ndim <= ax < ndim:
            raise ValueError(f"specified axis: {ax} is out of range")
    axes = tuple(ax % ndim for ax in axes)
    if len(set(axes)) != len(axes):
        raise ValueError(f"axes must be unique, got {axes}")
    return axes


def get_output(output, input: np.ndarray, complex_output: bool = False) -> np.ndarray:
    """The array a filter writes into, from scipy's ``output`` argument.

    None: zeros of the input's dtype (complex-promoted when the result is
    complex); a dtype, type or string: zeros of it; an array: itself, checked.
    """
    shape = input.shape
    if input.dtype.kind in "US":  # scipy's np.zeros(dtype=input.dtype.name) refuses these
        raise TypeError(f"input must be an array of numbers, got dtype {input.dtype}")
    if output is None:
        dtype = np.promote_types(input.dtype, np.complex64) if complex_output else input.dtype
        out = np.zeros(shape, dtype=dtype)
    elif isinstance(output, (type, np.dtype)):
        if complex_output and np.dtype(output).kind != "c":
            warnings.warn("promoting specified output dtype to complex", stacklevel=3)
            output = np.promote_types(output, np.complex64)
        out = np.zeros(shape, dtype=output)
    elif isinstance(output, str):
        dtype = np.dtype(output)
        if complex_output and dtype.kind != "c":
            raise RuntimeError(f"output must have complex dtype, got {dtype}")
        if not issubclass(dtype.type, np.number):
            raise RuntimeError(f"output must have numeric dtype, got {dtype}")
        out = np.zeros(shape, dtype=dtype)
    else:
        out = np.asarray(output)
        if out.shape != shape:
            raise RuntimeError(f"output shape not correct: got {out.shape}, expected {shape}")
        if complex_output and out.dtype.kind != "c":
            raise RuntimeError(f"output must have complex dtype, got {out.dtype}")
    result_is_complex = complex_output or input.dtype.kind == "c"
    if result_is_complex and out.dtype.kind != "c":
        raise RuntimeError(f"output must have complex dtype, got {out.dtype}")
    if not result_is_complex and out.dtype.kind == "c":
        raise RuntimeError(f"output array type {out.dtype} not supported for a real result")
    return out


def cast_into(result: np.ndarray, out: np.ndarray) -> None:
    """Write ``result`` into ``out`` as scipy's C code does: ``(type)value``.

    Floats round to nearest; integers truncate toward zero and wrap past
    their range as C's conversion does on x86-64 (numpy's cast does the
    same; ``uint32`` goes through ``int64`` as C does). A bool output gets
    the ``uint8`` conversion's byte, as in scipy: -1 is stored as the byte
    255 (True), 0.5 and 256 as 0 (False).
    """
    if out.dtype == np.bool_:
        out = out.view(np.uint8)
    with np.errstate(invalid="ignore", over="ignore"):
        if out.dtype.kind == "u" and out.dtype.itemsize == 4 and result.dtype.kind == "f":
            # C converts through a 64-bit integer, keeping the low 32 bits.
            result = result.astype(np.int64)
        np.copyto(out, result, casting="unsafe")


def as_float64(a: np.ndarray) -> np.ndarray:
    """The values scipy's C loops read: doubles (a bool's byte, not just 0 or 1)."""
    if a.dtype == np.bool_:
        a = a.view(np.uint8)
    return np.asarray(a, dtype=np.float64)


def over_axes(input, derivative, output, mode, cval, axes, combine, extra=(), keywords=None):
    """scipy's ``generic_laplace`` / ``generic_gradient_magnitude``: one term per axis.

    ``derivative(input, axis, output, mode, cval, *extra, **keywords)`` gives
    each term. The first is written into the output, each further one is
    computed in the output's dtype and folded in by ``combine`` (numpy
    arithmetic in that dtype, as scipy does).
    """
    keywords = {} if keywords is None else keywords
    output = get_output(output, input)
    axes = check_axes(axes, input.ndim)
    if not axes:
        output[...] = input[...]
        return output
    modes = normalize_sequence(mode, len(axes), "mode")
    derivative(input, axes[0], output, modes[0], cval, *extra, **keywords)
    combine(output, None)
    for ax, m in zip(axes[1:], modes[1:]):
        combine(output, derivative(input, ax, output.dtype, m, cval, *extra, **keywords))
    return output


def add_term(output, term):
    """``generic_laplace``'s step: add each further term in the output's dtype."""
    if term is not None:
        output += term


def square_and_add(output, term):
    """``generic_gradient_magnitude``'s step: square the first term, add further squares."""
    if term is None:
        np.multiply(output, output, output)
        return
    np.multiply(term, term, term)
    output += term


@functools.cache
def _sqrt_table() -> np.ndarray:
    """``np.sqrt(v, v, casting="unsafe")`` for each of the 256 uint8 values."""
    table = np.arange(256, dtype=np.uint8)
    np.sqrt(table, table, casting="unsafe")
    table.flags.writeable = False
    return table


def sqrt_in_place(output: np.ndarray) -> None:
    """``np.sqrt(output, output, casting="unsafe")``, as scipy's gradient magnitude ends.

    For uint8 numpy computes in float16, pixel by pixel in software; the same 256
    results from a table are much faster. (Not for int8: the square root of a
    negative is NaN, whose conversion numpy leaves to the hardware.)
    """
    if output.dtype == np.uint8:
        np.take(_sqrt_table(), output, out=output)
    else:
        np.sqrt(output, output, casting="unsafe")
