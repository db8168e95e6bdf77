"""TGANv2: preset sizes against the official configuration, the ConvLSTM against NumPy, the levels' shapes and
subsampling, the real clips' levels, the discriminators' pooling, sampling and the Keras round trips."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as tf

from tests.models.gan_family_test import assert_keras_round_trip, model_inputs
from zoo.layers.conv_lstm import ConvLSTMCell
from zoo.layers.video_blocks import pool_video
from zoo.models import build_from_preset
from zoo.models.tganv2 import PRESETS, TGANv2Discriminator, TGANv2Generator
from zoo.models.tganv2.tganv2_levels import real_levels


def count(model) -> int:
    return sum(int(np.prod(v.shape)) for v in model.trainable_variables)


def tiny_g(**changes) -> TGANv2Generator:
    config = {"latent_dim": 8, "frames": 8, "base_size": 2, "clstm_channels": 4, "channels": [4, 4, 4],
              "levels": 3, "image_channels": 1, **changes}
    return TGANv2Generator(**config).build_for_inputs()


def conv(k, c_in, c_out, bias=True, dims=2):
    return k ** dims * c_in * c_out + (c_out if bias else 0)


def official_generator(z_dim, t_size, clstm_ch, block_channels, levels, out_channels):
    """Parameters of the official `MultiTGANCLSTMGenerator` (Chainer links; BN running averages excluded):
    fc z -> t*t*clstm_ch; ConvLSTM w_xifoc 3x3 (bias) + w_hifoc 3x3 (no bias); GenBlock(in, out) = BN(in) +
    conv3x3(in -> out) + BN(out) + conv3x3(out -> out) + 1x1 shortcut (up-blocks always have one); one head per
    level = BN + conv3x3 -> out_channels, on the outputs of the last `levels` blocks."""
    total = z_dim * t_size * t_size * clstm_ch + t_size * t_size * clstm_ch
    total += conv(3, clstm_ch, 4 * clstm_ch) + conv(3, clstm_ch, 4 * clstm_ch, bias=False)
    widths = [clstm_ch, *block_channels]
    for c_in, c_out in zip(widths, widths[1:]):
        total += 2 * c_in + conv(3, c_in, c_out) + 2 * c_out + conv(3, c_out, c_out) + conv(1, c_in, c_out)
    for c in block_channels[-levels:]:
        total += 2 * c + conv(3, c, out_channels)
    return total


def official_level_discriminator(in_channels, block_channels):
    """Parameters of the official `ResNetVideoDiscriminator`: OptimizedDisBlock(in, c0) = conv3d 3 (in -> c0),
    conv3d 3 (c0 -> c0), 1x1x1 shortcut; DisBlock(in, out) = conv3d 3 (in -> in: hidden = input width),
    conv3d 3 (in -> out), 1x1x1 shortcut; linear (c_last -> 1)."""
    c0 = block_channels[0]
    total = conv(3, in_channels, c0, dims=3) + conv(3, c0, c0, dims=3) + conv(1, in_channels, c0, dims=3)
    for c_in, c_out in zip(block_channels, block_channels[1:]):
        total += conv(3, c_in, c_in, dims=3) + conv(3, c_in, c_out, dims=3) + conv(1, c_in, c_out, dims=3)
    return total + block_channels[-1] + 1


def test_paper_preset_parameter_counts_follow_the_official_ucf101_configuration():
    """From pfnet-research/tgan2 `conf/tgan-v41-ucf101.yml` (z_slow_dim 256, t_size 3, clstm_ch 1024, n_layers 1,
    ch 32 -> GenBlocks 1024->512->256->128->64->32->32, 4 levels; D mid_ch 64 -> 64, 128, 256, 512, 1024, 4
    levels) and the layer shapes of `MultiTGANCLSTMGenerator` / `ResNetVideoDiscriminator`: G = fc 2,368,512 +
    ConvLSTM 75,501,568 + blocks 10,154,944 + heads 7,436 = 88,032,460; each level's D = 29,019,265 (x 4 =
    116,077,060). No published print of these counts was found; they are computed from the official shapes.
    The preset's own count (a built model) is checked in `make test-slow`."""
    spec = PRESETS["tganv2_ucf101_192"]
    g, d = spec["generator"], spec["discriminator"]
    g_count = official_generator(g["latent_dim"], g["base_size"], g["clstm_channels"], g["channels"], g["levels"],
                                 g["image_channels"])
    d_count = d["levels"] * official_level_discriminator(3, d["channels"])
    assert (g_count, d_count) == (88_032_460, 116_077_060)
    assert official_level_discriminator(3, d["channels"]) == 29_019_265


