"""Root pytest configuration: doctests of optional adapters need their framework."""

from __future__ import annotations

import importlib.util

collect_ignore = [
    f"imagekit/gradients/{name}.py"
    for name in ("jax", "torch")
    if importlib.util.find_spec(name) is None
]
