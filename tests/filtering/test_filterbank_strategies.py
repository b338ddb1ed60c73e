"""One filter-bank result across strategies: the register tiles (direct), Winograd's
transforms (3x3 on 2-D images), the shifted GEMM and the FFT each equal the float64
double loop within ``TOLERANCE`` (relative to the largest value), for every border x
shape x channel layout x batch x dtype that hypothesis draws; on one thread and
split among threads (units of 64 outputs cross C_out = 64 and 128)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import imagekit
from tests.filtering.test_filterbank import double_loop, split_filterbank
from tests.test_cross_strategy import TOLERANCE

BORDERS = ["reflect", "mirror", "nearest", "wrap", "constant", 0, -1.5]


@st.composite
def cases(draw):
    ndim = draw(st.integers(1, 3))
    three = ndim == 2 and draw(st.booleans())  # a 3x3 kernel: Winograd's shape, often
    return dict(
        spatial=tuple(draw(st.integers(1, 11 if ndim < 3 else 6)) for _ in range(ndim)),
        kshape=(3, 3) if three else tuple(draw(st.integers(1, 4)) for _ in range(ndim)),
        c_in=draw(st.integers(1, 5)),
        c_out=draw(st.sampled_from([1, 5, 63, 64, 65, 130])),
        batch=draw(st.sampled_from([None, 2])),
        channel_first=draw(st.booleans()),
        border=draw(st.sampled_from(BORDERS)),
        shape=draw(st.sampled_from(["same", "valid", "full"])),
        dtype=draw(st.sampled_from(["float32", "float64"])),
        threads=draw(st.sampled_from(["1", "3"])),
        seed=draw(st.integers(0, 2**16)),
    )


@settings(deadline=None, max_examples=120)
@given(case=cases())
def test_every_filterbank_strategy_gives_one_result(case):
    # every call split among the threads drawn, however little its work
    # (split_filterbank: the strategies made with serial_work=0)
    with imagekit.config(threads=int(case["threads"])):
        check_strategies(case)


def check_strategies(case):
    rng = np.random.default_rng(case["seed"])
    lead = (2,) if case["batch"] else ()
    image = rng.random((*lead, *case["spatial"], case["c_in"])).astype(case["dtype"])
    bank = (rng.random((*case["kshape"], case["c_in"], case["c_out"])) - 0.4).astype(case["dtype"])
    wide = (image.astype(np.float64), bank.astype(np.float64))
    items = [wide[0][b] for b in range(2)] if case["batch"] else [wide[0]]
    expected = np.stack([double_loop(x, wide[1], case["border"], case["shape"]) for x in items])
    if not case["batch"]:
        expected = expected[0]
    channel_axis = -1
    if case["channel_first"]:  # channels before the spatial axes (after the batch)
        channel_axis = len(lead)
        image = np.moveaxis(image, -1, channel_axis)
        expected = np.moveaxis(expected, -1, channel_axis)
    kw = dict(shape=case["shape"], channel_axis=channel_axis)
    if case["batch"]:
        kw["batch_axis"] = 0
    algorithms = ["direct", "gemm", "fft", "auto"]
    if case["kshape"] == (3, 3):
        algorithms.append("winograd")
    scale = max(float(np.abs(expected).max(initial=0)), 1.0)
    for algorithm in algorithms:
        got = split_filterbank(image, bank, case["border"], algorithm=algorithm, **kw)
        assert got.shape == expected.shape and got.dtype == image.dtype, algorithm
        err = np.abs(got - expected).max(initial=0) / scale
        assert err <= TOLERANCE[case["dtype"]], f"{algorithm}: relative error {err:.3g}"
