"""SAGAN family: shared checks, the 128x128 baseline size, per-class conditional BN."""

from __future__ import annotations

import numpy as np
import pytest

from tests.models.gan_family_test import run_gan_family_test
from zoo.models import build_from_preset
from zoo.models.latents import sample_latents
from zoo.models.sagan import SAGANDiscriminator, SAGANGenerator

TINY_G = {"latent_dim": 8, "num_classes": 3, "channels": 4, "channel_multipliers": [4, 4, 2],
          "bottom_width": 4, "attention_resolutions": [8], "image_channels": 1}
TINY_D = {"num_classes": 3, "channels": 4, "channel_multipliers": [2, 4, 4], "num_down": 2, "resolution": 16,
          "attention_resolutions": [8], "image_channels": 1}


def count(model):
    return sum(int(np.prod(v.shape)) for v in model.trainable_variables)


def test_family(tmp_path):
    run_gan_family_test(SAGANGenerator, SAGANDiscriminator, TINY_G, TINY_D, tmp_path)


def test_128x128_baseline_parameter_count():
    """The SAGAN baseline of Brock et al. 2019, Table 1 row 1 (ch 64, batch 256): "81.5M" parameters for G
    and D together. Ours: G 42,017,412 + D 39,448,258 = 81,465,670 (per-class conditional BN tables, z 128)."""
    g, d = build_from_preset("sagan", "sagan_128")
    g.build_for_inputs()
    d(np.zeros((1, 128, 128, 3), np.float32), labels=np.zeros((1,), np.int32))
    assert count(g) == 42_017_412 and count(d) == 39_448_258
    assert round((count(g) + count(d)) / 1e6, 1) == 81.5


@pytest.mark.parametrize("preset", ["sagan_32", "sagan_32_small"])
def test_32x32_presets_build(preset):
    g, d = build_from_preset("sagan", preset)
    labels = np.arange(2, dtype=np.int32)
    x = g(sample_latents(2, g.latent_dim), labels=labels, training=False)
    assert x.shape[1:3] == (32, 32)
    assert d(x, labels=labels, training=False).shape == (2,)


def test_no_shared_embedding_or_hierarchy():
    with pytest.raises(ValueError, match="BigGANGenerator"):
        SAGANGenerator(**TINY_G, shared_dim=8)
    with pytest.raises(ValueError, match="BigGANGenerator"):
        SAGANGenerator(**TINY_G, hierarchical=True)
    g = SAGANGenerator(**TINY_G).build_for_inputs()
    assert g.shared is None


def test_labels_start_equal_and_diverge_after_a_step():
    """SAGAN's class tables start at gain 1 / bias 0 for every class, so all classes give the same image until
    training moves them; after one gradient step on class 0 only, classes differ."""
    import tensorflow as tf

    g = SAGANGenerator(**TINY_G).build_for_inputs()
    z = np.repeat(sample_latents(1, 8, seed=1), 3, axis=0)
    labels = np.array([0, 1, 2], np.int32)
    x = np.asarray(g(z, labels=labels, training=False))
    np.testing.assert_allclose(x[0], x[1], atol=1e-6)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(g(z[:2], labels=np.array([0, 0], np.int32), training=True))
    variables = [v for v in g.trainable_variables if "gain" in v.path or "bias/kernel" in v.path]
    grads = tape.gradient(loss, variables)
    for v, grad in zip(variables, grads):
        v.assign_sub(0.5 * grad)
    x = np.asarray(g(z, labels=labels, training=False))
    assert not np.allclose(x[0], x[1], atol=1e-4)
    np.testing.assert_allclose(x[1], x[2], atol=1e-6)
