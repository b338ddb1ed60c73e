"""The registry of strategies: what the planner ranks, per operation.

Adding a strategy is one file (a :class:`~imagekit.filtering._strategy.Strategy`
subclass) and one line in ``BUILTIN``, or, at run time, one call to
:func:`register`. A line is ``(operation, "module:object")``: the module is
imported on the first plan of that operation, and of no other, so that
``import imagekit`` stays light and the first median loads no FFT. The
planner asks :func:`strategies` for an operation's strategies, in
registration order, and ranks them by cost (:func:`rank`), adding numba's
start-up to compiled strategies while it is unpaid (``_tier``).

Other packages (``imagekit.window``: ``mapwindow`` and its ``-device`` and
``-dask`` counterparts; ``imagekit.gradients``: ``imfilter_vjp``,
``image_grad``, ``kernel_grad``, ``filterbank_vjp`` and their ``-device``
counterparts) register their built-in strategies with
:func:`register_builtin` when that package is imported, as lines of the same
form: filtering never imports them. :func:`on_change` lets such a package
drop what it keeps from a ranking when the registry changes.
"""

from __future__ import annotations

import dataclasses
import importlib
import threading
from collections.abc import Mapping
from types import MappingProxyType

from . import _tier
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

# One line per strategy: its operation, and the module and the object in it.
BUILTIN = (
    ("imfilter", ".strategies.direct:DIRECT"),
    ("imfilter", ".strategies.separable:SEPARABLE"),
    ("imfilter", ".strategies.fft:FFT"),
    ("imfilter", ".strategies.iir:IIR"),
    ("imfilter", ".strategies.shifts:SHIFTS"),
    ("filterbank", ".strategies.bank_tiles:BANK_TILES"),
    ("filterbank", ".strategies.bank_winograd:BANK_WINOGRAD"),
    ("filterbank", ".strategies.bank_gemm:BANK_GEMM"),
    ("filterbank", ".strategies.bank_fft:BANK_FFT"),
    ("imfilter-device", ".backends.cupy:DEVICE_DIRECT"),
    ("imfilter-device", ".backends.cupy:DEVICE_SEPARABLE"),
    ("imfilter-device", ".backends.cupy:DEVICE_FFT"),
    ("filterbank-device", ".backends.cupy_filterbank:DEVICE_GEMM"),
    ("imfilter-dask", ".backends.dask:IMFILTER_BLOCKS"),
    ("filterbank-dask", ".backends.dask:FILTERBANK_BLOCKS"),
)

_registry: dict[str, dict[str, Strategy]] = {}
_lock = threading.RLock()
# Lines not yet imported, per operation (BUILTIN's, then other packages').
_pending: dict[str, list[str]] = {}
for _operation, _line in BUILTIN:
    _pending.setdefault(_operation, []).append(_line)
del _operation, _line
_loading: set[str] = set()  # operations whose lines are being imported
# Called after every change (the planners drop their cached plans).
_on_change: list = []


def _load(operation: str) -> None:
    """Import ``operation``'s pending lines (and no other operation's). Another thread
    asking meanwhile waits for all of them; the loading thread itself (a strategy
    module that asks for the registry while it is imported) is not held up."""
    with _lock:
        lines = _pending.get(operation)
        if lines is None or operation in _loading:
            return
        _loading.add(operation)
        try:
            for entry in lines:
                module, name = entry.split(":")
                strategy = getattr(importlib.import_module(module, __package__), name)
                if strategy.operation != operation:
                    listed = f"{entry} is a {strategy.operation} strategy"
                    raise ValueError(f"{listed}, listed as {operation}")
                _registry.setdefault(operation, {}).setdefault(strategy.name, strategy)
            del _pending[operation]
        finally:
            _loading.discard(operation)


def strategies(operation: str = "imfilter") -> Mapping[str, Strategy]:
    """The registered strategies of ``operation`` (read-only), by name."""
    if operation in _pending:
        _load(operation)
    return MappingProxyType(_registry.get(operation, {}))


