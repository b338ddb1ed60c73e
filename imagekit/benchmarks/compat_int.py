"""The compat drop-ins on integer images, against the library each one replaces.

Every function of ``imagekit.compat.ndimage`` runs against
``scipy.ndimage`` and every filter of ``imagekit.compat.skimage.filters``
against ``skimage.filters``, on the same 1024² uint8 and uint16 image in
this one process, with the arguments a user writes. The results must be
identical (same dtype, same bytes): a difference is reported as DIFFERS and
counts as a failure. The table gives the ratio peer time / imagekit time
(above 1: the drop-in is faster), from the same alternating blocks of calls
as the workloads (``_timing.block_medians``). Without scikit-image installed
its rows are skipped, with a note.
"""

from __future__ import annotations

import numpy as np

from imagekit.compat import ndimage
from imagekit.compat.skimage import filters

from ._timing import block_medians

DTYPES = (np.uint8, np.uint16)
_MEAN3 = np.full((3, 3), 1 / 9)

# (function, positional arguments, keyword arguments): called on both modules
NDIMAGE = [
    ("correlate", (_MEAN3,), {}),
    ("convolve", (_MEAN3,), {}),
    ("correlate1d", ([1, 2, 1],), {"axis": 0}),
    ("convolve1d", ([1, 2, 1],), {"axis": 1}),
    ("uniform_filter", (), {"size": 5}),
    ("uniform_filter1d", (), {"size": 5, "axis": 0}),
    ("gaussian_filter", (2.0,), {}),
    ("gaussian_filter1d", (2.0,), {"axis": 1}),
    ("sobel", (), {}),
    ("prewitt", (), {}),
    ("laplace", (), {}),
    ("gaussian_laplace", (2.0,), {}),
    ("gaussian_gradient_magnitude", (2.0,), {}),
]
SKIMAGE = [
    ("gaussian", (), {"sigma": 2.0}),
    ("sobel", (), {}),
    ("scharr", (), {}),
    ("prewitt", (), {}),
    ("farid", (), {}),
    ("laplace", (), {}),
    ("difference_of_gaussians", (1.0, 2.0), {}),
    ("unsharp_mask", (), {"radius": 2.0}),
]


def _modules():
    """``(section, imagekit's module, the peer's module, peer name, calls)`` for each peer
    that is installed."""
    import scipy.ndimage as ndi

    sections = [("ndimage", ndimage, ndi, "scipy.ndimage", NDIMAGE)]
    try:
        import skimage.filters as skf
    except ImportError:
        print(
            "note: scikit-image is not installed: the skimage.filters rows are skipped "
            '(pip install "imagekit[bench]" installs every peer)'
        )
    else:
        sections.append(("skimage", filters, skf, "skimage.filters", SKIMAGE))
    return sections


def _call(func, image, args, kwargs):
    """``func(image, *args, **kwargs)`` as a function of nothing."""
    return lambda: func(image, *args, **kwargs)


def identical(ours, ref) -> bool:
    """Same dtype, shape and bytes."""
    ours, ref = np.asarray(ours), np.asarray(ref)
    if ours.dtype != ref.dtype or ours.shape != ref.shape:
        return False
    return bool(np.array_equal(ours.view(np.uint8), ref.view(np.uint8)))


def run(smoke: bool, repeat: int, warmup: int, rounds: int) -> tuple[list[dict], int]:
    """Time every drop-in against its peer; print the table; return the rows and how many
    results differ from the peer's."""
    n = 64 if smoke else 1024
    rng = np.random.default_rng(16)
    images = {dt: rng.integers(0, np.iinfo(dt).max, (n, n), endpoint=True).astype(dt)
              for dt in DTYPES}  # fmt: skip
    names = [np.dtype(dt).name for dt in DTYPES]
    print(f"\ncompat drop-ins on {n}² integer images: peer time / imagekit time")
    print(f"  {'function':<52}" + "".join(f"{name:>11}{'':9}" for name in names))
    rows, failures = [], 0
    for section, ours_mod, peer_mod, peer, calls in _modules():
        for fname, args, kwargs in calls:
            cells, row = [], {"function": f"{section}.{fname}", "peer": peer}
            for dt, name in zip(DTYPES, names):
                mine = _call(getattr(ours_mod, fname), images[dt], args, kwargs)
                peers = _call(getattr(peer_mod, fname), images[dt], args, kwargs)
                same = identical(mine(), peers())
                failures += not same
                timed = block_medians({"imagekit": mine, peer: peers}, repeat, warmup, rounds)
                ratio = timed[peer] / timed["imagekit"]
                row[name] = {"ratio": ratio, "imagekit_ms": timed["imagekit"] * 1e3,
                             "peer_ms": timed[peer] * 1e3, "identical": same}  # fmt: skip
                cells.append(f"{ratio:>10.2f}x" + ("" if same else "  DIFFERS").ljust(9))
            rows.append(row)
            label = f"{section}.{fname} vs {peer}"
            print(f"  {label:<52}" + "".join(cells))
    worst = {name: min(r[name]["ratio"] for r in rows) for name in names}
    print("  lowest ratio: " + ", ".join(f"{k} {v:.2f}x" for k, v in worst.items()))
    return rows, failures
