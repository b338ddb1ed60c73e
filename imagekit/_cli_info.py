"""``imagekit info``: versions, the settings, and which optional backends import."""

from __future__ import annotations

import importlib
import sys

import numpy as np

from . import __version__
from ._config import config
from .filtering._cpu import avx512
from .filtering.strategies._threads import twins_available

__all__ = ["info"]


def info() -> int:
    """Versions, the settings (``imagekit.config``), and which optional backends import."""
    import numba  # numba, scipy and Pillow: loaded for this command only
    import PIL
    import scipy

    print(f"imagekit {__version__}")
    print(
        f"numpy {np.__version__}, scipy {scipy.__version__}, numba {numba.__version__}, "
        f"pillow {PIL.__version__}"
    )
    print(f"python {sys.version.split()[0]}")
    settings = config()
    print(
        f"threads: {settings.threads} (imagekit.config; from IMAGEKIT_NUM_THREADS, else "
        "NUMBA_NUM_THREADS, else the cores)"
    )
    if settings.threading == "auto" and twins_available():
        print(f"short loops: numba's {numba.threading_layer()} threading layer")
    elif settings.threading == "pool":
        print("short loops: Python thread pool (threading='pool'; IMAGEKIT_THREADING)")
    else:
        print("short loops: Python thread pool (no OpenMP/TBB threading layer)")
    print(
        "filter banks (float32): numba register tiles (AVX-512)"
        if avx512()
        else "filter banks: BLAS matrix products (no AVX-512 for the register tiles)"
    )
    keep = settings.keep_outputs_mb
    print(
        f"large results: freed ones kept for reuse up to {keep:g} MiB "
        "(keep_outputs_mb; IMAGEKIT_KEEP_OUTPUTS_MB)"
        if keep
        else "large results: fresh memory each call (keep_outputs_mb=0; IMAGEKIT_KEEP_OUTPUTS_MB)"
    )
    for name in ("cupy", "dask", "distributed", "torch", "cv2", "skimage"):
        try:
            mod = importlib.import_module(name)
        except ImportError:
            print(f"{name}: not installed")
            continue
        note = ""
        if name == "cupy":  # installed is not enough: a CUDA device must answer
            try:
                note = " (GPU: usable)" if mod.is_available() else " (GPU: no CUDA device)"
            except Exception as e:  # a broken driver
                note = f" (GPU: not usable: {e})"
        elif name == "torch":
            note = " (CUDA: usable)" if mod.cuda.is_available() else " (CPU only)"
        print(f"{name}: {getattr(mod, '__version__', 'installed')}{note}")
    return 0
