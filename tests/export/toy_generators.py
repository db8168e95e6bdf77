"""Tiny generators exercising what a published model decides: class labels, truncation inside `call`, its own
latents, video output; and a tiny StyleGAN2 (psi in w-space, style mixing)."""

from __future__ import annotations

import keras
import numpy as np
from keras import layers

from zoo.models import build_from_preset
from zoo.models.base import GANGenerator


def tiny_sngan():
    """An unconditional SNGAN (16 channels, 32x32x1) with random weights, built."""
    g, _ = build_from_preset("sngan", "sngan_32_small", generator={"channels": 16}, discriminator={"channels": 16})
    return g.build_for_inputs()


class ToyConditionalGenerator(GANGenerator):
    """Class-conditional 4x4x3 images whose `call` takes `truncation` (scales the embedded latent).

    Args:
        latent_dim: size of z.
        num_classes: number of classes.

    Example:
        >>> ToyConditionalGenerator().build_for_inputs().sample(2, labels=[0, 2])
    """

    def __init__(self, *, latent_dim=6, num_classes=3, **kwargs):
        super().__init__(latent_dim=latent_dim, num_classes=num_classes, **kwargs)
        self.embed = layers.Embedding(num_classes, latent_dim)
        self.dense = layers.Dense(4 * 4 * 3)

    @property
    def image_shape(self):
        return (4, 4, 3)

    def call(self, z, labels=None, training=None, truncation=None):
        self.check_inputs(z, labels)
        h = z + self.embed(labels)
        if truncation is not None:
            h = h * truncation
        return keras.ops.tanh(keras.ops.reshape(self.dense(h), (-1, 4, 4, 3)))


class ToyVideoGenerator(GANGenerator):
    """Unconditional video: z -> [N, T=3, 4, 4, 1]."""

    output_kind = "video"

    def __init__(self, *, latent_dim=5, **kwargs):
        super().__init__(latent_dim=latent_dim, **kwargs)
        self.dense = layers.Dense(3 * 4 * 4)

    @property
    def image_shape(self):
        return (3, 4, 4, 1)

    def call(self, z, labels=None, training=None):
        self.check_inputs(z, labels)
        return keras.ops.tanh(keras.ops.reshape(self.dense(z), (-1, 3, 4, 4, 1)))


class ToyOwnLatentsGenerator(GANGenerator):
    """Unconditional 4x4x1 images from its own latents: uniform z in [-truncation, truncation] (default 2), in
    NumPy for `sample` and in TF ops for the serving export."""

    def __init__(self, *, latent_dim=4, **kwargs):
        super().__init__(latent_dim=latent_dim, **kwargs)
        self.dense = layers.Dense(4 * 4)

    @property
    def image_shape(self):
        return (4, 4, 1)

    def latents(self, num, seed=0, truncation=None):
        bound = 2.0 if truncation is None else truncation
        return np.random.default_rng(seed).uniform(-bound, bound, (num, self.latent_dim)).astype(np.float32)

    def latents_tf(self, num, seed, truncation=None):
        import tensorflow as tf

        bound = 2.0 if truncation is None else truncation
        shape = tf.stack([num, tf.constant(self.latent_dim, tf.int32)])
        return tf.random.stateless_uniform(shape, seed=tf.stack([seed, tf.constant(0, tf.int64)]),
                                           minval=-bound, maxval=bound)

    def call(self, z, labels=None, training=None):
        self.check_inputs(z, labels)
        return keras.ops.tanh(keras.ops.reshape(self.dense(z), (-1, 4, 4, 1)))


def latents(num, dim, seed=0):
    return np.random.default_rng(seed).standard_normal((num, dim)).astype(np.float32)


def tiny_stylegan2(resolution=8, channels=8, w_avg=0.0):
    """A tiny StyleGAN2 generator (8 maps per resolution, z = w = 8, 1 mapping layer), built; `w_avg` fills the
    tracked average w (zeros as initialised), which psi = 0 gives to every sample."""
    from zoo.models.stylegan2 import StyleGAN2Generator

    g = StyleGAN2Generator(latent_dim=8, w_dim=8, resolution=resolution, channel_base=channels * 1024,
                           channel_max=channels, mapping_layers=1).build_for_inputs()
    if w_avg:
        g.mapping.w_avg.assign(np.full((8,), w_avg, np.float32))
    return g
