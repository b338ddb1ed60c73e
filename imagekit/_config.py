"""Settings: one object, read by the engine, changed by ``imagekit.config``.

Three settings govern how a call runs, not what it computes:

- ``threads``: how many threads a filter uses (``IMAGEKIT_NUM_THREADS``,
  else ``NUMBA_NUM_THREADS``, else the cores this process may run on);
- ``threading``: how short loops are shared among them — ``"auto"`` (numba's
  OpenMP or TBB threading layer where it is safe, else imagekit's thread
  pool) or ``"pool"`` (always the pool; ``IMAGEKIT_THREADING``);
- ``keep_outputs_mb``: how many MiB of freed large results are kept to
  carry the next ones (``IMAGEKIT_KEEP_OUTPUTS_MB``, default 256; 0 turns
  recycling off).

The environment is read once, at import, as the defaults. Afterwards:

- ``imagekit.config()`` returns the settings in force (a :class:`Settings`);
- ``with imagekit.config(threads=1): ...`` changes them for the calls made
  in the block, by the thread (or asyncio task) that entered it: a
  ``contextvars`` variable holds them, so blocks entered by several threads
  at once never see each other's settings and each restores exactly what it
  replaced. The settings in force when a function is called govern all of
  its work, on imagekit's own threads too, and a lazy Dask result carries
  them to the chunk tasks that compute it later;
- ``imagekit.config.set(threads=4)`` changes the defaults, for every thread
  and for good (threads you start, Dask's workers, code outside any block).

Reading a setting costs one context-variable lookup, cheap enough for every call.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import math
import numbers
import os
import threading

__all__ = ["Settings", "config", "current", "using"]

THREADING = ("auto", "pool")


@dataclasses.dataclass(frozen=True)
class Settings:
    """The settings a call runs with (immutable; see :data:`imagekit.config`).

    Attributes
    ----------
    threads : int
        Threads a filter uses (at least 1).
    threading : {"auto", "pool"}
        ``"auto"``: short loops run on numba's OpenMP/TBB threading layer
        where that is safe, long ones on imagekit's thread pool; ``"pool"``:
        every loop on the pool.
    keep_outputs_mb : float
        MiB of freed large results kept to carry the next ones (0: none).
    """

    threads: int
    threading: str
    keep_outputs_mb: float
    keep_outputs_bytes: int = dataclasses.field(init=False, repr=False, compare=False)

    def __post_init__(self):
        threads, threading_, keep = self.threads, self.threading, self.keep_outputs_mb
        if isinstance(threads, bool) or not isinstance(threads, numbers.Integral) or threads < 1:
            raise ValueError(f"threads must be a positive integer, got {threads!r}")
        object.__setattr__(self, "threads", int(threads))
        if threading_ not in THREADING:
            raise ValueError(f"threading={threading_!r} is not one of: {', '.join(THREADING)}")
        if (
            isinstance(keep, bool)
            or not isinstance(keep, numbers.Real)
            or not math.isfinite(keep)
            or keep < 0
        ):
            raise ValueError(f"keep_outputs_mb must be a number >= 0, got {keep!r}")
        object.__setattr__(self, "keep_outputs_bytes", int(keep * 2**20))

    def replace(self, **changes) -> Settings:
        """These settings with ``changes`` (names checked, values validated)."""
        unknown = set(changes) - {"threads", "threading", "keep_outputs_mb"}
        if unknown:
            names = ", ".join(sorted(unknown))
            raise TypeError(f"unknown setting {names}: threads, threading, keep_outputs_mb")
        return dataclasses.replace(self, **changes)


def _cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def from_environment(env=os.environ) -> Settings:
    """The defaults: ``env``'s ``IMAGEKIT_*`` variables, else the built-in values.

    An ``IMAGEKIT_*`` value that is not valid raises a ``ValueError`` naming
    the variable; ``NUMBA_NUM_THREADS`` (numba's, which numba checks) counts
    only when it is a positive integer.
    """
    threads = _cores()
    numba_threads = env.get("NUMBA_NUM_THREADS", "").strip()
    if numba_threads.isdigit() and int(numba_threads) > 0:
        threads = int(numba_threads)
    values = {"threads": threads, "threading": "auto", "keep_outputs_mb": 256.0}
    read = {
        "IMAGEKIT_NUM_THREADS": ("threads", int),
        "IMAGEKIT_THREADING": ("threading", str.lower),
        "IMAGEKIT_KEEP_OUTPUTS_MB": ("keep_outputs_mb", float),
    }
    for variable, (name, parse) in read.items():
        text = env.get(variable, "").strip()
        if not text:
            continue
        try:
            values[name] = parse(text)
            Settings(**values)
        except ValueError as e:
            raise ValueError(f"environment variable {variable}={text!r}: {e}") from None
    return Settings(**values)


_defaults = from_environment()
_set_lock = threading.Lock()
_block: contextvars.ContextVar[Settings | None] = contextvars.ContextVar(
    "imagekit_config", default=None
)


def current() -> Settings:
    """The settings in force for this thread (or task): the innermost ``with
    imagekit.config(...)`` block's, else the defaults. The engine's one reader."""
    s = _block.get()
    return _defaults if s is None else s


@contextlib.contextmanager
def using(settings: Settings):
    """Run a block with ``settings`` exactly (the engine's: a Dask chunk task runs
    with the settings of the call that made it)."""
    token = _block.set(settings)
    try:
        yield settings
    finally:
        _block.reset(token)


class _Block:
    """``with imagekit.config(...)``: applies its changes on entry, restores on exit."""

    __slots__ = ("_changes", "_tokens")

    def __init__(self, changes: dict):
        current().replace(**changes)  # checked now, where the mistake is made
        self._changes, self._tokens = changes, []

    def __enter__(self) -> Settings:
        settings = current().replace(**self._changes)
        self._tokens.append(_block.set(settings))
        return settings

    def __exit__(self, *exc) -> None:
        _block.reset(self._tokens.pop())

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._changes.items())
        return f"imagekit.config({args})"


class Config:
    """imagekit's settings: read them, change them for a block, or change the defaults.

    ``config()`` returns the :class:`Settings` in force. ``config(**changes)``
    returns a context manager: ``with config(threads=1): ...`` runs the block
    with those settings, in the thread (or asyncio task) that entered it;
    other threads keep theirs. ``config.set(**changes)`` changes the defaults
    for every thread. Settings: ``threads`` (int >= 1), ``threading``
    (``"auto"`` or ``"pool"``), ``keep_outputs_mb`` (number >= 0). A value that
    is not valid raises a ``ValueError`` naming the setting, an unknown name a
    ``TypeError``. The environment variables ``IMAGEKIT_NUM_THREADS`` (else
    ``NUMBA_NUM_THREADS``), ``IMAGEKIT_THREADING`` and
    ``IMAGEKIT_KEEP_OUTPUTS_MB`` are read once, at import, as the defaults.

    Examples
    --------
    >>> import numpy as np
    >>> import imagekit
    >>> with imagekit.config(threads=1, keep_outputs_mb=0):
    ...     imagekit.config().threads
    ...     out = imagekit.imfilter(np.ones((64, 64)), imagekit.kernels.box(3))
    1
    >>> imagekit.config().threads >= 1
    True
    >>> imagekit.config(threads=0)
    Traceback (most recent call last):
        ...
    ValueError: threads must be a positive integer, got 0
    """

    def __call__(self, **changes) -> Settings | _Block:
        if not changes:
            return current()
        return _Block(changes)

    def set(self, **changes) -> Settings:
        """Change the defaults (every thread, outside any ``with`` block), for good;
        returns the new defaults.

        A ``with imagekit.config(...)`` block fixes all the settings when it is
        entered: a ``set`` made inside it shows after the block.

        Examples
        --------
        >>> import imagekit
        >>> before = imagekit.config()
        >>> imagekit.config.set(keep_outputs_mb=64).keep_outputs_mb
        64
        >>> _ = imagekit.config.set(keep_outputs_mb=before.keep_outputs_mb)
        """
        global _defaults
        with _set_lock:
            _defaults = _defaults.replace(**changes)
            return _defaults

    def __repr__(self) -> str:
        return f"imagekit.config: {current()}"


config = Config()
