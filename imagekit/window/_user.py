"""A user's function over each window: compiled by numba where it can be,
called from Python per window where it cannot.

Both paths read windows by flat geometry: ``src`` is the extended image
flattened, output row ``r`` of ``dst`` (a 2-D view, rows by values along the
contiguous axis) reads pixel ``x``'s window at ``src[bases[r] + x + offsets]``
(``window._geometry.flat_offsets``). ``func`` gets the window's values as a
1-D C-contiguous float64 array, the footprint's elements in C order, and
returns one real scalar, cast to ``dst``'s dtype. The compiled path reads
``src`` in any real dtype and converts each value as it gathers it, so an
image need not be copied to float64 first; the Python path reads float64.

- ``compiled(func, dtype)``: the function numba compiles in nopython mode for
  such arrays (``numba.njit(func)``, or ``func`` itself when it is already a
  numba ``njit`` dispatcher), or None when it does not compile. The result is
  kept per function and dtype for as long as the function lives.
- ``run_compiled``: the compiled function over every window, on all threads
  (``window._loops.user``): the windows are gathered and the function called
  in numba, without Python per window.
- ``run_python``: the fallback, ``func`` called from Python once per window
  (the windows of a row gathered at once by numpy). It is slow: a Python call
  per pixel, about a microsecond at the least, where the compiled path costs
  the function's own arithmetic. A progress bar shows on runs that it expects
  to take more than a couple of seconds.

With ``skip_nan`` (the ``NA`` border's rule) NaNs are left out of each window:
``func`` gets the shorter array, and a window of NaNs only gives NaN without
a call.
"""

from __future__ import annotations

import functools
import sys
import time
import types as pytypes
import warnings
import weakref

import numpy as np

from ..filtering.strategies._threads import run_tasks
from . import _loops

__all__ = ["PROGRESS_SECONDS", "compiled", "run_compiled", "run_python"]

PROGRESS_SECONDS = 2.0
"""``run_python`` shows a progress bar when it expects a run to take longer."""

# func -> {"jit": its dispatcher (None: func is one), dtype: return type or None}.
# Weak keys, and no value refers to its key (a plain function is compiled from a
# copy of itself), so an entry goes when its function does.
_compiled: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@functools.cache
def _numba() -> pytypes.SimpleNamespace:
    """The parts of numba this module uses, imported when a user's function is first
    compiled or run: planning a recognised function never imports numba."""
    import numba
    from numba.core.errors import NumbaWarning
    from numba.core.registry import CPUDispatcher
    from numba.np.numpy_support import from_dtype

    return pytypes.SimpleNamespace(
        njit=numba.njit,
        types=numba.types,
        NumbaWarning=NumbaWarning,
        CPUDispatcher=CPUDispatcher,
        from_dtype=from_dtype,
    )


def _is_dispatcher(func) -> bool:
    """Whether ``func`` is a numba ``njit`` dispatcher (never, while numba is not
    imported)."""
    return "numba" in sys.modules and isinstance(func, _numba().CPUDispatcher)


def _copy(func: pytypes.FunctionType) -> pytypes.FunctionType:
    """A new function object with ``func``'s code, globals, defaults and closure."""
    copy = pytypes.FunctionType(
        func.__code__, func.__globals__, func.__name__, func.__defaults__, func.__closure__
    )
    copy.__kwdefaults__ = func.__kwdefaults__
    copy.__qualname__ = func.__qualname__
    copy.__module__ = func.__module__
    return copy


def _array_type(dtype: np.dtype):
    nb = _numba()
    return nb.types.Array(nb.from_dtype(dtype), 1, "C")


def _return_type(disp, dtype: np.dtype):
    """The return type numba infers for ``disp`` on a 1-D array of ``dtype``, or None
    where it does not compile in nopython mode."""
    try:
        argtype = _array_type(dtype)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", _numba().NumbaWarning)
            disp.compile((argtype,))
        cres = disp.overloads[(argtype,)]
    except Exception:  # any failure to type or lower the function: the Python path
        return None
    if getattr(cres, "objectmode", False):
        return None
    return cres.signature.return_type


def _check_scalar(func, rt, dtype: np.dtype) -> None:
    types = _numba().types
    if not isinstance(rt, (types.Integer, types.Float, types.Boolean)):
        raise TypeError(
            f"func must return a real scalar (a number or bool) for a window of values, "
            f"a 1-D array of {dtype}; {_name(func)} returns {rt}"
        )


def _name(func) -> str:
    return getattr(func, "__qualname__", None) or repr(func)


