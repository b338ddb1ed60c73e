"""The ``imagekit`` command: ``demo``, ``filter``, ``bench``, ``info`` and ``warmup``.

``filter`` lives in ``_cli_filter`` (options in ``_cli_options``, what is
written in ``_cli_output``), ``demo`` in ``_cli_demo``, ``info`` in
``_cli_info``, ``warmup`` in ``_cli_warmup``, ``bench`` in
:mod:`imagekit.benchmarks`. This module parses the command line and runs the
command's module; only ``filter``'s is imported with it (its options are
part of ``--help``).

User errors (a bad option, an unwritable folder) print ``imagekit: error:
...`` and exit with status 2, without a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from ._cli_filter import add_parser, join_negative_values
from ._cli_filter import run as run_filter
from ._cli_options import add_progress_options

__all__ = ["main"]


class UserError(Exception):
    """A mistake in the command line or its inputs: reported without a traceback."""


# The commands' modules, loaded when their command runs: they load the sample
# image's reader, numba (warmup), the thread pool or the benchmarks' peers (torch,
# OpenCV, scipy) as they import, which --help and the other commands do without.
# ``imagekit bench NAME ...`` runs one of the suite's other commands.
COMMANDS = {
    "demo": "imagekit._cli_demo",
    "info": "imagekit._cli_info",
    "warmup": "imagekit._cli_warmup",
}
BENCH = "imagekit.benchmarks.__main__"
BENCH_COMMANDS = {
    "gpu": "imagekit.benchmarks.gpu",
    "memory": "imagekit.benchmarks.memory",
    "fit-costs": "imagekit.benchmarks.fit_costs",
}


def _command(name: str):
    """The module of command ``name`` (``COMMANDS``), imported now."""
    return importlib.import_module(COMMANDS[name])


def bench(argv) -> int:
    """The benchmark suite (:mod:`imagekit.benchmarks`) with the same arguments."""
    if argv[:1] and argv[0] in BENCH_COMMANDS:
        return importlib.import_module(BENCH_COMMANDS[argv[0]]).main(argv[1:])
    return importlib.import_module(BENCH).main(argv, prog="imagekit bench")


def _positive_int(text: str) -> int:
    """An argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


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
    w.add_argument(
        "--jobs",
        type=_positive_int,
        default=None,
        help="worker processes that compile at once (default: one per core; 1: the steps "
        "one after another in this process)",
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
            return _command("demo").demo(args.outdir, UserError)
        if args.command == "filter":
            return run_filter(args, UserError)
        if args.command == "info":
            return _command("info").info()
        if args.command == "warmup":
            return _command("warmup").warmup(args.progress, args.jobs)
    except UserError as e:
        print(f"imagekit: error: {e}", file=sys.stderr)
        return 2
    parser.print_help()
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
