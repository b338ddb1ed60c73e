"""Array types other than NumPy's: each backend is imported only when its array arrives."""

from __future__ import annotations

__all__ = ["is_dask_array"]


def is_dask_array(x) -> bool:
    """Whether ``x`` is a Dask array (checked without importing Dask)."""
    return type(x).__module__.startswith("dask.array") and hasattr(x, "dask")
