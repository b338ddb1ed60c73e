"""mapwindow on CuPy and other array-API arrays, computed on the array's device.

Options, dtypes and geometry come from the same plan as in memory, made for a
stand-in of the image's shape and dtype; the image is read in the plan's work
dtype on its own device and the result cast as in memory. Two strategies of
the registry's ``'mapwindow-device'`` operation compute it:

- ``device-ndimage``: the array library's ndimage module
  (``cupyx.scipy.ndimage`` for CuPy; see :data:`NDIMAGE`): rank, minimum,
  maximum, uniform and correlate filters with the window's offsets as
  ``origin`` and the border as ``mode``/``cval``, for every recognised
  function but the selections (median, rank, percentile) with ``NA``
  (``_ndimage`` says how each is composed);
- ``device-stack``: array operations only (any array-API library): the
  window's shifted views of the extended image stacked and sorted, for the
  selections with any border, ``NA`` included (a missing pixel sorts last and
  each pixel takes its rank among what is there). It holds one copy of the
  output per window pixel.

``'auto'`` ranks them by costs that are rules of thumb (sorting ``n`` values
per pixel against one pass of a filter), not fitted on a GPU. A user's
function has no device path: it raises a ``TypeError`` that says so.
"""

from __future__ import annotations

import dataclasses
import importlib
import math

import numpy as np

from ..._dtypes import np_dtype
from ...borders import Fill
from ...filtering._registry import rank, with_ranking
from ...filtering._strategy import Prepared, Strategy
from ...filtering.backends.cupy import extend, finish, namespace, stand_in, xp_dtype
from .._functions import recognise
from .._geometry import reach
from .._plan import WindowPlan, make_plan
from .._stack import sorted_selection, stacked
from . import _ndimage
from ._common import fill_in

__all__ = [
    "DEVICE_NDIMAGE",
    "DEVICE_STACK",
    "NDIMAGE",
    "mapwindow",
    "ndimage_of",
    "plan_mapwindow",
    "run_window_plan",
]

OPERATION = "mapwindow-device"
NS = 1e-9
LAUNCH = 20e-6

# The ndimage module of each array library, by the name of its array namespace's
# module (``array_api_compat.cupy`` -> ``cupy``): a module or its import path.
NDIMAGE: dict[str, object] = {"cupy": "cupyx.scipy.ndimage", "numpy": "scipy.ndimage"}


def _library(xp) -> str:
    return xp.__name__.rsplit(".", 1)[-1]


def ndimage_of(xp):
    """The ndimage module that filters arrays of namespace ``xp``, or None."""
    module = NDIMAGE.get(_library(xp))
    return importlib.import_module(module) if isinstance(module, str) else module


def _border(plan):
    """The plan's border with a ``Fill``'s value as the work dtype holds it."""
    if isinstance(plan.border, Fill):
        return Fill(fill_in(plan))
    return plan.border


class _Device(Strategy):
    """A device strategy: ``run(prepared, xp, ndi, image)`` returns the result (in the
    plan's result dtype) for the image on its device, in the plan's work dtype."""

    operation = OPERATION

    def prepare(self, plan, image_dtype, out_dtype):
        return Prepared(f"{self.name}/array-ops", plan, np.dtype(image_dtype), np.dtype(out_dtype))


class DeviceNdimage(_Device):
    """Filters of the array library's ndimage module (see ``_ndimage``)."""

    name, algorithm = "device-ndimage", "ndimage"

    def why_not(self, plan):
        if plan.reduction.kind == "user":
            return "runs the recognised functions only"
        if plan.skip_nan and plan.reduction.kind in ("median", "rank", "percentile"):
            return f"ndimage has no {plan.reduction} that leaves missing pixels out (NA)"
        return None

    def cost(self, plan):
        n, pixels = plan.window.size, float(np.prod(plan.out_shape))
        return LAUNCH + 0.1 * NS * pixels * (1 + math.log2(n))

    def run(self, prepared, xp, ndi, image):
        if ndi is None:
            raise TypeError(
                f"mapwindow's strategy {self.name!r} needs an ndimage module, and "
                f"{_library(xp)} arrays have none: make a plan for them (or convert to NumPy)"
            )
        p = prepared.plan
        return _ndimage.reduce(xp, ndi, image, p, _border(p))


