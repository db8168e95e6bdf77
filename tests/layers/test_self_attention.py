"""Self-attention: shapes, zero-init identity, downsampled keys / values, attention weights sum to 1."""

from __future__ import annotations

import numpy as np
import pytest

from zoo.layers import SelfAttention


def x(shape=(2, 8, 8, 16), seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def test_zero_initialised_gain_makes_the_block_the_identity():
    layer = SelfAttention(16)
    inputs = x()
    np.testing.assert_array_equal(np.asarray(layer(inputs, training=True)), inputs)
    assert float(layer.gamma) == 0.0


def test_output_shape_and_effect_once_gamma_is_set():
    layer = SelfAttention(16)
    inputs = x()
    layer(inputs)
    layer.gamma.assign(1.0)
    out = np.asarray(layer(inputs, training=False))
    assert out.shape == inputs.shape
    assert not np.allclose(out, inputs)


@pytest.mark.parametrize("downsample, keys", [(True, 16), (False, 64)])
def test_attention_map_shape_and_normalisation(downsample, keys):
    layer = SelfAttention(16, downsample_kv=downsample)
    beta, values = layer.attention_map(x())
    assert beta.shape == (2, 64, keys) and values.shape == (2, keys, 8)
    np.testing.assert_allclose(np.asarray(beta).sum(-1), 1.0, rtol=1e-5)


def test_attention_is_global():
    """Changing one far-away pixel changes the output at every position (a conv stack would not)."""
    layer = SelfAttention(16, downsample_kv=False)
    a = x()
    layer(a)
    layer.gamma.assign(1.0)
    b = a.copy()
    b[:, 7, 7, :] += 5.0
    diff = np.abs(np.asarray(layer(b)) - np.asarray(layer(a)))[:, 0, 0, :]
    assert diff.max() > 1e-4


def test_too_few_channels_and_wrong_input_are_refused():
    with pytest.raises(ValueError, match="too few"):
        SelfAttention(4)
    with pytest.raises(ValueError, match="channels"):
        SelfAttention(16)(x((1, 4, 4, 8)))


def test_config_round_trip():
    layer = SelfAttention(32, key_reduction=4, value_reduction=4, downsample_kv=False)
    assert SelfAttention.from_config(layer.get_config()).get_config() == layer.get_config()
