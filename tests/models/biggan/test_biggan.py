"""BigGAN family: shared checks, paper parameter counts, conditioning, hierarchical z, truncation."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from tests.models.gan_family_test import run_gan_family_test
from zoo.models import build_from_preset
from zoo.models.biggan import PRESETS, BigGANDiscriminator, BigGANGenerator
from zoo.models.latents import sample_latents

TINY_G = {"latent_dim": 12, "num_classes": 3, "channels": 4, "channel_multipliers": [4, 4, 2],
          "bottom_width": 4, "attention_resolutions": [8], "shared_dim": 6, "hierarchical": True,
          "image_channels": 1}
TINY_D = {"num_classes": 3, "channels": 4, "channel_multipliers": [2, 4, 4], "num_down": 2, "resolution": 16,
          "attention_resolutions": [8], "image_channels": 1}


def count(model):
    return sum(int(np.prod(v.shape)) for v in model.trainable_variables)


def test_family(tmp_path):
    run_gan_family_test(BigGANGenerator, BigGANDiscriminator, TINY_G, TINY_D, tmp_path)


def test_128x128_parameter_counts_match_the_reference_implementation():
    """Brock et al. 2019, Appendix B Table 4(a) at ch = 96. The published trainable-parameter counts of the
    BigGAN-PyTorch reference implementation (README of ajbrock/BigGAN-PyTorch, 128x128 ImageNet model):
    G 70,433,988 and D 87,982,370 (158.4M together, the "158.3M" of BigGAN Table 1, rows 6-9)."""
    g, d = build_from_preset("biggan", "biggan_128")
    g.build_for_inputs()
    d(np.zeros((1, 128, 128, 3), np.float32), labels=np.zeros((1,), np.int32))
    assert count(g) == 70_433_988
    assert count(d) == 87_982_370


@pytest.mark.parametrize("preset", ["biggan_32", "biggan_32_small"])
def test_32x32_presets_build(preset):
    g, d = build_from_preset("biggan", preset)
    labels = np.arange(2, dtype=np.int32)
    x = g(sample_latents(2, g.latent_dim), labels=labels, training=False)
    assert x.shape == (2, 32, 32, PRESETS[preset]["generator"]["image_channels"])
    assert d(x, labels=labels, training=False).shape == (2,)


def tiny():
    g = BigGANGenerator(**TINY_G).build_for_inputs()
    return g


def test_outputs_differ_by_label():
    g = tiny()
    z = np.repeat(sample_latents(1, 12, seed=3), 3, axis=0)
    x = np.asarray(g(z, labels=np.array([0, 1, 2], np.int32), training=False))
    assert not np.allclose(x[0], x[1]) and not np.allclose(x[1], x[2])
    d = BigGANDiscriminator(**TINY_D)
    same = np.repeat(x[:1], 3, axis=0)
    logits = np.asarray(d(same, labels=np.array([0, 1, 2], np.int32), training=False))
    assert len(set(np.round(logits, 6))) == 3  # the projection term depends on the label


def test_hierarchical_z_chunks_drive_their_own_block():
    g = tiny()
    z = sample_latents(1, 12, seed=0)
    first, conds = g.block_inputs(tf.constant(z), tf.constant([1]))
    assert first.shape == (1, 4) and [c.shape for c in conds] == [(1, 10), (1, 10)]
    shared = np.asarray(g.shared(tf.constant([1])))
    np.testing.assert_allclose(np.asarray(conds[0]), np.concatenate([shared, z[:, 4:8]], -1))
    np.testing.assert_allclose(np.asarray(conds[1]), np.concatenate([shared, z[:, 8:12]], -1))
    z2 = z.copy()
    z2[:, 8:] += 1.0  # only the last block's chunk changes
    a = np.asarray(g(z, labels=np.array([1], np.int32), training=False))
    b = np.asarray(g(z2, labels=np.array([1], np.int32), training=False))
    assert not np.allclose(a, b)


def test_hierarchical_latent_dim_must_split_evenly():
    with pytest.raises(ValueError, match="divisible by num_blocks"):
        BigGANGenerator(**{**TINY_G, "latent_dim": 13})


def test_orthogonal_kernels_skip_the_shared_embedding():
    g = tiny()
    kernels = g.orthogonal_kernels()
    assert all(len(v.shape) >= 2 for v in kernels)
    assert not any(v is g.shared.embeddings for v in kernels)
    assert len(kernels) > 10


def test_truncation_bounds_the_latent_and_changes_samples():
    z = sample_latents(500, 12, seed=0, truncation=0.5)
    assert np.abs(z).max() <= 0.5
    g = tiny()
    a = g.sample(4, seed=0, labels=[0, 1, 2, 0], truncation=0.5)
    b = g.sample(4, seed=0, labels=[0, 1, 2, 0], truncation=0.5)
    c = g.sample(4, seed=0, labels=[0, 1, 2, 0])
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    with pytest.raises(ValueError, match="truncation must be > 0"):
        g.sample(2, seed=0, labels=0, truncation=0.0)
    with pytest.raises(ValueError, match=r"truncation must be >= 0.01 \(the truncation trick redraws"):
        g.sample(2, seed=0, labels=0, truncation=1e-9)  # would redraw each value ~1e9 times
    assert np.abs(sample_latents(64, 8, seed=0, truncation=0.01)).max() <= 0.01


def test_bad_labels_get_clear_errors():
    g = tiny()
    with pytest.raises(ValueError, match=r"labels must be in \[0, 2\]"):
        g.sample(2, seed=0, labels=[0, 3])
    with pytest.raises(ValueError, match="labels must have shape"):
        g.sample(3, seed=0, labels=[0, 1])
    with pytest.raises(ValueError, match="class-conditional"):
        g.sample(2, seed=0)
    z = sample_latents(2, 12)
    with pytest.raises(ValueError, match=r"labels must be in \[0, 2\]"):
        g(z, labels=np.array([0, 5], np.int32))
    with pytest.raises(ValueError, match=r"labels of shape \(2,\)"):
        g(z, labels=np.array([0, 1, 2], np.int32))
    d = BigGANDiscriminator(**TINY_D)
    x = np.zeros((2, 16, 16, 1), np.float32)
    with pytest.raises(ValueError, match=r"labels must be in \[0, 2\]"):
        d(x, labels=np.array([-1, 0], np.int32))
    with pytest.raises(ValueError, match="labels of shape"):
        d(x)
    with pytest.raises(ValueError, match="expects images of shape"):
        d(np.zeros((2, 8, 8, 1), np.float32), labels=np.array([0, 1], np.int32))


def test_attention_resolution_must_exist():
    with pytest.raises(ValueError, match="attention_resolutions"):
        BigGANGenerator(**{**TINY_G, "attention_resolutions": [12]})
    with pytest.raises(ValueError, match="attention_resolutions"):
        BigGANDiscriminator(**{**TINY_D, "attention_resolutions": [32]})


def test_labels_work_inside_tf_function():
    g = tiny()

    @tf.function
    def run(z, labels):
        return g(z, labels=labels, training=False)

    out = run(tf.constant(sample_latents(2, 12)), tf.constant([0, 2]))
    assert out.shape == (2, 16, 16, 1)
