"""The extras in pyproject.toml resolve at once on a fresh machine.

With ``distributed>=2024.1`` pip walked back through every distributed
release (53 downloads in a dry run; each pins one dask release) until one
matched the newest dask: the bounds now start at a release that pairs with
the dask releases current in 2026.
"""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

tomllib = pytest.importorskip("tomllib")  # Python 3.11+

ROOT = Path(__file__).resolve().parent.parent
EXTRAS = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]


def _lower_bound(req: Requirement) -> Version | None:
    bounds = [Version(s.version) for s in req.specifier if s.operator in (">=", "==")]
    return max(bounds) if bounds else None


def test_dask_and_distributed_start_at_one_recent_release():
    for extra, reqs in EXTRAS.items():
        bounds = {r.name: _lower_bound(r) for r in map(Requirement, reqs)}
        if "distributed" in bounds:
            assert bounds["distributed"] == bounds["dask"], extra
        if "dask" in bounds:
            assert bounds["dask"] >= Version("2026.8.0"), extra


def test_every_extra_requirement_names_a_lower_bound_the_environment_meets():
    for extra, reqs in EXTRAS.items():
        for req in map(Requirement, reqs):
            assert _lower_bound(req) is not None, f"[{extra}] {req} has no lower bound"
            try:
                installed = importlib.metadata.version(req.name)
            except importlib.metadata.PackageNotFoundError:
                continue  # an extra this environment does not install (gpu, jax)
            assert req.specifier.contains(installed, prereleases=True), (extra, str(req))
