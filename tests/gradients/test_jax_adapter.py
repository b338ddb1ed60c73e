"""The JAX adapters: gradients equal imagekit's VJPs and pass jax's own gradient check.

Skipped where JAX is not installed (it is optional, and not in the test extras).
"""

from __future__ import annotations

import numpy as np
import pytest

jax = pytest.importorskip("jax")
jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp  # noqa: E402
from jax.test_util import check_grads  # noqa: E402

from imagekit.gradients import filterbank_vjp, imfilter_vjp  # noqa: E402
from imagekit.gradients.jax import filterbank, imfilter  # noqa: E402


@pytest.mark.parametrize("border", ["reflect", "wrap", 0.0, "na"])
@pytest.mark.parametrize("shape", ["same", "valid", "full"])
def test_imfilter_gradients(border, shape):
    rng = np.random.default_rng(0)
    x, w = rng.random((7, 8)), rng.random((3, 2)) + 0.1
    out = imfilter(jnp.asarray(x), jnp.asarray(w), border, shape=shape)
    g = rng.standard_normal(out.shape)
    gx, gw = jax.grad(
        lambda a, b: jnp.sum(imfilter(a, b, border, shape=shape) * g), argnums=(0, 1)
    )(jnp.asarray(x), jnp.asarray(w))
    ex, ew = imfilter_vjp(x, w, g, border, shape=shape)
    np.testing.assert_allclose(gx, ex, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gw, ew, rtol=1e-12, atol=1e-12)
    check_grads(lambda a, b: imfilter(a, b, border, shape=shape), (x, w), order=1, modes=["rev"])


def test_filterbank_gradients_under_jit():
    rng = np.random.default_rng(1)
    x, bank = rng.random((6, 7, 2)), rng.random((3, 3, 2, 3))
    g = rng.standard_normal((6, 7, 3))

    @jax.jit
    def loss(a, b):
        return jnp.sum(filterbank(a, b, "mirror") * g)

    gx, gb = jax.grad(loss, argnums=(0, 1))(jnp.asarray(x), jnp.asarray(bank))
    ex, eb = filterbank_vjp(x, bank, g, "mirror")
    np.testing.assert_allclose(gx, ex, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gb, eb, rtol=1e-12, atol=1e-12)
