"""Small dense kernels D1-D4: the direct strategy's 2-D loops, against their peers.

Dense random float32 kernels of 5×5 to 11×11 on float32 images, border
``reflect``, through ``imagekit.imfilter`` (the planner picks the strategy:
the direct one at these sizes), against OpenCV's ``filter2D`` with
``BORDER_REFLECT`` (scipy's ``reflect``; OpenCV filters kernels this small
directly) and ``scipy.ndimage.correlate``. These are OpenCV's home ground,
between the 3×3 rows (W1, W2) and the large-kernel grid (G1-G6).
"""

from __future__ import annotations

from .grid import workload
from .workloads import Workload, correlate_peers

# (name, image side, kernel side)
SIZES = (
    ("D1", 512, 5),
    ("D2", 1000, 5),
    ("D3", 1000, 11),
    ("D4", 2000, 9),
)


def workloads(rng, s) -> list[Workload]:
    """D1-D4, image sides divided by ``s`` (never below the kernel's)."""
    return [
        workload(rng, name, max(n // s, m), m, correlate_peers, atol=1e-6) for name, n, m in SIZES
    ]
