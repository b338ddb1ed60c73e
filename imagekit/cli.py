"""The ``imagekit`` command: ``demo``, ``filter``, ``bench``, ``info`` and ``warmup``.

``filter`` lives in ``_cli_filter`` (options in ``_cli_options``, what is
written in ``_cli_output``), ``warmup`` in ``_cli_warmup``, ``bench`` in
:mod:`imagekit.benchmarks`.

User errors (a bad option, an unwritable folder) print ``imagekit: error:
...`` and exit with status 2, without a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

import numpy as np

from . import NA, Fill, Kernel, __version__, imfilter, imgradients, kernels, magnitude
from ._cli_filter import add_parser, join_negative_values
from ._cli_filter import run as run_filter
from ._cli_options import add_progress_options
from ._config import config
from .data import sample
from .filtering import plan
from .filtering._cpu import avx512
from .filtering.strategies._threads import twins_available
from .io import imsave

__all__ = ["main"]


class UserError(Exception):
    """A mistake in the command line or its inputs: reported without a traceback."""


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


def demo(outdir: Path) -> int:
    """Filter the bundled sample with a few kernels; write a side-by-side PNG."""
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UserError(f"cannot create output folder {str(outdir)!r}: {e.strerror}") from None
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


def info() -> int:
    """Versions, the settings (``imagekit.config``), and which optional backends import."""
    import numba  # numba, scipy and Pillow: loaded for this command only
    import PIL
    import scipy

    print(f"imagekit {__version__}")
    print(
        f"numpy {np.__version__}, scipy {scipy.__version__}, numba {numba.__version__}, "
        f"pillow {PIL.__version__}"
    )
    print(f"python {sys.version.split()[0]}")
    settings = config()
    print(
        f"threads: {settings.threads} (imagekit.config; from IMAGEKIT_NUM_THREADS, else "
        "NUMBA_NUM_THREADS, else the cores)"
    )
    if settings.threading == "auto" and twins_available():
        print(f"short loops: numba's {numba.threading_layer()} threading layer")
    elif settings.threading == "pool":
        print("short loops: Python thread pool (threading='pool'; IMAGEKIT_THREADING)")
    else:
        print("short loops: Python thread pool (no OpenMP/TBB threading layer)")
    print(
        "filter banks (float32): numba register tiles (AVX-512)"
        if avx512()
        else "filter banks: BLAS matrix products (no AVX-512 for the register tiles)"
    )
    keep = settings.keep_outputs_mb
    print(
        f"large results: freed ones kept for reuse up to {keep:g} MiB "
        "(keep_outputs_mb; IMAGEKIT_KEEP_OUTPUTS_MB)"
        if keep
        else "large results: fresh memory each call (keep_outputs_mb=0; IMAGEKIT_KEEP_OUTPUTS_MB)"
    )
    for name in ("cupy", "dask", "distributed", "torch", "cv2", "skimage"):
        try:
            mod = importlib.import_module(name)
        except ImportError:
            print(f"{name}: not installed")
            continue
        note = ""
        if name == "cupy":  # installed is not enough: a CUDA device must answer
            try:
                note = " (GPU: usable)" if mod.is_available() else " (GPU: no CUDA device)"
            except Exception as e:  # a broken driver
                note = f" (GPU: not usable: {e})"
        elif name == "torch":
            note = " (CUDA: usable)" if mod.cuda.is_available() else " (CPU only)"
        print(f"{name}: {getattr(mod, '__version__', 'installed')}{note}")
    return 0


# The modules of the commands that load numba (warmup) or the benchmarks' peers
# (torch, OpenCV, scipy) as they import: loaded when their command runs, so that
# --help and the other commands start quickly. ``imagekit bench NAME ...`` runs one
# of the suite's other commands.
WARMUP = "imagekit._cli_warmup"
BENCH = "imagekit.benchmarks.__main__"
BENCH_COMMANDS = {
    "gpu": "imagekit.benchmarks.gpu",
    "memory": "imagekit.benchmarks.memory",
    "fit-costs": "imagekit.benchmarks.fit_costs",
}


def bench(argv) -> int:
    """The benchmark suite (:mod:`imagekit.benchmarks`) with the same arguments."""
    if argv[:1] and argv[0] in BENCH_COMMANDS:
        return importlib.import_module(BENCH_COMMANDS[argv[0]]).main(argv[1:])
    return importlib.import_module(BENCH).main(argv, prog="imagekit bench")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="imagekit",
        description="N-D image filtering from the command line: demo, filter, bench, info, "
        "warmup. Errors in options print 'imagekit: error: ...' and exit with status 2.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    d = sub.add_parser(
        "demo",
        help="filter the bundled sample image and write demo.png",
        description="Filter the bundled sample image with a few kernels and borders, print "
        "what each took, and write the results side by side to OUTDIR/demo.png.",
    )
    d.add_argument(
        "-o",
        "--outdir",
        type=Path,
        default=Path("imagekit-demo"),
        help="folder for demo.png (default: ./imagekit-demo)",
    )
    add_parser(sub)
    sub.add_parser(  # its arguments are the suite's own: see main()
        "bench",
        help="run the benchmark suite against scipy, OpenCV and torch (imagekit bench "
        "--help; also: bench gpu, bench memory, bench fit-costs)",
    )
    sub.add_parser(
        "info",
        help="versions, threads and optional backends",
        description="Print the versions, the thread settings and which optional backends "
        "(CuPy, Dask, torch, OpenCV, scikit-image) import.",
    )
    w = sub.add_parser(
        "warmup",
        help="compile the common numba specialisations now",
        description="Compile (or load from numba's on-disk cache) the loops of the common "
        "filters, so that later first calls are fast; shows each step and the total time.",
    )
    add_progress_options(
        w,
        on="show a progress bar on stderr (default: when stderr is a terminal)",
        off="one line per step on stderr instead of a progress bar",
    )
    return parser


def main(argv=None) -> int:
    """Entry point of the ``imagekit`` command."""
    parser = _parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["bench"]:  # every later argument is the suite's own
        return bench(argv[1:])
    if argv[:1] == ["filter"]:
        argv = join_negative_values(argv)
    args = parser.parse_args(argv)
    try:
        if args.command == "demo":
            return demo(args.outdir)
        if args.command == "filter":
            return run_filter(args, UserError)
        if args.command == "info":
            return info()
        if args.command == "warmup":
            return importlib.import_module(WARMUP).warmup(args.progress)
    except UserError as e:
        print(f"imagekit: error: {e}", file=sys.stderr)
        return 2
    parser.print_help()
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
