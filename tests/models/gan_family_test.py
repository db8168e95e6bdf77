"""`run_gan_family_test`: the one check every GAN family passes at a tiny size (keras-hub style)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from zoo.models.serialization import load_model_files, save_model_files


def run_gan_family_test(g_cls, d_cls, g_config: dict, d_config: dict, tmp_path):
    g = g_cls(**g_config)
    d = d_cls(**d_config)
    g.build_for_inputs()
    n = 3
    labels = np.arange(n, dtype=np.int32) % max(g.num_classes, 1) if g.num_classes else None

    # config JSON round trip
    for model in (g, d):
        config = json.loads(json.dumps(model.get_config()))
        clone = type(model).from_config(config)
        assert clone.get_config() == model.get_config()

    # eager call: shapes and range
    z = np.random.default_rng(0).standard_normal((n, g.latent_dim)).astype(np.float32)
    images = np.asarray(g(z, labels=labels, training=False))
    assert images.shape == (n, *g.image_shape)
    assert images.min() >= -1.0 and images.max() <= 1.0
    logits = np.asarray(d(images, labels=labels, training=False))
    assert logits.shape == (n,)
    assert np.isfinite(logits).all()

    # training-mode call works too
    np.asarray(g(z, labels=labels, training=True))
    np.asarray(d(images, labels=labels, training=True))

    # sample(): uint8, deterministic per seed
    a = g.sample(n, seed=1, labels=labels)
    b = g.sample(n, seed=1, labels=labels)
    c = g.sample(n, seed=2, labels=labels)
    assert a.dtype == np.uint8 and a.shape == (n, *g.image_shape)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)

    # save / load identity (the training calls above moved BN statistics: take fresh references)
    images = np.asarray(g(z, labels=labels, training=False))
    logits = np.asarray(d(images, labels=labels, training=False))
    save_model_files(str(tmp_path), g, d)
    g2 = load_model_files(str(tmp_path), "generator")
    d2 = load_model_files(str(tmp_path), "discriminator")
    np.testing.assert_array_equal(np.asarray(g2(z, labels=labels, training=False)), images)
    np.testing.assert_array_equal(np.asarray(d2(images, labels=labels, training=False)), logits)

    # bad input gets a clear error
    with pytest.raises(ValueError, match="z of shape"):
        g(np.zeros((2, g.latent_dim + 1), np.float32), labels=labels if labels is None else labels[:2])
    return g, d
