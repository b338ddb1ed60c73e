"""``imagekit filter``: one kernel over many image files.

``imagekit filter IN... -o OUTDIR --kernel gaussian:sigma=2 --border reflect``
reads each file (:func:`imagekit.io.imread`), filters it and writes the
result under the same name in ``OUTDIR``. A colour image (last axis of 3 or
4) is filtered channel by channel; a stack (a multi-page TIFF) page by page
unless the kernel has as many axes as the stack. The output keeps the
input's dtype (integers rounded and clipped) unless ``--dtype`` says
otherwise.

A bad option stops the command at once (status 2); a file that cannot be
read, filtered or written is reported and skipped, and the command ends
with status 1. A progress bar (tqdm) shows on a terminal, or with
``--progress``; ``--chunks N`` filters each image through Dask in blocks of
``N`` pixels per axis, with Dask's progress bar.
"""

from __future__ import annotations

import inspect
import sys
from pathlib import Path

import numpy as np

__all__ = ["add_parser", "run"]

# The factories a --kernel spec may name.
KERNELS = (
    "gaussian",
    "box",
    "disk",
    "dog",
    "log",
    "laplacian",
    "sobel",
    "prewitt",
    "scharr",
    "farid",
    "bickley",
    "ando3",
    "ando4",
    "ando5",
)


class SpecError(ValueError):
    """A --kernel spec that does not name a kernel."""


def _value(text: str):
    """``2`` -> 2, ``1.5`` -> 1.5, ``3x5`` -> (3, 5), else the text."""
    parts = text.split("x")
    try:
        nums = [int(p) for p in parts]
    except ValueError:
        try:
            nums = [float(p) for p in parts]
        except ValueError:
            return text
    return nums[0] if len(nums) == 1 else tuple(nums)


def parse_kernel(spec: str):
    """A kernel from ``name:key=value,...`` (a factory of :mod:`imagekit.kernels`) or
    from a ``.npy`` file of weights (centred).

    >>> parse_kernel("gaussian:sigma=1.5").shape  # radius: truncate * sigma, rounded
    (13, 13)
    >>> parse_kernel("sobel:axis=1").weights[1]
    array([-0.25,  0.  ,  0.25])
    """
    from . import kernels

    if spec.endswith(".npy"):
        try:
            return kernels.centered(np.load(spec))
        except (OSError, ValueError) as e:
            raise SpecError(f"cannot read kernel weights from {spec!r}: {e}") from None
    name, _, args = spec.partition(":")
    if name not in KERNELS:
        raise SpecError(f"--kernel {spec!r}: {name!r} is not one of: {', '.join(KERNELS)}")
    options = {}
    for item in filter(None, args.split(",")):
        key, eq, text = item.partition("=")
        if not eq:
            raise SpecError(f"--kernel {spec!r}: expected key=value, got {item!r}")
        options[key.strip()] = _value(text.strip())
    factory = getattr(kernels, name)
    try:
        inspect.signature(factory).bind(**options)
        return factory(**options)
    except (TypeError, ValueError) as e:
        params = ", ".join(inspect.signature(factory).parameters)
        raise SpecError(f"--kernel {spec!r}: {e} (parameters of {name}: {params})") from None


def _layout(image: np.ndarray, kernel):
    """``channel_axis`` and ``axes`` for an image read from a file."""
    colour = image.ndim >= 3 and image.shape[-1] in (2, 3, 4)
    channel_axis = -1 if colour else None
    spatial = [d for d in range(image.ndim) if not (colour and d == image.ndim - 1)]
    if kernel.ndim > len(spatial):
        raise ValueError(f"a {kernel.ndim}-D kernel for an image of shape {image.shape}")
    return channel_axis, tuple(spatial[-kernel.ndim :])


def filter_file(src: Path, dst: Path, kernel, border, options, chunks, progress) -> None:
    """Read, filter, write one file."""
    from . import imfilter
    from .io import imread, imsave

    image = imread(src)
    channel_axis, axes = _layout(image, kernel)
    if options.get("dtype") is None:
        options = dict(options, dtype=image.dtype if image.dtype != np.bool_ else np.uint8)
    if chunks:
        import dask.array as da

        lazy = imfilter(
            da.from_array(image, chunks=chunks),
            kernel,
            border,
            channel_axis=channel_axis,
            axes=axes,
            **options,
        )
        if progress:
            from dask.diagnostics import ProgressBar

            with ProgressBar(out=sys.stderr):
                out = lazy.compute()
        else:
            out = lazy.compute()
    else:
        out = imfilter(image, kernel, border, channel_axis=channel_axis, axes=axes, **options)
    imsave(dst, out)


def add_parser(sub) -> None:
    p = sub.add_parser(
        "filter",
        help="filter image files with one kernel",
        description=__doc__.split("\n\n")[1],
    )
    p.add_argument("inputs", nargs="+", type=Path, metavar="IN", help="image files")
    p.add_argument("-o", "--outdir", type=Path, required=True, help="folder for the results")
    p.add_argument(
        "-k",
        "--kernel",
        required=True,
        help="NAME:key=value,... (e.g. gaussian:sigma=2, box:size=5, sobel:axis=1) or a .npy file",
    )
    p.add_argument("-b", "--border", default="reflect", help="border (default: reflect)")
    p.add_argument("-a", "--algorithm", default="auto", help="auto, direct, separable, fft, iir")
    p.add_argument("--dtype", help="output dtype (default: the input's)")
    p.add_argument("--suffix", help="output file suffix, e.g. .tif (default: the input's)")
    p.add_argument("--chunks", type=int, help="filter through Dask in blocks of this many pixels")
    bar = p.add_mutually_exclusive_group()
    bar.add_argument("--progress", dest="progress", action="store_true", default=None)
    bar.add_argument("--no-progress", dest="progress", action="store_false")


def run(args, user_error) -> int:
    """The ``filter`` command; ``user_error`` is the exception class for bad options."""
    from .borders import normalize_border

    try:
        kernel = parse_kernel(args.kernel)
        border = normalize_border(args.border)
        dtype = np.dtype(args.dtype) if args.dtype else None
    except (SpecError, ValueError, TypeError) as e:
        raise user_error(str(e)) from None
    if args.chunks is not None and args.chunks < 1:
        raise user_error(f"--chunks must be a positive number of pixels, got {args.chunks}")
    try:
        args.outdir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise user_error(
            f"cannot create output folder {str(args.outdir)!r}: {e.strerror}"
        ) from None
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    files = args.inputs
    if progress:
        from tqdm import tqdm

        files = tqdm(files, desc="imagekit filter", unit="file", file=sys.stderr)
    options = {"algorithm": args.algorithm, "dtype": dtype}
    failed = 0
    for src in files:
        dst = args.outdir / (src.stem + (args.suffix or src.suffix))
        try:
            filter_file(src, dst, kernel, border, options, args.chunks, progress)
        except (OSError, ValueError, TypeError) as e:
            failed += 1
            print(f"imagekit: error: {src}: {e}", file=sys.stderr)
    done = len(args.inputs) - failed
    print(f"imagekit filter: {done} of {len(args.inputs)} files written to {args.outdir}")
    return 1 if failed else 0
