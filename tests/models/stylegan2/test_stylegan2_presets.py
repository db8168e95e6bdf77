"""Trainable-parameter counts of the StyleGAN2 presets against the official code, with the source of every figure.

Counted as the official code counts them: trainable parameters only (stylegan2-ada-pytorch
`print_module_summary` "Parameters"; stylegan2 `print_layers` sums the trainables), so the constant noise
images and w_avg (buffers / non-trainable variables there, non-trainable weights here) are excluded, the
per-layer noise strengths included.

The models are built under a Keras stateless scope that defers initialization (`shapes_only`): the 1024x1024
presets get their ~60M weights' shapes without allocating or drawing them, and without a forward pass (the
discriminator's lazily built layers are built from their input shapes, `build_discriminator_from_shapes`,
checked against a forward pass at a small size).
"""

from __future__ import annotations

import contextlib

import keras
import numpy as np
import pytest

from zoo.models import build_from_preset
from zoo.models.stylegan2 import PRESETS, StyleGAN2Discriminator, StyleGAN2Generator


@contextlib.contextmanager
def shapes_only():
    """Variables created inside get shapes but no values (Keras's deferred initialization in a StatelessScope
    without initialization on exit); on leaving they are dropped from Keras's list of variables still to
    initialize, so no later stateless scope of the session draws them."""
    from keras.src.backend.common import global_state

    pending = list(global_state.get_global_attribute("uninitialized_variables", None) or [])
    try:
        with keras.StatelessScope(initialize_variables=False):
            yield
    finally:
        global_state.set_global_attribute("uninitialized_variables", pending)


def count(model) -> int:
    return sum(int(np.prod(v.shape)) for v in model.trainable_weights)


