"""`run_gan_family_test`: the one check every GAN family passes at a tiny size (keras-hub style), and
`assert_keras_round_trip`: exact `.keras` / Keras-directory / config round trips of any zoo model."""

from __future__ import annotations

import json
import os

import keras
import numpy as np
import pytest

from zoo.models.serialization import load_model_files, save_model_files


def model_inputs(model, n: int = 2, image_shape=None, seed: int = 0) -> dict:
    """Fixed keyword inputs of a generator (z, labels) or a discriminator (images of `image_shape`, labels; a
    list of shapes, a multi-level discriminator's: one batch per shape)."""
    rng = np.random.default_rng(seed)
    labels = (np.arange(n) % model.num_classes).astype(np.int32) if model.num_classes else None
    if hasattr(model, "latent_dim"):
        first = {"z": rng.standard_normal((n, model.latent_dim)).astype(np.float32)}
    elif isinstance(image_shape, list):
        first = {"images": [rng.uniform(-1, 1, (n, *shape)).astype(np.float32) for shape in image_shape]}
    else:
        first = {"images": rng.uniform(-1, 1, (n, *image_shape)).astype(np.float32)}
    return {**first, "labels": labels}


def assert_same_weights(a, b):
    """Same weight paths (below the model's own name) and bit-identical values."""
    assert [v.path.split("/", 1)[-1] for v in a.weights] == [v.path.split("/", 1)[-1] for v in b.weights]
    for va, vb in zip(a.weights, b.weights):
        np.testing.assert_array_equal(va.numpy(), vb.numpy(), err_msg=va.path)


def assert_keras_round_trip(model, inputs: dict, tmp_path) -> None:
    """`model` (built) comes back exactly through `model.save(x.keras)`, through a Keras model directory
    (`keras.saving.save_model(zipped=False)`) and through `get_config` / `from_config` as JSON: same class,
    same config, identical weights and identical inference outputs on `inputs`."""
    expected = np.asarray(model(**inputs, training=False))
    path = os.path.join(str(tmp_path), f"{model.name}.keras")
    model.save(path)
    directory = os.path.join(str(tmp_path), f"{model.name}_dir")
    keras.saving.save_model(model, directory, zipped=False)
    for loaded in (keras.saving.load_model(path), keras.saving.load_model(directory)):
        assert type(loaded) is type(model) and loaded.get_config() == model.get_config()
        assert_same_weights(model, loaded)
        np.testing.assert_array_equal(np.asarray(loaded(**inputs, training=False)), expected)
    clone = type(model).from_config(json.loads(json.dumps(model.get_config())))
    assert clone.get_config() == model.get_config()


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
