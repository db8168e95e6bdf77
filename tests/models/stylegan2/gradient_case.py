"""A fixed tiny StyleGAN2 G and D, and the quantities `test_gradients_unchanged.py` compares with the values the
implementation of commit a93d5c6 (FIR resampling as strided-slice sums, separate upsampling, unfused leaky ReLU
gains) gave: G's images, D's logits, and the gradients of a G loss (with style mixing and random noise), a D loss
with R1 (second order) and a path-length term (gradient of the images' projection with respect to ws, then its
gradient) with respect to every weight. Written by this module's `main()` to data/gradients_a93d5c6.npz."""

from __future__ import annotations

import os

import numpy as np
import tensorflow as tf

from zoo.models.stylegan2 import StyleGAN2Discriminator, StyleGAN2Generator, smoke_overrides

HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "data", "gradients_a93d5c6.npz")


def networks():
    """G and D of 16x16 RGB images, 8 maps, weights drawn from seed 0 (noise strengths set non-zero)."""
    tf.keras.utils.set_random_seed(0)
    overrides = smoke_overrides(8)
    g = StyleGAN2Generator(**{**overrides["generator"], "resolution": 16, "image_channels": 3}).build_for_inputs()
    d = StyleGAN2Discriminator(**{**overrides["discriminator"], "resolution": 16, "image_channels": 3,
                                  "mbstd_group_size": 2})
    d(np.zeros((2, 16, 16, 3), np.float32))
    rng = np.random.default_rng(1)
    for v in g.weights:
        if "noise_strength" in v.path:
            v.assign(rng.uniform(0.1, 0.5))
    return g, d


def quantities():
    """{name: array}: images, logits and every gradient (keys "g_loss/<path>", "d_loss/<path>", "pl/<path>")."""
    g, d = networks()
    rng = np.random.default_rng(2)
    z = tf.constant(rng.standard_normal((4, g.latent_dim)), tf.float32)
    z2 = tf.constant(rng.standard_normal((4, g.latent_dim)), tf.float32)
    reals = tf.constant(rng.uniform(-1, 1, (4, 16, 16, 3)), tf.float32)
    probe = tf.constant(rng.standard_normal((4, 16, 16, 3)), tf.float32)
    seed = tf.constant([3, 4], tf.int64)
    out = {}
    with tf.GradientTape() as tape:
        ws = g.mix_styles(g.mapping(z), g.mapping(z2), 3)
        images = g.synthesis(ws, noise=seed)
        logits = d(images)
        g_loss = tf.reduce_sum(tf.nn.softplus(-logits))
    out["images"], out["fake_logits"] = images.numpy(), logits.numpy()
    for v, grad in zip(g.trainable_weights, tape.gradient(g_loss, g.trainable_weights)):
        if grad is not None:
            out[f"g_loss/{v.path}"] = grad.numpy()
    with tf.GradientTape() as tape:
        with tf.GradientTape() as inner:
            inner.watch(reals)
            real_logits = d(reals)
            total = tf.reduce_sum(real_logits)
        r1 = tf.reduce_sum(tf.square(inner.gradient(total, reals)))
        d_loss = tf.reduce_sum(tf.nn.softplus(d(images)) + tf.nn.softplus(-real_logits)) + 0.5 * r1
    out["real_logits"] = real_logits.numpy()
    for v, grad in zip(d.trainable_weights, tape.gradient(d_loss, d.trainable_weights)):
        if grad is not None:
            out[f"d_loss/{v.path}"] = grad.numpy()
    with tf.GradientTape() as tape:
        ws = g.mapping(z)
        with tf.GradientTape() as inner:
            inner.watch(ws)
            projected = tf.reduce_sum(g.synthesis(ws, noise=seed) * probe)
        pl = tf.reduce_sum(tf.square(inner.gradient(projected, ws)))
    for v, grad in zip(g.trainable_weights, tape.gradient(pl, g.trainable_weights)):
        if grad is not None:  # (ToRGB biases do not move the images' gradient with respect to ws)
            out[f"pl/{v.path}"] = grad.numpy()
    return out


def main():
    os.makedirs(os.path.dirname(GOLDEN), exist_ok=True)
    np.savez_compressed(GOLDEN, **quantities())
    print(f"wrote {GOLDEN}")


if __name__ == "__main__":
    main()
