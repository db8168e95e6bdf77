"""Conditional BN: gain = 1 + A cond, bias = B cond around a parameter-free batch norm."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from zoo.layers import ConditionalBatchNorm


def test_matches_hand_computed_formula():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((4, 3, 3, 5)).astype(np.float32)
    cond = rng.standard_normal((4, 7)).astype(np.float32)
    cbn = ConditionalBatchNorm(5, spectral_norm=False, sync_bn=False)
    cbn(x, cond, training=False)
    a = rng.standard_normal((7, 5)).astype(np.float32)
    b = rng.standard_normal((7, 5)).astype(np.float32)
    cbn.gain.kernel.assign(a)
    cbn.bias.kernel.assign(b)
    out = np.asarray(cbn(x, cond, training=True))
    mean, var = x.mean((0, 1, 2)), x.var((0, 1, 2))
    expected = (x - mean) / np.sqrt(var + 1e-5) * (1 + cond @ a)[:, None, None] + (cond @ b)[:, None, None]
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-4)


def test_spectral_norm_projections():
    cbn = ConditionalBatchNorm(6, spectral_norm=True, sync_bn=False)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 2, 2, 6)).astype(np.float32)
    cond = rng.standard_normal((2, 4)).astype(np.float32)
    assert cbn(x, cond, training=True).shape == (2, 2, 2, 6)
    assert hasattr(cbn.gain, "sn_u") and hasattr(cbn.bias, "sn_u")


def test_wrong_channels_refused():
    with pytest.raises(ValueError, match="channels"):
        ConditionalBatchNorm(6)(tf.zeros((1, 2, 2, 5)), tf.zeros((1, 3)))
