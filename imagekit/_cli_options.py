"""The options of ``imagekit filter``, each parsed and checked before any file is read.

Every function here turns one command-line value into what
:func:`imagekit.imfilter` takes, or raises :class:`OptionError` with a
message in the command's own words (option names, accepted spellings).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from . import kernels
from .borders import BORDER_NAMES, NA, Fill, normalize_border
from .filtering import plan
from .filtering._registry import strategies
from .window import Percentile, Rank, plan_mapwindow

__all__ = [
    "ALGORITHMS",
    "DTYPES",
    "FLOAT_SUFFIXES",
    "KERNELS",
    "WINDOW_FILTERS",
    "OptionError",
    "WindowFilter",
    "add_progress_options",
    "check_algorithm",
    "check_suffixes",
    "check_window_algorithm",
    "join_negative_values",
    "parse_border",
    "parse_chunks",
    "parse_dtype",
    "parse_kernel",
    "parse_window",
    "window_algorithms",
]

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
# The window (non-linear) filters a --kernel spec may name, with the parameters each
# takes besides ``size``.
WINDOW_FILTERS = {"median": (), "min": (), "max": (), "percentile": ("q",), "rank": ("k",)}
ALGORITHMS = ("auto", "direct", "separable", "fft", "iir")
# What imagekit.io.imsave writes without loss: uint8 (every format), uint16 (grey
# PNG and TIFF), 32-bit float (grey TIFF).
DTYPES = ("uint8", "uint16", "float32")
FLOAT_SUFFIXES = (".tif", ".tiff")
UINT16_SUFFIXES = (".png", ".tif", ".tiff")
# The borders the recursive Gaussian computes (see imagekit.filtering.strategies.iir).
IIR_BORDERS = "nearest (replicate, edge), constant, grid-constant, a real number, or na"


class OptionError(ValueError):
    """A command-line option that cannot be used, said in the command's words."""


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
    """A kernel from ``name:key=value,...`` (a factory of imagekit.kernels) or from a
    ``.npy`` file of weights (centred).

    >>> parse_kernel("gaussian:sigma=1.5").shape  # radius: truncate * sigma, rounded
    (13, 13)
    >>> parse_kernel("sobel:axis=1").weights[1]
    array([-0.25,  0.  ,  0.25])
    """
    if spec.endswith(".npy"):
        try:
            kernel = kernels.centered(np.load(spec))
        except (OSError, ValueError, TypeError) as e:
            raise OptionError(f"cannot read kernel weights from {spec!r}: {e}") from None
        if kernel.dtype.kind not in "fiub":
            raise OptionError(
                f"--kernel {spec!r}: weights of dtype {kernel.dtype} give results that image "
                "files cannot hold; give real (integer or floating) weights"
            )
        return kernel
    name, _, args = spec.partition(":")
    if name not in KERNELS:
        raise OptionError(
            f"--kernel {spec!r}: {name!r} is not one of: {', '.join(KERNELS)}, "
            f"{', '.join(WINDOW_FILTERS)} (or a .npy file)"
        )
    options = _options(spec, args)
    factory = getattr(kernels, name)
    try:
        inspect.signature(factory).bind(**options)
        return factory(**options)
    except (TypeError, ValueError) as e:
        params = ", ".join(inspect.signature(factory).parameters)
        raise OptionError(f"--kernel {spec!r}: {e} (parameters of {name}: {params})") from None


def _options(spec: str, args: str) -> dict:
    """``key=value,...`` as a dict of values (see ``_value``)."""
    options = {}
    for item in filter(None, args.split(",")):
        key, eq, text = item.partition("=")
        if not eq:
            raise OptionError(f"--kernel {spec!r}: expected key=value, got {item!r}")
        options[key.strip()] = _value(text.strip())
    return options


@dataclass(frozen=True)
class WindowFilter:
    """A window filter from --kernel: ``func`` (what :func:`imagekit.mapwindow` takes)
    over a window of ``size`` pixels along each of its axes."""

    spec: str
    func: object
    size: tuple[int, ...]

    @property
    def ndim(self) -> int:
        return len(self.size)


_FUNCS = {"median": np.median, "min": np.min, "max": np.max}


