"""The registry of strategies: what the planner ranks, per operation.

Adding a strategy is one file (a :class:`~imagekit.filtering._strategy.Strategy`
subclass) and one line in ``BUILTIN`` (``"module:object"``, imported on the
first plan so that ``import imagekit`` stays light), or, at run time, one
call to :func:`register`. The planner asks :func:`strategies` for an
operation's strategies, in registration order, and ranks them by cost.

Another package's operations (``imagekit.gradients``: ``imfilter_vjp``,
``image_grad``, ``kernel_grad``, ``filterbank_vjp`` and their ``-device``
counterparts) register their built-in
strategies with :func:`register_builtin` when that package is imported:
filtering never imports them. :func:`on_change` lets such a package drop
what it keeps from a ranking when the registry changes.
"""

from __future__ import annotations

import dataclasses
import importlib
import threading
from collections.abc import Mapping
from types import MappingProxyType

from ._strategy import Strategy

__all__ = [
    "BUILTIN",
    "STRATEGIES",
    "describe",
    "on_change",
    "rank",
    "register",
    "register_builtin",
    "strategies",
    "unregister",
]

# One line per strategy: the module and the object in it.
BUILTIN = (
    ".strategies.direct:DIRECT",
    ".strategies.separable:SEPARABLE",
    ".strategies.fft:FFT",
    ".strategies.iir:IIR",
    ".strategies.bank_tiles:BANK_TILES",
    ".strategies.bank_winograd:BANK_WINOGRAD",
    ".strategies.bank_gemm:BANK_GEMM",
    ".strategies.bank_fft:BANK_FFT",
    ".backends.cupy:DEVICE_DIRECT",
    ".backends.cupy:DEVICE_SEPARABLE",
    ".backends.cupy:DEVICE_FFT",
    ".backends.cupy_filterbank:DEVICE_GEMM",
    ".backends.dask:IMFILTER_BLOCKS",
    ".backends.dask:FILTERBANK_BLOCKS",
)

_registry: dict[str, dict[str, Strategy]] = {}
_lock = threading.Lock()
_loaded = False
# Called after every change (the planners drop their cached plans).
_on_change: list = []


# Other packages' built-in strategies, as BUILTIN lines with absolute module names.
_deferred: list[str] = []


def _load() -> None:
    global _loaded
    with _lock:
        if _loaded:
            return
        for entry in (*BUILTIN, *_deferred):
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


def register_builtin(*builtin: Strategy | str) -> None:
    """Add another package's built-in strategies, each under its ``operation`` and
    ``name`` (kept where that name is taken). For operations of their own, which no
    cached plan depends on, so nothing is notified. A ``"package.module:object"``
    line is imported with the registry's own lines, on the first plan, so that the
    package's import stays light."""
    global _loaded
    with _lock:
        for strategy in builtin:
            if isinstance(strategy, str):
                _deferred.append(strategy)
                _loaded = False
            else:
                _registry.setdefault(strategy.operation, {}).setdefault(strategy.name, strategy)


def on_change(callback) -> None:
    """Call ``callback()`` after every :func:`register` and :func:`unregister`."""
    _on_change.append(callback)


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


def rank(operation: str, plan, algorithm: str, preferred: str | None = None):
    """Rank ``operation``'s strategies for ``plan``: the one place a strategy is chosen.

    Returns ``(rows, costs, chosen, why)``: a row ``(name, cost or None, why not,
    why not for auto)`` per strategy, the predicted costs of those that apply,
    the chosen name and the reason it won. ``'auto'`` takes ``preferred`` when it
    applies, else the cheapest candidate for auto; another ``algorithm`` takes the
    strategy it names (ValueError, with the reason, when that one does not apply).
    """
    table = strategies(operation)
    rows, costs = [], {}
    for name, s in table.items():
        reason = s.why_not(plan)
        auto = None
        if reason is None:
            costs[name] = s.cost(plan)
            auto = s.why_not_auto(plan)
        rows.append((name, costs.get(name), reason, auto))
    if algorithm == "auto":
        if preferred is not None and preferred in costs:
            return rows, costs, preferred, "the kernel asks for it"
        auto = {row[0]: row[1] for row in rows if row[2] is None and row[3] is None}
        return rows, costs, min(auto, key=auto.get), "the cheapest exact strategy"
    named = [name for name, s in table.items() if s.algorithm == algorithm]
    if not named:
        raise ValueError(f"algorithm={algorithm!r} names no registered {operation} strategy")
    name = named[0]
    if name not in costs:
        raise ValueError(f"algorithm={algorithm!r} {rows[list(table).index(name)][2]}")
    return rows, costs, name, "asked for"


def describe(rows, algorithm: str, chosen: str, why: str, loop: str) -> list[str]:
    """The lines of ``explain()`` for a ranking made by :func:`rank`."""
    lines = [
        f"algorithm={algorithm!r}"
        + (": the cheapest exact strategy that applies" if algorithm == "auto" else "")
    ]
    for name, cost, reason, auto in rows:
        mark = "  <- chosen" if name == chosen else ""
        if reason is not None:
            text = f"not a candidate: {reason}"
        elif auto is not None and algorithm == "auto":
            text = f"{cost:.3g} s predicted, {auto}"
        elif auto is not None:
            text = f"{cost:.3g} s predicted ({auto})"
        else:
            text = f"{cost:.3g} s predicted"
        lines.append(f"  {name:<12} {text}{mark}")
    lines += [f"chosen: {chosen}, {why}", f"loop: {loop}"]
    return lines


class _Imfilter(Mapping):
    """``STRATEGIES``: imfilter's strategies by name, read-only, loaded on first use."""

    def __getitem__(self, name: str) -> Strategy:
        return strategies("imfilter")[name]

    def __iter__(self):
        return iter(strategies("imfilter"))

    def __len__(self) -> int:
        return len(strategies("imfilter"))


STRATEGIES: Mapping[str, Strategy] = _Imfilter()


def with_ranking(p, operation: str, ranking, image_dtype, out_dtype) -> object:
    """``p`` with the winner of ``ranking`` (what ``rank(operation, ...)`` returned)
    as its strategy, prepared for these dtypes: how a backend turns the in-memory
    plan of a call into its own."""
    rows, costs, name, why = ranking
    strategy = strategies(operation)[name]
    prepared = strategy.prepare(p, image_dtype, out_dtype)
    return dataclasses.replace(
        p,
        strategy=name,
        loop=prepared.loop,
        costs=costs,
        _ranking=(tuple(rows), why),
        _impl=strategy,
        _prepared=prepared,
    )
