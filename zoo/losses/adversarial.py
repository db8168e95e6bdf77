"""Adversarial losses as pure functions of discriminator logits. Each returns the batch mean (a scalar).

Notation: D(x) are logits on real data, D(G(z)) logits on generated data, sigma the logistic sigmoid,
softplus(t) = log(1 + exp(t)), so -log sigma(t) = softplus(-t) and -log(1 - sigma(t)) = softplus(t).
"""

from __future__ import annotations

import tensorflow as tf


def _f(x):
    return tf.cast(tf.convert_to_tensor(x), tf.float32)


def hinge_discriminator_loss(real_logits, fake_logits):
    """L_D = E[max(0, 1 - D(x))] + E[max(0, 1 + D(G(z)))].

    Reference: Lim & Ye 2017 (Geometric GAN); Miyato et al. 2018, Eq. 16.
    """
    return tf.reduce_mean(tf.nn.relu(1.0 - _f(real_logits))) + tf.reduce_mean(tf.nn.relu(1.0 + _f(fake_logits)))


def hinge_generator_loss(fake_logits):
    """L_G = -E[D(G(z))].  Reference: Miyato et al. 2018, Eq. 17."""
    return -tf.reduce_mean(_f(fake_logits))


def non_saturating_discriminator_loss(real_logits, fake_logits):
    """L_D = E[-log sigma(D(x))] + E[-log(1 - sigma(D(G(z))))] = E[softplus(-D(x))] + E[softplus(D(G(z)))].

    The discriminator loss of the original GAN (identical for minimax and non-saturating G losses).
    No label smoothing. Reference: Goodfellow et al. 2014, Eq. 1.
    """
    return tf.reduce_mean(tf.nn.softplus(-_f(real_logits))) + tf.reduce_mean(tf.nn.softplus(_f(fake_logits)))


def non_saturating_generator_loss(fake_logits):
    """L_G = E[-log sigma(D(G(z)))] = E[softplus(-D(G(z)))].  Reference: Goodfellow et al. 2014, Sec. 3."""
    return tf.reduce_mean(tf.nn.softplus(-_f(fake_logits)))


minimax_discriminator_loss = non_saturating_discriminator_loss


def minimax_generator_loss(fake_logits):
    """L_G = E[log(1 - sigma(D(G(z))))] = -E[softplus(D(G(z)))] (the saturating original).

    Reference: Goodfellow et al. 2014, Eq. 1.
    """
    return -tf.reduce_mean(tf.nn.softplus(_f(fake_logits)))


def wasserstein_discriminator_loss(real_logits, fake_logits):
    """L_D = E[D(G(z))] - E[D(x)].  Reference: Arjovsky et al. 2017 (WGAN), Algorithm 1."""
    return tf.reduce_mean(_f(fake_logits)) - tf.reduce_mean(_f(real_logits))


def wasserstein_generator_loss(fake_logits):
    """L_G = -E[D(G(z))].  Reference: Arjovsky et al. 2017, Algorithm 1."""
    return -tf.reduce_mean(_f(fake_logits))


def least_squares_discriminator_loss(real_logits, fake_logits):
    """L_D = 1/2 E[(D(x) - 1)^2] + 1/2 E[D(G(z))^2]  (a=0, b=1).  Reference: Mao et al. 2017 (LSGAN), Eq. 9."""
    return 0.5 * tf.reduce_mean(tf.square(_f(real_logits) - 1.0)) + 0.5 * tf.reduce_mean(tf.square(_f(fake_logits)))


def least_squares_generator_loss(fake_logits):
    """L_G = 1/2 E[(D(G(z)) - 1)^2]  (c=1).  Reference: Mao et al. 2017, Eq. 9."""
    return 0.5 * tf.reduce_mean(tf.square(_f(fake_logits) - 1.0))


LOSSES = {
    "hinge": (hinge_generator_loss, hinge_discriminator_loss),
    "non_saturating": (non_saturating_generator_loss, non_saturating_discriminator_loss),
    "minimax": (minimax_generator_loss, minimax_discriminator_loss),
    "wasserstein": (wasserstein_generator_loss, wasserstein_discriminator_loss),
    "least_squares": (least_squares_generator_loss, least_squares_discriminator_loss),
}


def get_loss(name: str):
    """(generator_loss, discriminator_loss) for a loss name in LOSSES."""
    if name not in LOSSES:
        raise KeyError(f"unknown loss {name!r}; known: {sorted(LOSSES)}")
    return LOSSES[name]
