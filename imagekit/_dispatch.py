"""Device dispatch: where a call runs, decided from its input array's type, here only.

A public function (``imfilter``, ``filterbank``, ``padarray``, ``magnitude``,
the vector-Jacobian products) first asks ``route(operation, array)``. For a
NumPy array (or anything else ``numpy.asarray`` takes) the answer is
``None`` and the function goes on with the NumPy engine. For a Dask array
it is that operation's Dask backend (a lazy result, block by block); for
another library's array that speaks the array API (CuPy, array_api_strict)
the array-namespace backend, on the array's device. An operation without a
backend for that array type also gets ``None``: NumPy then converts the
array (a Dask array is computed).

Backends are named by module, imported on their first array: Dask and CuPy
are optional, and the backends call the public functions back.
"""

from __future__ import annotations

import importlib

import numpy as np

__all__ = ["array_kind", "is_dask_array", "is_device_array", "kept_route", "route"]

_ROUTES = {
    "dask": {
        "imfilter": "imagekit.filtering.backends.dask:imfilter",
        "filterbank": "imagekit.filtering.backends.dask:filterbank",
        "padarray": "imagekit.filtering.backends.dask:padarray",
        "magnitude": "imagekit.filtering.backends.dask:magnitude",
        "plan": "imagekit.filtering.backends.dask:imfilter_plan",
        "plan_filterbank": "imagekit.filtering.backends.dask:kept_filterbank_plan",
        "run_plan": "imagekit.filtering.backends.dask:run_plan",
        "run_filterbank_plan": "imagekit.filtering.backends.dask:run_filterbank_plan",
        "mapwindow": "imagekit.window.backends.dask:mapwindow",
        "plan_mapwindow": "imagekit.window.backends.dask:plan_mapwindow",
        "run_window_plan": "imagekit.window.backends.dask:run_window_plan",
        "findlocalmaxima": "imagekit.window.backends.extrema:findlocalmaxima",
        "findlocalminima": "imagekit.window.backends.extrema:findlocalminima",
    },
    "device": {
        "imfilter": "imagekit.filtering.backends.cupy:imfilter",
        "filterbank": "imagekit.filtering.backends.cupy_filterbank:filterbank",
        "padarray": "imagekit.filtering.backends.cupy:padarray",
        "magnitude": "imagekit.filtering.backends.cupy:magnitude",
        "plan": "imagekit.filtering.backends.cupy:imfilter_plan",
        "plan_filterbank": "imagekit.filtering.backends.cupy_filterbank:kept_plan",
        "run_plan": "imagekit.filtering.backends.cupy:run_plan",
        "run_filterbank_plan": "imagekit.filtering.backends.cupy_filterbank:run_plan",
        "imfilter_vjp": "imagekit.gradients._xp_vjp:imfilter_vjp",
        "filterbank_vjp": "imagekit.gradients._xp_vjp:filterbank_vjp",
        "mapwindow": "imagekit.window.backends.cupy:mapwindow",
        "plan_mapwindow": "imagekit.window.backends.cupy:plan_mapwindow",
        "run_window_plan": "imagekit.window.backends.cupy:run_window_plan",
        "findlocalmaxima": "imagekit.window.backends.extrema:findlocalmaxima",
        "findlocalminima": "imagekit.window.backends.extrema:findlocalminima",
    },
}
_loaded: dict[str, object] = {}
_WHERE = {"numpy": "NumPy", "dask": "Dask", "device": "device (CuPy, array-API)"}


def is_dask_array(x) -> bool:
    """Whether ``x`` is a Dask array (checked without importing Dask)."""
    return type(x).__module__.startswith("dask.array") and hasattr(x, "dask")


def is_device_array(x) -> bool:
    """Whether ``x`` is another library's array that speaks the array API (CuPy,
    array_api_strict, ...): filtered by the array-namespace backend on its device."""
    if type(x).__module__.startswith(("numpy", "dask")):
        return False
    return hasattr(x, "__array_namespace__") or type(x).__module__.startswith("cupy")


def array_kind(x) -> str:
    """``"numpy"``, ``"dask"`` or ``"device"``: which engine takes ``x``."""
    if type(x) is np.ndarray:
        return "numpy"
    if is_dask_array(x):
        return "dask"
    return "device" if is_device_array(x) else "numpy"


def route(operation: str, *arrays):
    """The backend function that runs ``operation`` for ``arrays``, or ``None`` for
    the NumPy engine. The first Dask array decides, else the first device array."""
    for a in arrays:
        if type(a) is not np.ndarray:
            break
    else:
        return None  # the usual case, decided at once
    kinds = {array_kind(a) for a in arrays}
    kind = "dask" if "dask" in kinds else "device" if "device" in kinds else None
    return None if kind is None else _backend(kind, operation)


def _backend(kind: str, operation: str):
    target = _ROUTES[kind].get(operation)
    if target is None:
        return None
    function = _loaded.get(target)
    if function is None:
        module, name = target.split(":")
        function = _loaded[target] = getattr(importlib.import_module(module), name)
    return function


def kept_route(operation: str, registry_operation: str, array):
    """For a kept plan whose strategy belongs to ``registry_operation`` (``'imfilter'``,
    ``'imfilter-dask'``, ``'filterbank-device'``, ...): the backend function that runs
    ``operation`` on ``array``, or ``None`` for the NumPy engine. An array of another
    kind than the plan's raises a TypeError: a plan never converts its input."""
    if type(array) is np.ndarray and "-" not in registry_operation:
        return None  # the usual case, decided at once
    head, _, kind = registry_operation.rpartition("-")
    kind = kind if head else "numpy"
    got = array_kind(array)
    if got != kind:
        name = f"{type(array).__module__}.{type(array).__qualname__}"
        raise TypeError(
            f"this plan runs on {_WHERE[kind]} arrays, got a {_WHERE[got]} array ({name}); "
            "make a plan for it"
        )
    return None if kind == "numpy" else _backend(kind, operation)
