"""imagekit against its peers: ``imagekit bench [--smoke] [--only W1,W4] [--plot PATH]``.

Also ``python -m imagekit.benchmarks``, and ``python -m benchmarks`` from a
source checkout.

Every workload runs imagekit and each peer on the same input in this one
process, checks that the peer's output agrees with imagekit's, times each in
blocks of calls after warm-up, in three rounds (see ``_timing.block_medians``),
and prints median times and the ratio peer time / imagekit time (above 1:
imagekit is faster). Then it measures time to first result in fresh
processes (with ``--only``, where it names ``first``), and with ``--plot``
draws time against kernel size for the direct and FFT strategies.
A disagreement makes the command exit with status 1.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

import imagekit as ik
from imagekit.filtering import _tier
from imagekit.filtering.strategies._threads import threads

from . import compat_int
from ._timing import block_medians, median_time
from .workloads import PEERS, build, missing_peers

INSTALL = 'pip install "imagekit[bench]" installs every peer'


def agree(ours, theirs, w) -> bool:
    """Whether a peer's output (an array, or a tuple of them) matches imagekit's."""
    if isinstance(ours, tuple):
        return len(ours) == len(theirs) and all(agree(a, b, w) for a, b in zip(ours, theirs))
    if w.compare is not None:
        ours, theirs = w.compare(ours), w.compare(theirs)
    ours, theirs = np.asarray(ours, np.float64), np.asarray(theirs, np.float64)
    if ours.shape != theirs.shape:
        return False
    scale = float(np.abs(ours).max()) if ours.size else 1.0
    return bool(np.allclose(theirs, ours, rtol=w.rtol, atol=w.atol * scale + w.abs_atol))


def threads_line() -> str:
    parts = [f"imagekit {threads()}"]
    try:
        import cv2

        parts.append(f"opencv {cv2.getNumThreads()}")
    except ImportError:
        pass
    try:
        import torch

        parts.append(f"torch {torch.get_num_threads()}")
    except ImportError:
        pass
    return "threads: " + ", ".join(parts) + f" (cores: {os.cpu_count()})"


# What a fresh process runs after ``import imagekit``: a first call of each kind.
_FIRST_CALLS = {
    "imfilter": "imagekit.imfilter(a.astype(np.float32), imagekit.kernels.gaussian(2.0))",
    "median": "imagekit.window.median((a * 255).astype(np.uint8), 3)",
    # a kept plan ranks without numba's start-up: it runs (and compiles) the numba loop
    "kept plan": "imagekit.filtering.plan(a, imagekit.kernels.gaussian(2.0))(a)",
    # a learned kernel: not separable
    "vjp": "from imagekit.gradients import imfilter_vjp; "
    "imfilter_vjp(a, np.arange(9.0).reshape(3, 3), a, 0)",
}


def first_result_times() -> dict[str, float]:
    """Import time and first calls in fresh processes: imfilter and median with a warm
    numba cache (small calls: the compile-free tier), imfilter and a 3x3
    ``imfilter_vjp`` with a cold cache, and a kept plan's first run with a cold cache
    (numba compiles its loop)."""

    def run(call, env=None):
        code = (
            "import time; t0 = time.perf_counter(); import imagekit; t1 = time.perf_counter();"
            "import numpy as np; a = np.random.rand(256, 256).astype(np.float32);"
            f"{call}; t2 = time.perf_counter(); print(t1 - t0, t2 - t1)"
        )
        r = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
        )
        return [float(x) for x in r.stdout.split()]

    for call in _FIRST_CALLS.values():
        run(call)  # make sure the on-disk cache is warm
    imp, first = run(_FIRST_CALLS["imfilter"])
    _, median = run(_FIRST_CALLS["median"])
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        _, cold = run(_FIRST_CALLS["imfilter"], env)
        _, vjp = run(_FIRST_CALLS["vjp"], env)
        _, compiled = run(_FIRST_CALLS["kept plan"], env)
    return {
        "import imagekit": imp,
        "first imfilter (warm cache)": first,
        "first median (warm cache)": median,
        "first imfilter (cold cache)": cold,
        "first 3x3 imfilter_vjp (cold cache)": vjp,
        "first kept-plan Gaussian (cold cache: compile)": compiled,
    }


def crossover_plot(path: str, smoke: bool) -> None:
    """Time vs kernel size for direct and FFT on one image: where FFT starts to win."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(1)
    n = 128 if smoke else 1024
    image = rng.random((n, n)).astype(np.float32)
    sizes = [3, 9] if smoke else [3, 5, 7, 9, 13, 17, 21, 25, 31, 41]
    rows = {"direct": [], "fft": [], "auto": []}
    for m in sizes:
        k = rng.random((m, m))
        for alg in rows:
            rows[alg].append(median_time(lambda a=alg, k=k: ik.imfilter(image, k, algorithm=a), 3))
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    for alg, ts in rows.items():
        ax.plot(sizes, np.array(ts) * 1e3, "o-" if alg != "auto" else "k--", label=alg)
    ax.set(
        xlabel="kernel size (m × m, dense)",
        ylabel="time (ms)",
        yscale="log",
        title=f"imagekit.imfilter, {n}² float32: direct vs FFT",
    )
    ax.legend()
    fig.savefig(path, dpi=100)
    print(f"wrote {path}")


