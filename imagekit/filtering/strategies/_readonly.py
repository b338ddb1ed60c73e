"""Read-only views: how numba kernels take their sources."""

from __future__ import annotations

import numpy as np

__all__ = ["readonly"]


def readonly(a: np.ndarray) -> np.ndarray:
    """A read-only view of ``a``: numba kernels take their sources this way, so
    writeable and read-only images share one compiled specialisation."""
    v = a.view()
    v.flags.writeable = False
    return v