@pytest.mark.slow(reason="builds the 88M + 116M parameter paper preset (~15-30 s); the count formula is checked "
                         "against a built model in the fast suite")
def test_paper_preset_builds_with_the_official_count():
    g, d = build_from_preset("tganv2", "tganv2_ucf101_192")
    g.build_for_inputs()
    d.build_for_inputs(g.discriminator_shapes)
    assert g.image_shape == (16, 192, 192, 3)
    assert g.level_shapes() == [(16, 24, 24, 3), (8, 48, 48, 3), (4, 96, 96, 3), (2, 192, 192, 3)]
    assert count(g) == 88_032_460
    assert [count(d.level(k)) for k in range(4)] == [29_019_265] * 4


def test_cpu_preset_size_equals_the_official_count_formula():
    """The recipe's "G 1.9M / D 1.4M": the formulas above at the CPU preset's widths, and a built model."""
    g, d = build_from_preset("tganv2", "tganv2_64_small")
    g.build_for_inputs()
    d.build_for_inputs(g.discriminator_shapes)
    assert g.level_shapes() == [(16, 16, 16, 1), (8, 32, 32, 1), (4, 64, 64, 1)]
    assert count(g) == official_generator(128, 4, 128, [128, 64, 32, 16], 3, 1) == 1_914_691
    assert count(d) == 3 * official_level_discriminator(1, [16, 32, 64, 128]) == 1_362_915


def test_conv_lstm_cell_against_numpy():
    rng = np.random.default_rng(0)
    cell = ConvLSTMCell(3, kernel_size=1)
    x = rng.standard_normal((2, 4, 4, 5)).astype(np.float32)
    h0 = rng.standard_normal((2, 4, 4, 3)).astype(np.float32)
    c0 = rng.standard_normal((2, 4, 4, 3)).astype(np.float32)
    h, (h_out, c) = cell(x, (h0, c0))
    wx, bx = (v.numpy() for v in cell.conv_x.weights)
    (wh,) = (v.numpy() for v in cell.conv_h.weights)
    gates = x @ wx[0, 0] + bx + h0 @ wh[0, 0]
    i, f, o, g = np.split(gates, 4, axis=-1)
    sig = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
    c_ref = sig(f) * c0 + sig(i) * np.tanh(g)
    np.testing.assert_allclose(c, c_ref, atol=1e-5)
    np.testing.assert_allclose(h, sig(o) * np.tanh(c_ref), atol=1e-5)
    np.testing.assert_array_equal(h, h_out)


def test_pool_video_halves_every_axis_and_pads_odd_axes_in_front_like_chainer():
    x = np.arange(3 * 4 * 2, dtype=np.float32).reshape(1, 3, 4, 2, 1)
    out = np.asarray(pool_video(x))
    # T = 3 (odd): windows (pad 0, t0), (t1, t2), each / 2; H = 4: (h0, h1), (h2, h3); W = 2: (w0, w1)
    padded = np.concatenate([np.zeros((1, 1, 4, 2, 1), np.float32), x], axis=1)
    ref = padded.reshape(1, 2, 2, 2, 2, 1, 2, 1).mean(axis=(2, 4, 6))
    assert out.shape == (1, 2, 2, 1, 1)
    np.testing.assert_allclose(out, ref)
    np.testing.assert_allclose(pool_video(x, pool_time=False), x.reshape(1, 3, 2, 2, 1, 2, 1).mean(axis=(3, 5)))


def test_levels_forward_subsamples_frames_from_the_offset_and_halves_the_batch():
    g = tiny_g()
    z = np.random.default_rng(0).uniform(-1, 1, (4, 8)).astype(np.float32)
    outs = g.levels_forward(z, tf.constant([1, 0]), training=False)
    assert [tuple(o.shape) for o in outs] == [(4, 8, 4, 4, 1), (2, 4, 8, 8, 1), (1, 2, 16, 16, 1)]
    assert [g.level_batch(4, k) for k in range(3)] == [4, 2, 1]
    # the subsampling layer keeps frames 1, 3, 5, 7 of clips 0, 2: the same features as the dense pass
    h = np.arange(4 * 8 * 2, dtype=np.float32).reshape(4 * 8, 1, 1, 2)
    sub, n, frames = g.subsample(h, 4, 8, 1)
    expect = h.reshape(4, 8, 1, 1, 2)[::2, 1::2].reshape(-1, 1, 1, 2)
    np.testing.assert_array_equal(sub, expect)
    assert (int(n), frames) == (2, 4)
    # inference: all frames through every block, the last level's head
    assert g(z).shape == (4, 8, 16, 16, 1)


