"""Test configuration: hypothesis profiles and the GPU marker's skip rule.

``HYPOTHESIS_PROFILE=thorough python -m pytest`` runs every property test
with 20x more examples (minutes instead of seconds).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=8000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
