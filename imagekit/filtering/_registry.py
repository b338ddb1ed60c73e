"""The registry of strategies: what the planner ranks, per operation.

Adding a strategy is one file (a :class:`~imagekit.filtering._strategy.Strategy`
subclass) and one line in ``BUILTIN`` (``"module:object"``, imported on the
first plan so that ``import imagekit`` stays light), or, at run time, one
call to :func:`register`. The planner asks :func:`strategies` for an
operation's strategies, in registration order, and ranks them by cost.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Mapping
from types import MappingProxyType

from ._strategy import Strategy

__all__ = ["BUILTIN", "STRATEGIES", "register", "strategies", "unregister"]

# One line per strategy: the module and the object in it.
BUILTIN = (
    ".strategies.direct:DIRECT",
    ".strategies.separable:SEPARABLE",
    ".strategies.fft:FFT",
    ".strategies.iir:IIR",
)

_registry: dict[str, dict[str, Strategy]] = {}
_lock = threading.Lock()
_loaded = False
# Called after every change (the planners drop their cached plans).
_on_change: list = []


def _load() -> None:
    global _loaded
    with _lock:
        if _loaded:
            return
        for entry in BUILTIN:
            module, name = entry.split(":")
            strategy = getattr(importlib.import_module(module, __package__), name)
            _registry.setdefault(strategy.operation, {}).setdefault(strategy.name, strategy)
        _loaded = True


def strategies(operation: str = "imfilter") -> Mapping[str, Strategy]:
    """The registered strategies of ``operation`` (read-only), by name."""
    if not _loaded:
        _load()
    return MappingProxyType(_registry.get(operation, {}))


def register(strategy: Strategy) -> Strategy:
    """Add ``strategy`` under its ``operation`` and ``name`` (which must be new)."""
    if not _loaded:
        _load()
    with _lock:
        table = _registry.setdefault(strategy.operation, {})
        if strategy.name in table:
            raise ValueError(
                f"a {strategy.operation} strategy named {strategy.name!r} is already registered"
            )
        table[strategy.name] = strategy
    _changed()
    return strategy


def unregister(strategy: Strategy | str, operation: str = "imfilter") -> None:
    """Remove a strategy (the object, or its name under ``operation``)."""
    if isinstance(strategy, Strategy):
        operation, strategy = strategy.operation, strategy.name
    with _lock:
        _registry.get(operation, {}).pop(strategy, None)
    _changed()


def _changed() -> None:
    for callback in _on_change:
        callback()


class _Imfilter(Mapping):
    """``STRATEGIES``: imfilter's strategies by name, read-only, loaded on first use."""

    def __getitem__(self, name: str) -> Strategy:
        return strategies("imfilter")[name]

    def __iter__(self):
        return iter(strategies("imfilter"))

    def __len__(self) -> int:
        return len(strategies("imfilter"))


STRATEGIES: Mapping[str, Strategy] = _Imfilter()