def compiled(func, dtype):
    """``func`` compiled by numba in nopython mode for 1-D C-contiguous arrays of
    ``dtype``, or None where it does not compile.

    A plain Python function (lambdas and closures included) is compiled with
    ``numba.njit``; a numba ``njit`` dispatcher is used as it is. Other callables,
    and functions numba cannot type (a dict, a SciPy call, ...), give None: the
    caller runs ``func`` from Python (``run_python``). The outcome is kept per
    function and dtype, so a second call compiles nothing.

    Raises
    ------
    TypeError
        Where the compiled function returns something other than a real scalar
        (an array, a tuple, a complex number, nothing).
    """
    dtype = np.dtype(dtype)
    try:
        entry = _compiled.get(func)
    except TypeError:  # not weakly referenceable (a builtin): it does not compile
        return None
    if entry is None:
        if _is_dispatcher(func):
            disp = None
        elif isinstance(func, pytypes.FunctionType):
            disp = _numba().njit(_copy(func))
        else:
            return None
        entry = {"jit": disp}
        _compiled[func] = entry
    disp = entry["jit"] or func
    if dtype not in entry:
        entry[dtype] = _return_type(disp, dtype)
    rt = entry[dtype]
    if rt is None:
        return None
    _check_scalar(func, rt, dtype)
    return disp


def run_compiled(cfunc, src, bases, offsets, dst, skip_nan) -> None:
    """``dst[r, x] = cfunc(window)`` for every output pixel, on all threads.

    ``cfunc`` is what ``compiled`` returned for float64; ``src`` the flat
    extended array in any real dtype, ``dst`` 2-D and C-contiguous (any float or integer dtype: each
    value is cast, a float to an integer as numpy's ``astype`` does). The loop
    compiles once per function and dtypes; an exception ``cfunc`` raises
    propagates.
    """
    f8 = np.dtype(np.float64)
    cres = cfunc.overloads.get((_array_type(f8),))
    rt = cres.signature.return_type if cres is not None else _return_type(cfunc, f8)
    if rt is None:
        raise TypeError(f"{_name(cfunc)} does not compile for windows of {f8}")
    _check_scalar(cfunc, rt, f8)
    work = dst.size * (offsets.shape[0] + 16)
    loop = _loops.user.user_rows
    run_tasks(loop, dst.shape[0], src, bases, offsets, dst, cfunc, bool(skip_nan), work=work)


def _row_results(func, values: np.ndarray, skip_nan: bool) -> list:
    """``func`` of each row of ``values`` (one window per row); NaNs left out with
    ``skip_nan``, NaN for a window of none."""
    if not (skip_nan and values.dtype.kind == "f"):
        return [func(w) for w in values]
    keep = ~np.isnan(values)
    full = keep.all(axis=1)
    out = []
    for w, k, f in zip(values, keep, full):
        if f:
            out.append(func(w))
        elif k.any():
            out.append(func(w[k]))
        else:
            out.append(np.nan)
    return out


def _as_values(func, results: list) -> np.ndarray:
    """The results as a 1-D numeric array, or a TypeError naming ``func`` and the
    first result that is not a real scalar."""
    try:
        out = np.asarray(results)
    except (ValueError, TypeError):
        out = None
    if out is not None and out.ndim == 1 and out.dtype.kind in "biuf":
        return out
    for res in results:
        a = np.asarray(res) if not isinstance(res, (str, bytes)) else None
        if a is None or a.ndim != 0 or a.dtype.kind not in "biuf":
            raise TypeError(
                f"func must return a real scalar (a number or bool) for each window; "
                f"{_name(func)} returned {type(res).__name__} {res!r:.80}"
            )
    raise TypeError(f"func must return a real scalar for each window; {_name(func)} did not")


def run_python(func, src, bases, offsets, dst, skip_nan, progress=None) -> None:
    """``dst[r, x] = func(window)`` for every output pixel, ``func`` called from Python.

    This path is slow: one Python call per pixel. Each row's windows are gathered
    at once by numpy (in pieces of about 64k values). A numba dispatcher (one that
    does not compile for these windows) runs as its Python function. ``progress``:
    True shows a progress bar on stderr, False never, None when the run is expected
    to take longer than ``PROGRESS_SECONDS`` (judged from the pixels done so far).
    """
    if _is_dispatcher(func):  # one numba cannot compile: its Python function
        func = func.py_func
    nrows, ncols = dst.shape
    total = nrows * ncols
    chunk = max(1, 2**16 // max(1, offsets.shape[0]))
    cols = np.arange(ncols, dtype=np.int64)
    bar = _bar(total, 0) if progress else None
    start, done = time.perf_counter(), 0
    try:
        for r in range(nrows):
            for x0 in range(0, ncols, chunk):
                x = cols[x0 : x0 + chunk]
                values = src[bases[r] + x[:, None] + offsets]
                out = _as_values(func, _row_results(func, values, skip_nan))
                with np.errstate(invalid="ignore"):  # NaN into integers: as astype
                    dst[r, x0 : x0 + x.shape[0]] = out
                done += x.shape[0]
                if bar is not None:
                    bar.update(x.shape[0])
                elif progress is None and done < total:
                    elapsed = time.perf_counter() - start
                    if elapsed * (total - done) / done > PROGRESS_SECONDS:
                        bar = _bar(total, done)
    finally:
        if bar is not None:
            bar.close()


def _bar(total: int, done: int):
    from tqdm import tqdm  # a progress bar is rare: tqdm loads when one shows

    return tqdm(
        total=total,
        initial=done,
        desc="mapwindow (Python per window)",
        unit="px",
        unit_scale=True,
        file=sys.stderr,
    )
