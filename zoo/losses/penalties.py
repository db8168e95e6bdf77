"""Gradient penalties on the discriminator, as pure functions of a discriminator callable."""

from __future__ import annotations

import tensorflow as tf


def _per_example_grad_sq_norm(discriminator, images, labels=None, training=True):
    images = tf.convert_to_tensor(images, tf.float32)
    with tf.GradientTape() as tape:
        tape.watch(images)
        logits = discriminator(images, labels=labels, training=training)
        total = tf.reduce_sum(logits)
    grads = tape.gradient(total, images)
    return tf.reduce_sum(tf.square(grads), axis=list(range(1, len(images.shape))))


def gradient_penalty(discriminator, real, fake, labels=None, seed=None, training=True):
    """WGAN-GP: E[(||grad_x_hat D(x_hat)||_2 - 1)^2], x_hat = eps x + (1 - eps) G(z), eps ~ U[0, 1] per example.

    `seed` is a stateless seed of shape (2,) for eps (None: eps = 0.5 for every example, deterministic).
    Multiply by lambda (paper: 10) yourself. Reference: Gulrajani et al. 2017, Algorithm 1.
    """
    real = tf.convert_to_tensor(real, tf.float32)
    fake = tf.convert_to_tensor(fake, tf.float32)
    shape = [tf.shape(real)[0]] + [1] * (len(real.shape) - 1)
    eps = tf.fill(shape, 0.5) if seed is None else tf.random.stateless_uniform(shape, seed=seed)
    x_hat = eps * real + (1.0 - eps) * fake
    sq = _per_example_grad_sq_norm(discriminator, x_hat, labels, training)
    return tf.reduce_mean(tf.square(tf.sqrt(sq + 1e-12) - 1.0))


def orthogonal_regularization(kernels):
    """BigGAN's orthogonal regularization without its coefficient: sum over kernels W of
    ||W^T W * (1 - I)||_F^2, with W = the kernel reshaped to (fan_in, filters), so W^T W holds the inner
    products of the filters and only the off-diagonal terms are penalised (filter norms are free).

    Multiply by beta yourself (paper: 1e-4). The BigGAN-PyTorch reference applies the gradient
    2 (W W^T * (1 - I)) W directly (filters as rows), which is the gradient of this term with beta / 2.
    Reference: Brock et al. 2019, Sec. 3.1, Eq. 3.
    """
    total = tf.constant(0.0)
    for kernel in kernels:
        w = tf.reshape(tf.convert_to_tensor(kernel), (-1, kernel.shape[-1]))
        gram = tf.matmul(w, w, transpose_a=True)
        off = gram * (1.0 - tf.eye(tf.shape(gram)[0], dtype=gram.dtype))
        total += tf.reduce_sum(tf.square(off))
    return total


def r1_penalty(discriminator, real, labels=None, training=True):
    """R1: E[||grad_x D(x)||_2^2] on real data. Multiply by gamma / 2 yourself (StyleGAN2: gamma = 10).

    Reference: Mescheder et al. 2018, "Which Training Methods for GANs do actually Converge?", Eq. 9.
    """
    return tf.reduce_mean(_per_example_grad_sq_norm(discriminator, real, labels, training))
