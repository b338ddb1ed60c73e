"""Array types other than NumPy's: each backend is imported only when its array arrives."""

from __future__ import annotations

__all__ = ["is_dask_array", "is_device_array"]


def is_dask_array(x) -> bool:
    """Whether ``x`` is a Dask array (checked without importing Dask)."""
    return type(x).__module__.startswith("dask.array") and hasattr(x, "dask")


def is_device_array(x) -> bool:
    """Whether ``x`` is another library's array that speaks the array API (CuPy,
    array_api_strict, ...): filtered by the array-namespace backend on its device."""
    if type(x).__module__.startswith(("numpy", "dask")):
        return False
    return hasattr(x, "__array_namespace__") or type(x).__module__.startswith("cupy")
