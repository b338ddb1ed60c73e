"""Filtering: imfilter, imgradients, and the planner that picks a strategy."""

from ._imfilter import imfilter
from ._imgradients import imgradients, magnitude
from ._plan import STRATEGIES, Plan, plan

__all__ = ["STRATEGIES", "Plan", "imfilter", "imgradients", "magnitude", "plan"]
