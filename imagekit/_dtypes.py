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

__all__ = ["cast_into", "check_numeric", "compute_dtype", "natural_dtype", "output_dtype"]


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


def cast_into(result: np.ndarray, out: np.ndarray) -> None:
    """Write ``result`` into ``out``: rounded and clipped for integers, never wrapped."""
    if result.dtype.kind == "c" and out.dtype.kind != "c":
        raise TypeError(f"a complex result cannot be written to an output of dtype {out.dtype}")
    if out.dtype.kind in "iu":
        if np.isnan(result).any():
            raise ValueError(f"the result holds NaN, which an output of dtype {out.dtype} cannot")
        info = np.iinfo(out.dtype)
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
        return
    np.copyto(out, result, casting="unsafe")