def channels(resolution, channel_base, channel_max):
    return min(channel_base // resolution, channel_max)


def build_discriminator_from_shapes(d):
    """Build every lazily built layer of `d` from the input shape it gets in `features` / `head`."""
    ch = {r: channels(r, d.channel_base, d.channel_max) for r in (2 ** i for i in range(2, 11))}
    r = d.resolution
    d.fromrgb.build((None, r, r, d.image_channels))
    for block in d.block_layers:
        for layer in block:
            layer.build((None, r, r, ch[r]))
        r //= 2
    d.epilogue_conv.build((None, 4, 4, ch[4] + d.mbstd_num_channels))
    d.fc.build((None, 16 * ch[4]))
    d.out.build((None, ch[4]))
    return d


# --- the official layer shapes (stylegan2-ada-pytorch training/networks.py; the same shapes as stylegan2's
# training/networks_stylegan2.py G_main / D_stylegan2), written out independently of the zoo model code ----

def fc(n_in, n_out):
    """FullyConnectedLayer: weight [out, in] + bias [out]."""
    return n_in * n_out + n_out


def conv(k, n_in, n_out, bias=True):
    """Conv2dLayer: weight [out, in, k, k] (+ bias [out])."""
    return k * k * n_in * n_out + (n_out if bias else 0)


def official_generator(resolution, channel_base, channel_max=512, z_dim=512, w_dim=512, c_dim=0, map_layers=8,
                       img_channels=3):
    """Generator(mapping_kwargs.num_layers=map_layers): MappingNetwork (embed c -> w_dim when c_dim, fc0 of
    z_dim + w_dim inputs, fc1.. of w_dim) + SynthesisNetwork (architecture 'skip'): b4 const [C, 4, 4], conv1,
    torgb; b8.. conv0 (up), conv1, torgb. SynthesisLayer = affine fc(w_dim, in) + weight [out, in, 3, 3] +
    noise_strength [] + bias [out] (noise_const is a buffer); ToRGBLayer = affine + weight [3, in, 1, 1] + bias."""
    ch = {r: channels(r, channel_base, channel_max) for r in (2 ** i for i in range(2, 11))}
    mapping = (fc(c_dim, w_dim) if c_dim else 0) + fc(z_dim + (w_dim if c_dim else 0), w_dim) \
        + (map_layers - 1) * fc(w_dim, w_dim)

    def layer(n_in, n_out):
        return fc(w_dim, n_in) + conv(3, n_in, n_out) + 1

    def torgb(n_in):
        return fc(w_dim, n_in) + conv(1, n_in, img_channels)

    synthesis = ch[4] * 4 * 4 + layer(ch[4], ch[4]) + torgb(ch[4])
    r = 8
    while r <= resolution:
        synthesis += layer(ch[r // 2], ch[r]) + layer(ch[r], ch[r]) + torgb(ch[r])
        r *= 2
    return mapping + synthesis


def official_discriminator(resolution, channel_base, channel_max=512, architecture="resnet", c_dim=0,
                           map_layers=8, img_channels=3, mbstd_num_channels=1):
    """Discriminator: b{res}.fromrgb 1x1; per block conv0 3x3 (C_r -> C_r), conv1 3x3 down (C_r -> C_r/2),
    'resnet': skip 1x1 down without bias; b4 epilogue: conv 3x3 (C_4 + mbstd -> C_4), fc (16 C_4 -> C_4), out
    (C_4 -> 1, or cmap_dim = C_4 when conditional); conditional: MappingNetwork(z_dim=0, c_dim, w_dim=cmap_dim)
    = embed fc(c_dim, cmap) + map_layers x fc(cmap, cmap)."""
    ch = {r: channels(r, channel_base, channel_max) for r in (2 ** i for i in range(2, 11))}
    total = conv(1, img_channels, ch[resolution])
    r = resolution
    while r > 4:
        total += conv(3, ch[r], ch[r]) + conv(3, ch[r], ch[r // 2])
        total += conv(1, ch[r], ch[r // 2], bias=False) if architecture == "resnet" else 0
        r //= 2
    cmap = ch[4] if c_dim else 0
    total += conv(3, ch[4] + mbstd_num_channels, ch[4]) + fc(16 * ch[4], ch[4]) + fc(ch[4], cmap or 1)
    if c_dim:
        total += fc(c_dim, cmap) + map_layers * fc(cmap, cmap)
    return total


def preset_counts(preset, **overrides):
    with shapes_only():
        g, d = build_from_preset("stylegan2", preset, **overrides)
        return count(g), count(build_discriminator_from_shapes(d))


def test_config_f_1024_matches_the_official_count():
    """Config F at 1024x1024 (Karras et al., CVPR 2020, Table 1; stylegan2 run_training.py config-f:
    fmap_base 16 << 10, i.e. channel_base 32768; 8 mapping layers; residual D).

    Published figures: a stylegan2-ada-pytorch training log at 1024x1024 with the same widths
    (`print_module_summary`, `--cfg=auto` at 1024: fmaps=1, map=2; quoted in a public README) prints
    "Total 28794124" for G and "Total 29012513" for D. That G has 2 mapping layers; config F has 8, i.e.
    6 more fc(512, 512) of 262,656: 28,794,124 + 6 x 262,656 = 30,370,060 (the per-layer rows of that log,
    e.g. synthesis.b4.conv1 2622465, synthesis.b1024.torgb 16515, b4.conv 2364416, b4.fc 4194816, are the
    shapes of `official_generator` / `official_discriminator`). The D rows of the TF code's `D.print_layers()`
    for config F (1024x1024/FromRGB 128, Conv0 9248, Conv1_down 18496, Skip 2048, ...) are quoted in
    lucidrains/stylegan2-pytorch issues #81 and #124."""
    assert official_generator(1024, 32768, map_layers=2) == 28_794_124
    assert official_generator(1024, 32768) == 30_370_060
    assert official_discriminator(1024, 32768) == 29_012_513
    assert preset_counts("stylegan2_f_1024") == (30_370_060, 29_012_513)


def test_stylegan2_ada_cifar10_matches_the_official_layer_shapes():
    """stylegan2-ada-pytorch train.py `--cfg=cifar --cond=1` on CIFAR-10 (10 classes, 32x32): cfg_specs['cifar']
    = map=2, mbstd=32, fmaps=1 (channel_base 32768: 512 maps at every resolution up to 32), D architecture
    'orig' (no residual skips); the D's class mapping gets no mapping_kwargs, so it is a MappingNetwork with
    its default num_layers=8.

    No published print of these counts was found, so the figures are computed from the official layer shapes
    (training/networks.py, written out in `official_generator` / `official_discriminator` above):
    G = mapping 793,088 (embed 5,632, fc0 1024 -> 512 524,800, fc1 262,656) + synthesis 19,422,227 =
    20,215,315; D = blocks 14,160,896 + epilogue 6,821,888 + class mapping 2,106,880 = 23,089,664.

    The TF stylegan2-ada (the paper's code; its cifar config has fmaps=0.5, i.e. fmap_base 8192, which is also
    512 maps at every resolution up to 32) has the same G, but its D_main embeds the class with no extra
    mapping layers (mapping_layers=0 default; stylegan2-ada-pytorch legacy.py converts the published TF
    cifar10.pkl with num_layers=0): D = 23,089,664 - 8 x 262,656 = 20,988,416, the preset with
    discriminator mapping_layers=0."""
    spec = PRESETS["stylegan2_ada_cifar10"]
    assert spec["generator"]["mapping_layers"] == 2 and spec["discriminator"]["mbstd_group_size"] == 32
    assert spec["discriminator"]["architecture"] == "orig" and spec["discriminator"]["mapping_layers"] == 8
    g_count = official_generator(32, 32768, c_dim=10, map_layers=2)
    d_count = official_discriminator(32, 32768, architecture="orig", c_dim=10, map_layers=8)
    assert (g_count, d_count) == (20_215_315, 23_089_664)
    assert official_generator(32, 16384, c_dim=10, map_layers=2) == g_count  # TF fmaps=0.5: the same widths
    assert preset_counts("stylegan2_ada_cifar10") == (20_215_315, 23_089_664)
    tf_d = official_discriminator(32, 16384, architecture="orig", c_dim=10, map_layers=0)
    assert tf_d == 20_988_416
    assert preset_counts("stylegan2_ada_cifar10", discriminator={"mapping_layers": 0})[1] == tf_d


def test_cpu_preset_count():
    """stylegan2_64_small (the emoji recipe's "1.4M / 2.3M parameters in G / D"): config F's layout with
    channel_base 1024, channel_max 256, z = w = 128, 2 mapping layers, residual D."""
    g_count, d_count = preset_counts("stylegan2_64_small")
    assert g_count == official_generator(64, 1024, 256, z_dim=128, w_dim=128, map_layers=2) == 1_406_600
    assert d_count == official_discriminator(64, 1024, 256) == 2_273_297


@pytest.mark.parametrize("architecture,num_classes", [("resnet", 0), ("orig", 3)])
def test_counting_from_shapes_equals_a_forward_pass(architecture, num_classes):
    """`shapes_only` + `build_discriminator_from_shapes` create the same weights as a real forward pass (at
    32x32, 64 -> 16 maps), and the generator has all its weights before its first call."""
    g_config = dict(resolution=32, channel_base=512, channel_max=64, latent_dim=32, w_dim=32, mapping_layers=2,
                    num_classes=num_classes)
    d_config = dict(resolution=32, channel_base=512, channel_max=64, architecture=architecture,
                    num_classes=num_classes, mapping_layers=2)
    with shapes_only():
        g_shapes = StyleGAN2Generator(**g_config)
        d_shapes = build_discriminator_from_shapes(StyleGAN2Discriminator(**d_config))
        shapes = [[tuple(v.shape) for v in m.weights] for m in (g_shapes, d_shapes)]
    g = StyleGAN2Generator(**g_config)
    before = count(g)
    g.build_for_inputs()
    d = StyleGAN2Discriminator(**d_config).build_for_inputs(g.image_shape)
    assert before == count(g) == official_generator(32, 512, 64, z_dim=32, w_dim=32, c_dim=num_classes,
                                                     map_layers=2)
    assert count(d) == official_discriminator(32, 512, 64, architecture, c_dim=num_classes, map_layers=2)
    assert shapes == [[tuple(v.shape) for v in m.weights] for m in (g, d)]
