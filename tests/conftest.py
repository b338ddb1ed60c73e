"""Test configuration: hypothesis profiles and the GPU marker's skip rule.

``HYPOTHESIS_PROFILE=thorough python -m pytest`` runs every property test
with 20x more examples (minutes instead of seconds).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci", max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "thorough", max_examples=8000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def _cuda_available() -> bool:
    try:
        import cupy
    except ImportError:
        return False
    try:
        return bool(cupy.is_available())
    except Exception:  # a broken driver counts as no GPU
        return False


_GPU_SKIPPED = []


def pytest_collection_modifyitems(config, items):
    """Skip tests marked ``gpu`` when no CUDA device answers through CuPy."""
    if any("gpu" in item.keywords for item in items) and not _cuda_available():
        skip = pytest.mark.skip(reason="no CUDA device (cupy.is_available() is False)")
        for item in items:
            if "gpu" in item.keywords:
                item.add_marker(skip)
                _GPU_SKIPPED.append(item.nodeid)


def pytest_terminal_summary(terminalreporter):
    """Say how many GPU tests were skipped, so CI output shows it."""
    terminalreporter.write_line(f"GPU tests skipped (no CUDA device): {len(_GPU_SKIPPED)}")
