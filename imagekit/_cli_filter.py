"""``imagekit filter``: one kernel or window filter over many image files.

``imagekit filter IN... -o OUTDIR --kernel gaussian:sigma=2 --border reflect``
reads each file (``imagekit.io.imread``), filters it and writes the result
under the same name in ``OUTDIR``. A window filter (``-k median:size=5``,
``min``, ``max``, ``percentile``, ``rank``) runs :func:`imagekit.mapwindow`
where a kernel runs :func:`imagekit.imfilter`, with the same border, channel
and stack handling. Every option is checked before any file
is read (status 2 for a bad one); a file that cannot be read, filtered or
written is reported and skipped, and the command ends with status 1.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from . import imfilter, kernels, mapwindow
from ._cli_options import (
    ALGORITHMS,
    DTYPES,
    OptionError,
    WindowFilter,
    add_progress_options,
    border_help,
    check_algorithm,
    check_suffixes,
    check_window_algorithm,
    join_negative_values,
    parse_border,
    parse_chunks,
    parse_dtype,
    parse_kernel,
    parse_window,
    window_algorithms,
)
from ._cli_output import check_grey, may_clip, output_paths, outside, rescale
from .borders import Fill
from .filtering import _tier
from .io import imread, imsave

__all__ = ["DESCRIPTION", "add_parser", "join_negative_values", "run"]

DESCRIPTION = """\
Filter image files with one kernel or window filter (median, min, max,
percentile, rank): each IN is read, filtered and written under its own name
in OUTDIR. A colour image (last axis of 2, 3 or 4) is filtered channel by
channel; a stack (a multi-page TIFF) page by page unless the kernel or window
has as many axes as the stack. The output keeps the input's dtype
(rounded; values outside its range are clipped, with a warning) unless
--dtype or --rescale says otherwise. Every option is checked before any file
is read (status 2); a file that cannot be read, filtered or written is
reported and skipped (status 1). An output never replaces an input unless
--overwrite is given."""


def _layout(image: np.ndarray, kernel):
    """``channel_axis`` and ``axes`` for an image read from a file."""
    colour = image.ndim >= 3 and image.shape[-1] in (2, 3, 4)
    channel_axis = -1 if colour else None
    spatial = [d for d in range(image.ndim) if not (colour and d == image.ndim - 1)]
    if kernel.ndim > len(spatial):
        raise ValueError(f"a {kernel.ndim}-D kernel for an image of shape {image.shape}")
    return channel_axis, tuple(spatial[-kernel.ndim :])


def _blocks(image: np.ndarray, channel_axis, chunks: tuple[int, ...]) -> tuple[int, ...]:
    """Dask block shape: ``chunks`` over the axes other than the colour channel, whole
    channels."""
    n = image.ndim - (channel_axis is not None)
    if len(chunks) not in (1, n):
        raise ValueError(
            f"--chunks gives {len(chunks)} sizes, but the image of shape {image.shape} has "
            f"{n} axes to split: give one size, or {n}"
        )
    sizes = chunks * n if len(chunks) == 1 else chunks
    return sizes + ((-1,) if channel_axis is not None else ())


class Job:
    """The checked options of one ``imagekit filter`` command."""

    def __init__(self, args):
        self.kernel = parse_window(args.kernel) or parse_kernel(args.kernel)
        self.border = parse_border(args.border)
        self.dtype = parse_dtype(args.dtype)
        self.chunks = parse_chunks(args.chunks)
        self.algorithm = args.algorithm
        self.rescale = args.rescale
        if isinstance(self.kernel, WindowFilter):
            check_window_algorithm(args.algorithm, self.kernel, self.border)
        else:
            check_algorithm(args.algorithm, self.kernel, self.border, args.kernel, args.border)
        check_suffixes(args.inputs, args.suffix, self.dtype)
        self.pairs = output_paths(args.inputs, args.outdir, args.suffix, args.overwrite)
        check_grey(args.inputs, self.dtype)
        self.progress = sys.stderr.isatty() if args.progress is None else args.progress

    def filter(self, image: np.ndarray, dtype) -> np.ndarray:
        """``image`` filtered into ``dtype`` (None: the natural floating dtype)."""
        channel_axis, axes = _layout(image, self.kernel)
        options = dict(channel_axis=channel_axis, axes=axes, algorithm=self.algorithm)
        if not self.chunks:
            return self._apply(image, dtype, **options)
        import dask.array as da

        blocks = _blocks(image, channel_axis, self.chunks)
        lazy = self._apply(da.from_array(image, chunks=blocks), dtype, **options)
        if not hasattr(lazy, "compute"):  # an operation without a Dask backend
            return lazy
        if not self.progress:
            return lazy.compute()
        from dask.diagnostics import ProgressBar

        with ProgressBar(out=sys.stderr):
            return lazy.compute()

    @property
    def _range_kernel(self):
        """The kernel whose weights bound the result's range: the kernel itself, or for a
        window filter one unit weight (its result is one of the window's values, or
        the mean of two)."""
        if isinstance(self.kernel, WindowFilter):
            return kernels.centered(np.ones(1))
        return self.kernel

    def _apply(self, image, dtype, **options):
        """imfilter with the kernel, or mapwindow with the window filter. A border value
        that the image's integer dtype cannot hold (``-b 300`` for uint8) is compared
        with the image's values in float64, where both are exact."""
        if not isinstance(self.kernel, WindowFilter):
            return imfilter(image, self.kernel, self.border, dtype=dtype, **options)
        if isinstance(self.border, Fill) and not _holds(image.dtype, self.border.value):
            image = image.astype(np.float64)
        func, size = self.kernel.func, self.kernel.size
        return mapwindow(func, image, size, self.border, dtype=dtype, **options)

    def run_file(self, src: Path, dst: Path) -> None:
        """Read, filter, write one file; a warning on stderr for clipped values."""
        image = imread(src)
        dtype = self.dtype or np.dtype(np.uint8 if image.dtype == np.bool_ else image.dtype)
        if self.rescale:
            out = rescale(self.filter(image, None), dtype)
        elif dtype.kind in "iu" and may_clip(image, self._range_kernel, self.border, dtype):
            exact = self.filter(image, None)
            clipped = outside(exact, dtype)
            out = self.filter(image, dtype)
            if clipped:
                _warn_clipped(src, clipped, exact, dtype)
        else:
            out = self.filter(image, dtype)
        imsave(dst, out)


