"""
A volume larger than the memory budget, filtered through Dask
=============================================================

A Dask array in gives a lazy Dask array out: :func:`imagekit.imfilter`
filters it block by block, each block with the kernel's halo read from its
neighbours (or from the border at the volume's true edges), so the result
equals the in-memory one. Here a 96 MB volume is smoothed and its gradient
magnitude taken under a 48 MB budget: the volume is generated slab by slab
(16 planes, 1 MB), and the result is streamed into a memory-mapped file on
disk, so only the slabs that the blocks in flight and their neighbours need
are in memory at once, with each block's working space. ``tracemalloc``
measures the peak; it stays the same for a volume twice as long.
"""

import tempfile
import tracemalloc
from pathlib import Path

import dask
import dask.array as da
import matplotlib.pyplot as plt
import numpy as np
from dask.diagnostics import ProgressBar

import imagekit as ik

SHAPE, SLAB = (1536, 128, 128), 16  # float32: 96 MB, in slabs of 16 planes (1 MB)
BUDGET = 48 * 2**20  # half the volume


def blobs(block_info=None):
    """One chunk of the volume: a few soft spheres and noise, made where it is needed."""
    (z0, z1), (y0, y1), (x0, x1) = block_info[None]["array-location"]
    z, y, x = np.ogrid[z0:z1, y0:y1, x0:x1]
    vol = np.zeros((z1 - z0, y1 - y0, x1 - x0), np.float32)
    for cz, cy, cx, r in [(200, 70, 80, 30), (700, 80, 40, 22), (1250, 40, 90, 35)]:
        vol += (((z - cz) ** 2 + (y - cy) ** 2 + (x - cx) ** 2) < r * r).astype(np.float32)
    rng = np.random.default_rng(z0 * 7 + y0 * 3 + x0)
    return vol + 0.3 * rng.standard_normal(vol.shape, dtype=np.float32)


chunks = ((SLAB,) * (SHAPE[0] // SLAB), (SHAPE[1],), (SHAPE[2],))
volume = da.map_blocks(blobs, chunks=chunks, dtype=np.float32)

# %%
# Build the lazy pipeline: nothing is computed yet.

gaussian = ik.kernels.gaussian(2.0, ndim=3)
smooth = ik.imfilter(volume, gaussian, "reflect")
edges = ik.magnitude(ik.imgradients(smooth, "sobel", "nearest"))
print(f"volume {volume.nbytes / 2**20:.0f} MB in {volume.npartitions} chunks")

# %%
# Stream the result into a file on disk, a few blocks at a time. (A first
# small call compiles the filters, so that the measured peak is the data's.)

ik.magnitude(ik.imgradients(ik.imfilter(volume[:8, :8, :8], gaussian))).compute()

with tempfile.TemporaryDirectory() as tmp:
    target = np.lib.format.open_memmap(
        Path(tmp) / "edges.npy", mode="w+", dtype=np.float32, shape=edges.shape
    )
    tracemalloc.start()
    with dask.config.set(scheduler="threads", num_workers=2), ProgressBar(minimum=1.0):
        da.store(edges, target, lock=True)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"peak memory while filtering: {peak / 2**20:.1f} MB (budget {BUDGET / 2**20:.0f} MB)")
    assert peak < BUDGET
    middle = np.array(target[:, SHAPE[1] // 2])
    projection = np.array(target.max(axis=1))
    del target

# %%
# One slice of the input, the same slice of the result, and the result's
# maximum along z.

fig, axes = plt.subplots(3, 1, figsize=(10, 5.5))
panels = [
    (volume[:, SHAPE[1] // 2].compute(), "gray", "input, the plane y = 64 (z across)"),
    (middle, "magma", "|gradient| of the smoothed volume, same plane"),
    (projection, "magma", "its maximum along y"),
]
for ax, (img, cmap, title) in zip(axes, panels):
    ax.imshow(img.T, cmap=cmap, aspect="auto")
    ax.set_title(title, fontsize=10)
    ax.set_axis_off()
fig.tight_layout()
plt.show()
