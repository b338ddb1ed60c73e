"""What the host CPU offers, as LLVM sees it (so as numba compiles for it).

Planning asks this (the filter bank's register tiles are sized for AVX-512),
and so does ``imagekit info``; neither loads a numba loop to ask.
"""

from __future__ import annotations

import functools

__all__ = ["avx512"]


@functools.cache
def avx512() -> bool:
    """Whether the host CPU has AVX-512F (as LLVM sees it, so as numba compiles)."""
    import llvmlite.binding as ll  # numba's compiler: loaded when first asked

    ll.initialize_native_target()
    return bool(ll.get_host_cpu_features().get("avx512f", False))