def _holds(dtype: np.dtype, value: float) -> bool:
    """Whether ``dtype`` holds ``value`` exactly (a float dtype: any value)."""
    if dtype.kind == "f":
        return True
    info = np.iinfo(dtype) if dtype.kind in "iu" else None
    return info is not None and float(value).is_integer() and info.min <= value <= info.max


def _warn_clipped(src, clipped: int, exact: np.ndarray, dtype: np.dtype) -> None:
    info = np.iinfo(dtype)
    print(
        f"imagekit: warning: {src}: {clipped} of {exact.size} values fell outside "
        f"{dtype}'s range {info.min}..{info.max} (the result spans {np.nanmin(exact):g}.."
        f"{np.nanmax(exact):g}) and were clipped; keep them with --dtype float32 --suffix .tif "
        "(grey images), or scale the result into the range with --rescale",
        file=sys.stderr,
    )


def add_parser(sub) -> None:
    p = sub.add_parser("filter", help="filter image files with one kernel", description=DESCRIPTION)
    p.add_argument("inputs", nargs="+", type=Path, metavar="IN", help="image files")
    p.add_argument("-o", "--outdir", type=Path, required=True, help="folder for the results")
    p.add_argument(
        "-k",
        "--kernel",
        required=True,
        help="NAME:key=value,... (e.g. gaussian:sigma=2, box:size=5, sobel:axis=1, "
        "box:size=3x5) or a .npy file of weights (centred); or a window filter: "
        "median:size=5, min:size=3x5, max:size=15, percentile:q=25,size=5, rank:k=-2,size=3 "
        "(size: pixels along each axis, default 3)",
    )
    p.add_argument("-b", "--border", default="reflect", help=f"{border_help()} (default: reflect)")
    p.add_argument(
        "-a",
        "--algorithm",
        default="auto",
        help=f"one of {', '.join(ALGORITHMS)}; for a window filter one of "
        f"{', '.join(window_algorithms())} (default: auto, the fastest exact one)",
    )
    p.add_argument(
        "--dtype",
        help=f"output dtype, one of {', '.join(DTYPES)} (default: the input's); float32 "
        "needs --suffix .tif",
    )
    p.add_argument(
        "--rescale",
        action="store_true",
        help="map each result's smallest value to the output dtype's lowest (0) and its "
        "largest to its highest (255 for uint8, 65535 for uint16, 1.0 for float32), "
        "instead of clipping",
    )
    p.add_argument("--suffix", help="output file suffix, e.g. .tif (default: the input's)")
    p.add_argument("--overwrite", action="store_true", help="let an output replace an input file")
    p.add_argument(
        "--chunks",
        metavar="N[,N...]",
        help="filter through Dask in blocks of N pixels along each axis (or one size per "
        "axis: 100,200); colour channels stay whole",
    )
    add_progress_options(
        p,
        on="show progress bars on stderr (default: when stderr is a terminal)",
        off="show no progress bars",
    )


def run(args, user_error) -> int:
    """The ``filter`` command; ``user_error`` is the exception class for bad options."""
    try:
        job = Job(args)
    except OptionError as e:
        raise user_error(str(e)) from None
    try:
        args.outdir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise user_error(
            f"cannot create output folder {str(args.outdir)!r}: {e.strerror}"
        ) from None
    pairs = job.pairs
    if job.progress:
        from tqdm import tqdm

        pairs = tqdm(pairs, desc="imagekit filter", unit="file", file=sys.stderr)
    failed = 0
    with _tier.kept():  # a batch of files: ranked as kept plans, without numba's start-up
        for src, dst in pairs:
            try:
                job.run_file(src, dst)
            except (OSError, ValueError, TypeError) as e:
                failed += 1
                print(f"imagekit: error: {src}: {e}", file=sys.stderr)
    total = len(job.pairs)
    print(f"imagekit filter: {total - failed} of {total} files written to {args.outdir}")
    return 1 if failed else 0
