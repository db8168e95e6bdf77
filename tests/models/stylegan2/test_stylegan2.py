"""StyleGAN2 family: the shared family checks at 16x16, w-space truncation (psi, cutoff), per-layer noise,
the minibatch standard deviation against NumPy, style mixing, stem / render, and `sample` with truncation.
Parameter counts of the paper presets: `test_stylegan2_presets.py`."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from tests.models.gan_family_test import run_gan_family_test
from zoo.layers.minibatch_std import MinibatchStdDev
from zoo.models.stylegan2 import StyleGAN2Discriminator, StyleGAN2Generator, smoke_overrides

TINY = smoke_overrides(8)  # 8 maps at every resolution, z = w = 16, 1 mapping layer
TINY_G = {**TINY["generator"], "resolution": 16, "image_channels": 3}
TINY_D = {**TINY["discriminator"], "resolution": 16, "image_channels": 3}


def generator(**overrides):
    return StyleGAN2Generator(**{**TINY_G, **overrides}).build_for_inputs()


def latents(n, dim=16, seed=0):
    return np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)


def set_noise_strength(g, value):
    for layer in g.conv_layers:
        layer.noise_strength.assign(value)


def test_family_unconditional_resnet(tmp_path):
    """Config F's layout (skip G, residual D, minibatch std group 4) through the shared family checks."""
    g, d = run_gan_family_test(StyleGAN2Generator, StyleGAN2Discriminator, TINY_G,
                               {**TINY_D, "architecture": "resnet", "mbstd_group_size": 4}, tmp_path)
    assert g.image_shape == (16, 16, 3)
    assert g.num_ws == 6 and len(g.conv_layers) == 5 and len(g.torgb_layers) == 3
    assert [len(block) for block in d.block_layers] == [3, 3]  # 16 -> 8 -> 4, each with its skip


def test_family_conditional_orig_with_projection(tmp_path):
    """stylegan2-ada's CIFAR layout (orig D, group 32, class mapping + projection) with 3 classes."""
    g, d = run_gan_family_test(
        StyleGAN2Generator, StyleGAN2Discriminator, {**TINY_G, "num_classes": 3, "image_channels": 1},
        {**TINY_D, "num_classes": 3, "image_channels": 1, "architecture": "orig", "mbstd_group_size": 32,
         "mapping_layers": 2}, tmp_path)
    assert [len(block) for block in d.block_layers] == [2, 2]  # no skips
    assert d.cmap_dim == 8 and len(d.class_mapping.fcs) == 2
    # the projection: the same image scores differently per class; head(features) == call
    x = np.repeat(np.asarray(g(latents(1), labels=np.array([0], np.int32), training=False)), 3, axis=0)
    labels = np.array([0, 1, 2], np.int32)
    logits = np.asarray(d(x, labels=labels))
    assert len(set(np.round(logits, 6))) == 3
    np.testing.assert_allclose(np.asarray(d.head(d.features(x, labels), labels)), logits, rtol=1e-6)
    with pytest.raises(ValueError, match="labels"):
        d(x)


def test_truncation_psi_zero_gives_the_image_of_w_avg():
    """psi = 0 maps every z to w_avg (set to a nonzero vector): all images equal synthesis(w_avg), and psi = 0.5
    is halfway: w_avg + 0.5 (w - w_avg)."""
    g = generator()
    g.mapping.w_avg.assign(np.linspace(-1.0, 1.0, 16).astype(np.float32))
    z = latents(3)
    images = np.asarray(g(z, truncation=0.0, training=True))
    expected = np.asarray(g.synthesis(np.tile(g.mapping.w_avg.numpy(), (1, g.num_ws, 1))))
    for image in images:
        np.testing.assert_allclose(image, expected[0], atol=1e-5)
    ws = np.asarray(g.mapping(z))
    half = np.asarray(g.mapping(z, truncation=0.5))
    np.testing.assert_allclose(half, g.mapping.w_avg.numpy() + 0.5 * (ws - g.mapping.w_avg.numpy()), atol=1e-6)


def test_truncation_cutoff_only_truncates_the_first_ws():
    """truncation_cutoff = 2: ws 0 and 1 move to w_avg, the others keep w; the images then still depend on z."""
    g = generator(truncation_cutoff=2)
    g.mapping.w_avg.assign(np.full((16,), 0.3, np.float32))
    z = latents(2, seed=1)
    ws = np.asarray(g.mapping(z))
    cut = np.asarray(g.mapping(z, truncation=0.0, cutoff=g.truncation_cutoff))
    np.testing.assert_allclose(cut[:, :2], 0.3, atol=1e-6)
    np.testing.assert_array_equal(cut[:, 2:], ws[:, 2:])
    images = np.asarray(g(z, truncation=0.0, training=True))
    assert not np.allclose(images[0], images[1])
    np.testing.assert_allclose(images, np.asarray(g.synthesis(cut)), atol=1e-6)


def test_noise_strength_zero_makes_the_noise_source_irrelevant():
    """With every noise strength 0 (their initial value), noise "const", "none" and a seed give the same images;
    with a nonzero strength they differ, and a seed is reproducible."""
    g = generator()
    z = latents(2, seed=2)
    seed = tf.constant([7, 1], tf.int64)
    const, none, seeded = (np.asarray(g(z, training=True, noise=n)) for n in ("const", "none", seed))
    np.testing.assert_array_equal(const, none)
    np.testing.assert_array_equal(seeded, none)
    set_noise_strength(g, 0.5)
    const, none, seeded = (np.asarray(g(z, training=True, noise=n)) for n in ("const", "none", seed))
    assert not np.allclose(const, none) and not np.allclose(seeded, none) and not np.allclose(seeded, const)
    np.testing.assert_array_equal(np.asarray(g(z, training=True, noise=seed)), seeded)
    assert not np.allclose(np.asarray(g(z, training=True, noise=tf.constant([7, 2], tf.int64))), seeded)