def parse_window(spec: str) -> WindowFilter | None:
    """The window filter a ``name:key=value,...`` spec names, or None when the name is
    not one of ``WINDOW_FILTERS``. ``size`` is one size for both axes of an image
    (default 3) or one per axis (``3x5``, ``3x3x3`` for a stack).

    >>> parse_window("percentile:q=25,size=5")
    WindowFilter(spec='percentile:q=25,size=5', func=Percentile(q=25.0), size=(5, 5))
    >>> parse_window("gaussian:sigma=2") is None
    True
    """
    name, _, args = spec.partition(":")
    if name not in WINDOW_FILTERS:
        return None
    options = _options(spec, args)
    params = ("size", *WINDOW_FILTERS[name])
    unknown = sorted(set(options) - set(params))
    missing = [p for p in params[1:] if p not in options]
    if unknown or missing:
        what = f"unknown {', '.join(unknown)}" if unknown else f"needs {missing[0]}="
        raise OptionError(f"--kernel {spec!r}: {what} (parameters of {name}: {', '.join(params)})")
    size = options.get("size", 3)
    size = size if isinstance(size, tuple) else (size, size)
    if not all(isinstance(n, int) and n > 0 for n in size):
        raise OptionError(
            f"--kernel {spec!r}: size must be a positive number of pixels (5) or one per axis (3x5)"
        )
    try:
        if name == "percentile":
            func = Percentile(options["q"])
        elif name == "rank":
            func = Rank(options["k"])
        else:
            func = _FUNCS[name]
        plan_mapwindow(func, np.zeros(size, np.uint8), size, "nearest")
    except (TypeError, ValueError) as e:
        raise OptionError(f"--kernel {spec!r}: {e}") from None
    return WindowFilter(spec, func, size)


