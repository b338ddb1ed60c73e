"""Refit the planner's cost table, and check how well ``algorithm="auto"`` chooses.

Run (``python -m imagekit.benchmarks.fit_costs`` is the same)::

    imagekit bench fit-costs            # full grid (a few minutes)
    imagekit bench fit-costs --smoke    # tiny grid, for CI

It times every applicable strategy (direct, separable, fft) on a grid of
image sizes × kernel sizes × ndim in float32, fits the constants of
``imagekit.filtering._costs.COST`` by non-negative least squares on the
relative error, prints the refitted table, and reports for each grid point
the strategy ``auto`` picks and its time relative to the fastest strategy
(the planner's goal: within 1.3x everywhere).
"""

from __future__ import annotations

import argparse

import numpy as np
from scipy.optimize import nnls

from imagekit import Kernel, imfilter
from imagekit.filtering import _costs
from imagekit.filtering import plan as make_plan
from imagekit.filtering._registry import STRATEGIES

from ._timing import block_medians

KEYS = ("call", "copy", "tap", "fft", "fft_call", "fft_start")


def _features(name: str, p) -> np.ndarray:
    """Work units of each cost constant for strategy ``name`` under plan ``p``."""
    units = {}
    for key in KEYS:  # cost functions are linear in COST: probe one constant at a time
        saved = dict(_costs.COST)
        try:
            for k in KEYS:
                _costs.COST[k] = 1.0 if k == key else 0.0
            units[key] = STRATEGIES[name].cost(p)
        finally:
            _costs.COST.update(saved)
    return np.array([units[k] for k in KEYS])


def grid(smoke: bool):
    rng = np.random.default_rng(0)
    sizes2 = [(128, 128)] if smoke else [(256, 256), (1024, 1024), (2048, 2048)]
    sizes3 = [(32, 32, 32)] if smoke else [(64, 64, 64), (160, 160, 160)]
    ks2 = [3, 9] if smoke else [3, 5, 9, 15, 25, 41]
    ks3 = [3] if smoke else [3, 5, 7, 11]
    for shape, ks in [(s, ks2) for s in sizes2] + [(s, ks3) for s in sizes3]:
        image = rng.random(shape).astype(np.float32)
        for m in ks:
            dense = rng.random((m,) * len(shape))
            g = np.exp(-(np.linspace(-2, 2, m) ** 2))
            yield image, dense, "dense"
            yield image, Kernel.from_factors([g] * len(shape)), "separable"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="imagekit bench fit-costs",
        description="Refit the planner's cost table; check the choices of algorithm='auto'.",
    )
    parser.add_argument("--smoke", action="store_true", help="tiny grid, one repeat")
    args = parser.parse_args(argv)
    repeat = 1 if args.smoke else 3

    rows, features, times = [], [], []
    for image, kernel, kind in grid(args.smoke):
        p = make_plan(image, kernel)
        # each strategy's lower block median of two rounds (as the main benchmark): one
        # block's median is at the mercy of a moment's load on a shared machine
        calls = {n: (lambda n=n, i=image, k=kernel: imfilter(i, k, algorithm=n)) for n in p.costs}
        measured = block_medians(calls, repeat, warmup=1, rounds=1 if args.smoke else 2)
        for name in p.costs:
            features.append(_features(name, p))
            times.append(measured[name])
        best = min(measured, key=measured.get)
        picked = p.strategy
        ratio = measured[picked] / measured[best]
        m = kernel.shape[0]
        rows.append((image.shape, m, kind, picked, best, ratio, measured))

    print(
        f"{'image':>16} {'k':>3} {'kind':>9} {'auto':>9} {'best':>9} {'auto/best':>9}  times (ms)"
    )
    for shape, m, kind, picked, best, ratio, measured in rows:
        ms = ", ".join(f"{n} {t * 1e3:.2f}" for n, t in measured.items())
        flag = "" if ratio <= 1.3 else "  <-- over 1.3x"
        print(f"{shape!s:>16} {m:>3} {kind:>9} {picked:>9} {best:>9} {ratio:9.2f}  {ms}{flag}")
    worst = max(r[5] for r in rows)
    print(f"\nworst auto/best: {worst:.2f} (goal <= 1.3)")

    # Fit on relative error: scale each row by 1 / measured time.
    A = np.array(features) / np.array(times)[:, None]
    b = np.ones(len(times))
    coef, _ = nnls(A, b)
    print("\nrefitted COST (float32 seconds per unit):")
    print("COST = {" + ", ".join(f'"{k}": {v:.3g}' for k, v in zip(KEYS, coef)) + "}")
    print("current COST = " + repr(_costs.COST))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