def test_level_one_renders_the_dense_pass_on_all_frames():
    g = tiny_g()
    z = np.random.default_rng(1).uniform(-1, 1, (2, 8)).astype(np.float32)
    first = g.levels_forward(z, tf.constant([0, 0]), training=False)[0]
    h = g.latent_frames(z)
    for block in g.blocks[:g.level_ends[0]]:
        h = block(h, training=False)
    np.testing.assert_allclose(first, g.head(0, h, 2, 8, training=False), atol=1e-6)


def test_real_levels_subsample_per_clip_then_pool():
    rng = np.random.default_rng(0)
    video = rng.uniform(-1, 1, (4, 8, 8, 8, 1)).astype(np.float32)
    offsets = np.array([[0, 1], [1, 0], [1, 1], [0, 0]], np.int32)
    out = real_levels(tf.constant(video), tf.constant(offsets), [(8, 2, 2, 1), (4, 4, 4, 1), (2, 8, 8, 1)])
    assert [tuple(o.shape) for o in out] == [(4, 8, 2, 2, 1), (2, 4, 4, 4, 1), (1, 2, 8, 8, 1)]
    np.testing.assert_allclose(out[0], video.reshape(4, 8, 2, 4, 2, 4, 1).mean(axis=(3, 5)), atol=1e-6)
    level1 = np.stack([video[i, offsets[i, 0]::2] for i in range(4)])
    np.testing.assert_allclose(out[1], level1[::2].reshape(2, 4, 4, 2, 4, 2, 1).mean(axis=(3, 5)), atol=1e-6)
    level2 = np.stack([level1[i, offsets[i, 1]::2] for i in range(4)])
    np.testing.assert_allclose(out[2], level2[::4], atol=1e-6)


def test_sample_is_uint8_nthwc_uniform_z_and_deterministic():
    g = tiny_g()
    a, b, c = g.sample(3, seed=1), g.sample(3, seed=1), g.sample(3, seed=2)
    assert a.dtype == np.uint8 and a.shape == (3, 8, 16, 16, 1)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)
    z = g.latents(1000, seed=0)
    assert z.min() >= -1 and z.max() <= 1 and abs(z.mean()) < 0.05
    with pytest.raises(ValueError, match="no truncation"):
        g.sample(2, truncation=0.5)


def test_bad_configs_and_inputs_are_refused():
    with pytest.raises(ValueError, match="divisible by 2\\^\\(levels - 1\\)"):
        TGANv2Generator(frames=6, channels=[4, 4, 4], levels=3)
    with pytest.raises(ValueError, match="levels must be in"):
        TGANv2Generator(channels=[4, 4], levels=3)
    with pytest.raises(ValueError, match="unconditional"):
        TGANv2Generator(num_classes=10)
    g = tiny_g()
    d = TGANv2Discriminator(levels=3, channels=[4, 4]).build_for_inputs(g.discriminator_shapes)
    with pytest.raises(ValueError, match="list of 3 clip batches"):
        d(np.zeros((1, 8, 16, 16, 1), np.float32))
    with pytest.raises(ValueError, match="expects z of shape"):
        g(np.zeros((2, 9), np.float32))


def test_discriminator_gives_one_logit_per_clip_per_level_and_round_trips(tmp_path):
    g = tiny_g()
    d = TGANv2Discriminator(levels=3, channels=[4, 4]).build_for_inputs(g.discriminator_shapes)
    inputs = model_inputs(d, n=2, image_shape=g.discriminator_shapes)
    assert [tuple(y.shape) for y in d(**inputs)] == [(2,), (2,), (2,)]
    assert_keras_round_trip(d, inputs, tmp_path)
    assert_keras_round_trip(g, model_inputs(g), tmp_path)


def test_presets_name_their_levels():
    for preset in PRESETS.values():
        assert preset["generator"]["levels"] == preset["discriminator"]["levels"]