def minibatch_std_reference(x, group_size, num_channels):
    """NumPy: groups of G = min(group_size, N) samples, sample n in group n mod (N / G); per group and channel
    group (C / F consecutive channels) the population std over the group's samples (+1e-8 under the root),
    averaged over positions and channels, appended to every sample of the group as F channels."""
    n, h, w, c = x.shape
    g = min(group_size, n)
    groups = n // g
    out = np.zeros((n, h, w, num_channels))
    for m in range(groups):
        members = x[m::groups]  # samples m, m + N/G, ...
        std = np.sqrt(members.var(axis=0) + 1e-8)  # [H, W, C]
        for f in range(num_channels):
            out[m::groups, :, :, f] = std[:, :, f * c // num_channels:(f + 1) * c // num_channels].mean()
    return np.concatenate([x, out], axis=-1)


@pytest.mark.parametrize("batch,group_size,num_channels", [(6, 3, 1), (6, 2, 2), (4, 4, 2), (3, 8, 1)])
def test_minibatch_std_matches_numpy(batch, group_size, num_channels):
    """The hand-computed statistic for small batches and groups (group larger than the batch: one group)."""
    x = np.random.default_rng(batch + group_size).standard_normal((batch, 2, 3, 4)).astype(np.float32)
    layer = MinibatchStdDev(group_size, num_channels)
    np.testing.assert_allclose(np.asarray(layer(x)), minibatch_std_reference(x, group_size, num_channels),
                               atol=1e-6)
    assert layer.couples_samples


def test_minibatch_std_rejects_a_batch_not_divisible_by_the_group():
    """N = 5, G = 2: an error naming the group size; and channels not divisible by num_channels."""
    with pytest.raises(tf.errors.InvalidArgumentError, match="group_size=2"):
        MinibatchStdDev(2)(np.zeros((5, 2, 2, 4), np.float32))
    with pytest.raises(ValueError, match="num_channels=3"):
        MinibatchStdDev(2, 3)(np.zeros((4, 2, 2, 4), np.float32))
    assert not MinibatchStdDev(1).couples_samples


def test_mix_styles():
    """ws[:, :cutoff] from the first ws, the rest from the second; cutoff = num_ws keeps the first."""
    g = generator()
    a = np.zeros((2, g.num_ws, 16), np.float32)
    b = np.ones((2, g.num_ws, 16), np.float32)
    mixed = np.asarray(g.mix_styles(a, b, 2))
    np.testing.assert_array_equal(mixed[:, :2], 0.0)
    np.testing.assert_array_equal(mixed[:, 2:], 1.0)
    np.testing.assert_array_equal(np.asarray(g.mix_styles(a, b, g.num_ws)), a)
    np.testing.assert_array_equal(np.asarray(g.mix_styles(a, b, tf.constant(0))), b)


def test_stem_and_render_equal_call():
    """render(*stem(z)) == call(z, training=True) (noise "const"), and with the same noise seed; stem gives
    the broadcast ws."""
    g = generator(num_classes=2)
    set_noise_strength(g, 0.3)
    z, labels = latents(2, seed=3), np.array([0, 1], np.int32)
    ws, context = g.stem(z, labels)
    assert context is None and tuple(ws.shape) == (2, g.num_ws, 16)
    np.testing.assert_array_equal(np.asarray(ws[:, 0]), np.asarray(ws[:, -1]))
    np.testing.assert_allclose(np.asarray(g.render(ws, context)),
                               np.asarray(g(z, labels=labels, training=True)), atol=1e-6)
    seed = tf.constant([5, 9], tf.int64)
    np.testing.assert_allclose(np.asarray(g.render(ws, seed)),
                               np.asarray(g(z, labels=labels, training=True, noise=seed)), atol=1e-6)


def test_sample_with_truncation():
    """`sample(truncation=0.7)` truncates in w-space (plain z drawn, psi passed to call): uint8 images other
    than without truncation, the same for the same seed."""
    g = generator()
    g.mapping.w_avg.assign(np.full((16,), 0.2, np.float32))
    assert g.truncates_in_call
    np.testing.assert_array_equal(g.latents(3, seed=4, truncation=0.7), g.latents(3, seed=4))
    a = g.sample(3, seed=4, truncation=0.7)
    assert a.dtype == np.uint8 and a.shape == (3, 16, 16, 3)
    np.testing.assert_array_equal(g.sample(3, seed=4, truncation=0.7), a)
    assert not np.array_equal(g.sample(3, seed=4), a)
    assert not np.array_equal(g.sample(3, seed=5, truncation=0.7), a)


def test_modulation_modes_give_the_same_generator():
    """A generator with modulation="weights" and the same weights as "activations" gives the same images."""
    g = generator()
    set_noise_strength(g, 0.2)
    other = generator(modulation="weights")
    other.set_weights(g.get_weights())
    z = latents(2, seed=6)
    np.testing.assert_allclose(np.asarray(other(z, training=True)), np.asarray(g(z, training=True)), atol=1e-4)


def test_bad_sizes_are_rejected():
    with pytest.raises(ValueError, match="power of 2"):
        StyleGAN2Generator(**{**TINY_G, "resolution": 24})
    with pytest.raises(ValueError, match="power of 2"):
        StyleGAN2Discriminator(**{**TINY_D, "resolution": 4})
    with pytest.raises(ValueError, match="architecture"):
        StyleGAN2Discriminator(**{**TINY_D, "architecture": "skip"})
    with pytest.raises(ValueError, match="expects images"):
        StyleGAN2Discriminator(**TINY_D)(np.zeros((1, 8, 8, 3), np.float32))
