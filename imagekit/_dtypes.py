"""The dtype policy: what a filter computes in, what it returns, safe casting.

- A floating image keeps its precision whatever the kernel's dtype
  (float32 in, float32 out); float16 computes and returns float32.
- Integer and bool images compute in ``result_type(kernel, float32)``.
- Complex in, complex out; a complex kernel makes the result complex.
- Casting to an integer dtype rounds half to even and clips to the dtype's
  range: integers never wrap.
"""

from __future__ import annotations

import numpy as np

__all__ = ["cast", "cast_into", "check_numeric", "compute_dtype", "natural_dtype", "output_dtype"]


def check_numeric(a: np.ndarray, name: str) -> None:
    """Raise TypeError unless ``a`` holds bool, integer, floating or complex numbers."""
    if a.dtype == object or a.dtype.kind not in "biufc":
        raise TypeError(
            f"{name} must be a numeric array (bool, integer, floating or complex), "
            f"got dtype {a.dtype}"
        )


def compute_dtype(image_dtype: np.dtype, kernel_dtype: np.dtype) -> np.dtype:
    """The real floating dtype the strategies compute in (float32 or float64)."""
    kind = image_dtype.kind
    if kind in "fc":
        real = np.dtype(image_dtype.char.lower()) if kind == "c" else image_dtype
        return np.dtype(np.float64) if real.itemsize > 4 else np.dtype(np.float32)
    kreal = np.dtype(kernel_dtype.char.lower()) if kernel_dtype.kind == "c" else kernel_dtype
    return np.result_type(kreal, np.float32)


def natural_dtype(real: np.dtype, is_complex: bool) -> np.dtype:
    """The dtype a filter returns when no ``dtype=`` is asked for."""
    if is_complex:
        return np.result_type(real, np.complex64)
    return np.dtype(real)


def output_dtype(dtype, name: str = "dtype") -> np.dtype:
    """Validate a requested output dtype."""
    try:
        dt = np.dtype(dtype)
    except TypeError:
        raise TypeError(f"{name} must be a numpy dtype, got {dtype!r}") from None
    if dt.kind not in "iufc":
        raise TypeError(f"{name} must be an integer, floating or complex dtype, got {dt}")
    return dt.newbyteorder("=") if not dt.isnative else dt


def _integer_target(result_is_complex: bool, has_nan, target: np.dtype):
    """``np.iinfo(target)`` for an integer target (after checking that the result fits
    the rules: no complex value, no NaN; ``has_nan()`` is asked only then), else None."""
    if result_is_complex and target.kind != "c":
        raise TypeError(f"a complex result cannot be written to an output of dtype {target}")
    if target.kind not in "iu":
        return None
    if has_nan():
        raise ValueError(f"the result holds NaN, which an output of dtype {target} cannot")
    return np.iinfo(target)


def cast_into(result: np.ndarray, out: np.ndarray) -> None:
    """Write ``result`` into ``out``: rounded and clipped for integers, never wrapped."""
    info = _integer_target(result.dtype.kind == "c", lambda: np.isnan(result).any(), out.dtype)
    if info is None:
        np.copyto(out, result, casting="unsafe")
        return
    tmp = np.rint(result)
    np.clip(tmp, info.min, info.max, out=tmp)
    # float64 rounds int64's extremes up past them; clip once more in int.
    if info.bits >= 53:
        top = tmp >= float(info.max)
        tmp[top] = 0
        vals = tmp.astype(out.dtype)
        vals[top] = info.max
        np.copyto(out, vals)
        return
    np.copyto(out, tmp, casting="unsafe")


def np_dtype(dtype) -> np.dtype:
    """The NumPy dtype of an array-API dtype (``array_api_strict.float32``, ...)."""
    try:
        return np.dtype(dtype)
    except TypeError:
        return np.dtype(str(dtype).rsplit(".", 1)[-1])


def cast(xp, result, target):
    """``result`` (an array of namespace ``xp``: CuPy, any array-API library) as a new
    array of NumPy dtype ``target``, by :func:`cast_into`'s rules."""
    target = np.dtype(target)
    kind = np_dtype(result.dtype).kind
    info = _integer_target(kind == "c", lambda: bool(xp.any(xp.isnan(result))), target)
    as_target = getattr(xp, target.name)
    if info is None:
        return xp.astype(result, as_target)
    r = xp.clip(xp.round(result), float(info.min), float(info.max))
    if info.bits < 53:
        return xp.astype(r, as_target)
    top = r >= float(info.max)  # see cast_into
    vals = xp.astype(xp.where(top, xp.zeros_like(r), r), as_target)
    return xp.where(top, xp.full_like(vals, info.max), vals)
