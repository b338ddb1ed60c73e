"""The compile-free tier: numba's start-up counted against compiled strategies.

A process pays once, before its first numba loop runs, for importing numba
and initialising its CPU target (``STARTUP`` seconds), even when every loop
comes from numba's disk cache. A strategy written in NumPy array operations
alone (``Strategy.compile_free``) pays nothing. While the start-up is unpaid,
the registry's ranking (``_registry.rank``) adds ``STARTUP`` to the predicted
cost of every other strategy of an operation that has a compile-free one,
so a small one-shot call runs in NumPy and a large one compiles.

The rent is bounded (the ski-rental rule): the time spent in compile-free
runs is summed, and once it reaches ``STARTUP`` the start-up counts as paid,
as it does once numba's CPU target exists in the process (a loop module has
been loaded, by any call). Paid, the tier's NumPy strategies (``shifts``,
``stack``) leave ``'auto'`` (their ``why_not_auto`` says :data:`PAID`) and the
compiled ones rank as usual. Plans a user keeps
(``imagekit.filtering.plan``, ``plan_mapwindow``) are for repeated calls:
they are made inside :func:`kept`, which ranks without the start-up. The plan
cache keys on :func:`active`, so a plan chosen with the start-up is never
reused once it is paid.
"""

from __future__ import annotations

import contextlib
import contextvars
import sys
import threading
import time

__all__ = [
    "PAID",
    "STARTUP",
    "active",
    "keeping",
    "kept",
    "paid",
    "pay",
    "rent_paid",
    "renting",
]

STARTUP = 1.0
"""Seconds a process spends importing numba and initialising its CPU target before
its first loop runs from a warm cache: the import and the target together (the
figures behind it are in ``docs/benchmarks.rst``)."""

PAID = "not for auto: numba's start-up is paid, the compiled strategies run"
"""``why_not_auto`` of the tier's NumPy strategies once :func:`active` is false."""

_lock = threading.Lock()
_state = {"paid": False, "rent": 0.0}
_keeping: contextvars.ContextVar[bool] = contextvars.ContextVar("keeping", default=False)


def _numba_started() -> bool:
    """Whether numba's CPU target exists in this process (a loop has been loaded)."""
    registry = sys.modules.get("numba.core.registry")
    target = getattr(registry, "cpu_target", None)
    return target is not None and "_toplevel_target_context" in vars(target)


def paid() -> bool:
    """Whether numba's start-up is paid: numba has started, or the compile-free runs
    have spent ``STARTUP`` seconds, or :func:`pay` was called."""
    if not _state["paid"] and _numba_started():
        _state["paid"] = True
    return _state["paid"]


def active() -> bool:
    """Whether the ranking counts the start-up now: unpaid, and not a kept plan."""
    return not _keeping.get() and not paid()


def keeping() -> bool:
    """Whether a plan made now is a kept one (inside :func:`kept`)."""
    return _keeping.get()


def pay() -> None:
    """Count the start-up as paid from now on (the compiled strategies rank as usual)."""
    _state["paid"] = True


def rent_paid() -> float:
    """The seconds spent in compile-free runs so far."""
    return _state["rent"]


@contextlib.contextmanager
def renting():
    """Time a compile-free run, and count the start-up paid once such runs have taken
    ``STARTUP`` seconds in all."""
    start = time.perf_counter()
    try:
        yield
    finally:
        with _lock:
            _state["rent"] += time.perf_counter() - start
            if _state["rent"] >= STARTUP:
                _state["paid"] = True


@contextlib.contextmanager
def kept():
    """Plans made inside rank without the start-up: they are kept for many calls."""
    token = _keeping.set(True)
    try:
        yield
    finally:
        _keeping.reset(token)