class DeviceStack(_Device):
    """The window's views stacked and sorted (see the module docstring)."""

    name, algorithm = "device-stack", "stack"

    def why_not(self, plan):
        if not plan.reduction.selection:
            return f"sorts windows for selections, not {plan.reduction}"
        return None

    def cost(self, plan):
        n, pixels = plan.window.size, float(np.prod(plan.out_shape))
        return LAUNCH + NS * pixels * n * (1 + math.log2(n))

    def run(self, prepared, xp, ndi, image):
        p = prepared.plan
        lo, hi = reach(p.out_shape, p.out_lo, p.window)
        border = _border(p)
        fill = border.value if isinstance(border, Fill) else math.nan if p.skip_nan else 0
        ext = extend(xp, image, border, lo, hi, fill)
        return sorted_selection(xp, stacked(xp, ext, p), p)


DEVICE_NDIMAGE = DeviceNdimage()
DEVICE_STACK = DeviceStack()


def _no_user_function(reduction, xp) -> None:
    if reduction.kind == "user":
        raise TypeError(
            f"mapwindow with a user function ({reduction}) is not supported on "
            f"{_library(xp)} arrays: run it on a NumPy array (for CuPy: image.get()), "
            "or use a recognised function (np.median, np.min, np.max, np.mean, np.sum, "
            "np.var, np.std, np.ptp, Rank, Percentile)"
        )


def plan_mapwindow(func, image, window, border, **options) -> WindowPlan:
    """:func:`imagekit.window.plan_mapwindow` for a device array: every option
    resolved (and checked) as for an in-memory image of this shape, the strategy
    ranked among the ``'mapwindow-device'`` ones (``device-stack`` alone where the
    array's library has no ndimage module)."""
    xp = namespace(image)
    _no_user_function(recognise(func), xp)
    algorithm = options.pop("algorithm", "auto")
    # the in-memory plan of the call, its options checked; its strategies are not the device's
    p = make_plan(func, stand_in(image), window, border, algorithm="auto", **options)
    p = dataclasses.replace(p, algorithm=algorithm)
    no_ndimage = ndimage_of(xp) is None
    if no_ndimage and algorithm == "auto" and DEVICE_STACK.why_not(p) is None:
        algorithm = DEVICE_STACK.algorithm  # the one that needs no ndimage module
    p = with_ranking(p, OPERATION, rank(OPERATION, p, algorithm), p.work_dtype, p.result_dtype)
    if no_ndimage and p._impl is DEVICE_NDIMAGE:
        raise TypeError(
            f"mapwindow of {p.reduction} on {_library(xp)} arrays needs an ndimage module "
            "(cupyx.scipy.ndimage for CuPy), which that library has none of: convert the "
            "image to NumPy, or ask for a selection (median, min, max, Rank, Percentile)"
        )
    return p


def run_window_plan(plan: WindowPlan, image, out):
    """A device window plan run on ``image`` (of its shape and dtype), on its device."""
    xp = namespace(image)
    a = xp.astype(image, xp_dtype(xp, plan.work_dtype))
    result = plan._impl.run(plan._prepared, xp, ndimage_of(xp), a)
    target = plan.out_dtype if out is None else np_dtype(out.dtype)
    floating = result.dtype in (xp.float32, xp.float64)
    if np_dtype(result.dtype) == target:
        if out is None:
            return result
    elif floating and target.kind in "iub":
        result = xp.where(xp.isnan(result), 0.0, result)  # an empty window (NA) gives 0
    elif not floating:  # integers into another dtype: rounded and clipped through float64
        result = xp.astype(result, xp.float64)
    return finish(xp, result, plan.out_dtype, out, plan.out_shape)


def mapwindow(func, image, window, border, *, out, **options):
    """:func:`imagekit.mapwindow` (its keyword ``options``) on the image's device."""
    return run_window_plan(plan_mapwindow(func, image, window, border, **options), image, out)
