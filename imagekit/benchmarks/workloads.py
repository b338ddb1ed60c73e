"""The benchmark workloads: one function each, imagekit and its peers on the same input.

Each workload builds its input from a seeded generator and gives one
imagekit call and the peers' calls that compute the same thing (same
kernel, same border): OpenCV's ``BORDER_REFLECT`` is scipy's ``reflect``;
scipy.signal's FFT convolutions get the image padded the same way
(``numpy.pad(mode="symmetric")``) and return the valid part, so padding is
part of every peer's measured work, as it is of imagekit's. Peers that
cannot compute the same border are left out, and the reason is stated.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import scipy.ndimage as ndi

import imagekit as ik
from imagekit import kernels
from imagekit.gradients import imfilter_vjp

try:
    import cv2
except ImportError:  # a peer, not a requirement
    cv2 = None
try:
    import torch
except ImportError:
    torch = None


# The optional peers (module: what it is called in the table); a peer that is not
# installed drops out of every workload that uses it.
PEERS = {"cv2": "opencv", "torch": "torch", "matplotlib": "matplotlib (for --plot)"}

# Further modules of workloads, each with ``workloads(rng, s) -> list[Workload]``
# (``s``: the divisor of the sizes, 8 in smoke mode); their workloads follow this
# module's own, in this order.
MODULES: tuple[str, ...] = (
    "imagekit.benchmarks.window",
    "imagekit.benchmarks.dense",
    "imagekit.benchmarks.grid",
)


def missing_peers() -> list[str]:
    """The modules of ``PEERS`` that do not import."""
    missing = []
    for module in PEERS:
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(module)
    return missing


@dataclass
class Workload:
    name: str
    description: str
    imagekit: Callable[[], np.ndarray]
    peers: dict[str, Callable[[], np.ndarray]] = field(default_factory=dict)
    rtol: float = 1e-5
    atol: float = 0.0  # absolute tolerance, in units of the output's largest value
    abs_atol: float = 0.0  # absolute tolerance, in output units
    notes: str = ""
    # imagekit's own reference calls, timed in the same rounds as ``imagekit`` (not
    # peers): a goal that compares two of imagekit's times (a gradient pass against
    # its forward) is then read off one measurement, not two taken minutes apart
    own: dict[str, Callable[[], object]] = field(default_factory=dict)
    # what the agreement check compares: each output mapped by this first (not timed),
    # for peers that list the same result in another order
    compare: Callable[[np.ndarray], np.ndarray] | None = None


def _fft_peer(image, w, method):
    """Correlation with scipy's 'reflect' border via scipy.signal on a padded image."""
    import scipy.fft
    import scipy.signal as ss

    pads = [(m // 2, m - 1 - m // 2) for m in w.shape]
    flipped = w[(slice(None, None, -1),) * w.ndim]

    def run():
        padded = np.pad(image, pads, mode="symmetric")
        with scipy.fft.set_workers(-1):
            return getattr(ss, method)(padded, flipped, mode="valid")

    return run


def correlate_peers(img, k) -> dict[str, Callable[[], np.ndarray]]:
    """scipy.ndimage's and (where installed) OpenCV's correlation of ``img`` with ``k``,
    border ``reflect`` (OpenCV's ``BORDER_REFLECT``)."""
    peers = {"scipy.ndimage": lambda: ndi.correlate(img, k, mode="reflect")}
    if cv2 is not None:
        peers["opencv"] = lambda: cv2.filter2D(img, -1, k, borderType=cv2.BORDER_REFLECT)
    return peers


def w1_w2(rng, s, name, dtype):
    img = rng.random((1000 // s, 1000 // s)).astype(dtype)
    k = rng.random((3, 3)).astype(dtype)
    return Workload(
        name,
        f"{img.shape[0]}² {np.dtype(dtype).name}, random 3×3, reflect",
        lambda: ik.imfilter(img, k, "reflect"),
        correlate_peers(img, k),
        rtol=1e-10 if dtype == np.float64 else 1e-5,
        notes="torch has no 'reflect' (symmetric) padding: see W2m",
    )


def w2m(rng, s):
    img = rng.random((1000 // s, 1000 // s)).astype(np.float32)
    k = rng.random((3, 3)).astype(np.float32)
    peers = {}
    if cv2 is not None:
        peers["opencv"] = lambda: cv2.filter2D(img, -1, k, borderType=cv2.BORDER_REFLECT_101)
    if torch is not None:
        t_img, t_k = torch.from_numpy(img)[None, None], torch.from_numpy(k)[None, None]

        def torch_mirror():
            with torch.no_grad():
                padded = torch.nn.functional.pad(t_img, (1, 1, 1, 1), mode="reflect")
                return torch.nn.functional.conv2d(padded, t_k)[0, 0].numpy()

        peers["torch"] = torch_mirror
    return Workload(
        "W2m",
        f"{img.shape[0]}² float32, random 3×3, mirror",
        lambda: ik.imfilter(img, k, "mirror"),
        peers,
    )


def w3(rng, s):
    img = rng.random((4096 // s, 4096 // s)).astype(np.float32)
    g = kernels.gaussian(3.0)
    g1 = kernels.factored.gaussian(3.0)[0].weights.astype(np.float32)
    peers = {"scipy.ndimage": lambda: ndi.gaussian_filter(img, 3.0, mode="reflect")}
    if cv2 is not None:
        peers["opencv"] = lambda: cv2.sepFilter2D(img, -1, g1, g1, borderType=cv2.BORDER_REFLECT)
    return Workload(
        "W3", f"{img.shape[0]}² float32, Gaussian sigma 3", lambda: ik.imfilter(img, g), peers
    )


def w4(rng, s):
    img = rng.random((2048 // s, 2048 // s)).astype(np.float32)
    k = rng.random((31, 31)).astype(np.float32)
    peers = {
        "scipy.signal.fftconvolve": _fft_peer(img, k, "fftconvolve"),
        "scipy.signal.oaconvolve": _fft_peer(img, k, "oaconvolve"),
    }
    if cv2 is not None:
        peers["opencv"] = lambda: cv2.filter2D(img, -1, k, borderType=cv2.BORDER_REFLECT)
    return Workload(
        "W4",
        f"{img.shape[0]}² float32, dense random 31×31",
        lambda: ik.imfilter(img, k),
        peers,
        atol=2e-6,
        notes="scipy.ndimage.correlate takes minutes here: left out",
    )


def w5(rng, s):
    n = 256 // s
    vol = rng.random((n, n, n)).astype(np.float32)
    k = rng.random((5, 5, 5)).astype(np.float32)
    return Workload(
        "W5",
        f"{n}³ float32, dense random 5×5×5",
        lambda: ik.imfilter(vol, k),
        {"scipy.signal.fftconvolve": _fft_peer(vol, k, "fftconvolve")},
        atol=2e-6,
        notes="scipy.ndimage.correlate takes ~10 s here: left out",
    )


def w6(rng, s):
    rgb = rng.random((2048 // s, 2048 // s, 3)).astype(np.float32)
    g = kernels.gaussian(2.0)
    g1 = kernels.factored.gaussian(2.0)[0].weights.astype(np.float32)
    peers = {"scipy.ndimage": lambda: ndi.gaussian_filter(rgb, (2.0, 2.0, 0.0), mode="reflect")}
    if cv2 is not None:
        peers["opencv"] = lambda: cv2.sepFilter2D(rgb, -1, g1, g1, borderType=cv2.BORDER_REFLECT)
    return Workload(
        "W6",
        f"{rgb.shape[0]}²×3 float32 (channel_axis=-1), Gaussian sigma 2",
        lambda: ik.imfilter(rgb, g, channel_axis=-1),
        peers,
    )


def w9(rng, s):
    """A 5×5 box over uint8 given as the dense array ``np.full((5, 5), 1 / 25)``, into uint8.

    imagekit finds the box in the array (constant, rank one) and rounds the
    mean to the nearest integer, as OpenCV's ``blur`` does: the two agree
    exactly (``tests/filtering`` asserts it). scipy's ``uniform_filter``
    truncates to uint8 after each 1-D pass, so it may lie up to 2 below the
    rounded mean. The suite checks every peer with one tolerance, so it is
    the one scipy needs: ``abs_atol=2`` output units, ``rtol=0``.
    """
    u8 = rng.integers(0, 256, (2048 // s, 2048 // s), dtype=np.uint8)
    box = np.full((5, 5), 1 / 25)
    peers = {"scipy.ndimage": lambda: ndi.uniform_filter(u8, 5, mode="reflect")}
    if cv2 is not None:
        peers["opencv"] = lambda: cv2.blur(u8, (5, 5), borderType=cv2.BORDER_REFLECT)
    return Workload(
        "W9",
        f"{u8.shape[0]}² uint8, 5×5 box as a dense array -> uint8",
        lambda: ik.imfilter(u8, box, dtype=np.uint8),
        peers,
        rtol=0,
        abs_atol=2.0,
    )


def w7(rng, s, name, size, c_in, c_out):
    """A CNN layer: channels-last in and out, 3x3 filters, zero border."""
    img = rng.random((size // s, size // s, c_in)).astype(np.float32)
    bank = rng.standard_normal((3, 3, c_in, c_out)).astype(np.float32)
    peers = {}
    if torch is not None:
        t_img = torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))[None]
        t_w = torch.from_numpy(np.ascontiguousarray(bank.transpose(3, 2, 0, 1)))
        t_hwc = torch.from_numpy(img)

        def torch_nchw():  # torch's own layout, no conversions
            with torch.no_grad():
                out = torch.nn.functional.conv2d(t_img, t_w, padding=1)
            return out[0].numpy().transpose(1, 2, 0)

        def torch_hwc():  # channels-last in and out, as imagekit: with the conversions
            with torch.no_grad():
                x = t_hwc.permute(2, 0, 1)[None].contiguous()
                out = torch.nn.functional.conv2d(x, t_w, padding=1)
                return out[0].permute(1, 2, 0).contiguous().numpy()

        peers = {"torch conv2d NCHW": torch_nchw, "torch conv2d + HWC<->NCHW": torch_hwc}
    return Workload(
        name,
        f"{img.shape[0]}²×{c_in} float32 -> {c_out} filters 3×3, zero border",
        lambda: ik.filterbank(img, bank, 0),
        peers,
        rtol=1e-4,
        atol=1e-5,
    )


def w8(rng, s):
    """Forward and both gradients of a 3x3 filter, against torch autograd."""
    x = rng.random((1000 // s, 1000 // s))
    w = rng.random((3, 3))
    g = rng.standard_normal(x.shape)

    def ours():  # what torch's run computes too: the output and both gradients
        out = ik.imfilter(x, w, 0)
        gi, gk = imfilter_vjp(x, w, g, 0)
        return out, gi, gk

    peers = {}
    if torch is not None:
        tg = torch.from_numpy(g)[None, None]

        def autograd():
            tx = torch.tensor(x[None, None], requires_grad=True)
            tw = torch.tensor(w[None, None], requires_grad=True)
            out = torch.nn.functional.conv2d(tx, tw, padding=1)
            out.backward(tg)
            return out.detach()[0, 0].numpy(), tx.grad[0, 0].numpy(), tw.grad[0, 0].numpy()

        peers["torch autograd"] = autograd
    return Workload(
        "W8",
        f"{x.shape[0]}² float64, 3×3: forward + both gradients",
        ours,
        peers,
        rtol=1e-9,
        atol=1e-12,
        notes="the goal is W8 <= 2.7x imagekit's forward alone (W8f; also timed in W8's rounds)",
        own={"forward alone": lambda: ik.imfilter(x, w, 0)},
    )


def w8f(rng, s):
    x = rng.random((1000 // s, 1000 // s))
    w = rng.random((3, 3))
    return Workload(
        "W8f", f"{x.shape[0]}² float64, 3×3: forward only", lambda: ik.imfilter(x, w, 0)
    )


def build(smoke: bool = False) -> list[Workload]:
    """The workloads (sizes divided by 8 with ``smoke``)."""
    rng = np.random.default_rng(0)
    s = 8 if smoke else 1
    workloads = [
        w1_w2(rng, s, "W1", np.float64),
        w1_w2(rng, s, "W2", np.float32),
        w2m(rng, s),
        w3(rng, s),
        w4(rng, s),
        w5(rng, s),
        w6(rng, s),
        w9(rng, s),
        w7(rng, s, "W7a", 32 if not smoke else 64, 128, 256),
        w7(rng, s, "W7b", 224, 64, 64),
        w8(rng, s),
        w8f(rng, s),
    ]
    for name in MODULES:
        workloads += importlib.import_module(name).workloads(rng, s)
    return workloads