def _number(text: str):
    """``text`` as an int or a float, or None when it is not a real number."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return None


def border_help() -> str:
    """What --border accepts, for the error message and the help line."""
    return (
        f"one of {', '.join(BORDER_NAMES)}, or a number v: pixels outside the image "
        "take the value v (e.g. 0 or -1.5)"
    )


def parse_border(text: str):
    """A Border from a name (any case) or a real number.

    >>> parse_border("symmetric"), parse_border("-1.5"), parse_border("NA")
    (Pad(mode='reflect'), Fill(value=-1.5), NA())
    """
    if text.lower() in BORDER_NAMES:
        return normalize_border(text)
    value = _number(text)
    if value is None:
        raise OptionError(f"--border {text!r} is not a border: give {border_help()}")
    return Fill(value)


def join_negative_values(argv: list[str]) -> list[str]:
    """``--border -1e3`` as ``--border=-1e3``: argparse takes a value that starts with
    a dash for an option unless it looks like ``-1`` or ``-1.5``.

    >>> join_negative_values(["-b", "-inf", "--border", "-1e3", "-o", "x"])
    ['--border=-inf', '--border=-1e3', '-o', 'x']
    """
    out, i = [], 0
    while i < len(argv):
        tok = argv[i]
        nxt = argv[i + 1] if i + 1 < len(argv) else None
        if tok in ("-b", "--border") and nxt and nxt.startswith("-") and _number(nxt) is not None:
            out.append(f"--border={nxt}")
            i += 2
        else:
            out.append(tok)
            i += 1
    return out


def add_progress_options(parser, on: str, off: str) -> None:
    """``--progress`` / ``--no-progress`` into ``progress`` (None: neither given)."""
    bar = parser.add_mutually_exclusive_group()
    bar.add_argument("--progress", dest="progress", action="store_true", default=None, help=on)
    bar.add_argument("--no-progress", dest="progress", action="store_false", help=off)


def parse_dtype(text: str | None):
    """The output dtype for --dtype (None: the input's)."""
    if text is None:
        return None
    if text not in DTYPES:
        raise OptionError(
            f"--dtype {text!r} is not one of: {', '.join(DTYPES)} (the dtypes image files "
            "hold: uint16 as grey PNG or TIFF, float32 as grey TIFF)"
        )
    return np.dtype(text)


def parse_chunks(text: str | None) -> tuple[int, ...] | None:
    """``100`` -> (100,), ``100,50`` -> (100, 50): block sizes in pixels.

    >>> parse_chunks("100,50")
    (100, 50)
    """
    if text is None:
        return None
    sizes = []
    for part in text.split(","):
        size = _number(part.strip())
        if not isinstance(size, int) or size < 1:
            raise OptionError(
                f"--chunks {text!r}: give a positive number of pixels (100), or one per "
                "image axis (100,100)"
            )
        sizes.append(size)
    return tuple(sizes)


def _writable_suffixes() -> set[str]:
    from PIL import Image

    return {ext for ext, fmt in Image.registered_extensions().items() if fmt in Image.SAVE}


def check_suffixes(inputs, suffix: str | None, dtype) -> None:
    """Every output suffix names a format that is written, and holds ``dtype``."""
    if suffix is not None and not suffix.startswith("."):
        raise OptionError(f"--suffix {suffix!r} must start with a dot, e.g. .tif")
    writable = _writable_suffixes()
    for src in inputs:
        out = (suffix or Path(src).suffix).lower()
        where = f"--suffix {suffix}" if suffix else f"the output of {src}"
        if out not in writable:
            raise OptionError(f"{where}: {out or 'no suffix'!r} is not an image format written")
        if dtype is not None and dtype.kind == "f" and out not in FLOAT_SUFFIXES:
            raise OptionError(
                f"--dtype {dtype}: {where} would be a {out} file, which holds integers only; "
                "float results are written as grey TIFF: add --suffix .tif (or .tiff)"
            )
        if dtype == np.uint16 and out not in UINT16_SUFFIXES:
            raise OptionError(
                f"--dtype uint16: {where} would be a {out} file, which holds 8 bits; 16-bit "
                "results are written as grey PNG or TIFF: add --suffix .png or .tif"
            )


# What each strategy asks of the kernel, in the command's words.
_NEEDS = {
    "iir": "a Gaussian kernel (-k gaussian:sigma=S)",
    "separable": "a separable kernel, an outer product of 1-D kernels (gaussian, box, sobel, ...)",
}


def check_algorithm(algorithm: str, kernel, border, kernel_spec: str, border_text: str):
    """The algorithm exists and can filter with this kernel and border."""
    if algorithm not in ALGORITHMS:
        raise OptionError(f"--algorithm {algorithm!r} is not one of: {', '.join(ALGORITHMS)}")
    try:
        chosen = plan(np.zeros((1,) * kernel.ndim), kernel, border, algorithm=algorithm).strategy
    except ValueError as e:
        need = _NEEDS.get(algorithm)
        raise OptionError(
            f"--algorithm {algorithm} needs {need}; -k {kernel_spec} is not one"
            if need
            else f"--algorithm {algorithm} with -k {kernel_spec}: {e}"
        ) from None
    if chosen == "iir" and border != NA():  # NA is composed from constant borders
        try:
            strategies("imfilter")["iir"].border_values(border)
        except ValueError:
            raise OptionError(
                f"--border {border_text} is not available with --algorithm iir (the "
                f"recursive Gaussian), which supports: {IIR_BORDERS}"
            ) from None


def window_algorithms() -> tuple[str, ...]:
    """What --algorithm accepts with a window filter: auto and mapwindow's strategies."""
    return ("auto", *strategies("mapwindow"))


def check_window_algorithm(algorithm: str, window: WindowFilter, border) -> None:
    """The algorithm is auto, or a mapwindow strategy that computes this window filter
    with this border on one of the dtypes image files hold."""
    if algorithm == "auto":
        return
    names = window_algorithms()
    if algorithm not in names:
        raise OptionError(
            f"--algorithm {algorithm!r} is not one of: {', '.join(names)} (the algorithms "
            f"of the window filters, such as -k {window.spec})"
        )
    reason = ""
    for dtype in DTYPES:
        try:
            plan_mapwindow(
                window.func, np.zeros(window.size, dtype), window.size, border, algorithm=algorithm
            )
            return
        except ValueError as e:
            reason = str(e)
    raise OptionError(f"--algorithm {algorithm} with -k {window.spec}: {reason}")
