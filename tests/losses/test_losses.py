"""Losses against values computed by hand for fixed logits (TF-GAN test style: one mixin, expected values)."""

import math

import numpy as np
import pytest
import tensorflow as tf

from zoo import losses

REAL = [2.0, -1.0, 0.5]
FAKE = [-3.0, 0.0, 1.5]


def sp(t):
    return math.log1p(math.exp(t))


def mean(xs):
    return sum(xs) / len(xs)


class LossCase:
    g_fn = d_fn = None
    expected_g = expected_d = None

    def test_generator(self):
        assert float(type(self).g_fn(FAKE)) == pytest.approx(self.expected_g, rel=1e-6)

    def test_discriminator(self):
        assert float(type(self).d_fn(REAL, FAKE)) == pytest.approx(self.expected_d, rel=1e-6)


class TestHinge(LossCase):
    g_fn, d_fn = losses.hinge_generator_loss, losses.hinge_discriminator_loss
    # relu(1-[2,-1,.5]) = [0,2,.5] -> 2.5/3 ; relu(1+[-3,0,1.5]) = [0,1,2.5] -> 3.5/3
    expected_d = 2.5 / 3 + 3.5 / 3
    expected_g = -(-3.0 + 0.0 + 1.5) / 3


class TestNonSaturating(LossCase):
    g_fn, d_fn = losses.non_saturating_generator_loss, losses.non_saturating_discriminator_loss
    expected_d = mean([sp(-r) for r in REAL]) + mean([sp(f) for f in FAKE])
    expected_g = mean([sp(-f) for f in FAKE])


class TestMinimax(LossCase):
    g_fn, d_fn = losses.minimax_generator_loss, losses.minimax_discriminator_loss
    expected_d = mean([sp(-r) for r in REAL]) + mean([sp(f) for f in FAKE])
    expected_g = mean([math.log(1 - 1 / (1 + math.exp(-f))) for f in FAKE])


class TestWasserstein(LossCase):
    g_fn, d_fn = losses.wasserstein_generator_loss, losses.wasserstein_discriminator_loss
    expected_d = mean(FAKE) - mean(REAL)
    expected_g = -mean(FAKE)


class TestLeastSquares(LossCase):
    g_fn, d_fn = losses.least_squares_generator_loss, losses.least_squares_discriminator_loss
    expected_d = 0.5 * mean([(r - 1) ** 2 for r in REAL]) + 0.5 * mean([f ** 2 for f in FAKE])
    expected_g = 0.5 * mean([(f - 1) ** 2 for f in FAKE])


class LinearD:
    """D(x) = sum(w * x) per example: grad_x D = w for every x."""

    def __init__(self, w):
        self.w = tf.constant(w, tf.float32)

    def __call__(self, x, labels=None, training=None):
        return tf.reduce_sum(x * self.w, axis=[1, 2, 3])


def test_r1_of_linear_discriminator_is_squared_norm():
    w = np.arange(8, dtype=np.float32).reshape(1, 2, 2, 2) / 10
    real = np.random.default_rng(0).standard_normal((3, 2, 2, 2)).astype(np.float32)
    assert float(losses.r1_penalty(LinearD(w), real)) == pytest.approx(float((w ** 2).sum()), rel=1e-5)


def test_gradient_penalty_of_linear_discriminator():
    w = np.full((1, 2, 2, 1), 0.25, np.float32)  # ||w|| = 0.5 -> (0.5 - 1)^2 = 0.25
    real = np.ones((4, 2, 2, 1), np.float32)
    fake = np.zeros((4, 2, 2, 1), np.float32)
    gp = losses.gradient_penalty(LinearD(w), real, fake, seed=tf.constant([1, 2], tf.int64))
    assert float(gp) == pytest.approx(0.25, rel=1e-4)


def test_unknown_loss_name_is_a_clear_error():
    with pytest.raises(KeyError, match="known"):
        losses.get_loss("hingee")


def test_orthogonal_regularization_against_hand_computed_value():
    """W (fan_in 2, filters 3) = [[1, 0, 1], [2, 1, 0]]: W^T W = [[5, 2, 1], [2, 1, 0], [1, 0, 1]];
    off-diagonal squares 2 * (2^2 + 1^2 + 0^2) = 10. A conv kernel (1, 1, 2, 3) with the same numbers gives 10
    too; two kernels add. Orthogonal filters (any norms) give 0."""
    import numpy as np

    from zoo.losses import orthogonal_regularization

    w = np.array([[1.0, 0.0, 1.0], [2.0, 1.0, 0.0]], np.float32)
    assert float(orthogonal_regularization([w])) == pytest.approx(10.0)
    assert float(orthogonal_regularization([w.reshape(1, 1, 2, 3), w])) == pytest.approx(20.0)
    assert float(orthogonal_regularization([np.diag([3.0, 0.5]).astype(np.float32)])) == 0.0
