"""Filtering strategies: each module exposes ``correlate(image, plan, out)``.

``image`` is a real array (any layout and numeric dtype), ``plan`` a
:class:`~imagekit.filtering.Plan` with a real kernel and a ``Pad`` or
``Fill`` border, ``out`` a C-contiguous float32/float64 array of
``plan.out_shape``. The planner (``_plan.STRATEGIES``) registers them.
"""
