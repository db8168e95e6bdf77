"""Latents drawn in TensorFlow ops from a stateless seed, for graphs (the serving export's seed signatures).

The NumPy counterpart used by `GANGenerator.sample` is `zoo.models.latents`; the two streams differ (the same
seed gives other z), but each is deterministic: the same seed gives the same z on every call and machine.
"""

from __future__ import annotations

import tensorflow as tf


def truncated_normal_tf(shape, seed, truncation):
    """Standard normal of `shape` (stateless, `seed` int64[2]) with every |z| > truncation redrawn until
    inside: the truncation trick in TF ops (the NumPy version is `zoo.models.latents.truncated_normal`).

    Reference: Brock et al. 2019, "Large Scale GAN Training for High Fidelity Natural Image Synthesis", Sec. 3.1.
    """
    z = tf.random.stateless_normal(shape, seed=seed, dtype=tf.float32)

    def outside(_, z):
        return tf.reduce_any(tf.abs(z) > truncation)

    def redraw(i, z):
        fresh = tf.random.stateless_normal(shape, seed=tf.random.experimental.stateless_fold_in(seed, i))
        return i + 1, tf.where(tf.abs(z) > truncation, fresh, z)

    _, z = tf.while_loop(outside, redraw, (tf.constant(1, tf.int64), z))
    return z


def stateless_latents(num, latent_dim: int, seed, truncation=None):
    """z float32 [num, latent_dim] from the stateless seed [seed, 0] (`seed` an int64 scalar); a normal
    truncated at +-truncation when `truncation` (float32 scalar, > 0) is given."""
    shape = tf.stack([tf.cast(num, tf.int32), tf.constant(int(latent_dim), tf.int32)])
    seed = tf.stack([tf.cast(seed, tf.int64), tf.constant(0, tf.int64)])
    if truncation is None:
        return tf.random.stateless_normal(shape, seed=seed, dtype=tf.float32)
    return truncated_normal_tf(shape, seed, truncation)
