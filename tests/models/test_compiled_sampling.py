"""Compiled `GANGenerator.sample` (`zoo.models.compiled_sampling`), for every family (the video generator and
the two-stage composite included) and every shipped model:

- one trace per (samples per pass, conditioning, truncation mode, standing statistics), none when only the seed or
  psi changes;
- the same pixels as before sampling was compiled: the eager `to_uint8(g(z))` of each pass of `batch_size`
  samples, with z = `g.latents(num, seed)` (under a truncation, with the batch-norm standing statistics of
  `zoo.models.standing_stats`); the shipped models' samples also fall on their golden slices.
"""

from __future__ import annotations

import copy
import os

import numpy as np
import pytest
import tensorflow as tf

from zoo.hub.load import load
from zoo.hub.publish import golden_labels, golden_window
from zoo.images import to_uint8
from zoo.models.biggan import BigGANGenerator
from zoo.models.compiled_sampling import exact_float_graphs, sampling_functions
from zoo.models.latent2s import CodeAutoencoder, LatentCodeGenerator
from zoo.models.sngan import SNGANGenerator
from zoo.models.standing_stats import standing_statistics
from zoo.models.stylegan2 import StyleGAN2Generator, smoke_overrides
from zoo.models.tganv2 import TGANv2Generator

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHIPPED = sorted(n for n in os.listdir(os.path.join(REPO, "weights_manifest")) if not n.startswith((".", "_")))


def tiny_composite():
    ae = CodeAutoencoder(resolution=16, image_channels=3, factor=4, code_channels=2, channels=8,
                         channel_mult=[1, 2, 2], groups=4).build_for_inputs()
    g = SNGANGenerator(latent_dim=8, channels=8, num_blocks=1, bottom_width=2, image_channels=2).build_for_inputs()
    return LatentCodeGenerator(code_generator=g, decoder=ae.decoder, code_mean=[0.5, -1.0], code_std=[2.0, 0.25],
                               code_scale=3.0).build_for_inputs()


TINY = {
    "sngan": lambda: SNGANGenerator(latent_dim=8, channels=8, num_blocks=2, bottom_width=2,
                                    image_channels=1).build_for_inputs(),
    "biggan": lambda: BigGANGenerator(latent_dim=12, num_classes=3, channels=4, channel_multipliers=[4, 4, 2],
                                      bottom_width=4, attention_resolutions=[8], shared_dim=8,
                                      image_channels=1).build_for_inputs(),
    "stylegan2": lambda: StyleGAN2Generator(**{**smoke_overrides(8)["generator"], "resolution": 16,
                                               "image_channels": 3}).build_for_inputs(),
    "tganv2": lambda: TGANv2Generator(latent_dim=8, frames=8, base_size=2, clstm_channels=4, channels=[4, 4, 4],
                                      levels=3, image_channels=1).build_for_inputs(),
    "latent2s": tiny_composite,
}


def eager_sample(g, num, seed=0, labels=None, truncation=None, batch_size=64):
    """`sample` as it was before it was compiled: eager passes of `batch_size`, then `to_uint8` (under a
    truncation, with the standing statistics of that truncation)."""
    z = g.latents(num, seed=seed, truncation=truncation)
    kwargs = {"truncation": truncation} if truncation is not None and g.truncates_in_call else {}
    with g.using_standing_stats(truncation):
        return to_uint8(np.concatenate([np.asarray(g(z[i:i + batch_size], training=False, **kwargs,
                                                     labels=None if labels is None else labels[i:i + batch_size]))
                                        for i in range(0, num, batch_size)]))


@pytest.mark.parametrize("family", sorted(TINY))
def test_sample_is_the_eager_sample_and_traces_once_per_key(family):
    tf.keras.utils.set_random_seed(0)
    g = TINY[family]()
    g.sample_chunk = 4  # 23 samples in passes of 10 (chunks of 4, 4, 2), 10 and 3
    num, batch = 23, 10
    labels = golden_labels(g, num)
    truncation = 0.7 if g.truncates_in_call or family == "biggan" else None
    for seed in (0, 1):
        got = g.sample(num, seed=seed, labels=labels, truncation=truncation, batch_size=batch)
        assert got.dtype == np.uint8 and got.shape == (num, *g.image_shape)
        np.testing.assert_array_equal(got, eager_sample(g, num, seed, labels, truncation, batch))
    psi = g.truncates_in_call  # psi is a graph input: another value, no new trace
    if psi:
        other = g.sample(num, seed=0, labels=labels, truncation=0.5, batch_size=batch)
        np.testing.assert_array_equal(other, eager_sample(g, num, 0, labels, 0.5, batch))
        assert not np.array_equal(other, g.sample(num, seed=0, labels=labels, truncation=0.7, batch_size=batch))
    conditional = labels is not None
    standing = len(standing_statistics(g).variables) if truncation is not None else 0  # BN families, truncated
    assert sampling_functions(g).tracing_counts() == {(10, conditional, psi, standing): 1,
                                                      (3, conditional, psi, standing): 1}


def test_untruncated_and_truncated_psi_are_two_keys():
    g = TINY["stylegan2"]()
    g.sample(3, seed=0)
    g.sample(3, seed=1, truncation=0.5)
    g.sample(3, seed=2, truncation=0.8)
    g.sample(3, seed=3)
    assert sampling_functions(g).tracing_counts() == {(3, False, False, 0): 1, (3, False, True, 0): 1}


def test_a_copied_or_saved_generator_samples_like_the_original(tmp_path):
    g = TINY["sngan"]()
    expected = g.sample(5, seed=3)
    twin = copy.deepcopy(g)
    np.testing.assert_array_equal(twin.sample(5, seed=3), expected)
    assert sampling_functions(twin) is not sampling_functions(g)
    g.save(str(tmp_path / "g.keras"))  # the compiled functions are not part of the saved model
    loaded = tf.keras.models.load_model(str(tmp_path / "g.keras"))
    np.testing.assert_array_equal(loaded.sample(5, seed=3), expected)


def test_exact_float_graphs_restores_the_call_options():
    from tensorflow.python.eager import context

    before = context.context().function_call_options.config_proto_serialized
    with exact_float_graphs():
        assert context.context().function_call_options.config_proto_serialized != before
    assert context.context().function_call_options.config_proto_serialized == before


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_sample_is_the_eager_sample_on_its_golden_slice(name, monkeypatch):
    monkeypatch.delenv("ZOO_WEIGHTS_DIR", raising=False)
    g = load(name)
    golden = g.manifest["golden"]
    num, seed, labels = golden["num"], golden["seed"], golden_labels(g, golden["num"])
    images = g.sample(num, seed=seed, labels=labels)
    np.testing.assert_array_equal(images, eager_sample(g, num, seed, labels))
    window = golden_window(images).astype(int)
    assert np.abs(window - to_uint8(np.asarray(golden["slice"], np.float32))).max() <= 1
