"""The plan cache: repeated filter calls reuse one plan.

Plans are immutable, so calls with the same image shape and dtype, kernel
and options can share one; planning costs tens of microseconds, a sizeable
share of a small filter. A call is cached when its image is a NumPy array,
its kernel has at most ``MAX_TAPS`` taps and its options hash; the cache
keeps the ``SIZE`` newest plans and empties when the registry of strategies
changes (a change can change every choice). The key holds whether the ranking
counts numba's start-up (``_tier.active()``), so a plan chosen while it is
unpaid is not reused once it is paid, nor by a plan the user keeps.
"""

from __future__ import annotations

import threading

import numpy as np

from ..kernels import Kernel
from . import _tier
from ._registry import _on_change

__all__ = ["MAX_TAPS", "SIZE", "cached", "clear", "key"]

MAX_TAPS = 4096
SIZE = 256

_plans: dict = {}
_lock = threading.Lock()
_on_change.append(_plans.clear)


def _kernel_key(kernel):
    if isinstance(kernel, Kernel):
        return kernel if kernel.size <= MAX_TAPS else None
    if isinstance(kernel, tuple):
        keys = tuple(_kernel_key(k) for k in kernel)
        return None if any(k is None for k in keys) else ("tuple", keys)
    w = np.asarray(kernel)
    if w.dtype == object or w.size > MAX_TAPS:
        return None
    return ("array", w.shape, w.dtype.str, w.tobytes())


def key(image, kernel, border, options):
    """A hashable key for a plan, or None when the call should not be cached."""
    a = image if isinstance(image, np.ndarray) else None
    kkey = _kernel_key(kernel)
    if a is None or kkey is None:
        return None
    k = (a.shape, a.dtype.str, kkey, border, tuple(sorted(options.items())), _tier.active())
    try:
        hash(k)
    except TypeError:  # a list for axes, an unhashable border: plan it fresh
        return None
    return k


def cached(make, image, kernel, border, options):
    """The cached plan of this call, else ``make(image, kernel, border, **options)``,
    kept for the next one."""
    k = key(image, kernel, border, options)
    if k is not None:
        p = _plans.get(k)
        if p is not None:
            return p
    p = make(image, kernel, border, **options)
    if k is not None:
        with _lock:
            if len(_plans) >= SIZE:
                _plans.pop(next(iter(_plans)))  # the oldest entry
            _plans[k] = p
    return p


def clear() -> None:
    """Forget every cached plan."""
    _plans.clear()
