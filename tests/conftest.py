"""Test configuration: hypothesis profiles and the GPU marker's skip rule.

``HYPOTHESIS_PROFILE=thorough python -m pytest`` runs every property test
with 20x more examples (minutes instead of seconds).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from imagekit.filtering import _tier

# The suite counts numba's start-up as paid from the start, so that what 'auto'
# chooses never depends on which test ran first; the compile-free tier itself is
# tested in fresh processes (tests/test_first_call.py).
_tier.pay()

settings.register_profile(
    "ci", max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=8000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def cuda_missing() -> str | None:
    """Why no CUDA device answers through CuPy (None when one does)."""
    try:
        import cupy
    except ImportError as e:
        if isinstance(e, ModuleNotFoundError) and e.name == "cupy":
            return 'CuPy is not installed (pip install "imagekit[gpu]")'
        return f"CuPy is installed but does not import ({e})"
    try:
        if cupy.is_available():
            return None
    except Exception as e:  # a broken driver counts as no GPU
        return f"CuPy is installed but cannot reach CUDA ({type(e).__name__}: {e})"
    return "CuPy is installed, but no CUDA device answers (cupy.is_available() is False)"


_GPU_SKIPPED = []


def pytest_collection_modifyitems(config, items):
    """Skip tests marked ``gpu`` when no CUDA device answers through CuPy, saying why."""
    if not any("gpu" in item.keywords for item in items):
        return
    reason = cuda_missing()
    if reason is None:
        return
    skip = pytest.mark.skip(reason=reason)
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)
            _GPU_SKIPPED.append(item.nodeid)


def pytest_terminal_summary(terminalreporter):
    """Say how many GPU tests were skipped, and why, so CI output shows it."""
    why = f" ({cuda_missing()})" if _GPU_SKIPPED else ""
    terminalreporter.write_line(f"GPU tests skipped: {len(_GPU_SKIPPED)}{why}")
