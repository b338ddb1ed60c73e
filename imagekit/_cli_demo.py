"""``imagekit demo``: the bundled sample through a few kernels and borders, side by side.

Prints what each filter took and which strategy ran, and writes the panels
to ``OUTDIR/demo.png``.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from . import NA, Fill, Kernel, imfilter, imgradients, kernels, magnitude
from .data import sample
from .filtering import plan
from .io import imsave

__all__ = ["demo"]


def _demo_filters():
    """(label, image kind, kernel, border, options) for each panel of the demo."""
    motion = Kernel(np.full((1, 15), 1 / 15), start=(0, -14))  # taps at offsets -14..0
    return [
        ("gaussian(3)", "rgb", kernels.gaussian(3.0), "reflect", {"channel_axis": -1}),
        ("offset kernel (motion smear)", "rgb", motion, Fill(0), {"channel_axis": -1}),
        ("sobel magnitude", "grey", None, "nearest", {}),
        ("LoG(2)", "grey", kernels.log(2.0), "reflect", {}),
        ("holes filled: NA border", "holes", kernels.gaussian(4.0), NA(), {"channel_axis": -1}),
    ]


def _to_uint8(a: np.ndarray, signed: bool = False) -> np.ndarray:
    """Scale a result for display: [0, 255], grey results repeated to RGB."""
    a = np.asarray(a, np.float64)
    finite = a[np.isfinite(a)]
    lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
    if signed:
        m = max(abs(lo), abs(hi), 1e-12)
        lo, hi = -m, m
    scaled = np.clip((np.nan_to_num(a, nan=lo) - lo) / max(hi - lo, 1e-12), 0, 1)
    out = np.rint(scaled * 255).astype(np.uint8)
    return np.repeat(out[..., None], 3, axis=2) if out.ndim == 2 else out


def _montage(panels, label_height: int = 18) -> np.ndarray:
    """Panels side by side, each with its label above it."""
    from PIL import Image, ImageDraw

    h, w = panels[0][1].shape[:2]
    canvas = Image.new("RGB", (w * len(panels), h + label_height), "white")
    draw = ImageDraw.Draw(canvas)
    for i, (label, img) in enumerate(panels):
        canvas.paste(Image.fromarray(img), (i * w, label_height))
        draw.text((i * w + 4, 3), label, fill="black")
    return np.asarray(canvas)


def demo(outdir: Path, user_error) -> int:
    """Filter the bundled sample with a few kernels; write a side-by-side PNG.
    ``user_error`` is the exception class for an output folder it cannot create."""
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise user_error(f"cannot create output folder {str(outdir)!r}: {e.strerror}") from None
    rgb = sample().astype(np.float32) / 255
    grey = rgb @ np.array([0.299, 0.587, 0.114], np.float32)
    holes = rgb.copy()
    rng = np.random.default_rng(0)
    holes[rng.random(holes.shape[:2]) < 0.3] = np.nan  # 30% of pixels missing
    holes[116:140, 116:140] = np.nan  # a 24x24 gap, within the blur's reach
    inputs = {"rgb": rgb, "grey": grey, "holes": holes}

    print(f"imagekit demo: sample image {rgb.shape[1]}x{rgb.shape[0]} RGB, float32")
    print(f"{'filter':<32} {'kernel':>9} {'border':>12} {'strategy':>9} {'ms':>7}  range")
    panels = [("input", _to_uint8(rgb))]
    for label, kind, kernel, border, options in _demo_filters():
        image = inputs[kind]
        t0 = time.perf_counter()
        if kernel is None:
            out = magnitude(imgradients(image, "sobel", border))
            shape, strategy = "3x3 x2", plan(image, kernels.sobel(axis=0), border).strategy
        else:
            out = imfilter(image, kernel, border, **options)
            shape = "x".join(map(str, kernel.shape))
            strategy = plan(image, kernel, border, **options).strategy
        ms = (time.perf_counter() - t0) * 1e3
        name = border if isinstance(border, str) else type(border).__name__
        print(
            f"{label:<32} {shape:>9} {name:>12} {strategy:>9} {ms:7.1f}  "
            f"{out.dtype} [{np.nanmin(out):.3f}, {np.nanmax(out):.3f}]"
        )
        if kind == "holes":
            panels.append(("input with holes (NaN)", _to_uint8(holes)))
        panels.append((label, _to_uint8(out, signed=label.startswith("LoG"))))
    path = outdir / "demo.png"
    imsave(path, _montage(panels))
    print("(a loop's first use compiles it once — seconds — and later runs load it from disk)")
    print(f"wrote {path}")
    return 0