def register(strategy: Strategy) -> Strategy:
    """Add ``strategy`` under its ``operation`` and ``name`` (which must be new)."""
    if strategy.operation in _pending:
        _load(strategy.operation)
    with _lock:
        table = _registry.setdefault(strategy.operation, {})
        if strategy.name in table:
            raise ValueError(
                f"a {strategy.operation} strategy named {strategy.name!r} is already registered"
            )
        table[strategy.name] = strategy
    _changed()
    return strategy


def register_builtin(*builtin: Strategy | tuple[str, str]) -> None:
    """Add another package's built-in strategies, each under its ``operation`` and
    ``name`` (kept where that name is taken). For operations of their own, which no
    cached plan depends on, so nothing is notified. An ``(operation,
    "package.module:object")`` line is imported on the first plan of that operation,
    after the lines already listed for it, so that the package's import stays light."""
    with _lock:
        for strategy in builtin:
            if isinstance(strategy, tuple):
                operation, line = strategy
                _pending.setdefault(operation, []).append(line)
            else:
                _registry.setdefault(strategy.operation, {}).setdefault(strategy.name, strategy)


def on_change(callback) -> None:
    """Call ``callback()`` after every :func:`register` and :func:`unregister`."""
    _on_change.append(callback)


def unregister(strategy: Strategy | str, operation: str = "imfilter") -> None:
    """Remove a strategy (the object, or its name under ``operation``)."""
    if isinstance(strategy, Strategy):
        operation, strategy = strategy.operation, strategy.name
    if operation in _pending:
        _load(operation)
    with _lock:
        _registry.get(operation, {}).pop(strategy, None)
    _changed()


def _changed() -> None:
    for callback in _on_change:
        callback()


def rank(operation: str, plan, algorithm: str, preferred: str | None = None):
    """Rank ``operation``'s strategies for ``plan``: the one place a strategy is chosen.

    Returns ``(rows, costs, chosen, why)``: a row ``(name, cost or None, why not,
    why not for auto, start-up)`` per strategy, the predicted costs of those that
    apply, the chosen name and the reason it won. ``'auto'`` takes ``preferred``
    when it applies, else the cheapest candidate for auto; another ``algorithm``
    takes the strategy it names (ValueError, with the reason, when that one does not
    apply).

    The compile-free tier (``_tier``): where the operation has a compile-free
    strategy, every other candidate's cost counts ``_tier.STARTUP`` more while
    numba's start-up is unpaid (``_tier.active()``; the start-up column of the
    rows). The NumPy strategies of the tier leave ``'auto'`` once it is paid
    (their own ``why_not_auto``).
    """
    table = strategies(operation)
    tiered = any(s.compile_free for s in table.values())
    active = tiered and _tier.active()
    rows, costs = [], {}
    for name, s in table.items():
        reason = s.why_not(plan)
        auto, startup = None, 0.0
        if reason is None:
            costs[name] = s.cost(plan)
            auto = s.why_not_auto(plan)
            if active and not s.compile_free:
                startup = _tier.STARTUP
        rows.append((name, costs.get(name), reason, auto, startup))
    if algorithm == "auto":
        if preferred is not None and preferred in costs:
            return rows, costs, preferred, "the kernel asks for it"
        auto = {row[0]: row[1] + row[4] for row in rows if row[2] is None and row[3] is None}
        why = "the cheapest exact strategy"
        if active:
            why += f", counting numba's start-up ({_tier.STARTUP:.3g} s) until it is paid"
        return rows, costs, min(auto, key=auto.get), why
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
    for name, cost, reason, auto, startup in rows:
        mark = "  <- chosen" if name == chosen else ""
        predicted = "" if cost is None else f"{cost:.3g} s predicted"
        if startup:
            predicted += f" + {startup:.3g} s numba start-up"
        if reason is not None:
            text = f"not a candidate: {reason}"
        elif auto is not None and algorithm == "auto":
            text = f"{predicted}, {auto}"
        elif auto is not None:
            text = f"{predicted} ({auto})"
        else:
            text = predicted
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
