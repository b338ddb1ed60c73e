"""Filtering: imfilter, and the planner that picks a strategy for it."""

from ._imfilter import imfilter
from ._plan import STRATEGIES, Plan, plan

__all__ = ["STRATEGIES", "Plan", "imfilter", "plan"]
