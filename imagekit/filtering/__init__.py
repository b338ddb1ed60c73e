"""Filtering: imfilter, filterbank, imgradients, and plans you can keep."""

from ._filterbank_plan import FilterbankPlan, filterbank, plan_filterbank
from ._imfilter import imfilter
from ._imgradients import imgradients, magnitude
from ._plan import Plan, plan

__all__ = [
    "FilterbankPlan",
    "Plan",
    "filterbank",
    "imfilter",
    "imgradients",
    "magnitude",
    "plan",
    "plan_filterbank",
]
