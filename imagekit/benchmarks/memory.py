"""Peak memory of imfilter on a 1 GiB float32 image: ``imagekit bench memory [--smoke]``.

For each strategy, in a fresh process: the peak of new allocations during
one call (``tracemalloc``: NumPy reports its buffers to it) and the rise in
resident memory (``ru_maxrss``), each with the input added, as a multiple
of the input's size. Targets: direct and separable <= 2.2x (input + output
+ small buffers), FFT <= 4x. ``tests/test_memory.py`` checks the same at a
size CI can afford.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

CASES = {
    "direct 3x3": ("direct", "np.full((3, 3), 1 / 9)", 2.2),
    "separable gaussian(2)": ("separable", "ik.kernels.gaussian(2.0)", 2.2),
    "fft 31x31": ("fft", "np.full((31, 31), 1 / 961)", 4.0),
}

CHILD = """
import json, resource, sys, tracemalloc
import numpy as np
import imagekit as ik
side, algorithm, kernel = int(sys.argv[1]), sys.argv[2], eval(sys.argv[3])
image = np.ones((side, side), np.float32)
ik.imfilter(image[:64, :64], kernel, algorithm=algorithm)  # compile first
rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
tracemalloc.start()
out = ik.imfilter(image, kernel, algorithm=algorithm)
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"traced": (image.nbytes + peak) / image.nbytes,
                  "rss": (image.nbytes + max(rss1 - rss0, 0)) / image.nbytes}))
"""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="imagekit bench memory",
        description="Peak memory of imfilter on a 1 GiB float32 image, per strategy.",
    )
    parser.add_argument("--smoke", action="store_true", help="a 64 MiB image instead of 1 GiB")
    args = parser.parse_args(argv)
    side = 4096 if args.smoke else 16384  # float32: 64 MiB or 1 GiB
    print(f"imfilter peak memory, {side}x{side} float32 ({side * side * 4 / 2**30:.3g} GiB)")
    print(f"{'case':<24} {'traced':>8} {'RSS':>8} {'target':>8}")
    over = False
    for name, (algorithm, kernel, target) in CASES.items():
        r = subprocess.run(
            [sys.executable, "-c", CHILD, str(side), algorithm, kernel],
            capture_output=True,
            text=True,
            check=True,
        )
        m = json.loads(r.stdout)
        over |= m["traced"] > target
        print(f"{name:<24} {m['traced']:7.2f}x {m['rss']:7.2f}x {target:7.1f}x")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
