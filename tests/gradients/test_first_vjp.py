"""A first small ``imfilter_vjp`` in a fresh process: NumPy alone, no numba loaded
(the compile-free tier, ``filtering._tier``), and the compiled strategies once
numba's start-up is paid."""

from __future__ import annotations

import json
import subprocess
import sys

_CODE = """
import json, sys
import numpy as np
import imagekit
from imagekit.filtering import _tier
from imagekit.filtering._plan import make_plan
from imagekit.gradients import imfilter_vjp
from imagekit.gradients._vjp import _choice
imported = "numba" in sys.modules
rng = np.random.default_rng(0)
x, w, g = rng.random((256, 256)), rng.random((3, 3)), rng.random((256, 256))
first = _choice(make_plan(x, w, 0))[0].name
gi, gk = imfilter_vjp(x, w, g, 0)
state = {"numba": "numba" in sys.modules, "paid": _tier.paid(), "rent": _tier.rent_paid()}
_tier.pay()
after = _choice(make_plan(x, w, 0))[0].name
gi2, gk2 = imfilter_vjp(x, w, g, 0)
same = bool(np.allclose(gi, gi2, rtol=1e-12, atol=1e-12) and np.allclose(gk, gk2, rtol=1e-12))
print(json.dumps(dict(state, imported=imported, first=first, after=after, same=same)))
"""


def test_a_small_first_vjp_runs_in_numpy_and_loads_no_numba():
    out = subprocess.run(
        [sys.executable, "-c", _CODE], capture_output=True, text=True, check=True, timeout=300
    ).stdout
    got = json.loads(out.strip().splitlines()[-1])
    assert not got["imported"]  # importing imagekit.gradients loads no numba
    assert got["first"] == "shifts" and not got["numba"] and not got["paid"]
    assert got["rent"] > 0  # counted towards the start-up
    assert got["after"] == "fused" and got["same"]
