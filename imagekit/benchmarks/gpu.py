"""imagekit on the GPU against its GPU peers: ``imagekit bench gpu [--smoke]``.

Runs W3 (4096² Gaussian sigma 3), W4 (2048², dense 31×31), W5 (256³, dense
5×5×5) and W7a/W7b (CNN layers, 3×3 filter banks) on CuPy arrays, against
cupyx.scipy.ndimage, cupyx.scipy.signal.fftconvolve and torch on CUDA, on
the same device arrays in this one process. Every call is followed by a
device synchronisation, so the times are of finished work. Outputs are
checked against imagekit's before timing; the table gives median times and
the ratio peer / imagekit (above 1: imagekit is faster).

Needs a CUDA device and CuPy (``pip install "imagekit[gpu]"``); torch is optional.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

import imagekit as ik

from ._timing import median_time


def _synced(cp, fn):
    def run():
        result = fn()
        cp.cuda.Device().synchronize()
        return result

    return run


def _to_numpy(x):
    if hasattr(x, "get"):
        return x.get()
    if hasattr(x, "cpu"):
        return x.cpu().numpy()
    return np.asarray(x)


def workloads(cp, s: int):
    """(name, description, imagekit call, {peer: call}) on device arrays; ``s`` shrinks sizes."""
    import cupyx.scipy.ndimage as cndi
    import cupyx.scipy.signal as csig

    try:
        import torch

        cuda = torch.cuda.is_available()
    except ImportError:
        torch, cuda = None, False
    rng = np.random.default_rng(0)
    out = []

    img3 = cp.asarray(rng.random((4096 // s, 4096 // s), dtype=np.float32))
    g = ik.kernels.gaussian(3.0)
    out.append(
        (
            "W3",
            f"{img3.shape[0]}² float32, Gaussian sigma 3",
            lambda: ik.imfilter(img3, g, "reflect"),
            {"cupyx.ndimage": lambda: cndi.gaussian_filter(img3, 3.0, mode="reflect")},
        )
    )
    img4 = cp.asarray(rng.random((2048 // s, 2048 // s), dtype=np.float32))
    w4 = rng.random((31, 31)).astype(np.float32)
    w4d = cp.asarray(w4)
    pads4 = [(15, 15), (15, 15)]
    out.append(
        (
            "W4",
            f"{img4.shape[0]}² float32, dense 31×31, reflect",
            lambda: ik.imfilter(img4, w4, "reflect"),
            {
                "cupyx.ndimage": lambda: cndi.correlate(img4, w4d, mode="reflect"),
                "cupyx.fftconvolve": lambda: csig.fftconvolve(
                    cp.pad(img4, pads4, mode="symmetric"), w4d[::-1, ::-1], mode="valid"
                ),
            },
        )
    )
    img5 = cp.asarray(rng.random((256 // s,) * 3, dtype=np.float32))
    w5 = rng.random((5, 5, 5)).astype(np.float32)
    w5d = cp.asarray(w5)
    out.append(
        (
            "W5",
            f"{img5.shape[0]}³ float32, dense 5×5×5, reflect",
            lambda: ik.imfilter(img5, w5, "reflect"),
            {
                "cupyx.ndimage": lambda: cndi.correlate(img5, w5d, mode="reflect"),
                "cupyx.fftconvolve": lambda: csig.fftconvolve(
                    cp.pad(img5, [(2, 2)] * 3, mode="symmetric"), w5d[::-1, ::-1, ::-1], "valid"
                ),
            },
        )
    )
    for name, size, c_in, c_out in [("W7a", 32, 128, 256), ("W7b", 224, 64, 64)]:
        x = cp.asarray(rng.random((max(size // s, 4),) * 2 + (c_in,), dtype=np.float32))
        bank = rng.standard_normal((3, 3, c_in, c_out)).astype(np.float32)
        peers = {}
        if cuda:
            xt = torch.from_dlpack(cp.ascontiguousarray(x.transpose(2, 0, 1))[None])
            wt = torch.from_numpy(np.ascontiguousarray(bank.transpose(3, 2, 0, 1))).cuda()

            def conv(xt=xt, wt=wt):
                return torch.nn.functional.conv2d(xt, wt, padding=1)[0].permute(1, 2, 0)

            peers["torch CUDA (NCHW)"] = conv
        out.append(
            (
                name,
                f"{x.shape[0]}²×{c_in} → {c_out} filters 3×3, zero border",
                lambda x=x, bank=bank: ik.filterbank(x, bank, 0),
                peers,
            )
        )
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="imagekit bench gpu",
        description="imagekit on the GPU against cupyx and torch (needs CuPy and a CUDA device).",
    )
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one repeat")
    args = parser.parse_args(argv)
    try:
        import cupy as cp

        if not cp.is_available():
            raise ImportError
    except ImportError:
        print("imagekit bench gpu: no CUDA device answers through CuPy; nothing to run")
        return 0
    repeat, s = (1, 16) if args.smoke else (15, 1)
    print(f"device: {cp.cuda.runtime.getDeviceProperties(0)['name'].decode()}")
    failed = False
    for name, desc, ours, peers in workloads(cp, s):
        ours = _synced(cp, ours)
        reference = _to_numpy(ours())
        t_ours = median_time(ours, repeat)
        cells = []
        for peer, fn in peers.items():
            fn = _synced(cp, fn)
            got = _to_numpy(fn())
            scale = float(np.abs(reference).max()) or 1.0
            if got.shape != reference.shape or not np.allclose(got, reference, atol=1e-4 * scale):
                cells.append(f"{peer}: DISAGREES")
                failed = True
                continue
            t = median_time(fn, repeat)
            cells.append(f"{peer} {t * 1e3:.2f} ms ({t / t_ours:.2f}x)")
        print(f"{name:4} {desc:48} {t_ours * 1e3:8.2f} ms   " + "; ".join(cells))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