def main(argv=None, prog: str = "python -m imagekit.benchmarks") -> int:
    parser = argparse.ArgumentParser(
        prog=prog, description="imagekit against its peers, timed in one process."
    )
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one repeat (for CI)")
    parser.add_argument(
        "--only",
        help="comma-separated workload names, e.g. W1,W4, D1,D2 (small dense kernels) or "
        "G1,G2 (the large-kernel grid; 'compat': the drop-ins, "
        "'first': the time to first result)",
    )
    parser.add_argument("--repeat", type=int, default=None, help="timed calls per measurement")
    parser.add_argument("--plot", help="also draw the direct/FFT crossover into this PNG")
    parser.add_argument("--json", help="also write the results to this JSON file")
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds of blocks; each contender's best counts"
    )
    args = parser.parse_args(argv)
    repeat = args.repeat or (1 if args.smoke else 7)
    warmup, rounds = (0, 1) if args.smoke else (3, max(args.rounds, 1))

    # blocks of calls time the steady state: numba's start-up counts as paid from the
    # start (the compile-free tier is for first calls: see first_result_times)
    _tier.pay()
    print(threads_line())
    for module in missing_peers():
        print(f"note: {PEERS[module]} is not installed: its columns are skipped ({INSTALL})")
    workloads = build(args.smoke)
    wanted = set(args.only.split(",")) if args.only else None
    if wanted:
        workloads = [w for w in workloads if w.name in wanted]
    results, failures = [], 0
    print(f"{'':4} {'workload':<52} {'imagekit':>10}   peers: time (ratio = peer / imagekit)")
    for w in workloads:
        ours = w.imagekit()
        agrees = {peer: agree(ours, fn(), w) for peer, fn in w.peers.items()}
        del ours
        # imagekit's own references right after it: a block that follows torch's or
        # OpenCV's runs while their threads still spin (see ``block_medians``)
        contenders = {"imagekit": w.imagekit, **w.own, **w.peers}
        timed = block_medians(contenders, repeat, warmup, rounds)
        t_ours = timed["imagekit"]
        cells, ratios = [], {}
        for peer in w.peers:
            ok = agrees[peer]
            failures += not ok
            t = timed[peer]
            ratios[peer] = t / t_ours
            cells.append(f"{peer} {t * 1e3:.2f} ms ({t / t_ours:.2f}x){'' if ok else ' DISAGREES'}")
        print(f"{w.name:4} {w.description:<52} {t_ours * 1e3:8.2f} ms   " + "; ".join(cells))
        if w.notes:
            print(f"{'':4} note: {w.notes}")
        own = {name: t_ours / timed[name] for name in w.own}
        for name, times in own.items():
            print(f"{'':4} {w.name} is {times:.2f}x imagekit's {name} (same rounds)")
        fastest = min(ratios.items(), key=lambda kv: kv[1]) if ratios else None
        results.append(
            {
                "workload": w.name,
                "imagekit_ms": t_ours * 1e3,
                "peer_ratio": ratios,
                "fastest_peer": fastest,
                "times_own": own,
            }
        )
    print("\nfastest peer / imagekit (above 1: imagekit faster):")
    for r in results:
        if r["fastest_peer"]:
            peer, ratio = r["fastest_peer"]
            print(f"  {r['workload']:4} {ratio:6.2f}  vs {peer}")
    compat_rows = []
    if not wanted or "compat" in wanted:
        compat_rows, differ = compat_int.run(args.smoke, repeat, warmup, rounds)
        failures += differ
    firsts = {}
    if not wanted or "first" in wanted:
        print("\ntime to first result (fresh processes):")
        firsts = first_result_times()
        for what, t in firsts.items():
            print(f"  {what:<40} {t:.3f} s")
    if args.plot and "matplotlib" in missing_peers():
        print(f"note: --plot needs matplotlib, which is not installed ({INSTALL})")
    elif args.plot:
        crossover_plot(args.plot, args.smoke)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(
                {"results": results, "compat": compat_rows, "first_result": firsts}, f, indent=1
            )
    if failures:
        print(f"\n{failures} peer result(s) disagree with imagekit", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
